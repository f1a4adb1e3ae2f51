"""OpenVINO's static int8 of the exported network, and padded inputs: the alternative runtimes that ``framing
benchmark`` times beside framing's own paths (``framing.scoring.benchmark``; needs ``pip install
'framing[runtimes]'``, which ``make`` installs for development).

The network is the one ``framing.classifiers.int8`` exports (LoRA merged, mean pooling as a matrix product,
tokens in, pooled rows out). Static int8 (NNCF's post-training quantisation, transformer preset: weights per
output channel, each activation with one scale fixed by calibration) is what a user following OpenVINO's
documentation gets; it is calibrated on unreserved FA-KES and AllSides training sentences (``calibration_texts``).
Behind ``--int8`` it was tried and not kept: deterministic and as accurate, but slower end to end than the
per-token ONNX Runtime path on this project's 2-core machine (commit f2f2abc and README, "Speed").
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from framing.errors import FramingError

#: Sentences the int8 scales are calibrated on (NNCF's default subset is 300).
CALIBRATION_SENTENCES = 300
#: Sentences per calibration forward pass, padded to the longest.
CALIBRATION_BATCH = 8


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


def _nncf(model, names: list[str], tokenizer, texts: Sequence[str], max_length: int):
    """NNCF's post-training quantisation of ``model`` (transformer preset), calibrated on ``texts`` in padded
    batches of ``CALIBRATION_BATCH``; its progress bars go to stderr, its advice nowhere."""
    import contextlib
    import logging
    import sys

    import nncf

    ids = tokenizer(list(texts), truncation=True, max_length=max_length)["input_ids"]
    batches = [padded(ids[b : b + CALIBRATION_BATCH], names) for b in range(0, len(ids), CALIBRATION_BATCH)]
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
            )
    finally:
        nncf_logger.setLevel(level)
