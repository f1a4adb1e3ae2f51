"""Figures: units below the minimum evidence are drawn hollow or marked, never as estimates."""


import numpy as np

from framing.analysis.differences import compare_outlets
from framing.analysis.profile import profile
from framing.analysis.simulation import SyntheticOutlet, corpus
from framing.figures.plots import TOO_FEW, divergence_heatmap, framing_map, plot_profile, stacked_profiles

TRUTH = {"opposition": (0.5, 0.3, 0.2), "state": (0.6, 0.4)}


def rows():
    """Three outlets of 30 articles and two of 2 articles."""
    outlets = [SyntheticOutlet(f"big{i}", 30, 4.0, 10.0, TRUTH) for i in range(3)]
    outlets += [SyntheticOutlet(f"thin{i}", 2, 8.0, 10.0, TRUTH) for i in range(2)]
    return corpus(np.random.default_rng(0), outlets)


def test_framing_map_draws_thin_outlets_hollow_and_unlabelled():
    fig = framing_map(profile(rows(), n_boot=100))
    ax = fig.axes[0]
    labels = sorted(t.get_text() for t in ax.texts)
    assert labels == ["big0", "big1", "big2"]
    hollow = ax.collections[0]
    assert len(hollow.get_offsets()) == 2 and hollow.get_facecolors().size == 0
    assert TOO_FEW in ax.get_legend().get_texts()[0].get_text()


def test_stacked_profiles_say_too_few_articles(tmp_path):
    fig = stacked_profiles(profile(rows(), n_boot=100))
    notes = [t.get_text() for ax in fig.axes for t in ax.texts if TOO_FEW in t.get_text()]
    assert len(notes) == 4 and all("2 articles" in n for n in notes)  # two thin outlets, two actors
    paths = plot_profile(profile(rows(), n_boot=100), tmp_path)
    assert {p.name for p in paths} == {"profiles.png", "profiles.svg", "framing-map.png", "framing-map.svg"}


def test_heatmap_marks_units_not_compared(tmp_path, monkeypatch):
    import framing.figures.plots as plots

    figures = []
    real_save = plots.save
    monkeypatch.setattr(plots, "save", lambda fig, out, stem: figures.append(fig) or real_save(fig, out, stem))
    divergence_heatmap(compare_outlets(rows(), n_boot=50, n_perm=50), tmp_path)
    ticks = [t.get_text() for t in figures[0].axes[0].get_xticklabels()]
    assert ticks == ["big0", "big1", "big2", f"thin0 ({TOO_FEW})", f"thin1 ({TOO_FEW})"]
