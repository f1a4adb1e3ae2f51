"""Display names of outlets (``--outlet-names``, issue 14): applied as articles are read, so that scores and
everything made from them carry them; merges allowed and noted; a bad map is a one-line error. Through the
CLI and the API; made-up sentences, the lexicon model."""

from __future__ import annotations

import csv
import json

import pytest

import framing
from framing.corpus.outlets import read_outlet_names
from framing.corpus.readers import Fields
from framing.errors import FramingError
from tests.test_own_data import LEXICON, invoke, jsonl, score, write_csv

ARTICLES = [
    {"text": "Rebels shelled the town.", "source": "sana"},
    {"text": "The regime denied it.", "source": "SANA English"},
    {"text": "Terrorists fled the city.", "source": "aljazeera"},
    {"text": "Government forces advanced.", "source": "bbc"},
]
NAMES = {"sana": "SANA", "SANA English": "SANA", "aljazeera": "Al Jazeera", "ghost": "Ghost"}


@pytest.fixture
def corpus(tmp_path):
    return write_csv(tmp_path / "c.csv", ARTICLES)


def names_file(tmp_path, suffix: str):
    path = tmp_path / f"names{suffix}"
    if suffix == ".csv":
        write_csv(path, [{"outlet": raw, "name": name} for raw, name in NAMES.items()])
    elif suffix == ".json":
        path.write_text(json.dumps(NAMES), encoding="utf-8")
    else:
        path.write_text("".join(f'"{raw}" = "{name}"\n' for raw, name in NAMES.items()), encoding="utf-8")
    return path


@pytest.mark.parametrize("suffix", [".csv", ".json", ".toml"])
def test_scores_and_profiles_carry_the_display_names(tmp_path, corpus, suffix):
    scores = tmp_path / "s.jsonl"
    result = score(corpus, "--out", scores, "--outlet-field", "source", "--outlet-names", names_file(tmp_path, suffix))
    assert result.exit_code == 0, result.output
    assert [r["outlet"] for r in jsonl(scores)] == ["SANA", "SANA", "Al Jazeera", "bbc"]  # bbc: not in the map
    assert "outlets 'SANA English', 'sana' are counted as one, 'SANA'" in result.output  # allowed, but said
    assert "no article had the outlet(s) 'ghost'" in result.output
    profile = tmp_path / "p.csv"
    result = invoke("profile", scores, "--out", profile, "--n-boot", 20, "--min-articles", 1, "--min-sentences", 1)
    assert result.exit_code == 0, result.output
    with profile.open(encoding="utf-8") as handle:
        groups = {row["group"] for row in csv.DictReader(handle)}
    assert groups == {"SANA", "Al Jazeera", "bbc"}


def test_one_outlet_for_all_and_sentence_rows_are_renamed_too(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.txt").write_text("Rebels advanced.", encoding="utf-8")
    names = tmp_path / "names.json"
    names.write_text(json.dumps({"sana": "SANA"}), encoding="utf-8")
    assert score(folder, "--out", tmp_path / "a.jsonl", "--outlet", "sana", "--outlet-names", names).exit_code == 0
    assert [r["outlet"] for r in jsonl(tmp_path / "a.jsonl")] == ["SANA"]
    rows = tmp_path / "rows.jsonl"
    rows.write_text(json.dumps({"id": "q", "text": "The regime fell.", "outlet": "sana"}) + "\n", encoding="utf-8")
    assert score(rows, "--sentences", "--out", tmp_path / "b.jsonl", "--outlet-names", names).exit_code == 0
    assert [r["outlet"] for r in jsonl(tmp_path / "b.jsonl")] == ["SANA"]


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("names.csv", "outlet,name\n", "names no outlet"),
        ("names.csv", "", "the header is missing, not outlet,name"),
        ("names.csv", "source,display\nsana,SANA\n", "the header is source,display, not outlet,name"),
        ("names.csv", "outlet,name\nsana,SANA,extra\n", "line 2: has 3 fields, not 2"),
        ("names.csv", "outlet,name\nsana,SANA\nsana,Sana\n", "line 3: outlet 'sana' is given a second name"),
        ("names.csv", "outlet,name\nsana,\n", "outlet 'sana' has no display name"),
        ("names.json", "[1, 2]", "holds a JSON list, not an object"),
        ("names.json", '{"sana": ', "cannot be read as outlet names"),
        ("names.json", '{"sana": 3}', "outlet 'sana' has no display name (3)"),
        ("names.toml", "sana = [", "cannot be read as outlet names"),
        ("names.toml", "[sana]\nx = 1\n", "outlet 'sana' has no display name"),
        ("names.txt", "sana SANA", "must be a .csv, .json, .toml file"),
    ],
)
def test_a_bad_map_is_a_one_line_error_naming_it(tmp_path, corpus, name, content, message):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    out = tmp_path / "s.jsonl"
    result = score(corpus, "--out", out, "--outlet-field", "source", "--outlet-names", path)
    assert result.exit_code == 2 and f"{path}" in result.output and message in result.output, result.output
    assert "Traceback" not in result.output and not out.exists()


def test_a_missing_or_undecodable_map(tmp_path, corpus):
    result = score(corpus, "--out", tmp_path / "s.jsonl", "--outlet-names", tmp_path / "none.csv")
    assert result.exit_code == 2 and "none.csv: no such outlet names file" in result.output
    (tmp_path / "wide.csv").write_bytes("outlet,name\nal-ʿarabiya,x\n".encode("utf-16"))
    with pytest.raises(FramingError, match="wide.csv: the outlet names are not UTF-8"):
        read_outlet_names(tmp_path / "wide.csv")


def test_the_api_takes_a_mapping(tmp_path, corpus, lexicon_model):
    rows = framing.score_texts(
        ["Rebels advanced.", "The regime fell.", "Terrorists fled."],
        lexicon_model,
        outlets=["sana", "SANA English", None],
        outlet_names={"sana": "SANA", "SANA English": "SANA"},
    )
    assert [r.outlet for r in rows] == ["SANA", "SANA", None]
    out = tmp_path / "s.parquet"
    report = framing.score_files([corpus], out, LEXICON, fields=Fields(outlet="source"), outlet_names=NAMES)
    assert [r.outlet for r in framing.read_scores([out])] == ["SANA", "SANA", "Al Jazeera", "bbc"]
    assert len(report.notes) == 2 and "'ghost'" in report.notes[1]
    with pytest.raises(FramingError, match="outlet 'sana' has no display name"):
        framing.score_texts(["Rebels advanced."], lexicon_model, outlets=["sana"], outlet_names={"sana": " "})
    with pytest.raises(FramingError, match="must map outlets to display names"):
        framing.score_texts(["Rebels advanced."], lexicon_model, outlet_names=[("sana", "SANA")])


def test_the_main_job_takes_the_map(tmp_path):
    names = tmp_path / "names.csv"
    names.write_text("outlet,name\n", encoding="utf-8")
    args = ["run", "--data", tmp_path / "no-data", "--out", tmp_path / "runs", "--model", LEXICON, "--n-boot", 20]
    result = invoke(*args, "--outlet-names", names)
    assert result.exit_code == 2 and "names no outlet" in result.output and not (tmp_path / "runs").exists()
    names.write_text("outlet,name\nsana,SANA\n", encoding="utf-8")
    result = invoke(*args, "--outlet-names", names)
    assert result.exit_code == 0, result.output
    assert "[seeds] note: outlet names: no article had the outlet(s) 'sana'" in result.output  # the seeds have none
