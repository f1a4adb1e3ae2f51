"""Differences between outlets, or groups of outlets, that are tested rather than eyeballed.

For every pair of units and every actor: each label share's difference with a 95%
bootstrap interval over articles and a two-sided bootstrap p-value, and the
Jensen-Shannon divergence of the two label distributions with a permutation test
that shuffles articles between the units. P-values are adjusted with
Benjamini-Hochberg within each kind of test.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, replace
from itertools import combinations
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.patches import Patch, Rectangle  # noqa: E402
from scipy.special import xlogy  # noqa: E402
from scipy.stats import false_discovery_control  # noqa: E402

from framing.errors import FramingError  # noqa: E402
from framing.io import atomic_write  # noqa: E402
from framing.plots import save  # noqa: E402
from framing.profile import COMBINED, VOICES, article_counts  # noqa: E402
from framing.schema import ACTORS, LABELS  # noqa: E402

#: The unit a single named group is compared with.
OTHERS = "other outlets"
ALPHA = 0.05
#: Permutation masks are drawn in chunks of about this many cells, to bound memory.
CHUNK_CELLS = 2_000_000


@dataclass(frozen=True)
class DifferenceRow:
    """Share of ``label`` in unit ``a`` minus that in unit ``b``, among sentences naming ``actor``."""

    a: str
    b: str
    actor: str
    label: str
    share_a: float
    share_b: float
    difference: float
    low: float
    high: float
    p: float
    p_adjusted: float
    significant: bool
    sentences_a: int
    sentences_b: int
    articles_a: int
    articles_b: int


@dataclass(frozen=True)
class DivergenceRow:
    """Jensen-Shannon divergence (base 2) between the label distributions of ``a`` and ``b``."""

    a: str
    b: str
    actor: str
    jsd: float
    p: float
    p_adjusted: float
    significant: bool
    sentences_a: int
    sentences_b: int
    articles_a: int
    articles_b: int


@dataclass(frozen=True)
class Skipped:
    """A pair not compared for one actor, and why."""

    a: str
    b: str
    actor: str
    reason: str


@dataclass(frozen=True)
class Comparison:
    """Everything ``compare_outlets`` found; ``units`` maps each unit to its outlets, in order."""

    units: dict[str, frozenset[str]]
    voice: str
    n_boot: int
    n_perm: int
    seed: int
    differences: list[DifferenceRow]
    divergences: list[DivergenceRow]
    skipped: list[Skipped]


@dataclass(frozen=True)
class _Unit:
    matrix: np.ndarray  # articles x labels, sentences naming the actor
    boot: np.ndarray | None  # n_boot x label sets, resampled shares (None when too thin)

    @property
    def sentences(self) -> int:
        return int(self.matrix.sum())


def parse_group(text: str) -> tuple[str, frozenset[str]]:
    """A group spec ``name=outlet,outlet,...`` as (name, outlets)."""
    name, sep, members = text.partition("=")
    name = name.strip()
    outlets = [m.strip() for m in members.split(",")]
    if not sep or not name or not members.strip():
        raise FramingError(f"group {text!r} is not of the form name=outlet,outlet (e.g. state=sana,alalam)")
    if name == OTHERS:
        raise FramingError(f"group name {OTHERS!r} is reserved; choose another name")
    if any(not m or "=" in m for m in outlets):
        raise FramingError(f"group {text!r} has an empty or malformed outlet name in {members!r}")
    return name, frozenset(outlets)


def check_groups(groups: dict[str, frozenset[str]], outlets: set[str] | frozenset[str]) -> None:
    """Every grouped outlet must exist and belong to one group only."""
    unknown = sorted(set().union(*groups.values()) - set(outlets)) if groups else []
    if unknown:
        raise FramingError(
            f"unknown outlet(s) in groups: {', '.join(unknown)}; the scores hold {', '.join(sorted(outlets))}"
        )
    for (name, members), (other, others) in combinations(groups.items(), 2):
        if members & others:
            raise FramingError(f"groups {name!r} and {other!r} share {', '.join(sorted(members & others))}")


def jsd(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Jensen-Shannon divergence in bits (0 to 1) between count vectors along the last axis."""
    p = p / p.sum(axis=-1, keepdims=True)
    q = q / q.sum(axis=-1, keepdims=True)
    m = (p + q) / 2
    h = lambda x: -xlogy(x, x).sum(axis=-1) / np.log(2)  # noqa: E731
    return np.clip(h(m) - (h(p) + h(q)) / 2, 0.0, 1.0)


