"""Progress on stderr: a bar on a terminal, a plain line every few seconds in a log (``make demo > log``),
nothing in CI; and the third-party libraries' own bars, logs and warnings quiet unless asked for."""

from __future__ import annotations

import os
import sys
import threading
import warnings
from collections.abc import Callable, Iterable

from tqdm import tqdm

#: Seconds between two progress lines where stderr is not a terminal; ``FRAMING_PROGRESS_SECONDS`` sets it.
HEARTBEAT_SECONDS = 15.0
#: What the Hugging Face libraries read when they are imported: their progress bars and advice off.
QUIET_ENVIRONMENT = {
    "HF_DATASETS_DISABLE_PROGRESS_BARS": "1",
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
    "TRANSFORMERS_VERBOSITY": "error",
    "TRANSFORMERS_NO_ADVISORY_WARNINGS": "1",
}


def progress(iterable: Iterable | None = None, **kwargs) -> tqdm:
    """A progress bar on stderr where a terminal shows it; where stderr is a file or a pipe, a plain line
    with the count, the time so far and the time left at most every ``HEARTBEAT_SECONDS`` (``Heartbeat``);
    nothing in CI (``$CI`` set)."""
    if os.environ.get("CI"):
        return tqdm(iterable, disable=True, **kwargs)
    if sys.stderr.isatty():
        return tqdm(iterable, file=sys.stderr, **kwargs)
    interval = float(os.environ.get("FRAMING_PROGRESS_SECONDS", HEARTBEAT_SECONDS))
    return Heartbeat(iterable, file=sys.stderr, interval=interval, **kwargs)


def duration(seconds: float) -> str:
    """``42 s``, ``3 min`` or ``2 h 5 min``."""
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min"
    return f"{seconds // 3600:.0f} h {seconds % 3600 / 60:.0f} min"


class Heartbeat(tqdm):
    """A tqdm bar that prints whole lines instead of redrawing one, e.g. ``epoch 1/4: 120/380 batches
    (32%), 2 min so far, ETA 3 min``: the first after ``interval`` seconds, then at most one per
    ``interval``. A ``total`` set after the start (a count that finishes later) adds the ETA from then on."""

    def __init__(self, iterable: Iterable | None = None, *, interval: float = HEARTBEAT_SECONDS, **kwargs) -> None:
        kwargs.update(delay=interval, mininterval=interval, maxinterval=max(interval, 10.0), miniters=1, leave=False)
        super().__init__(iterable, **kwargs)
        self._printed = self.start_t

    def line(self) -> str:
        """The progress as one line of plain text."""
        unit, n, total = str(self.unit).strip(), self.n, self.total
        elapsed = self._time() - self.start_t
        where = f"{self.desc}: " if self.desc else ""
        if not total:
            rate = f" ({n / elapsed:.1f} {unit}/s)" if elapsed > 0 and n else ""
            return f"{where}{n:,} {unit}, {duration(elapsed)} so far{rate}"
        eta = f", ETA {duration((total - n) * elapsed / n)}" if n else ""
        return f"{where}{n:,}/{total:,} {unit} ({n / total:.0%}), {duration(elapsed)} so far{eta}"

    def display(self, msg: str | None = None, pos: int | None = None) -> bool:
        if msg == "" or not hasattr(self, "_printed"):  # close() clearing the bar; the start, with no delay
            return False
        now = self._time()
        if now - self._printed < self.mininterval:
            return False
        self._printed = now
        self.fp.write(self.line() + "\n")
        self.fp.flush()
        return True


def count_in_background(bar: tqdm, items: Callable[[], Iterable], kind: type = object) -> threading.Event:
    """Count the ``items()`` of type ``kind`` in a daemon thread and then set ``bar.total``, so that the bar
    gains its ETA while the work goes on; returns the event that stops the count (set it when the work
    ends). A count that fails leaves the bar without a total: the work itself reports what it cannot read."""
    stop = threading.Event()

    def count() -> None:
        n = 0
        try:
            for item in items():
                if stop.is_set():
                    return
                n += isinstance(item, kind)
        except Exception:  # noqa: BLE001 - only the ETA is lost
            return
        if not stop.is_set():
            bar.total = n

    threading.Thread(target=count, name="framing-count", daemon=True).start()
    return stop


def quiet_libraries(verbose: bool = False) -> None:
    """Silence the progress bars, logs and warnings of the libraries beneath (transformers' "Loading
    weights", datasets' "Map", deprecation notices), unless ``verbose`` or ``$FRAMING_VERBOSE`` is set.
    Libraries not imported yet read ``QUIET_ENVIRONMENT`` when they are; this package's own warnings stay."""
    if verbose or os.environ.get("FRAMING_VERBOSE", "") not in ("", "0"):
        return
    for name, value in QUIET_ENVIRONMENT.items():
        os.environ.setdefault(name, value)
    warnings.filterwarnings("ignore")
    warnings.filterwarnings("default", module=r"framing(\.|$)")
    if "transformers" in sys.modules:
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()
        transformers_logging.set_verbosity_error()
    if "datasets" in sys.modules:
        import datasets

        datasets.disable_progress_bars()
        datasets.utils.logging.set_verbosity_error()
    if "huggingface_hub" in sys.modules:
        from huggingface_hub.utils import disable_progress_bars

        disable_progress_bars()
