"""Figures: units below the minimum evidence are drawn hollow or marked, never as estimates."""

from dataclasses import replace
from itertools import combinations

import numpy as np
import pytest

from framing.analysis.differences import compare_outlets
from framing.analysis.profile import profile
from framing.analysis.simulation import SyntheticOutlet, corpus, random_truth
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


@pytest.fixture(scope="module")
def fifty():
    """A synthetic profile of 50 outlets with long names, 30 of them crowded around the same shares (as the
    AllSides outlets are): 5 too thin to estimate, one naming no state."""
    rng = np.random.default_rng(1)
    crowd = {"opposition": (0.7, 0.1, 0.2), "state": (0.7, 0.3)}
    outlets = [
        SyntheticOutlet(
            f"Outlet {i:02d} Daily News", 2 if i % 12 == 0 else 25, 4.0, 10.0, crowd if i % 5 else random_truth(rng)
        )
        for i in range(50)
    ]
    rows = [r if r.outlet != "Outlet 49 Daily News" else replace(r, state="none") for r in corpus(rng, outlets)]
    return profile(rows, n_boot=30)


def test_framing_map_of_fifty_outlets_has_no_overlapping_labels_and_names_the_rest(fifty):
    fig = framing_map(fifty, "fifty outlets")
    fig.canvas.draw()
    ax = fig.axes[0]
    boxes = [t.get_window_extent() for t in ax.texts]
    assert len(boxes) >= 15, "most outlets should find room for a label"
    overlapping = [(a.get_text(), b.get_text()) for a, b in combinations(ax.texts, 2) if _overlap(a, b)]
    assert not overlapping
    assert all(ax.bbox.contains(b.x0, b.y0) and ax.bbox.contains(b.x1, b.y1) for b in boxes)
    labelled = {t.get_text() for t in ax.texts}
    legend = " ".join(" ".join(t.get_text().split()) for t in ax.get_legend().get_texts())
    groups = {r.group for r in fifty}
    assert len(groups) == 50
    assert [g for g in sorted(groups) if g not in labelled and g not in legend] == [], "an outlet was dropped silently"
    thin = {r.group for r in fifty if not r.enough}
    crowded = groups - labelled - thin - {"Outlet 49 Daily News"}
    assert crowded and f"not labelled for lack of room ({len(crowded)})" in legend
    assert f"too few articles or sentences for an interval; not labelled ({len(thin)})" in legend
    assert "not on the map, no sentence naming the state (1): Outlet 49 Daily News" in legend


def _overlap(a, b) -> bool:
    return a.get_window_extent().overlaps(b.get_window_extent())


def test_stacked_profiles_title_does_not_overprint_the_panel_titles(fifty):
    title = "A long figure title over the fifty synthetic outlets"
    fig = stacked_profiles(fifty, title)
    fig.canvas.draw()
    suptitle = next(t for t in fig.texts if t.get_text() == title)
    boxes = [suptitle.get_window_extent()] + [ax.title.get_window_extent() for ax in fig.axes]
    assert not [pair for pair in combinations(boxes, 2) if pair[0].overlaps(pair[1])]
    top = suptitle.get_window_extent().y0
    assert all(ax.get_tightbbox().y1 <= top for ax in fig.axes), "a panel reaches into the title"


def test_heatmap_prints_values_only_while_they_can_be_read(tmp_path, monkeypatch):
    import framing.figures.plots as plots

    figures = []
    real_save = plots.save
    monkeypatch.setattr(plots, "save", lambda fig, out, stem: figures.append(fig) or real_save(fig, out, stem))
    comparison = compare_outlets(rows(), n_boot=50, n_perm=50)
    divergence_heatmap(comparison, tmp_path)
    assert figures[0].axes[0].texts, "five units: each compared cell shows its value"
    monkeypatch.setattr(plots, "NUMBERED_UNITS", 4)
    figures.clear()
    divergence_heatmap(comparison, tmp_path)
    axes = figures[0].axes[0]
    assert not axes.texts
    assert "colour bar" in " ".join(t.get_text() for t in axes.get_legend().get_texts())
