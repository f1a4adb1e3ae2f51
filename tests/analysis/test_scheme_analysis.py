"""Analysis and figures follow the rows' scheme: profiles, differences, series, agreement and plots of
schemes other than the Syrian one (one actor with both map axes; two actors of 2 and 5 labels)."""

import math

import numpy as np
import pytest
from matplotlib.colors import to_hex

from framing.analysis.agreement import agreement, disagreements
from framing.analysis.correction import DomainRates
from framing.analysis.differences import compare_outlets
from framing.analysis.profile import (
    combined_labels,
    order_labels,
    profile,
    read_profile,
    scheme_of_shares,
    write_profile,
)
from framing.analysis.results import Settings, analyse, stored_rates, write_tables
from framing.analysis.timeseries import timeseries
from framing.errors import FramingError
from framing.figures.confusion import plot_confusions
from framing.figures.plots import (
    divergence_heatmap,
    framing_map,
    label_colours,
    plot_profile,
    plot_timeseries,
    stacked_profiles,
)
from framing.gold.evaluate import Evaluation, FieldScore
from framing.schemes import default_scheme, scheme_from_text
from framing.scoring.rows import ScoredSentence

HEAD = """
version = "1"
[guidelines]
document = "g.md"
version = "1"
[voice]
labels = ["none", "own", "reported"]
"""

#: One actor, both map axes on it; x combines two labels.
SINGLE_TEXT = (
    'name = "single"'
    + HEAD
    + """
[[actors]]
field = "is_group"
display = "the Islamic State group"
labels = ["none", "islamic_state", "isis", "isil", "daesh"]
precedence = ["islamic_state", "isis", "isil", "daesh"]
delegitimising = ["daesh"]
[map.x]
actor = "is_group"
labels = ["isil", "daesh"]
[map.y]
actor = "is_group"
labels = ["isis"]
"""
)

#: Two actors of 2 and 5 labels; x combines two labels of the second.
TWO_TEXT = (
    'name = "two"'
    + HEAD
    + """
[[actors]]
field = "police"
display = "the police"
labels = ["none", "police"]
precedence = ["police"]
[[actors]]
field = "protesters"
display = "the protesters"
labels = ["none", "protesters", "rioters", "mob", "thugs"]
precedence = ["protesters", "rioters", "mob", "thugs"]
delegitimising = ["rioters", "mob", "thugs"]
[map.x]
actor = "protesters"
labels = ["mob", "thugs"]
[map.y]
actor = "police"
labels = ["police"]
"""
)

SINGLE = scheme_from_text(SINGLE_TEXT, "single.toml")
TWO = scheme_from_text(TWO_TEXT, "two.toml")
#: Estimate every unit, however small, to check the arithmetic.
ANY = {"min_articles": 1, "min_sentences": 1}


def row(scheme, doc, outlet, labels, date="2015-03-01", voice="own", sentence=0):
    return ScoredSentence(doc, sentence, outlet=outlet, date=date, actors=labels, voice=voice, scheme=scheme)


def single_rows():
    """A: a1 2 isis + 1 daesh (2014), a2 isil, daesh, islamic_state (2015); B: b1 3 daesh, b2 1 isis, b3 1 isil
    (all 2015); plus a sentence naming nobody."""
    namings = {
        ("A", "a1", "2014-05-01"): ["isis", "isis", "daesh"],
        ("A", "a2", "2015-01-01"): ["isil", "daesh", "islamic_state"],
        ("B", "b1", "2015-02-01"): ["daesh", "daesh", "daesh"],
        ("B", "b2", "2015-03-01"): ["isis"],
        ("B", "b3", "2015-04-01"): ["isil"],
    }
    rows = [
        row(SINGLE, doc, outlet, {"is_group": label}, date, sentence=i)
        for (outlet, doc, date), labels in namings.items()
        for i, label in enumerate(labels)
    ]
    return rows + [row(SINGLE, "a1", "A", {"is_group": "none"}, "2014-05-01", voice="none", sentence=9)]


def two_rows():
    """Outlets P and Q, three articles each, naming the protesters and, in some sentences, the police."""
    rows = []
    for outlet, protesters in (("P", ["protesters", "mob", "thugs", "rioters"]), ("Q", ["protesters"] * 3 + ["mob"])):
        for a in range(3):
            for i, label in enumerate(protesters):
                police = "police" if i == 0 else "none"
                labels = {"protesters": label, "police": police}
                rows.append(row(TWO, f"{outlet}{a}", outlet, labels, f"{2014 + a}-06-01", sentence=i))
    return rows


def find(rows, group, actor, label):
    return next(r for r in rows if (r.group, r.actor, r.label) == (group, actor, label))


