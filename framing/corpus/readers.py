"""Corpus readers: every format becomes a stream of ``Article`` records.

A document that cannot be read is reported as a ``DocumentError`` (yielded in
place of the article), never fatal to the documents around it.
"""

from __future__ import annotations

import codecs
import csv
import itertools
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from framing.corpus.sources import (
    DAMAGED,
    STDIN,
    as_stdin,
    compression,
    damaged,
    document_id,
    documents,
    kind,
    open_bytes,
    read_limited,
    spooled_stdin,
    stem,
)
from framing.errors import DocumentError, FramingError
from framing.io import parse_json_line

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
TABLE_SUFFIXES = {".csv", ".jsonl", ".ndjson", ".json", ".parquet"}
HTML_SUFFIXES = {".html", ".htm"}
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
    data = data.removeprefix(codecs.BOM_UTF8)  # as Excel and Notepad save UTF-8
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
    return _known_date(value) if type(value) is str else _date(value)


def _date(value: str) -> str:
    """``iso_date`` of a date given (not empty)."""
    for fmt in ("%m/%d/%y", "%m/%d/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(value.strip(), fmt).date().isoformat()
        except ValueError:
            continue
    return value.strip()


#: ``_date`` of text, remembered: a corpus has few dates, each parsed once (``strptime`` is slow).
_known_date = lru_cache(maxsize=4096)(_date)


def _document_bytes(path: Path) -> bytes:
    """The (decompressed) bytes of a one-article file, refused when empty or over the size limit."""
    too_big = f"more than the {MAX_DOCUMENT_BYTES // 2**20} MB one article may be"
    if compression(path) is None:
        size = path.stat().st_size
        if size > MAX_DOCUMENT_BYTES:
            raise DocumentError(
                f"{path}: is {size / 2**20:.1f} MB, {too_big}; split it into articles or give a CSV/JSON Lines corpus"
            )
        data = path.read_bytes()
    else:
        data = read_limited(path, MAX_DOCUMENT_BYTES)
        if len(data) > MAX_DOCUMENT_BYTES:
            raise DocumentError(f"{path}: decompresses to {too_big}; split it into articles")
    if not data:
        raise DocumentError(f"{path}: is empty; remove it or give a file with text")
    return data


def read_text_file(path: Path, corpus: str, outlet: str | None = None, id: str | None = None) -> Article:
    """One ``.txt`` file (or ``.html`` page, ``framing.corpus.html``; either possibly ``.gz`` or ``.zst``) as one
    article; its id is ``id``, by default the file name without suffixes."""
    text = decode(_document_bytes(path), str(path))
    if not text.strip():
        raise DocumentError(f"{path}: holds only whitespace; remove it or give a file with text")
    article = Article(corpus=corpus, id=id or stem(path), text=text, outlet=outlet)
    if kind(path) in HTML_SUFFIXES:
        article = _html_article(article, str(path))
    check_article(article, str(path))
    return article


def _html_article(page: Article, where: str) -> Article:
    """An HTML file's article: the extracted text, title, date and site name (``outlet`` wins over
    the site name when given)."""
    from framing.corpus.html import extract

    found = extract(page.text)
    if found is None:
        raise DocumentError(f"{where}: no article text found in the HTML page; save the article's page, or its text")
    outlet = page.outlet or found.outlet
    return Article(page.corpus, page.id, found.text, outlet, iso_date(found.date), found.title)


def read_text_dir(path: Path, outlet: str | None = None) -> Iterator[Article | DocumentError]:
    """Every ``.txt`` and ``.html`` file under a directory (recursively, ``sources.documents``), in path
    order; the corpus is the directory name, an id the file's path below it without suffixes."""
    files = documents(path)
    if not files:
        yield DocumentError(f"{path}: has no .txt or .html files; give a directory of .txt or .html articles")
    for file in files:
        try:
            yield read_text_file(file, corpus=path.name, outlet=outlet, id=document_id(file, path))
        except DocumentError as error:
            yield error


def _decode_line(raw: bytes, encodings: tuple[str, ...]) -> str:
    """One line in the first encoding that reads it; bytes none can read become lone surrogates
    (``surrogateescape``), so that ``check_article`` reports the row that holds them and no other."""
    for encoding in encodings:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", "surrogateescape")


def _lines(path: Path, encodings: tuple[str, ...], start: int = 1) -> Iterator[str]:
    """Decoded lines of a file from line ``start`` on, read in a stream, newline characters kept;
    a UTF-8 byte-order mark (as Excel writes) is dropped."""
    with open_bytes(path) as handle:
        for number, raw in enumerate(handle, start=1):
            if number >= start:
                yield _decode_line(raw.removeprefix(codecs.BOM_UTF8) if number == 1 else raw, encodings)


def _looks_binary(path: Path) -> bool:
    """NUL bytes in more than 1% of the first 8 KB (UTF-16, images, archives); a stray NUL in a row is
    that row's problem, not the file's."""
    with open_bytes(path) as handle:
        head = handle.read(8192)
    return head.count(b"\x00") > max(2, len(head) // 100)


def _parquet_rows(path: Path, batch_rows: int = 1024) -> Iterator[tuple[str, dict] | DocumentError]:
    """Rows of a Parquet file (a shard of a dataset), read a batch at a time; a batch that cannot be
    converted is read again row by row, so that only its bad rows fail."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    done = 0
    try:
        for batch in pq.ParquetFile(path).iter_batches(batch_size=batch_rows):
            yield from _batch_rows(path, batch, done)
            done += batch.num_rows
    except (pa.ArrowException, OSError) as error:
        if not done:
            raise FramingError(f"{path}: not a readable Parquet file ({error})")
        yield DocumentError(f"{path}: the rows after row {done} cannot be read ({error}); the rows before were read")


def _batch_rows(path: Path, batch, done: int) -> Iterator[tuple[str, dict] | DocumentError]:
    import pyarrow as pa

    failures = (pa.ArrowException, ValueError)  # UnicodeDecodeError is a ValueError
    try:
        rows = batch.to_pylist()
    except failures:
        rows = None
    for i in range(batch.num_rows):
        where = f"{path} row {done + i + 1}"
        try:
            row = rows[i] if rows is not None else batch.slice(i, 1).to_pylist()[0]
        except failures as error:
            yield DocumentError(f"{where}: cannot be read ({error}); fix or remove the row")
            continue
        yield where, row


def _csv_rows(path: Path, encodings: tuple[str, ...]) -> Iterator[tuple[str, dict] | DocumentError]:
    """Rows of a CSV file under its header. A malformed row (an unterminated quote swallows the rest of
    the file into one field) is reported with its line, and reading starts again on the next line."""
    csv.field_size_limit(sys.maxsize)
    header, start = None, 1
    while True:
        lines = _lines(path, encodings, start)
        reader = csv.reader(lines, strict=True)
        if header is None:
            header = next(reader, None)
            if header is None:
                return
            _check_header(path, header)
        begin = start + reader.line_num  # the line the next row starts on
        try:
            for values in reader:
                line, begin = begin, start + reader.line_num
                if values:
                    yield _csv_row(path, line, header, values)
            return
        except csv.Error as error:
            lines.close()
            yield DocumentError(f"{path} line {begin}: {_csv_problem(error, begin, start + reader.line_num - 1)}")
            start = begin + 1


def _csv_problem(error: csv.Error, begin: int, end: int) -> str:
    """What is wrong with a row that starts on line ``begin`` and broke on line ``end``."""
    if "unexpected end of data" in str(error):
        problem = "an unterminated quote: the quoted field opened on this line is never closed"
    elif end > begin:
        problem = f"an unterminated quote? the quoted field opened on this line runs on to line {end} ({error})"
    else:
        problem = f"malformed CSV ({error})"
    return f"{problem}; fix the row (the rows after it were read)"


def _check_header(path: Path, header: list[str]) -> None:
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        raise FramingError(
            f"{path}: the header names {', '.join(map(repr, repeated))} more than once, so a column would be lost; "
            "rename the repeated columns"
        )


def _csv_row(path: Path, line: int, header: list[str], values: list[str]) -> tuple[str, dict] | DocumentError:
    where = f"{path} line {line}"
    if len(values) > len(header):
        return DocumentError(
            f"{where}: has {len(values)} fields but the header {len(header)}; quote the fields that hold commas"
        )
    return where, dict(zip(header, values)) | dict.fromkeys(header[len(values) :])


def _json_rows(path: Path) -> Iterator[tuple[str, dict] | DocumentError]:
    for number, line in enumerate(_lines(path, ("utf-8", "cp1252")), start=1):
        if not line.strip():
            continue
        try:
            yield f"{path} line {number}", parse_json_line(line)
        except ValueError as error:
            yield DocumentError(f"{path} line {number}: {error}; fix or remove the line")


def _rows(path: Path) -> Iterator[tuple[str, dict] | DocumentError]:
    """Rows of a CSV, JSON Lines or Parquet file (CSV and JSON Lines possibly ``.gz`` or ``.zst``) as dicts with
    where they are (file and line, or row), bad rows as errors: one bad row never costs the others;
    compressed data damaged part-way costs the rows after the damage."""
    if path.stat().st_size == 0:
        raise FramingError(f"{path}: is empty; give a file with a header and rows")
    if kind(path) == ".parquet":
        if compression(path):
            raise FramingError(f"{path}: Parquet is compressed inside already; decompress the file and give it as is")
        yield from _parquet_rows(path)
        return
    try:
        yield from _text_rows(path)
    except DAMAGED as error:
        yield DocumentError(f"{damaged(path, error)}; the rows before the damage were read")


def _text_rows(path: Path) -> Iterator[tuple[str, dict] | DocumentError]:
    if _looks_binary(path):
        yield DocumentError(f"{path}: looks like a binary file (NUL bytes); give a CSV or JSON Lines file in UTF-8")
        return
    if kind(path) == ".csv":
        with open_bytes(path) as handle:
            header = handle.readline()
        encodings = ("cp1252",) if b"unit_id" in header and b"article_content" in header else ("utf-8", "cp1252")
        yield from _csv_rows(path, encodings)
        return
    yield from _json_rows(path)


#: What no document may hold: NUL, and lone surrogates (bytes no encoding could read, or a JSON
#: ``\ud800`` escape), which no output can encode.
_FORBIDDEN = re.compile("[\x00\ud800-\udfff]")


def _plain(value: str) -> bool:
    """Whether ``value`` certainly holds nothing ``_FORBIDDEN`` finds, told at C speed: no NUL, and ASCII or
    UTF-8-encodable (a lone surrogate is neither)."""
    if "\x00" in value:
        return False
    if value.isascii():
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def check_article(article: Article, where: str) -> None:
    """Every reader's limits, for every format: text of at most ``MAX_DOCUMENT_BYTES``, and no NUL or
    undecodable character in its text, id, outlet, date or title; a ``DocumentError`` naming ``where``."""
    if not isinstance(article.text, str):
        raise DocumentError(f"{where}: has no text")
    if len(article.text) > MAX_DOCUMENT_BYTES // 4:  # only then can the UTF-8 be over the limit
        size = len(article.text.encode("utf-8", "surrogatepass"))
        if size > MAX_DOCUMENT_BYTES:
            raise DocumentError(
                f"{where}: is {size / 2**20:.1f} MB, more than the {MAX_DOCUMENT_BYTES // 2**20} MB one article "
                "may be; split it into articles"
            )
    for name in ("text", "id", "outlet", "date", "title"):
        value = getattr(article, name)
        found = _FORBIDDEN.search(value) if isinstance(value, str) and not _plain(value) else None
        if found:
            char = found.group()
            what = (
                "a NUL character"
                if char == "\x00"
                else f"an undecodable byte {ord(char) - 0xDC00:#04x}"
                if "\udc80" <= char <= "\udcff"
                else f"a lone surrogate U+{ord(char):04X}"
            )
            raise DocumentError(f"{where}: its {name} holds {what} at character {found.start() + 1}; fix the row")


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


def _allsides_article(row: dict, number: int, where: str) -> Article:
    if row.get("ID") is None:
        raise DocumentError(f"{where}: has no 'ID'")
    extra = {k: row[k] for k in ("url", "authors", "topic", "bias", "bias_text", "syria_mentions") if k in row}
    return Article(
        "allsides",
        str(row["ID"]),
        row.get("content_original") or "",
        _text_or_none(row.get("source")),
        _text_or_none(row.get("date")),
        _text_or_none(row.get("title")),
        extra,
    )


def _text_or_none(value) -> str | None:
    return None if value is None else str(value)


def _generic(corpus: str, fields: Fields):
    def build(row: dict, number: int, where: str) -> Article:
        text = row.get(fields.text)
        if not isinstance(text, str):
            raise DocumentError(f"{where}: field {fields.text!r} is missing or not text")
        known = {fields.text, fields.id, fields.outlet, fields.date, fields.title}
        return Article(
            corpus=corpus,
            id=str(row[fields.id]) if fields.id and row.get(fields.id) is not None else str(number),
            text=text,
            outlet=str(row[fields.outlet]) if fields.outlet and row.get(fields.outlet) is not None else None,
            date=iso_date(str(row[fields.date])) if fields.date and row.get(fields.date) else None,
            title=_text_or_none(row.get(fields.title)) if fields.title else None,
            extra={k: v for k, v in row.items() if k not in known},
        )

    return build


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
    """A CSV, JSON Lines or Parquet corpus: FA-KES and AllSides are recognised, others need ``fields``.

    Each row is read and checked on its own (``check_article``): a bad row is a ``DocumentError`` naming
    the file and line, and the others are read. An id that repeats with the same text is read once;
    with another text, the later row is reported and skipped (FA-KES keeps its documented ``#2`` ids).
    """
    rows = _rows(path)
    head: list = []
    for item in rows:  # the first good row tells the format; bad rows before it are kept to report
        head.append(item)
        if not isinstance(item, DocumentError):
            break
    if not head:
        raise FramingError(f"{path}: has no rows; give a file with a header and rows")
    columns = None if isinstance(head[-1], DocumentError) else head[-1][1].keys()
    rows = itertools.chain(head, rows)
    if columns is not None and fields is None and FAKES_COLUMNS <= columns:
        seen: dict[str, list[str]] = {}
        yield from _articles(rows, lambda row, number, where: _fakes_article(row, seen), unique=False)
        return
    if columns is not None and fields is None and ALLSIDES_FIELDS <= columns:
        yield from _articles(rows, _allsides_article)
        return
    fields = fields or Fields()
    if columns is not None:
        _check_fields(path, columns, fields)
    yield from _articles(rows, _generic(stem(path), fields))


def _articles(rows: Iterable, build, unique: bool = True) -> Iterator[Article | DocumentError]:
    """Checked articles of the rows (``build(row, number, where)`` makes one, or None to skip a row)."""
    first_of: dict[str, tuple[int, str]] = {}  # id -> (hash of its text, where it was)
    for number, item in enumerate(rows, start=1):
        if isinstance(item, DocumentError):
            yield item
            continue
        where, row = item
        try:
            article = build(row, number, where)
            if article is None:
                continue
            check_article(article, where)
        except DocumentError as error:
            yield error
            continue
        if not unique:
            yield article
            continue
        key, earlier = first_of.setdefault(article.id, (hash(article.text), where))
        if earlier == where:
            yield article
        elif key != hash(article.text):
            yield DocumentError(
                f"{where}: id {article.id!r} was already used by {earlier} for another text; skipped "
                "(give every article its own id)"
            )


def read_path(path: Path, fields: Fields | None = None, outlet: str | None = None) -> Iterator[Article | DocumentError]:
    """Articles from a directory (``.txt`` and ``.html`` files, recursively), one text file or HTML page,
    a CSV/JSON Lines/Parquet corpus, any of them ``.gz`` or ``.zst``, or standard input (``-``, ``read_stdin``).

    ``outlet`` is the outlet of every article read (a folder of one outlet's articles)."""
    if str(path) == STDIN:
        yield from read_stdin(fields, outlet)
        return
    path = Path(path)
    if not path.exists():
        raise FramingError(f"{path}: no such file or directory")
    for item in _read(path, fields, outlet):
        if outlet is not None and isinstance(item, Article):
            item.outlet = outlet
        yield item


def _read(path: Path, fields: Fields | None, outlet: str | None) -> Iterator[Article | DocumentError]:
    if path.is_dir():
        yield from read_text_dir(path, outlet=outlet)
    elif kind(path) in TABLE_SUFFIXES:
        yield from read_table(path, fields)
    else:
        try:
            yield read_text_file(path, corpus=path.parent.name or "txt", outlet=outlet)
        except DocumentError as error:
            yield error


def read_stdin(fields: Fields | None = None, outlet: str | None = None) -> Iterator[Article | DocumentError]:
    """Articles piped into standard input: JSON Lines, a CSV (its header names the text field), an HTML
    page or one plain-text article, gzip- or Zstandard-compressed or not (``sources.guess_suffix``); the corpus is
    ``stdin`` and messages name ``<stdin>``."""
    with spooled_stdin((fields or Fields()).text) as spooled:
        try:
            for item in read_path(spooled, fields, outlet):
                yield as_stdin(item, spooled) if isinstance(item, DocumentError) else item
        except FramingError as error:
            raise as_stdin(error, spooled) from None


def sentence_lines(path: Path) -> Iterator[tuple[int, dict] | DocumentError]:
    """A plain-text ``--sentences`` file (possibly ``.gz`` or ``.zst``): one sentence per non-empty line, as rows
    ``{"id": "<file>:<line>", "text": ...}`` with their line numbers, like JSON Lines rows."""
    if _looks_binary(path):
        yield DocumentError(f"{path}: looks like a binary file (NUL bytes); give a text file in UTF-8")
        return
    name = stem(path)
    try:
        for number, line in enumerate(_lines(path, ("utf-8", "cp1252")), start=1):
            if line.strip():
                yield number, {"id": f"{name}:{number}", "text": line.strip()}
    except DAMAGED as error:
        yield DocumentError(f"{damaged(path, error)}; the lines before the damage were read")


def load_articles(path: Path, fields: Fields | None = None, outlet: str | None = None) -> dict[str, Article]:
    """All readable articles of a corpus by ``doc`` key (for joining annotations)."""
    return {a.doc: a for a in read_path(path, fields, outlet) if isinstance(a, Article)}
