"""Hostile input and faults: nothing destroyed, nothing lost silently, one bad row costs only itself,
and every failure is one `error:` line with a non-zero exit (issue 15)."""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from framing.cli import app
from framing.corpus.readers import Article, Fields, read_path
from framing.errors import DocumentError, FramingError

ROOT = Path(__file__).resolve().parent.parent
LEXICON = ROOT / "models" / "lexicon"
runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


def one_line_error(result, code: int = 2, *words: str) -> str:
    """The result failed with ``code`` and said so in one `error:` line (holding ``words``), no traceback."""
    lines = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert result.exit_code == code, result.output
    assert len(lines) == 1 and "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    for word in words:
        assert word in lines[0], result.output
    return lines[0]


def no_temp_files(folder: Path) -> bool:
    return not [p for p in folder.iterdir() if p.name.endswith(".tmp")]


def score(inputs, out, *extra):
    return invoke("score", *inputs, "--out", out, "--model", LEXICON, *extra)


def scored(out: Path) -> list[dict]:
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def corpus_rows(path: Path, fields: Fields | None = None) -> tuple[list[Article], list[str]]:
    items = list(read_path(path, fields))
    return [a for a in items if isinstance(a, Article)], [str(e) for e in items if isinstance(e, DocumentError)]


# -- outputs -----------------------------------------------------------------------------------


def test_out_equal_to_an_input_is_refused(tmp_path):
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text(json.dumps({"text": "Rebels advanced on Aleppo."}) + "\n")
    before = corpus.read_bytes()
    one_line_error(score([corpus], corpus), 2, "is also an input")
    os.link(corpus, tmp_path / "hard.jsonl")
    (tmp_path / "soft.jsonl").symlink_to(corpus)
    for other in ("hard.jsonl", "soft.jsonl", "./corpus.jsonl"):
        one_line_error(score([corpus], tmp_path / other), 2, "is also an input")
    assert corpus.read_bytes() == before


def test_profile_out_equal_to_its_scores_is_refused(tmp_path):
    scores = tmp_path / "s.jsonl"
    sentences = tmp_path / "in.jsonl"
    sentences.write_text(json.dumps({"id": "a", "text": "Rebels shelled regime positions."}) + "\n")
    assert score([sentences], scores, "--sentences").exit_code == 0
    before = scores.read_bytes()
    one_line_error(invoke("profile", scores, "--out", scores), 2, "is also an input")
    assert scores.read_bytes() == before


@pytest.mark.parametrize("kind", ["device", "fifo", "folder"])
def test_out_that_is_not_a_regular_file_is_refused(tmp_path, kind):
    corpus = tmp_path / "c.txt"
    corpus.write_text("Rebels advanced on Aleppo.")
    target = {"device": tmp_path / "null", "fifo": tmp_path / "pipe", "folder": tmp_path / "dir"}[kind]
    if kind == "device":  # /dev/null through a link: code that wrongly writes replaces the link, not the device
        target.symlink_to("/dev/null")
    elif kind == "fifo":
        os.mkfifo(target)
    elif kind == "folder":
        target.mkdir()
    mode = target.stat().st_mode
    one_line_error(score([corpus], target), 2, "not a regular file")
    assert target.stat().st_mode == mode  # still the device, FIFO or folder it was
    assert no_temp_files(tmp_path)


def test_unwritable_places_are_one_line_errors(tmp_path, monkeypatch):
    corpus = tmp_path / "c.txt"
    corpus.write_text("Rebels advanced on Aleppo.")
    one_line_error(score([corpus], corpus / "sub" / "o.jsonl"), 2, "cannot be written")  # a file on the path
    import tempfile

    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    one_line_error(score([corpus], tmp_path / "locked" / "o.jsonl"), 2, "permission denied")


def test_a_full_disk_keeps_the_previous_output(tmp_path, monkeypatch):
    corpus = tmp_path / "c.txt"
    corpus.write_text("Rebels advanced on Aleppo.")
    out = tmp_path / "o.jsonl"
    out.write_text("previous\n")
    import framing.scoring.streaming as streaming

    def full(self, payload):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(streaming.ChunkWriter, "write", full)
    one_line_error(score([corpus], out), 2, "the disk is full", str(out))
    assert out.read_text() == "previous\n" and no_temp_files(tmp_path)