def test_combined_and_order_labels_follow_the_map():
    syria = default_scheme()
    assert combined_labels(syria) == {"opposition": {"terrorist+jihadist": ("terrorist", "jihadist")}}
    assert order_labels(syria) == {"opposition": "terrorist+jihadist", "state": "regime"}
    assert combined_labels(SINGLE) == {"is_group": {"isil+daesh": ("isil", "daesh")}}
    assert order_labels(SINGLE) == {"is_group": "isil+daesh"}  # the x axis first
    assert order_labels(TWO) == {"police": "police", "protesters": "mob+thugs"}
    both_on_police = TWO_TEXT.replace(
        'actor = "protesters"\nlabels = ["mob", "thugs"]', 'actor = "police"\nlabels = ["police"]'
    )
    off_map = scheme_from_text(both_on_police, "off.toml")
    assert off_map.map.x.actor == "police" and combined_labels(off_map) == {}
    # the protesters on no axis: their first delegitimising label
    assert order_labels(off_map) == {"police": "police", "protesters": "rioters"}


def test_single_actor_profile_shares_and_combined_label(tmp_path):
    result = profile(single_rows(), n_boot=200, **ANY)
    assert [r.label for r in result if r.group == "A"] == ["islamic_state", "isis", "isil", "daesh", "isil+daesh"]
    assert {r.actor for r in result} == {"is_group"}
    assert find(result, "A", "is_group", "isis").share == pytest.approx(2 / 6)
    assert find(result, "A", "is_group", "isil+daesh").share == pytest.approx(3 / 6)
    b = find(result, "B", "is_group", "isil+daesh")
    assert b.share == pytest.approx(4 / 5) and (b.sentences, b.articles) == (5, 3)
    assert b.low <= b.share <= b.high
    write_profile(result, tmp_path / "p.csv")
    back = read_profile(tmp_path / "p.csv", SINGLE)
    assert [(r.group, r.label, round(r.share, 4)) for r in back] == [
        (r.group, r.label, round(r.share, 4)) for r in result
    ]
    with pytest.raises(FramingError, match="actor 'is_group'"):
        read_profile(tmp_path / "p.csv")  # the default scheme has no actor group


def test_two_actor_profile_of_different_shape():
    result = profile(two_rows(), n_boot=200, **ANY)
    assert [r.label for r in result if (r.group, r.actor) == ("P", "police")] == ["police"]
    protesters = [r.label for r in result if (r.group, r.actor) == ("P", "protesters")]
    assert protesters == ["protesters", "rioters", "mob", "thugs", "mob+thugs"]
    assert find(result, "P", "protesters", "mob+thugs").share == pytest.approx(2 / 4)
    assert find(result, "Q", "protesters", "mob+thugs").share == pytest.approx(1 / 4)
    assert find(result, "Q", "police", "police").share == 1.0
    assert find(result, "Q", "police", "police").sentences == 3


def test_differences_between_outlets_of_another_scheme():
    comparison = compare_outlets(single_rows(), n_boot=100, n_perm=100, **ANY)
    differences = {(r.a, r.b, r.label): r for r in comparison.differences}
    combined = differences["A", "B", "isil+daesh"]
    assert (combined.share_a, combined.share_b) == (pytest.approx(3 / 6), pytest.approx(4 / 5))
    assert combined.difference == pytest.approx(3 / 6 - 4 / 5)
    assert (combined.sentences_a, combined.sentences_b, combined.articles_a, combined.articles_b) == (6, 5, 2, 3)
    assert {r.label for r in comparison.differences} == {"islamic_state", "isis", "isil", "daesh", "isil+daesh"}
    assert [(d.a, d.b, d.actor) for d in comparison.divergences] == [("A", "B", "is_group")]
    two = compare_outlets(two_rows(), n_boot=100, n_perm=100, **ANY)
    assert [d.actor for d in two.divergences] == ["police", "protesters"]
    mob = next(r for r in two.differences if r.label == "mob+thugs")
    assert mob.difference == pytest.approx(0.25)
    assert 0 < mob.p <= 1 and not math.isnan(mob.low)


