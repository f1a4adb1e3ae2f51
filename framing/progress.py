"""Progress bars for long work, on stderr and quiet where nobody watches."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable

from tqdm import tqdm


def progress(iterable: Iterable | None = None, **kwargs) -> tqdm:
    """A progress bar on stderr, quiet in CI and when stderr is not a terminal."""
    quiet = bool(os.environ.get("CI")) or not sys.stderr.isatty()
    return tqdm(iterable, disable=quiet, file=sys.stderr, **kwargs)
