"""int8 through ONNX Runtime: the export matches torch, the file is quantised and cached, close calls fall back."""

from dataclasses import replace

import numpy as np
import onnx
import pytest

from framing.classifiers.int8 import cache_paths, input_names, record_path, source_digest
from framing.classifiers.loading import load_model
from framing.classifiers.transformer import resolve_encoder
from framing.errors import FramingError
from tests.classifiers.test_transformer import SENTENCES

MORE = SENTENCES + [
    "Government forces shelled rebel positions near Aleppo on Tuesday.",
    "The regime's jets struck the town, activists said.",
    "Residents said the market reopened after the ceasefire.",
]


def _files(tiny_dir):
    settings = load_model(tiny_dir).classifier.settings
    return cache_paths(tiny_dir, resolve_encoder(settings.encoder))


def test_int8_file_is_quantised_and_cached(tiny_dir):
    load_model(tiny_dir, int8=True)
    full, int8 = _files(tiny_dir)
    assert full.is_file() and int8.is_file()
    ops = {n.op_type for n in onnx.load(str(int8)).graph.node}
    assert "MatMulIntegerToFloat" in ops and "DynamicQuantizeLinear" not in ops  # quantised per token instead
    assert "MatMulIntegerToFloat" not in {n.op_type for n in onnx.load(str(full)).graph.node}


def test_cached_model_loads_without_building_torch(tiny_dir, monkeypatch):
    from framing.classifiers.transformer import TransformerClassifier

    first = load_model(tiny_dir, int8=True).classifier.predict_proba(MORE)

    def refuse(self):
        raise AssertionError("the torch network was built although the int8 files are cached")

    monkeypatch.setattr(TransformerClassifier, "_build", refuse)
    again = load_model(tiny_dir, int8=True).classifier
    assert not hasattr(again, "network_")
    for a, b in zip(first, again.predict_proba(MORE)):
        assert np.array_equal(a, b)


def test_changed_model_gets_a_new_cache_entry(tiny_dir, tmp_path):
    import shutil

    copy = tmp_path / "tiny"
    shutil.copytree(tiny_dir, copy)
    before = cache_paths(copy, resolve_encoder(load_model(copy).classifier.settings.encoder))
    (copy / "meta.json").write_text('{"changed": true}')
    after = cache_paths(copy, resolve_encoder(load_model(copy).classifier.settings.encoder))
    assert before != after


def test_full_precision_export_matches_torch(tiny_dir):
    torch_probabilities = load_model(tiny_dir).classifier.predict_proba(MORE)
    quantised = load_model(tiny_dir, int8=True).classifier
    quantised.fallback_margin_ = 1.01  # every sentence is a close call: all run in full precision
    quantised.fallbacks_ = 0
    for a, b in zip(torch_probabilities, quantised.predict_proba(MORE)):
        assert np.allclose(a, b, atol=1e-4)
    assert quantised.fallbacks_ == len(MORE)


def test_fallback_margin_zero_is_int8_alone(tiny_dir):
    quantised = load_model(tiny_dir, int8=True).classifier
    quantised.fallback_margin_, quantised.fallbacks_ = 0.0, 0
    probabilities = quantised.predict_proba(MORE)
    assert quantised.fallbacks_ == 0
    assert all(np.allclose(p.sum(axis=1), 1) for p in probabilities)


