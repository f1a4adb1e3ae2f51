"""Inference speed of the shipped transformer by batching: input order vs length-sorted, batch 32/64/128,
merged vs unmerged LoRA (README, "Speed"; int8 is measured by ``framing benchmark``).

    .venv/bin/python experiments/inference_batching.py
"""

import time
from pathlib import Path

import numpy as np
import torch

import framing.classifiers.transformer as T
from framing.classifiers.loading import load_model
from framing.corpus.readers import Article, read_path
from framing.corpus.sentences import split

arts = [a for a in read_path(Path("../shared/data/allsides-syria/articles.jsonl")) if isinstance(a, Article)][:60]
texts = [s.text for a in arts for s in split(a.doc, a.text)][:2000]
print(len(texts), np.mean([len(t) for t in texts]))


def run(clf, order, bs, label):
    net, tok = clf.network_, clf.tokenizer_
    t = time.perf_counter()
    with torch.inference_mode():
        for b in range(0, len(order), bs):
            idx = order[b : b + bs]
            chunk = [texts[i] for i in idx]
            x = {k: torch.tensor(v) for k, v in tok(chunk, padding=True, truncation=True, max_length=128).items()}
            net.embed(**x)  # the encoder and pooling: the heads are a few small products after it
    dt = time.perf_counter() - t
    print(label, round(len(texts) / dt, 1))


inorder = list(range(len(texts)))
srt = list(np.argsort([len(t) for t in texts]))
m = load_model(Path("models/transformer")).classifier
print(type(m.network_.encoder).__name__)
run(m, inorder, 32, "merged inorder 32")
run(m, srt, 32, "merged sorted 32")
run(m, srt, 64, "merged sorted 64")
run(m, srt, 128, "merged sorted 128")
orig = T.TransformerClassifier.for_inference
T.TransformerClassifier.for_inference = lambda self, int8=False, cache=None, source="": self
u = load_model(Path("models/transformer")).classifier
print(type(u.network_.encoder).__name__)
run(u, inorder, 32, "unmerged inorder 32")
T.TransformerClassifier.for_inference = orig
