"""Output formats of ``framing score``, chosen by the ``--out`` file's extension.

``.jsonl`` (JSON Lines) and ``.parquet`` hold the rows as they are (``ScoredSentence``, nested
``scores`` and ``evidence``); ``.csv`` and ``.xlsx`` hold them flat (``flat_columns``): one column
per label probability (``opposition_rebel``) and the evidence terms joined by ``; ``. ``.xlsx`` is
written only when ``openpyxl`` is installed. Any other extension is refused before any work.
Each chunk is encoded where it was scored (``encode``) and appended by a ``ChunkWriter``.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import NamedTuple

from framing.classifiers.schema import DEFAULT_SCHEME, SCHEME, Scheme
from framing.errors import FramingError
from framing.scoring.rows import ScoredSentence, arrow_schema

#: Extension -> format.
FORMATS = {".jsonl": "jsonl", ".parquet": "parquet", ".csv": "csv", ".xlsx": "xlsx"}


def flat_columns(scheme: Scheme = SCHEME) -> list[str]:
    """Columns of a flat (CSV, Excel) scores file of ``scheme``: a label column per field, a probability
    column per label (``opposition_rebel``)."""
    fields = scheme.fields
    return (
        ["doc", "sentence", "start", "end", "text", "outlet", "date", *fields]
        + [f"{name}_{label}" for name in fields for label in scheme.labels[name]]
        + ["evidence", "model"]
    )


#: Columns of a flat scores file of the default (Syrian) scheme.
FLAT_COLUMNS = flat_columns()
#: Rows an Excel sheet holds, its header included.
EXCEL_ROWS = 1_048_576


def output_format(path: Path) -> str:
    """The format of an output file by its extension (``FORMATS``); an unknown one is a ``FramingError``,
    as is ``.xlsx`` without ``openpyxl``."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        given = f"an unknown output format {suffix!r}" if suffix else "no extension to tell the output format"
        raise FramingError(f"{path}: has {given}; name the output {', '.join(FORMATS)} (by its extension)")
    if suffix == ".xlsx":
        try:
            import openpyxl  # noqa: F401
        except ImportError:
            raise FramingError(
                f"{path}: writing .xlsx needs the openpyxl package, which is not installed "
                "(pip install openpyxl); or write .csv, which Excel opens too"
            )
    return FORMATS[suffix]


def binary(fmt: str) -> bool:
    """Whether files of the format are written in binary mode."""
    return fmt in ("parquet", "xlsx")


def flat_row(row: ScoredSentence) -> list:
    """A row as the values of ``flat_columns(row.scheme)``."""
    fields, known = row.scheme.fields, row.scheme.labels
    probabilities = [row.scores.get(name, {}).get(label) for name in fields for label in known[name]]
    evidence = "; ".join(str(e.get("term", "")) for e in row.evidence)
    place = [row.doc, row.sentence, row.start, row.end, row.text, row.outlet, row.date]
    return place + [row.label(name) for name in fields] + probabilities + [evidence, row.model]


def encode(rows: list[ScoredSentence], fmt: str):
    """A chunk of rows as JSON Lines or CSV text, an Arrow record batch, or flat rows for Excel (done in
    the worker)."""
    if fmt == "parquet":
        import pyarrow as pa

        scheme = rows[0].scheme if rows else SCHEME
        return pa.RecordBatch.from_pylist([row.as_dict() for row in rows], schema=arrow_schema(scheme))
    if fmt == "csv":
        text = io.StringIO()
        csv.writer(text).writerows(flat_row(row) for row in rows)
        return text.getvalue()
    if fmt == "xlsx":
        return [flat_row(row) for row in rows]
    return json_lines(rows)


# -- JSON Lines: the bytes json.dumps(row.as_dict(), ensure_ascii=False) writes, a few times faster ----------

_STRING = json.encoder.encode_basestring  # the string encoder json.dumps uses with ensure_ascii=False
_FLOAT = float.__repr__
_INT = int.__repr__
#: The keys of a row besides its actors'.
_PLACED = frozenset(
    ("doc", "sentence", "start", "end", "text", "outlet", "date", "voice", "scores", "evidence", "model", "scheme")
)
#: Encoded keys (``"name": ``) of the few names rows hold (fields, labels), kept once made.
_KEYS: dict[str, str] = {}


def _key(name: str) -> str:
    """``"name": `` as JSON writes a key and its separator."""
    encoded = _KEYS.get(name)
    if encoded is None:
        encoded = _STRING(name) + ": "
        if len(_KEYS) < 10_000:
            _KEYS[name] = encoded
    return encoded


