"""How far are an outlet's shares from the gold-label shares, per estimator? (framing.analysis.quantify)

.venv/bin/python experiments/quantification.py [--model models/transformer] [--min-gold 10]
    [--rates-domain same|pooled] [--verbose]

For each domain (fa-kes, allsides) and each evaluation split (dev, test), the model labels the
gold sentences of that split. The error rates that the adjusted estimators use come from the
other split (dev's from test, test's from dev), so no split corrects itself: on test, the dev
rates stored with the model (error-rates.json, `framing calibrate-shares`), as `framing profile
--estimator adjusted` uses them; on dev, the test split's, measured here. ``--rates-domain same``
takes the rates of the outlet's domain, ``pooled`` those of both domains' gold sentences.
For every outlet with at least --min-gold gold sentences naming an actor, each estimator's share
of terrorist-or-jihadist (opposition) or regime (state) is compared with the share the gold labels
give, and the mean absolute error over those outlets is printed per estimator: count, probability,
adjusted (`framing profile --estimator adjusted`, run here through ``framing.analysis.profile``),
and all-adjusted and all-adjusted-probability (``framing.analysis.quantify``'s adjusted estimators,
which solve all sentences, none included, through the full rates: fine on gold-like samples, but
biased on whole articles, see ``framing.analysis.correction``). The profile's 95%
intervals of those outlets (``framing.analysis.profile``, every outlet estimated whatever its
articles) are checked too: how often they contain the gold-label share, and their mean width.
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from pathlib import Path

import numpy as np

from framing.analysis.correction import POOLED, PROFILE_ESTIMATORS, DomainRates, read_error_rates, tally_rates
from framing.analysis.profile import ORDER_BY, profile
from framing.analysis.quantify import distribution, naming_share
from framing.classifiers.loading import load_model
from framing.classifiers.schema import ACTORS, FIELDS, LABELS
from framing.gold.annotations import DOMAINS, contexts, domain_of, load_annotations, split_gold
from framing.resources import default_data_root
from framing.scoring.rows import ScoredSentence

PARTS = {"opposition": ("terrorist", "jihadist"), "state": ("regime",)}
SPLITS = ("dev", "test")
#: framing.analysis.quantify's estimators over all sentences (none included), as measured here; "adjusted",
#: the profile's (framing.analysis.correction: namings corrected by precision and rates among namings), is added.
OVER_ALL = {
    "count": "count",
    "probability": "probability",
    "all-adjusted": "adjusted",
    "all-adjusted-probability": "adjusted-probability",
}
MEASURED = ("count", "probability", "adjusted", "all-adjusted", "all-adjusted-probability")


def labelled(gold: list, probabilities: list) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per actor: the gold label indices and the model's (n, k) probabilities of the gold sentences."""
    out = {}
    for actor in ACTORS:
        column, labels = FIELDS.index(actor), list(LABELS[actor])
        truth = np.array([labels.index(g.labels()[column]) for g in gold])
        out[actor] = (truth, np.asarray(probabilities[FIELDS.index(actor)], dtype=np.float64))
    return out


def errors(gold: list, data: dict, rates: DomainRates, min_gold: int, verbose: bool) -> dict:
    """Per (actor, estimator): the absolute error of each outlet with enough gold namings; per actor, those outlets."""
    by_outlet = defaultdict(list)
    for i, g in enumerate(gold):
        by_outlet[g.outlet or "unknown"].append(i)
    found = defaultdict(list)
    for actor in ACTORS:
        labels, parts = list(LABELS[actor]), PARTS[actor]
        truth, scores = data[actor]
        matrices = {
            "adjusted": rates.fields[actor].matrix(),
            "adjusted-probability": rates.fields[actor].matrix(probabilities=True),
        }
        for outlet, rows in sorted(by_outlet.items()):
            gold_pi = np.bincount(truth[rows], minlength=len(labels)) / len(rows)
            if round((1 - gold_pi[labels.index("none")]) * len(rows)) < min_gold:
                continue
            target = naming_share(gold_pi, labels, parts)
            found[actor, "gold"].append((outlet, target))
            shares = {
                name: naming_share(distribution(e, scores[rows], matrices.get(e)), labels, parts)
                for name, e in OVER_ALL.items()
            }
            for estimator, share in shares.items():
                found[actor, estimator].append(abs(share - target))
            if verbose:
                line = " ".join(f"{e} {s:.2f}" for e, s in shares.items())
                print(f"      {actor:10s} {outlet:28s} gold {target:.2f}  {line}")
    return found


def scored_rows(gold: list, probabilities: list, model: str) -> list[ScoredSentence]:
    """The gold sentences as `framing score` would write them: the model's labels and probabilities."""
    rows = []
    for i, g in enumerate(gold):
        labels = {f: LABELS[f][int(np.argmax(probabilities[j][i]))] for j, f in enumerate(FIELDS)}
        scores = {f: dict(zip(LABELS[f], map(float, probabilities[j][i]))) for j, f in enumerate(FIELDS)}
        rows.append(ScoredSentence(g.doc, i, outlet=g.outlet, scores=scores, model=model, **labels))
    return rows