def test_temp_files_of_killed_processes_are_removed_by_the_next_write(tmp_path):
    from framing.io import atomic_write

    out = tmp_path / "o.txt"
    dead = tmp_path / ".o.txt.999999999.abc.tmp"  # no process has that number
    alive = tmp_path / f".o.txt.{os.getpid()}.abc.tmp"
    dead.write_text("left by SIGKILL")
    alive.write_text("still being written")
    with atomic_write(out) as handle:
        handle.write("new")
    assert out.read_text() == "new" and not dead.exists() and alive.exists()


@pytest.mark.parametrize("workers", ["0", "-2"])
def test_workers_must_be_positive(tmp_path, workers):
    corpus = tmp_path / "c.txt"
    corpus.write_text("Rebels advanced on Aleppo.")
    one_line_error(score([corpus], tmp_path / "o.jsonl", "--workers", workers), 2, "--workers")


#: Runs `framing` with every sentence decision slowed to a minute, after touching argv[1].
# Ctrl-C as a terminal delivers it: a shell starts background jobs with SIGINT ignored, and a Python started
# so keeps ignoring it (as it should); the test sets Python's own handler, so it also runs in such a job.
SLOW_FRAMING = """
import pathlib, signal, sys, time
signal.signal(signal.SIGINT, signal.default_int_handler)
from framing.classifiers.lexicon import Lexicon
def slow(self, sentence):
    pathlib.Path(sys.argv[1]).touch()
    time.sleep(60)
Lexicon.decide = slow
from framing.cli import app
app(sys.argv[2:], prog_name="framing")
"""


@pytest.mark.parametrize("how,code", [("ctrl-c", 130), ("sigterm", 143)])
def test_interrupts_stop_quietly_and_keep_the_previous_output(tmp_path, how, code):
    (tmp_path / "docs").mkdir()
    for i in range(40):
        (tmp_path / "docs" / f"{i:02}.txt").write_text("Rebels advanced on Aleppo. " * 80)
    out, started = tmp_path / "o.jsonl", tmp_path / "started"
    out.write_text("previous\n")
    command = [sys.executable, "-c", SLOW_FRAMING, str(started), "score", str(tmp_path / "docs")]
    command += ["--out", str(out), "--model", str(LEXICON), "--workers", "2"]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while not started.exists() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert started.exists(), process.stderr.read()
        time.sleep(0.5)
        if how == "ctrl-c":  # the terminal sends SIGINT to the whole process group
            os.killpg(process.pid, signal.SIGINT)
        else:
            process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert process.returncode == code, stderr
    assert "Traceback" not in stderr and stderr.strip().startswith("error: stopped by"), stderr
    assert len(stderr.strip().splitlines()) == 1, stderr
    assert out.read_text() == "previous\n" and no_temp_files(tmp_path)
    time.sleep(0.5)
    with pytest.raises(ProcessLookupError):  # no worker outlives it
        os.killpg(process.pid, 0)


# -- readers: one bad row costs only itself ----------------------------------------------------------


def test_csv_bad_rows_are_reported_with_their_line_and_the_rest_scored(tmp_path):
    path = tmp_path / "c.csv"
    path.write_bytes(
        b"id,text\n"
        b"1,Rebels advanced on Aleppo.\n"
        b"2,Regime forces\x00 shelled Homs.\n"
        b"3,Undecodable \x81\x8d here.\n"
        b"4,Terrorists attacked the regime.\n"
    )
    out = tmp_path / "o.jsonl"
    result = score([path], out, "--id-field", "id")
    assert result.exit_code == 1, result.output
    assert "c.csv line 3" in result.output and "NUL" in result.output
    assert "c.csv line 4" in result.output and "undecodable byte 0x81" in result.output
    assert {row["doc"] for row in scored(out)} == {"c:1", "c:4"}


