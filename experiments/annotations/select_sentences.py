"""Choose the FA-KES sentences to annotate (reproducible; writes no corpus text).

Per outlet, articles are taken in a seeded random order, never from
evaluation-ids.txt nor from articles already annotated (``--exclude``); from
each article every sentence that mentions a likely actor word is kept, and a
share of the others (``--keep-other``), until the outlet has ``--quota``
sentences (all sentences for outlets with fewer). The word filter only chooses
what gets read: it decides no label.

Round 1 (gold-fakes.jsonl, 2,091 sentences):

    python experiments/annotations/select_sentences.py ../shared/data > selection.jsonl

Round 2 (train-only articles, fewer actor-free sentences):

    python experiments/annotations/select_sentences.py ../shared/data --round 2 \
        --exclude experiments/annotations/gold-fakes.jsonl > selection2.jsonl
"""

from __future__ import annotations

import argparse
import json
import random
import re
from collections import defaultdict
from pathlib import Path

from framing.corpus.readers import Article, read_path
from framing.corpus.sentences import split
from framing.gold.annotations import evaluation_ids

ROUNDS = {1: {"seed": 13, "quota": 150, "keep_other": 0.4}, 2: {"seed": 14, "quota": 150, "keep_other": 0.15}}
ACTOR_WORDS = re.compile(
    r"rebel|terror|jihad|islamist|extremis|radical|takfir|qaeda|nusra|opposition|insurgen|militant|gunmen|"
    r"armed group|mercenar|regime|government|assad|army|troops|forces|authorit|damascus|shabiha|fsa|free syrian|"
    r"ahrar|jaish|sham|isis|isil|daesh|islamic state|kurd|ypg|sdf|gang|faction|syria said|syrian jets|so-called|\"",
    re.IGNORECASE,
)


def select(
    data_root: Path, seed: int = 13, quota: int = 150, keep_other: float = 0.4, exclude: frozenset[str] = frozenset()
) -> list[dict]:
    reserved = evaluation_ids(data_root)
    by_outlet: dict[str, list[Article]] = defaultdict(list)
    for article in read_path(data_root / "fa-kes" / "FA-KES-Dataset.csv"):
        if isinstance(article, Article) and article.id.split("#")[0] not in reserved and article.doc not in exclude:
            by_outlet[article.outlet].append(article)
    rng = random.Random(seed)
    chosen = []
    for outlet in sorted(by_outlet):
        articles = sorted(by_outlet[outlet], key=lambda a: a.id)
        rng.shuffle(articles)
        total = sum(len(split(a.doc, a.text, "pysbd")) for a in articles)
        taken = 0
        for article in articles:
            if taken >= quota:
                break
            for sentence in split(article.doc, article.text, "pysbd"):
                keep = total <= quota or ACTOR_WORDS.search(sentence.text) or rng.random() < keep_other
                if keep and taken < quota:
                    chosen.append({"doc": article.doc, "start": sentence.start, "end": sentence.end, "outlet": outlet})
                    taken += 1
    return chosen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_root", type=Path)
    parser.add_argument("--round", type=int, default=1, choices=sorted(ROUNDS))
    parser.add_argument("--exclude", type=Path, action="append", default=[], help="annotations whose articles to skip")
    args = parser.parse_args()
    exclude = frozenset(
        json.loads(line)["doc"] for path in args.exclude for line in path.read_text().splitlines() if line.strip()
    )
    for record in select(args.data_root, exclude=exclude, **ROUNDS[args.round]):
        print(json.dumps(record))


if __name__ == "__main__":
    main()
