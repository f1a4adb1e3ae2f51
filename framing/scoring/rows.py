"""The scored sentence: the one row type scoring writes and every later stage reads.

A scores file (JSON Lines or Parquet) holds one ``ScoredSentence`` per sentence; ``ARROW_SCHEMA``
is its Parquet schema. Whether a row has an outlet is decided here once: a missing or empty outlet
is ``UNKNOWN`` in profiles, differences, series and the report alike.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from framing.classifiers.schema import DEFAULT_SCHEME, SCHEME, Scheme
from framing.errors import FramingError
from framing.io import read_jsonl
from framing.schemes import NONE, Labelled, shipped_scheme

#: The group of rows whose outlet (or other grouping field) is missing or empty.
UNKNOWN = "unknown"
#: The fields a profile, series or comparison may group rows by.
GROUPS = ("outlet", "year", "date", "doc", "model", "voice")


@dataclass(frozen=True, slots=True, init=False)
class ScoredSentence(Labelled):
    """One sentence with its labels: where it is (``doc``, index, character offsets), its article's
    outlet and date, the label per actor field of its ``scheme`` (``actors``; each also reads as an
    attribute: ``row.opposition``), its ``voice``, each field's probabilities (``scores``), the lexicon
    terms found in it and, where added (``framing.scoring.evidence``), the words the model's labels rest on
    (``evidence``: ``Evidence.as_dict`` entries) and the model that labelled it.

    ``ScoredSentence(doc, opposition="rebel", voice="own")`` gives the actors' labels as keywords (any
    actor left out is ``none``); ``actors=`` gives them as a mapping."""

    doc: str
    sentence: int
    start: int
    end: int
    text: str
    outlet: str | None
    date: str | None
    actors: dict[str, str]
    voice: str
    scores: dict[str, dict[str, float]]
    evidence: list[dict]
    model: str
    scheme: Scheme = field(compare=False, repr=False)

    def __init__(
        self,
        doc: str,
        sentence: int = 0,
        start: int = 0,
        end: int = 0,
        text: str = "",
        outlet: str | None = None,
        date: str | None = None,
        actors: dict[str, str] | None = None,
        voice: str = NONE,
        scores: dict[str, dict[str, float]] | None = None,
        evidence: list[dict] | None = None,
        model: str = "",
        scheme: Scheme | None = None,
        **actor_labels: str,
    ) -> None:
        scheme = scheme or SCHEME
        given = dict(actors or {}) | actor_labels
        unknown = [name for name in given if name not in scheme.actor_fields]
        if unknown:
            raise TypeError(
                f"{', '.join(unknown)}: not an actor of scheme {scheme.name} ({', '.join(scheme.actor_fields)})"
            )
        values = {
            "doc": doc, "sentence": sentence, "start": start, "end": end, "text": text, "outlet": outlet,
            "date": date, "actors": {a: given.get(a, NONE) for a in scheme.actor_fields}, "voice": voice,
            "scores": {} if scores is None else scores, "evidence": [] if evidence is None else evidence,
            "model": model, "scheme": scheme,
        }  # fmt: skip
        for key, value in values.items():
            object.__setattr__(self, key, value)

    @classmethod
    def made(
        cls, doc: str, sentence: int, start: int, end: int, text: str, outlet: str | None, date: str | None,
        actors: dict[str, str], voice: str, scores: dict, evidence: list[dict], model: str, scheme: Scheme,
    ) -> ScoredSentence:  # fmt: skip
        """A row from values already checked, ``actors`` holding every actor of ``scheme`` in its order (as
        ``framing.scoring.streaming.label_rows`` makes them): the constructor without its checks."""
        row, put = object.__new__(cls), object.__setattr__
        put(row, "doc", doc)
        put(row, "sentence", sentence)
        put(row, "start", start)
        put(row, "end", end)
        put(row, "text", text)
        put(row, "outlet", outlet)
        put(row, "date", date)
        put(row, "actors", actors)
        put(row, "voice", voice)
        put(row, "scores", scores)
        put(row, "evidence", evidence)
        put(row, "model", model)
        put(row, "scheme", scheme)
        return row

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

    @property
    def names_an_actor(self) -> bool:
        """Whether the sentence names any actor of its scheme."""
        return any(label != NONE for label in self.actors.values())

    def as_dict(self) -> dict:
        """The row as written to a scores file: each field at the top level, in the scheme's order; the
        scheme's name only where it is not the default (files of the Syrian scheme read as they always did)."""
        head = {k: getattr(self, k) for k in ("doc", "sentence", "start", "end", "text", "outlet", "date")}
        tail = {"scores": self.scores, "evidence": self.evidence, "model": self.model}
        named = {} if self.scheme.name == DEFAULT_SCHEME else {"scheme": self.scheme.name}
        return head | self.actors | {"voice": self.voice} | tail | named

    @classmethod
    def from_dict(cls, row: dict, where: str = "scores", scheme: Scheme | None = None) -> ScoredSentence:
        """A row read from a scores file, checked: a doc id and labels of its scheme (``scheme``, else the
        one its ``scheme`` key names, else the default; ``where`` names the file and line in the error)."""
        if not isinstance(row, dict) or row.get("doc") in (None, ""):
            raise FramingError(f"{where}: not a scored sentence (no 'doc'); make scores with `framing score`")
        scheme = scheme_named(row.get("scheme"), scheme, where)
        labels = {}
        for name in scheme.fields:
            value = row.get(name)
            if value not in scheme.labels[name]:
                allowed = ", ".join(scheme.labels[name])
                raise FramingError(f"{where}: {name} is {value!r}, not one of {allowed}; make it with `framing score`")
            labels[name] = value
        values = {k: row[k] for k in _PLAIN if k in row}
        values["doc"] = str(row["doc"])
        if isinstance(values.get("evidence"), list):
            values["evidence"] = [_unnulled(entry) for entry in values["evidence"]]
        for key in ("outlet", "date"):
            if values.get(key) is not None and not isinstance(values[key], str):
                values[key] = _text(values[key])
        voice = labels.pop(scheme.voice.field)
        return cls(**values, actors=labels, voice=voice, scheme=scheme)


