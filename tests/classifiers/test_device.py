"""``--device``: names resolved or refused, and the GPU's inference path (half precision, big batches, numpy
padding, pooled rows back to the host) run on the CPU, where CI has no GPU."""

import json
import os

import numpy as np
import pytest
import torch
from typer.testing import CliRunner

from framing.classifiers.device import ACCELERATOR_CHUNK_CHARS, check_name, placement, resolve_device
from framing.classifiers.loading import load_model
from framing.cli import app
from framing.errors import FramingError
from tests.classifiers.test_transformer import CONTEXT, CONTEXT_X, SENTENCES


@pytest.fixture
def no_gpu(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)


def test_auto_is_the_cpu_without_a_gpu(no_gpu):
    assert resolve_device("auto") == torch.device("cpu")
    assert placement("auto").plain_cpu and not placement("cpu", accelerated=True).plain_cpu
    assert resolve_device(None) == torch.device("cpu")


def test_cuda_without_a_gpu_is_a_clear_error(no_gpu):
    with pytest.raises(FramingError, match="sees no CUDA GPU.*--device cpu"):
        resolve_device("cuda")
    with pytest.raises(FramingError, match="no CUDA GPU"):
        resolve_device("cuda:1")


@pytest.mark.parametrize("name", ["gpu", "cuda:x", "tpu", "cuda:"])
def test_unknown_names_are_refused(name):
    with pytest.raises(FramingError, match="unknown|not a device"):
        resolve_device(name)
    with pytest.raises(FramingError, match="unknown"):
        check_name(name)


def test_a_gpu_plans_half_precision_and_big_batches(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    where = placement("cuda")
    assert where.device == torch.device("cuda") and where.accelerated and where.dtype == torch.float16
    assert resolve_device("auto") == torch.device("cuda")


def test_numpy_padding_builds_the_collators_tensors(tiny_dir):
    classifier = load_model(tiny_dir, device="cpu").classifier
    encoded = classifier.encode(SENTENCES[:5])
    index = np.array([4, 0, 2])
    rows = [
        {k: encoded[k][i] for k in ("input_ids", "attention_mask", "token_type_ids") if k in encoded} for i in index
    ]
    expected = classifier.collate(rows)
    padded = classifier._padded(encoded, index, torch.device("cpu"))
    assert set(padded) == set(expected)
    for key, tensor in expected.items():
        assert torch.equal(padded[key], tensor), key


def test_the_gpu_path_on_the_cpu_gives_the_same_labels(tiny_context_dir):
    """Half precision and the accelerator's batching, here on the CPU: the labels of full precision, the
    probabilities within half precision's error; the model's chunks grow for the GPU."""
    full = load_model(tiny_context_dir, device="cpu").classifier
    fast = load_model(tiny_context_dir, device="cpu").classifier.place("cpu", accelerated=True)
    assert next(fast.network_.parameters()).dtype == torch.float16
    assert fast.runtime.chunk_chars == ACCELERATOR_CHUNK_CHARS and full.runtime.chunk_chars < ACCELERATOR_CHUNK_CHARS
    for a, b in zip(full.predict_proba(CONTEXT_X, CONTEXT), fast.predict_proba(CONTEXT_X, CONTEXT)):
        assert np.abs(a - b).max() < 0.02
    assert (full.predict(CONTEXT_X, CONTEXT) == fast.predict(CONTEXT_X, CONTEXT)).all()


def test_a_gpu_spreads_the_host_work_over_processes(tiny_dir, monkeypatch):
    """On a GPU the host's work outweighs the network's: one worker per core (spawned, sharing the device);
    on the CPU a transformer keeps one process using every core."""
    from framing.scoring.streaming import default_workers

    loaded = load_model(tiny_dir, device="cpu")
    assert default_workers(loaded) == 1
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(loaded.classifier.network_, "to", lambda *a, **k: loaded.classifier.network_)
    loaded.classifier.place("cuda")
    assert loaded.classifier.runtime.per_core and loaded.classifier.runtime.in_process
    assert default_workers(loaded) == max(1, min(os.cpu_count() or 1, 8))


def test_int8_on_a_gpu_is_refused(tiny_dir, monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    with pytest.raises(FramingError, match="--int8 runs on the CPU"):
        load_model(tiny_dir, int8=True, device="cuda")
    assert load_model(tiny_dir, int8=True, device="auto").classifier.int8_  # auto with int8: the CPU
    with pytest.raises(FramingError, match="--int8 runs on the CPU"):
        load_model(tiny_dir, int8=True, device="cpu").classifier.place("cuda")


def test_the_cli_refuses_cuda_without_a_gpu_in_one_line(tmp_path, root, no_gpu):
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(app, ["score", str(root / "seeds"), "-o", str(out), "--device", "cuda"])
    assert result.exit_code != 0 and "no CUDA GPU" in result.output and "Traceback" not in result.output
    assert not out.exists()
    result = CliRunner().invoke(
        app, ["score", str(root / "seeds"), "-o", str(out), "--device", "cpu", "--model", str(root / "models/lexicon")]
    )
    assert result.exit_code == 0 and out.exists()
    result = CliRunner().invoke(
        app, ["score", str(root / "seeds"), "-o", str(out), "--device", "gpu", "--model", str(root / "models/lexicon")]
    )
    assert result.exit_code != 0 and "unknown" in result.output


def test_training_on_a_placed_device_saves_cpu_weights(tmp_path):
    """A classifier trains where its device says (the CPU here) and saves weights any machine reads."""
    from tests.classifiers.test_transformer import Y, save
    from tests.tiny import tiny_transformer

    classifier = tiny_transformer()
    classifier.placement_ = placement("cpu", accelerated=True)  # the GPU's batching in the context pass
    save(classifier.fit(SENTENCES, Y), tmp_path / "tiny")
    meta = json.loads((tmp_path / "tiny" / "meta.json").read_text())
    assert meta["name"] == "tiny"
    loaded = load_model(tmp_path / "tiny", device="cpu").classifier
    assert (loaded.predict(SENTENCES) == classifier.predict(SENTENCES)).all()


@pytest.mark.slow
def test_the_shipped_model_on_the_gpu_path_agrees_with_the_cpu(root):
    """The shipped transformer on the seeds, full precision against the GPU's half-precision path run on the
    CPU: labels agree on nearly every sentence, probabilities within a few hundredths."""
    from framing.api import score_texts

    texts = [path.read_text(encoding="utf-8") for path in sorted((root / "seeds").glob("*.txt"))]
    model = root / "models" / "transformer"
    full = score_texts(texts, load_model(model, device="cpu"))
    half = load_model(model, device="cpu")
    half.classifier.place("cpu", accelerated=True)
    fast = score_texts(texts, half)
    assert len(full) == len(fast) > 100
    same = sum(a.labels() == b.labels() for a, b in zip(full, fast))
    assert same / len(full) >= 0.99, (same, len(full))
    gap = max(abs(a.scores[f][k] - b.scores[f][k]) for a, b in zip(full, fast) for f in a.scores for k in a.scores[f])
    assert gap < 0.1
