"""The worked example's gold (experiments/islamic-state): it loads as records of its scheme, the shipped
lexicon model gives the figures the README prints, and models of two schemes are never compared."""

from __future__ import annotations

import re

from typer.testing import CliRunner

from framing.cli import app

GOLD = ["--gold", "experiments/islamic-state/gold.jsonl", "--splits", "experiments/islamic-state/splits.json"]


def test_the_readme_figures_of_the_islamic_state_lexicon(data_root, root, monkeypatch):
    monkeypatch.chdir(root)
    data = ["--data", str(data_root)]
    printed = {}
    for split in ("dev", "test"):
        result = CliRunner().invoke(
            app, ["evaluate", "--model", "models/islamic-state", *GOLD, *data, "--split", split]
        )
        assert result.exit_code == 0, result.output
        printed[split] = result.output
    assert "model islamic-state: 154 sentences from 62 articles" in printed["dev"]
    assert "mean macro-F1 0.993 (95% CI 0.974-1.000)" in printed["dev"]
    assert "model islamic-state: 180 sentences from 64 articles" in printed["test"]
    assert "mean macro-F1 0.967 (95% CI 0.902-0.996)" in printed["test"]
    assert re.search(r"is_group: macro-F1 0\.971", printed["test"]) and "opposition" not in printed["test"]


def test_models_of_two_schemes_are_not_compared_and_one_scheme_is(data_root, root, monkeypatch):
    monkeypatch.chdir(root)
    data = ["--data", str(data_root)]
    mixed = CliRunner().invoke(app, ["compare", "models/islamic-state", "models/lexicon", *GOLD, *data])
    assert mixed.exit_code != 0 and "predicts the labels of scheme 'syria'" in mixed.output
    same = ["compare", "models/islamic-state", "models/islamic-state", *GOLD, *data, "--split", "dev"]
    result = CliRunner().invoke(app, [*same, "--slices"])
    assert result.exit_code == 0, result.output
    assert "is_group   +0.000  [+0.000, +0.000]" in result.output and "slices" in result.output.lower()
