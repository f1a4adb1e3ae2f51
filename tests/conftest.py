"""Shared fixtures: paths to the shipped model, the seeds and (when present) the shared data."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"


def pytest_configure(config) -> None:
    """Under pytest-xdist each worker gets one core's worth of threads: torch's default (every core, per
    worker) oversubscribes the machine and its threads spin against each other's."""
    import os

    workers = os.environ.get("PYTEST_XDIST_WORKER_COUNT")
    if workers and int(workers) > 1:
        threads = str(max(1, (os.cpu_count() or 1) // int(workers)))
        for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ.setdefault(name, threads)


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
    from framing.classifiers.loading import load_model

    return load_model(ROOT / "models" / "lexicon")


@pytest.fixture(autouse=True, scope="session")
def _int8_cache(tmp_path_factory):
    """Quantised models built by the tests go to a temporary cache, not the user's."""
    import os

    old = os.environ.get("FRAMING_CACHE")
    os.environ["FRAMING_CACHE"] = str(tmp_path_factory.mktemp("framing-cache"))
    yield
    if old is None:
        os.environ.pop("FRAMING_CACHE", None)
    else:
        os.environ["FRAMING_CACHE"] = old


@pytest.fixture(scope="session")
def tiny_dir(tmp_path_factory):
    """A tiny transformer (random encoder, a few steps of training) saved as a model directory."""
    from tests.classifiers.test_transformer import SENTENCES, Y, save
    from tests.tiny import tiny_transformer

    path = tmp_path_factory.mktemp("tiny") / "tiny"
    save(tiny_transformer().fit(SENTENCES, Y), path)
    return path


@pytest.fixture(scope="session")
def tiny_context_dir(tmp_path_factory):
    """A tiny transformer whose heads read the headline and previous sentence, saved as a model directory."""
    from tests.classifiers.test_transformer import CONTEXT, CONTEXT_X, CONTEXT_Y, save
    from tests.tiny import tiny_transformer

    path = tmp_path_factory.mktemp("tiny-context") / "tiny"
    save(tiny_transformer(epochs=4, context=("title", "previous")).fit(CONTEXT_X, CONTEXT_Y, context=CONTEXT), path)
    return path
