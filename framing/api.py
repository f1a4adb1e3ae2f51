"""The Python API: score texts or files, analyse and draw from Python (a notebook, a script).

Everything here is also a CLI command; both call the same functions. The main names are
re-exported at the package's top level::

    import framing

    model = framing.load_model()                      # the shipped transformer
    rows = framing.score_texts(["Rebels shelled the city.", "The regime denied it."],
                               outlets=["A", "B"], model=model)
    table = framing.to_table(rows)                    # a pyarrow Table; .to_pandas() for a DataFrame
    result = framing.analyse("mine", rows)            # profiles, comparisons, series, computed once
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from framing.analysis.results import CorpusAnalysis, Settings, analyse
from framing.classifiers.loading import LoadedModel, load_model
from framing.corpus.readers import Article
from framing.errors import FramingError
from framing.scoring.rows import ScoredSentence, arrow_schema, read_scores
from framing.scoring.streaming import ScoreReport, label_rows, sentences_of, with_title
from framing.scoring.streaming import score as score_files

__all__ = [
    "CorpusAnalysis",
    "LoadedModel",
    "ScoreReport",
    "ScoredSentence",
    "Settings",
    "analyse",
    "load_model",
    "read_scores",
    "score_files",
    "score_texts",
    "to_table",
]


def score_texts(
    texts: Sequence[str],
    model: LoadedModel | Path | None = None,
    *,
    ids: Sequence[str] | None = None,
    outlets: Sequence[str | None] | None = None,
    dates: Sequence[str | None] | None = None,
    titles: Sequence[str | None] | None = None,
    sentences: bool = False,
    score_titles: bool = False,
) -> list[ScoredSentence]:
    """Score articles (or, with ``sentences=True``, single sentences) given as strings.

    Returns one ``ScoredSentence`` per sentence, the rows ``framing score`` writes; each article's
    ``doc`` is ``text:<id>`` (ids default to 1, 2, ...). ``model`` is a loaded model, a model
    directory or None for the shipped default. ``titles`` are context for a model that reads it;
    ``score_titles`` also scores each title as its article's first sentence (as ``--score-titles``).
    """
    if isinstance(texts, str) or not all(isinstance(t, str) for t in texts):
        raise FramingError("texts must be a sequence of strings (one per article)")
    n = len(texts)
    columns = {"ids": ids, "outlets": outlets, "dates": dates, "titles": titles}
    for name, values in columns.items():
        if values is not None and len(values) != n:
            raise FramingError(f"{name} has {len(values)} values for {n} texts")
    ids = [str(i) for i in ids] if ids is not None else [str(i + 1) for i in range(n)]
    if len(set(ids)) != n:
        raise FramingError("ids must be unique")
    loaded = model if isinstance(model, LoadedModel) else load_model(model)
    articles = [
        Article(
            "text",
            ids[i],
            texts[i],
            outlets[i] if outlets is not None else None,
            dates[i] if dates is not None else None,
            titles[i] if titles is not None else None,
        )
        for i in range(n)
    ]
    if score_titles and not sentences:
        articles = [with_title(a) for a in articles]
    pairs = [(a, s) for a in articles for s in sentences_of(a, sentences)]
    return label_rows(loaded, pairs) if pairs else []


def to_table(rows: Iterable[ScoredSentence]):
    """Rows as a pyarrow Table with the Parquet schema of ``framing score`` (``.to_pandas()`` gives a DataFrame)."""
    import pyarrow as pa

    return pa.Table.from_pylist([r.as_dict() for r in rows], schema=arrow_schema())
