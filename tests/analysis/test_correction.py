"""Shares corrected for classifier error: stored error rates, the corrected estimators in profiles, the CLI."""

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from framing.analysis.correction import (
    RATES_NAME,
    DomainRates,
    FieldRates,
    read_error_rates,
    solve_many,
    tally_rates,
    write_error_rates,
)
from framing.analysis.profile import profile
from framing.analysis.quantify import rates, solve
from framing.classifiers.schema import ACTORS, FIELDS, LABELS
from framing.cli import app
from framing.errors import FramingError
from framing.gold.annotations import GoldSentence
from framing.scoring.rows import ScoredSentence

#: Column j: how the simulated model labels sentences of gold label j (none, rebel, terrorist, jihadist):
#: it takes a fifth of the rebels for terrorists and of the government for the regime, so counting overstates both.
CONFUSION = {
    "opposition": np.array(
        [[0.96, 0.06, 0.02, 0.03], [0.02, 0.72, 0.05, 0.02], [0.015, 0.2, 0.88, 0.15], [0.005, 0.02, 0.05, 0.80]]
    ),
    "state": np.array([[0.97, 0.05, 0.05], [0.02, 0.75, 0.1], [0.01, 0.2, 0.85]]),
}
TRUTH = {"opposition": np.array([0.7, 0.2, 0.06, 0.04]), "state": np.array([0.75, 0.15, 0.10])}
TRUE_SHARE = {"opposition": 0.1 / 0.3, "state": 0.1 / 0.25}  # terrorist+jihadist; regime
ORDER = {"opposition": "terrorist+jihadist", "state": "regime"}


def synthetic_rows(rng, articles, sentences=10, concentration=10.0, outlet="X", model="toy"):
    """Rows of an outlet whose true labels follow TRUTH (each article's drawn around it, or exactly for
    ``concentration`` None) and whose predicted labels follow CONFUSION; probabilities are one-hot."""
    rows = []
    for i in range(articles):
        true = {a: rng.choice(len(TRUTH[a]), size=sentences, p=_around(rng, TRUTH[a], concentration)) for a in ACTORS}
        for s in range(sentences):
            labels = {a: LABELS[a][rng.choice(len(TRUTH[a]), p=CONFUSION[a][:, true[a][s]])] for a in ACTORS}
            scores = {a: {label: float(label == labels[a]) for label in LABELS[a]} for a in ACTORS}
            rows.append(
                ScoredSentence(f"{outlet}{i}", s, outlet=outlet, voice="own", scores=scores, model=model, **labels)
            )
    return rows


def _around(rng, truth, concentration):
    return truth if concentration is None else rng.dirichlet(truth * concentration)


def gold_rates(rng, n, model="toy", exact=False) -> DomainRates:
    """Rates as measured on ``n[actor][j]`` gold sentences of each label (exactly CONFUSION, or drawn from it)."""
    fields = {}
    for actor in ACTORS:
        counts = np.array(
            [
                np.round(n_j * CONFUSION[actor][:, j]) if exact else rng.multinomial(n_j, CONFUSION[actor][:, j])
                for j, n_j in enumerate(n[actor])
            ]
        ).astype(np.int64)
        fields[actor] = FieldRates(LABELS[actor], counts, counts.astype(float))
    return DomainRates(model, "pooled", fields)


def share(result, actor, estimator=None):
    (row,) = [r for r in result if r.actor == actor and r.label == ORDER[actor]]
    assert estimator is None or row.estimator == estimator
    return row


def test_adjusted_recovers_a_known_share_that_counting_misses():
    rng = np.random.default_rng(0)
    rows = synthetic_rows(rng, 300, 15, concentration=None)
    known = gold_rates(rng, {"opposition": [1000] * 4, "state": [1000] * 3}, exact=True)
    counted = profile(rows, n_boot=200)
    adjusted = profile(rows, n_boot=200, estimator="adjusted", rates=known)
    for actor in ACTORS:
        count_error = abs(share(counted, actor, "count").share - TRUE_SHARE[actor])
        adjusted_error = abs(share(adjusted, actor, "adjusted").share - TRUE_SHARE[actor])
        assert adjusted_error < 0.03 and adjusted_error < count_error / 2
    assert abs(share(counted, "opposition").share - TRUE_SHARE["opposition"]) > 0.1  # the bias corrected
    assert [(r.group, r.actor, r.label, r.sentences, r.articles, r.enough) for r in counted] == [
        (r.group, r.actor, r.label, r.sentences, r.articles, r.enough) for r in adjusted
    ]


