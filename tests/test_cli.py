"""The command line, bad inputs included: one-line errors, exit 2 for usage/config, 1 for failed documents."""

import json

import pytest
from typer.testing import CliRunner

from framing.cli import app

runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_score_seeds_and_row_format(tmp_path, root):
    out = tmp_path / "s.jsonl"
    result = invoke("score", root / "seeds", "--out", out, "--model", root / "models" / "lexicon")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    texts = {a.name[:-4]: a.read_text(encoding="utf-8") for a in (root / "seeds").glob("*.txt")}
    for row in rows:
        assert set(row) >= {
            "doc",
            "sentence",
            "start",
            "end",
            "text",
            "outlet",
            "date",
            "opposition",
            "state",
            "voice",
            "scores",
            "evidence",
            "model",
        }
        assert texts[row["doc"].split(":")[1]][row["start"] : row["end"]] == row["text"]
        assert abs(sum(row["scores"]["opposition"].values()) - 1) < 1e-6
        for e in row["evidence"]:
            assert row["text"][e["start"] : e["end"]] == e["term"]
    assert any(row["opposition"] == "rebel" for row in rows)


def test_score_sentences_mode(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps({"id": "s1", "text": "Rebels shelled regime positions.", "outlet": "X"}) + "\n")
    out = tmp_path / "o.jsonl"
    result = invoke("score", path, "--sentences", "--out", out)
    assert result.exit_code == 0, result.output
    (row,) = [json.loads(line) for line in out.read_text().splitlines()]
    assert (row["doc"], row["sentence"], row["outlet"], row["opposition"], row["state"]) == (
        "s1",
        0,
        "X",
        "rebel",
        "regime",
    )


def test_partial_failure_exits_1_and_lists_failures(tmp_path, root):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "empty.txt").write_text("")
    (tmp_path / "docs" / "binary.txt").write_bytes(b"\x00\x01\x02")
    (tmp_path / "docs" / "good.txt").write_text("Rebels advanced on Aleppo.")
    out = tmp_path / "o.jsonl"
    result = invoke("score", tmp_path / "docs", "--out", out)
    assert result.exit_code == 1
    assert "empty.txt" in result.output and "binary.txt" in result.output
    assert len(out.read_text().splitlines()) == 1


@pytest.mark.parametrize(
    "make,args,message",
    [
        (lambda p: p.write_text("a,b\n1,2\n"), ["--text-field", "body"], "no field 'body'"),
        (lambda p: p.write_text(""), [], "is empty"),
    ],
    ids=["missing-column", "empty-csv"],
)
def test_bad_tables_exit_2(tmp_path, make, args, message):
    path = tmp_path / "t.csv"
    make(path)
    result = invoke("score", path, "--out", tmp_path / "o.jsonl", *args)
    assert result.exit_code == 2 and message in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_wrong_encoding_is_reported(tmp_path):
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "a.txt").write_bytes(b"\x81\x8d\x8f\x90\x9d")
    result = invoke("score", tmp_path / "d", "--out", tmp_path / "o.jsonl")
    assert result.exit_code == 1 and "cannot be decoded" in result.output


def test_a_huge_file_is_refused_quickly(tmp_path):
    (tmp_path / "d").mkdir()
    big = tmp_path / "d" / "big.txt"
    with big.open("wb") as handle:
        handle.truncate(100 * 1024 * 1024)  # 100 MB, sparse
    result = invoke("score", tmp_path / "d", "--out", tmp_path / "o.jsonl")
    assert result.exit_code == 1 and "100.0 MB" in result.output


@pytest.mark.parametrize(
    "setup,message",
    [
        (lambda d: None, "model directory not found"),
        (lambda d: d.mkdir(), "no config.toml"),
        (lambda d: (d.mkdir(), (d / "config.toml").write_text("[model\n")), "not valid TOML"),
        (lambda d: (d.mkdir(), (d / "config.toml").write_text('[model]\ntype = "magic"\n')), "expected one of"),
        (
            lambda d: (d.mkdir(), (d / "config.toml").write_text('[model]\ntype = "lexicon"\n')),
            "lexicon file not found",
        ),
        (
            lambda d: (
                d.mkdir(),
                (d / "config.toml").write_text(
                    '[model]\ntype = "transformer"\n[transformer]\nhints = false\n'
                    'encoder_config = {model_type = "bert", hidden_size = 32, num_hidden_layers = 1, '
                    "num_attention_heads = 2, intermediate_size = 32}\n"
                ),
            ),
            "missing weights",
        ),
    ],
    ids=["missing", "no-config", "bad-toml", "bad-type", "no-lexicon", "no-weights"],
)
def test_bad_model_directories(tmp_path, root, setup, message):
    model = tmp_path / "model"
    setup(model)
    result = invoke("score", root / "seeds", "--out", tmp_path / "o.jsonl", "--model", model)
    assert result.exit_code == 2 and message in result.output, result.output


def test_unknown_option_is_a_usage_error(tmp_path, root):
    result = invoke("score", root / "seeds", "--out", tmp_path / "o.jsonl", "--bogus")
    assert result.exit_code == 2


