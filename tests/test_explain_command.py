"""``framing explain`` through the CLI, and the main job's step that gives the shown sentences model evidence."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from framing.cli import app
from framing.scoring.rows import read_scores

runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_explain_prints_the_lexicon_terms_and_the_model_words(root):
    result = invoke("explain", "The regime shelled the town.", "--model", root / "models" / "lexicon")
    assert result.exit_code == 0, result.output
    assert "state: regime (1.00)\n    lexicon: regime\n    model: regime (-1.00)" in result.output
    assert "opposition: none" in result.output and "voice: own" in result.output


def test_explain_as_json_from_a_file_with_a_tiny_transformer(tmp_path, tiny_dir):
    lines = tmp_path / "sentences.txt"
    lines.write_text("Regime forces shelled rebel-held Douma.\n\nThree vans of vegetables crossed.\n")
    result = invoke("explain", "--sentences", lines, "--model", tiny_dir, "--json", "--min-drop", "0")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["doc"] for r in rows] == ["sentences:1", "sentences:3"] and all(r["model"] == "tiny" for r in rows)
    for r in rows:
        for e in r["evidence"]:
            assert r["text"][e["start"] : e["end"]] == e["term"]
        words = [e for e in r["evidence"] if e.get("source") == "model"]
        assert {e["field"] for e in words} <= {a for a in ("opposition", "state") if r[a] != "none"}


def test_explain_adds_model_evidence_to_a_scores_file(tmp_path, root):
    text = "Douma was shelled by the regime."
    row = {"doc": "t:1", "sentence": 0, "start": 0, "end": len(text), "text": text, "outlet": "A", "date": None}
    row |= {"opposition": "none", "state": "regime", "voice": "own", "scores": {}, "model": "lexicon"}
    scores = tmp_path / "s.jsonl"
    scores.write_text(json.dumps(row | {"evidence": []}) + "\n")
    result = invoke("explain", "--scores", scores, "--model", root / "models" / "lexicon")
    assert result.exit_code == 0, result.output
    assert f"model evidence for 1 of 1 rows whose labels no lexicon term decided -> {scores}" in result.output
    (explained,) = read_scores([scores])
    assert explained.evidence == [
        {"term": "regime", "start": 25, "end": 31, "field": "state", "label": "regime", "quoted": False}
        | {"deciding": True, "source": "model", "drop": 1.0}
    ]
    again = invoke("explain", "--scores", scores, "--model", root / "models" / "lexicon")
    assert again.exit_code == 0 and "model evidence for 0 of 0 rows" in again.output


def test_explain_refuses_mixed_or_missing_inputs(tmp_path, root):
    lexicon = root / "models" / "lexicon"
    assert invoke("explain", "--model", lexicon).exit_code == 2
    both = invoke("explain", "A sentence.", "--scores", tmp_path / "s.jsonl", "--model", lexicon)
    assert both.exit_code == 2 and "not both" in both.output
    alone = invoke("explain", "A sentence.", "--limit", "3", "--model", lexicon)
    assert alone.exit_code == 2 and "go with --scores" in alone.output
    top = invoke("explain", "A sentence.", "--top", "0", "--model", lexicon)
    assert top.exit_code == 2 and "--top must be at least 1" in top.output


def test_the_main_job_explains_the_shown_sentences_lacking_a_term(tmp_path, capsys):
    from framing.analysis.results import Settings, analyse
    from framing.classifiers.loading import LoadedModel
    from framing.pipeline import explain_shown
    from framing.scoring.evidence import write_scores
    from tests.classifiers.test_explain import Keyed
    from tests.scoring.test_evidence import row

    rows = [row("t:1"), row("t:2", outlet="B"), row("t:3"), row("t:4", state="none")]
    scores, other = tmp_path / "s.jsonl", tmp_path / "lexicon.jsonl"
    write_scores(rows, scores)
    write_scores([row("t:3", state="none"), row("t:1"), row("t:2", outlet="B"), row("t:4", state="none")], other)
    analysis = analyse("t", rows, Settings(n_boot=20, min_articles=1, min_sentences=1))
    scorer = LoadedModel("keyed", Path("keyed"), Keyed(), {}, {})
    explained = explain_shown("t", tmp_path, scores, analysis, scorer, other, limit=2)
    # the disagreeing sentence (t:3) first, then the first of each cell (t:1 for A); t:2 is left over the limit
    assert [bool(r.evidence) for r in explained.rows] == [True, False, True, False]
    assert read_scores([scores]) == explained.rows
    assert "model evidence for 2 of 3 shown sentences with no deciding term" in capsys.readouterr().err
    assert explain_shown("t", tmp_path, scores, analysis, scorer, other, limit=0) is analysis
