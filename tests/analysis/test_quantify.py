import numpy as np
import pytest

from framing.analysis.quantify import distribution, naming_share, rates, solve


def test_adjusted_count_undoes_known_confusion():
    # gold none/rebel/terrorist; the model takes a third of rebels for terrorists
    confusion = np.array([[1.0, 0.0, 0.0], [0.0, 2 / 3, 0.0], [0.0, 1 / 3, 1.0]])
    truth = np.array([0.5, 0.3, 0.2])
    predicted = confusion @ truth
    assert solve(predicted, confusion) == pytest.approx(truth, abs=1e-5)
    labels = ["none", "rebel", "terrorist"]
    assert naming_share(predicted, labels, ("terrorist",)) == pytest.approx(0.6)  # counting overstates 0.4
    assert naming_share(solve(predicted, confusion), labels, ("terrorist",)) == pytest.approx(0.4, abs=1e-5)


def test_rates_and_estimators():
    gold = np.array([0, 0, 1, 1, 2])
    scores = np.array([[0.9, 0.1, 0.0], [0.6, 0.4, 0.0], [0.2, 0.8, 0.0], [0.1, 0.3, 0.6], [0.0, 0.0, 1.0]])
    confusion = rates(gold, scores.argmax(axis=1), 3)
    assert confusion[:, 1] == pytest.approx([0.0, 0.5, 0.5]) and confusion.sum(axis=0) == pytest.approx(np.ones(3))
    assert rates(gold, scores, 3)[:, 0] == pytest.approx([0.75, 0.25, 0.0])
    assert distribution("count", scores) == pytest.approx([0.4, 0.2, 0.4])
    assert distribution("probability", scores) == pytest.approx(scores.mean(axis=0))
    assert distribution("adjusted", scores, confusion).sum() == pytest.approx(1.0)
    with pytest.raises(ValueError, match="estimator"):
        distribution("magic", scores)
    assert np.isnan(naming_share(np.array([1.0, 0.0, 0.0]), ["none", "rebel", "terrorist"], ("rebel",)))
