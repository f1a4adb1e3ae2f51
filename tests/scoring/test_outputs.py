"""JSON Lines rows are written byte for byte as ``json.dumps(row.as_dict(), ensure_ascii=False)`` would."""

import json
import math

import pytest

from framing.schemes import shipped_scheme
from framing.scoring.outputs import ChunkWriter, encode, json_lines
from framing.scoring.rows import ScoredSentence


def reference(rows: list[ScoredSentence]) -> str:
    """What rows were written as before ``json_lines``."""
    return "".join(json.dumps(row.as_dict(), ensure_ascii=False) + "\n" for row in rows)


def lexicon_scores(opposition: str = "none") -> dict:
    return {
        "opposition": {label: float(label == opposition) for label in ("none", "rebel", "terrorist", "jihadist")},
        "state": {"none": 1.0, "government": 0.0, "regime": 0.0},
        "voice": {"none": 1.0, "own": 0.0, "reported": 0.0},
    }


TERM = {"term": "rebels", "start": 4, "end": 10, "field": "opposition", "label": "rebel", "quoted": False}
ROWS = [
    ScoredSentence("a:1", 0, 0, 10, "Plain text.", "sana", "2017-01-02", scores=lexicon_scores()),
    ScoredSentence("a:1", 1, 11, 30, 'Quotes " and \\ and \n newline \t tab \x01 é ü 中文 😀', None, None),
    ScoredSentence(
        "a:2", 0, 0, 9, "The rebels.", "x", None, opposition="rebel", voice="own",
        scores=lexicon_scores("rebel"), evidence=[TERM | {"deciding": True}],
    ),
    ScoredSentence(
        "a:3", 2, 5, 7, "t", "o", "d", scores={"opposition": {"none": 0.1234, "rebel": 1e-05, "x": -0.0}},
        evidence=[{"term": "w", "start": 0, "end": 1, "field": "opposition", "label": "rebel", "source": "model",
                   "drop": 0.25}, TERM | {"deciding": 1}],
    ),
    ScoredSentence("a:4", 0, 0, 1, "n", scores={"opposition": {"none": math.nan, "rebel": math.inf}}),
    ScoredSentence("a:5", 0, 0, 1, "n", scores={"opposition": {1: 0.5}}, model="m", outlet="ü"),
    ScoredSentence("a:6", 0, 0, 1, "n", scheme=shipped_scheme("islamic-state")),
]  # fmt: skip


def test_json_lines_are_the_bytes_json_dumps_writes():
    assert json_lines(ROWS) == reference(ROWS)
    assert encode(ROWS, "jsonl") == reference(ROWS)


def test_rows_sharing_scores_are_encoded_alike():
    scores = lexicon_scores()
    rows = [ScoredSentence(f"d:{i}", i, 0, 1, "x", voice="none", scores=scores) for i in range(3)]
    rows.append(ScoredSentence("d:9", 0, 0, 1, "x", opposition="rebel", voice="own", scores=scores))
    assert json_lines(rows) == reference(rows)


def test_real_lexicon_rows(root):
    from framing.classifiers.loading import load_model
    from framing.corpus.readers import Article
    from framing.corpus.sentences import split
    from framing.scoring.streaming import label_rows

    text = "The so-called rebels shelled government positions. Nothing here. \u201cTerrorists\u201d attacked."
    article = Article("c", "1", text, "sana", "2017-01-02")
    pairs = [(article, s) for s in split(article.doc, text)]
    model = load_model(root / "models" / "lexicon")
    for shared in (False, True):
        rows = label_rows(model, pairs, shared=shared)
        assert json_lines(rows) == reference(rows)


def test_the_writer_appends_encoded_text(tmp_path):
    path = tmp_path / "o.csv"
    with path.open("w", encoding="utf-8") as handle:
        writer = ChunkWriter(handle, "csv")
        writer.write("a,é\r\n".encode())
        writer.write("b,c\r\n")
        writer.close()
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("doc,") and lines[1:] == ["a,é", "b,c"]


@pytest.mark.parametrize("sendfile", ["kernel", "missing", "refused"])
def test_the_writer_appends_spooled_chunks_in_order(tmp_path, monkeypatch, sendfile):
    import errno
    import os

    from framing.scoring.outputs import spool

    if sendfile == "missing":  # not Linux
        monkeypatch.delattr(os, "sendfile", raising=False)
    elif sendfile == "refused":

        def refuse(*args):
            raise OSError(errno.EINVAL, "Invalid argument")

        monkeypatch.setattr(os, "sendfile", refuse)
    chunks = [spool("a,é\r\n".encode(), str(tmp_path)), spool(b"", str(tmp_path))]
    path = tmp_path / "o.csv"
    with path.open("w", encoding="utf-8") as handle:
        writer = ChunkWriter(handle, "csv")
        writer.write(chunks[0])
        writer.write("b,c\r\n")
        writer.write(chunks[1])
        writer.write(spool(b"d,e\r\n", str(tmp_path)))
        writer.close()
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("doc,") and lines[1:] == ["a,é", "b,c", "d,e"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["o.csv"]  # each chunk's file removed once appended


def test_a_chunk_that_cannot_be_spooled_is_a_clear_error(tmp_path):
    from framing.errors import FramingError
    from framing.scoring.outputs import spool

    with pytest.raises(FramingError, match="temporary folder .*TMPDIR"):
        spool(b"x", str(tmp_path / "gone"))


@pytest.mark.parametrize("value", ["x", 1, 1.5, None, True, [1, "a"], {"k": [None, 0.1]}, {1: 2}, (1, 2)])
def test_single_values_follow_json_dumps(value):
    from framing.scoring.outputs import _json

    assert _json(value) == json.dumps(value, ensure_ascii=False)