def _json(value) -> str:
    """``json.dumps(value, ensure_ascii=False)``: plain values and containers of them encoded here, anything
    else (NaN, numpy numbers, keys that are not text) by ``json.dumps`` itself."""
    kind = type(value)
    if kind is str:
        return _STRING(value)
    if kind is int:
        return _INT(value)
    if kind is float and value - value == 0:  # finite
        return _FLOAT(value)
    if value is None:
        return "null"
    if kind is bool:
        return "true" if value else "false"
    if kind is dict and all(type(key) is str for key in value):
        return "{" + ", ".join([_key(key) + _json(item) for key, item in value.items()]) + "}"
    if kind is list:
        return "[" + ", ".join([_json(item) for item in value]) + "]"
    return json.dumps(value, ensure_ascii=False)


def json_lines(rows: list[ScoredSentence]) -> str:
    """Rows as JSON Lines: each exactly ``json.dumps(row.as_dict(), ensure_ascii=False)`` and a newline, encoded
    field by field instead of through a dictionary (the lexicon writes tens of thousands a second per core;
    ``framing.scoring.streaming.json_chunk`` also reuses the end of rows that share their labels)."""
    lines = []
    for row in rows:
        if not _PLACED.isdisjoint(row.actors):  # an actor named like another key: the dictionary's merge decides
            lines.append(json.dumps(row.as_dict(), ensure_ascii=False) + "\n")
            continue
        lines.append(
            json_head(row.doc, row.sentence, row.start, row.end, row.text, row.outlet, row.date) + json_end(row)
        )
    return "".join(lines)


def json_head(doc, sentence, start, end, text, outlet, date) -> str:
    """The start of a row's JSON line, up to its labels (``json_lines``)."""
    if type(doc) is type(text) is str and type(sentence) is type(start) is type(end) is int:  # as rows hold them
        return (
            f'{{"doc": {_STRING(doc)}, "sentence": {_INT(sentence)}, "start": {_INT(start)}, "end": {_INT(end)}, '
            f'"text": {_STRING(text)}, "outlet": {_json(outlet)}, "date": {_json(date)}, '
        )
    return (
        f'{{"doc": {_json(doc)}, "sentence": {_json(sentence)}, "start": {_json(start)}, "end": {_json(end)}, '
        f'"text": {_json(text)}, "outlet": {_json(outlet)}, "date": {_json(date)}, '
    )


def json_end(row: ScoredSentence, scores: str | None = None) -> str:
    """The rest of a row's JSON line after ``json_head``: its labels, scores (``_json(row.scores)`` unless given
    encoded), evidence and model, and the line's end. Only for rows of a scheme ``written_by_field``."""
    return _end(row, _json(row.scores) if scores is None else scores)


def json_scores(row: ScoredSentence) -> str:
    """A row's scores as its JSON line holds them (for ``json_end``)."""
    return _json(row.scores)


def written_by_field(scheme: Scheme) -> bool:
    """Whether rows of ``scheme`` are written as ``json_head`` and ``json_end`` (no actor is named like another
    key of a row, which the dictionary's merge in ``as_dict`` would place elsewhere)."""
    return _PLACED.isdisjoint(scheme.actor_fields)


def _end(row: ScoredSentence, scores: str) -> str:
    """The encoded part of a row after its date, given its encoded ``scores``: its labels, scores, evidence
    and model (and scheme), and the line's end."""
    named = "" if row.scheme.name == DEFAULT_SCHEME else ', "scheme": ' + _STRING(row.scheme.name)
    return (
        "".join([_key(field) + _json(label) + ", " for field, label in row.actors.items()])
        + f'"voice": {_json(row.voice)}, "scores": {scores}, "evidence": {_evidence(row.evidence)}, '
        f'"model": {_json(row.model)}{named}}}\n'
    )


#: The keys of a lexicon term's evidence entry (``Evidence.as_dict``), in order.
_TERM_KEYS = ("term", "start", "end", "field", "label", "quoted", "deciding")


def _evidence(entries) -> str:
    """``_json`` of a row's evidence; a lexicon term's entry (text, whole numbers and truth values under its
    usual keys) written straight."""
    if type(entries) is not list:
        return _json(entries)
    encoded = []
    for entry in entries:
        if type(entry) is dict and tuple(entry) == _TERM_KEYS:
            term, start, end, field, label, quoted, deciding = entry.values()
            if type(term) is type(field) is type(label) is str and type(start) is type(end) is int:
                if type(quoted) is type(deciding) is bool:
                    encoded.append(
                        f'{{"term": {_STRING(term)}, "start": {_INT(start)}, "end": {_INT(end)}, '
                        f'"field": {_STRING(field)}, "label": {_STRING(label)}, '
                        f'"quoted": {"true" if quoted else "false"}, "deciding": {"true" if deciding else "false"}}}'
                    )
                    continue
        encoded.append(_json(entry))
    return "[" + ", ".join(encoded) + "]"


