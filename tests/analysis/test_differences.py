import csv
from dataclasses import replace

import numpy as np
import pytest
from scipy.spatial.distance import jensenshannon

from framing.analysis.differences import (
    OTHERS,
    check_groups,
    compare_outlets,
    jsd,
    parse_group,
    write_comparison,
)
from framing.errors import FramingError
from framing.figures.plots import divergence_heatmap
from framing.scoring.rows import ScoredSentence


def row(doc, outlet, opposition="none", state="none", voice="own"):
    return ScoredSentence(doc, outlet=outlet, opposition=opposition, state=state, voice=voice)


def article(doc, outlet, rebel=0, terrorist=0, jihadist=0, government=0, regime=0, voice="own"):
    """The sentences of one article, with as many namings of each label as given."""
    labels = [("opposition", "rebel")] * rebel + [("opposition", "terrorist")] * terrorist
    labels += [("opposition", "jihadist")] * jihadist + [("state", "government")] * government
    labels += [("state", "regime")] * regime
    return [row(doc, outlet, voice=voice, **{actor: label}) for actor, label in labels]


def outlet(name, articles):
    """An outlet whose i-th article has the namings in ``articles[i]``."""
    return [r for i, counts in enumerate(articles) for r in article(f"{name}{i}", name, **counts)]


MIXED = [{"rebel": 3, "terrorist": 1, "government": 2}, {"rebel": 1, "jihadist": 2, "regime": 2}] * 6
RED = [{"rebel": 4, "terrorist": 1, "government": 3}, {"rebel": 5, "government": 2}] * 4
RED += [{"rebel": 2, "jihadist": 1, "government": 1}, {"rebel": 6, "regime": 1}] * 4
BLUE = [{"terrorist": 4, "rebel": 1, "regime": 3}, {"terrorist": 3, "jihadist": 2, "regime": 2}] * 4
BLUE += [{"jihadist": 3, "regime": 1}, {"terrorist": 2, "rebel": 1, "regime": 4}] * 4


def find(rows, a, b, actor, label=None):
    return next(r for r in rows if (r.a, r.b, r.actor) == (a, b, actor) and getattr(r, "label", label) == label)


def test_identical_units_have_zero_divergence_and_large_p():
    result = compare_outlets(outlet("A", MIXED) + outlet("B", MIXED), n_boot=500, n_perm=500)
    for actor in ("opposition", "state"):
        divergence = find(result.divergences, "A", "B", actor)
        assert divergence.jsd == pytest.approx(0.0, abs=1e-12)
        assert divergence.p > 0.5 and not divergence.significant
    rebel = find(result.differences, "A", "B", "opposition", "rebel")
    assert rebel.difference == pytest.approx(0.0) and rebel.low < 0 < rebel.high and rebel.p > 0.5


def test_strongly_different_units_are_significant():
    rows = outlet("red", RED) + outlet("blue", BLUE)
    result = compare_outlets(rows, n_boot=1000, n_perm=1000, seed=3)
    divergence = find(result.divergences, "blue", "red", "opposition")
    assert divergence.p < 0.01 and divergence.significant
    # the JSD of the pooled label counts, checked against scipy (which returns its square root)
    blue = np.array([sum(c.get(k, 0) for c in BLUE) for k in ("rebel", "terrorist", "jihadist")])
    red = np.array([sum(c.get(k, 0) for c in RED) for k in ("rebel", "terrorist", "jihadist")])
    assert divergence.jsd == pytest.approx(jensenshannon(blue, red, base=2) ** 2)
    assert (divergence.articles_a, divergence.articles_b) == (16, 16)
    delegitimising = find(result.differences, "blue", "red", "opposition", "terrorist+jihadist")
    assert delegitimising.difference > 0.5 and delegitimising.low > 0 and delegitimising.significant
    regime = find(result.differences, "blue", "red", "state", "regime")
    assert regime.share_a == pytest.approx(1.0) and regime.share_b == pytest.approx(4 / 28)
    assert regime.difference == pytest.approx(1 - 4 / 28) and regime.low > 0.5


