"""framing: measure how news outlets name the sides of the Syrian war.

The Python API (``framing.api``) is available at the top level, loaded on first use so that
``import framing`` (and ``framing --help``) stays fast: ``framing.load_model``,
``framing.score_texts``, ``framing.score_files``, ``framing.read_scores``, ``framing.to_table``,
``framing.rows_from``, ``framing.profile``, ``framing.compare``, ``framing.plot``, ``framing.analyse``,
``framing.Settings`` and ``framing.ScoredSentence``.
"""

__version__ = "0.3.0"

_API = {
    "CorpusAnalysis",
    "LoadedModel",
    "ScoreReport",
    "ScoredSentence",
    "Settings",
    "analyse",
    "compare",
    "explain",
    "load_model",
    "plot",
    "profile",
    "read_scores",
    "rows_from",
    "score_files",
    "score_texts",
    "to_table",
}


def __getattr__(name: str):
    if name in _API:
        from framing import api

        return getattr(api, name)
    raise AttributeError(f"module 'framing' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | _API)
