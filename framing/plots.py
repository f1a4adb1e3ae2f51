"""Comparative framing profiles drawn with matplotlib, as PNG and SVG."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from adjustText import adjust_text  # noqa: E402

from framing.errors import FramingError  # noqa: E402
from framing.profile import ProfileRow  # noqa: E402
from framing.schema import ACTORS, LABELS  # noqa: E402

COLOURS = {
    "rebel": "#4C72B0",
    "jihadist": "#DD8452",
    "terrorist": "#C44E52",
    "government": "#55A868",
    "regime": "#8172B3",
}
#: The share that orders the bars: the delegitimising namings of each actor.
ORDER_BY = {"opposition": "terrorist+jihadist", "state": "regime"}
MIN_SENTENCES = 5


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


def stacked_profiles(rows: list[ProfileRow], title: str = "") -> plt.Figure:
    """100% stacked bars per group, one panel per actor, ordered by the delegitimising share."""
    fig, axes = plt.subplots(1, len(ACTORS), figsize=(12, 0.4 * max(8, len({r.group for r in rows})) + 1.5))
    for ax, actor in zip(axes, ACTORS):
        table = _by_group(rows, actor)
        groups = sorted(table, key=lambda g: table[g][ORDER_BY[actor]].share)
        labels = [label for label in LABELS[actor] if label != "none"]
        left = [0.0] * len(groups)
        for label in labels:
            widths = [table[g][label].share for g in groups]
            ax.barh(groups, widths, left=left, color=COLOURS[label], label=label, edgecolor="white")
            left = [a + b for a, b in zip(left, widths)]
        for y, g in enumerate(groups):
            first = table[g][labels[0]]  # the first boundary's 95% interval
            ax.errorbar(
                first.share,
                y,
                xerr=[[first.share - first.low], [first.high - first.share]],
                fmt="none",
                ecolor="#222",
                elinewidth=0.9,
                capsize=2,
            )
            ax.text(1.01, y, f"n={first.sentences}", va="center", fontsize=8, color="#555")
        ax.set_xlim(0, 1)
        ax.set_title(
            f"How {actor} is named (share of sentences naming it)\nwhiskers: 95% interval of the {labels[0]} share"
        )
        ax.legend(loc="lower center", bbox_to_anchor=(0.5, -0.16), ncol=len(labels), frameon=False)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def framing_map(rows: list[ProfileRow], title: str = "", min_sentences: int = MIN_SENTENCES) -> plt.Figure:
    """One point per group: x terrorist-or-jihadist share, y regime share, with 95% whiskers."""
    opposition, state = _by_group(rows, "opposition"), _by_group(rows, "state")
    groups = [
        g
        for g in sorted(set(opposition) & set(state))
        if opposition[g]["rebel"].sentences >= min_sentences and state[g]["regime"].sentences >= min_sentences
    ]
    if not groups:
        raise FramingError(f"no group has {min_sentences} sentences naming each actor; nothing to map")
    fig, ax = plt.subplots(figsize=(8, 7))
    texts = []
    for g in groups:
        x, y = opposition[g][ORDER_BY["opposition"]], state[g][ORDER_BY["state"]]
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
        )
        texts.append(ax.text(x.share, y.share, g, fontsize=9))
    ax.set_xlim(-0.03, 1.03)
    ax.set_ylim(-0.03, 1.03)
    ax.set_xlabel("share of opposition-naming sentences that say terrorist or jihadist")
    ax.set_ylabel("share of state-naming sentences that say regime")
    ax.set_title(title or "Framing map (95% bootstrap intervals over articles)")
    ax.grid(alpha=0.3)
    adjust_text(texts, ax=ax, arrowprops={"arrowstyle": "-", "color": "#888", "lw": 0.5})
    return fig


def plot_profile(rows: list[ProfileRow], out: Path, title: str = "") -> list[Path]:
    """Both figures for one profile, written to ``out``."""
    if not rows:
        raise FramingError("the profile is empty; nothing to plot")
    paths = save(stacked_profiles(rows, title), out, "profiles")
    return paths + save(framing_map(rows, title), out, "framing-map")