def test_json_lines_bad_rows_are_reported_with_their_line_and_the_rest_scored(tmp_path):
    path = tmp_path / "j.jsonl"
    lines = [
        json.dumps({"id": "a", "text": "Rebels advanced on Aleppo."}),
        '{"id": "b", "text": "A lone \\ud800 surrogate."}',
        '{"id": "c", "text": ' + "[" * 100_000 + "]" * 100_000 + "}",
        '{"id": "d", "text": "broken',
        json.dumps({"id": "e", "text": "A NUL \u0000 escape."}),
        json.dumps({"id": "f", "text": "Terrorists attacked the regime."}),
    ]
    path.write_text("\n".join(lines) + "\n")
    out = tmp_path / "o.jsonl"
    result = score([path], out, "--id-field", "id")
    assert result.exit_code == 1, result.output
    for line, word in ((2, "surrogate"), (3, "nested too deeply"), (4, "not valid JSON"), (5, "NUL")):
        assert f"j.jsonl line {line}" in result.output and word in result.output, result.output
    assert {row["doc"] for row in scored(out)} == {"j:a", "j:f"}


def test_parquet_bad_rows_are_reported_with_their_row_and_the_rest_scored(tmp_path, monkeypatch):
    import pyarrow as pa
    import pyarrow.parquet as pq

    import framing.corpus.readers as readers

    monkeypatch.setattr(readers, "MAX_DOCUMENT_BYTES", 200)
    texts = ["Rebels advanced on Aleppo.", "NUL\x00inside", None, "x " * 200, "Terrorists attacked the regime."]
    path = tmp_path / "p.parquet"
    pq.write_table(pa.table({"id": ["a", "b", "c", "d", "e"], "text": texts}), path)
    articles, errors = corpus_rows(path, Fields(id="id"))
    assert [a.id for a in articles] == ["a", "e"]
    assert any("p.parquet row 2" in e and "NUL" in e for e in errors)
    assert any("p.parquet row 3" in e and "not text" in e for e in errors)
    assert any("p.parquet row 4" in e and "MB" in e for e in errors)


def test_byte_order_marks_are_stripped(tmp_path):
    bom = b"\xef\xbb\xbf"
    (tmp_path / "c.csv").write_bytes(bom + b"id,text\nx1,Rebels advanced.\n")
    (tmp_path / "j.jsonl").write_bytes(bom + b'{"id": "y1", "text": "Rebels advanced."}\n')
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "t.txt").write_bytes(bom + b"Rebels advanced.")
    for name in ("c.csv", "j.jsonl"):
        articles, errors = corpus_rows(tmp_path / name, Fields(id="id"))
        assert [a.id for a in articles] in (["x1"], ["y1"]) and not errors
    (article,), _ = corpus_rows(tmp_path / "docs")
    assert article.text == "Rebels advanced."


def test_an_unterminated_quote_is_reported_and_the_rows_after_it_read(tmp_path):
    path = tmp_path / "q.csv"
    path.write_text(
        'id,text\n1,Rebels advanced.\n2,"Unterminated quote here\n3,Regime forces shelled Homs.\n4,"Quoted, fine."\n'
    )
    articles, errors = corpus_rows(path, Fields(id="id"))
    assert [(a.id, a.text) for a in articles] == [
        ("1", "Rebels advanced."),
        ("3", "Regime forces shelled Homs."),
        ("4", "Quoted, fine."),
    ]
    (error,) = errors
    assert "q.csv line 3" in error and "unterminated quote" in error and "line 5" in error


def test_an_unterminated_quote_at_the_end_is_reported(tmp_path):
    path = tmp_path / "q.csv"
    path.write_text('id,text\n1,Rebels advanced.\n2,"Unterminated quote here\n3,Regime forces shelled Homs.\n')
    articles, errors = corpus_rows(path, Fields(id="id"))
    assert [a.id for a in articles] == ["1", "3"]
    assert len(errors) == 1 and "q.csv line 3" in errors[0] and "never closed" in errors[0]


def test_a_row_with_more_fields_than_the_header_is_reported(tmp_path):
    path = tmp_path / "w.csv"
    path.write_text("id,text\n1,Rebels advanced, and shelled.\n2,Fine.\n")
    articles, errors = corpus_rows(path, Fields(id="id"))
    assert [a.id for a in articles] == ["2"] and "w.csv line 2" in errors[0] and "3 fields" in errors[0]


def test_a_repeated_header_name_is_refused(tmp_path):
    path = tmp_path / "h.csv"
    path.write_text("id,text,text\n1,Rebels advanced.,Other text.\n")
    one_line_error(score([path], tmp_path / "o.jsonl"), 2, "'text' more than once")


