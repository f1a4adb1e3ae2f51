"""Figures, drawn with matplotlib as PNG and SVG: profiles, the framing map, heatmaps, time series.

The statistics modules (profile, differences, timeseries) never import this one: a figure only
draws what they computed, including which units are too thin to be estimated (drawn hollow or
marked "too few articles", never as a number with an interval).
"""

from __future__ import annotations

import math
import textwrap
from collections import defaultdict
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
matplotlib.rcParams["text.parse_math"] = False  # names are data: "$...$" in an outlet's is text, not TeX
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib import patheffects  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch, Rectangle  # noqa: E402
from matplotlib.text import Text  # noqa: E402
from matplotlib.transforms import Bbox, ScaledTranslation  # noqa: E402

from framing.analysis.differences import ALPHA, Comparison, DivergenceRow  # noqa: E402
from framing.analysis.profile import ProfileRow, axis_label, order_labels, scheme_of_shares  # noqa: E402
from framing.analysis.timeseries import TimeRow, period_span  # noqa: E402
from framing.errors import FramingError  # noqa: E402
from framing.schemes import NONE, Axis, Scheme  # noqa: E402

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
#: The qualitative palette of the labels and actors of other schemes, taken in the scheme's order.
PALETTE = "tab10"
#: The markers of the actors of other schemes, in the scheme's order.
ACTOR_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
TOO_FEW = "too few articles"
#: Up to this many units a divergence heatmap prints each cell's value; beyond, the cells are too many to read.
NUMBERED_UNITS = 16


def _palette(n: int) -> list[str]:
    """``n`` colours of ``PALETTE`` (``tab20`` beyond its size), in order, repeating if still too few."""
    colours = plt.get_cmap(PALETTE if n <= 10 else "tab20").colors
    return [to_hex(colours[i % len(colours)]) for i in range(n)]


def _syrian(scheme: Scheme) -> bool:
    """Whether the scheme's actors and labels all have the Syrian scheme's colours."""
    labels = [label for actor in scheme.actor_fields for label in scheme.labels[actor] if label != NONE]
    return set(scheme.actor_fields) <= set(ACTOR_COLOURS) and set(labels) <= set(COLOURS)


def label_colours(scheme: Scheme) -> dict[str, dict[str, str]]:
    """Per actor, the colour of each naming label: the Syrian ones for the Syrian scheme, else ``PALETTE``'s
    colours in the scheme's order of actors and labels."""
    if _syrian(scheme):
        return {actor: {label: COLOURS[label] for label in scheme.labels[actor][1:]} for actor in scheme.actor_fields}
    pairs = [(actor, label) for actor in scheme.actor_fields for label in scheme.labels[actor] if label != NONE]
    result: dict[str, dict[str, str]] = defaultdict(dict)
    for (actor, label), colour in zip(pairs, _palette(len(pairs))):
        result[actor][label] = colour
    return dict(result)


def actor_styles(scheme: Scheme) -> dict[str, tuple[str, str]]:
    """Per actor, its colour and marker in the time series: the Syrian ones, else from ``PALETTE`` and
    ``ACTOR_MARKERS`` in the scheme's order."""
    if _syrian(scheme):
        return {actor: (ACTOR_COLOURS[actor], MARKERS[actor]) for actor in scheme.actor_fields}
    colours = _palette(len(scheme.actor_fields))
    markers = [ACTOR_MARKERS[i % len(ACTOR_MARKERS)] for i in range(len(colours))]
    return dict(zip(scheme.actor_fields, zip(colours, markers)))


def _profile_scheme(rows: list[ProfileRow] | list[TimeRow], scheme: Scheme | None) -> Scheme:
    """``scheme``, or the scheme the rows' actors and labels are of (``profile.scheme_of_shares``)."""
    return scheme_of_shares(((r.actor, r.label) for r in rows), scheme)


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
        _write(fig, path)
    plt.close(fig)
    return paths


def save_figure(fig: plt.Figure, path: Path) -> Path:
    """Save one figure to ``path``, in the format its suffix names (.png, .svg, .pdf, ...), and close it."""
    path = Path(path)
    formats = fig.canvas.get_supported_filetypes()
    try:
        if path.suffix[1:].lower() not in formats:
            kind = path.suffix or "a file without a suffix"
            raise FramingError(f"{path}: cannot draw a figure as {kind}; name a .png, .svg or .pdf file")
        path.parent.mkdir(parents=True, exist_ok=True)
        return _write(fig, path)
    finally:
        plt.close(fig)


