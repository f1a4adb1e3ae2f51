"""Write annotation batches (sentence, title, previous and next sentence) for annotators, outside the repo.

The batches hold corpus text, so they go to a scratch folder (never committed);
the labels come back keyed by record id and are joined to offsets by
``merge_batches.py``. A seeded sample of ``--blind`` AllSides records (or FA-KES records, ``--blind-corpus``)
is written as a separate batch for a blind second annotator, with no labels anywhere near it.

    python experiments/annotations/make_batches.py ../shared/data selection3.jsonl /tmp/annot --batches 7 --blind 300
    python experiments/annotations/make_batches.py ../shared/data selection3b.jsonl /tmp/annot3b --batches 7 \
        --blind 150 --prefix r3b --seed 18
    python experiments/annotations/make_batches.py ../shared/data selection4.jsonl /tmp/annot4 --batches 5 \
        --blind 150 --blind-corpus fa-kes --prefix r4 --seed 20
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

from framing.corpus.sentences import split
from framing.gold.annotations import annotation_documents


def contexts(records: list[dict], data_root: Path, prefix: str = "r3") -> list[dict]:
    """Each selected record with its title, previous and next sentence (pysbd, as the selection)."""
    documents = annotation_documents(data_root)
    cache: dict[str, list] = {}
    out = []
    for number, record in enumerate(records):
        article = documents[record["doc"]]
        sentences = cache.setdefault(record["doc"], split(article.doc, article.text, "pysbd"))
        index = next(i for i, s in enumerate(sentences) if s.start == record["start"])
        out.append(
            {
                "id": f"{prefix}-{number:05d}",
                "outlet": article.outlet,
                "title": article.title or "",
                "previous": sentences[index - 1].text if index else "",
                "sentence": sentences[index].text,
                "next": sentences[index + 1].text if index + 1 < len(sentences) else "",
            }
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_root", type=Path)
    parser.add_argument("selection", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--batches", type=int, default=7)
    parser.add_argument("--blind", type=int, default=300)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--prefix", default="r3", help="record ids start with this")
    parser.add_argument("--blind-corpus", default="allsides", choices=["allsides", "fa-kes"])
    args = parser.parse_args()
    records = [json.loads(line) for line in args.selection.read_text().splitlines() if line.strip()]
    rows = contexts(records, args.data_root, args.prefix)
    (args.out / "ids.jsonl").write_text("".join(json.dumps({"id": r["id"], **s}) + "\n" for r, s in zip(rows, records)))
    # whole articles stay in one batch, so an annotator reads neighbours in order
    docs = list(dict.fromkeys(r["doc"] for r in records))
    size = -(-len(rows) // args.batches)
    batch, number, written = [], 1, []
    for doc in docs:
        batch += [row for row, record in zip(rows, records) if record["doc"] == doc]
        if len(batch) >= size or doc == docs[-1]:
            path = args.out / f"batch{number}.jsonl"
            path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in batch))
            written.append((path, len(batch)))
            batch, number = [], number + 1
    pool = [row for row, record in zip(rows, records) if record["corpus"] == args.blind_corpus]
    blind = sorted(random.Random(args.seed).sample(pool, args.blind), key=lambda r: r["id"])
    (args.out / "blind").mkdir(exist_ok=True)
    (args.out / "blind" / "blind.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in blind))
    for path, n in written:
        print(path, n)


if __name__ == "__main__":
    main()
