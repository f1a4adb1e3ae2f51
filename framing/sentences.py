"""Sentences with exact character offsets into the document text.

Lines are split first (so boilerplate on a line of its own, such as
"Advertisement" or "Share", stays a sentence of its own and never glues to its
neighbours), then pysbd segments each line; every segment is mapped back to
its offsets in the original text, so ``text[start:end]`` is the sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

import pysbd

_LINE = re.compile(r"[^\n]+")


@dataclass(frozen=True)
class Sentence:
    """A sentence of document ``doc``: its index and ``[start, end)`` span."""

    doc: str
    index: int
    start: int
    end: int
    text: str


@lru_cache(maxsize=1)
def _segmenter() -> pysbd.Segmenter:
    return pysbd.Segmenter(language="en", clean=False)


def spans(text: str) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of each sentence of ``text``, stripped of surrounding whitespace."""
    segmenter = _segmenter()
    for line in _LINE.finditer(text):
        if not line.group().strip():
            continue
        cursor = line.start()
        for segment in segmenter.segment(line.group()):
            piece = segment.strip()
            if not piece:
                continue
            found = text.find(piece, cursor, line.end())
            if found < 0:  # pysbd altered the text: fall back to the rest of the line
                piece_start = cursor + len(text[cursor : line.end()]) - len(text[cursor : line.end()].lstrip())
                yield piece_start, line.start() + len(line.group().rstrip())
                break
            cursor = found + len(piece)
            yield found, cursor


def split(doc: str, text: str) -> list[Sentence]:
    """All sentences of one document, in order."""
    return [Sentence(doc, i, s, e, text[s:e]) for i, (s, e) in enumerate(spans(text))]
