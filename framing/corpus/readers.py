"""Corpus readers: every format becomes a stream of ``Article`` records.

A document that cannot be read is reported as a ``DocumentError`` (yielded in
place of the article), never fatal to the documents around it.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from framing.errors import DocumentError, FramingError

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
TABLE_SUFFIXES = {".csv", ".jsonl", ".ndjson", ".json", ".parquet"}
FAKES_COLUMNS = {"unit_id", "article_title", "article_content", "source"}
ALLSIDES_FIELDS = {"ID", "content_original", "source"}


@dataclass
class Article:
    """One document: ``doc`` is ``<corpus>:<id>``, the key annotations use."""

    corpus: str
    id: str
    text: str
    outlet: str | None = None
    date: str | None = None
    title: str | None = None
    extra: dict = field(default_factory=dict)

    @property
    def doc(self) -> str:
        return f"{self.corpus}:{self.id}"


@dataclass(frozen=True)
class Fields:
    """User-named fields of a generic CSV or JSON Lines corpus."""

    text: str = "text"
    id: str | None = None
    outlet: str | None = None
    date: str | None = None
    title: str | None = None


def decode(data: bytes, where: str, encodings: tuple[str, ...] = ("utf-8", "cp1252")) -> str:
    """Decode bytes with the first encoding that works; binary data is refused."""
    if b"\x00" in data[:8192]:
        raise DocumentError(f"{where}: looks like a binary file (NUL bytes); give a text, CSV or JSON Lines file")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DocumentError(f"{where}: cannot be decoded as {' or '.join(encodings)}; re-save it as UTF-8")


def iso_date(value: str | None) -> str | None:
    """``m/d/yy`` or ISO dates as ``YYYY-MM-DD``; anything else is kept as given."""
    if not value:
        return None
    for fmt in ("%m/%d/%y", "%m/%d/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(value.strip(), fmt).date().isoformat()
        except ValueError:
            continue
    return value.strip()


def read_text_file(path: Path, corpus: str, outlet: str | None = None) -> Article:
    """One ``.txt`` file as one article; its id is the file name without suffix."""
    size = path.stat().st_size
    if size == 0:
        raise DocumentError(f"{path}: is empty; remove it or give a file with text")
    if size > MAX_DOCUMENT_BYTES:
        raise DocumentError(
            f"{path}: is {size / 2**20:.1f} MB, more than the {MAX_DOCUMENT_BYTES // 2**20} MB one article may be; "
            "split it into articles or give a CSV/JSON Lines corpus"
        )
    text = decode(path.read_bytes(), str(path))
    if not text.strip():
        raise DocumentError(f"{path}: holds only whitespace; remove it or give a file with text")
    return Article(corpus=corpus, id=path.stem, text=text, outlet=outlet)


def read_text_dir(path: Path, outlet: str | None = None) -> Iterator[Article | DocumentError]:
    """Every ``.txt`` file of a directory, in name order; the corpus is the directory name."""
    files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix == ".txt")
    if not files:
        yield DocumentError(f"{path}: has no .txt files; give a directory of .txt articles")
    for file in files:
        try:
            yield read_text_file(file, corpus=path.name, outlet=outlet)
        except DocumentError as error:
            yield error


def _lines(path: Path, encodings: tuple[str, ...]) -> Iterator[str]:
    """Decoded lines of a file, read in a stream, newline characters kept."""
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if number == 1 and b"\x00" in raw[:8192]:
                raise DocumentError(f"{path}: looks like a binary file (NUL bytes); give a CSV or JSON Lines file")
            yield decode(raw, f"{path} line {number}", encodings)


def _parquet_rows(path: Path, batch_rows: int = 1024) -> Iterator[dict]:
    """Rows of a Parquet file (a shard of a dataset), read a batch at a time."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        for batch in pq.ParquetFile(path).iter_batches(batch_size=batch_rows):
            yield from batch.to_pylist()
    except (pa.ArrowException, OSError) as error:
        raise FramingError(f"{path}: not a readable Parquet file ({error})")


