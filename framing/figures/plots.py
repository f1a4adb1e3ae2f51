"""Figures, drawn with matplotlib as PNG and SVG: profiles, the framing map, heatmaps, time series.

The statistics modules (profile, differences, timeseries) never import this one: a figure only
draws what they computed, including which units are too thin to be estimated (drawn hollow or
marked "too few articles", never as a number with an interval).
"""

from __future__ import annotations

import math
from collections import defaultdict
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
matplotlib.rcParams["text.parse_math"] = False  # names are data: "$...$" in an outlet's is text, not TeX
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from adjustText import adjust_text  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch, Rectangle  # noqa: E402

from framing.analysis.differences import ALPHA, Comparison, DivergenceRow  # noqa: E402
from framing.analysis.profile import ORDER_BY, ProfileRow  # noqa: E402
from framing.analysis.timeseries import TimeRow, period_span  # noqa: E402
from framing.classifiers.schema import ACTORS, LABELS  # noqa: E402
from framing.errors import FramingError  # noqa: E402

COLOURS = {
    "rebel": "#4C72B0",
    "jihadist": "#DD8452",
    "terrorist": "#C44E52",
    "government": "#55A868",
    "regime": "#8172B3",
}
#: Colours and markers of the actors in the time series.
ACTOR_COLOURS = {"opposition": "#C44E52", "state": "#8172B3"}
MARKERS = {"opposition": "o", "state": "s"}
TOO_FEW = "too few articles"


def _by_group(rows: list[ProfileRow], actor: str) -> dict[str, dict[str, ProfileRow]]:
    table: dict[str, dict[str, ProfileRow]] = defaultdict(dict)
    for row in rows:
        if row.actor == actor:
            table[row.group][row.label] = row
    return table


def save(fig: plt.Figure, out: Path, stem: str) -> list[Path]:
    """Save one figure as PNG and SVG; returns the paths written."""
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / f"{stem}.png", out / f"{stem}.svg"]
    for path in paths:
        tmp = path.with_name(f".{path.name}.tmp")
        fig.savefig(tmp, dpi=150, bbox_inches="tight", format=path.suffix[1:])
        tmp.replace(path)
    plt.close(fig)
    return paths


def _profile_order(table: dict[str, dict[str, ProfileRow]], actor: str) -> list[str]:
    """Groups bottom to top: those too thin to estimate first (by name), then by the delegitimising share."""
    thin = sorted(g for g in table if not table[g][ORDER_BY[actor]].enough)
    estimated = sorted(
        (g for g in table if table[g][ORDER_BY[actor]].enough), key=lambda g: table[g][ORDER_BY[actor]].share
    )
    return thin + estimated


def _profile_panel(ax: plt.Axes, table: dict[str, dict[str, ProfileRow]], actor: str) -> None:
    groups = _profile_order(table, actor)
    labels = [label for label in LABELS[actor] if label != "none"]
    left = [0.0] * len(groups)
    for label in labels:
        widths = [table[g][label].share if table[g][label].enough else 0.0 for g in groups]
        ax.barh(groups, widths, left=left, color=COLOURS[label], label=label, edgecolor="white")
        left = [a + b for a, b in zip(left, widths)]
    for y, g in enumerate(groups):
        first = table[g][labels[0]]  # the first boundary's 95% interval
        ax.text(1.01, y, f"n={first.sentences}", va="center", fontsize=8, color="#555")
        if not first.enough:
            note = f"{TOO_FEW} ({first.articles} articles, {first.sentences} sentences)"
            ax.text(0.01, y, note, va="center", fontsize=8, color="#777", style="italic")
            continue
        ax.errorbar(
            first.share,
            y,
            xerr=[[first.share - first.low], [first.high - first.share]],
            fmt="none",
            ecolor="#222",
            elinewidth=0.9,
            capsize=2,
        )
    ax.set_xlim(0, 1)
    ax.set_title(
        f"How {actor} is named (share of sentences naming it)\nwhiskers: 95% interval of the {labels[0]} share"
    )
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, -0.16), ncol=len(labels), frameon=False)


