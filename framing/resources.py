"""Where the shipped files are: models, seeds and gold annotations, from a checkout or an installed wheel.

A wheel carries copies of the checkout's ``models/``, ``seeds/`` and ``experiments/annotations/``
under ``framing/_shipped/`` (``setup.py`` copies them at build time); a checkout (an editable
install included) reads them in place. Nothing here imports the rest of the package.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
SHIPPED = PACKAGE / "_shipped"
#: The checkout that holds this package, when there is one (None in an installed wheel).
CHECKOUT: Path | None = PACKAGE.parent if (PACKAGE.parent / "pyproject.toml").is_file() else None
DATA_ENV = "FRAMING_DATA"


def _shipped(name: str, in_checkout: str) -> Path:
    packaged = SHIPPED / name
    if packaged.is_dir():
        return packaged
    if CHECKOUT is not None:
        return CHECKOUT / in_checkout
    return packaged  # missing: callers report it with its path


def models_dir() -> Path:
    """The shipped model directories (``lexicon``, ``transformer``)."""
    return _shipped("models", "models")


def seeds_dir() -> Path:
    """The seed articles the main job always scores."""
    return _shipped("seeds", "seeds")


def annotations_dir() -> Path:
    """The project's gold annotations and splits (``experiments/annotations`` in a checkout)."""
    return _shipped("annotations", "experiments/annotations")


def default_data_root() -> Path:
    """``$FRAMING_DATA``, else ``../shared/data`` beside the checkout (or beside the working folder)."""
    if os.environ.get(DATA_ENV):
        return Path(os.environ[DATA_ENV])
    return (CHECKOUT or Path.cwd()).parent / "shared" / "data"