#: The keys of a scores row besides its labels.
_PLAIN = ("doc", "sentence", "start", "end", "text", "outlet", "date", "scores", "evidence", "model")


def scheme_named(name: str | None, given: Scheme | None = None, where: str = "scores") -> Scheme:
    """The scheme a scores row names (``None``: the default): ``given`` if it is that one, else the
    shipped scheme of that name; a row of another scheme than ``given`` is an error."""
    name = name or DEFAULT_SCHEME
    if given is not None:
        if given.name != name:
            raise FramingError(f"{where}: scores of scheme {name!r}, not {given.name!r}; give that scheme's file")
        return given
    if name == DEFAULT_SCHEME:
        return SCHEME
    try:
        return shipped_scheme(name)
    except FramingError:
        raise FramingError(f"{where}: scores of scheme {name!r}; give its scheme file (--scheme FILE)") from None


def scheme_of(rows: Sequence[ScoredSentence]) -> Scheme:
    """The one scheme of ``rows`` (the default for none); rows of different schemes are an error."""
    if not rows:
        return SCHEME
    first = rows[0].scheme
    for row in rows:
        if row.scheme is not first and not row.scheme.same_as(first):
            raise FramingError(f"rows of two schemes ({first.name} and {row.scheme.name}) cannot be analysed together")
    return first


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


def arrow_schema(scheme: Scheme | None = None):
    """The Parquet schema of a scores file of ``scheme`` (default: the Syrian one), ``scores`` and
    ``evidence`` as nested columns; a file of another scheme holds its name in a ``scheme`` column."""
    import pyarrow as pa

    scheme = scheme or SCHEME
    fields, known = scheme.fields, scheme.labels

    evidence = pa.struct(
        [("term", pa.string()), ("start", pa.int32()), ("end", pa.int32()), ("field", pa.string())]
        + [("label", pa.string()), ("quoted", pa.bool_()), ("deciding", pa.bool_())]
        + [("source", pa.string()), ("drop", pa.float64())]  # model evidence only; null for a lexicon term
    )
    scores = pa.struct([(f, pa.struct([(label, pa.float64()) for label in known[f]])) for f in fields])
    return pa.schema(
        [("doc", pa.string()), ("sentence", pa.int32()), ("start", pa.int64()), ("end", pa.int64())]
        + [("text", pa.string()), ("outlet", pa.string()), ("date", pa.string())]
        + [(f, pa.string()) for f in fields]
        + [("scores", scores), ("evidence", pa.list_(evidence)), ("model", pa.string())]
        + ([("scheme", pa.string())] if scheme.name != DEFAULT_SCHEME else [])
    )


def read_scores(paths: Iterable[Path], scheme: Scheme | None = None) -> list[ScoredSentence]:
    """The rows of one or more scores files (JSON Lines or Parquet), checked against their scheme
    (``scheme``, or the shipped one each row names; the default for none); one scheme in all."""
    rows = [row for path in paths for row in _rows(Path(path), scheme)]
    if not rows:
        raise FramingError("the scores files hold no rows; run `framing score` first")
    scheme_of(rows)
    return rows


def _rows(path: Path, scheme: Scheme | None = None) -> Iterator[ScoredSentence]:
    if path.suffix.lower() != ".parquet":
        for number, row in enumerate(read_jsonl(path), start=1):
            yield ScoredSentence.from_dict(row, f"{path} row {number}", scheme)
        return
    import pyarrow.parquet as pq

    if not path.is_file():
        raise FramingError(f"{path}: no such file")
    try:
        table = pq.read_table(path).to_pylist()
    except Exception as error:  # pyarrow raises several types for a broken file
        raise FramingError(f"{path}: not a readable Parquet file ({error})")
    for number, row in enumerate(table, start=1):
        yield ScoredSentence.from_dict(row, f"{path} row {number}", scheme)


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
    problems = row.scheme.check_record(row.actors | {row.scheme.voice.field: row.voice})
    for key, kinds in SHOWN_TYPES.items():
        value = getattr(row, key)
        if not isinstance(value, kinds) or isinstance(value, bool):
            problems.append(f"{key} is {type(value).__name__}, not {' or '.join(k.__name__ for k in kinds)}")
    if not problems:
        problems += [p for e in row.evidence if (p := evidence_problem(e, len(row.text), row.scheme))]
    return problems


def evidence_problem(entry, length: int, scheme: Scheme | None = None) -> str | None:
    """Why one evidence entry of a sentence ``length`` characters long cannot be shown (its label not
    one of ``scheme``'s actors', default the Syrian scheme), or None."""
    scheme = scheme or SCHEME
    if not isinstance(entry, dict):
        return "an evidence entry is not an object"
    start, end = entry.get("start"), entry.get("end")
    if not (type(start) is int and type(end) is int and 0 <= start <= end <= length):
        return f"evidence span {start!r}-{end!r} is not within the sentence"
    field_name, label = entry.get("field"), entry.get("label")
    if field_name not in scheme.actor_fields or label not in scheme.labels[field_name]:
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
