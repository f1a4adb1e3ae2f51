import json

import numpy as np
import pytest

from framing.errors import FramingError
from framing.profile import bootstrap_share, profile, read_profile, read_scores, write_profile


def row(doc, outlet, opposition="none", state="none", voice="own", date="2016-01-01"):
    return {"doc": doc, "outlet": outlet, "opposition": opposition, "state": state, "voice": voice, "date": date}


def hand_made():
    """Outlet A: doc1 3 rebel + 1 terrorist, doc2 4 terrorist. Outlet B: 2 docs, each 1 rebel + 1 jihadist."""
    rows = [row("a1", "A", "rebel")] * 3 + [row("a1", "A", "terrorist")] + [row("a2", "A", "terrorist")] * 4
    rows += [row("b1", "B", "rebel"), row("b1", "B", "jihadist", voice="reported")]
    rows += [row("b2", "B", "rebel"), row("b2", "B", "jihadist", voice="reported")]
    rows += [row("b2", "B", state="regime"), row("a2", "A")]  # naming only the state, and naming nobody
    return rows


def find(rows, group, actor, label):
    return next(r for r in rows if (r.group, r.actor, r.label) == (group, actor, label))


def test_shares_and_article_bootstrap_interval():
    result = profile(hand_made(), n_boot=4000, seed=1)
    rebel = find(result, "A", "opposition", "rebel")
    assert rebel.share == pytest.approx(3 / 8)
    assert (rebel.sentences, rebel.articles) == (8, 2)
    # two articles: resamples are {a1,a1} -> 3/4, {a2,a2} -> 0, mixed -> 3/8; the 95% interval spans 0 to 3/4
    assert rebel.low == pytest.approx(0.0) and rebel.high == pytest.approx(0.75)
    assert find(result, "A", "opposition", "terrorist+jihadist").share == pytest.approx(5 / 8)


def test_identical_articles_give_a_point_interval():
    b = find(profile(hand_made(), n_boot=500), "B", "opposition", "jihadist")
    assert (b.share, b.low, b.high) == (0.5, 0.5, 0.5)


def test_voice_filter_and_grouping_by_year():
    own = profile(hand_made(), voice="own", n_boot=100)
    assert find(own, "B", "opposition", "rebel").share == 1.0
    by_year = profile(hand_made(), by="year", n_boot=100)
    assert {r.group for r in by_year} == {"2016"}
    assert find(by_year, "2016", "state", "regime").share == 1.0
    with pytest.raises(FramingError):
        profile(hand_made(), voice="loud")


def test_bootstrap_share_is_a_ratio_of_sums():
    numerator, denominator = np.array([1, 0, 3]), np.array([2, 2, 4])
    picks = np.array([[0, 1, 2], [2, 2, 2]])
    share, low, high = bootstrap_share(numerator, denominator, picks)
    assert share == pytest.approx(4 / 8)
    assert (low, high) == pytest.approx((0.5 + 0.025 * 0.25, 0.75 - 0.025 * 0.25))


def test_csv_round_trip(tmp_path):
    result = profile(hand_made(), n_boot=100)
    write_profile(result, tmp_path / "p.csv")
    back = read_profile(tmp_path / "p.csv")
    assert [(r.group, r.actor, r.label) for r in back] == [(r.group, r.actor, r.label) for r in result]
    (tmp_path / "bad.csv").write_text("x,y\n1,2\n")
    with pytest.raises(FramingError, match="not a profile CSV"):
        read_profile(tmp_path / "bad.csv")


def test_read_scores_errors(tmp_path):
    (tmp_path / "s.jsonl").write_text(json.dumps(row("d", "X", "rebel")) + "\n{oops\n")
    with pytest.raises(FramingError, match="line 2"):
        read_scores([tmp_path / "s.jsonl"])
