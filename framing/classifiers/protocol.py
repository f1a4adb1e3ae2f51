"""The one interface every classifier implements, and what scoring needs to know to run one.

A classifier is an estimator over sentences (scikit-learn style): ``fit`` returns the classifier,
``predict`` gives an ``(n, 3)`` label array in ``FIELDS`` order, ``predict_proba`` one ``(n, k)``
array per field in ``labels_`` order. ``context`` (one ``Context`` per sentence) is accepted by all
three and ignored by classifiers that read the sentence alone.

Scoring splits ``predict_proba`` in two so that it can overlap work and show why a label was given:
``prepare`` (CPU work that may run ahead in a thread), ``probabilities`` (the model itself) and
``evidence`` (the matched terms behind each sentence's labels, or ``None``). ``runtime`` says how
scoring should run it: in worker processes forked from this one, or in this process on all cores.

To add a classifier: implement this protocol, give its model directory a ``config.toml`` whose
``[model] type`` names it, and register a loader in ``framing.classifiers.loading.LOADERS``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np

from framing.classifiers.schema import Context

if TYPE_CHECKING:
    from framing.classifiers.lexicon import Decision


@dataclass(frozen=True)
class Runtime:
    """How scoring runs a classifier."""

    #: True: one process using every core (a torch network; forking it after start is unsafe);
    #: False: one forked worker process per core.
    in_process: bool
    #: Characters of article text per chunk of work.
    chunk_chars: int
    #: True: scoring spawns one process per core (at most 8), each running one thread. For a network on a GPU,
    #: whose host work per sentence (splitting, hints, tokenising, writing rows) outweighs the network's, the
    #: processes share the device; for int8 on the CPU, single-threaded processes beat one process whose
    #: threads wait on each other over small batches.
    per_core: bool = False


@runtime_checkable
class Classifier(Protocol):
    """What every classifier offers; see the module docstring."""

    labels_: list[np.ndarray]
    runtime: Runtime

    def fit(self, X: Sequence[str], y: Sequence[Sequence[str]] | None = None, **options) -> Classifier:
        """Learn from labelled sentences (``options``: dev data, ``context``); returns the classifier."""

    def predict(self, X: Sequence[str], context: Sequence[Context] | None = None) -> np.ndarray: ...

    def predict_proba(self, X: Sequence[str], context: Sequence[Context] | None = None) -> list[np.ndarray]: ...

    def prepare(self, X: Sequence[str], context: Sequence[Context] | None = None) -> Any: ...

    def probabilities(self, prepared: Any) -> list[np.ndarray]: ...

    def evidence(self, prepared: Any, best: list[np.ndarray]) -> list[Decision | None]: ...
