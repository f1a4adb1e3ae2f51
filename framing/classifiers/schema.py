"""The label schema of ../shared/annotation-guidelines.md, in one place."""

from __future__ import annotations

from typing import NamedTuple

GUIDELINES_VERSION = "1.2"

FIELDS: tuple[str, ...] = ("opposition", "state", "voice")
ACTORS: tuple[str, ...] = ("opposition", "state")

#: Labels per field, in a fixed order that every ``predict_proba`` follows.
LABELS: dict[str, tuple[str, ...]] = {
    "opposition": ("none", "rebel", "terrorist", "jihadist"),
    "state": ("none", "government", "regime"),
    "voice": ("none", "own", "reported"),
}

#: When several namings of one actor meet in a sentence, the highest rank wins.
PRECEDENCE: dict[str, tuple[str, ...]] = {
    "opposition": ("rebel", "jihadist", "terrorist"),
    "state": ("government", "regime"),
}


def strongest(field: str, labels: list[str]) -> str:
    """The label that wins among ``labels`` for an actor field (``none`` if empty)."""
    order = PRECEDENCE[field]
    ranked = [label for label in labels if label in order]
    return max(ranked, key=order.index) if ranked else "none"


def check_record(record: dict) -> list[str]:
    """Problems with the three labels of a record (empty when it is valid)."""
    problems = []
    for field in FIELDS:
        value = record.get(field)
        if value not in LABELS[field]:
            problems.append(f"{field}={value!r} is not one of {', '.join(LABELS[field])}")
    if not problems:
        named = record["opposition"] != "none" or record["state"] != "none"
        if named == (record["voice"] == "none"):
            problems.append("voice must be none exactly when opposition and state are both none")
    return problems


def check_sentences(X) -> None:
    """The input every classifier takes: a sequence of sentence strings."""
    if isinstance(X, str) or not all(isinstance(x, str) for x in X):
        raise TypeError("X must be a sequence of sentence strings")


class Context(NamedTuple):
    """What an annotator reads around a sentence: its article's headline and the sentence before it.

    Classifiers that use context take one per sentence (``context=`` of ``fit``, ``predict`` and
    ``predict_proba``); those that do not ignore it.
    """

    title: str | None = None
    previous: str | None = None


CONTEXT_SLOTS: tuple[str, ...] = Context._fields


def check_context(context, n: int) -> None:
    """``context`` is ``None`` or one ``Context`` (or ``(title, previous)`` pair) per sentence."""
    if context is None:
        return
    if len(context) != n:
        raise ValueError(f"context has {len(context)} rows for {n} sentences")
    for row in context:
        if len(row) != len(CONTEXT_SLOTS) or not all(v is None or isinstance(v, str) for v in row):
            raise TypeError("each context row is (title, previous): strings or None")
