"""Are the intervals and tests calibrated? Simulated corpora with known true shares (framing.analysis.simulation).

.venv/bin/python experiments/calibration.py [--replicates 20] [--outlets 200] [--null-corpora 200] [--seed 0]

Prints, for the README ("How sure the numbers are"):

1. coverage of the profiles' 95% intervals over outlets of 1 to 200 articles, overall and by
   number of articles, for the shipped interval and for its two parts alone (percentile
   bootstrap; design-effect Jeffreys), and what a unit below the minimum would have got;
2. with no true difference (every outlet of a corpus shares one truth, but not its article
   lengths or how alike its articles are): the share of compared pairs flagged after
   Benjamini-Hochberg, the share of corpora with any flag, and each test's raw rejection rate at
   5%, 1% and 0.1% of the nominal, for the shipped tests and their parts and alternatives;
3. with half the outlets different: the false discovery proportion among flagged share differences.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from framing.analysis.differences import _welch_p, compare_outlets, jsd
from framing.analysis.profile import COMBINED, article_counts
from framing.analysis.simulation import (
    corpus,
    naming_labels,
    random_outlet,
    random_truth,
    simulate_coverage,
    simulate_null,
    true_share,
)
from framing.analysis.stats import bootstrap_share, design_interval, meets_minimum
from framing.classifiers.schema import ACTORS

STRATA = ((5, 10), (10, 30), (30, 201))
LEVELS = (0.05, 0.01, 0.001)


def coverage(replicates: int, outlets: int, rng: np.random.Generator) -> None:
    started = time.perf_counter()
    results = [simulate_coverage(rng, outlets, n_boot=1000, seed=i) for i in range(replicates)]
    covered = np.concatenate([r.covered for r in results])
    articles = np.concatenate([r.articles for r in results])
    width = np.concatenate([r.width for r in results])
    units, estimated = sum(r.units for r in results), sum(r.estimated for r in results)
    print(f"1. coverage of 95% intervals: {replicates} corpora x {outlets} outlets of 1-200 articles")
    print(f"   units (outlet x actor): {units}, estimated (>= 5 articles and 10 sentences): {estimated}")
    print(f"   shipped interval: {covered.mean():.3f} of {len(covered)} shares, mean width {width.mean():.3f}")
    for low, high in STRATA:
        keep = (articles >= low) & (articles < high)
        print(f"     {low}-{high - 1} articles: {covered[keep].mean():.3f} ({keep.sum()} shares)")
    parts = _parts(replicates, outlets, rng)
    for name, hits in parts.items():
        line = ", ".join(f"{low}-{high - 1}: {np.mean(hits[(low, high)]):.3f}" for low, high in STRATA + ((2, 5),))
        print(f"   {name}: {line}")
    print(f"   ({time.perf_counter() - started:.0f} s)")


def _parts(replicates: int, outlets: int, rng: np.random.Generator) -> dict[str, dict]:
    """Coverage of the bootstrap alone and the design interval alone, by articles (2-4: below the minimum)."""
    hits: dict[str, dict] = {name: {s: [] for s in STRATA + ((2, 5),)} for name in ("bootstrap alone", "design alone")}
    for _ in range(replicates):
        simulated = {o.name: o for o in (random_outlet(rng, f"o{i}") for i in range(outlets))}
        rows = corpus(rng, list(simulated.values()))
        for actor in ACTORS:
            labels = naming_labels(actor)
            sets = {label: (label,) for label in labels} | COMBINED.get(actor, {})
            for group, docs in article_counts(rows, "outlet", actor, "all").items():
                matrix = np.stack(list(docs.values()))
                naming, n = matrix.sum(axis=1), len(matrix)
                if n < 2 or not meets_minimum(n, int(naming.sum()), 1, 10):
                    continue
                stratum = next(s for s in STRATA + ((2, 5),) if s[0] <= n < s[1])
                picks = rng.integers(0, n, size=(1000, n))
                for parts in sets.values():
                    numerator = matrix[:, [labels.index(p) for p in parts]].sum(axis=1)
                    truth = true_share(simulated[group], actor, parts)
                    _, low, high = bootstrap_share(numerator, naming, picks)
                    hits["bootstrap alone"][stratum].append(low - 1e-9 <= truth <= high + 1e-9)
                    d_low, d_high = design_interval(numerator, naming)
                    hits["design alone"][stratum].append(d_low[0] - 1e-9 <= truth <= d_high[0] + 1e-9)
    return hits


def null(corpora: int, rng: np.random.Generator) -> None:
    started = time.perf_counter()
    results = [simulate_null(rng, 8, n_boot=200, n_perm=1000, seed=i) for i in range(corpora)]
    total = {f: sum(getattr(r, f) for r in results) for f in results[0].__dataclass_fields__}
    print(f"2. no true difference: {corpora} corpora x 8 outlets of 1-200 articles, one truth per corpus")
    print(
        f"   pairs x actor compared: {total['pairs']}, flagged after BH (5% FDR): {total['pairs_flagged']} "
        f"({total['pairs_flagged'] / total['pairs']:.2%}); corpora with any flag: "
        f"{sum(r.pairs_flagged > 0 for r in results)} of {corpora}"
    )
    print(
        f"   share differences tested: {total['tests']}, flagged {total['flagged']} "
        f"({total['flagged'] / total['tests']:.2%}); raw p < 0.05: {total['rejected'] / total['tests']:.3f}"
    )
    rates = _raw_rates(max(corpora // 2, 10), rng)
    for name, p in rates.items():
        print(f"   {name}: rejections / nominal at {', '.join(f'{a}: {np.mean(p < a) / a:.2f}' for a in LEVELS)}")
    print(f"   ({time.perf_counter() - started:.0f} s)")


def _raw_rates(corpora: int, rng: np.random.Generator, n_perm: int = 4000) -> dict[str, np.ndarray]:
    """p-values of five statistics on the same shuffles of null pairs (single labels; 4,000 shuffles)."""
    found: dict[str, list] = {name: [] for name in STATISTICS}
    for _ in range(corpora):
        truth = random_truth(rng)
        rows = corpus(rng, [random_outlet(rng, f"o{i}", truth) for i in range(8)])
        for actor in ACTORS:
            counts = article_counts(rows, "outlet", actor, "all")
            units = [np.stack(list(d.values())) for d in counts.values()]
            units = [u for u in units if meets_minimum(len(u), int(u.sum()))]
            for i in range(len(units)):
                for j in range(i + 1, len(units)):
                    for name, p in _pair_p(units[i], units[j], n_perm, rng).items():
                        found[name] += list(np.atleast_1d(p))
    return {name: np.array(p) for name, p in found.items()}


def _statistics(left: np.ndarray, total: np.ndarray, n_a: int, n_b: int) -> dict[str, np.ndarray]:
    """Per shuffle (rows of ``left``: summed [counts, y**2, y*m, m**2] of side a), the permuted statistics."""
    width = (left.shape[1] - 1) // 3
    right = total - left
    m_a, m_b = left[:, :width].sum(axis=1, keepdims=True), right[:, :width].sum(axis=1, keepdims=True)
    share_a, share_b = left[:, :width] / m_a, right[:, :width] / m_b
    pooled = total[:width] / total[:width].sum()

    def variance(side, m, n, centre):
        yy, ym, mm = side[:, width : 2 * width], side[:, 2 * width : 3 * width], side[:, -1:]
        return n / (n - 1) * np.maximum(yy - 2 * centre * ym + centre**2 * mm, 0) / m**2

    difference = np.abs(share_a - share_b)
    with np.errstate(divide="ignore", invalid="ignore"):
        wald = difference / np.sqrt(variance(left, m_a, n_a, share_a) + variance(right, m_b, n_b, share_b))
        score = difference / np.sqrt(variance(left, m_a, n_a, pooled) + variance(right, m_b, n_b, pooled))
    wald, score = np.nan_to_num(wald, nan=0.0, posinf=np.inf), np.nan_to_num(score, nan=0.0, posinf=np.inf)
    return {
        "share: raw difference, permutation": difference,
        "share: Wald-studentised, permutation": wald,
        "share: score-studentised, permutation": score,
        "distribution: JSD, permutation": jsd(left[:, :width], right[:, :width])[:, None],
        "distribution: sum of squared score t, permutation": (score**2).sum(axis=1, keepdims=True),
    }


PERMUTED = (
    "share: raw difference, permutation",
    "share: Wald-studentised, permutation",
    "share: score-studentised, permutation",
    "distribution: JSD, permutation",
    "distribution: sum of squared score t, permutation",
)
STATISTICS = PERMUTED + (
    "share: Welch (CR2) alone",
    "share: shipped (larger of score permutation and Welch)",
    "distribution: shipped (larger of sum-of-t2 permutation and Bonferroni-Welch)",
)


def _pair_p(a: np.ndarray, b: np.ndarray, n_perm: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    pooled = np.vstack([a, b]).astype(np.float64)
    m = pooled.sum(axis=1, keepdims=True)
    features = np.hstack([pooled, pooled**2, pooled * m, m**2])
    total = features.sum(axis=0)
    base = np.arange(len(pooled)) < len(a)
    observed = _statistics(features[base].sum(axis=0, keepdims=True), total, len(a), len(b))
    masks = rng.permuted(np.tile(base, (n_perm, 1)), axis=1).astype(np.float64)
    shuffled = _statistics(masks @ features, total, len(a), len(b))
    p = {
        name: (1 + (shuffled[name] >= observed[name] * (1 - 1e-12) - 1e-12).sum(axis=0)) / (1 + n_perm)
        for name in PERMUTED
    }
    width = a.shape[1]
    welch = _welch_p(a, b, np.eye(width))
    p["share: Welch (CR2) alone"] = welch
    p["share: shipped (larger of score permutation and Welch)"] = np.maximum(
        p["share: score-studentised, permutation"], welch
    )
    bonferroni = min(1.0, (width if width > 2 else 1) * float(welch.min()))
    p["distribution: shipped (larger of sum-of-t2 permutation and Bonferroni-Welch)"] = np.maximum(
        p["distribution: sum of squared score t, permutation"], bonferroni
    )
    return p


def mixed(corpora: int, rng: np.random.Generator) -> None:
    """Half the outlets of each corpus follow one truth, half another: false discoveries among the flagged."""
    started = time.perf_counter()
    false, flagged, true_pairs, found = 0, 0, 0, 0
    for i in range(corpora):
        truths = (random_truth(rng), random_truth(rng))
        simulated = [random_outlet(rng, f"o{k}", truths[k % 2]) for k in range(8)]
        side = {o.name: k % 2 for k, o in enumerate(simulated)}
        result = compare_outlets(corpus(rng, simulated), n_boot=200, n_perm=1000, seed=i)
        for d in result.differences:
            same = side[d.a] == side[d.b]
            false += d.significant and same
            flagged += d.significant
            true_pairs += not same
            found += d.significant and not same
    print(f"3. half the outlets different: {corpora} corpora x 8 outlets (two truths)")
    print(
        f"   share differences flagged: {flagged}, of which between outlets with the same truth: {false} "
        f"(false discovery proportion {false / max(flagged, 1):.3f}); {found} of {true_pairs} tests "
        f"between different truths flagged ({time.perf_counter() - started:.0f} s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--replicates", type=int, default=20, help="simulated corpora for the coverage")
    parser.add_argument("--outlets", type=int, default=200, help="outlets per corpus for the coverage")
    parser.add_argument("--null-corpora", type=int, default=200, help="corpora of 8 outlets for the tests")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    coverage(args.replicates, args.outlets, rng)
    null(args.null_corpora, rng)
    mixed(args.null_corpora // 2, rng)


if __name__ == "__main__":
    main()
