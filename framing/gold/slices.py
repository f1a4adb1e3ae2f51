"""Evaluation slices: the hard cases of issue 11, chosen by what a sentence (or its gold label) is about.

A slice picks gold sentences by words of the sentence and, for quoted namings, by the gold voice; it
never looks at a model's output. Accuracy on a slice is the share of sentences whose three labels are
all right, with a 95% bootstrap interval over articles. The slices are of the Syrian (default) scheme's
conflict: ``skipped`` says why gold of another scheme has none.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np

from framing.errors import FramingError
from framing.gold.annotations import GoldSentence, gold_scheme
from framing.gold.evaluate import bootstrap_picks
from framing.schemes import DEFAULT_SCHEME

_FOREIGN = re.compile(
    r"\b(?:u\.?s\.?|united states|america(?:n|ns)?|obama|trump|clinton|kerry|pentagon|white house|washington|"
    r"administration|congress|russia(?:n|ns)?|putin|moscow|kremlin|turk(?:ey|ish)|erdogan|ankara|iraq(?:i|is)?|"
    r"baghdad|iran(?:ian|ians)?|tehran|israel(?:i|is)?|netanyahu|britain|british|france|french|nato)\b",
    re.IGNORECASE,
)
_ISIS_KURDS = re.compile(r"\b(?:isis|isil|islamic state|daesh|is militants|kurd(?:s|ish)?|ypg|sdf|pkk)\b", re.I)
_ATTACK = re.compile(
    r"\b(?:attack\w*|shell\w*|rocket\w*|mortar\w*|explo\w*|bomb\w*|blast\w*|suicide|car bomb|missile\w*)\b", re.I
)

#: name -> (what it holds, predicate over a gold sentence)
SLICES: dict[str, tuple[str, Callable[[GoldSentence], bool]]] = {
    "foreign state actors": (
        "names a foreign state, government, army, leader or capital (US, Russia, Turkey, Iraq, Iran, Israel, ...)",
        lambda g: bool(_FOREIGN.search(g.text)),
    ),
    "ISIS / Kurds": ("mentions ISIS or Kurdish forces", lambda g: bool(_ISIS_KURDS.search(g.text))),
    "attack attribution": (
        "an attack, shelling, rocket, bombing or explosion",
        lambda g: bool(_ATTACK.search(g.text)),
    ),
    "quoted namings": ("gold voice is reported", lambda g: g.voice == "reported"),
}


def skipped(gold: list[GoldSentence]) -> str | None:
    """Why the slices do not apply to ``gold`` (its scheme is not the Syrian one), or None when they do."""
    scheme = gold_scheme(gold)
    if scheme.name == DEFAULT_SCHEME:
        return None
    return f"slices skipped: they are of scheme {DEFAULT_SCHEME!r} (the Syrian war), the gold is of {scheme.name!r}"


def slice_accuracy(
    gold: list[GoldSentence], predicted: np.ndarray, n_boot: int = 2000, seed: int = 0
) -> dict[str, tuple[int, float, float, float]]:
    """Per slice: sentences, accuracy (all three labels right) and its 95% bootstrap interval over articles."""
    reason = skipped(gold)
    if reason:
        raise FramingError(reason)
    result = {}
    right = np.array([tuple(row) == g.labels() for g, row in zip(gold, predicted)], dtype=float)
    for name, (_, keep) in SLICES.items():
        index = [i for i, g in enumerate(gold) if keep(g)]
        if not index:
            result[name] = (0, float("nan"), float("nan"), float("nan"))
            continue
        docs = sorted({gold[i].doc for i in index})
        position = {d: j for j, d in enumerate(docs)}
        hits = np.zeros(len(docs))
        counts = np.zeros(len(docs))
        for i in index:
            hits[position[gold[i].doc]] += right[i]
            counts[position[gold[i].doc]] += 1
        picks = bootstrap_picks(len(docs), n_boot, seed)
        boot = hits[picks].sum(axis=1) / np.maximum(counts[picks].sum(axis=1), 1)
        low, high = np.percentile(boot, [2.5, 97.5])
        result[name] = (len(index), float(hits.sum() / counts.sum()), float(low), float(high))
    return result


def format_slices(name: str, accuracy: dict[str, tuple[int, float, float, float]]) -> str:
    lines = [f"{name}: accuracy on slices (all three labels right, 95% interval over articles)"]
    for slice_name, (n, value, low, high) in accuracy.items():
        lines.append(f"  {slice_name:<22}{n:>5} sentences  {value:.3f} ({low:.3f}-{high:.3f})")
    return "\n".join(lines)
