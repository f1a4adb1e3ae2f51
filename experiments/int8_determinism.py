"""Is int8 deterministic? The same sentence, the same bits, in any batch, chunk or worker (issue 17).

1. Rows: the cached int8 and full-precision networks embed the benchmark's sentences one at a time, then in
   batches of one token count (16 and 5 a batch, two threads and one), then in padded batches (sorted and
   shuffled, for contrast); prints the share of rows bit-identical to one at a time, and int8's mean
   cosine to full precision.
2. Files: ``framing score --int8`` on the same corpus with one worker and the shipped settings, with int8
   batches of 5 and chunks of 20,000 characters, and with two workers (one thread each): the outputs are
   compared byte for byte.

    .venv/bin/python experiments/int8_determinism.py [--sentences 2000] [--rows-only]
"""

from __future__ import annotations

import argparse
import tempfile
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
MODEL = ROOT / "models" / "transformer"


def embed(network, ids: list, batches: list) -> np.ndarray:
    """Pooled rows of ``ids`` run in ``batches`` (lists of indices), padded to each batch's longest."""
    out = None
    for batch in batches:
        width = max(len(ids[i]) for i in batch)
        tokens, mask = np.zeros((len(batch), width), np.int64), np.zeros((len(batch), width), np.int64)
        for row, i in enumerate(batch):
            tokens[row, : len(ids[i])], mask[row, : len(ids[i])] = ids[i], 1
        values = network(input_ids=tokens, attention_mask=mask, token_type_ids=np.zeros_like(tokens))
        out = np.zeros((len(ids), values.shape[1]), np.float32) if out is None else out
        out[list(batch)] = values
    return out


def rows(texts: list[str]) -> None:
    from framing.classifiers.int8 import OnnxNetwork, equal_length_batches
    from framing.classifiers.loading import load_model

    classifier = load_model(MODEL, int8=True).classifier
    ids = classifier.tokenizer_(texts, truncation=True, max_length=classifier.settings.max_length)["input_ids"]
    lengths = np.array([len(x) for x in ids])
    order = np.argsort(lengths, kind="stable")
    shuffled = np.random.default_rng(0).permutation(len(ids))

    def padded(picked, size):
        return [picked[b : b + size] for b in range(0, len(picked), size)]

    results = {}
    for name, network in (("int8", classifier.onnx_), ("full precision", classifier.onnx_full_)):
        path = network.path
        one_thread = OnnxNetwork(path.read_bytes(), threads=1, path=path)
        alone = embed(network, ids, [[i] for i in order])
        results[name] = alone
        cases = {
            "alone, one thread": (one_thread, [[i] for i in order]),
            "one token count, 16 a batch": (network, equal_length_batches(order, lengths[order], 16)),
            "one token count, 5 a batch, one thread": (one_thread, equal_length_batches(order, lengths[order], 5)),
            "padded, sorted, 16 a batch": (network, padded(order, 16)),
            "padded, shuffled, 16 a batch": (network, padded(shuffled, 16)),
        }
        for case, (runner, batches) in cases.items():
            same = (embed(runner, ids, batches) == alone).all(axis=1).mean()
            print(f"{name}, {case}: {same:.2%} of {len(ids):,} rows bit-identical to one at a time")
    int8, full = results["int8"], results["full precision"]
    cosine = (int8 * full).sum(1) / np.linalg.norm(int8, axis=1) / np.linalg.norm(full, axis=1)
    print(f"int8 against full precision: mean cosine {cosine.mean():.5f}, lowest {cosine.min():.4f}")


def files(corpus: Path, tmp: Path) -> None:
    from framing.scoring.benchmark import FIELDS
    from framing.scoring.streaming import loaded_model, score

    def run(name: str, workers: int = 1, batch: int | None = None, chunk: int | None = None) -> bytes:
        # the chunks are cut by the loaded int8 classifier's own runtime (``INT8_RUNTIME``), set at load
        classifier = loaded_model().classifier if loaded_model() is not None else None
        runtime = classifier.runtime if classifier is not None else None
        if chunk and classifier is not None:
            classifier.runtime = replace(runtime, chunk_chars=chunk)
        if batch and classifier is not None:
            classifier.onnx_.batch = classifier.onnx_full_.batch = batch
        try:
            score([corpus], tmp / f"{name}.jsonl", MODEL, fields=FIELDS, int8=True, workers=workers, label=name)
        finally:
            if classifier is not None:
                classifier.runtime = runtime
        return (tmp / f"{name}.jsonl").read_bytes()

    shipped = run("shipped")
    fallbacks = loaded_model().classifier.fallbacks_
    others = {
        "int8 batches of 5, chunks of 20,000 characters": run("small", batch=5, chunk=20_000),
        "two workers, chunks of 60,000 characters": run("workers", workers=2, chunk=60_000),
    }
    lines = shipped.splitlines()
    print(f"shipped settings: {len(lines):,} sentences, {fallbacks:,} re-run in full precision")
    for name, written in others.items():
        differ = sum(a != b for a, b in zip(lines, written.splitlines()))
        print(f"{name}: {'byte-identical' if written == shipped else f'{differ} lines differ'}")


def main() -> None:
    from framing.corpus.readers import read_path
    from framing.corpus.sentences import split
    from framing.scoring.benchmark import FIELDS, build_corpus

    parser = argparse.ArgumentParser()
    parser.add_argument("--sentences", type=int, default=2000, help="for the row check (the files: 8,000)")
    parser.add_argument("--rows-only", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        build_corpus(DATA, 8000, corpus)
        texts = [s.text for a in read_path(corpus, FIELDS) for s in split(a.doc, a.text)]
        rows(texts[: args.sentences])
        if not args.rows_only:
            files(corpus, Path(tmp))


if __name__ == "__main__":
    main()