def test_repeated_ids_are_reported_not_merged(tmp_path):
    path = tmp_path / "d.jsonl"
    rows = [("a", "Rebels advanced."), ("b", "Regime forces shelled Homs."), ("a", "Another article."), ("b", None)]
    path.write_text("".join(json.dumps({"id": i, "text": t or rows[1][1]}) + "\n" for i, t in rows))
    articles, errors = corpus_rows(path, Fields(id="id"))
    assert [(a.id, a.text) for a in articles] == [("a", "Rebels advanced."), ("b", "Regime forces shelled Homs.")]
    (error,) = errors  # the exact repeat of b is the same article, read once
    assert "d.jsonl line 3" in error and "'a'" in error and "line 1" in error


@pytest.mark.parametrize("name", ["t.csv", "t.jsonl", "t.parquet"])
def test_the_size_limit_applies_to_every_format(tmp_path, monkeypatch, name):
    import framing.corpus.readers as readers

    monkeypatch.setattr(readers, "MAX_DOCUMENT_BYTES", 100)
    path = tmp_path / name
    texts = ["Rebels advanced.", "long " * 40]
    if name.endswith(".csv"):
        path.write_text("text\n" + "".join(f"{t}\n" for t in texts))
    elif name.endswith(".jsonl"):
        path.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts))
    else:
        import pyarrow as pa
        import pyarrow.parquet as pq

        pq.write_table(pa.table({"text": texts}), path)
    articles, errors = corpus_rows(path)
    assert len(articles) == 1 and len(errors) == 1 and "MB" in errors[0] and name in errors[0]


@pytest.mark.parametrize("invisible", ["\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"])
def test_invisible_characters_do_not_hide_namings(lexicon_model, invisible):
    lexicon = lexicon_model.classifier.lexicon
    sentence = f"Ter{invisible}rorists attacked the re{invisible}gime in Homs."
    decision = lexicon.decide(sentence)
    assert (decision.opposition, decision.state) == ("terrorist", "regime")
    for evidence in decision.evidence:  # offsets into the sentence as given
        assert sentence[evidence.start : evidence.end] == evidence.term and invisible in evidence.term


def test_invisible_characters_keep_scored_offsets_exact(tmp_path):
    (tmp_path / "docs").mkdir()
    text = "Intro\u200b line.\nThe ter\u00adrorists shelled the re\u200bgime.\n"
    (tmp_path / "docs" / "a.txt").write_text(text)
    out = tmp_path / "o.jsonl"
    assert score([tmp_path / "docs"], out).exit_code == 0
    rows = scored(out)
    assert all(text[r["start"] : r["end"]] == r["text"] for r in rows)
    (named,) = [r for r in rows if r["opposition"] != "none"]
    assert (named["opposition"], named["state"]) == ("terrorist", "regime")
    assert all(named["text"][e["start"] : e["end"]] == e["term"] for e in named["evidence"])


def test_sentences_input_with_a_malformed_line_scores_the_rest(tmp_path):
    path = tmp_path / "s.jsonl"
    path.write_text(
        json.dumps({"id": "s1", "text": "Rebels advanced."})
        + "\n{not json\n"
        + json.dumps({"id": "s3", "text": "Regime forces shelled Homs."})
        + "\n"
    )
    out = tmp_path / "o.jsonl"
    result = score([path], out, "--sentences")
    assert result.exit_code == 1 and "s.jsonl line 2" in result.output, result.output
    assert [row["doc"] for row in scored(out)] == ["s1", "s3"]


# -- every command's failure paths: one line, non-zero exit --------------------------------------------


@pytest.fixture
def scores_file(tmp_path) -> Path:
    sentences = tmp_path / "in.jsonl"
    rows = [{"id": f"d{i}", "text": "Rebels shelled regime positions.", "outlet": "X"} for i in range(3)]
    sentences.write_text("".join(json.dumps(r) + "\n" for r in rows))
    scores = tmp_path / "scores.jsonl"
    assert score([sentences], scores, "--sentences").exit_code == 0
    return scores


def test_n_boot_zero_is_refused(tmp_path, scores_file):
    one_line_error(invoke("profile", scores_file, "--out", tmp_path / "p.csv", "--n-boot", "0"), 2, "--n-boot")
    one_line_error(invoke("timeseries", scores_file, "--out", tmp_path / "t", "--n-boot", "0"), 2, "n-boot")


