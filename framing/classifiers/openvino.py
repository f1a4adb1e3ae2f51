"""OpenVINO runs of the exported network: full precision, and int8 with static (calibrated) activation scales.

The network is the one ``framing.classifiers.int8`` exports (LoRA merged, mean pooling as a matrix product,
tokens in, pooled rows out). Static int8 (NNCF's post-training quantisation, transformer preset: weights per
output channel, each activation with one scale fixed by calibration, SmoothQuant and bias correction) gives a
sentence the same bits whatever else is in its batch, since no scale is computed from the batch.

Two quantisations of the same kind: ``quantise_static`` (NNCF's OpenVINO backend, an OpenVINO model: what a user
following OpenVINO's documentation gets; ``framing benchmark`` times it, calibrated on unreserved FA-KES and
AllSides training sentences, ``calibration_texts``) and ``quantise_onnx`` (NNCF's ONNX backend: an ONNX file with
quantise and dequantise nodes, which OpenVINO runs in int8 and which ``--int8`` caches as one file, calibrated on
the shipped seed articles of the gold train split, ``seed_sentences``, which every installation has).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from framing.errors import FramingError

#: Sentences the int8 scales are calibrated on (NNCF's default subset is 300).
CALIBRATION_SENTENCES = 300
#: Sentences per calibration forward pass, padded to the longest.
CALIBRATION_BATCH = 8
#: Input shapes whose compiled kernels OpenVINO keeps (its default, 5,000, held 1.9 GiB after 8,002 FA-KES
#: sentences in batches of one token count; 100 held 1.0 GiB, as fast within the noise, the same bits).
SHAPE_CACHE = 100


def calibration_texts(data_root: Path, count: int = CALIBRATION_SENTENCES) -> list[str]:
    """``count`` sentences spread evenly over the unreserved FA-KES and AllSides articles that are in neither
    the gold dev nor the test split (their order is the corpora's, so the pick is the same on every run)."""
    from framing.corpus.readers import Article, read_path
    from framing.corpus.sentences import split
    from framing.gold.annotations import evaluation_ids, is_reserved, load_splits

    reserved = evaluation_ids(data_root)
    splits = load_splits()
    held_out = splits.get("dev", set()) | splits.get("test", set())
    texts = []
    for source in ("fa-kes/FA-KES-Dataset.csv", "allsides-syria/articles.jsonl"):
        for article in read_path(data_root / source):
            if not isinstance(article, Article) or is_reserved(article.doc, reserved) or article.doc in held_out:
                continue
            texts += [s.text for s in split(article.doc, article.text)]
    if len(texts) < count:
        raise FramingError(f"only {len(texts)} unreserved training sentences under {data_root}; {count} are needed")
    return [texts[i] for i in np.linspace(0, len(texts) - 1, count).astype(int)]


def seed_sentences() -> list[str]:
    """The sentences of the shipped seed articles in the gold train split (unreserved training text that
    every installation has): what ``--int8``'s activation scales are calibrated on."""
    from framing.corpus.readers import Article, read_path
    from framing.corpus.sentences import split
    from framing.gold.annotations import load_splits
    from framing.resources import seeds_dir

    train = load_splits()["train"]
    articles = [a for a in read_path(seeds_dir()) if isinstance(a, Article) and a.doc in train]
    texts = [s.text for a in sorted(articles, key=lambda a: a.doc) for s in split(a.doc, a.text)]
    if not texts:
        raise FramingError(f"no seed article of the train split under {seeds_dir()}: the installation is incomplete")
    return texts


def padded(token_ids: Sequence[Sequence[int]], names: Sequence[str]) -> dict[str, np.ndarray]:
    """Token id lists as the network's int64 inputs, padded with zeros to the longest."""
    width = max(len(ids) for ids in token_ids)
    tokens, mask = np.zeros((len(token_ids), width), np.int64), np.zeros((len(token_ids), width), np.int64)
    for row, ids in enumerate(token_ids):
        tokens[row, : len(ids)], mask[row, : len(ids)] = ids, 1
    inputs = {"input_ids": tokens, "attention_mask": mask, "token_type_ids": np.zeros_like(tokens)}
    return {n: inputs[n] for n in names}


def quantise_static(plain: Path, tokenizer, texts: Sequence[str], max_length: int = 128):
    """The exported full-precision network (``plain``, ONNX) quantised to int8 by NNCF's OpenVINO backend with
    scales calibrated on ``texts``: an OpenVINO model (save it with ``openvino.save_model``)."""
    import openvino

    model = openvino.Core().read_model(str(plain))
    return _nncf(model, [port.get_any_name() for port in model.inputs], tokenizer, texts, max_length)


def quantise_onnx(plain: Path, tokenizer, texts: Sequence[str], max_length: int = 128, keep_float=()):
    """The exported full-precision network (``plain``) quantised to int8 by NNCF's ONNX backend with scales
    calibrated on ``texts``: an ONNX model with quantise and dequantise nodes (save it with ``onnx.save``);
    matrix products whose node name matches a ``keep_float`` expression stay in 32 bits."""
    import onnx

    model = onnx.load(str(plain))
    return _nncf(model, [i.name for i in model.graph.input], tokenizer, texts, max_length, keep_float)


def _nncf(model, names: list[str], tokenizer, texts: Sequence[str], max_length: int, keep_float=()):
    """NNCF's post-training quantisation of ``model`` (transformer preset), calibrated on ``texts`` in padded
    batches of ``CALIBRATION_BATCH``; its progress bars go to stderr, its advice nowhere."""
    import contextlib
    import logging
    import sys

    import nncf

    ids = tokenizer(list(texts), truncation=True, max_length=max_length)["input_ids"]
    batches = [padded(ids[b : b + CALIBRATION_BATCH], names) for b in range(0, len(ids), CALIBRATION_BATCH)]
    ignored = nncf.IgnoredScope(patterns=list(keep_float), validate=False) if keep_float else None
    nncf_logger = logging.getLogger("nncf")
    level = nncf_logger.level
    nncf_logger.setLevel(logging.ERROR)
    try:
        with contextlib.redirect_stdout(sys.stderr):
            return nncf.quantize(
                model,
                nncf.Dataset(batches),
                model_type=nncf.ModelType.TRANSFORMER,
                subset_size=len(batches),
                ignored_scope=ignored,
            )
    finally:
        nncf_logger.setLevel(level)


class OpenVinoNetwork:
    """A compiled OpenVINO model with ``OnnxNetwork``'s interface: named token arrays in, pooled rows out.

    ``model`` is a file OpenVINO reads (ONNX or IR ``.xml``), an ONNX file's bytes as ``int8.read_cache``
    checked them (then ``path`` names it in errors), or an ``openvino.Model``; an ONNX file or its bytes always
    go through ``openvino.convert_model``, whose network gives other bits than ``Core.read_model``'s.
    ``precision`` is the inference precision of the layers left in floating point. ``threads`` streams of one
    thread each (all cores by default) run a batch's rows side by side, in as many parts."""

    def __init__(
        self, model, precision: str = "f32", threads: int = 0, batch: int = 16, path: Path | None = None
    ) -> None:
        import io

        import openvino

        self.streams = threads or (os.cpu_count() or 1)
        config = {
            "PERFORMANCE_HINT": "THROUGHPUT",
            "NUM_STREAMS": str(self.streams),
            "INFERENCE_NUM_THREADS": str(self.streams),
            "INFERENCE_PRECISION_HINT": precision,
            "CPU_RUNTIME_CACHE_CAPACITY": str(SHAPE_CACHE),
        }
        if path is None:
            path = model if isinstance(model, Path | str) else "a network in memory"
        self.path = path
        core = openvino.Core()
        try:
            if isinstance(model, Path | str) and Path(model).suffix == ".onnx":
                model = Path(model).read_bytes()
            if isinstance(model, bytes):  # converted, never read: the two give other bits (``read_model``'s
                model = openvino.convert_model(io.BytesIO(model))  # ONNX front end fuses differently)
            elif isinstance(model, Path | str):
                model = core.read_model(str(model))
            self.compiled = core.compile_model(model, "CPU", config)
        except Exception as error:  # a damaged cache file: say which, so it can be deleted
            message = " ".join(str(error).split())[:200]
            raise FramingError(f"{path}: OpenVINO cannot load this model ({message}); delete it to rebuild")
        self.inputs = [port.get_any_name() for port in self.compiled.inputs]
        self.requests = [self.compiled.create_infer_request() for _ in range(self.streams)]
        self.batch = batch

    def __call__(self, **batch: np.ndarray) -> np.ndarray:
        feed = {n: np.ascontiguousarray(batch[n], dtype=np.int64) for n in self.inputs}
        rows = len(feed[self.inputs[0]])
        if rows <= 1 or self.streams == 1:
            self.requests[0].infer(feed)
            return self.requests[0].get_output_tensor(0).data.copy()
        parts = np.array_split(np.arange(rows), min(self.streams, rows))
        for request, part in zip(self.requests, parts):
            request.start_async({n: v[part[0] : part[-1] + 1] for n, v in feed.items()})
        outputs = []
        for request, _ in zip(self.requests, parts):
            request.wait()
            outputs.append(request.get_output_tensor(0).data.copy())
        return np.concatenate(outputs)

    def run_batches(self, feeds: list[dict[str, np.ndarray]]) -> list[np.ndarray]:
        """Pooled rows of every batch, the batches run side by side on the streams (each whole on one)."""
        import openvino

        results: list = [None] * len(feeds)
        queue = openvino.AsyncInferQueue(self.compiled, self.streams)

        def done(request, index: int) -> None:
            results[index] = request.get_output_tensor(0).data.copy()

        queue.set_callback(done)
        for index, batch in enumerate(feeds):
            queue.start_async({n: np.ascontiguousarray(batch[n], dtype=np.int64) for n in self.inputs}, index)
        queue.wait_all()
        return results

    def batches(self, order: np.ndarray, token_ids: list) -> list[np.ndarray]:
        """As ``OnnxNetwork.batches``: at most ``batch`` texts of one token count, never padded."""
        from framing.classifiers.int8 import equal_length_batches

        return equal_length_batches(order, np.array([len(token_ids[i]) for i in order]), self.batch)
