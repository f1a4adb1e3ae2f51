"""Framing profiles: per group and actor, the share of each label with a 95% interval over articles.

A group is estimated only where at least ``min_articles`` articles and ``min_sentences`` sentences
name the actor (``framing.analysis.stats``); below that its rows are still written, with the counts and the
share of the sentences seen, but flagged ``enough = false`` and without an interval, and every
figure and table built from the profile says "too few articles" instead of drawing an estimate.

``estimator`` says how shares are estimated: ``count`` counts predicted labels; ``adjusted`` corrects
those counts for the model's error rates (``framing.analysis.correction``). The minimum evidence is
judged on the predicted namings for either, and each row says its estimator.
"""

from __future__ import annotations

import csv
import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from framing.analysis.correction import (
    AUTO,
    PROFILE_ESTIMATORS,
    DomainRates,
    check_estimator,
    corrected_rows,
    rates_for_rows,
)
from framing.analysis.stats import (
    MIN_ARTICLES,
    MIN_SENTENCES,
    check_minimum,
    check_replicates,
    meets_minimum,
    share_interval,
)
from framing.errors import FramingError
from framing.io import atomic_write
from framing.schemes import NONE, Axis, Scheme, default_scheme, shipped, shipped_scheme
from framing.scoring.rows import ScoredSentence, scheme_of


def axis_label(axis: Axis) -> str:
    """The profile label of a map axis: its one label, or its labels joined by "+" (a combined label)."""
    return "+".join(axis.labels)


def combined_labels(scheme: Scheme) -> dict[str, dict[str, tuple[str, ...]]]:
    """Per actor, the label groups reported besides the single labels: each map axis of two or more labels."""
    result: dict[str, dict[str, tuple[str, ...]]] = {}
    for axis in (scheme.map.x, scheme.map.y):
        if len(axis.labels) > 1:
            result.setdefault(axis.actor, {})[axis_label(axis)] = tuple(axis.labels)
    return result


def order_labels(scheme: Scheme) -> dict[str, str]:
    """Per actor, the share that orders the figures: its map axis's label (x first), else its first
    delegitimising label, else its last label."""
    result = {}
    for actor in scheme.actors:
        axes = [a for a in (scheme.map.x, scheme.map.y) if a.actor == actor.field]
        fallback = actor.delegitimising[0] if actor.delegitimising else actor.labels[-1]
        result[actor.field] = axis_label(axes[0]) if axes else fallback
    return result


def label_sets(scheme: Scheme, actor: str) -> dict[str, tuple[str, ...]]:
    """The shares reported of ``actor``: each naming label alone, then the combined labels."""
    labels = [label for label in scheme.labels[actor] if label != NONE]
    return {label: (label,) for label in labels} | combined_labels(scheme).get(actor, {})


#: Label groups reported besides the single labels (the framing map's axes), of the default scheme.
COMBINED = combined_labels(default_scheme())
#: The share that orders the figures: the delegitimising namings of each actor, of the default scheme.
ORDER_BY = order_labels(default_scheme())
COLUMNS = ["group", "actor", "label", "share", "low", "high", "sentences", "articles", "enough", "estimator"]
#: Profile CSVs written before ``estimator`` existed (counts), and before ``enough`` (judged by the default minimums).
OLD_COLUMNS = COLUMNS[:-1]
OLDEST_COLUMNS = COLUMNS[:-2]
VOICES = ("all", "own", "reported")


@dataclass(frozen=True)
class ProfileRow:
    """One share; ``low`` and ``high`` are NaN where the group has too few articles or sentences."""

    group: str
    actor: str
    label: str
    share: float
    low: float
    high: float
    sentences: int
    articles: int
    enough: bool = True
    estimator: str = "count"


