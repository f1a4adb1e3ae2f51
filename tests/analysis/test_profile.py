import json
import math

import numpy as np
import pytest

from framing.analysis.profile import profile, read_profile, write_profile
from framing.analysis.stats import bootstrap_share, design_interval
from framing.errors import FramingError
from framing.scoring.rows import ScoredSentence, read_scores

#: The hand-made outlets have two articles each: estimate them anyway, to check the arithmetic.
ANY = {"min_articles": 1, "min_sentences": 1}


def row(doc, outlet, opposition="none", state="none", voice="own", date="2016-01-01"):
    return ScoredSentence(doc, outlet=outlet, opposition=opposition, state=state, voice=voice, date=date)


def hand_made():
    """Outlet A: doc1 3 rebel + 1 terrorist, doc2 4 terrorist. Outlet B: 2 docs, each 1 rebel + 1 jihadist."""
    rows = [row("a1", "A", "rebel")] * 3 + [row("a1", "A", "terrorist")] + [row("a2", "A", "terrorist")] * 4
    rows += [row("b1", "B", "rebel"), row("b1", "B", "jihadist", voice="reported")]
    rows += [row("b2", "B", "rebel"), row("b2", "B", "jihadist", voice="reported")]
    rows += [row("b2", "B", state="regime"), row("a2", "A")]  # naming only the state, and naming nobody
    return rows


def find(rows, group, actor, label):
    return next(r for r in rows if (r.group, r.actor, r.label) == (group, actor, label))


def test_shares_and_article_interval():
    result = profile(hand_made(), n_boot=4000, seed=1, **ANY)
    rebel = find(result, "A", "opposition", "rebel")
    assert rebel.share == pytest.approx(3 / 8)
    assert (rebel.sentences, rebel.articles, rebel.enough) == (8, 2, True)
    # two articles: resamples are {a1,a1} -> 3/4, {a2,a2} -> 0, mixed -> 3/8, so the bootstrap spans 0 to 3/4;
    # with one degree of freedom between articles the design interval is wider still, and wins
    assert rebel.low == pytest.approx(0.0) and rebel.high > 0.75
    assert find(result, "A", "opposition", "terrorist+jihadist").share == pytest.approx(5 / 8)


def test_identical_articles_no_longer_give_a_point_interval():
    b = find(profile(hand_made(), n_boot=500, **ANY), "B", "opposition", "jihadist")
    assert b.share == 0.5 and b.low < 0.2 and b.high > 0.8  # two articles alike are not certainty


def test_groups_below_the_minimum_are_flagged_not_estimated():
    result = profile(hand_made(), n_boot=100)  # default minimum: 5 articles and 10 sentences
    assert all(not r.enough and math.isnan(r.low) and math.isnan(r.high) for r in result)
    assert find(result, "A", "opposition", "rebel").share == pytest.approx(3 / 8)  # the counts stay readable
    many = [row(f"d{i}", "C", "rebel" if i % 2 else "terrorist") for i in range(10)]
    mixed = profile(hand_made() + many, n_boot=100)
    c = find(mixed, "C", "opposition", "rebel")
    assert c.enough and c.low < 0.5 < c.high
    assert not find(profile(hand_made() + many, n_boot=100, min_articles=11), "C", "opposition", "rebel").enough
    with pytest.raises(FramingError, match="at least 1"):
        profile(hand_made(), min_articles=0)


def test_voice_filter_and_grouping_by_year():
    own = profile(hand_made(), voice="own", n_boot=100)
    assert find(own, "B", "opposition", "rebel").share == 1.0
    by_year = profile(hand_made(), by="year", n_boot=100, **ANY)
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


def test_design_interval_follows_the_spread_between_articles():
    # twenty articles of ten sentences: all alike (0.3 each) against half at 0.0 and half at 0.6
    lengths = np.full(20, 10)
    alike, spread = np.full(20, 3), np.tile([0, 6], 10)
    low_alike, high_alike = design_interval(alike, lengths)
    low_spread, high_spread = design_interval(spread, lengths)
    assert low_alike[0] < 0.3 < high_alike[0] and low_spread[0] < 0.3 < high_spread[0]
    # articles that agree on 0.3 show little spread: narrower than articles split between 0.0 and 0.6
    assert high_alike[0] - low_alike[0] < high_spread[0] - low_spread[0] < 0.5
    # a share of 0 or 1 cannot show how correlated the articles are: each counts as one sentence
    none, ones = design_interval(np.zeros(20), lengths), design_interval(lengths, lengths)
    assert none[0][0] == 0.0 and 0.05 < none[1][0] < 0.3 and ones[1][0] == 1.0 and 0.7 < ones[0][0] < 0.95
    assert design_interval(np.array([3]), np.array([8])) == (0.0, 1.0)  # one article: nothing known


def test_csv_round_trip(tmp_path):
    many = [row(f"d{i}", "C", "rebel" if i % 2 else "terrorist") for i in range(10)]
    result = profile(hand_made() + many, n_boot=100)
    write_profile(result, tmp_path / "p.csv")
    back = read_profile(tmp_path / "p.csv")
    assert [(r.group, r.actor, r.label, r.enough) for r in back] == [
        (r.group, r.actor, r.label, r.enough) for r in result
    ]
    assert {r.enough for r in back} == {True, False}
    text = (tmp_path / "p.csv").read_text().splitlines()
    assert text[0].endswith(",enough,estimator") and any(
        line.startswith("A,opposition,rebel,0.3750,,,8,2,false,count") for line in text
    )
    # a profile written before the ``enough`` column is judged by the default minimums
    old = "group,actor,label,share,low,high,sentences,articles\nA,state,regime,0.5,0.5,0.5,2,2\n"
    (tmp_path / "old.csv").write_text(old)
    (regime,) = read_profile(tmp_path / "old.csv")
    assert not regime.enough and math.isnan(regime.low) and regime.estimator == "count"
    # one written before the ``estimator`` column counted predicted labels
    (tmp_path / "old.csv").write_text(old.replace("articles", "articles,enough").replace(",2,2", ",2,2,false"))
    (regime,) = read_profile(tmp_path / "old.csv")
    assert not regime.enough and regime.estimator == "count"
    (tmp_path / "bad.csv").write_text("x,y\n1,2\n")
    with pytest.raises(FramingError, match="not a profile CSV"):
        read_profile(tmp_path / "bad.csv")


def test_read_scores_errors(tmp_path):
    (tmp_path / "s.jsonl").write_text(json.dumps(row("d", "X", "rebel").as_dict()) + "\n{oops\n")
    with pytest.raises(FramingError, match="line 2"):
        read_scores([tmp_path / "s.jsonl"])
