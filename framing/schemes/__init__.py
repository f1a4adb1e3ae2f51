"""Label schemes as data: which actors a sentence may name, with which labels, in a TOML file.

A scheme file (``syria.toml`` here is the shipped default; ``framing init-scheme`` writes a commented
skeleton) says which fields a classifier predicts: one per actor, labels in a fixed order with
``none`` first, which naming wins when several meet (``precedence``, weakest first), which labels
delegitimise, who counts as the actor; then the ``voice`` field (``none`` exactly when every actor is
``none``), and the framing map's axes. ``Scheme`` is the validated file (unknown keys refused, each
problem named with the closest valid key) with the operations every classifier needs.

Stage 1 beside ``framing.corpus``. Modules: this one (the file format, ``Scheme``, loading) and
``skeleton`` (``framing init-scheme``). May import: ``framing.errors`` only.
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import json
import tomllib
import typing
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, model_validator

from framing.errors import FramingError

SCHEMES_DIR = Path(__file__).resolve().parent
#: The scheme of a model directory, gold file or lexicon that names none: the Syrian war's.
DEFAULT_SCHEME = "syria"
#: A model directory's copy of its scheme file.
SCHEME_FILE = "scheme.toml"
NONE = "none"

_NAME = r"^[a-z][a-z0-9_]*$"  # field and label names: safe as tensor keys, column names, "field:label"
#: Names an actor field may not take: the other keys and columns of a scores row, a profile, a gold
#: record or a sentences file, and the row's own attributes (``row.group(by)``, ``row.label(field)``).
RESERVED_FIELDS = frozenset(
    "doc sentence start end text outlet date labels voice scores evidence model scheme group label "
    "as_dict from_dict outlet_name names_an_actor year actor share low high sentences articles enough "
    "estimator annotator note title previous id period actors".split()
)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Guidelines(_Strict):
    document: str = Field(description="The annotation guidelines the labels follow (a file name).")
    version: str = Field(description="Their version; a model records it.")


class Actor(_Strict):
    field: str = Field(pattern=_NAME, description="The field's name: a column of scores, a head of the transformer.")
    display: str = Field(description="How reports name the actor ('the opposition').")
    labels: list[str] = Field(description="The labels in their fixed order, none first.")
    precedence: list[str] = Field(description="Every label but none, weakest first: the last one met wins.")
    delegitimising: list[str] = Field(default_factory=list, description="Labels that delegitimise the actor.")
    who: str = Field("", description="Who counts as the actor (a note for annotators and readers).")
    not_who: str = Field("", description="Who does not.")

    @model_validator(mode="after")
    def _consistent(self) -> Actor:
        where = f"actor {self.field}"
        if self.field in RESERVED_FIELDS:
            raise ValueError(f"{where}: {self.field!r} is reserved (a column of scores or profiles); rename it")
        _check_labels(self.labels, where)
        naming = self.labels[1:]
        if sorted(self.precedence) != sorted(naming):
            raise ValueError(
                f"{where}: precedence {self.precedence} must name each of its labels but none once "
                f"({', '.join(naming)})"
            )
        unknown = [label for label in self.delegitimising if label not in naming]
        if unknown:
            raise ValueError(f"{where}: delegitimising names {', '.join(unknown)}, not among {', '.join(naming)}")
        return self


class Voice(_Strict):
    field: Literal["voice"] = Field("voice", description="The field's name: always voice (a row's ``voice``).")
    labels: list[str] = Field(description="none first, then whose wording a naming is (own, reported).")
    rule: Literal["none-exactly-when-no-actor"] = Field(
        "none-exactly-when-no-actor", description="Voice is none exactly when every actor is none."
    )

    @model_validator(mode="after")
    def _consistent(self) -> Voice:
        _check_labels(self.labels, f"voice {self.field}")
        return self


class Axis(_Strict):
    actor: str = Field(description="The actor field whose namings the share is of.")
    labels: list[str] = Field(min_length=1, description="The labels the share counts.")


class Map(_Strict):
    x: Axis
    y: Axis


class Scheme(_Strict):
    """A validated scheme file: its actors, voice field and framing map, with the operations of the
    labels (``fields``, ``actors``, ``labels``, ``strongest``, ``check_record``) and a ``hash`` of its content."""

    model_config = ConfigDict(extra="forbid", frozen=True, ignored_types=(cached_property,))

    name: str = Field(pattern=r"^[a-z][a-z0-9_-]*$", description="Short name of the scheme (a model records it).")
    version: str = Field(description="The scheme's own version: change it when labels or fields change.")
    guidelines: Guidelines
    actors: list[Actor] = Field(min_length=1, description="One field per actor.")
    voice: Voice
    map: Map
    _text: str | None = PrivateAttr(None)
    _source: str = PrivateAttr("<scheme>")

    @model_validator(mode="after")
    def _consistent(self) -> Scheme:
        names = [a.field for a in self.actors] + [self.voice.field]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise ValueError(f"fields: {', '.join(repeated)} named twice; each field needs its own name")
        by_field = {a.field: a for a in self.actors}
        for axis_name in ("x", "y"):
            axis = getattr(self.map, axis_name)
            if axis.actor not in by_field:
                raise ValueError(f"map.{axis_name}.actor: {axis.actor!r} is not an actor ({', '.join(by_field)})")
            unknown = [label for label in axis.labels if label not in by_field[axis.actor].labels[1:]]
            if unknown:
                naming = ", ".join(by_field[axis.actor].labels[1:])
                raise ValueError(
                    f"map.{axis_name}.labels: {', '.join(map(repr, unknown))} not a label of {axis.actor} ({naming})"
                )
        return self

    # -- the operations of the labels -----------------------------------------------------------
    @cached_property
    def fields(self) -> tuple[str, ...]:
        """Every field a classifier predicts: the actors in order, then voice."""
        return self.actor_fields + (self.voice.field,)

    @cached_property
    def actor_fields(self) -> tuple[str, ...]:
        """The actors' fields, in order (read for every scored row: computed once)."""
        return tuple(a.field for a in self.actors)

    @cached_property
    def labels(self) -> dict[str, tuple[str, ...]]:
        """Labels per field, in the fixed order every ``predict_proba`` follows."""
        return {a.field: tuple(a.labels) for a in self.actors} | {self.voice.field: tuple(self.voice.labels)}

    @cached_property
    def precedence(self) -> dict[str, tuple[str, ...]]:
        """Per actor, its naming labels weakest first."""
        return {a.field: tuple(a.precedence) for a in self.actors}

    def actor(self, field: str) -> Actor:
        for actor in self.actors:
            if actor.field == field:
                return actor
        raise KeyError(f"{field!r} is not an actor of scheme {self.name} ({', '.join(self.actor_fields)})")

    def strongest(self, field: str, labels: list[str]) -> str:
        """The label that wins among ``labels`` for an actor field (``none`` if empty)."""
        order = self.precedence[field]
        ranked = [label for label in labels if label in order]
        return max(ranked, key=order.index) if ranked else NONE

    def check_record(self, record: dict) -> list[str]:
        """Problems with the labels of a record (empty when it is valid)."""
        problems = []
        for field in self.fields:
            value = record.get(field)
            if value not in self.labels[field]:
                problems.append(f"{field}={value!r} is not one of {', '.join(self.labels[field])}")
        if not problems:
            named = any(record[a] != NONE for a in self.actor_fields)
            if named == (record[self.voice.field] == NONE):
                actors = self.actor_fields
                every = f"{' and '.join(actors)} are {'both' if len(actors) == 2 else 'all'} none"
                if len(actors) == 1:
                    every = f"{actors[0]} is none"
                problems.append(f"{self.voice.field} must be none exactly when {every}")
        return problems

    # -- identity -------------------------------------------------------------------------------
    @cached_property
    def canonical(self) -> str:
        """The content as canonical JSON: the same for any spelling, order or comments of the file."""
        return json.dumps(self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"), ensure_ascii=False)

    @cached_property
    def hash(self) -> str:
        """sha256 of the canonical content (hex)."""
        return hashlib.sha256(self.canonical.encode("utf-8")).hexdigest()

    @property
    def text(self) -> str:
        """The scheme file as read (comments kept), or its content written as TOML."""
        if self._text is not None:
            return self._text
        import tomli_w

        return tomli_w.dumps(self.model_dump(mode="json"))

    @property
    def source(self) -> str:
        return self._source

    def identity(self) -> dict[str, str]:
        """What a model directory records of its scheme."""
        return {"name": self.name, "version": self.version, "hash": self.hash}

    def same_as(self, other: Scheme) -> bool:
        return self.hash == other.hash


def _check_labels(labels: list[str], where: str) -> None:
    import re

    if not labels or labels[0] != NONE:
        raise ValueError(f"{where}: labels {labels} must start with none (the label of a sentence that names nobody)")
    if len(labels) < 2:
        raise ValueError(f"{where}: labels {labels} need at least one label besides none")
    repeated = sorted({label for label in labels if labels.count(label) > 1})
    if repeated:
        raise ValueError(f"{where}: labels {', '.join(repeated)} listed twice")
    bad = [label for label in labels if not re.match(_NAME, label)]
    if bad:
        raise ValueError(f"{where}: labels {bad} must be lower-case words (a-z, 0-9, _)")


class Labelled:
    """A sentence with the labels of a scheme (a scored row, a gold record, a lexicon decision): ``actors``
    (field -> label, in the scheme's order) and ``voice``, each actor's label also read as an attribute
    (``row.opposition``), every field's with ``label(field)`` and all of them with ``labels()``."""

    __slots__ = ()
    actors: dict[str, str]
    voice: str

    def __getattr__(self, name: str) -> str:
        try:
            actors = object.__getattribute__(self, "actors")
        except AttributeError:  # not set yet (while unpickling)
            raise AttributeError(name) from None
        if name in actors:
            return actors[name]
        raise AttributeError(f"{type(self).__name__} has no attribute or actor {name!r}")

    def labels(self) -> tuple[str, ...]:
        """Every field's label in the scheme's order (the actors', then voice)."""
        return (*self.actors.values(), self.voice)

    def label(self, field: str) -> str:
        """The label of one field (an actor's, or ``voice``)."""
        return self.voice if field == "voice" else self.actors[field]


# -- reading ------------------------------------------------------------------------------------
def scheme_from_text(text: str, source: str = "<scheme>") -> Scheme:
    """A scheme from the text of a scheme file; a bad one is a ``FramingError`` naming ``source``."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise FramingError(f"{source}: not valid TOML ({error})")
    try:
        scheme = Scheme.model_validate(data)
    except ValidationError as error:
        raise FramingError(f"{source}: bad scheme: " + "; ".join(problem(e) for e in error.errors()))
    scheme._text, scheme._source = text, source
    return scheme


def load_scheme(path: Path | str) -> Scheme:
    """A scheme file, or a shipped scheme by name (``syria``)."""
    path = Path(path)
    if not path.suffix and not path.exists() and (SCHEMES_DIR / f"{path.name}.toml").is_file():
        path = SCHEMES_DIR / f"{path.name}.toml"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        names = ", ".join(shipped())
        raise FramingError(f"{path}: no such scheme file; give a scheme file or a shipped scheme ({names})")
    except UnicodeDecodeError as error:
        raise FramingError(f"{path}: not UTF-8 (byte {error.object[error.start]:#04x}); re-save it as UTF-8")
    return scheme_from_text(text, str(path))


def shipped() -> list[str]:
    """The names of the schemes shipped with framing."""
    return [p.stem for p in sorted(SCHEMES_DIR.glob("*.toml"))]


@functools.cache
def shipped_scheme(name: str) -> Scheme:
    """A shipped scheme by name (``syria``, ``islamic-state``); another name is a ``FramingError``."""
    if name not in shipped():
        raise FramingError(f"no shipped scheme {name!r} ({', '.join(shipped())}); give a scheme file")
    return load_scheme(SCHEMES_DIR / f"{name}.toml")


def default_scheme() -> Scheme:
    """The shipped Syrian scheme: that of every model, gold file and lexicon that names none."""
    return shipped_scheme(DEFAULT_SCHEME)


def problem(error: dict) -> str:
    """One validation error as the user can act on it: the key, what is wrong and, for an unknown key,
    the closest valid one (or the valid keys)."""
    loc, message = tuple(map(str, error["loc"])), error["msg"].removeprefix("Value error, ")
    key = ".".join(loc)
    if error["type"] != "extra_forbidden":
        return f"{key + ': ' if key else ''}{message}"
    valid = _keys_at(error["loc"][:-1])
    close = difflib.get_close_matches(loc[-1], valid, n=1, cutoff=0.6)
    prefix = ".".join(loc[:-1]) + "." if len(loc) > 1 else ""
    hint = f"did you mean {prefix}{close[0]}?" if close else f"the keys here are {', '.join(valid)}"
    return f"unknown key {key}; {hint}"


def _keys_at(loc: tuple) -> list[str]:
    """The keys the table at ``loc`` (``("actors", 0)``; ``()``: the top) may hold."""
    model: type[BaseModel] = Scheme
    for part in loc:
        if isinstance(part, int):
            continue  # an item of a list of tables: the list's item model is already selected
        field = model.model_fields.get(str(part))
        if field is None:
            return []
        annotation = field.annotation
        if typing.get_origin(annotation) is list:
            annotation = typing.get_args(annotation)[0]
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return []
        model = annotation
    return list(model.model_fields)