def _units(rows: list[dict], groups: dict[str, frozenset[str]] | None) -> dict[str, frozenset[str]]:
    outlets = {str(r["outlet"]) if r.get("outlet") is not None else "unknown" for r in rows}
    if not groups:
        units = {o: frozenset({o}) for o in sorted(outlets)}
    else:
        check_groups(groups, outlets)
        units = dict(groups)
        if len(units) == 1:
            rest = frozenset(outlets - next(iter(groups.values())))
            if not rest:
                raise FramingError(f"group {next(iter(groups))!r} holds every outlet; there is nothing to compare with")
            units[OTHERS] = rest
    if len(units) < 2:
        raise FramingError(f"comparing needs at least two units; the scores hold only {', '.join(units)}")
    return units


def _label_sets(actor: str) -> tuple[list[str], np.ndarray]:
    """Names of the single and combined labels of ``actor``, and a labels x sets 0/1 matrix."""
    labels = [label for label in LABELS[actor] if label != "none"]
    sets = {label: (label,) for label in labels} | COMBINED.get(actor, {})
    matrix = np.array([[label in parts for parts in sets.values()] for label in labels], dtype=np.float64)
    return list(sets), matrix


def _bootstrap(matrix: np.ndarray, sets: np.ndarray, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """Shares of each label set in ``n_boot`` resamples of the articles (rows) of ``matrix``."""
    n = len(matrix)
    picks = rng.integers(0, n, size=(n_boot, n))
    weights = np.bincount((picks + n * np.arange(n_boot)[:, None]).ravel(), minlength=n_boot * n)
    totals = weights.reshape(n_boot, n).astype(np.float64) @ matrix
    return (totals @ sets) / totals.sum(axis=1, keepdims=True)


def _permutation_p(a: np.ndarray, b: np.ndarray, n_perm: int, rng: np.random.Generator) -> tuple[float, float]:
    """Observed JSD of two article matrices and its p-value with articles shuffled between them."""
    pooled = np.vstack([a, b]).astype(np.float32)  # counts stay exact in float32 below 2**24
    total = pooled.sum(axis=0, dtype=np.float64)
    observed = float(jsd(a.sum(axis=0), b.sum(axis=0)))
    base = np.arange(len(pooled)) < len(a)
    chunk = max(1, CHUNK_CELLS // len(pooled))
    hits = 0
    for start in range(0, n_perm, chunk):
        masks = rng.permuted(np.tile(base, (min(chunk, n_perm - start), 1)), axis=1)
        left = (masks.astype(np.float32) @ pooled).astype(np.float64)
        hits += int((jsd(left, total - left) >= observed - 1e-12).sum())
    return observed, (1 + hits) / (1 + n_perm)


def _boot_p(diff: np.ndarray) -> np.ndarray:
    """Two-sided bootstrap p-values per column: twice the smaller tail beyond zero, at most 1."""
    tails = np.minimum((diff <= 0).sum(axis=0), (diff >= 0).sum(axis=0))
    return np.minimum(1.0, 2 * (tails + 1) / (len(diff) + 1))


def _adjust(rows: list, p: list[float]) -> list:
    adjusted = false_discovery_control(np.array(p), method="bh") if p else []
    return [replace(r, p_adjusted=float(q), significant=bool(q < ALPHA)) for r, q in zip(rows, adjusted)]


def _compare_pair(a: str, b: str, actor: str, ua: _Unit, ub: _Unit, n_perm: int, rng: np.random.Generator):
    names, sets = _label_sets(actor)
    counts = (ua.sentences, ub.sentences, len(ua.matrix), len(ub.matrix))
    share_a = ua.matrix.sum(axis=0) @ sets / ua.sentences
    share_b = ub.matrix.sum(axis=0) @ sets / ub.sentences
    diff = ua.boot - ub.boot
    low, high = np.percentile(diff, [2.5, 97.5], axis=0)
    p = _boot_p(diff)
    values = zip(share_a, share_b, share_a - share_b, low, high, p)
    differences = [
        DifferenceRow(a, b, actor, name, *map(float, v), 1.0, False, *counts) for name, v in zip(names, values)
    ]
    observed, p_perm = _permutation_p(ua.matrix, ub.matrix, n_perm, rng)
    return differences, DivergenceRow(a, b, actor, observed, p_perm, 1.0, False, *counts)


def compare_outlets(
    rows: list[dict],
    groups: dict[str, frozenset[str]] | None = None,
    voice: str = "all",
    n_boot: int = 2000,
    n_perm: int = 2000,
    seed: int = 0,
    min_sentences: int = 10,
) -> Comparison:
    """Test every pair of outlets (or of the named groups, or one group against the rest) for each actor."""
    if voice not in VOICES:
        raise FramingError(f"--voice must be one of {', '.join(VOICES)}, not {voice!r}")
    if n_boot < 1 or n_perm < 1 or min_sentences < 1:
        raise FramingError(
            f"n_boot, n_perm and min_sentences must be at least 1, not {n_boot}, {n_perm}, {min_sentences}"
        )
    units = _units(rows, groups)
    rng = np.random.default_rng(seed)
    differences, divergences, skipped = [], [], []
    for actor in ACTORS:
        _, sets = _label_sets(actor)
        per_outlet = article_counts(rows, "outlet", actor, voice)
        width = sets.shape[0]
        prepared = {}
        for name, members in units.items():
            docs = [vec for o in sorted(members) for vec in per_outlet.get(o, {}).values()]
            matrix = np.stack(docs) if docs else np.zeros((0, width), dtype=np.int64)
            enough = matrix.sum() >= min_sentences
            prepared[name] = _Unit(matrix, _bootstrap(matrix, sets, n_boot, rng) if enough else None)
        for a, b in combinations(units, 2):
            thin = [u for u in (a, b) if prepared[u].boot is None]
            if thin:
                reason = "; ".join(
                    f"{u} has {prepared[u].sentences} sentences naming {actor} (< {min_sentences})" for u in thin
                )
                skipped.append(Skipped(a, b, actor, reason))
                continue
            rows_ab, divergence = _compare_pair(a, b, actor, prepared[a], prepared[b], n_perm, rng)
            differences += rows_ab
            divergences.append(divergence)
    differences = _adjust(differences, [r.p for r in differences])
    divergences = _adjust(divergences, [r.p for r in divergences])
    return Comparison(units, voice, n_boot, n_perm, seed, differences, divergences, skipped)


def _cell(value) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return f"{value:.4g}" if 0 < abs(value) < 1e-3 else f"{value:.4f}"
    return str(value)


def _write_csv(path: Path, columns: list[str], rows: list) -> Path:
    with atomic_write(path) as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        writer.writerows([_cell(getattr(r, c)) for c in columns] for r in rows)
    return path


def write_comparison(comparison: Comparison, out_dir: Path) -> list[Path]:
    """Write differences.csv, divergences.csv and skipped.csv to ``out_dir``."""
    out_dir = Path(out_dir)
    return [
        _write_csv(out_dir / "differences.csv", list(DifferenceRow.__dataclass_fields__), comparison.differences),
        _write_csv(out_dir / "divergences.csv", list(DivergenceRow.__dataclass_fields__), comparison.divergences),
        _write_csv(out_dir / "skipped.csv", list(Skipped.__dataclass_fields__), comparison.skipped),
    ]


def _heatmap(units: list[str], rows: list[DivergenceRow], actor: str, title: str) -> plt.Figure:
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
    ax.set_xticks(range(len(units)), units, rotation=45, ha="right")
    ax.set_yticks(range(len(units)), units)
    fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04, label="Jensen-Shannon divergence (bits)")
    legend = [
        Patch(facecolor="white", edgecolor="#888", hatch="///", label=f"not significant (BH-adjusted p >= {ALPHA})"),
        Patch(facecolor="#e6e6e6", label="not compared (too few sentences) or same unit"),
    ]
    ax.legend(handles=legend, loc="upper center", bbox_to_anchor=(0.5, -0.18), frameon=False, fontsize=8)
    ax.set_title(title or f"How differently {actor} is named (permutation test over articles)")
    fig.tight_layout()
    return fig


def divergence_heatmap(comparison: Comparison, out_dir: Path, title: str = "") -> list[Path]:
    """One JSD heatmap per actor (PNG and SVG); hatched cells are not significant after adjustment."""
    paths = []
    for actor in ACTORS:
        rows = [r for r in comparison.divergences if r.actor == actor]
        if rows:
            paths += save(_heatmap(list(comparison.units), rows, actor, title), Path(out_dir), f"divergence-{actor}")
    if not paths:
        raise FramingError("no pair of units had enough sentences to compare; nothing to plot")
    return paths
