"""Confusion matrices of an evaluation, drawn (the numbers come from ``framing.gold.evaluate``)."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from framing.classifiers.schema import FIELDS, LABELS
from framing.figures.plots import save
from framing.gold.evaluate import Evaluation


def plot_confusions(evaluation: Evaluation, out: Path) -> list[Path]:
    """Confusion matrices of the three fields, PNG and SVG."""
    fig, axes = plt.subplots(1, len(FIELDS), figsize=(13, 4))
    for ax, f in zip(axes, FIELDS):
        matrix = evaluation.fields[f].confusion
        ax.imshow(matrix, cmap="Blues")
        labels = LABELS[f]
        ax.set_xticks(range(len(labels)), labels, rotation=30)
        ax.set_yticks(range(len(labels)), labels)
        for (i, j), v in np.ndenumerate(matrix):
            ax.text(j, i, str(v), ha="center", va="center", color="white" if v > matrix.max() / 2 else "black")
        ax.set_title(f"{f}: macro-F1 {evaluation.fields[f].macro_f1:.2f}")
        ax.set_xlabel("predicted")
        ax.set_ylabel("gold")
    fig.suptitle(f"{evaluation.model} on {evaluation.sentences} gold sentences")
    fig.tight_layout()
    return save(fig, out, f"confusion-{evaluation.model}")
