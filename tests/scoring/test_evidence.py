"""Model evidence on scored rows: which rows lack it, adding it, and scores files that keep it."""

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from framing.classifiers.loading import LoadedModel
from framing.classifiers.schema import FIELDS, LABELS, Context
from framing.errors import FramingError
from framing.scoring.evidence import (
    add_model_evidence,
    by_place,
    explain_scores,
    format_row,
    row_context,
    unexplained,
    write_scores,
)
from framing.scoring.rows import ScoredSentence, read_scores, row_problems
from tests.classifiers.test_explain import Keyed

TEXT = "Damascus officials said the convoy was hit."
TERM = {"term": "officials", "start": 9, "end": 18, "field": "state", "label": "government", "quoted": False}


def row(doc="t:1", sentence=0, text=TEXT, state="government", evidence=(), model="keyed", outlet="A"):
    voice = "own" if state != "none" else "none"
    scores = {
        f: {label: float(label == value) for label in LABELS[f]} for f, value in zip(FIELDS, ("none", state, voice))
    }
    return ScoredSentence(
        doc, sentence, 0, len(text), text, outlet, None, state=state, voice=voice, scores=scores,
        evidence=list(evidence), model=model,
    )  # fmt: skip


def test_a_label_no_deciding_term_supports_is_unexplained():
    assert unexplained(row()) == ["state"]
    assert unexplained(row(evidence=[TERM | {"deciding": True}])) == []
    assert unexplained(row(evidence=[TERM | {"deciding": False}])) == ["state"]
    assert unexplained(row(evidence=[TERM | {"deciding": True, "label": "regime"}])) == ["state"]
    assert unexplained(row(state="none")) == []


def test_model_evidence_is_added_to_the_picked_rows_only():
    rows = [row(), row(sentence=1), row(sentence=2, evidence=[TERM | {"deciding": True}])]
    added = add_model_evidence(rows, Keyed(), [0, 2])
    assert added[1] == rows[1] and added[2] == rows[2]  # not picked; nothing lacking
    (damascus, *_) = added[0].evidence
    assert damascus == {
        "term": "Damascus",
        "start": 0,
        "end": 8,
        "field": "state",
        "label": "government",
        "quoted": False,
        "deciding": True,
        "source": "model",
        "drop": pytest.approx(0.6),
    }
    assert unexplained(added[0]) == [] and row_problems(added[0]) == []


@pytest.mark.parametrize("name", ["s.jsonl", "s.parquet"])
def test_scores_with_model_evidence_read_back_the_same(tmp_path, name):
    rows = add_model_evidence([row(), row(sentence=1, evidence=[TERM | {"deciding": True}])], Keyed(), [0])
    write_scores(rows, tmp_path / name)
    assert read_scores([tmp_path / name]) == rows
    assert "source" not in read_scores([tmp_path / name])[1].evidence[0]  # a lexicon term as it always was


def test_old_parquet_scores_without_the_model_columns_still_read(tmp_path):
    entry = pa.struct([(k, pa.string()) for k in ("term", "field", "label")])
    table = pa.Table.from_pylist(
        [
            {
                "doc": "t:1",
                "opposition": "none",
                "state": "regime",
                "voice": "own",
                "evidence": [TERM | {"label": "regime"}],
            }
        ],
        schema=pa.schema(
            [(k, pa.string()) for k in ("doc", "opposition", "state", "voice")] + [("evidence", pa.list_(entry))]
        ),
    )
    pq.write_table(table, tmp_path / "old.parquet")
    (read,) = read_scores([tmp_path / "old.parquet"])
    assert read.evidence == [{"term": "officials", "field": "state", "label": "regime"}]


def test_bad_model_evidence_cannot_be_shown():
    entry = TERM | {"deciding": True, "source": "model"}
    assert row_problems(row(evidence=[entry | {"drop": 0.3}])) == []
    assert "drop" in row_problems(row(evidence=[entry | {"drop": "0.3"}]))[0]
    assert "drop" in row_problems(row(evidence=[entry | {"drop": 3}]))[0]
    assert "source" in row_problems(row(evidence=[entry | {"source": "oracle", "drop": 0.3}]))[0]


def test_context_is_the_previous_sentence_of_the_same_article_and_its_headline():
    rows = [row("t:1", 0, "First."), row("t:1", 1, "Second."), row("t:2", 0, "Other.")]
    assert row_context(rows, {"t:1": "Headline"}) == [
        Context("Headline", None),
        Context("Headline", "First."),
        Context(None, None),
    ]


def test_the_first_sentence_of_every_cell_comes_first():
    rows = [row(outlet="A"), row(outlet="A", sentence=1), row(outlet="B"), row(state="none"), row(state="regime")]
    assert by_place(rows) == [0, 2, 4, 1]
    assert by_place(rows, within=1) == [0, 2, 4]


def keyed_model() -> LoadedModel:
    return LoadedModel("keyed", Path("keyed"), Keyed(), {}, {})


def test_a_scores_file_gets_model_evidence_where_it_lacks_it(tmp_path):
    rows = [row(), row(sentence=1, model="other"), row(sentence=2, evidence=[TERM | {"deciding": True}])]
    path = tmp_path / "s.jsonl"
    path.write_text("".join(json.dumps(r.as_dict()) + "\n" for r in rows))
    done = explain_scores(path, keyed_model())
    assert (done.rows, done.lacking, done.explained, done.other_model) == (3, 2, 1, 1)
    after = read_scores([path])
    assert [e["term"] for e in after[0].evidence] == ["Damascus", "officials"]
    assert after[1:] == rows[1:]
    again = explain_scores(path, keyed_model(), tmp_path / "copy.jsonl")  # nothing left to explain
    assert again.explained == 0 and read_scores([tmp_path / "copy.jsonl"]) == after


def test_scores_of_another_model_are_refused(tmp_path):
    path = tmp_path / "s.jsonl"
    path.write_text(json.dumps(row(model="other").as_dict()) + "\n")
    with pytest.raises(FramingError, match="scored by other, not keyed"):
        explain_scores(path, keyed_model())


def test_a_row_is_printed_with_both_kinds_of_evidence():
    (explained,) = add_model_evidence([row(evidence=[TERM | {"deciding": False}])], Keyed(), [0])
    text = format_row(explained)
    assert "state: government" in text and "lexicon: -" in text and "model: Damascus (-0.60), officials (-0.10)" in text