def _rows(path: Path) -> Iterator[dict | DocumentError]:
    """Rows of a CSV, JSON Lines or Parquet file as dicts, bad rows as errors."""
    if path.stat().st_size == 0:
        raise FramingError(f"{path}: is empty; give a file with a header and rows")
    if path.suffix.lower() == ".parquet":
        yield from _parquet_rows(path)
        return
    if path.suffix == ".csv":
        with path.open("rb") as handle:
            header = handle.readline()
        encodings = ("cp1252",) if b"unit_id" in header and b"article_content" in header else ("utf-8", "cp1252")
        csv.field_size_limit(sys.maxsize)
        try:
            yield from csv.DictReader(_lines(path, encodings))
        except csv.Error as error:
            yield DocumentError(f"{path}: malformed CSV ({error}); the rows before it were read")
        return
    for number, line in enumerate(_lines(path, ("utf-8", "cp1252")), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as error:
            yield DocumentError(f"{path} line {number}: not valid JSON ({error.msg}); fix or remove the line")
            continue
        if not isinstance(row, dict):
            yield DocumentError(f"{path} line {number}: is not a JSON object")
            continue
        yield row


def _fakes_article(row: dict, seen: dict[str, list[str]]) -> Article | None:
    """FA-KES rows: a repeated id with identical text is dropped, a different text gets ``#n``."""
    unit_id, text = row["unit_id"], row["article_content"]
    texts = seen.setdefault(unit_id, [])
    if text in texts:
        return None
    texts.append(text)
    key = unit_id if len(texts) == 1 else f"{unit_id}#{len(texts)}"
    extra = {k: row[k] for k in ("location", "labels") if k in row}
    extra["date_raw"] = row.get("date")
    return Article("fa-kes", key, text, row.get("source"), iso_date(row.get("date")), row.get("article_title"), extra)


def _allsides_article(row: dict) -> Article:
    extra = {k: row[k] for k in ("url", "authors", "topic", "bias", "bias_text", "syria_mentions") if k in row}
    return Article(
        "allsides",
        str(row["ID"]),
        row["content_original"] or "",
        row.get("source"),
        row.get("date"),
        row.get("title"),
        extra,
    )


def _generic_article(row: dict, number: int, corpus: str, fields: Fields) -> Article:
    text = row.get(fields.text)
    if not isinstance(text, str):
        raise DocumentError(f"{corpus} row {number}: field {fields.text!r} is missing or not text")
    known = {fields.text, fields.id, fields.outlet, fields.date, fields.title}
    return Article(
        corpus=corpus,
        id=str(row[fields.id]) if fields.id and row.get(fields.id) is not None else str(number),
        text=text,
        outlet=str(row[fields.outlet]) if fields.outlet and row.get(fields.outlet) is not None else None,
        date=iso_date(str(row[fields.date])) if fields.date and row.get(fields.date) else None,
        title=row.get(fields.title) if fields.title else None,
        extra={k: v for k, v in row.items() if k not in known},
    )


def _check_fields(path: Path, columns: Iterable[str], fields: Fields) -> None:
    columns = list(columns)
    for option, name in (
        ("--text-field", fields.text),
        ("--id-field", fields.id),
        ("--outlet-field", fields.outlet),
        ("--date-field", fields.date),
        ("--title-field", fields.title),
    ):
        if name is not None and name not in columns:
            raise FramingError(
                f"{path}: has no field {name!r} (its fields: {', '.join(columns)}); name the right one with {option}"
            )


def read_table(path: Path, fields: Fields | None = None) -> Iterator[Article | DocumentError]:
    """A CSV, JSON Lines or Parquet corpus: FA-KES and AllSides are recognised, others need ``fields``."""
    rows = _rows(path)
    first = next(rows, None)
    if first is None:
        raise FramingError(f"{path}: has no rows; give a file with a header and rows")
    rows = _chain(first, rows)
    if isinstance(first, dict) and fields is None and FAKES_COLUMNS <= first.keys():
        seen: dict[str, list[str]] = {}
        for row in rows:
            article = row if isinstance(row, DocumentError) else _fakes_article(row, seen)
            if article is not None:
                yield article
        return
    if isinstance(first, dict) and fields is None and ALLSIDES_FIELDS <= first.keys():
        for row in rows:
            yield row if isinstance(row, DocumentError) else _allsides_article(row)
        return
    fields = fields or Fields()
    if isinstance(first, dict):
        _check_fields(path, first.keys(), fields)
    for number, row in enumerate(rows, start=1):
        if isinstance(row, DocumentError):
            yield row
            continue
        try:
            yield _generic_article(row, number, path.stem, fields)
        except DocumentError as error:
            yield error


def _chain(first, rest: Iterator) -> Iterator:
    yield first
    yield from rest


def read_path(path: Path, fields: Fields | None = None, outlet: str | None = None) -> Iterator[Article | DocumentError]:
    """Articles from a directory of ``.txt`` files, one text file, or a CSV/JSON Lines/Parquet corpus."""
    if not path.exists():
        raise FramingError(f"{path}: no such file or directory")
    if path.is_dir():
        yield from read_text_dir(path, outlet=outlet)
    elif path.suffix.lower() in TABLE_SUFFIXES:
        yield from read_table(path, fields)
    else:
        try:
            yield read_text_file(path, corpus=path.parent.name or "txt", outlet=outlet)
        except DocumentError as error:
            yield error


def load_articles(path: Path, fields: Fields | None = None) -> dict[str, Article]:
    """All readable articles of a corpus by ``doc`` key (for joining annotations)."""
    return {a.doc: a for a in read_path(path, fields) if isinstance(a, Article)}
