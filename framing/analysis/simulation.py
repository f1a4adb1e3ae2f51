"""Synthetic corpora with known true shares, to check that intervals cover and tests hold their level.

Each synthetic outlet has true label probabilities per actor. Each of its articles draws its own
probabilities around them (a Dirichlet with ``concentration`` times the outlet's: small values make
one-sided articles, ``inf`` articles that all follow the outlet), a number of sentences naming each
actor (geometric, at least one), and a label per sentence. The rows look like ``framing score``
output as far as ``profile``, ``compare_outlets`` and ``timeseries`` read it.

The ranges drawn by ``random_outlet`` follow the scored corpora: outlets of 1 to 200 articles
(AllSides: 1 to 160 naming the opposition), 1 to 8 naming sentences per article on average
(AllSides and FA-KES: medians 3.8 to 4.8), and concentrations 1 to 30 or none, i.e. intra-article
correlations of 0.5 to 0.03 or 0 (measured 0.01 to 0.6 on both corpora with the lexicon's labels).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from framing.classifiers.schema import ACTORS, LABELS
from framing.scoring.rows import ScoredSentence

CONCENTRATIONS = (1.0, 3.0, 10.0, 30.0, math.inf)


def naming_labels(actor: str) -> list[str]:
    return [label for label in LABELS[actor] if label != "none"]


@dataclass(frozen=True)
class SyntheticOutlet:
    """An outlet to simulate; ``truth`` maps each actor to its true probabilities over its naming labels."""

    name: str
    articles: int
    mean_sentences: float
    concentration: float
    truth: dict[str, tuple[float, ...]]


def random_truth(rng: np.random.Generator) -> dict[str, tuple[float, ...]]:
    """True label probabilities per actor, uniform over the simplex."""
    return {actor: tuple(rng.dirichlet(np.ones(len(naming_labels(actor))))) for actor in ACTORS}


def random_outlet(
    rng: np.random.Generator, name: str, truth: dict[str, tuple[float, ...]] | None = None, most: int = 200
) -> SyntheticOutlet:
    """An outlet of 1 to ``most`` articles (log-uniform), with the ranges of the module docstring."""
    articles = int(np.exp(rng.uniform(0, np.log(most + 1))))
    return SyntheticOutlet(
        name,
        max(1, min(articles, most)),
        float(rng.uniform(1, 8)),
        float(rng.choice(CONCENTRATIONS)),
        truth or random_truth(rng),
    )


def outlet_rows(rng: np.random.Generator, outlet: SyntheticOutlet) -> list[ScoredSentence]:
    """The sentence rows of one synthetic outlet: each row names one actor."""
    rows = []
    for i in range(outlet.articles):
        doc = f"{outlet.name}:{i}"
        for actor in ACTORS:
            labels, truth = naming_labels(actor), np.array(outlet.truth[actor])
            if math.isinf(outlet.concentration):
                probabilities = truth
            else:
                probabilities = rng.dirichlet(np.maximum(truth * outlet.concentration, 1e-3))
            count = int(rng.geometric(1 / outlet.mean_sentences))
            other = "state" if actor == "opposition" else "opposition"
            for label in rng.choice(labels, size=count, p=probabilities):
                rows.append(ScoredSentence(doc, outlet=outlet.name, voice="own", **{actor: str(label), other: "none"}))
    return rows


def corpus(rng: np.random.Generator, outlets: list[SyntheticOutlet]) -> list[ScoredSentence]:
    return [row for outlet in outlets for row in outlet_rows(rng, outlet)]


def true_share(outlet: SyntheticOutlet, actor: str, parts: tuple[str, ...]) -> float:
    """The outlet's true share of the labels ``parts`` among sentences naming ``actor``."""
    labels = naming_labels(actor)
    return float(sum(outlet.truth[actor][labels.index(p)] for p in parts))


@dataclass(frozen=True)
class Coverage:
    """Per estimated share of a simulated profile: its unit's articles, whether it covered the truth, its width."""

    articles: np.ndarray
    covered: np.ndarray
    width: np.ndarray
    units: int  # (outlet, actor) units simulated
    estimated: int  # of which passed the minimum

    def rate(self, low: int = 0, high: int = 10**9) -> float:
        """Coverage among shares of units with ``low`` <= articles < ``high``."""
        keep = (self.articles >= low) & (self.articles < high)
        return float(self.covered[keep].mean()) if keep.any() else math.nan


def simulate_coverage(rng: np.random.Generator, outlets: int, **settings) -> Coverage:
    """Profile ``outlets`` random outlets and check each estimated interval against the true share.

    ``settings`` go to ``framing.analysis.profile.profile`` (n_boot, seed, min_articles, min_sentences).
    """
    from framing.analysis.profile import COMBINED, profile

    simulated = {o.name: o for o in (random_outlet(rng, f"outlet{i}") for i in range(outlets))}
    rows = profile(corpus(rng, list(simulated.values())), **settings)
    estimated = [r for r in rows if r.enough]
    truths = [
        true_share(simulated[r.group], r.actor, COMBINED.get(r.actor, {}).get(r.label, (r.label,))) for r in estimated
    ]
    return Coverage(
        np.array([r.articles for r in estimated]),
        np.array([r.low - 1e-9 <= t <= r.high + 1e-9 for r, t in zip(estimated, truths)], dtype=bool),
        np.array([r.high - r.low for r in estimated]),
        len({(r.group, r.actor) for r in rows}),
        len({(r.group, r.actor) for r in estimated}),
    )