def article_counts(
    rows: Iterable[ScoredSentence],
    by: str | Callable[[ScoredSentence], str],
    actor: str,
    voice: str,
    scheme: Scheme | None = None,
) -> dict[str, dict[str, np.ndarray]]:
    """Per group, per article, how many sentences name ``actor`` with each label of the rows' scheme
    (``scheme`` where given); ``by`` is a field of ``framing.scoring.rows.GROUPS`` or a function from a row
    to its group."""
    group_of = by if callable(by) else lambda row: row.group(by)
    rows = list(rows)
    labels = [label for label in (scheme or scheme_of(rows)).labels[actor] if label != NONE]
    counts: dict[str, dict[str, np.ndarray]] = defaultdict(dict)
    for row in rows:
        label = row.label(actor)
        if label == "none" or (voice != "all" and row.voice != voice):
            continue
        group = group_of(row)
        per_doc = counts[group].setdefault(row.doc, np.zeros(len(labels), dtype=np.int64))
        per_doc[labels.index(label)] += 1
    return counts


def unit_shares(
    matrix: np.ndarray, labels: list[str], label_sets: dict[str, tuple[str, ...]], picks: np.ndarray | None
) -> dict[str, tuple[float, float, float]]:
    """Share, low and high of each label set of one unit (articles x ``labels`` counts): the interval of
    ``share_interval`` over the bootstrap ``picks``, or NaN ends where the unit is not estimated (no picks)."""
    naming = matrix.sum(axis=1)
    result = {}
    for name, parts in label_sets.items():
        numerator = matrix[:, [labels.index(p) for p in parts]].sum(axis=1)
        if picks is None:
            result[name] = float(numerator.sum() / naming.sum()), math.nan, math.nan
        else:
            result[name] = share_interval(numerator, naming, picks)
    return result


def profile_rates(
    rows: list[ScoredSentence], estimator: str, voice: str, model_dir: Path | None = None, domain: str = AUTO
) -> DomainRates | None:
    """The error rates ``profile`` needs for ``estimator``: for ``adjusted`` over every voice those stored with
    the model that labelled ``rows`` (``correction.rates_for_rows``, from ``model_dir`` where given); else None.
    ``framing profile`` and ``framing.profile`` both take their rates from here."""
    return rates_for_rows(rows, model_dir, domain) if (estimator, voice) == ("adjusted", "all") else None


def profile(
    rows: list[ScoredSentence],
    by: str = "outlet",
    voice: str = "all",
    n_boot: int = 2000,
    seed: int = 0,
    *,
    min_articles: int = MIN_ARTICLES,
    min_sentences: int = MIN_SENTENCES,
    estimator: str = "count",
    rates: DomainRates | None = None,
) -> list[ProfileRow]:
    """Profile rows for every group and actor with at least one naming sentence.

    Groups with fewer than ``min_articles`` articles or ``min_sentences`` sentences naming the actor
    get ``enough=False`` and a NaN interval; the others the interval of ``framing.analysis.stats.share_interval``,
    or for ``estimator="adjusted"`` the share and interval of ``framing.analysis.correction.corrected_rows``
    (it needs ``rates``, from ``framing.analysis.correction.rates_for_rows``, and ``voice="all"``).
    """
    if voice not in VOICES:
        raise FramingError(f"--voice must be one of {', '.join(VOICES)}, not {voice!r}")
    check_minimum(min_articles, min_sentences)
    check_replicates(n_boot)
    check_estimator(estimator, voice, by, rates, rows)
    rng = np.random.default_rng(seed)
    scheme = scheme_of(rows)
    result = []
    for actor in scheme.actor_fields:
        sets = label_sets(scheme, actor)
        labels = [label for label in scheme.labels[actor] if label != NONE]
        for group, docs in sorted(article_counts(rows, by, actor, voice, scheme).items()):
            matrix = np.stack(list(docs.values()))
            naming = matrix.sum(axis=1)
            counts = (int(naming.sum()), len(docs))
            estimated = meets_minimum(counts[1], counts[0], min_articles, min_sentences)
            picks = rng.integers(0, len(matrix), size=(n_boot, len(matrix))) if estimated else None
            unit = [
                ProfileRow(group, actor, name, *shares, *counts, estimated)
                for name, shares in unit_shares(matrix, labels, sets, picks).items()
            ]
            if estimator == "adjusted":
                unit = corrected_rows(unit, matrix, picks, sets, rates=rates.fields[actor], rng=rng)
            result += unit
    return result


def _number(value: float) -> str:
    return "" if math.isnan(value) else f"{value:.4f}"