def intervals(rows: list[ScoredSentence], rates: DomainRates, found: dict, n_boot: int, verbose: bool) -> dict:
    """Per (actor, estimator): for each outlet of ``found``'s gold shares, whether the profile's interval holds
    the gold share, and its width (an outlet the model never names the actor in counts as missed); the profile's
    adjusted shares' errors go into ``found``."""
    out = defaultdict(list)
    for estimator in PROFILE_ESTIMATORS:
        result = profile(rows, n_boot=n_boot, estimator=estimator, rates=rates, min_articles=1, min_sentences=1)
        shares = {(r.group, r.actor): r for r in result if r.label == ORDER_BY[r.actor]}
        for actor in ACTORS:
            for i, (outlet, target) in enumerate(found[actor, "gold"]):
                r = shares.get((outlet, actor))
                out[actor, estimator].append((r is not None and r.low <= target <= r.high, r.high - r.low if r else 1))
                if estimator == "count":  # the profile counts as framing.analysis.quantify does
                    assert r is not None and abs(abs(r.share - target) - found[actor, "count"][i]) < 1e-9
                else:
                    found[actor, estimator].append(abs(r.share - target) if r else abs(target))
                if verbose and estimator != "count":
                    print(f"      {actor:10s} {outlet:28s} gold {target:.2f}  profile {estimator} {r.share:.2f}")
    return out


def predict(model, gold: list) -> list[np.ndarray]:
    return [
        np.asarray(p, dtype=np.float64) for p in model.classifier.predict_proba([g.text for g in gold], contexts(gold))
    ]


def stored_rates(model, gold: list, probabilities: list):
    """The dev rates stored with the model, checked against this run's labels of the dev gold sentences."""
    stored = read_error_rates(model.path)
    if stored.split != "dev" or stored.model != model.name:
        raise SystemExit(f"{model.path}: error-rates.json is of {stored.model} on {stored.split}; run calibrate-shares")
    here = tally_rates(model.name, gold, probabilities, "dev")
    same = all(
        np.array_equal(here.domains[d][a].counts, stored.domains[d][a].counts) for d in stored.domains for a in ACTORS
    )
    print(f"  stored dev error rates ({model.path.name}/error-rates.json) match this run's dev labels: {same}")
    return stored


def coverage_line(found: dict, actor_or_all, estimators=PROFILE_ESTIMATORS) -> str:
    parts = []
    for e in estimators:
        pairs = [x for a in ACTORS if actor_or_all in (a, None) for x in found[a, e]]
        parts.append(f"{e} {sum(c for c, _ in pairs)}/{len(pairs)} (width {np.mean([w for _, w in pairs]):.2f})")
    return "  ".join(parts)


def mae_line(errors_of: dict) -> str:
    return "  ".join(f"{e} {np.mean(errors_of[e]):.3f}" for e in MEASURED)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=None, help="model directory (default: the shipped default)")
    parser.add_argument("--data", type=Path, default=None, help="shared data root")
    parser.add_argument("--min-gold", type=int, default=10, help="fewest gold sentences naming the actor per outlet")
    parser.add_argument(
        "--rates-domain", choices=("same", POOLED), default="same", help="rates of which gold sentences"
    )
    parser.add_argument("--n-boot", type=int, default=1000, help="bootstrap replicates of the profile intervals")
    parser.add_argument("--verbose", action="store_true", help="print every outlet's shares")
    args = parser.parse_args()
    model = load_model(args.model)
    gold = {s: split_gold(load_annotations(args.data or default_data_root()), s) for s in SPLITS}
    probabilities = {s: predict(model, gold[s]) for s in SPLITS}
    print(f"model {model.name}; mean absolute error of the {'/'.join(ORDER_BY.values())} share per outlet")
    rates_of = {
        "test": stored_rates(model, gold["dev"], probabilities["dev"]),
        "dev": tally_rates(model.name, gold["test"], probabilities["test"], "test"),
    }
    everything, covered = defaultdict(lambda: defaultdict(list)), defaultdict(lambda: defaultdict(list))
    for domain in DOMAINS:
        for split in SPLITS:
            index = [i for i, g in enumerate(gold[split]) if domain_of(g.doc) == domain]
            sentences, scores = [gold[split][i] for i in index], [p[index] for p in probabilities[split]]
            rates = rates_of[split].domain(domain if args.rates_domain == "same" else POOLED)
            other = SPLITS[1 - SPLITS.index(split)]
            print(f"  {domain} {split} ({len(sentences)} gold sentences; error rates of {rates.domain} {other}):")
            found = errors(sentences, labelled(sentences, scores), rates, args.min_gold, args.verbose)
            held = intervals(scored_rows(sentences, scores, model.name), rates, found, args.n_boot, args.verbose)
            for actor in ACTORS:
                n = len(found[actor, "count"])
                line = mae_line({e: found[actor, e] for e in MEASURED}) if n else "-"
                print(f"    {actor:10s} {n:2d} outlets  {line}")
                if n:
                    print(f"{'':27s}intervals holding the gold share: {coverage_line(held, actor)}")
                for e in MEASURED:
                    everything[split][e] += found[actor, e]
                for e in PROFILE_ESTIMATORS:
                    covered[split][actor, e] += held[actor, e]
    for split in SPLITS:
        print(f"  {split} splits ({len(everything[split]['count'])} outlet x actor): {mae_line(everything[split])}")
        print(f"    intervals holding the gold share: {coverage_line(covered[split], None)}")
    both = {e: everything["dev"][e] + everything["test"][e] for e in MEASURED}
    print(f"  all ({len(both['count'])} outlet x actor x split): {mae_line(both)}")


if __name__ == "__main__":
    main()
