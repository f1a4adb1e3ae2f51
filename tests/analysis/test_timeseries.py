import csv

import numpy as np
import pytest

import framing.figures.plots as plots
from framing.analysis.timeseries import period_of, period_span, timeseries, undated, write_timeseries
from framing.errors import FramingError
from framing.figures.plots import plot_timeseries
from framing.scoring.rows import ScoredSentence


def row(doc, date, outlet="A", opposition="none", state="none", voice="own"):
    return ScoredSentence(doc, outlet=outlet, date=date, opposition=opposition, state=state, voice=voice)


def month(outlet, date, articles, per_article):
    """``articles`` articles on ``date``, each with ``per_article`` (opposition label, count) namings."""
    return [
        row(f"{outlet}-{date}-{i}", date, outlet, label)
        for i in range(articles)
        for label, count in per_article
        for _ in range(count)
    ]


def corpus():
    """A: April 2013 is full (5 articles, 25 sentences), May 2013 thin (2 articles), 2014 full; plus undated rows."""
    rows = month("A", "2013-04-02", 5, [("rebel", 3), ("terrorist", 1), ("jihadist", 1)])
    rows += month("A", "2013-05-20", 2, [("terrorist", 20)])
    rows += month("A", "2014-01-09", 6, [("rebel", 4)])
    rows += month("B", "2013-04-11", 4, [("jihadist", 6)])
    rows += [row("u1", None, "A", "terrorist"), row("u2", "", "A", "terrorist"), row("u3", "2013-13-01", "B", "rebel")]
    rows += [row("u4", "sometime", "B", "rebel")]
    return rows


def find(rows, group, period, actor="opposition", label="terrorist+jihadist"):
    return next(r for r in rows if (r.group, r.period, r.actor, r.label) == (group, period, actor, label))


def test_periods_of_dates():
    assert period_of(ScoredSentence("d", date="2013-04-02"), "month") == "2013-04"
    assert period_of(ScoredSentence("d", date="2013-04-02"), "year") == "2013"
    assert period_of(ScoredSentence("d", date="2013-13-01")) is None and period_of(ScoredSentence("d")) is None
    assert undated(corpus()) == 4


def test_monthly_shares_and_thin_periods():
    result = timeseries(corpus(), period="month", n_boot=300, min_sentences=20, min_articles=3)
    april = find(result, "A", "2013-04")
    assert april.share == pytest.approx(2 / 5) and (april.sentences, april.articles) == (25, 5)
    assert april.low < 2 / 5 < april.high  # identical articles, but five of them are not certainty
    assert not april.thin
    may = find(result, "A", "2013-05")
    assert may.share == 1.0 and may.sentences == 40 and may.thin  # many sentences but only 2 articles
    assert np.isnan(may.low) and np.isnan(may.high)  # thin: not estimated
    assert not find(result, "A", "2014-01").thin
    assert not find(result, "B", "2013-04").thin  # 24 sentences in 4 articles: full
    assert find(timeseries(corpus(), "month", min_sentences=25, min_articles=3, n_boot=10), "B", "2013-04").thin
    assert find(timeseries(corpus(), "month", n_boot=10), "B", "2013-04").thin  # default: 5 articles


def test_yearly_grouping_skips_undated_rows():
    result = timeseries(corpus(), period="year", n_boot=100)
    assert {(r.group, r.period) for r in result} == {("A", "2013"), ("A", "2014"), ("B", "2013")}
    year = find(result, "A", "2013", label="terrorist")
    assert (year.sentences, year.articles) == (25 + 40, 7)  # the undated terrorist namings are not counted
    assert year.share == pytest.approx((5 + 40) / 65)
    everyone = timeseries(corpus(), period="year", by="all", n_boot=100)
    assert find(everyone, "all", "2013", label="rebel").sentences == 25 + 40 + 24


def test_rows_order_and_state_labels():
    rows = corpus() + [row("s1", "2014-02-01", "A", state="regime"), row("s2", "2014-03-01", "A", state="government")]
    result = timeseries(rows, period="year", n_boot=50)
    assert [(r.group, r.actor, r.period) for r in result] == sorted(
        [(r.group, r.actor, r.period) for r in result], key=lambda k: (k[0], k[1] != "opposition", k[2])
    )
    assert find(result, "A", "2014", "state", "regime").share == pytest.approx(0.5)


def test_errors_and_determinism():
    with pytest.raises(FramingError, match="--period"):
        timeseries(corpus(), period="week")
    with pytest.raises(FramingError, match="--voice"):
        timeseries(corpus(), voice="loud")
    rows = [r for i in range(12) for r in month(f"d{i}", "2015-01-01", 1, [("rebel", i % 5), ("terrorist", i % 3 + 1)])]
    first = timeseries(rows, "month", by="all", n_boot=200, seed=4)
    assert first == timeseries(rows, "month", by="all", n_boot=200, seed=4)
    assert [r.low for r in first] != [r.low for r in timeseries(rows, "month", by="all", n_boot=200, seed=5)]


def test_write_timeseries(tmp_path):
    result = timeseries(corpus(), period="month", n_boot=50)
    write_timeseries(result, tmp_path / "t.csv")
    with (tmp_path / "t.csv").open() as handle:
        back = list(csv.DictReader(handle))
    assert len(back) == len(result)
    assert back[0]["period"] == result[0].period and back[0]["thin"] in ("true", "false")
    assert [r["thin"] == "true" for r in back] == [r.thin for r in result]
    assert all((r["low"] == "") == (r["thin"] == "true") for r in back)


def test_span_fills_missing_months():
    assert period_span({"2012-11", "2013-02"}) == ["2012-11", "2012-12", "2013-01", "2013-02"]
    assert period_span({"2011", "2013"}) == ["2011", "2012", "2013"]


def test_plot_draws_thin_periods_apart(tmp_path, monkeypatch):
    captured = {}
    real_save = plots.save

    def spy(fig, out, stem):
        captured["fig"] = fig
        return real_save(fig, out, stem)

    monkeypatch.setattr(plots, "save", spy)
    paths = plot_timeseries(timeseries(corpus(), period="month", n_boot=50), tmp_path, top=1)
    assert sorted(p.name for p in paths) == ["timeseries.png", "timeseries.svg"]
    axes = [ax for ax in captured["fig"].axes if ax.get_visible()]
    assert len(axes) == 1 and axes[0].get_title().startswith("A ")
    # months 2013-04 .. 2014-01 on the axis; the line has the full months only, a gap at the thin May
    line = next(line for line in axes[0].get_lines() if line.get_color() == plots.ACTOR_COLOURS["opposition"])
    y = np.asarray(line.get_ydata(), dtype=float)
    assert len(y) == 10 and y[0] == pytest.approx(0.4) and np.isnan(y[1]) and y[-1] == 0.0
    with pytest.raises(FramingError):
        plot_timeseries([], tmp_path)
