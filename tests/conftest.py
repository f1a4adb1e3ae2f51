"""Shared fixtures: paths to the shipped model, the seeds and (when present) the shared data."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def data_root() -> Path:
    if not (DATA / "fa-kes" / "FA-KES-Dataset.csv").is_file():
        pytest.skip("../shared/data is not beside the checkout")
    return DATA


@pytest.fixture(scope="session")
def lexicon_model():
    from framing.models import load_model

    return load_model(ROOT / "models" / "lexicon")
