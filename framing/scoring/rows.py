"""The scored sentence: the one row type scoring writes and every later stage reads.

A scores file (JSON Lines or Parquet) holds one ``ScoredSentence`` per sentence; ``ARROW_SCHEMA``
is its Parquet schema. Whether a row has an outlet is decided here once: a missing or empty outlet
is ``UNKNOWN`` in profiles, differences, series and the report alike.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, fields
from pathlib import Path

from framing.classifiers.schema import ACTORS, FIELDS, LABELS, check_record
from framing.errors import FramingError
from framing.io import read_jsonl

#: The group of rows whose outlet (or other grouping field) is missing or empty.
UNKNOWN = "unknown"
#: The fields a profile, series or comparison may group rows by.
GROUPS = ("outlet", "year", "date", "doc", "model", "voice")


@dataclass(frozen=True, slots=True)
class ScoredSentence:
    """One sentence with its labels: where it is (``doc``, index, character offsets), its article's
    outlet and date, the label per field, each field's probabilities (``scores``), the lexicon terms
    found in it and, where added (``framing.scoring.evidence``), the words the model's labels rest on
    (``evidence``: ``Evidence.as_dict`` entries) and the model that labelled it."""

    doc: str
    sentence: int = 0
    start: int = 0
    end: int = 0
    text: str = ""
    outlet: str | None = None
    date: str | None = None
    opposition: str = "none"
    state: str = "none"
    voice: str = "none"
    scores: dict[str, dict[str, float]] = field(default_factory=dict)
    evidence: list[dict] = field(default_factory=list)
    model: str = ""

    @property
    def outlet_name(self) -> str:
        """The outlet, or ``UNKNOWN`` when the article had none."""
        return self.outlet or UNKNOWN

    def group(self, by: str) -> str:
        """The row's group when grouping by ``by`` (one of ``GROUPS``; ``year`` is the date's year)."""
        if by == "outlet":
            return self.outlet_name
        if by == "year":
            return self.date[:4] if self.date else UNKNOWN
        if by not in GROUPS:
            raise FramingError(f"cannot group by {by!r}; choose one of {', '.join(GROUPS)}")
        value = getattr(self, by)
        return str(value) if value not in (None, "") else UNKNOWN

    def label(self, field_name: str) -> str:
        """The label of one field (``opposition``, ``state`` or ``voice``)."""
        return getattr(self, field_name)

    @property
    def names_an_actor(self) -> bool:
        """Whether the sentence names the opposition or the state."""
        return any(getattr(self, actor) != "none" for actor in ACTORS)

    def as_dict(self) -> dict:
        """The row as written to a scores file."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_dict(cls, row: dict, where: str = "scores") -> ScoredSentence:
        """A row read from a scores file, checked: a doc id and labels of the schema (``where`` names
        the file and line in the error)."""
        if not isinstance(row, dict) or row.get("doc") in (None, ""):
            raise FramingError(f"{where}: not a scored sentence (no 'doc'); make scores with `framing score`")
        labels = {}
        for name in FIELDS:
            value = row.get(name)
            if value not in LABELS[name]:
                allowed = ", ".join(LABELS[name])
                raise FramingError(f"{where}: {name} is {value!r}, not one of {allowed}; make it with `framing score`")
            labels[name] = value
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in row.items() if k in known} | labels
        values["doc"] = str(row["doc"])
        if isinstance(values.get("evidence"), list):
            values["evidence"] = [_unnulled(entry) for entry in values["evidence"]]
        for key in ("outlet", "date"):
            if values.get(key) is not None and not isinstance(values[key], str):
                values[key] = _text(values[key])
        return cls(**values)


def _unnulled(entry):
    """An evidence entry without the model-evidence keys that Arrow (Parquet, datasets, Spark) fills with
    null for a lexicon term, so that it reads as the same entry from JSON Lines."""
    if not isinstance(entry, dict):
        return entry
    return {k: v for k, v in entry.items() if not (k in ("source", "drop") and v is None)}


def _text(value) -> str | None:
    """A non-text outlet or date (a number from a CSV) as text; NaN as missing."""
    if isinstance(value, float) and math.isnan(value):
        return None
    return str(value)


