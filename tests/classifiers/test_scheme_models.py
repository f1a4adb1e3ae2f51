"""A scheme of another shape, from its TOML file alone: a tiny transformer trains, saves, loads and
predicts in that shape, and a model of one scheme is refused where another is asked for."""

from __future__ import annotations

import json
import tomllib

import numpy as np
import pytest

from framing.classifiers.lexicon import Lexicon
from framing.classifiers.loading import load_model
from framing.classifiers.schema import SCHEME
from framing.classifiers.transformer import TransformerClassifier, TransformerSettings
from framing.errors import FramingError
from framing.schemes import load_scheme
from framing.scoring.streaming import score
from framing.training.train import write_model_dir
from tests.harbour import HARBOUR
from tests.tiny import ROOT, TINY

SENTENCES = [
    "The guild opened the harbour gates at dawn.",
    "League raiders burned two boats, the guild said.",
    "Smugglers of the league were seen near the pier.",
    "Sailors of the league mended their nets.",
    "It rained over the bay all day.",
    "League members met the guild to talk about 'smugglers'.",
] * 2
Y = [
    ("named", "none", "own"),
    ("named", "raiders", "own"),
    ("none", "smugglers", "own"),
    ("none", "sailors", "own"),
    ("none", "none", "none"),
    ("named", "smugglers", "reported"),
] * 2


@pytest.fixture(scope="module")
def harbour(tmp_path_factory):
    path = tmp_path_factory.mktemp("scheme") / "harbour.toml"
    path.write_text(HARBOUR, encoding="utf-8")
    return load_scheme(path)


def tiny(scheme, hints: bool = False, lexicon=None) -> TransformerClassifier:
    settings = TransformerSettings(
        encoder_config=TINY, finetune="full", hints=hints, epochs=2, batch_size=4, max_length=64, seed=0
    )
    return TransformerClassifier(settings, lexicon, scheme=scheme)


def save(classifier, path) -> None:
    config = {"model": {"type": "transformer", "name": "harbour"}, "transformer": classifier.settings_dict()}
    meta = {
        "name": "harbour",
        "type": "transformer",
        "guidelines": classifier.scheme.guidelines.version,
        "versions": {"framing": "test"},
        "seed": 0,
        "data_hash": "x",
        "train_sentences": len(SENTENCES),
        "created": "now",
    }
    write_model_dir(path, classifier, config, meta, None)


@pytest.fixture(scope="module")
def harbour_model(harbour, tmp_path_factory):
    classifier = tiny(harbour).fit(SENTENCES, Y)
    path = tmp_path_factory.mktemp("models") / "harbour"
    save(classifier, path)
    return classifier, path


def test_heads_and_probabilities_follow_the_scheme(harbour, harbour_model):
    classifier, _ = harbour_model
    assert [list(labels) for labels in classifier.labels_] == [list(harbour.labels[f]) for f in harbour.fields]
    assert {f: head.out_features for f, head in classifier.network_.heads.items()} == {
        "guild": 2,
        "league": 5,
        "voice": 3,
    }
    probabilities = classifier.predict_proba(SENTENCES[:5])
    assert [p.shape for p in probabilities] == [(5, 2), (5, 5), (5, 3)]
    assert all(np.allclose(p.sum(axis=1), 1.0) for p in probabilities)
    predicted = classifier.predict(SENTENCES[:5])
    assert predicted.shape == (5, 3)
    for row in predicted:
        assert harbour.check_record(dict(zip(harbour.fields, row))) == []  # voice none exactly when nobody is named


def test_the_directory_records_the_scheme_and_loads_back_in_its_shape(harbour, harbour_model):
    classifier, path = harbour_model
    assert (path / "scheme.toml").read_text(encoding="utf-8") == HARBOUR  # the file itself, comments and all
    assert not (path / "lexicon.toml").exists()
    config = tomllib.loads((path / "config.toml").read_text(encoding="utf-8"))
    meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
    expected = {"name": "harbour", "version": "1", "hash": harbour.hash, "file": "scheme.toml"}
    assert config["scheme"] == expected and meta["scheme"] == expected
    card = (path / "README.md").read_text(encoding="utf-8")
    assert "label scheme `harbour` v1" in card and "the league (`none`, `members`" in card and "Syria" not in card
    loaded = load_model(path)
    assert loaded.scheme.same_as(harbour) and loaded.classifier.scheme.same_as(harbour)
    assert [list(labels) for labels in loaded.classifier.labels_] == [list(harbour.labels[f]) for f in harbour.fields]
    for a, b in zip(classifier.predict_proba(SENTENCES), loaded.classifier.predict_proba(SENTENCES)):
        assert a.shape == b.shape and np.allclose(a, b, atol=1e-6)
    assert load_model(path, scheme=harbour).scheme.same_as(harbour)


