"""Feedback: plain progress lines with an ETA where stderr is a log, and the libraries beneath kept quiet
(their bars, logs and warnings) unless ``--verbose``."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
import warnings
from pathlib import Path

import pytest

from framing.progress import QUIET_ENVIRONMENT, Heartbeat, count_in_background, duration, progress, quiet_libraries


def test_heartbeat_prints_whole_lines_with_an_eta(capsys):
    assert list(Heartbeat(range(4), desc="epoch 1/4", unit=" batches", interval=0, file=sys.stderr)) == [0, 1, 2, 3]
    err = capsys.readouterr().err
    lines = err.splitlines()
    assert "\r" not in err and len(lines) == 4 and all("ETA" in line for line in lines)
    assert lines[0].startswith("epoch 1/4: 1/4 batches (25%), ") and lines[-1].startswith("epoch 1/4: 4/4 batches")


def test_heartbeat_keeps_to_its_interval(capsys):
    list(Heartbeat(range(1000), desc="fast", interval=3600, file=sys.stderr))
    assert capsys.readouterr().err == ""


def test_progress_where_stderr_is_a_log_prints_a_line_every_few_seconds(monkeypatch, capsys):
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("FRAMING_PROGRESS_SECONDS", "0")
    bar = progress(desc="scoring", unit=" docs")  # stderr is captured here: not a terminal
    assert isinstance(bar, Heartbeat)
    bar.update(3)
    bar.total = 9  # the count finishes later: the lines gain the total and the ETA
    bar.update(3)
    bar.close()
    lines = capsys.readouterr().err.splitlines()
    assert lines[0].startswith("scoring: 3 docs, ") and "docs/s" in lines[0]
    assert lines[1].startswith("scoring: 6/9 docs (67%), ") and "ETA" in lines[1]
    monkeypatch.setenv("CI", "1")
    assert progress(range(3)).disable


def test_durations_read_as_people_say_them():
    assert [duration(s) for s in (4, 89, 95, 3000, 7500)] == ["4 s", "89 s", "2 min", "50 min", "2 h 5 min"]


def test_count_in_background_sets_the_total():
    bar = Heartbeat(interval=3600, file=io.StringIO())
    stop = count_in_background(bar, lambda: iter([1, "not counted", 2, 3]), int)
    for _ in range(500):
        if bar.total is not None:
            break
        time.sleep(0.01)
    assert bar.total == 3 and not stop.is_set()

    def unreadable():
        raise OSError("gone")

    failed = Heartbeat(interval=3600, file=io.StringIO())
    count_in_background(failed, unreadable)
    time.sleep(0.1)
    assert failed.total is None


def test_quiet_libraries_silences_their_bars_and_warnings_but_not_ours(monkeypatch):
    import datasets
    from transformers.utils import logging as transformers_logging

    for name in [*QUIET_ENVIRONMENT, "FRAMING_VERBOSE"]:
        monkeypatch.setenv(name, "x")  # so that the test's end restores the variable's absence
        monkeypatch.delenv(name)
    with warnings.catch_warnings(record=True) as caught:
        quiet_libraries(verbose=True)
        assert not set(QUIET_ENVIRONMENT) & set(os.environ), "--verbose changes nothing"
        quiet_libraries()
        warnings.warn("a library's deprecation", DeprecationWarning, stacklevel=1)
        warnings.warn_explicit("ours", UserWarning, "framing/x.py", 1, module="framing.x")
    assert [str(w.message) for w in caught] == ["ours"]
    assert all(os.environ[name] == value for name, value in QUIET_ENVIRONMENT.items())
    assert not transformers_logging.is_progress_bar_enabled() and not datasets.is_progress_bar_enabled()
    transformers_logging.enable_progress_bar()
    transformers_logging.set_verbosity_warning()


def test_annotation_start_up_shows_its_progress(monkeypatch, capsys, root, lexicon_model):
    """Splitting the corpus and the model's suggestions, before the first sentence is shown."""
    from framing.corpus.readers import read_path
    from framing.gold import annotate

    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("FRAMING_PROGRESS_SECONDS", "0")
    monkeypatch.setattr(annotate, "SUGGEST_BATCH", 10)
    todo = annotate.items(read_path(root / "seeds"), lexicon_model, set(), False)
    lines = capsys.readouterr().err.splitlines()
    assert any(line.startswith("splitting sentences: ") and " docs" in line for line in lines)
    suggesting = [line for line in lines if line.startswith("suggesting labels: ")]
    assert len(suggesting) >= 2 and all("ETA" in line for line in suggesting)
    assert suggesting[-1].startswith(f"suggesting labels: {len(todo)}/{len(todo)} sentences (100%)")


@pytest.mark.slow
def test_loading_the_shipped_transformer_shows_its_bar_only_with_verbose(tmp_path, root):
    """Through the CLI, in fresh processes: transformers' "Loading weights" bar only with --verbose."""
    (tmp_path / "one.jsonl").write_text('{"id": "a", "text": "The regime shelled rebels near Aleppo."}\n')
    env = {k: v for k, v in os.environ.items() if k not in {"CI", "FRAMING_VERBOSE", *QUIET_ENVIRONMENT}}
    framing = Path(sys.executable).with_name("framing")
    outputs = {}
    for flags in ([], ["--verbose"]):
        command = [framing, *flags, "score", "--sentences", tmp_path / "one.jsonl", "--out", tmp_path / "o.jsonl"]
        done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)
        assert done.returncode == 0, done.stderr
        outputs[bool(flags)] = done.stderr
    assert "Loading weights" not in outputs[False] and "scored 1 sentences" in outputs[False]
    assert "Loading weights" in outputs[True]
