"""Model directories: ``config.toml`` says the type, a loader per type builds the classifier."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from framing.classifiers.device import check_name
from framing.classifiers.directory import META_NAME, MODEL_TYPES, read_config, read_scheme
from framing.classifiers.lexicon import Lexicon, LexiconClassifier
from framing.errors import FramingError
from framing.resources import models_dir
from framing.schemes import Scheme

MODELS_DIR = models_dir()


@dataclass
class LoadedModel:
    """A classifier with the name and metadata of its directory, and the label scheme it predicts."""

    name: str
    path: Path
    classifier: object
    config: dict
    meta: dict
    scheme: Scheme | None = None


def _load_lexicon(path: Path, config: dict, int8: bool = False, device: str = "auto") -> LexiconClassifier:
    """The word list (``device`` is for networks: a lexicon runs on the CPU wherever asked)."""
    check_name(device)
    if int8:
        raise FramingError(f"{path}: --int8 quantises a transformer; the lexicon has no weights to quantise")
    lexicon = Lexicon.from_file(path / config["model"].get("lexicon", "lexicon.toml"), read_scheme(path, config))
    return LexiconClassifier(lexicon).fit([])


def _load_transformer(path: Path, config: dict, int8: bool = False, device: str = "auto"):
    from framing.classifiers.transformer import TransformerClassifier

    return TransformerClassifier.load(path, int8=int8, device=device)


LOADERS: dict[str, Callable[..., object]] = {"lexicon": _load_lexicon, "transformer": _load_transformer}
assert tuple(LOADERS) == MODEL_TYPES


def load_model(
    path: Path | None = None, int8: bool = False, *, scheme: Scheme | None = None, device: str = "auto"
) -> LoadedModel:
    """Load a model directory (default: the best shipped model); ``int8`` quantises a transformer; ``device``
    (``auto``, ``cpu``, ``cuda``: ``framing.classifiers.device``) is where a transformer runs. With
    ``scheme``, a model of another label scheme is an error (before any weights are read)."""
    path = Path(path) if path is not None else default_model_path()
    config = read_config(path)
    predicts = read_scheme(path, config)
    if scheme is not None:
        check_scheme(path, predicts, scheme)
    meta_path = path / META_NAME
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.is_file() else {}
    except json.JSONDecodeError as error:
        raise FramingError(f"{meta_path}: not valid JSON ({error.msg})")
    except UnicodeDecodeError:
        raise FramingError(f"{meta_path}: not UTF-8; re-save it as UTF-8 or copy the model directory again")
    classifier = LOADERS[config["model"]["type"]](path, config, int8=int8, device=device)
    return LoadedModel(config["model"].get("name", path.name), path, classifier, config, meta, predicts)


def check_scheme(where: Path | str, predicts: Scheme | None, wanted: Scheme) -> None:
    """A model (at ``where``) that ``predicts`` another scheme than the one ``wanted`` is an error (``None``:
    a classifier loaded without a directory, whose scheme is unknown, passes)."""
    if predicts is not None and not predicts.same_as(wanted):
        raise FramingError(
            f"{where}: the model predicts the labels of scheme {predicts.name!r} (version {predicts.version}, hash "
            f"{predicts.hash[:12]}), not those of scheme {wanted.name!r} (version {wanted.version}, hash "
            f"{wanted.hash[:12]}) asked for; give a model of that scheme"
        )


#: The best shipped model: the transformer beats the lexicon on the test split by 5.5 points of mean
#: macro-F1, paired 95% interval [+1.4, +10.0] (README, "Accuracy").
DEFAULT_MODEL = "transformer"


def default_model_path() -> Path:
    """The best shipped model's directory."""
    return MODELS_DIR / DEFAULT_MODEL
