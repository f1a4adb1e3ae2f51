"""Experiment configs: TOML validated by pydantic (unknown keys rejected), dotted overrides."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from framing.classifiers.network import TransformerSettings
from framing.errors import FramingError


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ModelSection(Strict):
    type: Literal["lexicon", "transformer"]
    name: str = Field(description="Name of the trained model (its directory under the run folder).")
    lexicon: str = Field("models/lexicon/lexicon.toml", description="Lexicon file (the baseline, and the hints).")


class DataSection(Strict):
    root: str | None = Field(None, description="Shared data root; default $FRAMING_DATA or ../shared/data.")
    annotations: list[str] = Field(
        default_factory=list, description="Annotation files; default all of experiments/annotations."
    )
    splits: str = Field("experiments/annotations/splits.json", description="Train/dev/test split by article.")
    domains: list[Literal["fa-kes", "allsides"]] = Field(
        default_factory=lambda: ["fa-kes", "allsides"],
        description="Domains to train and choose on: fa-kes (FA-KES and the seeds), allsides (US/UK).",
    )
    train: str = "train"
    dev: str = "dev"


class Experiment(Strict):
    seed: int = 0
    model: ModelSection
    data: DataSection = Field(default_factory=DataSection)
    transformer: TransformerSettings = Field(default_factory=TransformerSettings)

    @model_validator(mode="after")
    def _one_seed(self) -> Experiment:
        if "seed" in self.transformer.model_fields_set:
            raise ValueError("set seed at the top of the config, not in [transformer]")
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
        return Experiment.model_validate(config)
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
        raise FramingError(f"{path}: {problems}")


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
