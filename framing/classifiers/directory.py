"""A model directory's files: ``config.toml`` (what it is), ``meta.json`` (how it was made) and weights."""

from __future__ import annotations

import tomllib
from pathlib import Path

from framing.errors import FramingError
from framing.schemes import SCHEME_FILE, Scheme, default_scheme, load_scheme

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


def scheme_record(scheme: Scheme) -> dict:
    """The ``[scheme]`` table of a model's ``config.toml`` (and ``scheme`` of its ``meta.json``): which scheme
    it predicts, and its copy of the scheme file in the directory."""
    return scheme.identity() | {"file": SCHEME_FILE}


def write_scheme(path: Path, scheme: Scheme) -> Path:
    """The scheme file, as read, copied into a model directory."""
    (path / SCHEME_FILE).write_text(scheme.text, encoding="utf-8")
    return path / SCHEME_FILE


def read_scheme(path: Path, config: dict) -> Scheme:
    """The scheme a model directory's ``[scheme]`` table records, from its copy of the scheme file (checked
    against the recorded hash); a directory without the table predicts the default (Syrian) scheme."""
    record = config.get("scheme")
    if record is None:
        return default_scheme()
    file = path / str(record.get("file", SCHEME_FILE))
    if not file.is_file():
        raise FramingError(f"{path}: config.toml names scheme {record.get('name')!r} but has no {file.name}; copy it")
    scheme = load_scheme(file)
    if "hash" in record and record["hash"] != scheme.hash:
        raise FramingError(
            f"{file}: its content differs from the scheme the model was trained with (hash {record['hash'][:12]}, "
            f"now {scheme.hash[:12]}); restore the file or retrain"
        )
    return scheme
