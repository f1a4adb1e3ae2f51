"""Errors that the CLI turns into one-line messages and exit codes."""

from __future__ import annotations


class FramingError(Exception):
    """A problem the user can fix; ``exit_code`` 2 for usage and config errors."""

    exit_code = 2


class DocumentError(FramingError):
    """One document could not be read; the rest go on."""

    exit_code = 1
