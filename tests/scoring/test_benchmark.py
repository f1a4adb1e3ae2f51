"""The benchmark's network-only rows of the alternative runtimes: measured in a child, skipped when absent."""

import importlib.util
import json

import pytest

from framing.scoring import benchmark
from framing.scoring.benchmark import ALTERNATIVES, alternative_ratios, format_alternatives


def _results(**alternatives) -> dict:
    timed = {"sentences": 800, "seconds": 2.0, "peak_mib": 500.0, "peak_worker_mib": 0.0}
    results = {"transformer_reference": timed | {"seconds": 8.0}, "transformer_full": timed | {"seconds": 4.0}}
    results["transformer_int8"] = timed | {"seconds": 2.0}  # framing's best: 400 sentences/s
    for name in ALTERNATIVES:
        results[name] = alternatives.get(name, {"skipped": "openvino not installed (pip install openvino)"})
    results["ratios"] = alternative_ratios(results)
    return results


def test_the_best_alternative_is_compared_with_framing_best_end_to_end():
    row = {"sentences": 800, "seconds": 1.0, "prepare_seconds": 0.5, "peak_mib": 400.0, "peak_worker_mib": 0.0}
    results = _results(onnxruntime_fp32=row | {"seconds": 4.0}, onnxruntime_int8=row)
    ratios = results["ratios"]
    assert ratios["best_alternative"] == "onnxruntime_int8"
    assert ratios["best_alternative_vs_framing_best"] == pytest.approx(800 / 400)
    assert ratios["onnxruntime_fp32_vs_reference"] == pytest.approx(200 / 100)
    assert "openvino_fp32_vs_reference" not in ratios
    text = "\n".join(format_alternatives(results))
    assert "| onnxruntime_int8 | 800 | 1.0 | 800 | 8.00 | 0.5 | 400 |" in text
    assert "| openvino_int8 | skipped: openvino not installed" in text
    assert "best alternative (onnxruntime_int8, network only) vs framing's best end to end: 2.00x" in text


def test_no_alternative_installed_is_a_note_not_a_failure():
    results = _results()
    assert "best_alternative" not in results["ratios"]
    assert all("skipped" in line for line in format_alternatives(results) if line.startswith("| openvino"))


def test_a_runtime_not_installed_is_skipped_with_a_note(monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None if name == "nncf" else real(name))
    assert benchmark._child_runtime("unused.jsonl", "unused", "openvino_int8", "unused") == {
        "skipped": "nncf not installed (pip install nncf)"
    }


@pytest.mark.parametrize("name", ["onnxruntime_fp32", "onnxruntime_int8", "openvino_fp32", "openvino_int8"])
def test_each_runtime_times_the_tiny_network(tmp_path, tiny_dir, data_root, name):
    """In a fresh process, as ``framing benchmark`` runs it: every sentence through the network (or a note)."""
    corpus = tmp_path / "corpus.jsonl"
    count = benchmark.build_corpus(data_root, 60, corpus)
    result = benchmark.run_child("runtime", corpus, tiny_dir, name, data_root)
    if "skipped" in result:
        assert "not installed" in result["skipped"]
        return
    assert result["sentences"] == count and result["seconds"] > 0 and json.dumps(result)


def test_calibration_text_is_unreserved_and_held_out_of_dev_and_test(data_root):
    from framing.corpus.readers import Article, read_path
    from framing.corpus.sentences import split
    from framing.gold.annotations import evaluation_ids, is_reserved, load_splits
    from framing.scoring.runtimes import calibration_texts

    reserved, splits = evaluation_ids(data_root), load_splits()
    held_out = splits["dev"] | splits["test"]
    kept, left_out = set(), set()
    for source in ("fa-kes/FA-KES-Dataset.csv", "allsides-syria/articles.jsonl"):
        for article in read_path(data_root / source):
            if isinstance(article, Article):
                out = is_reserved(article.doc, reserved) or article.doc in held_out
                (left_out if out else kept).update(s.text for s in split(article.doc, article.text))
    texts = calibration_texts(data_root, 50)
    assert len(texts) == 50 and set(texts) <= kept and not set(texts) & (left_out - kept)


