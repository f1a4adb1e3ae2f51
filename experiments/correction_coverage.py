"""Do the adjusted shares' intervals cover the truth when the model errs? (framing.analysis.correction)

.venv/bin/python experiments/correction_coverage.py [--units 1000] [--gold proportional|dev] [--no-factor]

Simulated outlets (``framing.analysis.simulation.misclassified_rows``) of 5 to 100 articles
(log-uniform) with 2 to 15 sentences each, articles from one-sided (concentration 1) to alike, whose
true labels follow ``FULL_TRUTH`` and whose predicted labels follow ``CONFUSION`` (counting
overstates terrorist+jihadist by 0.15 and regime by 0.07). Each outlet's error rates are measured
afresh on simulated gold sentences: ``proportional``, 600 in the outlet's proportions of labels;
``dev``, as many per label as the pooled dev split holds (opposition 877/128/21/31, state
800/167/90), whose mix of ``none`` and namings differs from the outlet's, so the precision taken
from it is off. For units passing the minimum, prints how often the 95% interval of
terrorist+jihadist and of regime holds the true share, per estimator and by articles, with the mean
width and absolute error. ``--no-factor`` leaves out the small-sample factor of the adjusted interval.
"""

from __future__ import annotations

import argparse
from collections import defaultdict

import numpy as np

import framing.analysis.correction as correction
from framing.analysis.correction import DomainRates, FieldRates
from framing.analysis.profile import profile
from framing.analysis.simulation import CONCENTRATIONS, FULL_TRUTH, gold_counts, misclassified_rows
from framing.classifiers.schema import ACTORS, LABELS

ORDER = {"opposition": ("terrorist+jihadist", ("terrorist", "jihadist")), "state": ("regime", ("regime",))}
DEV = {"opposition": np.array([877, 128, 21, 31]), "state": np.array([800, 167, 90])}
BINS = ((5, 10), (10, 30), (30, 101))


def true_share(actor: str) -> float:
    truth, parts = FULL_TRUTH[actor], ORDER[actor][1]
    return float(sum(truth[LABELS[actor].index(p)] for p in parts) / (1 - truth[0]))


def measured_rates(rng: np.random.Generator, gold: str) -> DomainRates:
    sizes = DEV if gold == "dev" else {a: np.round(600 * FULL_TRUTH[a]).astype(int) for a in ACTORS}
    counts = gold_counts(rng, sizes)
    return DomainRates("simulated", "pooled", {a: FieldRates(LABELS[a], c, c.astype(float)) for a, c in counts.items()})


def simulate(units: int, gold: str, seed: int = 0) -> dict:
    rng = np.random.default_rng(seed)
    found = defaultdict(list)
    for unit in range(units):
        articles = int(np.exp(rng.uniform(np.log(5), np.log(101))))
        concentration = float(rng.choice(CONCENTRATIONS))
        rows = misclassified_rows(rng, articles, int(rng.integers(2, 16)), concentration=concentration)
        rates = measured_rates(rng, gold)
        for estimator in ("count", "adjusted"):
            for row in profile(rows, n_boot=500, seed=unit, estimator=estimator, rates=rates):
                if row.enough and row.label == ORDER[row.actor][0]:
                    truth = true_share(row.actor)
                    hit = row.low - 1e-9 <= truth <= row.high + 1e-9
                    found[estimator].append((row.articles, hit, row.high - row.low, abs(row.share - truth)))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=1000, help="simulated outlets")
    parser.add_argument("--gold", choices=("proportional", "dev"), default="proportional")
    parser.add_argument("--no-factor", action="store_true", help="adjusted intervals without the small-sample factor")
    args = parser.parse_args()
    if args.no_factor:
        correction.small_sample_factor = lambda articles: 1.0
    found = simulate(args.units, args.gold)
    print(f"{args.units} simulated outlets, gold {args.gold}{', no small-sample factor' if args.no_factor else ''}")
    for estimator, results in found.items():
        table = np.array(results, dtype=np.float64)
        by_bin = []
        for low, high in BINS:
            keep = (table[:, 0] >= low) & (table[:, 0] < high)
            by_bin.append(f"{low}-{high - 1}: {table[keep, 1].mean():.3f}" if keep.any() else f"{low}-{high - 1}: -")
        print(
            f"  {estimator:8s} {len(table)} shares: coverage {table[:, 1].mean():.3f} ({', '.join(by_bin)} articles)"
            f"  mean width {table[:, 2].mean():.3f}  mean absolute error {table[:, 3].mean():.3f}"
        )


if __name__ == "__main__":
    main()