def _write(fig: plt.Figure, path: Path) -> Path:
    tmp = path.with_name(f".{path.name}.tmp")  # the file appears whole or not at all
    fig.savefig(tmp, dpi=150, bbox_inches="tight", format=path.suffix[1:].lower())
    tmp.replace(path)
    return path


def _profile_order(table: dict[str, dict[str, ProfileRow]], key: str) -> list[str]:
    """Groups bottom to top: those too thin to estimate first (by name), then by the share of ``key`` (the
    actor's order-by label, ``profile.order_labels``: its delegitimising share)."""
    thin = sorted(g for g in table if not table[g][key].enough)
    estimated = sorted((g for g in table if table[g][key].enough), key=lambda g: table[g][key].share)
    return thin + estimated


def _profile_panel(ax: plt.Axes, table: dict[str, dict[str, ProfileRow]], actor: str, scheme: Scheme) -> None:
    groups = _profile_order(table, order_labels(scheme)[actor])
    labels = [label for label in scheme.labels[actor] if label != NONE]
    colours = label_colours(scheme)[actor]
    left = [0.0] * len(groups)
    for label in labels:
        widths = [table[g][label].share if table[g][label].enough else 0.0 for g in groups]
        ax.barh(groups, widths, left=left, color=colours[label], label=label, edgecolor="white")
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
        f"How {scheme.actor(actor).display.removeprefix('the ')} is named (share of sentences naming it)\n"
        f"whiskers: 95% interval of the {labels[0]} share"
    )
    below = ax.transAxes + ScaledTranslation(0, -0.4, ax.figure.dpi_scale_trans)  # under the ticks, however tall
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, 0), bbox_transform=below, ncol=len(labels), frameon=False)


def stacked_profiles(rows: list[ProfileRow], title: str = "", scheme: Scheme | None = None) -> plt.Figure:
    """100% stacked bars per group, one panel per actor of ``scheme`` (default: the rows', ``_profile_scheme``),
    ordered by the delegitimising share.

    Groups below the minimum evidence get no bar, only "too few articles" and their counts.
    """
    scheme = _profile_scheme(rows, scheme)
    actors = scheme.actor_fields
    height = 0.4 * max(8, len({r.group for r in rows})) + 1.5
    fig, axes = plt.subplots(1, len(actors), figsize=(12 if len(actors) > 1 else 7, height), squeeze=False)
    for ax, actor in zip(axes[0], actors):
        _profile_panel(ax, _by_group(rows, actor), actor, scheme)
    fig.tight_layout()
    if title:  # the panels move down under the title: tight_layout alone lets it overprint the panel titles
        suptitle = fig.suptitle(title)
        height = suptitle.get_window_extent(fig.canvas.get_renderer()).height / fig.bbox.height
        fig.tight_layout(rect=(0, 0, 1, suptitle.get_position()[1] - height - 0.005))
    return fig


#: How far from its point a label may sit, in points: beside it, then further out with a leader line.
LABEL_RINGS = (4.0, 14.0, 26.0)
#: Directions around a point, each with the alignment that puts the label on that side of its anchor.
LABEL_SIDES = (
    (1.0, 0.0, "left", "center"),
    (-1.0, 0.0, "right", "center"),
    (0.0, 1.0, "center", "bottom"),
    (0.0, -1.0, "center", "top"),
    (0.7, 0.7, "left", "bottom"),
    (-0.7, 0.7, "right", "bottom"),
    (0.7, -0.7, "left", "top"),
    (-0.7, -0.7, "right", "top"),
)
#: A white rim around a label, so that it stays legible where it crosses a whisker.
HALO = [patheffects.withStroke(linewidth=2.5, foreground="white")]
#: Characters per line of the framing map's legend, which names the points drawn without a label.
LEGEND_WIDTH = 110


