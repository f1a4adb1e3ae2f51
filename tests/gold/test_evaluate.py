import numpy as np
import pytest

from framing.gold.annotations import GoldSentence
from framing.gold.evaluate import compare_predictions, evaluate_predictions, macro_f1


def gold(doc, o, s, v):
    return GoldSentence(doc, 0, 1, "x", "X", o, s, v)


GOLD = [
    gold("d1", "rebel", "none", "own"),
    gold("d1", "none", "none", "none"),
    gold("d2", "terrorist", "regime", "own"),
    gold("d2", "none", "government", "reported"),
]
PERFECT = np.array([g.labels() for g in GOLD], dtype=object)


def test_macro_f1_by_hand():
    confusion = np.array([[2, 0], [1, 1]])  # f1 none = 4/5, f1 other = 2/3
    assert macro_f1(confusion) == pytest.approx((0.8 + 2 / 3) / 2)


def test_perfect_predictions_score_one_with_a_point_interval():
    evaluation = evaluate_predictions("m", GOLD, PERFECT, n_boot=200)
    assert evaluation.mean == (1.0, 1.0, 1.0)
    assert evaluation.fields["opposition"].confusion.trace() == 4


def test_paired_difference():
    worse = PERFECT.copy()
    worse[2, 0] = "rebel"
    diff = compare_predictions(GOLD, worse, PERFECT, n_boot=500)
    point, low, high = diff["opposition"]
    assert point > 0 and low >= 0 and high >= point
    assert diff["state"] == (0.0, 0.0, 0.0)
