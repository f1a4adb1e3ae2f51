"""Add the round-3 and round-4 articles to splits.json; the FA-KES and seed splits of rounds 1-2 stay as they were.

    python experiments/annotations/extend_splits.py ../shared/data

- FA-KES rounds 3 and 4 (``gold-fakes-round3.jsonl``, ``gold-fakes-round4.jsonl``): every article to
  train, so FA-KES dev and test stay comparable across rounds.
- AllSides (``gold-allsides.jsonl``, then ``gold-allsides-3b.jsonl``, each file's new articles on their
  own): train / dev / test by article, 60 / 20 / 20, stratified by the AllSides bias rating (left,
  center, right), seed 0. Running it again adds nothing: articles already in a split keep their side.
  Dev and test are larger than FA-KES's 15% because
  most US/UK sentences name nobody: 20% gives each about 400 sentences.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from framing.gold.annotations import (
    ANNOTATIONS,
    SPLITS_FILE,
    annotation_documents,
    evaluation_ids,
    load_gold,
    make_splits,
)

#: FA-KES rounds whose articles all go to train
FAKES_TO_TRAIN = ("gold-fakes-round3.jsonl", "gold-fakes-round4.jsonl")


def main(data_root: Path) -> None:
    splits = json.loads(SPLITS_FILE.read_text())
    known = {d for docs in splits.values() for d in docs}
    documents, reserved = annotation_documents(data_root), evaluation_ids(data_root)
    fakes = [g for name in FAKES_TO_TRAIN for g in load_gold(ANNOTATIONS / name, documents, reserved)]
    new_fakes = sorted({g.doc for g in fakes} - known)
    splits["train"] += new_fakes
    known |= set(new_fakes)
    bias = {doc: str(a.extra.get("bias_text")) for doc, a in documents.items() if doc.startswith("allsides:")}
    for name in ("gold-allsides.jsonl", "gold-allsides-3b.jsonl"):
        allsides = load_gold(ANNOTATIONS / name, documents, reserved)
        extra = make_splits([g for g in allsides if g.doc not in known], 0, 0.2, 0.2, strata=lambda g: bias[g.doc])
        for split, docs in extra.items():
            splits[split] += docs
            known |= set(docs)
        print(name, {split: len(docs) for split, docs in extra.items()}, "new AllSides articles")
    splits = {name: sorted(set(docs)) for name, docs in splits.items()}
    SPLITS_FILE.write_text(json.dumps(splits, indent=1) + "\n")
    print({name: len(docs) for name, docs in splits.items()}, f"new fa-kes articles to train: {len(new_fakes)}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[3] / "shared" / "data")
