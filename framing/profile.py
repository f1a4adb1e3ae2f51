"""Framing profiles: per group and actor, the share of each label with a 95%
bootstrap interval that resamples articles (not sentences)."""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from framing.errors import FramingError
from framing.io import atomic_write, read_jsonl
from framing.schema import ACTORS, LABELS

#: Label groups reported besides the single labels (the framing map's axes).
COMBINED = {"opposition": {"terrorist+jihadist": ("terrorist", "jihadist")}}
COLUMNS = ["group", "actor", "label", "share", "low", "high", "sentences", "articles"]
VOICES = ("all", "own", "reported")


@dataclass(frozen=True)
class ProfileRow:
    group: str
    actor: str
    label: str
    share: float
    low: float
    high: float
    sentences: int
    articles: int


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


def bootstrap_share(numerator: np.ndarray, denominator: np.ndarray, picks: np.ndarray) -> tuple[float, float, float]:
    """A ratio of sums over articles and its 95% interval over resampled articles.

    ``picks`` holds one row of article indices per bootstrap replicate.
    """
    share = numerator.sum() / denominator.sum()
    boot = numerator[picks].sum(axis=1) / denominator[picks].sum(axis=1)
    low, high = np.percentile(boot, [2.5, 97.5])
    return float(share), float(low), float(high)


def profile(
    rows: list[dict], by: str = "outlet", voice: str = "all", n_boot: int = 2000, seed: int = 0
) -> list[ProfileRow]:
    """Profile rows for every group and actor with at least one naming sentence."""
    if voice not in VOICES:
        raise FramingError(f"--voice must be one of {', '.join(VOICES)}, not {voice!r}")
    rng = np.random.default_rng(seed)
    result = []
    for actor in ACTORS:
        labels = [label for label in LABELS[actor] if label != "none"]
        label_sets = {label: (label,) for label in labels} | COMBINED.get(actor, {})
        for group, docs in sorted(article_counts(rows, by, actor, voice).items()):
            matrix = np.stack(list(docs.values()))
            naming = matrix.sum(axis=1)
            picks = rng.integers(0, len(matrix), size=(n_boot, len(matrix)))
            for name, parts in label_sets.items():
                numerator = matrix[:, [labels.index(p) for p in parts]].sum(axis=1)
                share, low, high = bootstrap_share(numerator, naming, picks)
                result.append(ProfileRow(group, actor, name, share, low, high, int(naming.sum()), len(docs)))
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


def write_profile(rows: list[ProfileRow], out: Path) -> None:
    with atomic_write(out) as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for r in rows:
            writer.writerow(
                [r.group, r.actor, r.label, f"{r.share:.4f}", f"{r.low:.4f}", f"{r.high:.4f}", r.sentences, r.articles]
            )


def read_profile(path: Path) -> list[ProfileRow]:
    path = Path(path)
    if not path.is_file():
        raise FramingError(f"{path}: no such profile file; make one with `framing profile`")
    with path.open(encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames != COLUMNS:
            raise FramingError(
                f"{path}: not a profile CSV (columns {reader.fieldnames}); make one with `framing profile`"
            )
        return [
            ProfileRow(
                r["group"],
                r["actor"],
                r["label"],
                float(r["share"]),
                float(r["low"]),
                float(r["high"]),
                int(r["sentences"]),
                int(r["articles"]),
            )
            for r in reader
        ]
