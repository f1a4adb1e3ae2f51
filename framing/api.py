"""The Python API: score texts or files, analyse and draw from Python (a notebook, a script).

Everything here is also a CLI command; both call the same functions. The main names are
re-exported at the package's top level::

    import framing

    model = framing.load_model()                      # the shipped transformer
    rows = framing.score_texts(["Rebels shelled the city.", "The regime denied it."],
                               outlets=["A", "B"], model=model)
    table = framing.to_table(rows)                    # a pyarrow Table; .to_pandas() for a DataFrame
    result = framing.analyse("mine", rows)            # profiles, comparisons, series, computed once
    framing.profile(table.to_pandas(), n_boot=500)    # `framing profile`'s numbers, from a DataFrame
    framing.plot(result, "map.png", "map")            # `framing plot`'s figures

Tables come back as pyarrow Tables, as from ``to_table`` (``.to_pandas()`` gives a DataFrame): pandas
is not a dependency of this package, pyarrow is.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import fields
from pathlib import Path

from framing.analysis.differences import DifferenceRow, compare_outlets
from framing.analysis.profile import COLUMNS as PROFILE_COLUMNS
from framing.analysis.profile import ProfileRow, profile_rates, profile_row
from framing.analysis.profile import profile as profile_rows
from framing.analysis.results import CorpusAnalysis, Settings, analyse
from framing.analysis.stats import MIN_ARTICLES, MIN_SENTENCES
from framing.classifiers.loading import LoadedModel, load_model
from framing.classifiers.schema import Scheme
from framing.corpus.outlets import OutletNames
from framing.corpus.readers import Article
from framing.errors import FramingError
from framing.scoring.rows import ScoredSentence, arrow_schema, read_scores, row_problems, scheme_named, scheme_of
from framing.scoring.streaming import ScoreReport, label_rows, sentences_of, with_title
from framing.scoring.streaming import score as score_files

__all__ = [
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
    outlet_names: Mapping[str, str] | None = None,
) -> list[ScoredSentence]:
    """Score articles (or, with ``sentences=True``, single sentences) given as strings.

    Returns one ``ScoredSentence`` per sentence, the rows ``framing score`` writes; each article's
    ``doc`` is ``text:<id>`` (ids default to 1, 2, ...). ``model`` is a loaded model, a model
    directory or None for the shipped default. ``titles`` are context for a model that reads it;
    ``score_titles`` also scores each title as its article's first sentence (as ``--score-titles``).
    ``outlet_names`` maps outlets to display names (as ``--outlet-names``; outlets not in it keep their own,
    two given one name become one outlet).
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
    names = OutletNames(outlet_names, "outlet_names") if outlet_names is not None else None
    if names is not None and outlets is not None:
        outlets = [names.rename(outlet) for outlet in outlets]
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

    rows = list(rows)
    return pa.Table.from_pylist([r.as_dict() for r in rows], schema=arrow_schema(scheme_of(rows)))


def rows_from(data, scheme: Scheme | None = None) -> list[ScoredSentence]:
    """Scored sentences from a pandas DataFrame (such as ``to_table(rows).to_pandas()``), a pyarrow Table
    (``to_table``, a scores file read with pyarrow), rows (``ScoredSentence``, or dicts of its fields) or
    a ``CorpusAnalysis`` (its rows).

    Rows of a scheme framing does not ship need its ``scheme`` (``framing.load_scheme``); others name theirs.
    A table needs the columns ``doc`` and the scheme's fields (Syria: ``opposition``, ``state``, ``voice``);
    the others (``outlet``,
    ``date``, ``text``, ``sentence``, ...) take their defaults where missing, and columns of other names
    are ignored. Each row is checked as a scores file's row is (labels of the schema,
    ``ScoredSentence.from_dict``) and as the report checks it (``framing.scoring.rows.row_problems``);
    the first bad one is a ``FramingError`` naming its position (counting from 0).
    """
    if isinstance(data, CorpusAnalysis):
        return list(data.rows)
    table, label = _arrow_table(data)
    if table is None:
        records, label = _records(data), "rows"
    else:
        named = table.column("scheme")[0].as_py() if "scheme" in table.column_names and len(table) else None
        fields = scheme_named(named, scheme, label).fields
        missing = [c for c in ("doc", *fields) if c not in table.column_names]
        if missing:
            raise FramingError(
                f"the {label} has no column {', '.join(map(repr, missing))} (its columns: "
                f"{', '.join(table.column_names) or 'none'}); give the columns `framing score` writes, as "
                "framing.to_table(rows) and its .to_pandas() have them"
            )
        records = table.to_pylist()  # Arrow's nulls in evidence entries: dropped by ScoredSentence.from_dict
    rows = [_checked_row(record, f"{label} row {i} (from 0)", scheme) for i, record in enumerate(records)]
    if not rows:
        raise FramingError(f"the {label} holds no scored sentences")
    return rows


