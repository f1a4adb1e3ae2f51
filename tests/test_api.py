"""The Python API at the package's top level gives the rows and results the CLI writes."""

import subprocess
import sys

import pytest

import framing
from framing.errors import FramingError

TEXTS = [
    "Rebels shelled the northern district on Monday. The regime denied any role.",
    "Government forces advanced. Terrorist groups withdrew from the town.",
]


def test_score_texts_gives_scored_sentences(lexicon_model):
    rows = framing.score_texts(TEXTS, lexicon_model, outlets=["A", "B"], dates=["2016-01-02", None])
    assert all(isinstance(r, framing.ScoredSentence) for r in rows)
    assert [(r.doc, r.sentence) for r in rows] == [("text:1", 0), ("text:1", 1), ("text:2", 0), ("text:2", 1)]
    assert [r.opposition for r in rows] == ["rebel", "none", "none", "terrorist"]
    assert rows[1].state == "regime" and rows[0].outlet == "A" and rows[0].date == "2016-01-02"
    for r in rows:
        assert TEXTS[int(r.doc.split(":")[1]) - 1][r.start : r.end] == r.text


def test_rows_as_a_table_and_analysed(lexicon_model):
    rows = framing.score_texts(TEXTS * 3, lexicon_model, outlets=["A", "B"] * 3)
    table = framing.to_table(rows)
    assert table.num_rows == len(rows) and table.column_names[:3] == ["doc", "sentence", "start"]
    result = framing.analyse("mine", rows, framing.Settings(n_boot=50, min_articles=1, min_sentences=1))
    shares = {(p.group, p.actor, p.label): p.share for p in result.profiles["all"]}
    assert shares["A", "opposition", "rebel"] == 1.0 and shares["B", "opposition", "terrorist"] == 1.0


def test_bad_arguments_are_framing_errors(lexicon_model):
    with pytest.raises(FramingError, match="sequence of strings"):
        framing.score_texts("one text", lexicon_model)
    with pytest.raises(FramingError, match="outlets has 1 values for 2 texts"):
        framing.score_texts(TEXTS, lexicon_model, outlets=["A"])
    with pytest.raises(FramingError, match="unique"):
        framing.score_texts(TEXTS, lexicon_model, ids=["x", "x"])


def test_import_is_light():
    code = "import sys, framing; print('torch' in sys.modules, 'matplotlib' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.split() == [
        "False",
        "False",
    ]


def test_top_level_names_are_the_api():
    from framing import api

    assert framing._API == set(api.__all__)
    assert all(getattr(framing, name) is getattr(api, name) for name in api.__all__)