def test_a_gpu_row_is_shown_when_measured():
    """``transformer_cuda`` (``--device cuda``) is a row of the table where the benchmark measured it."""
    results = _results()
    timed = {"sentences": 2_000, "seconds": 1.0, "peak_mib": 100.0, "peak_worker_mib": 50.0}
    results |= {"lexicon_small": timed, "lexicon_large": timed, "int8_build": {"seconds": 9.0}}
    results |= {
        "corpus": {"small": 2_000, "large": 20_000},
        "dev_macro_f1": dict.fromkeys(("full", "int8", "int8_without_fallback"), 0.9) | {"int8_fallback_share": 0.05},
    }
    results["ratios"] |= {
        "transformer_full_vs_reference": 2.0,
        "transformer_int8_vs_reference": 4.0,
        "int8_dev_macro_f1_loss_points": 0.0,
        "lexicon_memory_large_vs_small": 1.0,
    }
    assert "transformer_cuda" not in benchmark.format_results(results)
    results["transformer_cuda"] = {"sentences": 200_000, "seconds": 8.0, "peak_mib": 900.0, "peak_worker_mib": 0.0}
    assert "| transformer_cuda | 200,000 | 8.0 | 25,000 | 900 + 0 |" in benchmark.format_results(results)


def test_cpu_seconds_counts_this_process_since_the_mark():
    import resource

    from framing.scoring.benchmark import cpu_seconds

    mark = resource.getrusage(resource.RUSAGE_SELF)
    spent = cpu_seconds(mark)
    total = sum(i * i for i in range(3_000_000))  # some CPU work after the mark
    later = cpu_seconds(mark)
    assert total > 0 and later["cpu_main_s"] > spent["cpu_main_s"] >= 0
    assert later["cpu_workers_s"] >= 0


def test_the_transformer_rows_are_interleaved_and_ratios_taken_round_by_round(monkeypatch, tmp_path, data_root):
    """Reference, full and int8 run in turn, round after round; each ratio is the median of the rounds' own, so a
    machine that slows down between two rows does not bias it."""
    calls = []
    speed = iter([1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 1.0, 1.0, 1.0])  # the machine is twice as slow in round 2
    seconds = {"reference": 100.0, "full": 50.0, "int8": 25.0}

    def child(kind, *args, env=None):
        if kind in ("score", "reference"):
            name = "reference" if kind == "reference" else "lexicon" if "lexicon" in str(args[1]) else None
            name = name or ("int8" if str(args[-1]) == "1" else "full")
            calls.append(name)
            if name == "lexicon":
                return {"sentences": 100, "seconds": 1.0, "peak_mib": 50.0, "peak_worker_mib": 10.0}
            row = {"sentences": 100, "seconds": seconds[name] / next(speed), "peak_mib": 1.0, "peak_worker_mib": 0.0}
            return row
        if kind == "build":
            return {"seconds": 1.0}
        if kind == "gpu":
            return {"present": False}
        if kind == "accuracy":
            return dict.fromkeys(("full", "int8", "int8_without_fallback"), 0.9) | {"int8_fallback_share": 0.05}
        return {"skipped": "not measured here"}

    monkeypatch.setattr(benchmark, "run_child", child)
    monkeypatch.setattr(benchmark, "build_corpus", lambda root, n, out: n)
    results = benchmark.benchmark(
        data_root, tmp_path / "lexicon", tmp_path / "transformer", 100, 100, log=lambda *a: None
    )
    assert calls == ["lexicon", "lexicon"] + ["reference", "full", "int8"] * 3
    assert results["ratios"]["transformer_full_vs_reference"] == pytest.approx(2.0)
    assert results["ratios"]["transformer_int8_vs_reference"] == pytest.approx(4.0)
    assert results["transformer_int8"]["rounds"] == [4.0, 2.0, 4.0]
    assert results["transformer_int8"]["seconds"] == 25.0  # the median round's row
    assert "medians of 3 interleaved rounds: full 2.00, 2.00, 2.00; int8 4.00, 4.00, 4.00" in benchmark.format_results(
        results
    )
    with pytest.raises(benchmark.FramingError, match="rounds"):
        benchmark.benchmark(data_root, tmp_path, tmp_path, 100, 100, log=lambda *a: None, rounds=0)
