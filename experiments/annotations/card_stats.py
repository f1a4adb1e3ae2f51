"""Print the data card's tables: counts per outlet, split and label, and Cohen's kappa per field.

.venv/bin/python experiments/annotations/card_stats.py [DATA_ROOT]
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

from sklearn.metrics import cohen_kappa_score

from framing.classifiers.schema import FIELDS, LABELS
from framing.gold.annotations import ANNOTATIONS, annotation_documents, domain_of, load_annotations, load_splits
from framing.resources import default_data_root


def kappa_table(gold_by_key: dict, path: Path) -> list[str]:
    """Kappa of the first-pass labels (before adjudication) against a second annotator's."""
    adjudicated = {
        (r["doc"], r["start"]): r for r in map(json.loads, (ANNOTATIONS / "agreement" / "adjudication.jsonl").open())
    }
    second = [json.loads(line) for line in path.open()]
    lines = []
    for f in FIELDS:
        first_labels = []
        for r in second:
            key = (r["doc"], r["start"])
            first_labels.append(adjudicated[key]["first"][f] if key in adjudicated else gold_by_key[key][f])
        second_labels = [r[f] for r in second]
        agree = sum(a == b for a, b in zip(first_labels, second_labels)) / len(second)
        lines.append(f"| {f} | {cohen_kappa_score(first_labels, second_labels):.3f} | {agree:.3f} |")
    return lines


def main(data_root: Path) -> None:
    gold = load_annotations(data_root)
    splits = load_splits()
    split_of = {doc: name for name, docs in splits.items() for doc in docs}
    print(f"{len(gold)} sentences from {len({g.doc for g in gold})} articles")
    bias = {d: str(a.extra.get("bias_text")) for d, a in annotation_documents(data_root).items() if "allsides:" in d}

    def group(g) -> str:
        return f"AllSides {bias[g.doc]}" if domain_of(g.doc) == "allsides" else g.outlet or "seeds"

    print("\n| outlet | sentences | articles | naming an actor | train | dev | test |\n|---|---|---|---|---|---|---|")
    for outlet in sorted({group(g) for g in gold}):
        rows = [g for g in gold if group(g) == outlet]
        per_split = Counter(split_of[g.doc] for g in rows)
        naming = sum(g.opposition != "none" or g.state != "none" for g in rows)
        print(
            f"| {outlet} | {len(rows)} | {len({g.doc for g in rows})} | {naming} | "
            f"{per_split['train']} | {per_split['dev']} | {per_split['test']} |"
        )
    naming = sum(g.opposition != "none" or g.state != "none" for g in gold)
    print(f"\nnaming an actor: {naming} ({naming / len(gold):.1%})")
    for domain in ("fa-kes", "allsides"):
        rows = [g for g in gold if domain_of(g.doc) == domain]
        per_split = Counter(split_of[g.doc] for g in rows)
        print(
            f"\n{domain}: {len(rows)} sentences, {len({g.doc for g in rows})} articles; "
            + ", ".join(f"{name} {per_split[name]}" for name in ("train", "dev", "test"))
        )
        for f in FIELDS:
            counts = Counter(getattr(g, f) for g in rows)
            print(f"  {f}: " + ", ".join(f"{label} {counts[label]}" for label in LABELS[f]))
    records = {(r["doc"], r["start"]): r for p in ANNOTATIONS.glob("*.jsonl") for r in map(json.loads, p.open())}
    for name in ("round1", "round2-blind", "round3-blind", "round4-blind", "round5-blind", "round6-blind"):
        print(
            f"\n{name}: kappa per field (first pass vs second annotator)\n"
            "| field | kappa | raw agreement |\n|---|---|---|"
        )
        print("\n".join(kappa_table(records, ANNOTATIONS / "agreement" / f"{name}.jsonl")))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else default_data_root())
