"""The README's accuracy tables (issue 11): per domain, per-field macro-F1 with 95% bootstrap intervals
over articles for each model, the paired difference of the transformer against the lexicon, and
accuracy on the hard-case slices.

    .venv/bin/python experiments/accuracy_table.py --split dev
    .venv/bin/python experiments/accuracy_table.py --split test \\
        --model transformer-fakes-only=runs/train/fakes-only/model

Models default to the shipped lexicon and transformer; ``--model NAME=DIR`` adds one (its difference
to the lexicon is printed too). Choose on dev; the test split is for the final table, once.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from framing.classifiers.loading import load_model
from framing.classifiers.schema import FIELDS
from framing.gold.annotations import DOMAINS, domain_gold, load_annotations, split_gold
from framing.gold.evaluate import compare_predictions, evaluate_predictions, predict_gold
from framing.gold.slices import SLICES, slice_accuracy
from framing.resources import default_data_root

ROOT = Path(__file__).resolve().parent.parent


def cell(value: float, low: float, high: float, signed: bool = False) -> str:
    fmt = "+.3f" if signed else ".3f"
    return f"{value:{fmt}} ({low:{fmt}}, {high:{fmt}})" if signed else f"{value:{fmt}} ({low:{fmt}}-{high:{fmt}})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="dev", choices=["dev", "test"])
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--model", action="append", default=[], help="NAME=DIR, another model to score")
    args = parser.parse_args()
    models = {"lexicon": ROOT / "models" / "lexicon", "transformer": ROOT / "models" / "transformer"}
    models |= dict(spec.split("=", 1) for spec in args.model)
    loaded = {name: load_model(Path(path)) for name, path in models.items()}
    gold = split_gold(load_annotations(args.data or default_data_root()), args.split)
    for domain in DOMAINS:
        rows = domain_gold(gold, domain)
        predicted = {name: predict_gold(model, rows) for name, model in loaded.items()}
        print(f"\n### {domain}, {args.split} split: {len(rows)} sentences, {len({g.doc for g in rows})} articles\n")
        print("| model | " + " | ".join(FIELDS) + " | mean |\n|---|" + "---|" * (len(FIELDS) + 1))
        for name, labels in predicted.items():
            e = evaluate_predictions(name, rows, labels)
            fields = [cell(e.fields[f].macro_f1, e.fields[f].low, e.fields[f].high) for f in FIELDS]
            print(f"| {name} | " + " | ".join(fields) + f" | **{cell(*e.mean)}** |")
        for name in predicted:
            if name == "lexicon":
                continue
            diff = compare_predictions(rows, predicted["lexicon"], predicted[name])
            cells = [cell(*diff[k], signed=True) for k in (*FIELDS, "mean")]
            print(f"| {name} - lexicon (paired) | " + " | ".join(cells) + " |")
        print("\n| slice: all three labels right | sentences | " + " | ".join(predicted) + " |")
        print("|---|---|" + "---|" * len(predicted))
        accuracy = {name: slice_accuracy(rows, labels) for name, labels in predicted.items()}
        for slice_name in SLICES:
            n = accuracy["lexicon"][slice_name][0]
            values = [cell(*accuracy[name][slice_name][1:]) if n else "-" for name in predicted]
            print(f"| {slice_name} | {n} | " + " | ".join(values) + " |")


if __name__ == "__main__":
    main()
