"""A model directory's files: ``config.toml`` (what it is), ``meta.json`` (how it was made) and weights."""

from __future__ import annotations

import tomllib
from pathlib import Path

from framing.errors import FramingError

CONFIG_NAME = "config.toml"
META_NAME = "meta.json"
#: The ``[model] type`` values a config may name; ``framing.classifiers.loading`` has a loader for each.
MODEL_TYPES = ("lexicon", "transformer")


def read_config(path: Path) -> dict:
    config_path = path / CONFIG_NAME
    if not path.is_dir():
        raise FramingError(f"{path}: model directory not found; give a directory such as models/lexicon")
    if not config_path.is_file():
        raise FramingError(f"{path}: no {CONFIG_NAME}; a model directory holds config.toml and meta.json")
    try:
        config = tomllib.loads(config_path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as error:
        raise FramingError(f"{config_path}: not UTF-8 (byte {error.object[error.start]:#04x}); re-save it as UTF-8")
    except tomllib.TOMLDecodeError as error:
        raise FramingError(f"{config_path}: not valid TOML ({error})")
    model = config.get("model")
    if not isinstance(model, dict):
        raise FramingError(f"{config_path}: no [model] table; it needs one with type = one of {', '.join(MODEL_TYPES)}")
    kind = model.get("type")
    if kind not in MODEL_TYPES:
        raise FramingError(f"{config_path}: [model] type is {kind!r}; expected one of {', '.join(MODEL_TYPES)}")
    for key in ("name", "lexicon", "guidelines"):
        if key in model and not isinstance(model[key], str):
            raise FramingError(f"{config_path}: [model] {key} is {model[key]!r}; it must be text (in quotes)")
    for key, value in config.items():
        if key != "model" and not isinstance(value, dict):
            raise FramingError(f"{config_path}: {key} = {value!r} is not a table; write it as [{key}]")
    return config
