"""Bring your own articles (issue 14): the inputs people have, the outputs they use, and a model measured
on their own annotations, through the CLI (and the API where it has the option). Tiny synthetic inputs,
the lexicon model."""

from __future__ import annotations

import csv
import gzip
import json

import pytest
from typer.testing import CliRunner

import framing
from framing.cli import app
from framing.corpus.readers import read_path
from tests.conftest import ROOT

LEXICON = ROOT / "models" / "lexicon"
runner = CliRunner()

PAGE = """<html><head><title>Rebels shell Aleppo | Example News</title>
<meta property="og:site_name" content="Example News">
<meta property="article:published_time" content="2016-03-04T10:00:00Z">
<script>var terms = "the regime's terrorists";</script><style>p { color: red }</style></head>
<body><nav>Home | World | Terrorism</nav><article><h1>Rebels shell Aleppo</h1>
<p>Rebels shelled positions near Aleppo on Friday, according to activists on the ground who spoke to reporters.</p>
<p>The government said the attack hit a school in the west of the city, and that the army had responded.</p>
</article><footer>Copyright Example News</footer></body></html>
"""


def invoke(*args, **kwargs):
    return runner.invoke(app, [str(a) for a in args], **kwargs)


def score(*args, **kwargs):
    return invoke("score", *args, "--model", LEXICON, **kwargs)


