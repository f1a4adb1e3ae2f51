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
from pathlib import Path

from framing.classifiers.schema import SCHEME, Scheme
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
    return "".join(json.dumps(row.as_dict(), ensure_ascii=False) + "\n" for row in rows)


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
        if self._parquet is not None:
            self._parquet.write_batch(payload)
        elif self._excel is not None:
            self._excel.append(payload)
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