def test_permutations_shuffle_articles_not_sentences():
    # three all-rebel articles against three all-terrorist ones: of the 20 ways to split six articles
    # 3/3, only 2 are as extreme, so p is near 0.1 however many sentences the articles hold,
    # for the divergence and for the share differences alike (the same shuffles)
    rows = outlet("A", [{"rebel": 30}] * 3) + outlet("B", [{"terrorist": 30}] * 3)
    result = compare_outlets(rows, n_perm=2000, min_articles=3)
    divergence = find(result.divergences, "A", "B", "opposition")
    assert divergence.jsd == pytest.approx(1.0)
    assert 0.06 < divergence.p < 0.15
    rebel = find(result.differences, "A", "B", "opposition", "rebel")
    assert rebel.difference == 1.0 and 0.06 < rebel.p < 0.15 and not rebel.significant
    # with the default minimum of five articles the pair is not compared at all
    assert not compare_outlets(rows, n_perm=100).differences


def test_share_and_divergence_tests_agree_on_few_articles():
    # the case: one article each is never significant, however different; and with five
    # articles each, a share difference is significant only where its permutation test says so
    one = outlet("N", [{"terrorist": 9, "rebel": 1}]) + outlet("T", [{"rebel": 9, "terrorist": 1}])
    result = compare_outlets(one + outlet("C", MIXED), n_boot=200, n_perm=200)
    assert not [d for d in result.differences if {d.a, d.b} & {"N", "T"}]
    assert {(s.a, s.b) for s in result.skipped if s.actor == "opposition"} == {("C", "N"), ("C", "T"), ("N", "T")}
    assert "N has 1 article (< 5) naming opposition" in next(s.reason for s in result.skipped if s.b == "N")
    five = outlet("A", [{"rebel": 4, "terrorist": 1}] * 5) + outlet("B", [{"rebel": 1, "terrorist": 4}] * 5)
    result = compare_outlets(five, n_boot=500, n_perm=2000)
    divergence = find(result.divergences, "A", "B", "opposition")
    # only the 2 of the 252 splits that keep the outlets apart are as extreme: p near 0.008 for both tests
    assert 0.002 < divergence.p < 0.02 and divergence.significant
    for label in ("rebel", "terrorist", "terrorist+jihadist"):
        d = find(result.differences, "A", "B", "opposition", label)
        assert d.p == pytest.approx(divergence.p, abs=0.01) and d.significant
        assert d.low <= d.difference <= d.high and d.high - d.low > 0.1  # alike articles are not certainty
    jihadist = find(result.differences, "A", "B", "opposition", "jihadist")
    assert jihadist.difference == 0.0 and jihadist.p == 1.0 and not jihadist.significant


def test_benjamini_hochberg_adjustment():
    rows = outlet("A", MIXED) + outlet("B", MIXED[:8]) + outlet("C", RED) + outlet("D", BLUE)
    result = compare_outlets(rows, n_boot=300, n_perm=300)
    for tests in (result.differences, result.divergences):
        p = np.array([r.p for r in tests])
        adjusted = np.array([r.p_adjusted for r in tests])
        assert np.all(adjusted >= p - 1e-15) and np.all(adjusted <= 1)
        order = np.argsort(p, kind="stable")
        assert np.all(np.diff(adjusted[order]) >= -1e-15)
        m = len(p)
        expected = [min(min(p[order][k] * m / (k + 1) for k in range(i, m)), 1) for i in range(m)]
        assert adjusted[order] == pytest.approx(expected)
        assert [r.significant for r in tests] == [q < 0.05 for q in adjusted]


def test_deterministic_for_a_seed():
    rows = outlet("A", MIXED) + outlet("B", MIXED[:7] + RED[:5])
    first = compare_outlets(rows, n_boot=300, n_perm=300, seed=7)
    assert compare_outlets(rows, n_boot=300, n_perm=300, seed=7) == first
    other = compare_outlets(rows, n_boot=300, n_perm=300, seed=8)
    assert [r.p for r in other.differences] != [r.p for r in first.differences]


def test_thin_units_are_skipped_not_fatal():
    rows = outlet("A", MIXED) + outlet("B", BLUE) + outlet("C", [{"rebel": 2, "regime": 4}] + [{"regime": 4}] * 5)
    result = compare_outlets(rows, n_boot=100, n_perm=100, min_sentences=10)
    skipped = [(s.a, s.b, s.actor) for s in result.skipped]
    assert skipped == [("A", "C", "opposition"), ("B", "C", "opposition")]
    assert "C has 1 article (< 5) and 2 sentences (< 10) naming opposition" in result.skipped[0].reason
    assert {(r.a, r.b) for r in result.divergences if r.actor == "state"} == {("A", "B"), ("A", "C"), ("B", "C")}
    assert result.thin == {"opposition": ("C",), "state": ()}
    fewer = compare_outlets(rows, n_boot=100, n_perm=100, min_articles=7)
    assert {(s.a, s.b) for s in fewer.skipped if s.actor == "state"} == {("A", "C"), ("B", "C")}
    with pytest.raises(FramingError, match="at least 1"):
        compare_outlets(rows, min_sentences=0)