def marker_box(ax: plt.Axes, x: float, y: float, radius: float) -> Bbox:
    """A point's marker as a box in display units (``radius`` in points)."""
    cx, cy = ax.transData.transform((x, y))
    r = radius * ax.figure.dpi / 72
    return Bbox.from_extents(cx - r, cy - r, cx + r, cy + r)


def _fits(box: Bbox, taken: list[tuple[str | None, Bbox]], name: str, inside: Bbox) -> bool:
    """Inside the axes, and clear of every label placed and every marker but the label's own point."""
    if not (inside.contains(box.x0, box.y0) and inside.contains(box.x1, box.y1)):
        return False
    return not any(owner != name and box.overlaps(other) for owner, other in taken)


def _place(ax: plt.Axes, text: Text, x: float, y: float, taken: list, name: str) -> tuple[float, float] | None:
    """Move ``text`` to the first free place around (x, y); its offset in points, or None if none is free."""
    renderer = ax.figure.canvas.get_renderer()
    for ring in LABEL_RINGS:
        for dx, dy, ha, va in LABEL_SIDES:
            shift = ScaledTranslation(dx * ring / 72, dy * ring / 72, ax.figure.dpi_scale_trans)
            text.set(x=x, y=y, ha=ha, va=va, transform=ax.transData + shift)
            box = text.get_window_extent(renderer).padded(1.0)
            if _fits(box, taken, name, ax.bbox):
                taken.append((None, box))
                return dx * ring, dy * ring
    return None


def place_labels(ax: plt.Axes, points: list[tuple[str, float, float]], markers: list[tuple[str, Bbox]]) -> list[str]:
    """Label the points, in the order given, each where its label overlaps no other label and no other
    point's marker (``markers``: owner and box) and stays inside the axes; returns the names left unlabelled.

    Call it once the figure's layout is final: the places are found in display units."""
    taken: list[tuple[str | None, Bbox]] = list(markers)
    unlabelled = []
    for name, x, y in points:
        text = ax.text(x, y, name, fontsize=8, path_effects=HALO)
        offset = _place(ax, text, x, y, taken, name)
        if offset is None:
            text.remove()
            unlabelled.append(name)
        elif math.hypot(*offset) > LABEL_RINGS[0] + 0.5:  # away from its point: a leader line says whose
            ends = ax.transData.transform([(x, y), (x, y)]) + [[0, 0], [o * ax.figure.dpi / 72 for o in offset]]
            (x0, y0), (x1, y1) = ax.transData.inverted().transform(ends)
            ax.plot([x0, x1], [y0, y1], color="#888", lw=0.5, zorder=1)
    return unlabelled


def _listed(text: str, names: list[str]) -> str:
    """A legend entry naming ``names``, wrapped to the legend's width."""
    return textwrap.fill(f"{text} ({len(names)}): {', '.join(names)}" if names else text, LEGEND_WIDTH)


def _map_legend(ax: plt.Axes, entries: list[tuple[object, str]]) -> None:
    """The legend under the map: what each kind of point is, and which outlets have no label or no point."""
    handles = [h if h is not None else Line2D([], [], ls="none") for h, _ in entries]
    ax.legend(
        handles,
        [label for _, label in entries],
        loc="upper left",
        bbox_to_anchor=(-0.08, -0.08),
        fontsize=8,
        frameon=False,
        handlelength=1.2,
    )


def _axis_title(scheme: Scheme, axis: Axis) -> str:
    """A map axis's title: "share of opposition-naming sentences that say terrorist or jihadist"."""
    actor = scheme.actor(axis.actor).display.removeprefix("the ")
    return f"share of {actor}-naming sentences that say {' or '.join(axis.labels)}"


