"""A model directory's files: ``config.toml`` (what it is), ``meta.json`` (how it was made) and weights."""

from __future__ import annotations

from pathlib import Path

import tomllib

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
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise FramingError(f"{config_path}: not valid TOML ({error})")
    kind = config.get("model", {}).get("type")
    if kind not in MODEL_TYPES:
        raise FramingError(f"{config_path}: [model] type is {kind!r}; expected one of {', '.join(MODEL_TYPES)}")
    return config