def _sha256(path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_cache_records_what_it_was_built_from(tiny_dir, tmp_path, monkeypatch):
    import json

    monkeypatch.setenv("FRAMING_CACHE", str(tmp_path / "cache"))
    load_model(tiny_dir, int8=True)
    full, int8 = _files(tiny_dir)
    record = json.loads(record_path(int8).read_text())
    encoder = resolve_encoder(load_model(tiny_dir).classifier.settings.encoder)
    assert record == {"built_from": source_digest(tiny_dir, encoder), "fp32": _sha256(full), "int8": _sha256(int8)}
    assert len(record["built_from"]) == 64 and int8.name.endswith(f"-{record['built_from'][:16]}.int8.onnx")


def _plant(full, int8):
    """A different, working network under the int8 file's name: the full-precision one, weights halved."""
    from onnx import numpy_helper

    network = onnx.load(str(full))
    for i, tensor in enumerate(network.graph.initializer):
        array = numpy_helper.to_array(tensor)
        if array.dtype == np.float32:
            network.graph.initializer[i].CopyFrom(numpy_helper.from_array(array * 0.5, tensor.name))
    onnx.save(network, str(int8))


@pytest.mark.parametrize("record", ["kept", "rewritten", "deleted"])
def test_planted_network_is_rebuilt_not_loaded(tiny_dir, tmp_path, monkeypatch, capsys, record):
    """A network planted under the cache's names (its record left, rewritten for it, or removed) is rebuilt."""
    import json

    monkeypatch.setenv("FRAMING_CACHE", str(tmp_path / "cache"))
    expected = load_model(tiny_dir, int8=True).classifier.predict_proba(MORE)
    full, int8 = _files(tiny_dir)
    _plant(full, int8)
    if record == "rewritten":  # hashes of the planted files, but another model's source
        record_path(int8).write_text(json.dumps({"built_from": "0" * 64, "fp32": _sha256(full), "int8": _sha256(int8)}))
    elif record == "deleted":
        record_path(int8).unlink()
    capsys.readouterr()
    classifier = load_model(tiny_dir, int8=True).classifier
    assert f"{int8}: does not match the model" in capsys.readouterr().err
    assert "MatMulIntegerToFloat" in {n.op_type for n in onnx.load(str(int8)).graph.node}  # rebuilt, quantised
    assert json.loads(record_path(int8).read_text())["int8"] == _sha256(int8)
    for a, b in zip(expected, classifier.predict_proba(MORE)):
        assert np.allclose(a, b, atol=1e-5)


def test_damaged_cache_file_is_rebuilt(tiny_dir, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("FRAMING_CACHE", str(tmp_path / "cache"))
    load_model(tiny_dir, int8=True)
    full, int8 = _files(tiny_dir)
    int8.write_bytes(b"not an onnx file")
    classifier = load_model(tiny_dir, int8=True).classifier
    assert "rebuilding it" in capsys.readouterr().err
    assert classifier.int8_ and onnx.load(str(int8)).graph.node


def test_damaged_file_with_a_matching_record_is_a_clear_error(tiny_dir, tmp_path, monkeypatch):
    """When the record itself is forged to fit a damaged file, loading fails with one line, not a traceback."""
    import json

    monkeypatch.setenv("FRAMING_CACHE", str(tmp_path / "cache"))
    load_model(tiny_dir, int8=True)
    full, int8 = _files(tiny_dir)
    int8.write_bytes(b"not an onnx file")
    record = json.loads(record_path(int8).read_text()) | {"int8": _sha256(int8)}
    record_path(int8).write_text(json.dumps(record))
    with pytest.raises(FramingError, match="delete it to rebuild") as error:
        load_model(tiny_dir, int8=True)
    assert "\n" not in str(error.value)


def test_input_names_follow_the_tokenizer(tiny_dir):
    tokenizer = load_model(tiny_dir).classifier.tokenizer_
    names = input_names(tokenizer)
    assert names[0] == "input_ids" and "attention_mask" in names and "hints" not in names


def test_unwritable_cache_still_gives_an_int8_model(tiny_dir, tmp_path, monkeypatch):
    import framing.classifiers.int8 as quantized

    monkeypatch.setenv("FRAMING_CACHE", str(tmp_path / "cache"))
    original, calls = quantized.build, []

    def build(network, tokenizer, full, int8, *args, **kwargs):
        calls.append(int8)
        if int8.parent == tmp_path / "cache":
            raise PermissionError(13, "Permission denied", str(int8.parent))
        return original(network, tokenizer, full, int8, *args, **kwargs)

    monkeypatch.setattr(quantized, "build", build)
    classifier = load_model(tiny_dir, int8=True).classifier
    assert classifier.int8_ and len(calls) == 2 and not (tmp_path / "cache").exists()
    assert all(np.allclose(p.sum(axis=1), 1) for p in classifier.predict_proba(MORE))


def test_int8_reads_context_like_full_precision(tiny_context_dir):
    from framing.classifiers.schema import Context

    texts = ["Terrorists shelled the city.", "Terrorists shelled the city.", "The army advanced."]
    context = [Context("ISIS claims the attack", None), Context("Rebels shell Aleppo", "The rebels advanced."), None]
    context[2] = Context(None, texts[1])
    full = load_model(tiny_context_dir).classifier.predict_proba(texts, context)
    int8 = load_model(tiny_context_dir, int8=True).classifier
    int8.fallback_margin_ = 1.01  # every sentence re-run in full precision: the exported graph must match torch
    for a, b in zip(full, int8.predict_proba(texts, context)):
        assert np.allclose(a, b, atol=1e-4)


def test_int8_scores_in_one_single_threaded_process_per_core(tiny_dir):
    """int8 on the CPU: one worker per core by default (spawned, one thread each; README "Speed"), where a
    full-precision transformer keeps one process using every core."""
    import os

    from framing.scoring.streaming import default_workers

    assert default_workers(load_model(tiny_dir)) == 1
    loaded = load_model(tiny_dir, int8=True)
    assert loaded.classifier.runtime.per_core and loaded.classifier.runtime.in_process  # spawned, not forked
    assert default_workers(loaded) == max(1, min(os.cpu_count() or 1, 8))
    assert loaded.classifier.place("cpu").runtime.per_core  # placed again on the CPU, still int8's runtime


def test_equal_length_batches_are_never_padded():
    from framing.classifiers.int8 import equal_length_batches

    order = np.array([4, 0, 3, 1, 2, 5, 6])
    lengths = np.array([7, 3, 5, 3, 3, 3, 9])  # the length of each entry of ``order``
    batches = equal_length_batches(order, lengths, 2)
    assert [b.tolist() for b in batches] == [[0, 1], [2, 5], [3], [4], [6]]
    assert equal_length_batches(np.array([], dtype=np.int64), np.array([], dtype=np.int64), 4) == []


def test_per_token_scales_do_not_depend_on_the_batch(tiny_dir):
    """A sentence's int8 embedding, bit for bit, alone and among others of its length (one scale per token)."""
    classifier = load_model(tiny_dir, int8=True).classifier
    network = classifier.onnx_
    ids = classifier.tokenizer_(["the rebels shelled the town", "a government jet struck the market"])["input_ids"]
    rows = np.array([ids[0], ids[1][: len(ids[0])]])
    batch = {"input_ids": rows, "attention_mask": np.ones_like(rows), "token_type_ids": np.zeros_like(rows)}
    together = network(**batch)
    alone = network(**{k: v[:1] for k, v in batch.items()})
    assert np.array_equal(together[:1], alone)
    assert "DynamicQuantizeLinear" not in {n.op_type for n in onnx.load(str(network.path)).graph.node}


@pytest.mark.slow  # the shipped transformer's int8 export (~30 s, once per cache), then four scorings
def test_int8_scores_are_byte_identical_across_batches_chunks_and_workers(tmp_path, root, monkeypatch):
    """The seeds scored with the shipped transformer in int8: one chunk, one worker; other int8 batch sizes
    and small chunks; two worker processes. The output files are the same bytes (issue 17)."""
    from framing.scoring.streaming import loaded_model, score

    model, seeds = root / "models" / "transformer", [root / "seeds"]
    outputs = {}
    score(seeds, tmp_path / "one.jsonl", model_path=model, int8=True, workers=1)
    classifier = loaded_model().classifier  # kept for the runs below: the chunks are cut by its runtime
    assert classifier.runtime.chunk_chars > sum(p.stat().st_size for p in seeds[0].iterdir())  # one chunk
    outputs["one chunk"] = (tmp_path / "one.jsonl").read_bytes()
    assert classifier.fallbacks_ > 0  # some close calls took the full-precision path too
    for name, batch, chunk in (("batches of 3, small chunks", 3, 3_000), ("batches of 64, one article a chunk", 64, 1)):
        classifier.onnx_.batch = classifier.onnx_full_.batch = batch
        monkeypatch.setattr(classifier, "runtime", replace(classifier.runtime, chunk_chars=chunk))
        score(seeds, tmp_path / "out.jsonl", model_path=model, int8=True, workers=1)
        assert loaded_model().classifier is classifier
        outputs[name] = (tmp_path / "out.jsonl").read_bytes()
    monkeypatch.setattr(classifier, "runtime", replace(classifier.runtime, chunk_chars=5_000))
    score(seeds, tmp_path / "two.jsonl", model_path=model, int8=True, workers=2)
    outputs["two workers, small chunks"] = (tmp_path / "two.jsonl").read_bytes()
    assert len(outputs["one chunk"].splitlines()) > 100
    for name, written in outputs.items():
        assert written == outputs["one chunk"], f"int8 scores with {name} differ from one chunk, one worker"