def framing_map(rows: list[ProfileRow], title: str = "", scheme: Scheme | None = None) -> plt.Figure:
    """One point per group: x and y the shares of the scheme's map axes (``scheme``, default the rows',
    ``_profile_scheme``; Syria: x terrorist-or-jihadist share, y regime share), with 95% whiskers. Both
    axes may be shares of one actor's namings.

    Groups too thin to estimate for either actor are drawn as small hollow circles without
    whiskers or labels, so that the eye does not read them as measurements. Labels go only where
    they overlap no other label or point (the groups with most sentences first); the legend names
    every group drawn without a label, and every group left off the map for naming one actor only.
    """
    scheme = _profile_scheme(rows, scheme)
    x_axis, y_axis = scheme.map.x, scheme.map.y
    x_table, y_table = _by_group(rows, x_axis.actor), _by_group(rows, y_axis.actor)
    groups = sorted(set(x_table) & set(y_table))
    if not groups:
        both = "both actors" if x_axis.actor != y_axis.actor else x_axis.actor
        raise FramingError(f"no group has sentences naming {both}; nothing to map")
    points = {g: (x_table[g][axis_label(x_axis)], y_table[g][axis_label(y_axis)]) for g in groups}
    solid = [g for g in groups if points[g][0].enough and points[g][1].enough]
    hollow = [g for g in groups if g not in solid]
    side = 7.0 if len(groups) <= 20 else 9.0
    fig, ax = plt.subplots(figsize=(side + 1, side))
    fig.subplots_adjust(left=0.1, right=0.97, bottom=0.08, top=0.94)
    ax.scatter(
        [points[g][0].share for g in hollow],
        [points[g][1].share for g in hollow],
        facecolors="none",
        edgecolors="#aaa",
        s=18,
    )
    estimated = None
    for g in solid:
        x, y = points[g]
        drawn = ax.errorbar(
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
        )
        estimated = estimated or drawn
    ax.set_xlim(-0.03, 1.03)
    ax.set_ylim(-0.03, 1.03)
    ax.set_xlabel(_axis_title(scheme, x_axis))
    ax.set_ylabel(_axis_title(scheme, y_axis))
    ax.set_title(title or "Framing map (95% intervals over articles)")
    ax.grid(alpha=0.3)
    markers = [(g, marker_box(ax, points[g][0].share, points[g][1].share, 3.5 if g in solid else 2.5)) for g in groups]
    by_size = sorted(solid, key=lambda g: (-(points[g][0].sentences + points[g][1].sentences), g))
    unlabelled = place_labels(ax, [(g, points[g][0].share, points[g][1].share) for g in by_size], markers)
    hollow_handle = Line2D([], [], ls="none", marker="o", mfc="none", mec="#aaa", markersize=4)
    entries: list[tuple[object, str]] = []
    if hollow:
        entries.append((hollow_handle, _listed(f"{TOO_FEW} or sentences for an interval; not labelled", hollow)))
    if solid:
        entries.append((estimated, f"estimated, with 95% intervals ({len(solid)})"))
    if unlabelled:
        entries.append((None, _listed("estimated, not labelled for lack of room", sorted(unlabelled))))
    for actor, names in ((y_axis.actor, x_table), (x_axis.actor, y_table)):
        missing = sorted(set(names) - set(groups))
        if missing:
            display = scheme.actor(actor).display
            entries.append((None, _listed(f"not on the map, no sentence naming {display}", missing)))
    _map_legend(ax, entries)
    return fig


def can_map(rows: list[ProfileRow], scheme: Scheme | None = None) -> bool:
    """Whether some group names both map actors (``scheme``, default the rows'), so that a framing map has a
    point to draw."""
    axes = _profile_scheme(rows, scheme).map
    return bool(set(_by_group(rows, axes.x.actor)) & set(_by_group(rows, axes.y.actor)))


#: The figures of a profile by name (``framing.plot``'s ``kind``).
PROFILE_FIGURES = {"profiles": stacked_profiles, "map": framing_map}


def profile_figure(
    rows: list[ProfileRow], kind: str = "profiles", title: str = "", scheme: Scheme | None = None
) -> plt.Figure:
    """One figure of a profile of ``scheme`` (default: the rows', ``_profile_scheme``): ``profiles`` (the
    stacked bars) or ``map`` (the framing map)."""
    if kind not in PROFILE_FIGURES:
        raise FramingError(f"kind must be one of {', '.join(PROFILE_FIGURES)}, not {kind!r}")
    if not rows:
        raise FramingError("the profile is empty; nothing to plot")
    if any(r.estimator != "count" for r in rows):  # say so wherever an adjusted profile is drawn
        title = f"{title or 'Framing profile'}: shares adjusted for the model's error rates"
    return PROFILE_FIGURES[kind](rows, title, scheme)


