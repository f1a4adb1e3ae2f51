"""Errors that the CLI turns into one-line messages and exit codes, stop signals among them."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class FramingError(Exception):
    """A problem the user can fix; ``exit_code`` 2 for usage and config errors."""

    exit_code = 2


class DocumentError(FramingError):
    """One document could not be read; the rest go on."""

    exit_code = 1


class Stopped(KeyboardInterrupt):
    """A stop signal (SIGTERM, SIGHUP) raised as an exception, so that cleanup runs as for Ctrl-C;
    ``exit_code`` is the shell's 128 + the signal's number."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.exit_code = 128 + signum


@contextmanager
def stop_on_signals(signums: tuple[int, ...] = (signal.SIGTERM, signal.SIGHUP)) -> Iterator[None]:
    """Within the block, the signals raise ``Stopped`` (where their handler is the default one, and
    only in the main thread, the one Python delivers signals to); the old handlers come back after."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum, frame):
        raise Stopped(signum)

    previous = {s: signal.getsignal(s) for s in signums}
    for s, handler in previous.items():
        if handler is signal.SIG_DFL:
            signal.signal(s, stop)
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
