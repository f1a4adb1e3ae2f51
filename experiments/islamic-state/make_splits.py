"""The dev / test split of the islamic-state gold by article, half each within each corpus (seed 0).

There is no train split: the scheme has a lexicon only, which learns nothing. Dev is where the lexicon
may be improved; test is evaluated once. Run: ``.venv/bin/python experiments/islamic-state/make_splits.py``.
"""

import json
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    rows = [json.loads(line) for line in (HERE / "gold.jsonl").read_text(encoding="utf-8").splitlines()]
    by_corpus: dict[str, list[str]] = {}
    for row in rows:
        docs = by_corpus.setdefault(row["doc"].split(":")[0], [])
        if row["doc"] not in docs:
            docs.append(row["doc"])
    rng = random.Random(0)
    split: dict[str, list[str]] = {"train": [], "dev": [], "test": []}
    for corpus in sorted(by_corpus):
        docs = sorted(by_corpus[corpus])
        rng.shuffle(docs)
        half = len(docs) // 2
        split["dev"] += sorted(docs[:half])
        split["test"] += sorted(docs[half:])
    (HERE / "splits.json").write_text(json.dumps(split, indent=1) + "\n", encoding="utf-8")
    counts = {name: sum(row["doc"] in set(docs) for row in rows) for name, docs in split.items()}
    print({name: len(docs) for name, docs in split.items()}, "articles;", counts, "sentences")


if __name__ == "__main__":
    main()