def plot_profile(rows: list[ProfileRow], out: Path, title: str = "", scheme: Scheme | None = None) -> list[Path]:
    """The stacked profiles and, where some group names both map actors, the framing map, written to ``out``
    (``scheme``: that of the profile, default the rows', ``_profile_scheme``)."""
    scheme = _profile_scheme(rows, scheme) if rows else scheme
    paths = save(profile_figure(rows, "profiles", title, scheme), out, "profiles")
    mapped = can_map(rows, scheme)
    return paths + (save(profile_figure(rows, "map", title, scheme), out, "framing-map") if mapped else [])


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
        if len(units) > NUMBERED_UNITS:
            continue
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
    if len(units) > NUMBERED_UNITS:
        legend.append(Patch(facecolor="none", edgecolor="none", label="values: the colour bar, or the divergence CSV"))
    ax.legend(handles=legend, loc="upper center", bbox_to_anchor=(0.5, -0.18), frameon=False, fontsize=8)
    ax.set_title(title or f"How differently {actor} is named (tests over articles)")
    fig.tight_layout()
    return fig


def divergence_heatmap(comparison: Comparison, out_dir: Path, title: str = "") -> list[Path]:
    """One JSD heatmap per actor (PNG and SVG); hatched cells are not significant after adjustment."""
    paths = []
    for actor in dict.fromkeys(r.actor for r in comparison.divergences):  # the scheme's order: as compared
        rows = [r for r in comparison.divergences if r.actor == actor]
        if rows:
            paths += save(_heatmap(comparison, rows, actor, title), Path(out_dir), f"divergence-{actor}")
    if not paths:
        raise FramingError("no pair of units had enough articles and sentences to compare; nothing to plot")
    return paths


def _panel(ax: plt.Axes, rows: list[TimeRow], periods: list[str], scheme: Scheme) -> None:
    """Delegitimising shares of one group: joined, with intervals, where not thin; hollow grey where thin."""
    x = {p: i for i, p in enumerate(periods)}
    order_by, styles = order_labels(scheme), actor_styles(scheme)
    for actor in scheme.actor_fields:
        colour, marker = styles[actor]
        points = {r.period: r for r in rows if r.actor == actor and r.label == order_by[actor]}
        solid = np.array([np.nan if p not in points or points[p].thin else points[p].share for p in periods])
        ax.plot(range(len(periods)), solid, color=colour, marker=marker, markersize=4, lw=1.5)
        full = [r for r in points.values() if not r.thin]
        ax.errorbar(
            [x[r.period] for r in full],
            [r.share for r in full],
            yerr=[[r.share - r.low for r in full], [r.high - r.share for r in full]],
            fmt="none",
            ecolor=colour,
            alpha=0.45,
            capsize=2,
        )
        thin = [r for r in points.values() if r.thin]
        ax.scatter(
            [x[r.period] for r in thin],
            [r.share for r in thin],
            marker=marker,
            facecolors="none",
            edgecolors="#999",
            s=22,
        )


def plot_timeseries(
    rows: list[TimeRow], out_dir: Path, title: str = "", top: int = 8, scheme: Scheme | None = None
) -> list[Path]:
    """Small multiples of the delegitimising shares (``profile.order_labels``) over time for the ``top``
    groups with most sentences (``scheme``: that of the series, default the rows', ``_profile_scheme``)."""
    if not rows:
        raise FramingError("the time series is empty; nothing to plot")
    scheme = _profile_scheme(rows, scheme)
    order_by, styles = order_labels(scheme), actor_styles(scheme)
    size: dict[str, int] = {}
    for r in rows:
        if r.label == order_by[r.actor]:
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
        _panel(ax, [r for r in rows if r.group == group], periods, scheme)
        ax.set_title(f"{group} (n={size[group]})", fontsize=9)
        ax.set_ylim(-0.03, 1.03)
        ax.set_xticks(range(0, len(periods), step), periods[::step], rotation=45, ha="right", fontsize=7)
        ax.grid(alpha=0.3)
    for ax in np.atleast_1d(axes).ravel()[len(groups) :]:
        ax.set_visible(False)
    handles = [
        Line2D([], [], color=colour, marker=marker, label=f"{a}: share '{order_by[a]}' (bars: 95% interval)")
        for a, (colour, marker) in styles.items()
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