def _arrow_table(data):
    """``data`` as a pyarrow Table and what to call it, or (None, "") for rows."""
    import pyarrow as pa

    if isinstance(data, pa.Table):
        return data, "Table"
    if isinstance(data, str | Path):
        raise FramingError(f"{data}: rows_from takes a DataFrame, Table or rows; read a scores file with read_scores")
    if hasattr(data, "columns") and hasattr(data, "to_dict"):  # pandas, not a dependency: duck-typed
        try:
            return pa.Table.from_pandas(data, preserve_index=False), "DataFrame"
        except (pa.ArrowException, TypeError, ValueError) as error:
            raise FramingError(f"the DataFrame cannot be read as scored sentences ({error})")
    return None, ""


def _records(data) -> list:
    if isinstance(data, Mapping) or not isinstance(data, Iterable):
        raise FramingError(
            f"expected a pandas DataFrame, a pyarrow Table or scored sentences, not a {type(data).__name__}"
        )
    return list(data)


def _checked_row(record, where: str, scheme: Scheme | None = None) -> ScoredSentence:
    row = record if isinstance(record, ScoredSentence) else ScoredSentence.from_dict(record, where, scheme)
    problems = row_problems(row)
    if problems:
        raise FramingError(f"{where}: {problems[0]}; give rows as `framing score` writes them")
    return row


def profile(
    data,
    *,
    by: str = "outlet",
    voice: str = "all",
    n_boot: int = 2000,
    seed: int = 0,
    min_articles: int = MIN_ARTICLES,
    min_sentences: int = MIN_SENTENCES,
    estimator: str = "count",
    rates_domain: str = "auto",
    model: Path | None = None,
    scheme: Scheme | None = None,
):
    """Per group and actor, each label's share with its 95% interval over articles: the numbers
    ``framing profile`` writes with the same options, as a pyarrow Table with the columns of its CSV.

    ``data`` is anything ``rows_from`` takes. ``low`` and ``high`` are null, and ``enough`` false, where a
    group has too few articles or sentences naming the actor to be estimated. ``estimator="adjusted"``
    corrects the shares with the error rates stored with the model (``rates_domain``, ``model``: as
    ``--rates-domain`` and ``--model``). ``scheme``: as for ``rows_from``.
    """
    rows = rows_from(data, scheme)
    rates = profile_rates(rows, estimator, voice, model, rates_domain)
    result = profile_rows(
        rows,
        by=by,
        voice=voice,
        n_boot=n_boot,
        seed=seed,
        min_articles=min_articles,
        min_sentences=min_sentences,
        estimator=estimator,
        rates=rates,
    )
    return _table(result, ProfileRow)


def compare(
    data,
    *,
    groups: Mapping[str, Iterable[str]] | None = None,
    voice: str = "all",
    n_boot: int = 2000,
    seed: int = 0,
    min_articles: int = MIN_ARTICLES,
    min_sentences: int = MIN_SENTENCES,
    scheme: Scheme | None = None,
):
    """Every pair of outlets (or of ``groups``: name -> outlets) tested for each actor: the share differences
    that ``framing compare-outlets`` writes to ``differences.csv`` with the same options (``n_boot`` is also
    the number of permutations), as a pyarrow Table with its columns.

    ``data`` is anything ``rows_from`` takes. Pairs where a unit has too few articles or sentences are not
    tested, so they have no row; ``analyse(...).comparison`` also holds the divergences and the skipped pairs.
    ``scheme``: as for ``rows_from``.
    """
    rows = rows_from(data, scheme)
    comparison = compare_outlets(
        rows,
        _groups(groups),
        voice=voice,
        n_boot=n_boot,
        n_perm=n_boot,
        seed=seed,
        min_articles=min_articles,
        min_sentences=min_sentences,
    )
    return _table(comparison.differences, DifferenceRow)


def _groups(groups: Mapping[str, Iterable[str]] | None) -> dict[str, frozenset[str]] | None:
    if not groups:
        return None
    if not isinstance(groups, Mapping) or any(isinstance(m, str) for m in groups.values()):
        raise FramingError("groups must map each group's name to a list of outlets, e.g. {'state': ['sana', 'alalam']}")
    return {str(name): frozenset(members) for name, members in groups.items()}


