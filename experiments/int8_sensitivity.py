"""Which matrix products int8 should leave in 32 bits, chosen without labels and without dev or test.

Quantises the shipped transformer with every weight MatMul in 8 bits, then
with one group of products kept in 32 bits at a time (one kind in every
layer, or every kind in one layer), and counts the sentences whose labels
change against full precision. The sentences are unlabelled FA-KES text from
articles that are neither reserved for evaluation nor in the dev or test
split (the gold training sentences themselves are too well fitted to flip).
Prints a table, most sensitive group first; then, for the shipped setting,
how many sentences fall under each fallback margin (run again in full
precision) and how many labels still change.

    .venv/bin/python experiments/int8_sensitivity.py [--sentences 4000] [--margins-only]
        [--context] [--corpus fa-kes|allsides]

``--context`` reads each sentence with its article's headline and the sentence before, as ``framing score``
does (without it, sentences are read alone, as in the README's first table); ``--corpus allsides`` takes the
unlabelled sentences from unreserved AllSides articles outside the dev and test splits instead of FA-KES.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

from framing.classifiers.int8 import KEEP_FLOAT, build
from framing.classifiers.loading import load_model
from framing.corpus.readers import Article, read_path
from framing.corpus.sentences import split
from framing.gold.annotations import evaluation_ids, is_reserved, load_splits
from framing.scoring.streaming import sentence_context

ROOT = Path(__file__).resolve().parent.parent
KINDS = ("attention/self/query", "attention/self/key", "attention/self/value", "attention/output/dense")
KINDS += ("intermediate/dense", "output/dense")


def labels(classifier, prepared) -> np.ndarray:
    return np.stack([p.argmax(1) for p in classifier.probabilities(prepared)], axis=1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--sentences", type=int, default=4000)
    parser.add_argument("--margins-only", action="store_true", help="only the shipped setting and its margins")
    parser.add_argument("--context", action="store_true", help="headline and previous sentence, as scoring reads")
    parser.add_argument("--corpus", choices=["fa-kes", "allsides"], default="fa-kes")
    args = parser.parse_args()
    pairs = selection_pairs(args.data, args.corpus)[: args.sentences]
    texts = [sentence.text for _, sentence in pairs]
    classifier = load_model(ROOT / "models" / "transformer").classifier
    context = sentence_context(pairs) if args.context else None
    network, prepared = classifier.network_, classifier.prepare(texts, context)
    classifier._take_heads()
    full = labels(classifier, prepared)
    layers = network.encoder.config.num_hidden_layers
    groups = {"(none)": ()}
    groups |= {f"every {kind}": tuple(rf"layer\.{i}/{kind}/MatMul" for i in range(layers)) for kind in KINDS}
    groups |= {f"layer.{i}": tuple(rf"layer\.{i}/{kind}/MatMul" for kind in KINDS) for i in range(layers)}
    if args.margins_only:
        groups = {"shipped": KEEP_FLOAT}
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, keep in groups.items():
            files = build(network, classifier.tokenizer_, Path(tmp) / "f.onnx", Path(tmp) / "q.onnx", keep)
            classifier._use_onnx(*files)
            classifier.fallback_margin_ = 0.0
            started = time.perf_counter()
            changed = (labels(classifier, prepared) != full).any(axis=1).sum()
            rows.append((name, int(changed), len(texts) / (time.perf_counter() - started)))
            print(f"{name:40s} {changed:4d} changed  {rows[-1][2]:6.0f} sentences/s", flush=True)
            if name in ("(none)", "shipped"):
                margins = []
                for margin in (0.1, 0.2, 0.3, 0.5, 0.7):
                    classifier.fallback_margin_, classifier.fallbacks_ = margin, 0
                    changed = (labels(classifier, prepared) != full).any(axis=1).sum()
                    margins.append((margin, classifier.fallbacks_ / len(texts), int(changed)))
            classifier.network_ = network
    print(f"\n{len(texts)} sentences; most sensitive first (fewest changed when kept in 32 bits):")
    print("| kept in 32 bits | sentences changed | sentences/s |\n|---|---|---|")
    for name, changed, speed in sorted(rows, key=lambda r: r[1]):
        print(f"| {name} | {changed} | {speed:.0f} |")
    print("\nfallback to full precision (shipped quantisation):")
    print("| margin | share run again | sentences changed |\n|---|---|---|")
    for margin, share, changed in margins:
        print(f"| {margin} | {share:.2%} | {changed} |")


def selection_pairs(data: Path, corpus: str = "fa-kes") -> list:
    """(article, sentence) of a corpus's articles outside the reserved ids and the dev and test splits, in
    file order (the articles' titles kept, for ``--context``)."""
    reserved, splits = evaluation_ids(data), load_splits()
    held_out = splits["dev"] | splits["test"]
    source = "fa-kes/FA-KES-Dataset.csv" if corpus == "fa-kes" else "allsides-syria/articles.jsonl"
    articles = [a for a in read_path(data / source) if isinstance(a, Article) and a.doc not in held_out]
    keep = [a for a in articles if not is_reserved(a.doc, reserved)]
    return [(a, s) for a in keep for s in split(a.doc, a.text)]


if __name__ == "__main__":
    main()