def stacked_profiles(rows: list[ProfileRow], title: str = "") -> plt.Figure:
    """100% stacked bars per group, one panel per actor, ordered by the delegitimising share.

    Groups below the minimum evidence get no bar, only "too few articles" and their counts.
    """
    fig, axes = plt.subplots(1, len(ACTORS), figsize=(12, 0.4 * max(8, len({r.group for r in rows})) + 1.5))
    for ax, actor in zip(axes, ACTORS):
        _profile_panel(ax, _by_group(rows, actor), actor)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def framing_map(rows: list[ProfileRow], title: str = "") -> plt.Figure:
    """One point per group: x terrorist-or-jihadist share, y regime share, with 95% whiskers.

    Groups too thin to estimate for either actor are drawn as small hollow circles without
    whiskers or labels, so that the eye does not read them as measurements.
    """
    opposition, state = _by_group(rows, "opposition"), _by_group(rows, "state")
    groups = sorted(set(opposition) & set(state))
    if not groups:
        raise FramingError("no group has sentences naming both actors; nothing to map")
    points = {g: (opposition[g][ORDER_BY["opposition"]], state[g][ORDER_BY["state"]]) for g in groups}
    solid = [g for g in groups if points[g][0].enough and points[g][1].enough]
    hollow = [g for g in groups if g not in solid]
    fig, ax = plt.subplots(figsize=(8, 7))
    ax.scatter(
        [points[g][0].share for g in hollow],
        [points[g][1].share for g in hollow],
        facecolors="none",
        edgecolors="#aaa",
        s=18,
        label=f"{TOO_FEW} or sentences for an interval ({len(hollow)}; not labelled)",
    )
    texts = []
    for g in solid:
        x, y = points[g]
        ax.errorbar(
            x.share,
            y.share,
            xerr=[[x.share - x.low], [x.high - x.share]],
            yerr=[[y.share - y.low], [y.high - y.share]],
            fmt="o",
            color="#333",
            ecolor="#aaa",
            elinewidth=1,
            capsize=2,
            markersize=6,
            label="estimated, with 95% intervals" if not texts else None,
        )
        texts.append(ax.text(x.share, y.share, g, fontsize=9))
    ax.set_xlim(-0.03, 1.03)
    ax.set_ylim(-0.03, 1.03)
    ax.set_xlabel("share of opposition-naming sentences that say terrorist or jihadist")
    ax.set_ylabel("share of state-naming sentences that say regime")
    ax.set_title(title or "Framing map (95% intervals over articles)")
    ax.grid(alpha=0.3)
    ax.legend(loc="upper right", fontsize=8, frameon=False)
    if texts:
        adjust_text(texts, ax=ax, arrowprops={"arrowstyle": "-", "color": "#888", "lw": 0.5})
    return fig


def can_map(rows: list[ProfileRow]) -> bool:
    """Whether some group names both actors, so that a framing map has a point to draw."""
    return bool(set(_by_group(rows, "opposition")) & set(_by_group(rows, "state")))


def plot_profile(rows: list[ProfileRow], out: Path, title: str = "") -> list[Path]:
    """The stacked profiles and, where some group names both actors, the framing map, written to ``out``."""
    if not rows:
        raise FramingError("the profile is empty; nothing to plot")
    paths = save(stacked_profiles(rows, title), out, "profiles")
    return paths + (save(framing_map(rows, title), out, "framing-map") if can_map(rows) else [])