def plot(data, path: Path | str, kind: str = "profiles", *, title: str = "", scheme: Scheme | None = None) -> Path:
    """Draw a profile into ``path`` (.png, .svg or .pdf) as ``kind`` ``profiles`` (stacked bars per group) or
    ``map`` (the framing map): the figures ``framing plot`` draws. Returns ``path``.

    ``data`` is a ``CorpusAnalysis`` (its all-sentence profile), a profile from ``profile`` (a Table or its
    DataFrame), or scored sentences (anything ``rows_from`` takes), profiled with ``profile``'s defaults.
    ``scheme``: the label scheme of data of a scheme framing does not ship.
    """
    from framing.figures.plots import profile_figure, save_figure

    rows, scheme = _profile_of(data, scheme)
    return save_figure(profile_figure(rows, kind, title, scheme), Path(path))


def _profile_of(data, scheme: Scheme | None = None) -> tuple[list[ProfileRow], Scheme | None]:
    """The profile rows to draw from any ``plot`` input, and their scheme where known (the given one, or
    that of scored sentences; None: the profile's own actors and labels tell)."""
    if isinstance(data, CorpusAnalysis):
        return data.profiles["all"], scheme or data.scheme
    if isinstance(data, list) and data and all(isinstance(r, ProfileRow) for r in data):
        return data, scheme
    columns = getattr(data, "column_names", None) or list(getattr(data, "columns", []))
    if {"group", "actor", "label", "share"} <= {str(c) for c in columns}:
        table = _arrow_table(data)[0]
        missing = [c for c in PROFILE_COLUMNS if c not in table.column_names]
        if missing:
            raise FramingError(f"the profile has no column {', '.join(map(repr, missing))}; make it with profile")
        return [_profile_row(r, f"profile row {i} (from 0)", scheme) for i, r in enumerate(table.to_pylist())], scheme
    rows = rows_from(data, scheme)
    return profile_rows(rows), scheme_of(rows)  # profile's defaults, without the round trip through a Table


def _profile_row(record: dict, where: str, scheme: Scheme | None = None) -> ProfileRow:
    """A profile table's row, checked as a row of ``framing profile``'s CSV is (``profile_row``): its values
    as that CSV writes them, null as empty."""
    return profile_row({k: _csv_text(v) for k, v in record.items()}, where, scheme)


def _csv_text(value) -> str:
    if value is None:
        return ""
    return str(value).lower() if isinstance(value, bool) else str(value)


def _table(rows: list, kind: type):
    """Dataclass rows (``ProfileRow``, ``DifferenceRow``) as a pyarrow Table, one column per field; NaN is null."""
    import pyarrow as pa

    types = {"str": pa.string(), "float": pa.float64(), "int": pa.int64(), "bool": pa.bool_()}
    schema = pa.schema([(f.name, types[f.type]) for f in fields(kind)])
    columns = {f.name: [_null(getattr(r, f.name)) for r in rows] for f in fields(kind)}
    return pa.table(columns, schema=schema)


def _null(value):
    return None if isinstance(value, float) and math.isnan(value) else value


def explain(
    sentences: Sequence[str],
    model: LoadedModel | Path | None = None,
    *,
    titles: Sequence[str | None] | None = None,
    previous: Sequence[str | None] | None = None,
    top: int = 3,
    min_drop: float = 0.05,
) -> list[ScoredSentence]:
    """The words each sentence's labels rest on, as ``framing explain`` prints them: each sentence scored
    on its own (``titles`` and ``previous``: the context a transformer reads) with, in its ``evidence``,
    the lexicon's terms and the model's own words (``source="model"``; ``drop``: how much the label's
    probability falls when the word is removed), at most ``top`` per named actor, each lowering it by
    ``min_drop`` or more."""
    from framing.scoring.evidence import explain_sentences

    if isinstance(sentences, str) or not all(isinstance(s, str) for s in sentences):
        raise FramingError("sentences must be a sequence of strings")
    n = len(sentences)
    for name, values in (("titles", titles), ("previous", previous)):
        if values is not None and len(values) != n:
            raise FramingError(f"{name} has {len(values)} entries for {n} sentences")
    articles = [
        Article(
            "sentences",
            str(i + 1),
            text,
            title=titles[i] if titles is not None else None,
            extra={"previous": previous[i]} if previous is not None and previous[i] else {},
        )
        for i, text in enumerate(sentences)
    ]
    return explain_sentences(model, articles, top=top, min_drop=min_drop)
