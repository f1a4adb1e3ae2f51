import json

import pytest

from framing.corpus.readers import read_path
from framing.gold.annotate import annotatable, annotate


def run(root, lexicon_model, out, answers, **kwargs):
    feed = iter(answers)
    shown = []
    added = annotate(
        read_path(root / "seeds"),
        out,
        lexicon_model,
        "tester",
        ask=lambda prompt: next(feed),
        show=shown.append,
        **kwargs,
    )
    return added, shown


def test_scripted_session_appends_records_and_resumes(tmp_path, root, lexicon_model):
    out = tmp_path / "ann.jsonl"
    # sentence 1: accept all; sentence 2: correct opposition to terrorist, a bad key then regime, reported; then quit
    added, shown = run(root, lexicon_model, out, ["", "", "", "t", "x", "r", "r", "q"])
    assert added == 2
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert records[0]["annotator"] == "tester" and records[0]["suggestion"]["model"] == "lexicon"
    assert (records[0]["opposition"], records[0]["state"], records[0]["voice"]) == ("rebel", "regime", "own")
    assert (records[1]["opposition"], records[1]["state"], records[1]["voice"]) == ("terrorist", "regime", "reported")
    assert any("'x' is not one of" in line for line in shown)
    assert any(">> Syrian opposition breaks Aleppo regime siege" in line for line in shown)
    # a new session starts where the last one stopped
    added, shown = run(root, lexicon_model, out, ["q"])
    assert added == 0 and shown[0].startswith("125 sentences")


def test_voice_is_none_without_asking_when_nobody_is_named(tmp_path, root, lexicon_model):
    out = tmp_path / "ann.jsonl"
    added, _ = run(root, lexicon_model, out, ["n", "n", "q"], limit=1)
    record = json.loads(out.read_text())
    assert added == 1 and record["voice"] == "none"


def test_reserved_documents_are_not_offered(data_root):
    from framing.gold.annotations import evaluation_ids

    reserved = evaluation_ids(data_root)
    ids = {a.id for a in annotatable(data_root / "fa-kes" / "FA-KES-Dataset.csv", reserved)}
    assert ids and not ids & reserved


def test_reserved_allsides_articles_are_not_offered(data_root):
    from framing.gold.annotations import allsides_evaluation_ids, evaluation_ids

    offered = {a.id for a in annotatable(data_root / "allsides-syria" / "articles.jsonl", evaluation_ids(data_root))}
    reserved = allsides_evaluation_ids(data_root)
    assert len(offered) > 1000 and not offered & reserved


def test_a_shared_corpus_without_its_reserved_ids_is_refused(data_root):
    from framing.errors import FramingError

    with pytest.raises(FramingError, match="allsides-syria/evaluation-ids.txt"):
        next(annotatable(data_root / "allsides-syria" / "articles.jsonl", set()))
