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

import ctypes
import re
import threading
from collections.abc import Callable, Iterable, Iterator
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


_BUFFERS = threading.local()


@lru_cache(maxsize=1)
def _blingfire_segment():
    """blingfire's C sentence splitter, a function pointer of its own (blingfire's is left untouched)."""
    import blingfire

    return blingfire.blingfire["TextToSentencesWithOffsets"]


def _buffers(size: int) -> tuple:
    """Output and offset buffers of at least ``size`` entries, kept per thread from call to call."""
    held = getattr(_BUFFERS, "held", None)
    if held is None or len(held[0]) < size:
        grown = max(size, 2 * len(held[0]) if held else 4096)
        offsets = ctypes.c_int32 * grown
        held = _BUFFERS.held = (ctypes.create_string_buffer(grown), offsets(), offsets())
    return held


def _blingfire_spans(line: str) -> list[tuple[int, int]]:
    """The offsets ``blingfire.text_to_sentences_and_offsets`` gives, at a quarter of its cost: its wrapper
    allocates three buffers per call and maps byte offsets to characters in a per-byte Python loop; here
    the buffers are reused and the mapping slices. Offsets that loop would not accept go to blingfire's
    own function, so anything odd fails or succeeds exactly as there."""
    data = line.encode("utf-8")
    size = len(data) * 2  # the room blingfire's wrapper gives
    out, starts, ends = _buffers(size)
    # blingfire writes its output text, a NUL after it (``written`` bytes in all) and an offset pair for each of
    # its lines; only those are read, so the buffers need not be blanked first as the wrapper's new ones are
    # (tests/corpus/test_sentences.py splits the tricky lines, the seeds' and FA-KES's with buffers full of garbage)
    written = _blingfire_segment()(data, len(data), out, starts, ends, size)
    if written == -1 or written > size:
        return []
    # with no NUL written (``written`` 0) the wrapper's blank buffers would decide: its own function does
    bounds = None
    if written >= 1:
        count = ctypes.string_at(out, written - 1).count(b"\n") + 1
        bounds = [offset for pair in zip(starts[:count], ends[:count]) for offset in (pair[0], pair[1] + 1)]
    if bounds is None or not _mappable(bounds, data, line.isascii()):
        import blingfire

        return blingfire.text_to_sentences_and_offsets(line)[1]
    if not line.isascii():
        bounds = _characters(bounds, data)
    return list(zip(bounds[::2], bounds[1::2]))


def _characters(bounds: list[int], data: bytes) -> list[int]:
    """Byte offsets into UTF-8 ``data`` (in order, each on a character's first byte) as character offsets:
    each the characters before it, counted a stretch at a time from the one before."""
    offsets, done, count = [], 0, 0
    for bound in bounds:
        count += len(data[done:bound].decode("utf-8"))
        done = bound
        offsets.append(count)
    return offsets


def _mappable(bounds: list[int], data: bytes, ascii: bool) -> bool:
    """Whether blingfire's wrapper maps these byte offsets (starts, and ends past the last byte) without
    error: in order, each on a character's first byte, only the last one at the end of the text."""
    return (
        0 <= bounds[0]
        and bounds[-2] < len(data)
        and bounds[-1] <= len(data)
        and bounds == sorted(bounds)
        and (ascii or all(data[b] & 0xC0 != 0x80 for b in bounds if b < len(data)))
    )


def segmenter(name: str) -> Callable[[str], Iterable[tuple[int, int]]]:
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
            if piece and not piece[0].isspace() and not piece[-1].isspace():  # nothing to strip (most segments)
                yield base + start, base + start + len(piece)
                continue
            stripped = piece.strip()
            if stripped:
                lead = len(piece) - len(piece.lstrip())
                yield base + start + lead, base + start + lead + len(stripped)


def split(doc: str, text: str, segmenter_name: str = DEFAULT_SEGMENTER) -> list[Sentence]:
    """All sentences of one document, in order."""
    return [Sentence(doc, i, s, e, text[s:e]) for i, (s, e) in enumerate(spans(text, segmenter_name))]
