"""Choose the FA-KES sentences to annotate (reproducible; writes no corpus text).

Per outlet, articles are taken in a seeded random order, never from
evaluation-ids.txt; from each article every sentence that mentions a likely
actor word is kept, and 40% of the others, until the outlet has 150 sentences
(all sentences for outlets with fewer). The word filter only chooses what gets
read: it decides no label.

    python experiments/annotations/select_sentences.py ../shared/data > selection.jsonl
"""

from __future__ import annotations

import json
import random
import re
import sys
from collections import defaultdict
from pathlib import Path

from framing.annotations import evaluation_ids
from framing.corpus import Article, read_path
from framing.sentences import split

QUOTA = 150
KEEP_OTHER = 0.4
ACTOR_WORDS = re.compile(
    r"rebel|terror|jihad|islamist|extremis|radical|takfir|qaeda|nusra|opposition|insurgen|militant|gunmen|"
    r"armed group|mercenar|regime|government|assad|army|troops|forces|authorit|damascus|shabiha|fsa|free syrian|"
    r"ahrar|jaish|sham|isis|isil|daesh|islamic state|kurd|ypg|sdf|gang|faction|syria said|syrian jets|so-called|\"",
    re.IGNORECASE,
)


def select(data_root: Path, seed: int = 13) -> list[dict]:
    reserved = evaluation_ids(data_root)
    by_outlet: dict[str, list[Article]] = defaultdict(list)
    for article in read_path(data_root / "fa-kes" / "FA-KES-Dataset.csv"):
        if isinstance(article, Article) and article.id.split("#")[0] not in reserved:
            by_outlet[article.outlet].append(article)
    rng = random.Random(seed)
    chosen = []
    for outlet in sorted(by_outlet):
        articles = sorted(by_outlet[outlet], key=lambda a: a.id)
        rng.shuffle(articles)
        total = sum(len(split(a.doc, a.text)) for a in articles)
        taken = 0
        for article in articles:
            if taken >= QUOTA:
                break
            for sentence in split(article.doc, article.text):
                keep = total <= QUOTA or ACTOR_WORDS.search(sentence.text) or rng.random() < KEEP_OTHER
                if keep and taken < QUOTA:
                    chosen.append({"doc": article.doc, "start": sentence.start, "end": sentence.end, "outlet": outlet})
                    taken += 1
    return chosen


if __name__ == "__main__":
    for record in select(Path(sys.argv[1])):
        print(json.dumps(record))