def arrow_schema():
    """The Parquet schema of a scores file (``scores`` and ``evidence`` as nested columns)."""
    import pyarrow as pa

    evidence = pa.struct(
        [("term", pa.string()), ("start", pa.int32()), ("end", pa.int32()), ("field", pa.string())]
        + [("label", pa.string()), ("quoted", pa.bool_()), ("deciding", pa.bool_())]
        + [("source", pa.string()), ("drop", pa.float64())]  # model evidence only; null for a lexicon term
    )
    scores = pa.struct([(f, pa.struct([(label, pa.float64()) for label in LABELS[f]])) for f in FIELDS])
    return pa.schema(
        [("doc", pa.string()), ("sentence", pa.int32()), ("start", pa.int64()), ("end", pa.int64())]
        + [("text", pa.string()), ("outlet", pa.string()), ("date", pa.string())]
        + [(f, pa.string()) for f in FIELDS]
        + [("scores", scores), ("evidence", pa.list_(evidence)), ("model", pa.string())]
    )


def read_scores(paths: Iterable[Path]) -> list[ScoredSentence]:
    """The rows of one or more scores files (JSON Lines or Parquet), checked."""
    rows = [row for path in paths for row in _rows(Path(path))]
    if not rows:
        raise FramingError("the scores files hold no rows; run `framing score` first")
    return rows


def _rows(path: Path) -> Iterator[ScoredSentence]:
    if path.suffix.lower() != ".parquet":
        for number, row in enumerate(read_jsonl(path), start=1):
            yield ScoredSentence.from_dict(row, f"{path} row {number}")
        return
    import pyarrow.parquet as pq

    if not path.is_file():
        raise FramingError(f"{path}: no such file")
    try:
        table = pq.read_table(path).to_pylist()
    except Exception as error:  # pyarrow raises several types for a broken file
        raise FramingError(f"{path}: not a readable Parquet file ({error})")
    for number, row in enumerate(table, start=1):
        yield ScoredSentence.from_dict(row, f"{path} row {number}")


# -- rows a page or table can show ------------------------------------------------------

#: Types of the fields of a scores row that the page shows (``None``: may be missing).
SHOWN_TYPES: dict[str, tuple[type, ...]] = {
    "doc": (str,),
    "sentence": (int,),
    "text": (str,),
    "model": (str,),
    "outlet": (str, type(None)),
    "date": (str, type(None)),
    "evidence": (list,),
}


def row_problems(row: ScoredSentence) -> list[str]:
    """Why a scored sentence cannot be shown (empty when it can): labels outside the schema or at odds,
    a shown field of the wrong type, evidence that is not a span of the sentence with a label of the schema."""
    problems = check_record({name: getattr(row, name) for name in FIELDS})
    for key, kinds in SHOWN_TYPES.items():
        value = getattr(row, key)
        if not isinstance(value, kinds) or isinstance(value, bool):
            problems.append(f"{key} is {type(value).__name__}, not {' or '.join(k.__name__ for k in kinds)}")
    if not problems:
        problems += [p for e in row.evidence if (p := evidence_problem(e, len(row.text)))]
    return problems


def evidence_problem(entry, length: int) -> str | None:
    """Why one evidence entry of a sentence ``length`` characters long cannot be shown, or None."""
    if not isinstance(entry, dict):
        return "an evidence entry is not an object"
    start, end = entry.get("start"), entry.get("end")
    if not (type(start) is int and type(end) is int and 0 <= start <= end <= length):
        return f"evidence span {start!r}-{end!r} is not within the sentence"
    field_name, label = entry.get("field"), entry.get("label")
    if field_name not in ACTORS or label not in LABELS[field_name]:
        return f"evidence label {field_name!r}: {label!r} is not in the schema"
    source, drop = entry.get("source", "lexicon"), entry.get("drop")
    if source not in ("lexicon", "model"):
        return f"evidence source {source!r} is not lexicon or model"
    if source == "model" and not (type(drop) in (int, float) and 0 <= drop <= 1):
        return f"model evidence drop {drop!r} is not a number within 0-1"
    return None


def usable_rows(rows: list[ScoredSentence], path: Path) -> tuple[list[ScoredSentence], str]:
    """The rows of a scores file that the page can show, and a note on those left out ('' if none).

    A left-out row is reported on stderr (the file, how many, the first problems); a file with no
    usable row is an error.
    """
    kept, problems = [], []
    for number, row in enumerate(rows, start=1):
        found = row_problems(row)
        if found:
            problems.append(f"row {number}: {found[0][:160]}")
        else:
            kept.append(row)
    if not kept:
        raise FramingError(f"{path}: no row can be shown ({problems[0]}); make the scores with `framing score`")
    if not problems:
        return kept, ""
    note = f"{path}: left out {len(problems)} of {len(rows)} rows that are not valid scores ({'; '.join(problems[:3])})"
    print(note, file=sys.stderr)
    return kept, note
