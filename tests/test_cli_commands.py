"""Every command reached through the CLI at least once: the main job, training, the report, series,
model comparison, annotation and the benchmark (the other commands are in test_cli.py and test_faults.py)."""

from __future__ import annotations

import json

import pytest
import tomli_w
from typer.testing import CliRunner

from framing.cli import app
from tests.tiny import TINY

runner = CliRunner()


def invoke(*args, **kwargs):
    return runner.invoke(app, [str(a) for a in args], **kwargs)


def test_run_on_the_seeds_alone_gives_tables_and_a_report(tmp_path, root):
    out = tmp_path / "runs"
    result = invoke("run", "--data", tmp_path / "no-data", "--out", out, "--model", root / "models" / "lexicon")
    assert result.exit_code == 0, result.output
    run = out / "latest"
    assert (run / "seeds-scores.jsonl").is_file() and (run / "seeds-profile-all.csv").is_file()
    page = (run / "report" / "report.html").read_text(encoding="utf-8")
    assert "Outlets are not compared" in page and "seeds" in page


def test_train_a_tiny_transformer_from_a_config(tmp_path, data_root):
    config = {
        "seed": 0,
        "model": {"type": "transformer", "name": "tiny"},
        "data": {"annotations": ["experiments/annotations/gold-fakes.jsonl"], "domains": ["fa-kes"]},
        "transformer": {
            "encoder_config": TINY,
            "finetune": "full",
            "epochs": 1,
            "batch_size": 32,
            "max_length": 48,
            "context": ["title"],
        },
    }
    path = tmp_path / "tiny.toml"
    path.write_bytes(tomli_w.dumps(config).encode())
    result = invoke("train", path, "--out", tmp_path / "run", "--transformer.learning_rate", "0.002")
    assert result.exit_code == 0, result.output
    assert "trained tiny" in result.output and "dev mean macro-F1" in result.output
    model = tmp_path / "run" / "model"
    assert {"config.toml", "meta.json", "heads.safetensors"} <= {p.name for p in model.iterdir()}
    scored = invoke("score", root_seeds(), "--out", tmp_path / "s.jsonl", "--model", model)
    assert scored.exit_code == 0, scored.output
    bad = invoke("train", path, "--out", tmp_path / "run2", "--transformer.epoch", "2")
    assert bad.exit_code == 2 and "epoch" in bad.output


def root_seeds():
    from framing.resources import seeds_dir

    return seeds_dir()


def test_report_timeseries_and_compare_outlets_on_scores(tmp_path, root):
    rows = []
    for outlet, label in (("A", "rebel"), ("B", "terrorist")):
        for i in range(6):
            for s in range(3):
                rows.append(
                    {
                        "doc": f"t:{outlet}{i}",
                        "sentence": s,
                        "outlet": outlet,
                        "date": f"201{i % 3 + 3}-05-01",
                        "opposition": label,
                        "state": "none",
                        "voice": "own",
                        "text": f"{label} {s}",
                        "model": "m",
                    }
                )
    scores = tmp_path / "s.jsonl"
    scores.write_text("".join(json.dumps(r) + "\n" for r in rows))
    report = invoke("report", scores, "--out", tmp_path / "report", "--n-boot", "50")
    assert report.exit_code == 0, report.output
    assert (tmp_path / "report" / "report.html").is_file()
    series = invoke("timeseries", scores, "--out", tmp_path / "series", "--n-boot", "50", "--min-articles", "1")
    assert series.exit_code == 0, series.output and any((tmp_path / "series").iterdir())


def test_compare_two_models_on_gold(tmp_path, root, data_root):
    lexicon = root / "models" / "lexicon"
    result = invoke("compare", lexicon, lexicon, "--split", "dev", "--domain", "fa-kes")
    assert result.exit_code == 0, result.output
    assert "+0.000" in result.output or "0.000" in result.output


def test_annotate_two_records_then_quit(tmp_path, root):
    out = tmp_path / "mine.jsonl"
    keys = "\n".join(["n", "n", "q"]) + "\n"  # two sentences naming nobody, then quit
    result = invoke(
        "annotate",
        root / "seeds",
        "--out",
        out,
        "--annotator",
        "tester",
        "--model",
        root / "models" / "lexicon",
        "--data",
        tmp_path / "no-data",
        input=keys,
    )
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(records) >= 1 and all(r["annotator"] == "tester" for r in records)


@pytest.mark.slow  # a dozen fresh Python processes, each importing torch
def test_benchmark_runs_on_a_small_corpus(tmp_path, root, data_root, tiny_dir):
    """Every step of the benchmark, on a few sentences and a tiny transformer (the real figures: make bench)."""
    result = invoke(
        "benchmark",
        "--sentences",
        "400",
        "--transformer-sentences",
        "40",
        "--transformer",
        tiny_dir,
        "--out",
        tmp_path / "b.json",
        "--rounds",
        "2",
    )
    assert result.exit_code == 0, result.output
    measured = json.loads((tmp_path / "b.json").read_text())
    assert measured and "ratios" in json.dumps(measured)
    assert len(measured["transformer_int8"]["rounds"]) == 2 and "interleaved rounds" in result.output
