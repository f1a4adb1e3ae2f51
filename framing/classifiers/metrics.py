"""Accuracy measures shared by training (dev-set early checks) and evaluation."""

from __future__ import annotations

import numpy as np


def macro_f1(confusion: np.ndarray) -> np.ndarray:
    """Macro-F1 over the labels that occur in gold or predictions; works on (..., k, k)."""
    tp = np.diagonal(confusion, axis1=-2, axis2=-1).astype(float)
    gold_n, pred_n = confusion.sum(axis=-1), confusion.sum(axis=-2)
    present = (gold_n + pred_n) > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        f1 = np.where(present, 2 * tp / (gold_n + pred_n), 0.0)
    return f1.sum(axis=-1) / np.maximum(present.sum(axis=-1), 1)
