"""Confusion matrices of an evaluation, drawn (the numbers come from ``framing.gold.evaluate``)."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from framing.figures.plots import save
from framing.gold.evaluate import Evaluation


def plot_confusions(evaluation: Evaluation, out: Path) -> list[Path]:
    """Confusion matrices of the fields of the evaluation's scheme (in its order), PNG and SVG."""
    fields = list(evaluation.fields)
    fig, axes = plt.subplots(1, len(fields), figsize=(13 * len(fields) / 3, 4), squeeze=False)
    for ax, f in zip(axes[0], fields):
        matrix = evaluation.fields[f].confusion
        ax.imshow(matrix, cmap="Blues")
        labels = [entry["label"] for entry in evaluation.fields[f].labels]
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