def test_non_utf8_scores_config_lexicon_and_gold_files(tmp_path, scores_file):
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(scores_file.read_bytes().replace(b"Rebels", b"Reb\xffls", 1))
    one_line_error(invoke("profile", bad, "--out", tmp_path / "p.csv"), 2, "bad.jsonl line 1", "not UTF-8")
    model = tmp_path / "model"
    shutil.copytree(LEXICON, model)
    (model / "lexicon.toml").write_bytes((LEXICON / "lexicon.toml").read_bytes() + b"\n# caf\xe9\n")
    one_line_error(score([scores_file], tmp_path / "o.jsonl", "--model", model), 2, "lexicon.toml", "not UTF-8")
    (model / "config.toml").write_bytes(b'[model]\ntype = "lexicon"\nname = "caf\xe9"\n')
    one_line_error(score([scores_file], tmp_path / "o.jsonl", "--model", model), 2, "config.toml", "not UTF-8")
    gold = tmp_path / "gold.jsonl"
    gold.write_bytes(b'{"text": "caf\xe9", "opposition": "none", "state": "none", "voice": "none"}\n')
    from framing.gold.annotations import RESERVED_FILES

    for reserved in RESERVED_FILES.values():  # a data root with nothing reserved
        (tmp_path / "data" / reserved).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "data" / reserved).write_text("")
    result = invoke("evaluate", "--model", LEXICON, "--gold", gold, "--data", tmp_path / "data")
    one_line_error(result, 2, "gold.jsonl line 1", "not UTF-8")


def test_missing_and_folder_outputs(tmp_path, scores_file):
    assert invoke("profile", scores_file).exit_code == 2  # no --out: a usage error
    one_line_error(invoke("profile", scores_file, "--out", tmp_path), 2, "not a regular file")
    profile_csv = tmp_path / "p.csv"
    assert invoke("profile", scores_file, "--out", profile_csv, "--n-boot", "10").exit_code == 0
    taken = tmp_path / "taken"
    taken.write_text("a file")
    one_line_error(invoke("plot", profile_csv, "--out", taken), 2, "not a folder")
    one_line_error(invoke("timeseries", scores_file, "--out", taken), 2, "not a folder")
    one_line_error(invoke("compare-outlets", scores_file, "--out", taken), 2, "not a folder")


def test_profile_of_a_file_that_is_not_scores_is_an_error(tmp_path):
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text(json.dumps({"id": "a", "text": "Rebels advanced."}) + "\n")
    one_line_error(invoke("profile", corpus, "--out", tmp_path / "p.csv"), 2, "corpus.jsonl")
    assert not (tmp_path / "p.csv").exists()


def test_profile_by_a_field_no_row_has_names_the_fields(tmp_path, scores_file):
    line = one_line_error(invoke("profile", scores_file, "--out", tmp_path / "p.csv", "--by", "outlett"), 2)
    assert "outlett" in line and "outlet" in line.replace("outlett", "")


@pytest.mark.parametrize(
    "content",
    [
        "group,actor,label,share,low,high,sentences,articles,enough\nA,opposition,rebel,abc,,,1,1,false\n",
        "group,actor,label,share,low,high,sentences,articles,enough\nA,opposition,rebel,0.5,0.1\n",
        "group,actor\nA,opposition\n",
        "",
    ],
    ids=["not-a-number", "cut-off-row", "other-columns", "empty"],
)
def test_plot_of_a_malformed_profile_is_an_error(tmp_path, content):
    path = tmp_path / "p.csv"
    path.write_text(content)
    one_line_error(invoke("plot", path, "--out", tmp_path / "plots"), 2, "p.csv")