@dataclass(frozen=True)
class NullFlags:
    """What ``compare_outlets`` flagged among outlets that all share the same true shares."""

    pairs: int  # (pair, actor) compared
    pairs_flagged: int  # with any share difference or divergence significant after BH
    tests: int  # share differences tested
    flagged: int  # significant after BH
    rejected: int  # raw p < 0.05
    divergences: int
    divergences_rejected: int  # raw p < 0.05


def simulate_null(rng: np.random.Generator, outlets: int, **settings) -> NullFlags:
    """Compare ``outlets`` random outlets with one common truth; ``settings`` go to ``compare_outlets``."""
    from framing.analysis.differences import compare_outlets

    truth = random_truth(rng)
    rows = corpus(rng, [random_outlet(rng, f"outlet{i}", truth) for i in range(outlets)])
    result = compare_outlets(rows, **settings)
    flagged = {(d.a, d.b, d.actor) for d in result.differences + result.divergences if d.significant}
    return NullFlags(
        len(result.divergences),
        len(flagged),
        len(result.differences),
        sum(d.significant for d in result.differences),
        sum(d.p < 0.05 for d in result.differences),
        len(result.divergences),
        sum(d.p < 0.05 for d in result.divergences),
    )


#: For corpora whose labels a model got wrong (``framing.analysis.correction``): column ``j`` is how the
#: simulated model labels sentences of gold label ``j`` (``none`` first). It takes a fifth of the rebels for
#: terrorists and of the government for the regime, and a few ``none`` sentences for namings, so counting
#: overstates terrorist+jihadist and regime.
CONFUSION = {
    "opposition": np.array(
        [[0.96, 0.06, 0.02, 0.03], [0.02, 0.72, 0.05, 0.02], [0.015, 0.2, 0.88, 0.15], [0.005, 0.02, 0.05, 0.80]]
    ),
    "state": np.array([[0.97, 0.05, 0.05], [0.02, 0.75, 0.1], [0.01, 0.2, 0.85]]),
}
#: True label probabilities, ``none`` included: terrorist+jihadist is a third of the namings of the
#: opposition, the regime 40% of those of the state.
FULL_TRUTH = {"opposition": np.array([0.7, 0.2, 0.06, 0.04]), "state": np.array([0.75, 0.15, 0.10])}


def misclassified_rows(
    rng: np.random.Generator,
    articles: int,
    sentences: int,
    *,
    concentration: float = 10.0,
    truth: dict[str, np.ndarray] | None = None,
    confusion: dict[str, np.ndarray] | None = None,
    outlet: str = "X",
    model: str = "simulated",
) -> list[ScoredSentence]:
    """An outlet's rows: each article's true labels drawn around ``truth`` (a Dirichlet with ``concentration``
    times it; ``inf``: exactly ``truth``), each sentence's predicted labels from ``confusion``'s column of
    its true label (defaults ``FULL_TRUTH`` and ``CONFUSION``); the probabilities are one-hot."""
    truth, confusion = truth or FULL_TRUTH, confusion or CONFUSION
    rows = []
    for i in range(articles):
        true = {a: rng.choice(len(truth[a]), size=sentences, p=_around(rng, truth[a], concentration)) for a in ACTORS}
        for s in range(sentences):
            labels = {a: LABELS[a][rng.choice(len(truth[a]), p=confusion[a][:, true[a][s]])] for a in ACTORS}
            scores = {a: {label: float(label == labels[a]) for label in LABELS[a]} for a in ACTORS}
            rows.append(
                ScoredSentence(f"{outlet}:{i}", s, outlet=outlet, voice="own", scores=scores, model=model, **labels)
            )
    return rows


def _around(rng: np.random.Generator, truth: np.ndarray, concentration: float) -> np.ndarray:
    return truth if math.isinf(concentration) else rng.dirichlet(np.maximum(truth * concentration, 1e-3))


def gold_counts(
    rng: np.random.Generator,
    n: dict[str, np.ndarray],
    confusion: dict[str, np.ndarray] | None = None,
    exact: bool = False,
) -> dict[str, np.ndarray]:
    """Per actor, the confusion counts (``counts[gold][predicted]``) of ``n[actor][j]`` gold sentences of each
    label: drawn from ``confusion`` (default ``CONFUSION``), or (``exact``) its expected counts rounded."""
    out = {}
    for actor, sizes in n.items():
        columns = (confusion or CONFUSION)[actor].T
        rows = [np.round(k * p) if exact else rng.multinomial(k, p) for k, p in zip(sizes, columns)]
        out[actor] = np.array(rows).astype(np.int64)
    return out
