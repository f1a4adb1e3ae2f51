import copy
import csv
import json
import warnings

import pytest

from framing.analysis.agreement import agreement, disagreements, kappa, write_agreement, write_disagreements
from framing.errors import FramingError
from framing.scoring.rows import ScoredSentence


def row(doc, sentence, outlet, opposition="none", state="none", voice="none", model="lexicon"):
    evidence = [{"term": opposition, "start": 0, "end": 3}] if opposition != "none" else []
    return {
        "doc": doc,
        "sentence": sentence,
        "outlet": outlet,
        "text": f"sentence {sentence} of {doc}",
        "opposition": opposition,
        "state": state,
        "voice": voice,
        "evidence": evidence,
        "model": model,
    }


def typed(records):
    return [ScoredSentence.from_dict(r) for r in records]


def lexicon_rows():
    return typed(lexicon_records())


def lexicon_records():
    """Outlet X: 10 sentences (6 naming the state); outlet Y: 6 sentences, some naming the opposition."""
    rows = [row("x1", i, "X", state="government", voice="own") for i in range(3)]
    rows += [row("x2", i, "X", state="regime", voice="reported") for i in range(3)]
    rows += [row("x3", i, "X") for i in range(4)]
    rows += [row("y1", i, "Y", opposition="rebel", voice="own") for i in range(3)]
    rows += [row("y2", i, "Y", opposition="terrorist", voice="reported") for i in range(3)]
    return rows


def transformer_rows():
    return typed(transformer_records())


def transformer_records():
    """The lexicon's rows with three changes: two state labels in X, one opposition label and voice in Y."""
    rows = copy.deepcopy(lexicon_records())
    for r in rows:
        r["model"] = "transformer"
    rows[0]["state"] = "regime"  # x1/0
    rows[7]["state"] = "government"  # x3/1, and voice stays none: still a difference in state only
    rows[15] |= {"opposition": "jihadist", "voice": "own", "evidence": []}  # y2/2
    return list(reversed(rows))  # order must not matter


def find(result, outlet, field):
    return next(r for r in result.rows if (r.outlet, r.field) == (outlet, field))


def test_identical_scores_agree_perfectly():
    result = agreement(lexicon_rows(), copy.deepcopy(lexicon_rows()))
    assert {(r.agreement, r.kappa) for r in result.rows} == {(1.0, 1.0)}
    assert [(r.outlet, r.field) for r in result.rows][::3] == [
        ("X", "opposition"),
        ("Y", "opposition"),
        ("all", "opposition"),
    ]
    assert find(result, "all", "state").sentences == 16
    assert disagreements(lexicon_rows(), lexicon_rows()) == []


def test_counts_agreement_and_kappa_for_a_constructed_difference():
    result = agreement(lexicon_rows(), transformer_rows())
    assert (result.model_a, result.model_b) == ("lexicon", "transformer")
    state = find(result, "X", "state")
    assert (state.sentences, state.agreement) == (10, pytest.approx(8 / 10))
    # lexicon 3 government, 3 regime, 4 none; transformer 3, 4, 3: hand-computed Cohen kappa
    observed = 0.8
    chance = (3 * 3 + 3 * 4 + 4 * 3) / 100  # government 3x3, regime 3x4, none 4x3
    assert state.kappa == pytest.approx((observed - chance) / (1 - chance))
    assert find(result, "Y", "opposition").agreement == pytest.approx(5 / 6)
    assert find(result, "Y", "voice").agreement == pytest.approx(5 / 6)
    assert find(result, "X", "opposition").kappa == 1.0  # all none on both sides: degenerate, but agreeing
    assert find(result, "all", "state").agreement == pytest.approx(14 / 16)


def test_disagreements_list_both_sides_in_order():
    found = disagreements(lexicon_rows(), transformer_rows())
    assert [(d["outlet"], d["doc"], d["sentence"]) for d in found] == [("X", "x1", 0), ("X", "x3", 1), ("Y", "y2", 2)]
    assert found[0]["differs"] == ["state"] and (found[0]["state_a"], found[0]["state_b"]) == ("government", "regime")
    last = found[2]
    assert last["differs"] == ["opposition", "voice"]
    assert (last["opposition_a"], last["opposition_b"], last["voice_a"], last["voice_b"]) == (
        "terrorist",
        "jihadist",
        "reported",
        "own",
    )
    assert last["evidence_a"] == [{"term": "terrorist", "start": 0, "end": 3}] and last["evidence_b"] == []
    assert (last["model_a"], last["model_b"], last["text"]) == ("lexicon", "transformer", "sentence 2 of y2")
    assert [d["sentence"] for d in disagreements(lexicon_rows(), transformer_rows(), limit=2)] == [0, 1]
    assert disagreements(lexicon_rows(), transformer_rows(), limit=0) == []


def test_degenerate_kappa_raises_no_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert kappa(["none"] * 5, ["none"] * 5, "state") == 1.0
        assert kappa(["none"] * 5, ["regime"] * 5, "state") == 0.0
        assert kappa(["none"] * 4 + ["regime"], ["none"] * 5, "state") == pytest.approx(0.0)


def test_join_errors_and_unmatched_counts():
    with pytest.raises(FramingError, match="share no"):
        agreement(lexicon_rows(), typed([row("other", 0, "X")]))
    changed = transformer_records()
    changed[0]["text"] = "something else"
    with pytest.raises(FramingError, match="differs between the scores"):
        agreement(lexicon_rows(), typed(changed))
    with pytest.raises(FramingError, match="twice"):
        agreement(lexicon_rows() + typed([row("x1", 0, "X")]), lexicon_rows())
    result = agreement(lexicon_rows() + typed([row("extra", 0, "Z")]), lexicon_rows()[:-2])
    assert (result.only_a, result.only_b) == (3, 0)
    assert find(result, "all", "voice").sentences == 14 and "Z" not in {r.outlet for r in result.rows}


def test_writers(tmp_path):
    result = agreement(lexicon_rows(), transformer_rows())
    path = write_agreement(result, tmp_path)
    with path.open() as handle:
        back = list(csv.DictReader(handle))
    assert len(back) == 9 and back[0]["model_b"] == "transformer"
    assert float(next(r for r in back if (r["outlet"], r["field"]) == ("X", "state"))["agreement"]) == 0.8
    write_disagreements(disagreements(lexicon_rows(), transformer_rows()), tmp_path / "d.jsonl")
    lines = [json.loads(line) for line in (tmp_path / "d.jsonl").read_text().splitlines()]
    assert [line["doc"] for line in lines] == ["x1", "x3", "y2"]
