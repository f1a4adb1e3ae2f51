"""Atomic output files, compressed input (``.gz``, ``.zst``) and JSON Lines reading."""

from __future__ import annotations

import codecs
import errno
import glob
import gzip
import io
import json
import os
import stat
import tempfile
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from framing.errors import DocumentError, FramingError

#: Why a write failed, in words, for the errors a user can do something about.
WRITE_FAILURES = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EFBIG: "the file is too large for its file system",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.ENOTDIR: "a folder on its path is a file",
}
#: Compressed input by its last suffix: gzip, or Zstandard (``zstandard``, read by ``ZstdReader``).
COMPRESSIONS = {".gz": "gz", ".zst": "zst"}
#: Compressed input read this many bytes at a time: a damaged or highly compressible stream (a "bomb") is
#: decompressed in pieces of at most ~32 MB (Zstandard's largest ratio is about 32,000), never whole.
ZSTD_INPUT = 1024


class DamagedData(OSError):
    """Zstandard data that is damaged or cut off (as ``gzip.BadGzipFile`` is for gzip)."""


#: What a damaged compressed file raises while it is being read.
DAMAGED = (EOFError, zlib.error, gzip.BadGzipFile, DamagedData)


@contextmanager
def atomic_write(path: Path, mode: str = "w") -> Iterator[IO]:
    """Write to a temporary file beside ``path`` and move it in place only on success.

    ``path`` must be a regular file or a new name (a folder, device or FIFO is refused). The temporary
    file is removed on every way out, signals turned into exceptions included (``framing.errors.
    stop_on_signals``); one left by a killed process is removed by the next write to the same path.
    A full disk or an unwritable folder is a ``FramingError`` naming ``path``; the old file is kept.
    """
    path = Path(path)
    check_target(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _sweep(path)
        handle, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=path.parent)
    except OSError as error:
        raise write_error(path, error) from None
    try:
        with os.fdopen(handle, mode, encoding=None if "b" in mode else "utf-8") as out:
            yield out
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes the file private; outputs are ordinary files
        os.replace(tmp, path)
    except BaseException as error:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(error, OSError) and error.filename in (None, tmp, str(path)):
            raise write_error(path, error) from None
        raise


def write_error(path: Path, error: OSError) -> FramingError:
    """A failed write as a one-line error that says what to do."""
    reason = WRITE_FAILURES.get(error.errno, error.strerror or str(error))
    return FramingError(f"{path}: cannot be written ({reason}); free some space or choose another place to write")


def check_target(path: Path) -> None:
    """Refuse to write over anything but a regular file (a folder, a device such as /dev/null, a FIFO)."""
    try:
        mode = Path(path).stat().st_mode
    except FileNotFoundError:
        return
    except OSError as error:
        raise write_error(path, error) from None
    if stat.S_ISREG(mode):
        return
    kinds = {stat.S_ISDIR: "a folder", stat.S_ISCHR: "a device", stat.S_ISBLK: "a device", stat.S_ISFIFO: "a FIFO"}
    kind = next((name for test, name in kinds.items() if test(mode)), "a special file")
    raise FramingError(f"{path}: is {kind}, not a regular file; give the name of a file to write")


def check_output(out: Path, inputs: Iterable[Path] = ()) -> None:
    """Refuse an output that is not a regular file or a new name, or that is one of the inputs
    (the same name, or the same file by another name: a link)."""
    out = Path(out)
    check_target(out)
    for source in inputs:
        if _same_file(out, Path(source)):
            raise FramingError(f"{out}: is also an input ({source}); writing it would destroy it, choose another --out")


def check_folder(out: Path) -> None:
    """Refuse an output folder that exists as something else than a folder."""
    if Path(out).exists() and not Path(out).is_dir():
        raise FramingError(f"{out}: is a file, not a folder; give the name of a folder to write into")


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist (yet)
        return a.resolve() == b.resolve()


def _sweep(path: Path) -> None:
    """Remove temporary files of ``path`` that a process killed without warning (SIGKILL) left behind."""
    for stale in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
        pid = stale.name[len(path.name) + 2 :].split(".", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            stale.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError):
        return False
    except PermissionError:  # another user's process
        return True
    return True


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def compression(path: Path) -> str | None:
    """``gz`` or ``zst`` for a compressed file (by its last suffix), else None."""
    return COMPRESSIONS.get(Path(path).suffix.lower())


