"""Sentences with exact character offsets into the document text.

Lines are split first (so boilerplate on a line of its own, such as
"Advertisement" or "Share", stays a sentence of its own and never glues to its
neighbours), then a segmenter splits each line; every segment is mapped back
to its offsets in the original text, so ``text[start:end]`` is the sentence.

Two segmenters: ``blingfire`` (compiled, about 30 times faster; the default for
scoring) and ``pysbd`` (rule-based, slower; the annotations were drawn with it).
The README's "Sentence splitting" section gives their measured speed and agreement.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from framing.errors import FramingError

_LINE = re.compile(r"[^\n]+")
SEGMENTERS = ("blingfire", "pysbd")
DEFAULT_SEGMENTER = "blingfire"


@dataclass(frozen=True)
class Sentence:
    """A sentence of document ``doc``: its index and ``[start, end)`` span."""

    doc: str
    index: int
    start: int
    end: int
    text: str


@lru_cache(maxsize=1)
def _pysbd_segmenter():
    import pysbd

    return pysbd.Segmenter(language="en", clean=False)


def _pysbd_spans(line: str) -> Iterator[tuple[int, int]]:
    """Offsets of pysbd's segments in ``line`` (pysbd returns text, not offsets)."""
    cursor = 0
    for segment in _pysbd_segmenter().segment(line):
        piece = segment.strip()
        if not piece:
            continue
        found = line.find(piece, cursor)
        if found < 0:  # pysbd altered the text: fall back to the rest of the line
            rest = line[cursor:]
            yield cursor + len(rest) - len(rest.lstrip()), len(line.rstrip())
            return
        cursor = found + len(piece)
        yield found, cursor


def _blingfire_spans(line: str) -> Iterator[tuple[int, int]]:
    import blingfire

    _, offsets = blingfire.text_to_sentences_and_offsets(line)
    yield from offsets


def segmenter(name: str) -> Callable[[str], Iterator[tuple[int, int]]]:
    """The line segmenter called ``name``."""
    if name == "blingfire":
        return _blingfire_spans
    if name == "pysbd":
        return _pysbd_spans
    raise FramingError(f"unknown segmenter {name!r}; choose one of {', '.join(SEGMENTERS)}")


def spans(text: str, segmenter_name: str = DEFAULT_SEGMENTER) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of each sentence of ``text``, stripped of surrounding whitespace."""
    segment = segmenter(segmenter_name)
    for line in _LINE.finditer(text):
        if line.group().isspace():
            continue
        base = line.start()
        for start, end in segment(line.group()):
            piece = text[base + start : base + end]
            stripped = piece.strip()
            if stripped:
                lead = len(piece) - len(piece.lstrip())
                yield base + start + lead, base + start + lead + len(stripped)


def split(doc: str, text: str, segmenter_name: str = DEFAULT_SEGMENTER) -> list[Sentence]:
    """All sentences of one document, in order."""
    return [Sentence(doc, i, s, e, text[s:e]) for i, (s, e) in enumerate(spans(text, segmenter_name))]
