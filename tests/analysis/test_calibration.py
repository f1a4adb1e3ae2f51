"""The statistics checked by simulation: synthetic corpora with known true shares (framing.analysis.simulation).

Small replicate counts so that this runs in seconds; experiments/calibration.py runs more and prints
the README's figures.
"""

import numpy as np
import pytest

from framing.analysis.differences import compare_outlets
from framing.analysis.profile import profile
from framing.analysis.simulation import SyntheticOutlet, corpus, random_outlet, simulate_coverage, simulate_null


@pytest.mark.slow  # hundreds of simulated corpora
def test_intervals_cover_the_true_shares_where_units_pass_the_minimum():
    result = simulate_coverage(np.random.default_rng(0), 400, n_boot=200, seed=0)
    assert 0.93 <= result.covered.mean() <= 0.97, result.covered.mean()
    for low, high in ((5, 10), (10, 30), (30, 201)):  # fewer shares per stratum: a looser band
        assert 0.91 <= result.rate(low, high) <= 0.99, (low, high, result.rate(low, high))
    assert result.articles.min() >= 5 and result.estimated < result.units  # thin outlets were simulated, not estimated
    assert (result.width > 0).all()


@pytest.mark.slow  # hundreds of simulated corpora
def test_no_true_difference_flags_at_most_five_percent_of_pairs():
    rng = np.random.default_rng(1)
    results = [simulate_null(rng, 8, n_boot=20, n_perm=200, seed=i) for i in range(30)]
    pairs, flagged = sum(r.pairs for r in results), sum(r.pairs_flagged for r in results)
    tests, rejected = sum(r.tests for r in results), sum(r.rejected for r in results)
    assert pairs > 300 and flagged / pairs <= 0.05, (flagged, pairs)
    assert 0.02 <= rejected / tests <= 0.06, rejected / tests  # each test holds its 5% level (a little under)


def test_outlets_of_one_or_two_articles_are_never_significant():
    rng = np.random.default_rng(2)
    truth = {"opposition": (0.8, 0.1, 0.1), "state": (0.9, 0.1)}
    opposite = {"opposition": (0.05, 0.9, 0.05), "state": (0.1, 0.9)}
    outlets = [SyntheticOutlet(f"big{i}", 60, 4.0, 10.0, truth) for i in range(2)]
    outlets += [SyntheticOutlet(f"thin{i}", 1 + i % 2, 30.0, float("inf"), opposite) for i in range(4)]
    rows = corpus(rng, outlets)
    result = compare_outlets(rows, n_boot=100, n_perm=200)
    assert all(d.a.startswith("big") and d.b.startswith("big") for d in result.differences + result.divergences)
    assert len(result.skipped) == 2 * (15 - 1)  # every pair with a thin outlet, for both actors
    assert all("article" in s.reason for s in result.skipped)
    thin = [r for r in profile(rows, n_boot=50) if r.group.startswith("thin")]
    assert thin and not any(r.enough for r in thin) and all(np.isnan(r.low) for r in thin)


def test_synthetic_outlets_span_the_sizes_of_the_issue():
    rng = np.random.default_rng(3)
    sizes = [random_outlet(rng, f"o{i}").articles for i in range(500)]
    assert min(sizes) == 1 and 150 <= max(sizes) <= 200
