"""Framing over time: label shares per group and period, with bootstrap intervals over articles.

Periods with too few sentences or articles are kept but flagged ``thin``, and the
plot draws them apart so that they read as thin rather than as spikes.
"""

from __future__ import annotations

import csv
import math
import re
from dataclasses import astuple, dataclass, fields
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402

from framing.errors import FramingError  # noqa: E402
from framing.io import atomic_write  # noqa: E402
from framing.plots import ORDER_BY, save  # noqa: E402
from framing.profile import COMBINED, VOICES, article_counts, bootstrap_share  # noqa: E402
from framing.schema import ACTORS, LABELS  # noqa: E402

PERIODS = ("year", "month")
DATE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])(?:-\d{2})?")
COLOURS = {"opposition": "#C44E52", "state": "#8172B3"}
MARKERS = {"opposition": "o", "state": "s"}


@dataclass(frozen=True)
class TimeRow:
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


def period_of(row: dict, period: str = "year") -> str | None:
    """The period ("2013" or "2013-04") of a row's ISO date, or None when it has no usable date."""
    match = DATE.match(str(row.get("date") or ""))
    if match is None:
        return None
    return match[1] if period == "year" else f"{match[1]}-{match[2]}"


def undated(rows: list[dict]) -> int:
    """How many rows ``timeseries`` skips for want of a usable date."""
    return sum(period_of(row) is None for row in rows)


def _cells(rows: list[dict], period: str, by: str) -> list[dict]:
    """Dated rows, each tagged with its (group, period) cell under the key ``_cell``."""
    cells = []
    for row in rows:
        when = period_of(row, period)
        if when is not None:
            group = "all" if by == "all" else str(row.get(by) if row.get(by) is not None else "unknown")
            cells.append({**row, "_cell": f"{group}\t{when}"})
    return cells


def timeseries(
    rows: list[dict],
    period: str = "year",
    by: str = "outlet",
    voice: str = "all",
    n_boot: int = 2000,
    seed: int = 0,
    min_sentences: int = 20,
    min_articles: int = 3,
) -> list[TimeRow]:
    """Shares of each label per group (``by``, or "all") and period; rows without a usable date are skipped."""
    if period not in PERIODS:
        raise FramingError(f"--period must be one of {', '.join(PERIODS)}, not {period!r}")
    if voice not in VOICES:
        raise FramingError(f"--voice must be one of {', '.join(VOICES)}, not {voice!r}")
    rng = np.random.default_rng(seed)
    cells = _cells(rows, period, by)
    result = []
    for actor in ACTORS:
        labels = [label for label in LABELS[actor] if label != "none"]
        label_sets = {label: (label,) for label in labels} | COMBINED.get(actor, {})
        for cell, docs in sorted(article_counts(cells, "_cell", actor, voice).items()):
            group, when = cell.split("\t")
            matrix = np.stack(list(docs.values()))
            naming = matrix.sum(axis=1)
            thin = bool(naming.sum() < min_sentences or len(docs) < min_articles)
            picks = rng.integers(0, len(matrix), size=(n_boot, len(matrix)))
            for name, parts in label_sets.items():
                numerator = matrix[:, [labels.index(p) for p in parts]].sum(axis=1)
                share, low, high = bootstrap_share(numerator, naming, picks)
                result.append(TimeRow(group, when, actor, name, share, low, high, int(naming.sum()), len(docs), thin))
    return sorted(result, key=lambda r: (r.group, ACTORS.index(r.actor), r.period))


def write_timeseries(rows: list[TimeRow], path: Path) -> None:
    with atomic_write(Path(path)) as handle:
        writer = csv.writer(handle)
        writer.writerow([f.name for f in fields(TimeRow)])
        for r in rows:
            values = astuple(r)
            writer.writerow(
                [*values[:4], *(f"{v:.4f}" for v in values[4:7]), r.sentences, r.articles, str(r.thin).lower()]
            )


