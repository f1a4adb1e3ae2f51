"""Shares corrected for classifier error (quantification): estimators of a label distribution.

A profile counts predicted labels ("classify and count"), so a model that takes some "rebel"
sentences for "terrorist" moves every outlet's shares the same way. The adjusted estimators
undo that with the model's error rates measured on gold sentences of the same domain:

- ``count``: the share of predicted labels (what ``framing.analysis.profile`` reports today);
- ``probability``: the mean predicted probability of each label (probabilistic classify and count);
- ``adjusted``: the predicted-label distribution solved back through the confusion rates
  ``P(predicted i | gold j)`` (adjusted classify and count, Forman 2008);
- ``adjusted-probability``: the mean probabilities solved back through ``E[probability i | gold j]``
  (Bella et al. 2010).

Each works on the whole field, ``none`` included, so that a sentence the model wrongly takes as
naming the actor (or misses) moves the denominator too; a share is then ``pi[label] / (1 - pi[none])``.
``experiments/quantification.py`` measures them against gold shares per outlet. Profiles use a variant
(``framing.analysis.correction``) that corrects only the predicted namings, since the gold ``none``
sentences, chosen for their actor words, are harder than a whole article's and their error rate does
not carry over.
"""

from __future__ import annotations

import numpy as np

ESTIMATORS = ("count", "probability", "adjusted", "adjusted-probability")


def rates(gold: np.ndarray, predicted: np.ndarray, k: int) -> np.ndarray:
    """``k x k`` matrix whose column ``j`` is the mean predicted distribution of gold label ``j``.

    ``gold`` holds label indices; ``predicted`` either label indices (confusion rates) or an
    ``(n, k)`` array of probabilities. A gold label never seen keeps the identity column.
    """
    scores = np.eye(k)[predicted] if predicted.ndim == 1 else predicted
    matrix = np.eye(k)
    for j in range(k):
        if (gold == j).any():
            matrix[:, j] = scores[gold == j].mean(axis=0)
    return matrix


def solve(observed: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    """The distribution ``pi`` on the simplex with ``matrix @ pi`` closest to ``observed`` (least squares)."""
    from scipy.optimize import nnls

    weight = 1e3  # the sum-to-one row, weighted so that it holds to about 1e-6
    system = np.vstack([matrix, weight * np.ones(len(observed))])
    pi, _ = nnls(system, np.append(observed, weight))
    return pi / pi.sum()


def distribution(estimator: str, scores: np.ndarray, matrix: np.ndarray | None = None) -> np.ndarray:
    """The estimated label distribution of a set of sentences from their ``(n, k)`` probabilities.

    ``matrix`` (from ``rates``, with labels for ``adjusted`` and probabilities for
    ``adjusted-probability``) is needed by the adjusted estimators only.
    """
    k = scores.shape[1]
    counted = np.bincount(scores.argmax(axis=1), minlength=k) / len(scores)
    if estimator == "count":
        return counted
    if estimator == "probability":
        return scores.mean(axis=0)
    if estimator == "adjusted":
        return solve(counted, matrix)
    if estimator == "adjusted-probability":
        return solve(scores.mean(axis=0), matrix)
    raise ValueError(f"estimator must be one of {', '.join(ESTIMATORS)}, not {estimator!r}")


def naming_share(pi: np.ndarray, labels: list[str], parts: tuple[str, ...]) -> float:
    """Share of ``parts`` among sentences naming the actor: ``sum(pi[parts]) / (1 - pi[none])``."""
    naming = 1 - pi[labels.index("none")]
    return float(sum(pi[labels.index(p)] for p in parts) / naming) if naming > 1e-9 else float("nan")
