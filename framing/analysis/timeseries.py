"""Framing over time: label shares per group and period, with 95% intervals over articles.

Periods below the minimum evidence (``framing.analysis.stats``: too few articles or sentences naming the
actor) are kept but flagged ``thin``, without an interval, and the plot (``framing.figures.plots``) draws
them apart so that they read as thin rather than as spikes.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Callable
from dataclasses import astuple, dataclass, fields
from pathlib import Path

import numpy as np

from framing.analysis.profile import VOICES, article_counts, label_sets, unit_shares
from framing.analysis.stats import (
    MIN_ARTICLES,
    MIN_SENTENCES,
    check_minimum,
    check_replicates,
    meets_minimum,
)
from framing.errors import FramingError
from framing.io import atomic_write
from framing.schemes import NONE
from framing.scoring.rows import ScoredSentence, scheme_of

PERIODS = ("year", "month")
DATE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])(?:-\d{2})?")


@dataclass(frozen=True)
class TimeRow:
    """One share in one period; ``low`` and ``high`` are NaN where the period is ``thin``."""

    group: str
    period: str
    actor: str
    label: str
    share: float
    low: float
    high: float
    sentences: int
    articles: int
    thin: bool


def period_of(row: ScoredSentence, period: str = "year") -> str | None:
    """The period ("2013" or "2013-04") of a row's ISO date, or None when it has no usable date."""
    match = DATE.match(row.date or "")
    if match is None:
        return None
    return match[1] if period == "year" else f"{match[1]}-{match[2]}"


def undated(rows: list[ScoredSentence]) -> int:
    """How many rows ``timeseries`` skips for want of a usable date."""
    return sum(period_of(row) is None for row in rows)


def _cells(rows: list[ScoredSentence], period: str, by: str) -> tuple[list[ScoredSentence], Callable]:
    """The dated rows, and a function from a row to its (group, period) cell, "group\tperiod"."""
    dated = [row for row in rows if period_of(row, period) is not None]

    def cell(row: ScoredSentence) -> str:
        return f"{'all' if by == 'all' else row.group(by)}\t{period_of(row, period)}"

    return dated, cell


def timeseries(
    rows: list[ScoredSentence],
    period: str = "year",
    by: str = "outlet",
    voice: str = "all",
    n_boot: int = 2000,
    seed: int = 0,
    min_sentences: int = MIN_SENTENCES,
    min_articles: int = MIN_ARTICLES,
) -> list[TimeRow]:
    """Shares of each label per group (``by``, or "all") and period; rows without a usable date are skipped.

    A (group, period) cell with fewer than ``min_articles`` articles or ``min_sentences`` sentences
    naming the actor is ``thin``: its share is that of the sentences seen, its interval NaN.
    """
    check_minimum(min_articles, min_sentences)
    check_replicates(n_boot)
    if period not in PERIODS:
        raise FramingError(f"--period must be one of {', '.join(PERIODS)}, not {period!r}")
    if voice not in VOICES:
        raise FramingError(f"--voice must be one of {', '.join(VOICES)}, not {voice!r}")
    rng = np.random.default_rng(seed)
    scheme = scheme_of(rows)
    dated, cell_of = _cells(rows, period, by)
    result = []
    for actor in scheme.actor_fields:
        labels = [label for label in scheme.labels[actor] if label != NONE]
        sets = label_sets(scheme, actor)
        for cell, docs in sorted(article_counts(dated, cell_of, actor, voice, scheme).items()):
            group, when = cell.split("\t")
            matrix = np.stack(list(docs.values()))
            naming = matrix.sum(axis=1)
            thin = not meets_minimum(len(docs), int(naming.sum()), min_articles, min_sentences)
            picks = None if thin else rng.integers(0, len(matrix), size=(n_boot, len(matrix)))
            for name, shares in unit_shares(matrix, labels, sets, picks).items():
                result.append(TimeRow(group, when, actor, name, *shares, int(naming.sum()), len(docs), thin))
    return sorted(result, key=lambda r: (r.group, scheme.actor_fields.index(r.actor), r.period))


def write_timeseries(rows: list[TimeRow], path: Path) -> None:
    """The time series as CSV; ``low`` and ``high`` are empty for thin periods."""
    with atomic_write(Path(path)) as handle:
        writer = csv.writer(handle)
        writer.writerow([f.name for f in fields(TimeRow)])
        for r in rows:
            values = astuple(r)
            numbers = ("" if math.isnan(v) else f"{v:.4f}" for v in values[4:7])
            writer.writerow([*values[:4], *numbers, r.sentences, r.articles, str(r.thin).lower()])


def period_span(periods: set[str]) -> list[str]:
    """Every year or month from the first period to the last, so that gaps in the data stay gaps on the axis."""
    first, last = min(periods), max(periods)
    if len(first) == 4:
        return [str(y) for y in range(int(first), int(last) + 1)]
    start, end = int(first[:4]) * 12 + int(first[5:]) - 1, int(last[:4]) * 12 + int(last[5:]) - 1
    return [f"{m // 12}-{m % 12 + 1:02d}" for m in range(start, end + 1)]
