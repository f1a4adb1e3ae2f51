"""How far are an outlet's shares from the gold-label shares, per estimator? (framing.analysis.quantify)

.venv/bin/python experiments/quantification.py [--model models/transformer] [--min-gold 10] [--verbose]

For each domain (fa-kes, allsides) and each evaluation split (dev, test), the model labels the
gold sentences of that split. The error rates that the adjusted estimators use come from the
other split of the same domain (dev's from test, test's from dev), so no split corrects itself.
For every outlet with at least --min-gold gold sentences naming an actor, each estimator's share
of terrorist-or-jihadist (opposition) or regime (state) is compared with the share the gold labels
give, and the mean absolute error over those outlets is printed per estimator.
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from pathlib import Path

import numpy as np

from framing.analysis.profile import ORDER_BY
from framing.analysis.quantify import ESTIMATORS, distribution, naming_share, rates
from framing.classifiers.loading import load_model
from framing.classifiers.schema import ACTORS, FIELDS, LABELS
from framing.gold.annotations import DOMAINS, contexts, domain_gold, load_annotations, split_gold
from framing.resources import default_data_root

PARTS = {"opposition": ("terrorist", "jihadist"), "state": ("regime",)}
SPLITS = ("dev", "test")


def labelled(model, gold: list) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per actor: the gold label indices and the model's (n, k) probabilities of the gold sentences."""
    probabilities = model.classifier.predict_proba([g.text for g in gold], contexts(gold))
    out = {}
    for actor in ACTORS:
        column, labels = FIELDS.index(actor), list(LABELS[actor])
        truth = np.array([labels.index(g.labels()[column]) for g in gold])
        out[actor] = (truth, np.asarray(probabilities[FIELDS.index(actor)], dtype=np.float64))
    return out


def errors(gold: list, data: dict, other: dict, min_gold: int, verbose: bool) -> dict[tuple[str, str], list[float]]:
    """Per (actor, estimator): the absolute error of each outlet with enough gold namings."""
    by_outlet = defaultdict(list)
    for i, g in enumerate(gold):
        by_outlet[g.outlet or "unknown"].append(i)
    found = defaultdict(list)
    for actor in ACTORS:
        labels, parts = list(LABELS[actor]), PARTS[actor]
        truth, scores = data[actor]
        other_truth, other_scores = other[actor]
        matrices = {
            "adjusted": rates(other_truth, other_scores.argmax(axis=1), len(labels)),
            "adjusted-probability": rates(other_truth, other_scores, len(labels)),
        }
        for outlet, rows in sorted(by_outlet.items()):
            gold_pi = np.bincount(truth[rows], minlength=len(labels)) / len(rows)
            if round((1 - gold_pi[labels.index("none")]) * len(rows)) < min_gold:
                continue
            target = naming_share(gold_pi, labels, parts)
            shares = {
                e: naming_share(distribution(e, scores[rows], matrices.get(e)), labels, parts) for e in ESTIMATORS
            }
            for estimator, share in shares.items():
                found[actor, estimator].append(abs(share - target))
            if verbose:
                line = " ".join(f"{e} {s:.2f}" for e, s in shares.items())
                print(f"      {actor:10s} {outlet:28s} gold {target:.2f}  {line}")
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=None, help="model directory (default: the shipped default)")
    parser.add_argument("--data", type=Path, default=None, help="shared data root")
    parser.add_argument("--min-gold", type=int, default=10, help="fewest gold sentences naming the actor per outlet")
    parser.add_argument("--verbose", action="store_true", help="print every outlet's shares")
    args = parser.parse_args()
    model = load_model(args.model)
    gold = load_annotations(args.data or default_data_root())
    everything = defaultdict(list)
    print(f"model {model.name}; mean absolute error of the {'/'.join(ORDER_BY.values())} share per outlet")
    for domain in DOMAINS:
        splits = {s: domain_gold(split_gold(gold, s), domain) for s in SPLITS}
        data = {s: labelled(model, splits[s]) for s in SPLITS}
        for split in SPLITS:
            other = SPLITS[1 - SPLITS.index(split)]
            print(f"  {domain} {split} ({len(splits[split])} gold sentences; error rates from {other}):")
            found = errors(splits[split], data[split], data[other], args.min_gold, args.verbose)
            for actor in ACTORS:
                n = len(found[actor, "count"])
                line = "  ".join(f"{e} {np.mean(found[actor, e]):.3f}" for e in ESTIMATORS) if n else "-"
                print(f"    {actor:10s} {n:2d} outlets  {line}")
                for e in ESTIMATORS:
                    everything[e] += found[actor, e]
    total = len(everything["count"])
    print(
        f"  all ({total} outlet x actor x split): " + "  ".join(f"{e} {np.mean(everything[e]):.3f}" for e in ESTIMATORS)
    )


if __name__ == "__main__":
    main()
