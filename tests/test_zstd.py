"""Zstandard-compressed inputs (``.zst``, issue 14) read like ``.gz`` ones: streamed, every frame, and damaged
or cut-off data reported against its file. Tiny synthetic inputs, the lexicon model."""

from __future__ import annotations

import json

import pytest
import zstandard

from framing.errors import FramingError
from framing.io import DAMAGED, open_bytes
from framing.scoring.rows import read_scores
from tests.test_own_data import jsonl, score


def lines(*texts: str, **extra) -> bytes:
    return b"".join(json.dumps({"text": text, **extra}).encode() + b"\n" for text in texts)


def test_compressed_tables_texts_and_folders(tmp_path):
    docs = tmp_path / "docs"
    (docs / "2016").mkdir(parents=True)
    (docs / "a.txt").write_text("Rebels advanced.", encoding="utf-8")
    (docs / "2016" / "a.txt.zst").write_bytes(zstandard.compress(b"The regime fell."))
    (docs / "2016" / "broken.txt.zst").write_bytes(b"not zstandard at all")
    result = score(docs, "--out", tmp_path / "s.jsonl")
    assert result.exit_code == 1 and "broken.txt.zst" in result.output and "damaged" in result.output
    assert sorted({(r["doc"], r["state"]) for r in jsonl(tmp_path / "s.jsonl")}) == [
        ("docs:2016/a", "regime"),
        ("docs:a", "none"),
    ]
    table = tmp_path / "mine.jsonl.zst"
    table.write_bytes(zstandard.compress(lines("Terrorists attacked.")))
    csv_table = tmp_path / "other.csv.zst"
    csv_table.write_bytes(zstandard.compress(b"id,text\n7,Rebels advanced.\n"))
    assert score(csv_table, "--out", tmp_path / "t.jsonl", "--id-field", "id").exit_code == 0
    assert [(r["doc"], r["opposition"]) for r in jsonl(tmp_path / "t.jsonl")] == [("other:7", "rebel")]
    assert score(table, "--out", tmp_path / "u.jsonl").exit_code == 0
    assert [(r["doc"], r["opposition"]) for r in jsonl(tmp_path / "u.jsonl")] == [("mine:1", "terrorist")]


def test_every_frame_is_read_and_a_cut_off_one_is_damage(tmp_path):
    data = lines(*(f"Rebels advanced on town {i}." for i in range(300)))
    frames = tmp_path / "frames.jsonl.zst"  # as pzstd or `cat a.zst b.zst` write them
    frames.write_bytes(zstandard.compress(data[:5000]) + zstandard.compress(data[5000:]))
    with open_bytes(frames) as handle:
        assert handle.read() == data
    assert score(frames, "--out", tmp_path / "s.jsonl").exit_code == 0
    assert len(jsonl(tmp_path / "s.jsonl")) == 300
    cut = tmp_path / "cut.jsonl.zst"  # the package's own stream readers end quietly here
    cut.write_bytes(zstandard.compress(data)[:-4])
    with pytest.raises(DAMAGED), open_bytes(cut) as handle:
        handle.read()
    result = score(cut, "--out", tmp_path / "cut.jsonl")
    assert result.exit_code == 1 and "cut.jsonl.zst: the compressed data is damaged or cut off" in result.output
    assert "Traceback" not in result.output


def test_standard_input_and_sentence_files(tmp_path):
    result = score("-", "--out", tmp_path / "s.jsonl", input=zstandard.compress(b"Rebels advanced."))
    assert result.exit_code == 0, result.output
    assert [(r["doc"], r["opposition"]) for r in jsonl(tmp_path / "s.jsonl")] == [("stdin:stdin", "rebel")]
    result = score("-", "--out", tmp_path / "s.jsonl", input=b"\x28\xb5\x2f\xfd" + b"garbage")
    assert result.exit_code == 2 and "the compressed data is damaged" in result.output
    sentences = tmp_path / "quotes.jsonl.zst"
    sentences.write_bytes(zstandard.compress(b'{"id": "q1", "text": "The regime fell."}\n'))
    assert score(sentences, "--sentences", "--out", tmp_path / "q.jsonl").exit_code == 0
    assert [(r["doc"], r["state"]) for r in jsonl(tmp_path / "q.jsonl")] == [("q1", "regime")]


def test_compressed_scores_files(tmp_path):
    assert score("-", "--out", tmp_path / "s.jsonl", input="Rebels advanced.").exit_code == 0
    packed = tmp_path / "s.jsonl.zst"
    packed.write_bytes(zstandard.compress((tmp_path / "s.jsonl").read_bytes()))
    assert [r.opposition for r in read_scores([packed])] == ["rebel"]
    packed.write_bytes(zstandard.compress((tmp_path / "s.jsonl").read_bytes())[:-3])
    with pytest.raises(FramingError, match="s.jsonl.zst: the compressed data is damaged"):
        read_scores([packed])