def test_a_model_of_another_scheme_is_refused_where_one_is_asked_for(harbour, harbour_model):
    _, path = harbour_model
    with pytest.raises(FramingError, match="predicts the labels of scheme 'harbour'.*not those of scheme 'syria'"):
        load_model(path, scheme=SCHEME)
    with pytest.raises(FramingError, match="predicts the labels of scheme 'syria'.*not those of scheme 'harbour'"):
        load_model(ROOT / "models" / "lexicon", scheme=harbour)


def test_scoring_with_a_model_of_another_scheme_writes_rows_of_its_shape(harbour, harbour_model, tmp_path):
    """The loop's end: a model trained from the scheme file alone scores files and texts, and its scores
    read back (JSON Lines, Parquet, CSV) in the scheme's shape, named by the scheme."""
    import csv

    from framing.api import score_texts
    from framing.scoring.rows import read_scores

    classifier, path = harbour_model
    (tmp_path / "a.txt").write_text("League raiders burned two boats, the guild said.", encoding="utf-8")
    expected = classifier.predict(["League raiders burned two boats, the guild said."])[0].tolist()
    for name in ("scores.jsonl", "scores.parquet", "scores.csv"):
        score([tmp_path / "a.txt"], tmp_path / name, path, sentences=True)
    first = json.loads((tmp_path / "scores.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert first["scheme"] == "harbour" and "opposition" not in first and set(first["scores"]) == set(harbour.fields)
    assert [first[f] for f in harbour.fields] == expected
    with pytest.raises(FramingError, match="scores of scheme 'harbour'; give its scheme file"):
        read_scores([tmp_path / "scores.jsonl"])  # not a shipped scheme: its file is needed
    for name in ("scores.jsonl", "scores.parquet"):
        (row,) = read_scores([tmp_path / name], scheme=harbour)
        assert row.scheme.same_as(harbour) and [row.label(f) for f in harbour.fields] == expected
        assert row.league == expected[1] and row.actors == dict(zip(harbour.actor_fields, expected[:2]))
    with (tmp_path / "scores.csv").open(encoding="utf-8") as handle:
        header, values = list(csv.reader(handle))
    assert header[7:10] == ["guild", "league", "voice"] and "league_smugglers" in header and values[7:10] == expected
    (row,) = score_texts(["League raiders burned two boats, the guild said."], load_model(path), sentences=True)
    assert row.scheme.same_as(harbour) and [row.label(f) for f in harbour.fields] == expected


def test_a_changed_scheme_file_in_a_model_directory_is_an_error(harbour_model, tmp_path):
    import shutil

    _, path = harbour_model
    copy = tmp_path / "copy"
    shutil.copytree(path, copy)
    (copy / "scheme.toml").write_text(HARBOUR.replace('"the guild"', '"the old guild"'), encoding="utf-8")
    with pytest.raises(FramingError, match="differs from the scheme the model was trained with"):
        load_model(copy)


def test_directories_without_a_scheme_are_syrian():
    loaded = load_model(ROOT / "models" / "lexicon")
    assert "scheme" not in loaded.config and loaded.scheme.same_as(SCHEME)
    assert loaded.classifier.lexicon.scheme.same_as(SCHEME)


def test_hints_need_a_lexicon_of_the_scheme(harbour):
    syrian = Lexicon.from_file(ROOT / "models" / "lexicon" / "lexicon.toml")
    with pytest.raises(FramingError, match="lexicon .* is of scheme 'syria', the transformer's is 'harbour'"):
        tiny(harbour, lexicon=syrian)
    with pytest.raises(FramingError, match="set hints = false"):
        tiny(harbour, hints=True)
    empty = Lexicon({"scheme": "harbour", "voice": {"markers": ["so-called"]}}, "harbour lexicon", harbour)
    assert tiny(harbour, lexicon=empty).lexicon is empty  # of the scheme: evidence only, no hints


def test_the_python_api_takes_rows_of_a_scheme_of_its_own(harbour, harbour_model, tmp_path):
    """Score, tabulate, read back, profile and draw from Python: a scheme not shipped is given once, where
    rows are read from a table (a row object carries its scheme)."""
    import framing

    _, path = harbour_model
    rows = framing.score_texts(SENTENCES, load_model(path), outlets=["A", "B"] * 6, sentences=True)
    table = framing.to_table(rows)
    assert {"guild", "league", "voice", "scheme"} <= set(table.column_names) and "opposition" not in table.column_names
    with pytest.raises(FramingError, match="give its scheme file"):
        framing.rows_from(table)
    back = framing.rows_from(table, harbour)
    assert [r.actors for r in back] == [r.actors for r in rows] and back[0].scheme.same_as(harbour)
    shares = framing.profile(table, scheme=harbour, min_articles=1, min_sentences=1, n_boot=50).to_pylist()
    league = [r for r in shares if r["group"] == "A" and r["actor"] == "league"]
    named = [r for r in rows if r.outlet == "A" and r.league != "none"]
    for r in league:
        if r["label"] in harbour.labels["league"]:
            assert r["share"] == pytest.approx(sum(x.league == r["label"] for x in named) / len(named), abs=1e-4)
    drawn = framing.plot(rows, tmp_path / "profiles.png", "profiles")
    assert drawn.stat().st_size > 5_000