def test_truncated_safetensors_name_the_file(tmp_path, tiny_dir):
    model = tmp_path / "model"
    shutil.copytree(tiny_dir, model)
    for name in [p.name for p in model.glob("*.safetensors")]:
        weights = model / name
        data = (tiny_dir / name).read_bytes()
        weights.write_bytes(data[: len(data) // 2])
        corpus = tmp_path / "c.txt"
        corpus.write_text("Rebels advanced.")
        one_line_error(score([corpus], tmp_path / "o.jsonl", "--model", model), 2, name, "truncated")
        weights.write_bytes(data)


@pytest.mark.parametrize(
    "config,word",
    [
        ('model = "lexicon"\n', "[model]"),
        ('[model]\ntype = "lexicon"\nname = 5\n', "name"),
        ('[model]\ntype = "lexicon"\nlexicon = ["a"]\n', "lexicon"),
        ('[model]\ntype = "transformer"\n[transformer]\nepochs = "four"\n', "epochs"),
        ('transformer = 3\n[model]\ntype = "transformer"\n', "transformer"),
    ],
)
def test_wrong_types_in_a_model_config(tmp_path, config, word):
    model = tmp_path / "model"
    shutil.copytree(LEXICON, model)
    (model / "config.toml").write_text(config)
    corpus = tmp_path / "c.txt"
    corpus.write_text("Rebels advanced.")
    one_line_error(score([corpus], tmp_path / "o.jsonl", "--model", model), 2, "config.toml", word)


@pytest.mark.parametrize(
    "lexicon",
    [
        '[labels."opposition:rebel"]\nterms = "rebels"\n',
        '[labels."opposition:rebel"]\nterms = [1, 2]\n',
        '[[compound]]\nlabels = ["opposition:rebel", "state:king"]\npatterns = ["x"]\n',
        "[voice]\nmarkers = 3\n",
    ],
)
def test_wrong_types_in_a_lexicon(tmp_path, lexicon):
    model = tmp_path / "model"
    shutil.copytree(LEXICON, model)
    (model / "lexicon.toml").write_text(lexicon)
    corpus = tmp_path / "c.txt"
    corpus.write_text("Rebels advanced.")
    one_line_error(score([corpus], tmp_path / "o.jsonl", "--model", model), 2, "lexicon.toml", "malformed")


def test_annotate_with_closed_stdin_is_an_error(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.txt").write_text("Rebels shelled regime positions.")
    command = [sys.executable, "-c", "from framing.cli import app; app(prog_name='framing')", "annotate"]
    command += [str(tmp_path / "docs"), "--out", str(tmp_path / "a.jsonl"), "--annotator", "me"]
    command += ["--model", str(LEXICON), "--data", str(tmp_path / "nodata")]
    result = subprocess.run(
        command, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120, preexec_fn=lambda: os.close(0)
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert result.stderr.strip().splitlines() == [
        "error: standard input is closed, so no answer can be read; run `framing annotate` in a terminal"
    ]


def test_annotate_out_equal_to_the_corpus_is_refused(tmp_path):
    corpus = tmp_path / "c.jsonl"
    corpus.write_text(json.dumps({"text": "Rebels advanced."}) + "\n")
    before = corpus.read_bytes()
    result = invoke("annotate", corpus, "--out", corpus, "--annotator", "me", "--model", LEXICON)
    one_line_error(result, 2, "is also an input")
    assert corpus.read_bytes() == before


def test_a_hub_id_offline_fails_fast_with_a_hint(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))  # an empty cache
    model = tmp_path / "model"
    model.mkdir()
    (model / "config.toml").write_text(
        '[model]\ntype = "transformer"\n[transformer]\nencoder = "nobody/no-such-encoder"\nhints = false\n'
    )
    corpus = tmp_path / "c.txt"
    corpus.write_text("Rebels advanced.")
    started = time.monotonic()
    one_line_error(score([corpus], tmp_path / "o.jsonl", "--model", model), 2, "nobody/no-such-encoder", "local")
    assert time.monotonic() - started < 20


def test_a_hub_id_is_checked_before_transformers_is_called(monkeypatch):
    import framing.classifiers.network as network

    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setattr(network, "_cached_snapshot", lambda name: None)
    monkeypatch.setattr(network, "hub_reachable", lambda: False)
    with pytest.raises(FramingError, match="local model directory"):
        network.resolve_encoder("someone/encoder")
    with pytest.raises(FramingError, match="no such directory"):
        network.resolve_encoder("./no/such/dir")
    assert network.resolve_encoder(str(ROOT)) == str(ROOT)  # a local directory as given


def test_the_stop_signal_handler_is_restored():
    from framing.errors import Stopped, stop_on_signals

    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(Stopped) as stopped, stop_on_signals():
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(5)
    assert stopped.value.exit_code == 143 and signal.getsignal(signal.SIGTERM) == before