def test_time_series_of_another_scheme():
    result = timeseries(single_rows(), period="year", n_boot=100, **ANY)
    cells = {(r.group, r.period, r.label): r for r in result}
    assert cells["A", "2014", "isis"].share == pytest.approx(2 / 3)
    assert cells["A", "2015", "isil+daesh"].share == pytest.approx(2 / 3)
    assert cells["B", "2015", "daesh"].share == pytest.approx(3 / 5)
    assert {r.actor for r in result} == {"is_group"}
    two = timeseries(two_rows(), period="year", by="all", n_boot=50, **ANY)
    assert [(r.actor, r.period) for r in two if r.label in ("police", "mob+thugs")] == [
        ("police", "2014"), ("police", "2015"), ("police", "2016"),
        ("protesters", "2014"), ("protesters", "2015"), ("protesters", "2016"),
    ]  # fmt: skip
    assert next(r for r in two if r.label == "mob+thugs").share == pytest.approx(3 / 8)


def test_agreement_over_the_fields_of_the_scheme():
    a = single_rows()
    b = [row(SINGLE, r.doc, r.outlet, {"is_group": "daesh"}, r.date, "own", r.sentence) for r in a]
    result = agreement(a, b)
    pooled = {r.field: r for r in result.rows if r.outlet == "all"}
    assert list(pooled) == ["is_group", "voice"]
    assert pooled["is_group"].agreement == pytest.approx(5 / 12) and pooled["is_group"].sentences == 12
    assert pooled["voice"].agreement == pytest.approx(11 / 12)
    differs = disagreements(a, b)
    assert len(differs) == 7 and {"is_group_a", "is_group_b", "voice_a", "voice_b"} <= set(differs[0])
    with pytest.raises(FramingError, match="two schemes"):
        agreement(a, two_rows())


def test_analyse_skips_corrected_shares_of_another_scheme(tmp_path):
    rows = single_rows()
    rates, note = stored_rates(rows)
    assert rates is None and "scheme single" in note
    fake = DomainRates("m", "pooled", {})
    analysis = analyse("x", rows, Settings(n_boot=50, min_articles=1, min_sentences=1), fake)
    assert analysis.corrected is None and analysis.rates is None
    assert any("scheme single" in n for n in analysis.notes)
    names = sorted(p.name for p in write_tables(analysis, tmp_path, "x"))
    assert names == ["differences.csv", "divergences.csv", "skipped.csv"] + [
        "x-profile-all.csv", "x-profile-own.csv", "x-timeseries.csv"
    ]  # fmt: skip
    assert find(analysis.profiles["all"], "A", "is_group", "isil+daesh").share == pytest.approx(0.5)


def test_scheme_of_profile_rows_is_found_or_asked_for():
    syrian = profile([ScoredSentence("d", outlet="A", opposition="rebel", voice="own")], n_boot=10, **ANY)
    assert scheme_of_shares((r.actor, r.label) for r in syrian) is default_scheme()
    with pytest.raises(FramingError, match="no shipped scheme"):
        scheme_of_shares((r.actor, r.label) for r in profile(two_rows(), n_boot=10, **ANY))
    assert scheme_of_shares([("police", "police")], TWO) is TWO


def test_palette_colours_for_other_schemes_and_syrian_colours_kept():
    assert label_colours(default_scheme())["opposition"] == {
        "rebel": "#4C72B0", "terrorist": "#C44E52", "jihadist": "#DD8452"
    }  # fmt: skip
    colours = label_colours(TWO)
    assert list(colours) == ["police", "protesters"]
    assert colours["police"]["police"] == "#1f77b4"  # tab10's first
    assert colours["protesters"]["thugs"] == "#9467bd"  # tab10's fifth: the scheme's fifth naming label
    every = [c for labels in colours.values() for c in labels.values()]
    assert len(set(every)) == 5


def files(paths):
    return sorted(p.name for p in paths if p.stat().st_size > 0)


def test_plots_of_a_single_actor_scheme(tmp_path):
    rows = profile(single_rows(), n_boot=100, **ANY)
    paths = plot_profile(rows, tmp_path / "plots", "single", scheme=SINGLE)
    assert files(paths) == ["framing-map.png", "framing-map.svg", "profiles.png", "profiles.svg"]
    fig = framing_map(rows, scheme=SINGLE)
    ax = fig.axes[0]
    assert ax.get_xlabel() == "share of Islamic State group-naming sentences that say isil or daesh"
    assert ax.get_ylabel() == "share of Islamic State group-naming sentences that say isis"
    placed = {t.get_text(): t.get_position() for t in ax.texts}
    assert placed["A"] == (pytest.approx(3 / 6), pytest.approx(2 / 6))
    assert placed["B"] == (pytest.approx(4 / 5), pytest.approx(1 / 5))
    bars = stacked_profiles(rows, scheme=SINGLE)
    bars.canvas.draw()
    assert len(bars.axes) == 1 and bars.axes[0].get_yticklabels()[-1].get_text() == "B"  # most isil+daesh on top
    series = timeseries(single_rows(), n_boot=50, **ANY)
    assert files(plot_timeseries(series, tmp_path / "time", scheme=SINGLE)) == ["timeseries.png", "timeseries.svg"]
    comparison = compare_outlets(single_rows(), n_boot=50, n_perm=50, **ANY)
    assert files(divergence_heatmap(comparison, tmp_path / "div")) == [
        "divergence-is_group.png",
        "divergence-is_group.svg",
    ]