def write_profile(rows: list[ProfileRow], out: Path) -> None:
    """The profile as CSV; ``low`` and ``high`` are empty and ``enough`` false for groups not estimated."""
    with atomic_write(out) as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for r in rows:
            writer.writerow(
                [r.group, r.actor, r.label, _number(r.share), _number(r.low), _number(r.high)]
                + [r.sentences, r.articles, str(r.enough).lower(), r.estimator]
            )


def read_profile(path: Path, scheme: Scheme | None = None) -> list[ProfileRow]:
    """A profile CSV of ``scheme``'s actors (default: the default or shipped scheme its actors and labels are
    of, ``scheme_of_shares``); one written before the ``enough`` column is judged by the default minimums,
    one written before the ``estimator`` column counted predicted labels."""
    path = Path(path)
    if not path.is_file():
        raise FramingError(f"{path}: no such profile file; make one with `framing profile`")
    try:
        with path.open(encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            if reader.fieldnames not in (COLUMNS, OLD_COLUMNS, OLDEST_COLUMNS):
                raise FramingError(
                    f"{path}: not a profile CSV (columns {reader.fieldnames}); make one with `framing profile`"
                )
            records = [(r, f"{path} line {reader.line_num}") for r in reader]
    except (UnicodeDecodeError, csv.Error) as error:
        raise FramingError(f"{path}: not a profile CSV ({error}); make one with `framing profile`") from None
    if scheme is None:  # none fitting: each row is refused below, by name
        scheme = shipped_fit({(r.get("actor"), r.get("label")) for r, _ in records})
    return [profile_row(r, where, scheme) for r, where in records]


def profile_row(r: dict, where: str, scheme: Scheme | None = None) -> ProfileRow:
    """One row of a profile CSV (its values as text) of an actor of ``scheme`` (default: the default scheme's);
    a malformed or cut-off row is a one-line error naming ``where``."""
    try:
        sentences, articles = int(r["sentences"]), int(r["articles"])
        estimated = r["enough"] == "true" if "enough" in r else meets_minimum(articles, sentences)
        low, high = (float(r["low"] or "nan"), float(r["high"] or "nan")) if estimated else (math.nan, math.nan)
        share = float(r["share"])
    except (TypeError, ValueError) as error:  # a value that is not a number, or a row cut short (None)
        raise FramingError(f"{where}: not a profile row ({error}); make the file again with `framing profile`")
    if r["actor"] not in (scheme or default_scheme()).actor_fields or not 0 <= share <= 1:
        raise FramingError(f"{where}: actor {r['actor']!r} or share {share} is not one a profile has")
    estimator = r.get("estimator", "count")
    if estimator not in PROFILE_ESTIMATORS:
        raise FramingError(f"{where}: estimator {estimator!r} is not one of {', '.join(PROFILE_ESTIMATORS)}")
    return ProfileRow(r["group"], r["actor"], r["label"], share, low, high, sentences, articles, estimated, estimator)


def fits(scheme: Scheme, shares: Iterable[tuple[str, str]]) -> bool:
    """Whether every (actor, label) of ``shares`` is an actor of ``scheme`` and one of its reported labels."""
    return all(actor in scheme.actor_fields and label in label_sets(scheme, actor) for actor, label in shares)


def scheme_of_shares(shares: Iterable[tuple[str, str]], scheme: Scheme | None = None) -> Scheme:
    """The scheme of profile or time-series rows, given as their (actor, label) pairs: ``scheme`` where given,
    else the default scheme or a shipped one whose actors and labels they are; else an error."""
    if scheme is not None:
        return scheme
    pairs = set(shares)
    found = shipped_fit(pairs)
    if found is None:
        actors = ", ".join(sorted({actor for actor, _ in pairs}))
        raise FramingError(f"the rows' actors ({actors}) are of no shipped scheme; give their scheme (--scheme FILE)")
    return found


def shipped_fit(pairs: set[tuple[str, str]]) -> Scheme | None:
    """The default scheme or else the first shipped one whose actors and reported labels every (actor,
    label) of ``pairs`` is, or None."""
    for name in dict.fromkeys([default_scheme().name, *shipped()]):
        if fits(shipped_scheme(name), pairs):
            return shipped_scheme(name)
    return None
