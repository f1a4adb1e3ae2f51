"""Differences between outlets, or groups of outlets, that are tested rather than eyeballed.

For every pair of units and every actor, one permutation test shuffles whole articles between
the two units and gives, from the same shuffles, two kinds of p-value: one per label share (the
studentised difference of the shares) and one for the label distribution as a whole (the sum of
the squared studentised differences of the single labels), reported beside the Jensen-Shannon
divergence of the two distributions, its size. The permutation test is exact when the articles of
the two units are alike; when they are not (one outlet's articles longer, or more one-sided) its
tails are too light, so each p-value is the larger of the permutation test's and a Welch t test's
over articles (for the whole distribution: Bonferroni over its labels), and a difference counts
only when both tests find it (README, "How sure the numbers are"). P-values are adjusted with
Benjamini-Hochberg within each kind of test, and only the adjusted p decides what is "significant". Beside each
share difference stands its 95% interval (the percentile bootstrap over articles, widened to
Newcombe's MOVER interval of the two units' own intervals, ``framing.analysis.stats``), for reading the
size, never for testing.

A pair is compared only when both units pass the minimum evidence (``framing.analysis.stats``): below it
the pair is listed in ``skipped`` with the reason, so no unit of one or two articles is ever in a
significant difference. Figures of a comparison are drawn by ``framing.figures.plots``.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field, replace
from itertools import combinations
from pathlib import Path

import numpy as np
from scipy.special import xlogy
from scipy.stats import false_discovery_control

from framing.analysis.profile import VOICES, article_counts, label_sets
from framing.analysis.stats import (
    MIN_ARTICLES,
    MIN_SENTENCES,
    article_dof,
    check_minimum,
    cr2_variance,
    design_interval,
    difference_interval,
    shortfall,
)
from framing.errors import FramingError
from framing.io import atomic_write
from framing.schemes import NONE, Scheme
from framing.scoring.rows import ScoredSentence, scheme_of

#: The unit a single named group is compared with.
OTHERS = "other outlets"
ALPHA = 0.05
#: Permutation masks are drawn in chunks of about this many cells, to bound memory.
CHUNK_CELLS = 2_000_000
#: A pair goes on being shuffled while one of its tests has fewer shuffles this extreme (see ``_permutation_p``).
HITS = 10


@dataclass(frozen=True)
class DifferenceRow:
    """Share of ``label`` in unit ``a`` minus that in unit ``b``, among sentences naming ``actor``.

    ``low`` and ``high`` are the 95% interval of the difference; ``p`` is the larger of the
    permutation test's (articles shuffled between the units) and Welch's t test's over articles,
    ``p_adjusted`` its Benjamini-Hochberg adjustment.
    """

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
    """Jensen-Shannon divergence (base 2) between the label distributions of ``a`` and ``b``.

    ``p`` tests whether the distributions differ at all: the permutation test of the summed squared
    studentised label differences, from the same shuffles as the share differences' tests, or
    Welch's tests of the single labels with Bonferroni's correction, whichever is larger.
    """

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
    """Everything ``compare_outlets`` found; ``units`` maps each unit to its outlets, in order.

    ``thin`` lists, per actor, the units below the minimum evidence (never compared).
    """

    units: dict[str, frozenset[str]]
    voice: str
    n_boot: int
    n_perm: int
    seed: int
    differences: list[DifferenceRow]
    divergences: list[DivergenceRow]
    skipped: list[Skipped]
    min_articles: int = MIN_ARTICLES
    min_sentences: int = MIN_SENTENCES
    thin: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class _Unit:
    matrix: np.ndarray  # articles x labels, sentences naming the actor
    boot: np.ndarray | None  # n_boot x label sets, resampled shares (None when below the minimum)
    interval: tuple[np.ndarray, np.ndarray, np.ndarray] | None  # share, low, high per label set

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


def _units(rows: list[ScoredSentence], groups: dict[str, frozenset[str]] | None) -> dict[str, frozenset[str]]:
    outlets = {r.outlet_name for r in rows}
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


def _label_sets(scheme: Scheme, actor: str) -> tuple[list[str], np.ndarray]:
    """Names of the single and combined labels of ``actor`` in ``scheme``, and a labels x sets 0/1 matrix."""
    labels = [label for label in scheme.labels[actor] if label != NONE]
    sets = label_sets(scheme, actor)
    matrix = np.array([[label in parts for parts in sets.values()] for label in labels], dtype=np.float64)
    return list(sets), matrix


def _bootstrap(matrix: np.ndarray, sets: np.ndarray, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """Shares of each label set in ``n_boot`` resamples of the articles (rows) of ``matrix``."""
    n = len(matrix)
    picks = rng.integers(0, n, size=(n_boot, n))
    weights = np.bincount((picks + n * np.arange(n_boot)[:, None]).ravel(), minlength=n_boot * n)
    totals = weights.reshape(n_boot, n).astype(np.float64) @ matrix
    return (totals @ sets) / totals.sum(axis=1, keepdims=True)


def _features(pooled: np.ndarray, sets: np.ndarray) -> np.ndarray:
    """Per article: its label counts, then per label set ``y**2`` and ``y*m``, then ``m**2``.

    ``y`` is the article's count of the set and ``m`` its naming sentences; summed over any subset
    of articles these give that subset's shares and their between-article variances.
    """
    y = pooled @ sets
    m = pooled.sum(axis=1, keepdims=True)
    return np.hstack([pooled, y * y, y * m, m * m])


def _side(
    sums: np.ndarray, n: int, width: int, sets: np.ndarray, pooled: tuple[np.ndarray, float]
) -> tuple[np.ndarray, np.ndarray]:
    """Shares per label set of ``n`` articles, from their summed features, and the variance of each.

    The variance is ``n/(n-1) * sum((y - p0*m)**2) / M**2`` around the pooled share ``p0 =
    named0 / total0`` of both units (fixed under shuffling), computed from integer sums so that
    it is exact; ``framing.analysis.stats.ratio_variance`` is the same around the unit's own share.
    """
    k = sets.shape[1]
    counts = sums[:, :width]
    total, named = counts.sum(axis=1, keepdims=True), counts @ sets
    yy, ym, mm = sums[:, width : width + k], sums[:, width + k : width + 2 * k], sums[:, -1:]
    named0, total0 = pooled
    spread = np.maximum(total0**2 * yy - 2 * named0 * total0 * ym + named0**2 * mm, 0.0)
    return named / total, n / max(n - 1, 1) * spread / (total0**2 * total**2)


def _studentised(left: np.ndarray, total: np.ndarray, n_a: int, n_b: int, width: int, sets: np.ndarray) -> np.ndarray:
    """|share_a - share_b| / its standard error under the null, per label set (the score form).

    The error comes from each unit's articles' spread around the pooled share, not around the
    unit's own share, so a unit whose few articles all say "rebel" is not taken as certain (an
    infinite statistic) in the shuffles.
    """
    pooled = (total[:width] @ sets, float(total[:width].sum()))
    share_a, var_a = _side(left, n_a, width, sets, pooled)
    share_b, var_b = _side(total - left, n_b, width, sets, pooled)
    difference, error = share_a - share_b, np.sqrt(var_a + var_b)
    with np.errstate(divide="ignore", invalid="ignore"):
        statistic = np.where(error > 0, np.abs(difference) / error, np.where(difference == 0, 0.0, np.inf))
    return statistic


def _permutation_p(
    a: np.ndarray, b: np.ndarray, sets: np.ndarray, n_perm: int, rng: np.random.Generator, most: int = 0
) -> tuple[float, float, np.ndarray]:
    """Observed JSD of two article matrices, the p-value of the whole distribution, and each label set's.

    All from the same shuffles of whole articles between the units. The shares are compared by
    their studentised difference, and the distribution by the sum of the squared studentised
    differences of the single labels (which held its level better than the JSD itself when the
    units differ in article length or in how alike their articles are: README, "How sure the
    numbers are"). Every pair gets ``n_perm`` shuffles; while one of its tests has had fewer than
    HITS shuffles as extreme as the data, shuffling goes on (doubling) up to ``most`` in all, so a
    small p-value is measured rather than stuck at 1/(n_perm+1), where Benjamini-Hochberg over
    many tests could never call it significant (Besag and Clifford 1991 stop early for large p;
    this goes on for small ones). p is (1 + extreme shuffles) / (1 + shuffles).
    """
    pooled = np.vstack([a, b]).astype(np.float64)
    width = pooled.shape[1]
    features = _features(pooled, sets)
    total = features.sum(axis=0)
    base = np.arange(len(pooled)) < len(a)
    observed_jsd = float(jsd(a.sum(axis=0), b.sum(axis=0)))
    observed_t = _studentised(features[base].sum(axis=0, keepdims=True), total, len(a), len(b), width, sets)[0]
    observed_all = float((observed_t[:width] ** 2).sum())  # the single labels come first in ``sets``
    chunk = max(1, CHUNK_CELLS // len(pooled))
    hits_all, hits_t = 0, np.zeros(sets.shape[1], dtype=np.int64)
    done, most = 0, max(n_perm, most)
    while done < n_perm or (done < most and min(hits_all, int(hits_t.min())) < HITS):
        size = min(chunk, n_perm - done) if done < n_perm else min(chunk, done, most - done)
        masks = rng.permuted(np.tile(base, (size, 1)), axis=1)
        statistic = _studentised(masks.astype(np.float64) @ features, total, len(a), len(b), width, sets)
        hits_all += int(((statistic[:, :width] ** 2).sum(axis=1) >= observed_all * (1 - 1e-12)).sum())
        hits_t += (statistic >= observed_t * (1 - 1e-12)).sum(axis=0)
        done += size
    return observed_jsd, (1 + hits_all) / (1 + done), (1 + hits_t) / (1 + done)


def _adjust(rows: list, p: list[float]) -> list:
    adjusted = false_discovery_control(np.array(p), method="bh") if p else []
    return [replace(r, p_adjusted=float(q), significant=bool(q < ALPHA)) for r, q in zip(rows, adjusted)]


def _prepare(matrix: np.ndarray, sets: np.ndarray, n_boot: int, rng: np.random.Generator, estimated: bool) -> _Unit:
    """A unit's bootstrap replicates and its shares' intervals (as in ``framing.analysis.stats.share_interval``)."""
    if not estimated:
        return _Unit(matrix, None, None)
    boot = _bootstrap(matrix, sets, n_boot, rng)
    shares = matrix.sum(axis=0) @ sets / matrix.sum()
    design_low, design_high = design_interval(matrix @ sets, matrix.sum(axis=1))
    boot_low, boot_high = np.percentile(boot, [2.5, 97.5], axis=0)
    return _Unit(matrix, boot, (shares, np.minimum(boot_low, design_low), np.maximum(boot_high, design_high)))


def _welch_p(a: np.ndarray, b: np.ndarray, sets: np.ndarray) -> np.ndarray:
    """Two-sided p of each label set's share difference by Welch's t test over articles.

    Each unit's variance is the bias-reduced (CR2) cluster variance and its degrees of freedom those
    of articles of unequal length (``framing.analysis.stats``), combined by Welch-Satterthwaite. Unlike the
    permutation test it does not assume that the two units' articles are alike. 1 where a unit
    has a single article: nothing is known about how its articles vary.
    """
    from scipy.stats import t

    if len(a) < 2 or len(b) < 2:
        return np.ones(sets.shape[1])
    share_a, share_b = a.sum(axis=0) @ sets / a.sum(), b.sum(axis=0) @ sets / b.sum()
    var_a, var_b = cr2_variance(a @ sets, a.sum(axis=1)), cr2_variance(b @ sets, b.sum(axis=1))
    difference, variance = np.abs(share_a - share_b), var_a + var_b
    with np.errstate(divide="ignore", invalid="ignore"):
        dof = variance**2 / (var_a**2 / article_dof(a.sum(axis=1)) + var_b**2 / article_dof(b.sum(axis=1)))
        p = 2 * t.sf(difference / np.sqrt(variance), dof)
    return np.where(variance > 0, p, np.where(difference == 0, 1.0, 0.0))


def _unit_matrix(per_outlet: dict, members: frozenset[str], width: int) -> np.ndarray:
    """Articles x labels (``width`` naming labels) of a unit's outlets (no rows where none of them names the actor)."""
    docs = [vec for o in sorted(members) for vec in per_outlet.get(o, {}).values()]
    return np.stack(docs) if docs else np.zeros((0, width), dtype=np.int64)


def _compare_pair(
    a: str,
    b: str,
    actor: str,
    ua: _Unit,
    ub: _Unit,
    n_perm: int,
    rng: np.random.Generator,
    most: int,
    named_sets: tuple[list[str], np.ndarray],
) -> tuple[list[DifferenceRow], DivergenceRow]:
    names, sets = named_sets
    counts = (ua.sentences, ub.sentences, len(ua.matrix), len(ub.matrix))
    share_a, share_b = ua.interval[0], ub.interval[0]
    boot_low, boot_high = np.percentile(ua.boot - ub.boot, [2.5, 97.5], axis=0)
    mover_low, mover_high = difference_interval(ua.interval, ub.interval)
    low, high = np.minimum(boot_low, mover_low), np.maximum(boot_high, mover_high)
    observed, p_all, p_shares = _permutation_p(ua.matrix, ub.matrix, sets, n_perm, rng, most)
    welch = _welch_p(ua.matrix, ub.matrix, sets)
    width = sets.shape[0]  # the single labels come first; with two labels their tests are one test
    p_all = max(p_all, min(1.0, (width if width > 2 else 1) * float(welch[:width].min())))
    values = zip(share_a, share_b, share_a - share_b, low, high, np.maximum(p_shares, welch))
    differences = [
        DifferenceRow(a, b, actor, name, *map(float, v), 1.0, False, *counts) for name, v in zip(names, values)
    ]
    return differences, DivergenceRow(a, b, actor, observed, p_all, 1.0, False, *counts)


def compare_outlets(
    rows: list[ScoredSentence],
    groups: dict[str, frozenset[str]] | None = None,
    voice: str = "all",
    n_boot: int = 2000,
    n_perm: int = 2000,
    seed: int = 0,
    *,
    min_articles: int = MIN_ARTICLES,
    min_sentences: int = MIN_SENTENCES,
) -> Comparison:
    """Test every pair of outlets (or of the named groups, or one group against the rest) for each actor.

    A pair is compared for an actor only when both units have at least ``min_articles`` articles
    and ``min_sentences`` sentences naming it; the other pairs are listed in ``skipped``.
    """
    if voice not in VOICES:
        raise FramingError(f"--voice must be one of {', '.join(VOICES)}, not {voice!r}")
    if n_boot < 1 or n_perm < 1:
        raise FramingError(f"n_boot and n_perm must be at least 1, not {n_boot} and {n_perm}")
    check_minimum(min_articles, min_sentences)
    units = _units(rows, groups)
    rng = np.random.default_rng(seed)
    skipped, thin, prepared, pairs = [], {}, {}, []
    scheme = scheme_of(rows)
    sets_of = {actor: _label_sets(scheme, actor) for actor in scheme.actor_fields}
    for actor, (_, sets) in sets_of.items():
        per_outlet = article_counts(rows, "outlet", actor, voice, scheme)
        lacking = {}
        for name, members in units.items():
            matrix = _unit_matrix(per_outlet, members, sets.shape[0])
            lacking[name] = shortfall(len(matrix), int(matrix.sum()), min_articles, min_sentences)
            prepared[actor, name] = _prepare(matrix, sets, n_boot, rng, not lacking[name])
        thin[actor] = tuple(name for name in units if lacking[name])
        for a, b in combinations(units, 2):
            if lacking[a] or lacking[b]:
                reason = "; ".join(f"{u} has {lacking[u]} naming {actor}" for u in (a, b) if lacking[u])
                skipped.append(Skipped(a, b, actor, reason))
            else:
                pairs.append((actor, a, b))
    tests = sum(len(sets_of[actor][0]) for actor, _, _ in pairs)
    most = int(np.ceil(2 * tests / ALPHA))  # p-values resolved well below the smallest BH threshold
    differences, divergences = [], []
    for actor, a, b in pairs:
        unit_a, unit_b = prepared[actor, a], prepared[actor, b]
        rows_ab, divergence = _compare_pair(a, b, actor, unit_a, unit_b, n_perm, rng, most, sets_of[actor])
        differences += rows_ab
        divergences.append(divergence)
    differences = _adjust(differences, [r.p for r in differences])
    divergences = _adjust(divergences, [r.p for r in divergences])
    return Comparison(
        units, voice, n_boot, n_perm, seed, differences, divergences, skipped, min_articles, min_sentences, thin
    )


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
