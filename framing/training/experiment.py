"""Experiment configs: TOML validated by pydantic (unknown keys rejected), dotted overrides.

A config may name a label scheme (``scheme``: a scheme file or a shipped name) and, in ``[data]``, the
user's own annotation files and the corpus they point into; relative paths are read from the config's
folder where the file is there (``Experiment.base``)."""

from __future__ import annotations

import difflib
import re
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, model_validator

from framing.classifiers.network import TransformerSettings
from framing.errors import FramingError


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ModelSection(Strict):
    type: Literal["lexicon", "transformer"]
    name: str = Field(description="Name of the trained model (its directory under the run folder).")
    lexicon: str = Field(
        "models/lexicon/lexicon.toml",
        description="Lexicon file (the baseline, and the hints); of the experiment's scheme. A transformer of "
        "another scheme than the default needs none (hints = false) unless one is named.",
    )


class DataSection(Strict):
    root: str | None = Field(None, description="Shared data root; default $FRAMING_DATA or ../shared/data.")
    annotations: list[str] = Field(
        default_factory=list, description="Annotation files; default all of experiments/annotations."
    )
    splits: str | None = Field(
        None,
        description="Train/dev/test split by article (JSON); default experiments/annotations/splits.json, or "
        "with `corpus` a split of its annotated articles by the seed (written to the run as splits.json).",
    )
    domains: list[Literal["fa-kes", "allsides"]] = Field(
        default_factory=lambda: ["fa-kes", "allsides"],
        description="Domains to train and choose on: fa-kes (FA-KES and the seeds), allsides (US/UK).",
    )
    train: str = "train"
    dev: str = "dev"
    unquoted_copies: Literal["none", "quotes", "first-person"] = Field(
        "none",
        description="Also train on a copy of each reported-voice sentence that holds double quotation marks, the "
        "marks taken out (FA-KES lost many of its quotes' marks; the labels stay, as the guidelines count such "
        "words as quoted): none; quotes, every such sentence; first-person, those whose quote speaks in the "
        "first person (I, we, our...), as lost quotes do.",
    )
    corpus: str | None = Field(
        None,
        description="The user's own corpus the annotation records point into (a file or folder that "
        "`framing annotate` read); default the seeds and the shared corpora.",
    )
    text_field: str = Field("text", description="Text field of a CSV/JSON Lines corpus (as given to annotate).")
    id_field: str | None = Field(None, description="Id field of the corpus (default: row number).")
    outlet_field: str | None = Field(None, description="Outlet field of the corpus.")
    date_field: str | None = Field(None, description="Date field of the corpus.")
    title_field: str | None = Field(None, description="Title (headline) field of the corpus.")


class Experiment(Strict):
    seed: int = 0
    scheme: str | None = Field(
        None, description="The label scheme: a scheme file (scheme.toml) or a shipped name; default syria."
    )
    model: ModelSection
    data: DataSection = Field(default_factory=DataSection)
    transformer: TransformerSettings = Field(default_factory=TransformerSettings)
    _base: Path | None = PrivateAttr(None)

    @property
    def base(self) -> Path | None:
        """The folder of the config file (relative paths are read from it where the file is there)."""
        return self._base

    @model_validator(mode="after")
    def _one_seed(self) -> Experiment:
        if "seed" in self.transformer.model_fields_set:
            raise ValueError("transformer.seed: set seed at the top of the config, not in [transformer]")
        return self

    @model_validator(mode="after")
    def _own_corpus(self) -> Experiment:
        data = self.data
        fields = {"text_field", "id_field", "outlet_field", "date_field", "title_field"} & data.model_fields_set
        if data.corpus is None and fields:
            raise ValueError(f"data.{sorted(fields)[0]}: names a field of data.corpus; set corpus too")
        if data.corpus is not None and not data.annotations:
            raise ValueError("data.annotations: name the annotation files of data.corpus")
        if data.corpus is not None and "domains" in data.model_fields_set:
            raise ValueError("data.domains: the domains select the shared corpora; with data.corpus leave it out")
        return self


def parse_value(text: str) -> Any:
    """A command-line override value, read as TOML where it parses (numbers, booleans, lists)."""
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text


def apply_overrides(config: dict, overrides: dict[str, str]) -> dict:
    """Set ``section.key`` values; unknown sections or keys fail in validation, not silently."""
    for dotted, text in overrides.items():
        *path, key = dotted.split(".")
        table = config
        for part in path:
            table = table.setdefault(part, {})
            if not isinstance(table, dict):
                raise FramingError(f"--{dotted}: {part} is not a section")
        table[key] = parse_value(text)
    return config


def load_experiment(path: Path, overrides: dict[str, str] | None = None) -> Experiment:
    """Read, override and validate an experiment config."""
    try:
        config = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FramingError(f"{path}: no such experiment config")
    except tomllib.TOMLDecodeError as error:
        raise FramingError(f"{path}: not valid TOML ({error})")
    config = apply_overrides(config, overrides or {})
    try:
        experiment = Experiment.model_validate(config)
    except ValidationError as error:
        raise FramingError("; ".join(problem(e, path, overrides or {}) for e in error.errors()))
    experiment._base = Path(path).resolve().parent
    return experiment


def valid_keys(loc: tuple) -> list[str]:
    """The keys the table at ``loc`` (``("transformer",)``; ``()``: the top) may hold; none where ``loc``
    is not a table of the config."""
    model: type[BaseModel] = Experiment
    for part in loc:
        field = model.model_fields.get(str(part))
        if field is None or not (isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel)):
            return []
        model = field.annotation
    return list(model.model_fields)


def problem(error: dict, path: Path, overrides: dict[str, str]) -> str:
    """One validation error as the user can act on it: the key, where its value came from (the file or a
    command-line override), what is wrong and, for an unknown key, the closest valid one."""
    loc, message = tuple(map(str, error["loc"])), error["msg"]
    named = re.match(r"(?:Value error, )?([\w.]+): (.*)", message) if not loc else None
    if named:  # a check of the whole config (``Experiment``'s validators) names its key first
        loc, message = tuple(named.group(1).split(".")), named.group(2)
    key = ".".join(loc)
    given = next((k for k in overrides if f"{key}.".startswith(f"{k}.") or k.startswith(f"{key}.")), None)
    where = f"command-line override --{given} {overrides[given]}" if given is not None else str(path)
    if error["type"] != "extra_forbidden":
        return f"{where}: {key + ': ' if key else ''}{message}"
    valid = valid_keys(loc[:-1])
    prefix = ".".join(loc[:-1]) + "." if len(loc) > 1 else ""
    close = difflib.get_close_matches(loc[-1], valid, n=1, cutoff=0.6)
    if close:
        hint = f"did you mean {prefix}{close[0]}?"
    else:
        hint = f"the keys of {'[' + prefix[:-1] + ']' if prefix else 'the top level'} are {', '.join(valid)}"
    return f"{where}: unknown key {key}; {hint}"


def parse_overrides(args: list[str]) -> dict[str, str]:
    """``--section.key value`` pairs (or ``--section.key=value``) from extra CLI arguments."""
    overrides, i = {}, 0
    while i < len(args):
        arg = args[i]
        if not arg.startswith("--") or arg == "--":
            raise FramingError(f"unexpected argument {arg!r}; overrides look like --transformer.epochs 3")
        if "=" in arg:
            key, value = arg[2:].split("=", 1)
            i += 1
        elif i + 1 < len(args):
            key, value = arg[2:], args[i + 1]
            i += 2
        else:
            raise FramingError(f"{arg} needs a value")
        overrides[key] = value
    return overrides
