"""Where articles come from before a reader sees them: compressed files, folders, standard input.

A ``.gz`` or ``.zst`` (Zstandard) file is read as the file it holds (``articles.csv.gz`` is a CSV),
decompressed as a stream (``framing.io.open_bytes``). A folder is walked recursively in path order,
hidden files and folders left out. ``-`` is standard input, spooled to a temporary file whose format
and compression are guessed from its first bytes.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from framing.errors import DocumentError, FramingError
from framing.io import DAMAGED, compression, open_bytes  # in io, where JSON Lines reading needs them too

STDIN = "-"
#: The first bytes of a compressed stream (standard input has no suffix to tell it by).
MAGIC = {b"\x1f\x8b": ".gz", b"\x28\xb5\x2f\xfd": ".zst"}
#: Single-article formats a folder may hold (each possibly compressed).
DOCUMENT_SUFFIXES = (".txt", ".html", ".htm")


def kind(path: Path) -> str:
    """The format suffix of a file, under its compression: ``.csv`` for ``a.csv.gz``."""
    path = Path(path)
    return Path(path.stem).suffix.lower() if compression(path) else path.suffix.lower()


def stem(path: Path) -> str:
    """The file name without its format and compression suffixes: ``a`` for ``a.csv.gz``."""
    path = Path(path)
    return Path(path.stem).stem if compression(path) else path.stem


def damaged(path: Path, error: BaseException) -> str:
    """What to say about a compressed file that cannot be decompressed."""
    return f"{path}: the compressed data is damaged or cut off ({error or type(error).__name__})"


def read_limited(path: Path, limit: int) -> bytes:
    """At most ``limit + 1`` bytes of the (decompressed) file: enough to tell that it is too large,
    without decompressing a bomb."""
    try:
        with open_bytes(path) as handle:
            return handle.read(limit + 1)
    except DAMAGED as error:
        raise DocumentError(damaged(path, error) + "; re-compress or decompress it")


def documents(folder: Path) -> list[Path]:
    """Every article file (``DOCUMENT_SUFFIXES``, compressed or not) under ``folder``, recursively,
    in path order; hidden files and folders (``.git``) are left out, links to folders not followed."""
    found = []
    for top, folders, files in os.walk(folder):
        folders[:] = sorted(name for name in folders if not name.startswith("."))
        for name in files:
            path = Path(top) / name
            if not name.startswith(".") and kind(path) in DOCUMENT_SUFFIXES:
                found.append(path)
    return sorted(found, key=lambda p: p.relative_to(folder).parts)


def document_id(path: Path, folder: Path) -> str:
    """A file's id in its folder: its path below the folder without suffixes (``2016/a`` for
    ``folder/2016/a.txt``), so that files of the same name in two subfolders stay apart."""
    relative = path.relative_to(folder)
    return (relative.parent / stem(relative)).as_posix()


# -- standard input -------------------------------------------------------------------------------


def guess_suffix(head: bytes, text_field: str, sentences: bool) -> str:
    """The format of standard input from its first bytes: JSON Lines when it starts with ``{``, HTML
    with ``<``, a CSV when its first line names the text field (or FA-KES' ``article_content``),
    else plain text (one article, or with ``sentences`` one sentence per line)."""
    start = head.lstrip().removeprefix(b"\xef\xbb\xbf").lstrip()
    if start.startswith(b"{"):
        return ".jsonl"
    if sentences:
        return ".txt"
    if start.startswith(b"<"):
        return ".html"
    import csv

    first = start.split(b"\n", 1)[0].decode("utf-8", "replace")
    header = next(csv.reader([first]), [])
    return ".csv" if len(header) > 1 and ({text_field, "article_content"} & set(header)) else ".txt"


@contextmanager
def spooled_stdin(text_field: str = "text", sentences: bool = False) -> Iterator[Path]:
    """Standard input copied to ``stdin.<format>`` in a temporary folder ``stdin`` (so articles read
    from it belong to the corpus ``stdin``), removed afterwards; gzip and Zstandard input are recognised."""
    source = sys.stdin.buffer if sys.stdin is not None and not sys.stdin.closed else None
    if source is None:
        raise FramingError("standard input is closed; give files, or pipe articles into `-`")
    if sys.stdin.isatty():  # nothing piped in: reading would wait for typing
        raise FramingError("- reads standard input, which is a terminal here; pipe articles in (cat a.csv | ... -)")
    with tempfile.TemporaryDirectory(prefix="framing-") as tmp:
        folder = Path(tmp) / "stdin"
        folder.mkdir()
        raw = folder / "input"
        with raw.open("wb") as handle:
            shutil.copyfileobj(source, handle)
        with raw.open("rb") as handle:
            magic = handle.read(4)
        packed = next((suffix for start, suffix in MAGIC.items() if magic.startswith(start)), "")
        if packed:
            raw = raw.rename(raw.with_suffix(packed))
        with open_bytes(raw) as handle:
            try:
                head = handle.read(8192)
            except DAMAGED as error:
                raise FramingError(damaged(Path(STDIN), error))
        suffix = guess_suffix(head, text_field, sentences)
        yield raw.rename(folder / f"stdin{suffix}{packed}")


def as_stdin(error: FramingError, spooled: Path) -> FramingError:
    """An error about the spooled copy, reworded to name standard input."""
    return type(error)(str(error).replace(str(spooled), "<stdin>"))