def _span(periods: set[str]) -> list[str]:
    """Every year or month from the first period to the last, so that gaps in the data stay gaps on the axis."""
    first, last = min(periods), max(periods)
    if len(first) == 4:
        return [str(y) for y in range(int(first), int(last) + 1)]
    start, end = int(first[:4]) * 12 + int(first[5:]) - 1, int(last[:4]) * 12 + int(last[5:]) - 1
    return [f"{m // 12}-{m % 12 + 1:02d}" for m in range(start, end + 1)]


def _panel(ax: plt.Axes, rows: list[TimeRow], periods: list[str]) -> None:
    """Delegitimising shares of one group: joined, with intervals, where not thin; hollow grey where thin."""
    x = {p: i for i, p in enumerate(periods)}
    for actor in ACTORS:
        points = {r.period: r for r in rows if r.actor == actor and r.label == ORDER_BY[actor]}
        solid = np.array([np.nan if p not in points or points[p].thin else points[p].share for p in periods])
        ax.plot(range(len(periods)), solid, color=COLOURS[actor], marker=MARKERS[actor], markersize=4, lw=1.5)
        full = [r for r in points.values() if not r.thin]
        ax.errorbar(
            [x[r.period] for r in full],
            [r.share for r in full],
            yerr=[[r.share - r.low for r in full], [r.high - r.share for r in full]],
            fmt="none",
            ecolor=COLOURS[actor],
            alpha=0.45,
            capsize=2,
        )
        thin = [r for r in points.values() if r.thin]
        ax.scatter(
            [x[r.period] for r in thin],
            [r.share for r in thin],
            marker=MARKERS[actor],
            facecolors="none",
            edgecolors="#999",
            s=22,
        )


def plot_timeseries(rows: list[TimeRow], out_dir: Path, title: str = "", top: int = 8) -> list[Path]:
    """Small multiples of the delegitimising shares over time for the ``top`` groups with most sentences."""
    if not rows:
        raise FramingError("the time series is empty; nothing to plot")
    size: dict[str, int] = {}
    for r in rows:
        if r.label == ORDER_BY[r.actor]:
            size[r.group] = size.get(r.group, 0) + r.sentences
    groups = sorted(sorted(size), key=lambda g: -size[g])[: max(1, top)]
    periods = _span({r.period for r in rows if r.group in groups})
    ncols = min(4, len(groups))
    nrows = math.ceil(len(groups) / ncols)
    legend_rows = 1 if ncols >= 3 else 3
    height = 2.8 * nrows + 0.7 + 0.25 * legend_rows
    fig, axes = plt.subplots(nrows, ncols, figsize=(max(5.5, 3.6 * ncols), height), sharex=True, sharey=True)
    step = max(1, math.ceil(len(periods) / 8))
    for ax, group in zip(np.atleast_1d(axes).ravel(), groups):
        _panel(ax, [r for r in rows if r.group == group], periods)
        ax.set_title(f"{group} (n={size[group]})", fontsize=9)
        ax.set_ylim(-0.03, 1.03)
        ax.set_xticks(range(0, len(periods), step), periods[::step], rotation=45, ha="right", fontsize=7)
        ax.grid(alpha=0.3)
    for ax in np.atleast_1d(axes).ravel()[len(groups) :]:
        ax.set_visible(False)
    handles = [
        Line2D([], [], color=COLOURS[a], marker=MARKERS[a], label=f"{a}: share '{ORDER_BY[a]}' (bars: 95% interval)")
        for a in ACTORS
    ] + [
        Line2D(
            [],
            [],
            ls="none",
            marker="o",
            mfc="none",
            mec="#999",
            label="thin period (too few sentences or articles): not joined, no interval",
        )
    ]
    fig.legend(handles=handles, loc="lower center", ncol=3 if legend_rows == 1 else 1, frameon=False, fontsize=8)
    fig.suptitle(title or "Delegitimising namings over time (share of sentences naming each actor)")
    fig.tight_layout(rect=(0, (0.25 * legend_rows + 0.1) / height, 1, 1))
    return save(fig, Path(out_dir), "timeseries")