def test_adjusted_interval_is_wider_and_covers_the_truth():
    rng = np.random.default_rng(1)
    covered, widths = {"count": [], "adjusted": []}, {"count": [], "adjusted": []}
    for replicate in range(30):
        rows = synthetic_rows(rng, int(rng.integers(10, 40)))
        measured = gold_rates(rng, {"opposition": [300, 80, 30, 25], "state": [300, 60, 40]})
        for estimator in covered:
            result = profile(rows, n_boot=200, seed=replicate, estimator=estimator, rates=measured)
            for actor in ACTORS:
                row = share(result, actor, estimator)
                covered[estimator].append(row.low <= TRUE_SHARE[actor] <= row.high)
                widths[estimator].append((row.high - row.low, row.low == 0 or row.high == 1))
    assert np.mean(covered["adjusted"]) >= 0.9 > np.mean(covered["count"])
    # never narrower than counting's interval, unless cut at 0 or 1; and wider on average
    assert all(a >= c - 1e-9 or cut for (a, cut), (c, _) in zip(widths["adjusted"], widths["count"]))
    assert np.mean([w for w, _ in widths["adjusted"]]) > 1.2 * np.mean([w for w, _ in widths["count"]])


def test_probability_estimator_and_refusals():
    rows = [
        ScoredSentence(
            f"d{i}",
            s,
            outlet="X",
            opposition="rebel",
            voice="own",
            model="toy",
            scores={
                "opposition": {"none": 0.1, "rebel": 0.6, "terrorist": 0.3, "jihadist": 0.0},
                "state": {"none": 1.0, "government": 0.0, "regime": 0.0},
            },
        )
        for i in range(6)
        for s in range(2)
    ]
    result = profile(rows, n_boot=100, estimator="probability")
    terror = share(result, "opposition", "probability")
    assert terror.share == pytest.approx(0.3 / 0.9) and terror.low < terror.share < terror.high
    with pytest.raises(FramingError, match="no opposition probabilities"):
        profile([ScoredSentence("d", opposition="rebel")], estimator="probability")
    with pytest.raises(FramingError, match="--voice all"):
        profile(rows, voice="own", estimator="probability")
    with pytest.raises(FramingError, match="calibrate-shares"):
        profile(rows, estimator="adjusted")
    with pytest.raises(FramingError, match="estimator must be one of"):
        profile(rows, estimator="magic")
    other = gold_rates(np.random.default_rng(0), {"opposition": [10] * 4, "state": [10] * 3}, model="lexicon")
    with pytest.raises(FramingError, match="labelled by toy"):
        profile(rows, estimator="adjusted", rates=other)


def test_solve_many_matches_solve():
    rng = np.random.default_rng(2)
    matrices = np.stack([CONFUSION["opposition"]] * 50 + [np.ones((4, 4)) / 4])  # the last one is singular
    observed = rng.dirichlet(np.ones(4) * 0.5, size=51)  # some outside what the matrix can give
    expected = np.stack([solve(o, m) for o, m in zip(observed, matrices)])
    assert solve_many(observed, matrices) == pytest.approx(expected, abs=1e-5)


def gold_sentences():
    """Six gold sentences over both domains, labels (opposition, state) and one-hot-ish probabilities."""
    labels = [("rebel", "none"), ("terrorist", "regime"), ("none", "none"), ("rebel", "government")] * 2
    docs = ["fa-kes:1", "fa-kes:1", "fa-kes:2", "allsides:7"] * 2
    gold = [GoldSentence(d, 0, 1, "x", None, o, s, "own") for d, (o, s) in zip(docs, labels)]
    predicted = [("terrorist", "none"), ("terrorist", "regime"), ("none", "none"), ("rebel", "regime")] * 2
    probabilities = [
        np.array(
            [
                [0.9 if LABELS[f][k] == p[i] else 0.1 / (len(LABELS[f]) - 1) for k in range(len(LABELS[f]))]
                for p in predicted
            ]
        )
        for i, f in enumerate(FIELDS[:2])
    ] + [np.zeros((8, 3))]
    return gold, probabilities


