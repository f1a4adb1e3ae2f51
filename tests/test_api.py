"""The Python API at the package's top level gives the rows and results the CLI writes."""

import csv
import json
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
    assert {"rows_from", "profile", "compare", "plot"} <= framing._API
    assert all(getattr(api, name).__doc__ for name in api.__all__)


# -- profile, compare and plot from a DataFrame --------------------------------------------------

#: Two outlets that name the sides differently, a few articles each (made-up sentences).
ARTICLES = {
    "A": ["Rebels shelled the town. The regime denied it.", "Rebels advanced. The government said nothing."] * 3,
    "B": ["Terrorists shelled the town. The government denied it.", "Terrorist groups withdrew."] * 3,
}
SETTINGS = ["--n-boot", "200", "--min-articles", "2", "--min-sentences", "2"]


@pytest.fixture(scope="module")
def scored(tmp_path_factory):
    """A scores file of ARTICLES, written by `framing score`, and its DataFrame."""
    from typer.testing import CliRunner

    from framing.cli import app
    from tests.conftest import ROOT

    folder = tmp_path_factory.mktemp("scored")
    corpus = folder / "articles.jsonl"
    records = [{"text": text, "source": outlet} for outlet, texts in ARTICLES.items() for text in texts]
    corpus.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    scores = folder / "scores.parquet"
    model = ["--model", str(ROOT / "models" / "lexicon")]
    result = CliRunner().invoke(app, ["score", str(corpus), "--out", str(scores), "--outlet-field", "source", *model])
    assert result.exit_code == 0, result.output
    return scores, framing.to_table(framing.read_scores([scores])).to_pandas()


def cli(*args) -> None:
    from typer.testing import CliRunner

    from framing.cli import app

    result = CliRunner().invoke(app, [str(a) for a in args])
    assert result.exit_code == 0, result.output


def csv_rows(path) -> list[dict]:
    with open(path, encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_rows_from_a_dataframe_or_table_are_the_rows(scored):
    scores, frame = scored
    rows = framing.read_scores([scores])
    assert framing.rows_from(frame) == rows == framing.rows_from(framing.to_table(rows)) == framing.rows_from(rows)
    minimal = frame[["doc", "outlet", "opposition", "state", "voice"]]  # other columns take their defaults
    key = lambda r: (r.doc, r.outlet, r.state)  # noqa: E731
    assert list(map(key, framing.rows_from(minimal))) == list(map(key, rows))


def test_profile_from_a_dataframe_is_the_cli_profile(scored, tmp_path):
    scores, frame = scored
    cli("profile", scores, "--out", tmp_path / "p.csv", *SETTINGS, "--voice", "own")
    table = framing.profile(frame, voice="own", n_boot=200, min_articles=2, min_sentences=2)
    written = csv_rows(tmp_path / "p.csv")
    assert table.column_names == list(written[0])

    def cell(key, value) -> str:  # as write_profile writes it
        if key in ("share", "low", "high"):
            return "" if value is None else f"{value:.4f}"
        return str(value).lower() if key == "enough" else str(value)

    shown = [{k: cell(k, v) for k, v in r.items()} for r in table.to_pylist()]
    assert shown == written and {r["group"] for r in written} == {"A", "B"}


def test_compare_from_a_dataframe_is_the_cli_comparison(scored, tmp_path):
    scores, frame = scored
    cli("compare-outlets", scores, "--out", tmp_path / "c", *SETTINGS)
    written = csv_rows(tmp_path / "c" / "differences.csv")
    table = framing.compare(frame, n_boot=200, min_articles=2, min_sentences=2)
    assert table.column_names == list(written[0]) and table.num_rows == len(written) > 0
    for got, want in zip(table.to_pylist(), written):
        for key, value in got.items():
            if isinstance(value, float):
                assert value == pytest.approx(float(want[key]), rel=1e-3, abs=1e-4), key
            else:
                assert str(value).lower() == want[key].lower(), key
    grouped = framing.compare(frame, groups={"first": ["A"]}, n_boot=50, min_articles=2, min_sentences=2)
    assert set(grouped.column("b").to_pylist()) == {"other outlets"}


def test_plot_writes_the_figures(scored, tmp_path):
    _, frame = scored
    drawn = framing.plot(frame, tmp_path / "profiles.png")
    assert drawn == tmp_path / "profiles.png" and drawn.read_bytes().startswith(b"\x89PNG")
    profile = framing.profile(frame, n_boot=50, min_articles=2, min_sentences=2)
    assert framing.plot(profile.to_pandas(), tmp_path / "map.svg", "map").read_text().lstrip().startswith("<?xml")
    result = framing.analyse("mine", framing.rows_from(frame), framing.Settings(n_boot=50, min_articles=2))
    assert framing.plot(result, tmp_path / "figures" / "map.png", kind="map").is_file()
    with pytest.raises(FramingError, match="kind must be one of profiles, map"):
        framing.plot(profile, tmp_path / "x.png", "bars")
    with pytest.raises(FramingError, match="cannot draw a figure as .csv"):
        framing.plot(profile, tmp_path / "x.csv")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["figures", "map.svg", "profiles.png"]  # no temporary files


def test_missing_columns_and_bad_rows_are_named(scored):
    _, frame = scored
    with pytest.raises(FramingError, match="the DataFrame has no column 'state', 'voice' \\(its columns: doc, "):
        framing.rows_from(frame.drop(columns=["state", "voice"]))
    bad = frame.copy()
    bad.loc[2, "opposition"] = "freedom fighters"
    with pytest.raises(FramingError, match="DataFrame row 2 \\(from 0\\): opposition is 'freedom fighters'"):
        framing.profile(bad)
    with pytest.raises(FramingError, match="scores.jsonl: rows_from takes .*; read a scores file with read_scores"):
        framing.rows_from("scores.jsonl")
    with pytest.raises(FramingError, match="not a dict"):
        framing.rows_from({"doc": "x"})


def test_explain_gives_the_words_behind_each_label(tiny_dir):
    rows = framing.explain(
        ["The regime shelled the town.", "Rebels advanced."], tiny_dir, titles=["Shelling", None], min_drop=0
    )
    assert [r.text for r in rows] == ["The regime shelled the town.", "Rebels advanced."]
    for row in rows:
        model = [e for e in row.evidence if e.get("source") == "model"]
        for entry in model:  # each word slices its sentence and explains a label the row gives
            assert row.text[entry["start"] : entry["end"]] == entry["term"]
            assert row.label(entry["field"]) == entry["label"] != "none" and entry["drop"] >= 0
    with pytest.raises(FramingError, match="titles has 1 entries for 2 sentences"):
        framing.explain(["a.", "b."], tiny_dir, titles=["t"])