class SpooledChunk(NamedTuple):
    """An encoded chunk a worker wrote to a file of its own (``spool``) instead of sending it back through a pipe:
    the writer copies the file into the output in the kernel (``os.sendfile``) and removes it."""

    path: str
    size: int


def spool(payload: bytes, directory: str) -> SpooledChunk:
    """Write an encoded chunk to a new file in ``directory``; a full disk is a ``FramingError`` that says where."""
    try:
        handle, path = tempfile.mkstemp(prefix="chunk-", dir=directory)
        with os.fdopen(handle, "wb") as out:
            out.write(payload)
    except OSError as error:
        raise FramingError(
            f"a scored chunk cannot be written to the temporary folder {directory} ({error.strerror or error}); "
            "free some space there or point TMPDIR elsewhere"
        ) from None
    return SpooledChunk(path, len(payload))


def _append_file(handle, chunk: SpooledChunk) -> None:
    """Append a spooled chunk's bytes to the binary file under the text ``handle`` (flushed first, its buffer
    with it, so that nothing is reordered), then remove the chunk's file."""
    handle.flush()
    with open(chunk.path, "rb") as source:
        if not _sent(handle.fileno(), source.fileno(), chunk):
            shutil.copyfileobj(source, handle.buffer)
    os.unlink(chunk.path)


def _sent(out: int, source: int, chunk: SpooledChunk) -> bool:
    """Copy all of ``chunk`` from ``source`` to ``out`` in the kernel (``os.sendfile``); False, nothing sent, where
    there is no sendfile (not Linux) or it refuses these files; a failure once bytes went is raised."""
    sendfile = getattr(os, "sendfile", None)
    sent = 0
    while sendfile is not None and sent < chunk.size:
        try:
            done = sendfile(out, source, sent, chunk.size - sent)
        except OSError:
            if sent:
                raise
            return False
        if done == 0:
            raise OSError(f"{chunk.path}: ended {chunk.size - sent} bytes early")
        sent += done
    return sendfile is not None


class ChunkWriter:
    """Appends encoded chunks of rows of ``scheme`` to an open output file (opened in binary mode where
    ``binary(fmt)``)."""

    def __init__(self, handle, fmt: str, scheme: Scheme = SCHEME) -> None:
        self.handle, self.fmt, self._parquet, self._excel = handle, fmt, None, None
        if fmt == "parquet":
            import pyarrow.parquet as pq

            self._parquet = pq.ParquetWriter(handle, arrow_schema(scheme), compression="zstd")
        elif fmt == "csv":
            csv.writer(handle).writerow(flat_columns(scheme))
        elif fmt == "xlsx":
            self._excel = ExcelSheet(flat_columns(scheme))

    def write(self, payload) -> None:
        """Append one chunk's payload (``encode``'s; JSON Lines and CSV also as UTF-8 bytes, or the file a worker
        wrote them to, ``SpooledChunk``)."""
        if self._parquet is not None:
            self._parquet.write_batch(payload)
        elif self._excel is not None:
            self._excel.append(payload)
        elif isinstance(payload, bytes):  # text already encoded (UTF-8, the handle's) where it was made
            self.handle.flush()
            self.handle.buffer.write(payload)
        elif isinstance(payload, SpooledChunk):  # encoded text a worker left in a file
            _append_file(self.handle, payload)
        else:
            self.handle.write(payload)

    def close(self) -> None:
        if self._parquet is not None:
            self._parquet.close()
        if self._excel is not None:
            self._excel.save(self.handle)


class ExcelSheet:
    """A write-only workbook of one sheet, ``scores``. Text is stored as text: a sentence that starts
    with ``=`` stays a sentence, never a formula; characters Excel cannot hold (control characters)
    are dropped from the cell."""

    def __init__(self, columns: list[str] = FLAT_COLUMNS) -> None:
        from openpyxl import Workbook

        self.book = Workbook(write_only=True)
        self.sheet = self.book.create_sheet("scores")
        self.rows = 0
        self.append([columns])

    def append(self, rows: list[list]) -> None:
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        self.rows += len(rows)
        if self.rows > EXCEL_ROWS:
            raise FramingError(
                f"more than the {EXCEL_ROWS:,} rows an Excel sheet holds; write .csv or .parquet instead"
            )
        for values in rows:
            cells = []
            for value in values:
                if not isinstance(value, str):
                    cells.append(value)
                    continue
                cell = WriteOnlyCell(self.sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
                cell.data_type = "s"
                cells.append(cell)
            self.sheet.append(cells)

    def save(self, handle) -> None:
        self.book.save(handle)
