"""Shares corrected for classifier error: stored error rates, the corrected estimators in profiles, the CLI."""

import json
import math

import numpy as np
import pytest
from typer.testing import CliRunner

from framing.analysis.correction import (
    RATES_NAME,
    DomainRates,
    FieldRates,
    adjusted_distribution,
    naming_system,
    rates_domain_of,
    read_error_rates,
    solve_many,
    tally_rates,
    write_error_rates,
)
from framing.analysis.profile import profile, read_profile
from framing.analysis.quantify import rates
from framing.analysis.simulation import CONFUSION, FULL_TRUTH, gold_counts, misclassified_rows
from framing.classifiers.schema import ACTORS, FIELDS, LABELS
from framing.cli import app
from framing.errors import FramingError
from framing.gold.annotations import GoldSentence
from framing.scoring.rows import ScoredSentence

TRUE_SHARE = {"opposition": 0.1 / 0.3, "state": 0.1 / 0.25}  # terrorist+jihadist; regime, in FULL_TRUTH
ORDER = {"opposition": "terrorist+jihadist", "state": "regime"}
#: Gold sentences per label, in the proportions of FULL_TRUTH: the precision that the adjusted estimator takes
#: from gold carries over to a corpus whose ``none`` sentences are as often named by mistake.
GOLD = {actor: np.round(600 * FULL_TRUTH[actor]).astype(int) for actor in ACTORS}


def synthetic_rows(rng, articles, sentences=10, concentration=10.0):
    return misclassified_rows(rng, articles, sentences, concentration=concentration, model="toy")


def gold_rates(rng, n, model="toy", exact=False) -> DomainRates:
    """Rates as measured on ``n[actor][j]`` gold sentences of each label (exactly CONFUSION, or drawn from it)."""
    counts = gold_counts(rng, n, exact=exact)
    return DomainRates(model, "pooled", {a: FieldRates(LABELS[a], c, c.astype(float)) for a, c in counts.items()})


def share(result, actor, estimator=None):
    (row,) = [r for r in result if r.actor == actor and r.label == ORDER[actor]]
    assert estimator is None or row.estimator == estimator
    return row


def test_adjusted_recovers_a_known_share_that_counting_misses():
    rng = np.random.default_rng(0)
    rows = synthetic_rows(rng, 300, 15, concentration=math.inf)
    known = gold_rates(rng, {actor: 20 * n for actor, n in GOLD.items()}, exact=True)
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
        measured = gold_rates(rng, GOLD)
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


def test_refusals():
    rows = [ScoredSentence(f"d{i}", s, outlet="X", opposition="rebel", model="toy") for i in range(6) for s in range(2)]
    with pytest.raises(FramingError, match="--voice all"):
        profile(rows, voice="own", estimator="adjusted")
    with pytest.raises(FramingError, match="calibrate-shares"):
        profile(rows, estimator="adjusted")
    with pytest.raises(FramingError, match="estimator must be one of"):
        profile(rows, estimator="magic")
    other = gold_rates(np.random.default_rng(0), {"opposition": [10] * 4, "state": [10] * 3}, model="lexicon")
    with pytest.raises(FramingError, match="labelled by toy"):
        profile(rows, estimator="adjusted", rates=other)


def test_adjusted_distribution_by_hand():
    # gold rows none, rebel, terrorist, jihadist: a fifth of rebels taken for terrorists, and one in ten
    # ``none`` sentences too, which makes 10 of the 130 predicted terrorists false positives
    counts = np.array([[90, 0, 10, 0], [0, 80, 20, 0], [0, 0, 100, 0], [0, 0, 0, 100]])
    matrix, precision = naming_system(counts)
    assert matrix == pytest.approx(np.array([[0.8, 0, 0], [0.2, 1, 0], [0, 0, 1]]))
    assert precision == pytest.approx([1, 120 / 130, 1])
    # 40 rebels and 10 terrorists give 32 rebel and 18 terrorist predictions, and 1.5 false positives
    assert adjusted_distribution(np.array([32, 19.5, 0]), counts) == pytest.approx([0.8, 0.2, 0])
    # a label never seen in gold keeps the identity column; one never predicted a precision of 1
    unseen = naming_system(np.array([[10, 0, 0, 0], [0, 5, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]))
    assert unseen[0] == pytest.approx(np.eye(3)) and unseen[1] == pytest.approx([1, 1, 1])
    assert np.isnan(adjusted_distribution(np.zeros(3), counts)).all()


def test_solve_many_is_nonnegative_least_squares():
    from scipy.optimize import nnls

    rng = np.random.default_rng(2)
    matrices = np.stack([CONFUSION["opposition"][1:, 1:]] * 50 + [np.ones((3, 3)) / 4])  # the last one singular
    observed = rng.dirichlet(np.ones(3) * 0.5, size=51)  # some outside what the matrix can give
    expected = np.stack([nnls(m, o)[0] for o, m in zip(observed, matrices)])
    assert solve_many(observed, matrices) == pytest.approx(expected / expected.sum(axis=1, keepdims=True), abs=1e-6)


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


def test_rates_domain_follows_the_corpus():
    def rows(*docs):
        return [ScoredSentence(doc) for doc in docs]

    assert rates_domain_of(rows("allsides:a", "allsides:b")) == "allsides"
    assert rates_domain_of(rows("fa-kes:1", "seeds:2")) == "fa-kes"
    assert rates_domain_of(rows("fa-kes:1", "allsides:b")) == rates_domain_of(rows("mine:1")) == "pooled"


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
    result = invoke("profile", scores, "--out", tmp_path / "p.csv", "--n-boot", "50", "--estimator", "adjusted")
    assert result.exit_code == 2 and "'toy', not a shipped model" in result.output  # the rows name no shipped model
    args = ["--estimator", "adjusted", "--model", model, "--rates-domain", "fa-kes"]
    result = invoke("profile", scores, "--out", tmp_path / "p.csv", "--n-boot", "50", *args)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "p.csv").read_text().count(",adjusted\n") == len(read_profile(tmp_path / "p.csv"))
    assert invoke("plot", tmp_path / "p.csv", "--out", tmp_path / "plots").exit_code == 0
    result = invoke("profile", scores, "--out", tmp_path / "p.csv", "--estimator", "adjusted", "--voice", "own")
    assert result.exit_code == 2 and "--voice all" in result.output and len(result.output.strip().splitlines()) == 1
    result = invoke("calibrate-shares", "--model", tmp_path / "missing")
    assert result.exit_code == 2 and "model directory not found" in result.output
