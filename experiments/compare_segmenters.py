"""Segmenter speed and agreement, blingfire against pysbd, on FA-KES and AllSides (README, "Sentence splitting").

.venv/bin/python experiments/compare_segmenters.py
"""

import time
from pathlib import Path

from framing.corpus.readers import Article, read_path
from framing.corpus.sentences import spans
from framing.gold.annotations import load_annotations

arts = [
    a
    for src in ("fa-kes/FA-KES-Dataset.csv", "allsides-syria/articles.jsonl")
    for a in read_path(Path("../shared/data") / src)
    if isinstance(a, Article)
]
res = {}
for name in ("blingfire", "pysbd"):
    t = time.perf_counter()
    n = sum(1 for a in arts for _ in spans(a.text, name))
    dt = time.perf_counter() - t
    res[name] = (n, round(n / dt))
print("speed", res)
tp = fp = fn = 0
for a in arts:
    P = {e for _, e in spans(a.text, "pysbd")}
    B = {e for _, e in spans(a.text, "blingfire")}
    tp += len(P & B)
    fp += len(B - P)
    fn += len(P - B)
print(f"boundaries vs pysbd: precision {tp / (tp + fp):.3f} recall {tp / (tp + fn):.3f}")
gold = [g for g in load_annotations(Path("../shared/data")) if g.doc.startswith("fa-kes")]
docs = {a.doc: a for a in arts}
same = 0
cache = {}
for g in gold:
    if g.doc not in cache:
        cache[g.doc] = set(spans(docs[g.doc].text, "blingfire"))
    same += (g.start, g.end) in cache[g.doc]
print(f"gold sentences reproduced exactly by blingfire: {same} of {len(gold)} ({same / len(gold):.3f})")