def test_error_rates_round_trip(tmp_path):
    gold, probabilities = gold_sentences()
    measured = tally_rates("toy", gold, probabilities, "dev", model_created="2026-01-01")
    assert measured.sentences == {"fa-kes": 6, "allsides": 2, "pooled": 8}
    assert measured.articles == {"fa-kes": 2, "allsides": 1, "pooled": 3}
    opposition = measured.domains["pooled"]["opposition"]
    assert opposition.counts[1].tolist() == [0, 2, 2, 0]  # gold rebel: twice rebel, twice terrorist
    truth = np.array([LABELS["opposition"].index(g.opposition) for g in gold])
    assert opposition.matrix() == pytest.approx(rates(truth, probabilities[0].argmax(axis=1), 4))
    assert opposition.matrix(probabilities=True) == pytest.approx(rates(truth, probabilities[0], 4))
    (tmp_path / "meta.json").write_text(json.dumps({"created": "2026-01-01"}))
    path = write_error_rates(measured, tmp_path)
    stored = json.loads(path.read_text())
    assert (
        stored["split"] == "dev" and stored["guidelines"] and stored["domains"]["allsides"]["state"]["n"] == [0, 2, 0]
    )
    back = read_error_rates(tmp_path)
    assert back.domains["fa-kes"]["state"].counts.tolist() == measured.domains["fa-kes"]["state"].counts.tolist()
    assert back.domain("allsides").fields["opposition"].n.tolist() == [0, 2, 0, 0]
    with pytest.raises(FramingError, match="rates-domain"):
        back.domain("moon")
    (tmp_path / "meta.json").write_text(json.dumps({"created": "2027-01-01"}))
    with pytest.raises(FramingError, match="earlier training"):
        read_error_rates(tmp_path)
    with pytest.raises(FramingError, match="calibrate-shares --model"):
        read_error_rates(tmp_path / "nowhere")
    (tmp_path / RATES_NAME).write_text('{"model": "toy"}')
    with pytest.raises(FramingError, match="not an error-rates file"):
        read_error_rates(tmp_path)


def test_shipped_models_carry_dev_error_rates(root):
    for name in ("lexicon", "transformer"):
        stored = read_error_rates(root / "models" / name)
        assert stored.split == "dev" and stored.model == name and stored.sentences["pooled"] > 1000


def invoke(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def test_profile_estimator_option(tmp_path):
    scores = tmp_path / "s.jsonl"
    rows = synthetic_rows(np.random.default_rng(3), 8)
    scores.write_text("".join(json.dumps(r.as_dict()) + "\n" for r in rows))
    model = tmp_path / "toy"
    result = invoke("profile", scores, "--out", tmp_path / "p.csv", "--estimator", "adjusted", "--model", model)
    assert result.exit_code == 2 and "calibrate-shares --model" in result.output
    assert len(result.output.strip().splitlines()) == 1
    gold, probabilities = gold_sentences()
    model.mkdir()
    write_error_rates(tally_rates("toy", gold, probabilities, "dev"), model)
    for args in (["--estimator", "adjusted", "--model", model], ["--estimator", "probability"]):
        result = invoke("profile", scores, "--out", tmp_path / "p.csv", "--n-boot", "50", *args)
        assert result.exit_code == 0, result.output
        assert f",{args[1]}\n" in (tmp_path / "p.csv").read_text()
    result = invoke("profile", scores, "--out", tmp_path / "p.csv", "--estimator", "adjusted", "--voice", "own")
    assert result.exit_code == 2 and "--voice all" in result.output and len(result.output.strip().splitlines()) == 1
    result = invoke("profile", scores, "--out", tmp_path / "p.csv", "--estimator", "adjusted")
    assert result.exit_code == 2 and "'toy', not a shipped model" in result.output
    result = invoke("calibrate-shares", "--model", tmp_path / "missing")
    assert result.exit_code == 2 and "model directory not found" in result.output
