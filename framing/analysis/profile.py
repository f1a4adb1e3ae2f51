"""Framing profiles: per group and actor, the share of each label with a 95% interval over articles.

A group is estimated only where at least ``min_articles`` articles and ``min_sentences`` sentences
name the actor (``framing.analysis.stats``); below that its rows are still written, with the counts and the
share of the sentences seen, but flagged ``enough = false`` and without an interval, and every
figure and table built from the profile says "too few articles" instead of drawing an estimate.
"""

from __future__ import annotations

import csv
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from framing.analysis.stats import MIN_ARTICLES, MIN_SENTENCES, check_minimum, meets_minimum, share_interval
from framing.classifiers.schema import ACTORS, LABELS
from framing.errors import FramingError
from framing.io import atomic_write, read_jsonl

#: Label groups reported besides the single labels (the framing map's axes).
COMBINED = {"opposition": {"terrorist+jihadist": ("terrorist", "jihadist")}}
#: The share that orders the figures: the delegitimising namings of each actor.
ORDER_BY = {"opposition": "terrorist+jihadist", "state": "regime"}
COLUMNS = ["group", "actor", "label", "share", "low", "high", "sentences", "articles", "enough"]
#: Profile CSVs written before ``enough`` existed; read with the default minimums.
OLD_COLUMNS = COLUMNS[:-1]
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


def article_counts(rows: Iterable[dict], by: str, actor: str, voice: str) -> dict[str, dict[str, np.ndarray]]:
    """Per group, per article, how many sentences name ``actor`` with each label."""
    labels = [label for label in LABELS[actor] if label != "none"]
    counts: dict[str, dict[str, np.ndarray]] = defaultdict(dict)
    for row in rows:
        label = row.get(actor)
        if label in (None, "none") or (voice != "all" and row.get("voice") != voice):
            continue
        group = str(row.get(by) if row.get(by) is not None else "unknown")
        if by == "year" and row.get("date"):
            group = str(row["date"])[:4]
        per_doc = counts[group].setdefault(row["doc"], np.zeros(len(labels), dtype=np.int64))
        per_doc[labels.index(label)] += 1
    return counts


def profile(
    rows: list[dict],
    by: str = "outlet",
    voice: str = "all",
    n_boot: int = 2000,
    seed: int = 0,
    *,
    min_articles: int = MIN_ARTICLES,
    min_sentences: int = MIN_SENTENCES,
) -> list[ProfileRow]:
    """Profile rows for every group and actor with at least one naming sentence.

    Groups with fewer than ``min_articles`` articles or ``min_sentences`` sentences naming the actor
    get ``enough=False`` and a NaN interval; the others the interval of ``framing.analysis.stats.share_interval``.
    """
    if voice not in VOICES:
        raise FramingError(f"--voice must be one of {', '.join(VOICES)}, not {voice!r}")
    check_minimum(min_articles, min_sentences)
    rng = np.random.default_rng(seed)
    result = []
    for actor in ACTORS:
        labels = [label for label in LABELS[actor] if label != "none"]
        label_sets = {label: (label,) for label in labels} | COMBINED.get(actor, {})
        for group, docs in sorted(article_counts(rows, by, actor, voice).items()):
            matrix = np.stack(list(docs.values()))
            naming = matrix.sum(axis=1)
            counts = (int(naming.sum()), len(docs))
            estimated = meets_minimum(counts[1], counts[0], min_articles, min_sentences)
            picks = rng.integers(0, len(matrix), size=(n_boot, len(matrix))) if estimated else None
            for name, parts in label_sets.items():
                numerator = matrix[:, [labels.index(p) for p in parts]].sum(axis=1)
                if estimated:
                    share, low, high = share_interval(numerator, naming, picks)
                else:
                    share, low, high = float(numerator.sum() / naming.sum()), math.nan, math.nan
                result.append(ProfileRow(group, actor, name, share, low, high, *counts, estimated))
    return result


def read_scores(paths: Iterable[Path]) -> list[dict]:
    """The rows of one or more scores files (JSON Lines or Parquet)."""
    rows = [row for path in paths for row in _score_rows(Path(path))]
    if not rows:
        raise FramingError("the scores files hold no rows; run `framing score` first")
    return rows


def _score_rows(path: Path) -> Iterable[dict]:
    if path.suffix.lower() != ".parquet":
        return read_jsonl(path)
    import pyarrow.parquet as pq

    if not path.is_file():
        raise FramingError(f"{path}: no such file")
    try:
        return pq.read_table(path).to_pylist()
    except Exception as error:  # pyarrow raises several types for a broken file
        raise FramingError(f"{path}: not a readable Parquet file ({error})")


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
                + [r.sentences, r.articles, str(r.enough).lower()]
            )


def read_profile(path: Path) -> list[ProfileRow]:
    """A profile CSV; one written before the ``enough`` column is judged by the default minimums."""
    path = Path(path)
    if not path.is_file():
        raise FramingError(f"{path}: no such profile file; make one with `framing profile`")
    with path.open(encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames not in (COLUMNS, OLD_COLUMNS):
            raise FramingError(
                f"{path}: not a profile CSV (columns {reader.fieldnames}); make one with `framing profile`"
            )
        return [_profile_row(r) for r in reader]


def _profile_row(r: dict) -> ProfileRow:
    sentences, articles = int(r["sentences"]), int(r["articles"])
    estimated = r["enough"] == "true" if "enough" in r else meets_minimum(articles, sentences)
    low, high = (float(r["low"] or "nan"), float(r["high"] or "nan")) if estimated else (math.nan, math.nan)
    return ProfileRow(r["group"], r["actor"], r["label"], float(r["share"]), low, high, sentences, articles, estimated)
