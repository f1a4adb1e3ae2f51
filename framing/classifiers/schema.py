"""The label schema of ../shared/annotation-guidelines.md, in one place.

The labels are data: ``framing/schemes/syria.toml``, read into a ``Scheme`` (``framing.schemes``).
The module-level names below are that default scheme's, for the code that follows it; code that takes
any scheme asks its ``Scheme`` object instead.
"""

from __future__ import annotations

from typing import NamedTuple

from framing.schemes import DEFAULT_SCHEME, SCHEME_FILE, Scheme, default_scheme, load_scheme  # noqa: F401

#: The default (Syrian) scheme, read from its file.
SCHEME: Scheme = default_scheme()

GUIDELINES_VERSION = SCHEME.guidelines.version

FIELDS: tuple[str, ...] = SCHEME.fields
ACTORS: tuple[str, ...] = SCHEME.actor_fields

#: Labels per field, in a fixed order that every ``predict_proba`` follows.
LABELS: dict[str, tuple[str, ...]] = dict(SCHEME.labels)

#: When several namings of one actor meet in a sentence, the highest rank wins.
PRECEDENCE: dict[str, tuple[str, ...]] = dict(SCHEME.precedence)


def strongest(field: str, labels: list[str]) -> str:
    """The label that wins among ``labels`` for an actor field (``none`` if empty)."""
    return SCHEME.strongest(field, labels)


def check_record(record: dict) -> list[str]:
    """Problems with the three labels of a record (empty when it is valid)."""
    return SCHEME.check_record(record)


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
