"""Evaluation slices and domains: chosen by the sentence and its gold labels, never by a model's output."""

import numpy as np
import pytest

from framing.errors import FramingError
from framing.gold.annotations import GoldSentence, domain_gold, domain_of
from framing.gold.slices import SLICES, slice_accuracy


def gold(doc, text, labels):
    return GoldSentence(doc, 0, len(text), text, None, *labels)


ROWS = [
    gold("allsides:a", "U.S. troops entered Manbij.", ("none", "none", "none")),
    gold("allsides:a", "ISIS militants shelled the town.", ("none", "none", "none")),
    gold("allsides:b", '"The terrorists attacked," he said.', ("terrorist", "none", "reported")),
    gold("fa-kes:1", "The army advanced.", ("none", "government", "own")),
]


def test_slices_pick_by_text_and_gold_voice():
    picked = {name: [g.text for g in ROWS if keep(g)] for name, (_, keep) in SLICES.items()}
    assert picked["foreign state actors"] == [ROWS[0].text]
    assert picked["ISIS / Kurds"] == [ROWS[1].text]
    assert picked["attack attribution"] == [ROWS[1].text, ROWS[2].text]
    assert picked["quoted namings"] == [ROWS[2].text]


def test_slice_accuracy_counts_all_three_labels():
    predicted = np.array([g.labels() for g in ROWS], dtype=object)
    predicted[2] = ("terrorist", "none", "own")  # right actors, wrong voice: wrong
    result = slice_accuracy(ROWS, predicted, n_boot=50)
    assert result["quoted namings"][:2] == (1, 0.0)
    assert result["attack attribution"][:2] == (2, 0.5)
    assert result["foreign state actors"][1] == 1.0


def test_domains():
    assert [domain_of(g.doc) for g in ROWS] == ["allsides", "allsides", "allsides", "fa-kes"]
    assert domain_gold(ROWS, "fa-kes") == ROWS[3:]
    assert domain_gold(ROWS, None) == ROWS
    with pytest.raises(FramingError, match="unknown domain"):
        domain_gold(ROWS, "cnn")