def jsonl(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def write_csv(path, rows):
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


# -- inputs -------------------------------------------------------------------------------------


def test_titles_are_scored_only_with_score_titles(tmp_path):
    corpus = write_csv(
        tmp_path / "mine.csv", [{"id": "a", "headline": "Rebels seize a town", "body": "The regime fled."}]
    )
    fields = ["--text-field", "body", "--id-field", "id", "--title-field", "headline"]
    assert score(corpus, "--out", tmp_path / "plain.jsonl", *fields).exit_code == 0
    (body,) = jsonl(tmp_path / "plain.jsonl")  # by default the offsets point into the text, as annotations do
    assert (body["sentence"], body["start"], body["text"], body["state"]) == (0, 0, "The regime fled.", "regime")
    result = score(corpus, "--out", tmp_path / "titled.jsonl", *fields, "--score-titles")
    assert result.exit_code == 0, result.output
    title, body = jsonl(tmp_path / "titled.jsonl")
    document = "Rebels seize a town\n\nThe regime fled."  # the title, a blank line, the text
    assert (title["sentence"], title["text"], title["opposition"]) == (0, "Rebels seize a town", "rebel")
    assert body["sentence"] == 1 and document[body["start"] : body["end"]] == body["text"] == "The regime fled."


def test_score_titles_in_the_api(lexicon_model):
    rows = framing.score_texts(["The regime fled."], lexicon_model, titles=["Rebels seize a town"], score_titles=True)
    assert [(r.sentence, r.text) for r in rows] == [(0, "Rebels seize a town"), (1, "The regime fled.")]
    assert len(framing.score_texts(["The regime fled."], lexicon_model, titles=["Rebels seize a town"])) == 1


def test_an_html_page_is_read_into_title_text_date_and_outlet(tmp_path):
    page = tmp_path / "pages" / "aleppo.html"
    page.parent.mkdir()
    page.write_text(PAGE, encoding="utf-8")
    result = score(page, "--out", tmp_path / "s.jsonl", "--score-titles")
    assert result.exit_code == 0, result.output
    rows = jsonl(tmp_path / "s.jsonl")
    assert rows[0]["text"] == "Rebels shell Aleppo"  # the headline, once, though the page repeats it in <h1>
    assert {(r["doc"], r["outlet"], r["date"]) for r in rows} == {("pages:aleppo", "Example News", "2016-03-04")}
    body = [r["text"] for r in rows[1:]]
    assert body[0].startswith("Rebels shelled positions") and body[-1].endswith("the army had responded.")
    text = "\n".join(r["text"] for r in rows)
    assert "terrorists" not in text and "Home |" not in text and "Copyright" not in text  # script, nav, footer
    (article,) = read_path(page)  # offsets point into the extracted text, after the title and a blank line
    assert article.title == "Rebels shell Aleppo" and not article.text.startswith(article.title)
    document = f"{article.title}\n\n{article.text}"
    assert all(document[r["start"] : r["end"]] == r["text"] for r in rows)


def test_compressed_files_and_folders_read_recursively(tmp_path):
    docs = tmp_path / "docs"
    (docs / "2016").mkdir(parents=True)
    (docs / ".cache").mkdir()
    (docs / "a.txt").write_text("Rebels advanced.", encoding="utf-8")
    (docs / "2016" / "a.txt.gz").write_bytes(gzip.compress(b"The regime fell."))
    (docs / "2016" / "page.html").write_text(PAGE, encoding="utf-8")
    (docs / ".cache" / "b.txt").write_text("A hidden copy.", encoding="utf-8")
    (docs / "2016" / "broken.txt.gz").write_bytes(b"not gzip at all")
    result = score(docs, "--out", tmp_path / "s.jsonl", "--outlet", "My outlet")
    assert result.exit_code == 1 and "broken.txt.gz" in result.output and "damaged" in result.output
    rows = jsonl(tmp_path / "s.jsonl")
    assert sorted({r["doc"] for r in rows}) == ["docs:2016/a", "docs:2016/page", "docs:a"]  # same name, two ids
    assert {r["outlet"] for r in rows} == {"My outlet"}  # --outlet wins over the page's site name
    table = tmp_path / "mine.jsonl.gz"
    table.write_bytes(gzip.compress(json.dumps({"text": "Terrorists attacked."}).encode() + b"\n"))
    assert score(table, "--out", tmp_path / "t.jsonl").exit_code == 0
    assert [(r["doc"], r["opposition"]) for r in jsonl(tmp_path / "t.jsonl")] == [("mine:1", "terrorist")]


def test_outlet_or_outlet_field_not_both(tmp_path):
    corpus = write_csv(tmp_path / "c.csv", [{"text": "Rebels advanced.", "source": "A"}])
    result = score(corpus, "--out", tmp_path / "s.jsonl", "--outlet", "B", "--outlet-field", "source")
    assert result.exit_code == 2 and "--outlet-field" in result.output and not (tmp_path / "s.jsonl").exists()


@pytest.mark.parametrize(
    "piped,extra,expected",
    [
        (json.dumps({"id": "x", "text": "Rebels advanced."}) + "\n", [], [("stdin:1", "rebel")]),
        ("text,id\nRebels advanced.,7\n", ["--id-field", "id"], [("stdin:7", "rebel")]),
        ("Rebels advanced.\nThe regime fell.\n", [], [("stdin:stdin", "rebel"), ("stdin:stdin", "none")]),
        ("Rebels advanced.\n\nThe regime fell.\n", ["--sentences"], [("stdin:1", "rebel"), ("stdin:3", "none")]),
        (gzip.compress(b"Rebels advanced."), [], [("stdin:stdin", "rebel")]),
    ],
    ids=["jsonl", "csv", "text", "sentence-lines", "gzip"],
)
def test_standard_input(tmp_path, piped, extra, expected):
    result = score("-", "--out", tmp_path / "s.jsonl", "--outlet", "Piped", *extra, input=piped)
    assert result.exit_code == 0, result.output
    rows = jsonl(tmp_path / "s.jsonl")
    assert [(r["doc"], r["opposition"]) for r in rows] == expected and {r["outlet"] for r in rows} == {"Piped"}


def test_sentences_as_plain_text_lines(tmp_path):
    lines = tmp_path / "quotes.txt"
    lines.write_text("Rebels shelled the town.\n\n  The regime denied it.  \n", encoding="utf-8")
    result = score(lines, "--sentences", "--out", tmp_path / "s.jsonl")
    assert result.exit_code == 0, result.output
    rows = jsonl(tmp_path / "s.jsonl")
    assert [(r["doc"], r["text"]) for r in rows] == [
        ("quotes:1", "Rebels shelled the town."),
        ("quotes:3", "The regime denied it."),
    ]


# -- outputs ------------------------------------------------------------------------------------


def test_csv_output_is_flat_with_a_column_per_label_score(tmp_path):
    corpus = write_csv(tmp_path / "c.csv", [{"text": "Rebels shelled regime positions. Nothing happened."}])
    assert score(corpus, "--out", tmp_path / "s.jsonl").exit_code == 0
    result = score(corpus, "--out", tmp_path / "s.csv")
    assert result.exit_code == 0, result.output
    with (tmp_path / "s.csv").open(encoding="utf-8", newline="") as handle:
        flat = list(csv.DictReader(handle))
    nested = jsonl(tmp_path / "s.jsonl")
    assert list(flat[0])[:10] == ["doc", "sentence", "start", "end", "text", "outlet", "date"] + [
        "opposition",
        "state",
        "voice",
    ]
    assert {"opposition_rebel", "opposition_terrorist", "state_regime", "voice_reported", "evidence"} <= set(flat[0])
    for row, full in zip(flat, nested, strict=True):
        assert (row["doc"], int(row["start"]), row["text"], row["state"]) == (
            full["doc"],
            full["start"],
            full["text"],
            full["state"],
        )
        assert float(row["opposition_rebel"]) == full["scores"]["opposition"]["rebel"]
        assert row["evidence"] == "; ".join(e["term"] for e in full["evidence"])
    assert flat[0]["evidence"] == "Rebels; regime"


def test_parquet_output_by_extension(tmp_path):
    import pyarrow.parquet as pq

    corpus = write_csv(tmp_path / "c.csv", [{"text": "Rebels advanced."}])
    assert score(corpus, "--out", tmp_path / "s.parquet").exit_code == 0
    assert pq.read_table(tmp_path / "s.parquet").column("opposition").to_pylist() == ["rebel"]


@pytest.mark.parametrize("name", ["scores.txt", "scores.json", "scores"])
def test_an_unknown_output_extension_fails_before_any_work(tmp_path, name):
    corpus = write_csv(tmp_path / "c.csv", [{"text": "Rebels advanced."}])
    result = invoke("score", corpus, "--out", tmp_path / name, "--model", tmp_path / "no-model")
    assert result.exit_code == 2 and result.output.startswith("error: ") and result.output.count("\n") == 1
    assert ".jsonl, .parquet, .csv, .xlsx" in result.output and "no-model" not in result.output  # no model loaded
    assert not (tmp_path / name).exists()


def test_excel_output_or_a_clear_error(tmp_path):
    corpus = write_csv(tmp_path / "c.csv", [{"text": "=Rebels advanced."}])
    result = score(corpus, "--out", tmp_path / "s.xlsx")
    try:
        import openpyxl
    except ImportError:
        assert result.exit_code == 2 and "openpyxl" in result.output and ".csv" in result.output
        return
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(tmp_path / "s.xlsx")["scores"]
    header, row = list(sheet.iter_rows(values_only=True))
    assert row[header.index("text")] == "=Rebels advanced."  # text, never a formula
    assert row[header.index("opposition")] == "rebel"


# -- your own gold --------------------------------------------------------------------------------


def annotate(tmp_path, corpus, keys, *extra):
    return invoke(
        "annotate",
        corpus,
        "--out",
        tmp_path / "mine.jsonl",
        "--annotator",
        "me",
        "--model",
        LEXICON,
        "--data",
        tmp_path / "no-data",
        *extra,
        input="\n".join(keys) + "\n",
    )


FIELDS = ["--id-field", "key", "--outlet-field", "source"]
ARTICLES = [
    {"key": "a1", "source": "Alpha", "text": "Rebels shelled the town. The weather was fine. The regime denied it."},
    {"key": "a2", "source": "Beta", "text": "Terrorists attacked the base. Officials of the government said so."},
]


def test_annotate_shows_progress_and_outlet_undoes_and_skips_sentences_naming_nobody(tmp_path):
    corpus = write_csv(tmp_path / "my.csv", ARTICLES)
    # accept the first sentence; undo it at the second, then label both again (the second: rebel, none, reported)
    keys = ["", "", "", "u", "n", "g", "", "r", "n", "r", "q"]
    result = annotate(tmp_path, corpus, keys, *FIELDS, "--only-naming")
    assert result.exit_code == 0, result.output
    assert "4 sentences to annotate" in result.output  # "The weather was fine." names nobody: skipped
    assert "1 of 4  Alpha  my:a1 [0:24]" in result.output and "2 of 4  Alpha  my:a1 [47:68]" in result.output
    assert "took back the last record" in result.output and ">> The weather" not in result.output
    records = jsonl(tmp_path / "mine.jsonl")
    assert [(r["doc"], r["start"], r["opposition"], r["state"], r["voice"]) for r in records] == [
        ("my:a1", 0, "none", "government", "own"),
        ("my:a1", 47, "rebel", "none", "reported"),
    ]


def test_undo_takes_back_only_this_sessions_records(tmp_path):
    corpus = write_csv(tmp_path / "my.csv", ARTICLES)
    assert annotate(tmp_path, corpus, ["", "", "", "q"], *FIELDS).exit_code == 0
    result = annotate(tmp_path, corpus, ["u", "q"], *FIELDS)
    assert "nothing to undo in this session" in result.output and len(jsonl(tmp_path / "mine.jsonl")) == 1


def test_evaluate_on_your_own_annotations_of_your_own_corpus(tmp_path):
    corpus = write_csv(tmp_path / "my.csv", ARTICLES)
    # the model's suggestion for the five sentences, except the last: the government is the "regime" there
    keys = [""] * 3 + ["", ""] + [""] * 3 + [""] * 3 + ["", "r", ""] + ["q"]
    assert annotate(tmp_path, corpus, keys, *FIELDS).exit_code == 0
    assert len(jsonl(tmp_path / "mine.jsonl")) == 5
    gold = tmp_path / "mine.jsonl"
    result = invoke(
        "evaluate", "--gold", gold, "--corpus", corpus, *FIELDS, "--model", LEXICON, "--out", tmp_path / "ev"
    )
    assert result.exit_code == 0, result.output
    assert "5 sentences from 2 articles" in result.output
    metrics = json.loads((tmp_path / "ev" / "metrics-lexicon.json").read_text())
    assert metrics["fields"]["opposition"]["macro_f1"] == 1.0 and metrics["fields"]["state"]["macro_f1"] < 1.0
    # read with other field options, the records point nowhere: a one-line error that says what to give
    result = invoke("evaluate", "--gold", gold, "--corpus", corpus, "--model", LEXICON)
    assert result.exit_code == 2 and "not in the corpus" in result.output and "--corpus" in result.output
    result = invoke("evaluate", "--corpus", corpus, "--model", LEXICON)
    assert result.exit_code == 2 and "--gold" in result.output


# -- the README's walk-through, step by step --------------------------------------------------------


def test_the_walk_through_from_pages_and_a_csv_to_a_report_and_an_evaluation(tmp_path):
    """README, "Bring your own articles": HTML pages and a CSV of one's own, scored, reported on, annotated,
    evaluated and explained, each step through the CLI (the lexicon standing in for the default model)."""
    pages = tmp_path / "pages" / "example-news"
    pages.mkdir(parents=True)
    (pages / "aleppo.html").write_text(PAGE, encoding="utf-8")
    (pages / "idlib.html.gz").write_bytes(gzip.compress(PAGE.replace("Aleppo", "Idlib").encode()))
    articles = [("m1", "dailyx", "2016-05-01", "Army advances"), ("m2", "weeklyy", "2017-02-03", "Base attacked")]
    columns = ("key", "site", "day", "headline")
    table = [dict(zip(columns, values)) | {"body": a["text"]} for values, a in zip(articles, ARTICLES)]
    mine = write_csv(tmp_path / "mine.csv", table)
    fields = ["--id-field", "key", "--outlet-field", "site", "--date-field", "day", "--title-field", "headline"]
    fields += ["--text-field", "body"]
    names = tmp_path / "names.csv"
    names.write_text("outlet,name\ndailyx,Daily X\nweeklyy,Weekly Y\n", encoding="utf-8")
    # 1. score: the pages (outlet from each page, or --outlet) and the CSV (its columns named)
    assert score(tmp_path / "pages", "--out", tmp_path / "pages.jsonl").exit_code == 0
    result = score(mine, *fields, "--outlet-names", names, "--out", tmp_path / "mine.jsonl")
    assert result.exit_code == 0, result.output
    assert score(mine, *fields, "--outlet-names", names, "--out", tmp_path / "mine-flat.csv").exit_code == 0
    rows = jsonl(tmp_path / "mine.jsonl")
    assert {r["outlet"] for r in rows} == {"Daily X", "Weekly Y"}
    assert {r["outlet"] for r in jsonl(tmp_path / "pages.jsonl")} == {"Example News"}
    flat = list(csv.DictReader((tmp_path / "mine-flat.csv").open(encoding="utf-8")))
    assert len(flat) == len(rows) and "state_regime" in flat[0]
    # 2. profile and report
    result = invoke(
        "profile",
        tmp_path / "mine.jsonl",
        "--out",
        tmp_path / "profile.csv",
        "--min-articles",
        "1",
        "--min-sentences",
        "1",
    )
    assert result.exit_code == 0, result.output
    result = invoke("report", tmp_path / "mine.jsonl", tmp_path / "pages.jsonl", "--out", tmp_path / "report")
    assert result.exit_code == 0, result.output
    page = (tmp_path / "report" / "report.html").read_text(encoding="utf-8")
    assert "Daily X" in page and "Example News" in page
    # 3. annotate a few sentences of your own corpus, then measure the model on them
    keys = [""] * 3 + ["", ""] + [""] * 3 + [""] * 3 + ["", "r", ""] + ["q"]
    result = invoke(
        "annotate",
        mine,
        "--out",
        tmp_path / "gold.jsonl",
        "--annotator",
        "me",
        "--model",
        LEXICON,
        "--data",
        tmp_path / "no-data",
        *fields,
        input="\n".join(keys) + "\n",
    )
    assert result.exit_code == 0, result.output
    assert "headline: Army advances" in result.output
    result = invoke(
        "evaluate",
        "--gold",
        tmp_path / "gold.jsonl",
        "--corpus",
        mine,
        *fields,
        "--model",
        LEXICON,
        "--out",
        tmp_path / "evaluation",
    )
    assert result.exit_code == 0, result.output
    assert "5 sentences from 2 articles" in result.output
    assert (tmp_path / "evaluation" / "metrics-lexicon.json").is_file()
    # 4. the words behind a label
    result = invoke("explain", "The regime shelled the town.", "--model", LEXICON)
    assert result.exit_code == 0 and "lexicon: regime" in result.output