def _heatmap(comparison: Comparison, rows: list[DivergenceRow], actor: str, title: str) -> plt.Figure:
    units = list(comparison.units)
    index = {u: i for i, u in enumerate(units)}
    values = np.full((len(units), len(units)), np.nan)
    significant = np.zeros_like(values, dtype=bool)
    for r in rows:
        for i, j in ((index[r.a], index[r.b]), (index[r.b], index[r.a])):
            values[i, j], significant[i, j] = r.jsd, r.significant
    size = max(5.0, 0.55 * len(units) + 2.5)
    fig, ax = plt.subplots(figsize=(size + 1.5, size))
    cmap = plt.get_cmap("YlOrRd").with_extremes(bad="#e6e6e6")
    top = max(float(np.nanmax(values)), 1e-6)
    image = ax.imshow(np.ma.masked_invalid(values), cmap=cmap, vmin=0, vmax=top)
    for i, j in zip(*np.nonzero(~np.isnan(values))):
        if not significant[i, j]:
            ax.add_patch(
                Rectangle((j - 0.5, i - 0.5), 1, 1, facecolor=(1, 1, 1, 0.6), edgecolor="#888", hatch="///", lw=0)
            )
        dark = significant[i, j] and values[i, j] > 0.6 * top
        ax.text(
            j,
            i,
            f"{values[i, j]:.2f}" if values[i, j] >= 0.01 else f"{values[i, j]:.3f}",
            ha="center",
            va="center",
            fontsize=8,
            color="white" if dark else "black",
        )
    thin = set(comparison.thin.get(actor, ()))
    names = [f"{u} ({TOO_FEW})" if u in thin else u for u in units]
    ax.set_xticks(range(len(units)), names, rotation=45, ha="right")
    ax.set_yticks(range(len(units)), names)
    fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04, label="Jensen-Shannon divergence (bits)")
    minimum = f"fewer than {comparison.min_articles} articles or {comparison.min_sentences} sentences"
    legend = [
        Patch(facecolor="white", edgecolor="#888", hatch="///", label=f"not significant (BH-adjusted p >= {ALPHA})"),
        Patch(facecolor="#e6e6e6", label=f"not compared ({TOO_FEW}: {minimum} naming the {actor}) or same unit"),
    ]
    ax.legend(handles=legend, loc="upper center", bbox_to_anchor=(0.5, -0.18), frameon=False, fontsize=8)
    ax.set_title(title or f"How differently {actor} is named (tests over articles)")
    fig.tight_layout()
    return fig


def divergence_heatmap(comparison: Comparison, out_dir: Path, title: str = "") -> list[Path]:
    """One JSD heatmap per actor (PNG and SVG); hatched cells are not significant after adjustment."""
    paths = []
    for actor in ACTORS:
        rows = [r for r in comparison.divergences if r.actor == actor]
        if rows:
            paths += save(_heatmap(comparison, rows, actor, title), Path(out_dir), f"divergence-{actor}")
    if not paths:
        raise FramingError("no pair of units had enough articles and sentences to compare; nothing to plot")
    return paths


def _panel(ax: plt.Axes, rows: list[TimeRow], periods: list[str]) -> None:
    """Delegitimising shares of one group: joined, with intervals, where not thin; hollow grey where thin."""
    x = {p: i for i, p in enumerate(periods)}
    for actor in ACTORS:
        points = {r.period: r for r in rows if r.actor == actor and r.label == ORDER_BY[actor]}
        solid = np.array([np.nan if p not in points or points[p].thin else points[p].share for p in periods])
        ax.plot(range(len(periods)), solid, color=ACTOR_COLOURS[actor], marker=MARKERS[actor], markersize=4, lw=1.5)
        full = [r for r in points.values() if not r.thin]
        ax.errorbar(
            [x[r.period] for r in full],
            [r.share for r in full],
            yerr=[[r.share - r.low for r in full], [r.high - r.share for r in full]],
            fmt="none",
            ecolor=ACTOR_COLOURS[actor],
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
    periods = period_span({r.period for r in rows if r.group in groups})
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
        Line2D(
            [], [], color=ACTOR_COLOURS[a], marker=MARKERS[a], label=f"{a}: share '{ORDER_BY[a]}' (bars: 95% interval)"
        )
        for a in ACTORS
    ] + [
        Line2D(
            [],
            [],
            ls="none",
            marker="o",
            mfc="none",
            mec="#999",
            label=f"thin period ({TOO_FEW} or sentences): not joined, no interval",
        )
    ]
    fig.legend(handles=handles, loc="lower center", ncol=3 if legend_rows == 1 else 1, frameon=False, fontsize=8)
    fig.suptitle(title or "Delegitimising namings over time (share of sentences naming each actor)")
    fig.tight_layout(rect=(0, (0.25 * legend_rows + 0.1) / height, 1, 1))
    return save(fig, Path(out_dir), "timeseries")