def test_failure_keeps_the_previous_output(tmp_path, root):
    out = tmp_path / "o.jsonl"
    out.write_text("previous good output\n")
    result = invoke("score", tmp_path / "missing.csv", "--out", out)
    assert result.exit_code == 2 and out.read_text() == "previous good output\n"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_profile_and_plot(tmp_path, root):
    scores, profile_csv = tmp_path / "s.jsonl", tmp_path / "p.csv"
    assert invoke("score", root / "seeds", "--out", scores, "--model", root / "models" / "lexicon").exit_code == 0
    result = invoke("profile", scores, "--out", profile_csv, "--by", "doc", "--n-boot", "200")
    assert result.exit_code == 0, result.output
    result = invoke("plot", profile_csv, "--out", tmp_path / "plots")
    assert result.exit_code == 0, result.output
    assert {p.name for p in (tmp_path / "plots").iterdir()} == {
        "profiles.png",
        "profiles.svg",
        "framing-map.png",
        "framing-map.svg",
    }
    assert invoke("profile", scores, "--out", profile_csv, "--voice", "loud").exit_code == 2
    assert invoke("plot", scores, "--out", tmp_path / "x").exit_code == 2


def test_evaluate_on_sentence_rows(tmp_path, root, data_root):
    gold = tmp_path / "gold.jsonl"
    gold.write_text(
        "".join(
            json.dumps(r) + "\n"
            for r in [
                {
                    "doc": "mine:1",
                    "text": "Rebels shelled regime positions.",
                    "opposition": "rebel",
                    "state": "regime",
                    "voice": "own",
                },
                {
                    "doc": "mine:2",
                    "text": "Three vans crossed.",
                    "opposition": "none",
                    "state": "none",
                    "voice": "none",
                },
            ]
        )
    )
    result = invoke("evaluate", "--model", root / "models" / "lexicon", "--gold", gold, "--out", tmp_path / "ev")
    assert result.exit_code == 0, result.output
    assert "mean macro-F1 1.000" in result.output
    metrics = json.loads((tmp_path / "ev" / "metrics-lexicon.json").read_text())
    assert metrics["fields"]["state"]["macro_f1"] == 1.0


def test_a_voice_profile_names_outlets_without_quotation_marks(tmp_path):
    """`framing profile --voice own` says which outlets' articles show no quotes (their quotes read as own)."""
    rows = [
        {"doc": f"{outlet}{i}", "sentence": s, "outlet": outlet, "text": text, "opposition": "rebel", "state": "none"}
        | {"voice": "own"}
        for outlet, text in (("Plain", "Rebels shelled it."), ("Quoting", '"Rebels shelled it," he said.'))
        for i in range(4)
        for s in range(6)
    ]
    scores = tmp_path / "s.jsonl"
    scores.write_text("".join(json.dumps(r) + "\n" for r in rows))
    result = invoke("profile", scores, "--out", tmp_path / "p.csv", "--voice", "own", "--n-boot", "50")
    assert result.exit_code == 0 and "note: Voice: most articles of Plain (4 of 4 articles)" in result.output
    assert "Quoting" not in result.output.split("note:")[1]
    result = invoke("profile", scores, "--out", tmp_path / "p.csv", "--n-boot", "50")  # all voices: no note
    assert result.exit_code == 0 and "note:" not in result.output


def test_minimum_evidence_options(tmp_path):
    rows = [
        {"doc": f"{outlet}{i}", "sentence": s, "outlet": outlet, "opposition": label, "state": "none", "voice": "own"}
        for outlet, label in (("X", "rebel"), ("Y", "terrorist"))
        for i in range(6)
        for s in range(2)
    ]
    scores = tmp_path / "s.jsonl"
    scores.write_text("".join(json.dumps(r) + "\n" for r in rows))
    assert invoke("profile", scores, "--out", tmp_path / "p.csv", "--n-boot", "50").exit_code == 0
    assert "X,opposition,rebel,1.0000," in (tmp_path / "p.csv").read_text()  # 6 articles, 12 sentences: estimated
    result = invoke("profile", scores, "--out", tmp_path / "p.csv", "--min-articles", "7", "--n-boot", "50")
    assert result.exit_code == 0 and "X,opposition,rebel,1.0000,,,12,6,false" in (tmp_path / "p.csv").read_text()
    result = invoke("compare-outlets", scores, "--out", tmp_path / "c", "--min-sentences", "13", "--n-boot", "50")
    assert result.exit_code == 2 and "enough articles" in result.output  # nothing compared: nothing to plot
    assert "has 12 sentences (< 13)" in (tmp_path / "c" / "skipped.csv").read_text()
    result = invoke("compare-outlets", scores, "--out", tmp_path / "c", "--min-articles", "0")
    assert result.exit_code == 2 and "at least 1" in result.output


def test_the_cli_defaults_of_explain_are_the_modules():
    import framing.cli as cli
    from framing.classifiers import explain
    from framing.scoring import evidence

    assert (cli.TOP, cli.MIN_DROP, cli.EXPLAIN_LIMIT) == (explain.TOP, explain.MIN_DROP, evidence.EXPLAIN_LIMIT)