def open_bytes(path: Path) -> IO[bytes]:
    """A binary reading handle of the file's content, decompressed as a stream (``.gz``, ``.zst``); damaged
    compressed data raises one of ``DAMAGED`` while it is read."""
    path = Path(path)
    found = compression(path)
    if found == "gz":
        return gzip.open(path, "rb")
    if found == "zst":
        return io.BufferedReader(ZstdReader(path))
    return path.open("rb")


class ZstdReader(io.RawIOBase):
    """The decompressed bytes of a Zstandard file, every frame of it, read as a stream.

    Written on ``decompressobj`` because the package's own readers end quietly at data cut off inside a
    frame; here that, and damaged data, raise ``DamagedData``.
    """

    def __init__(self, path: Path) -> None:
        import zstandard

        self._errors = zstandard.ZstdError
        self._file = Path(path).open("rb")
        self._zstd = zstandard.ZstdDecompressor()
        self._frame = self._zstd.decompressobj()
        self._inside = False  # the current frame has had input and has not ended
        self._out = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not self._out:
            if not self._fill():
                return 0
        n = min(len(buffer), len(self._out))
        buffer[:n] = self._out[:n]
        self._out = self._out[n:]
        return n

    def _fill(self) -> bool:
        """Decompress the next piece of input; False at the end of the file."""
        data = self._file.read(ZSTD_INPUT)
        if not data:
            if self._inside:
                raise DamagedData("the data ends inside a Zstandard frame")
            return False
        out = []
        try:
            while data:
                self._inside = True
                out.append(self._frame.decompress(data))
                if not self._frame.eof:
                    break
                data = self._frame.unused_data  # the next frame's start, if any
                self._frame, self._inside = self._zstd.decompressobj(), False
        except self._errors as error:
            raise DamagedData(str(error)) from None
        self._out = memoryview(b"".join(out))
        return True

    def close(self) -> None:
        if not self.closed:
            self._file.close()
        super().close()


def read_jsonl(path: Path) -> Iterator[dict]:
    """Objects of a JSON Lines file; a bad line is an error naming the file and line."""
    for item in jsonl_rows(path):
        if isinstance(item, DocumentError):
            raise FramingError(str(item))
        yield item[1]


def jsonl_rows(path: Path) -> Iterator[tuple[int, dict] | DocumentError]:
    """Line numbers and objects of a UTF-8 JSON Lines file (a byte-order mark is skipped); a line that
    is not a JSON object is a ``DocumentError`` naming the file and line, and reading goes on. A ``.gz``
    or ``.zst`` file is decompressed as it is read; damaged compressed data is a ``FramingError``."""
    path = Path(path)
    if not path.is_file():
        raise FramingError(f"{path}: no such file")
    try:
        yield from _jsonl_rows(path)
    except DAMAGED as error:
        raise FramingError(f"{path}: the compressed data is damaged or cut off ({error}); re-compress it")


def _jsonl_rows(path: Path) -> Iterator[tuple[int, dict] | DocumentError]:
    with open_bytes(path) as lines:
        for number, raw in enumerate(lines, start=1):
            if number == 1:
                raw = raw.removeprefix(codecs.BOM_UTF8)
            if not raw.strip():
                continue
            try:
                yield number, parse_json_line(raw.decode("utf-8"))
            except UnicodeDecodeError as error:
                yield DocumentError(
                    f"{path} line {number}: not UTF-8 (byte {raw[error.start]:#04x} at column {error.start + 1}); "
                    "re-save the file as UTF-8"
                )
            except ValueError as error:
                yield DocumentError(f"{path} line {number}: {error}; fix or remove the line")


def parse_json_line(line: str) -> dict:
    """One JSON Lines row; a ``ValueError`` that says what is wrong when it is not a JSON object."""
    try:
        row = json.loads(line)
    except json.JSONDecodeError as error:
        raise ValueError(f"not valid JSON ({error.msg})") from None
    except RecursionError:
        raise ValueError("not valid JSON (nested too deeply)") from None
    if not isinstance(row, dict):
        raise ValueError("not a JSON object")
    return row