def test_plots_of_a_two_actor_scheme(tmp_path):
    rows = profile(two_rows(), n_boot=100, **ANY)
    paths = plot_profile(rows, tmp_path / "plots", scheme=TWO)
    assert files(paths) == ["framing-map.png", "framing-map.svg", "profiles.png", "profiles.svg"]
    ax = framing_map(rows, scheme=TWO).axes[0]
    assert ax.get_xlabel() == "share of protesters-naming sentences that say mob or thugs"
    placed = {t.get_text(): t.get_position() for t in ax.texts}
    assert placed["P"] == (pytest.approx(0.5), pytest.approx(1.0))
    bars = stacked_profiles(rows, scheme=TWO)
    assert len(bars.axes) == 2 and len(bars.axes[1].patches) == 2 * 4  # two outlets x four naming labels
    legend = bars.axes[1].get_legend()
    assert [t.get_text() for t in legend.get_texts()] == ["protesters", "rioters", "mob", "thugs"]
    drawn = [to_hex(h.get_facecolor()) for h in legend.legend_handles]
    assert drawn == list(label_colours(TWO)["protesters"].values())
    series = timeseries(two_rows(), n_boot=50, **ANY)
    assert files(plot_timeseries(series, tmp_path / "time", scheme=TWO)) == ["timeseries.png", "timeseries.svg"]
    with pytest.raises(FramingError, match="no shipped scheme"):
        plot_profile(rows, tmp_path / "unknown")  # neither given nor shipped: asked for


def test_confusions_of_another_scheme(tmp_path):
    def score(field):
        labels = SINGLE.labels[field]
        entries = [{"label": label} for label in labels]
        return FieldScore(field, 0.5, 0.4, 0.6, entries, np.eye(len(labels), dtype=int))

    evaluation = Evaluation("m", 5, 2, {f: score(f) for f in SINGLE.fields}, (0.5, 0.4, 0.6))
    assert files(plot_confusions(evaluation, tmp_path)) == ["confusion-m.png", "confusion-m.svg"]


def test_single_label_axes_of_one_actor_map_without_combined_labels(tmp_path):
    text = SINGLE_TEXT.replace('labels = ["isil", "daesh"]', 'labels = ["daesh"]').replace(
        'labels = ["isis"]', 'labels = ["isil"]'
    )
    scheme = scheme_from_text(text, "is.toml")
    rows = [ScoredSentence(r.doc, r.sentence, outlet=r.outlet, actors=r.actors, voice=r.voice, scheme=scheme)
            for r in single_rows()]  # fmt: skip
    result = profile(rows, n_boot=50, **ANY)
    assert {r.label for r in result} == {"islamic_state", "isis", "isil", "daesh"}
    assert order_labels(scheme) == {"is_group": "daesh"}
    ax = framing_map(result, scheme=scheme).axes[0]
    assert {t.get_text(): t.get_position() for t in ax.texts}["B"] == (pytest.approx(3 / 5), pytest.approx(1 / 5))
    assert files(plot_profile(result, tmp_path, scheme=scheme)) == [
        "framing-map.png", "framing-map.svg", "profiles.png", "profiles.svg"
    ]  # fmt: skip


def test_a_profile_csv_of_a_shipped_scheme_reads_back_without_naming_it(tmp_path):
    """`framing plot PROFILE.csv` of the shipped islamic-state scheme needs no --scheme: its actors tell."""
    from framing.analysis.profile import profile, read_profile, write_profile
    from framing.schemes import shipped_scheme

    scheme = shipped_scheme("islamic-state")
    rows = [
        ScoredSentence(f"d:{i}", 0, outlet="A", actors={"is_group": label}, voice="own", scheme=scheme)
        for i, label in enumerate(["daesh", "isis", "isil", "daesh"])
    ]
    written = profile(rows, n_boot=20, min_articles=1, min_sentences=1)
    write_profile(written, tmp_path / "p.csv")
    back = read_profile(tmp_path / "p.csv")
    assert [(r.actor, r.label, round(r.share, 4)) for r in back] == [
        (r.actor, r.label, round(r.share, 4)) for r in written
    ]
    assert {(r.label, r.share) for r in back} >= {("daesh", 0.5), ("isis", 0.25)}