def test_voice_filter_and_bad_voice():
    rows = outlet("A", MIXED) + outlet("B", MIXED)
    rows += [replace(r, voice="reported", doc="r" + r.doc) for r in outlet("A", [{"terrorist": 5}] * 4)]
    rows += [replace(r, voice="reported", doc="r" + r.doc) for r in outlet("B", [{"rebel": 5}] * 4)]
    own = find(compare_outlets(rows, voice="own", n_boot=100, n_perm=100).divergences, "A", "B", "opposition")
    everything = find(compare_outlets(rows, n_boot=100, n_perm=100).divergences, "A", "B", "opposition")
    assert own.jsd == pytest.approx(0.0, abs=1e-12) and everything.jsd > 0.05
    assert own.sentences_a == sum(c.get("rebel", 0) + c.get("terrorist", 0) + c.get("jihadist", 0) for c in MIXED)
    with pytest.raises(FramingError, match="--voice"):
        compare_outlets(rows, voice="loud")


def test_parse_group():
    assert parse_group("state-aligned=sana, alalam,manar") == ("state-aligned", frozenset({"sana", "alalam", "manar"}))
    for bad in ("sana,alalam", "=sana", "state=", "state=sana,,manar", "state=sana=x", f"{OTHERS}=sana"):
        with pytest.raises(FramingError):
            parse_group(bad)


def test_check_groups_names_unknown_and_shared_outlets():
    with pytest.raises(FramingError, match=r"unknown outlet\(s\) in groups: snaa; the scores hold alalam, sana"):
        check_groups({"state": frozenset({"snaa", "sana"})}, {"sana", "alalam"})
    with pytest.raises(FramingError, match="share sana"):
        check_groups({"x": frozenset({"sana"}), "y": frozenset({"sana", "alalam"})}, {"sana", "alalam"})


def test_one_group_is_compared_with_the_other_outlets():
    rows = outlet("sana", BLUE) + outlet("manar", BLUE) + outlet("reuters", RED) + outlet("bbc", MIXED)
    result = compare_outlets(rows, {"state": frozenset({"sana", "manar"})}, n_boot=200, n_perm=200)
    assert result.units == {"state": frozenset({"sana", "manar"}), OTHERS: frozenset({"reuters", "bbc"})}
    divergence = find(result.divergences, "state", OTHERS, "opposition")
    assert (divergence.articles_a, divergence.articles_b) == (32, 16 + len(MIXED))
    assert divergence.significant
    with pytest.raises(FramingError, match="unknown outlet"):
        compare_outlets(rows, {"state": frozenset({"tass"})})
    with pytest.raises(FramingError, match="every outlet"):
        compare_outlets(rows, {"all": frozenset({"sana", "manar", "reuters", "bbc"})})


def test_jsd_bounds():
    assert jsd(np.array([1.0, 0.0]), np.array([0.0, 3.0])) == pytest.approx(1.0)
    assert jsd(np.array([[2.0, 2.0]]), np.array([[5.0, 5.0]]))[0] == pytest.approx(0.0)


def test_write_and_plot(tmp_path):
    rows = outlet("A", MIXED) + outlet("B", BLUE) + outlet("C", RED)
    result = compare_outlets(rows, n_boot=100, n_perm=100)
    paths = write_comparison(result, tmp_path)
    assert [p.name for p in paths] == ["differences.csv", "divergences.csv", "skipped.csv"]
    with paths[1].open() as handle:
        divergences = list(csv.DictReader(handle))
    assert len(divergences) == 6 and {d["significant"] for d in divergences} <= {"true", "false"}
    assert float(divergences[0]["jsd"]) == pytest.approx(result.divergences[0].jsd, abs=1e-4)
    with paths[0].open() as handle:
        assert len(list(csv.DictReader(handle))) == 3 * 6
    plots = divergence_heatmap(result, tmp_path / "plots")
    assert sorted(p.name for p in plots) == sorted(
        f"divergence-{a}.{x}" for a in ("opposition", "state") for x in ("png", "svg")
    )
    assert all(p.stat().st_size > 0 for p in plots)
