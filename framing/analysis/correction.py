"""Shares corrected for classifier error: error rates stored with a model, and profile shares solved back through them.

``calibrate_shares`` (``framing calibrate-shares``) labels the gold sentences of the dev split with a
model and writes its error rates into the model directory (``error-rates.json``): per domain
(``fa-kes``, ``allsides`` and both ``pooled``) and actor, how many gold sentences of each label the
model gave each label (``counts[gold][predicted]``), and the probabilities it gave them, summed.

A profile with ``estimator="adjusted"`` corrects each unit's counts of predicted namings: each
predicted label's count less the false positives its precision implies (``1 - P(gold none |
predicted i)``), solved back through ``P(predicted i | gold j)`` among the naming labels, which also
undoes labels missed at different rates. Only those parts of the rates are used because only they
carry over from the gold set to whole articles: the gold sentences were chosen for their actor words
(``experiments/annotations/README.md``), so its ``none`` sentences are the hard ones, and the rate at
which the model takes them for namings overstates a whole article's. Solving all sentences, ``none``
included, through the full matrix (``framing.analysis.quantify``'s ``adjusted``) is right on gold-like
samples, but on whole AllSides articles the pooled gold rate of ``none`` taken for jihadist (0.46%)
equals the share of all sentences the transformer labels jihadist, so it took nearly every one for a
false positive (a terrorist+jihadist share of 0 for 6 of 14 outlets), where on gold 86% of them are right.

The adjusted share's interval comes from replicates that resample the unit's articles (the count's
own bootstrap replicates) and redraw the gold sentences behind the rates (each gold label's
predictions multinomially from its counts: a stratified bootstrap), so it carries the uncertainty of
the correction too; it is never narrower on either side than the counted share's interval
(``framing.analysis.stats.share_interval``), which keeps intervals of small units from collapsing.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from framing.analysis.stats import LEVEL
from framing.classifiers.schema import ACTORS, FIELDS, GUIDELINES_VERSION, LABELS
from framing.errors import FramingError
from framing.io import atomic_write
from framing.schemes import default_scheme
from framing.scoring.rows import ScoredSentence, scheme_of

RATES_NAME = "error-rates.json"
#: The gold split the stored rates are measured on; the test split stays for measuring the estimators.
RATES_SPLIT = "dev"
POOLED = "pooled"
RATES_DOMAINS = ("fa-kes", "allsides", POOLED)
#: Choose the rates' domain from the rows' documents (``rates_domain_of``).
AUTO = "auto"
#: The estimators a profile offers (``framing.analysis.quantify`` measures others on gold samples only).
PROFILE_ESTIMATORS = ("count", "adjusted")


@dataclass(frozen=True)
class FieldRates:
    """One actor's error rates in one domain: ``counts[j, i]`` gold sentences of label ``j`` that the model
    labelled ``i``, and ``probabilities[j, i]`` the probability of label ``i`` summed over gold label ``j``'s
    sentences. Labels in ``framing.classifiers.schema.LABELS`` order, ``none`` first."""

    labels: tuple[str, ...]
    counts: np.ndarray
    probabilities: np.ndarray

    @property
    def n(self) -> np.ndarray:
        """Gold sentences per gold label."""
        return self.counts.sum(axis=1)

    def matrix(self, probabilities: bool = False) -> np.ndarray:
        """Column ``j``: the mean predicted distribution of gold label ``j`` (as ``quantify.rates``), from the
        labels or (``probabilities``) the probabilities; the identity column for a label never seen in gold."""
        sums = self.probabilities if probabilities else self.counts
        return column_rates(np.asarray(sums, dtype=np.float64), self.n)

    def redraw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """``size`` confusion-count tables ``(size, k, k)`` of the gold sentences resampled within each gold label
        (each gold label's predictions multinomially from its counts: a stratified bootstrap)."""
        k = len(self.labels)
        draws = np.zeros((size, k, k), dtype=np.int64)
        for j, n in enumerate(self.n.astype(int)):
            if n > 0:
                draws[:, j, :] = rng.multinomial(n, self.counts[j] / n, size=size)
        return draws


def column_rates(sums: np.ndarray, n: np.ndarray) -> np.ndarray:
    """``sums[j] / n[j]`` as column ``j`` of a ``k x k`` matrix; the identity column where ``n[j]`` is 0."""
    matrix = np.eye(len(n))
    seen = n > 0
    matrix[:, seen] = (sums[seen] / n[seen, None]).T
    return matrix


@dataclass(frozen=True)
class DomainRates:
    """The rates one profile corrects with: one domain's, per actor, of the model ``model``."""

    model: str
    domain: str
    fields: dict[str, FieldRates]


@dataclass(frozen=True)
class ErrorRates:
    """A model's error rates on the gold sentences of one split, per domain and actor (``error-rates.json``)."""

    model: str
    split: str
    guidelines: str
    domains: dict[str, dict[str, FieldRates]]
    sentences: dict[str, int]
    articles: dict[str, int]
    model_created: str | None = None

    def domain(self, name: str) -> DomainRates:
        """The rates of one domain (``fa-kes``, ``allsides`` or ``pooled``)."""
        if name not in self.domains:
            raise FramingError(f"--rates-domain must be one of {', '.join(self.domains)} or {AUTO}, not {name!r}")
        if not self.sentences.get(name):
            raise FramingError(
                f"the error rates of {self.model} hold no gold sentences of {name}; choose another domain"
            )
        return DomainRates(self.model, name, self.domains[name])

    def as_dict(self) -> dict:
        return {
            "model": self.model,
            "model_created": self.model_created,
            "split": self.split,
            "guidelines": self.guidelines,
            "layout": "counts[gold][predicted]: gold sentences of a label given each label; "
            "probability_sums[gold][label]: probabilities summed over a gold label's sentences",
            "domains": {name: self._domain_dict(name) for name in self.domains},
        }

    def _domain_dict(self, name: str) -> dict:
        fields = {
            actor: {
                "labels": list(rates.labels),
                "n": rates.n.astype(int).tolist(),
                "counts": rates.counts.astype(int).tolist(),
                "probability_sums": np.round(rates.probabilities, 4).tolist(),
            }
            for actor, rates in self.domains[name].items()
        }
        return {"sentences": self.sentences[name], "articles": self.articles[name]} | fields

    @classmethod
    def from_dict(cls, data: dict, where: str) -> ErrorRates:
        """Rates read back from ``as_dict``; anything else is a one-line error naming ``where``."""
        try:
            domains = {name: _fields(value, f"{where}: {name}") for name, value in data["domains"].items()}
            return cls(
                str(data["model"]),
                str(data["split"]),
                str(data["guidelines"]),
                domains,
                {name: int(value["sentences"]) for name, value in data["domains"].items()},
                {name: int(value["articles"]) for name, value in data["domains"].items()},
                data.get("model_created"),
            )
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise FramingError(
                f"{where}: not an error-rates file ({error!r}); make it again with {_remedy()}"
            ) from None


def _fields(value: dict, where: str) -> dict[str, FieldRates]:
    fields = {}
    for actor in ACTORS:
        entry = value[actor]
        labels, k = tuple(entry["labels"]), len(LABELS[actor])
        counts = np.array(entry["counts"], dtype=np.int64)
        probabilities = np.array(entry["probability_sums"], dtype=np.float64)
        if labels != LABELS[actor] or counts.shape != (k, k) or probabilities.shape != (k, k) or (counts < 0).any():
            raise ValueError(f"{where} {actor}: labels {list(labels)} or a {k}x{k} table is not as the schema says")
        fields[actor] = FieldRates(labels, counts, probabilities)
    return fields


def _remedy(model_dir: Path | str = "DIR") -> str:
    return f"`framing calibrate-shares --model {model_dir}`"


def tally(gold: np.ndarray, probabilities: np.ndarray, labels: tuple[str, ...]) -> FieldRates:
    """One actor's rates from gold label indices and the model's ``(n, k)`` probabilities (labels: their argmax)."""
    k = len(labels)
    counts = np.zeros((k, k), dtype=np.int64)
    np.add.at(counts, (gold, probabilities.argmax(axis=1)), 1)
    sums = np.zeros((k, k))
    np.add.at(sums, gold, probabilities)
    return FieldRates(labels, counts, sums)


def tally_rates(model: str, gold: list, probabilities: list[np.ndarray], split: str, **meta) -> ErrorRates:
    """Error rates of gold sentences (``framing.gold.annotations.GoldSentence``) that a model gave
    ``probabilities`` (one ``(n, k)`` array per field of ``FIELDS``, as ``predict_proba`` returns)."""
    from framing.gold.annotations import DOMAINS, domain_of

    members = {d: [i for i, g in enumerate(gold) if domain_of(g.doc) == d] for d in DOMAINS}
    members[POOLED] = list(range(len(gold)))
    domains, sentences, articles = {}, {}, {}
    for name, index in members.items():
        domains[name] = {}
        for actor in ACTORS:
            labels, column = LABELS[actor], FIELDS.index(actor)
            truth = np.array([labels.index(gold[i].labels()[column]) for i in index], dtype=np.int64)
            scores = np.asarray(probabilities[column], dtype=np.float64)[index].reshape(len(index), len(labels))
            domains[name][actor] = tally(truth, scores, labels)
        sentences[name], articles[name] = len(index), len({gold[i].doc for i in index})
    return ErrorRates(model, split, GUIDELINES_VERSION, domains, sentences, articles, **meta)


def measure_error_rates(model, gold: list, split: str = RATES_SPLIT) -> ErrorRates:
    """Label the gold sentences with a ``framing.classifiers.loading.LoadedModel`` and tally its error rates."""
    from framing.gold.annotations import contexts

    if not gold:
        raise FramingError(f"no gold sentences in the {split} split to measure error rates on")
    probabilities = model.classifier.predict_proba([g.text for g in gold], contexts(gold))
    return tally_rates(model.name, gold, probabilities, split, model_created=model.meta.get("created"))


def write_error_rates(rates: ErrorRates, model_dir: Path) -> Path:
    """``error-rates.json`` in the model directory; returns its path."""
    path = Path(model_dir) / RATES_NAME
    text = json.dumps(rates.as_dict(), indent=1)
    flat = re.sub(
        r"\[[\w\".,\s-]*\]", lambda m: " ".join(m.group(0).split()).replace("[ ", "[").replace(" ]", "]"), text
    )
    with atomic_write(path) as handle:
        handle.write(flat + "\n")
    return path


def calibrate_shares(model_dir: Path | None = None, data_root: Path | None = None) -> tuple[ErrorRates, Path]:
    """Measure a model's error rates on the dev split of the project's gold set and store them with the model.

    ``model_dir`` defaults to the best shipped model, ``data_root`` to the shared data. Only dev
    gold is read; the test split stays for measuring the estimators (``experiments/quantification.py``).
    """
    from framing.classifiers.loading import load_model
    from framing.gold.annotations import load_annotations, split_gold
    from framing.resources import default_data_root

    model = load_model(model_dir)
    gold = split_gold(load_annotations(data_root or default_data_root()), RATES_SPLIT)
    rates = measure_error_rates(model, gold)
    return rates, write_error_rates(rates, model.path)


def read_error_rates(model_dir: Path) -> ErrorRates:
    """The error rates stored in a model directory, checked against the directory's ``meta.json``."""
    model_dir = Path(model_dir)
    path = model_dir / RATES_NAME
    if not path.is_file():
        raise FramingError(f"{model_dir}: no {RATES_NAME}; make it with {_remedy(model_dir)}")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise FramingError(f"{path}: not valid JSON ({error}); make it again with {_remedy(model_dir)}") from None
    if not isinstance(data, dict):
        raise FramingError(f"{path}: not an error-rates file; make it again with {_remedy(model_dir)}")
    rates = ErrorRates.from_dict(data, str(path))
    created = _created(model_dir / "meta.json")
    if created and rates.model_created and created != rates.model_created:
        raise FramingError(
            f"{path}: measured on an earlier training of the model; make it again with {_remedy(model_dir)}"
        )
    return rates


def _created(meta: Path) -> str | None:
    """When the model was trained, from its ``meta.json`` (None where that cannot be read)."""
    try:
        data = json.loads(meta.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    return data.get("created") if isinstance(data, dict) else None


def rates_for_rows(rows: list[ScoredSentence], model_dir: Path | None = None, domain: str = AUTO) -> DomainRates:
    """The stored rates of the model that labelled ``rows`` (a shipped model found by the name in the rows,
    or ``model_dir``), of one domain (``auto``: ``rates_domain_of(rows)``)."""
    from framing.classifiers.loading import MODELS_DIR

    check_rates_scheme(rows)
    names = sorted({r.model for r in rows} - {""})
    if model_dir is None:
        if len(names) != 1:
            found = ", ".join(names) or "none"
            raise FramingError(f"the rows name {len(names)} models ({found}); give the model directory with --model")
        model_dir = MODELS_DIR / names[0]
        if not re.fullmatch(r"\w[\w.-]*", names[0]) or not model_dir.is_dir():  # a name from a file: no path out
            raise FramingError(
                f"the rows were labelled by {names[0]!r}, not a shipped model; give its directory with --model"
            )
    rates = read_error_rates(model_dir)
    check_model(rows, rates.model)
    return rates.domain(rates_domain_of(rows) if domain == AUTO else domain)


def rates_domain_of(rows: list[ScoredSentence]) -> str:
    """``allsides`` for rows all of the AllSides corpus, ``fa-kes`` for rows all of FA-KES or the seeds (by
    their doc ids), ``pooled`` for any other corpus or a mix. With the lexicon, the rates of the corpus's own
    domain halve the test error of counting, where pooled rates barely change it (README)."""
    corpora = {r.doc.partition(":")[0] for r in rows}
    if corpora == {"allsides"}:
        return "allsides"
    return "fa-kes" if corpora and corpora <= {"fa-kes", "seeds"} else POOLED


def check_rates_scheme(rows: list[ScoredSentence]) -> None:
    """Error rates are measured on the gold sentences of the default (Syrian) scheme only: rows of another
    scheme are refused, with a one-line reason."""
    scheme = scheme_of(rows)
    if not scheme.same_as(default_scheme()):
        raise FramingError(
            f"error rates are measured for models of the {default_scheme().name} scheme only, "
            f"and these rows are of scheme {scheme.name}"
        )


def check_model(rows: list[ScoredSentence], model: str) -> None:
    """Rows labelled by another model than the one whose rates correct them are refused."""
    others = sorted({r.model for r in rows} - {"", model})
    if others:
        raise FramingError(f"the error rates are of model {model!r}, but rows were labelled by {', '.join(others)}")


def check_estimator(estimator: str, voice: str, by, rates: DomainRates | None, rows: list[ScoredSentence]) -> None:
    """``adjusted`` needs the rates of the rows' model, and all voices (the rates are measured on all)."""
    if estimator not in PROFILE_ESTIMATORS:
        raise FramingError(f"--estimator must be one of {', '.join(PROFILE_ESTIMATORS)}, not {estimator!r}")
    if estimator == "count":
        return
    if voice != "all" or by == "voice":
        raise FramingError(
            f"--estimator {estimator} corrects with error rates measured on sentences of every voice, not on those "
            "whose predicted voice --voice or --by voice selects; use --voice all or --estimator count"
        )
    check_rates_scheme(rows)
    if rates is None:
        raise FramingError(
            f"--estimator adjusted needs the model's error rates ({RATES_NAME}); make them with {_remedy()}"
        )
    check_model(rows, rates.model)


def naming_system(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """From confusion counts ``(..., k, k)`` (gold rows, predicted columns, ``none`` first): among the naming
    labels, ``matrix[..., i, j] = P(predicted i | gold j)`` (the identity column for a label never seen in gold),
    and each naming label's precision ``1 - P(gold none | predicted i)`` (1 for a label never predicted)."""
    counts = np.asarray(counts, dtype=np.float64)
    n = counts[..., 1:, :].sum(axis=-1)
    seen = n > 0
    given_gold = np.where(
        seen[..., None], counts[..., 1:, 1:] / np.where(seen, n, 1)[..., None], np.eye(counts.shape[-1] - 1)
    )
    predicted = counts[..., :, 1:].sum(axis=-2)
    precision = np.where(predicted > 0, 1 - counts[..., 0, 1:] / np.where(predicted > 0, predicted, 1), 1.0)
    return np.swapaxes(given_gold, -1, -2), precision


def solve_many(observed: np.ndarray, matrices: np.ndarray) -> np.ndarray:
    """Per row ``b``, the nonnegative ``x`` with ``matrices[b] @ x`` closest to ``observed[b]`` (the exact solution
    where it is nonnegative, else nonnegative least squares), scaled to sum to 1; NaN where it is all zero."""
    from scipy.optimize import nnls

    x = np.full(observed.shape, np.nan)
    regular = np.abs(np.linalg.det(matrices)) > 1e-12
    if regular.any():
        x[regular] = np.linalg.solve(matrices[regular], observed[regular][..., None])[..., 0]
    for b in np.flatnonzero(~(x >= -1e-12).all(axis=1)):  # negative, or singular (NaN)
        x[b] = nnls(matrices[b], observed[b])[0]
    x = np.clip(x, 0.0, None)
    total = x.sum(axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(total > 0, x / total, np.nan)


def adjusted_distribution(naming: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """The distribution over the naming labels of the sentences that truly name the actor, from the predicted
    naming counts ``(..., k-1)`` and confusion counts ``(..., k, k)``: the predicted counts less the false
    positives their precision implies, solved back through ``P(predicted i | gold j)`` among naming labels."""
    matrix, precision = naming_system(counts)
    observed = np.asarray(naming, dtype=np.float64) * precision
    batch = observed.reshape(-1, observed.shape[-1])
    return solve_many(batch, np.broadcast_to(matrix, (len(batch), *matrix.shape[-2:]))).reshape(observed.shape)


def corrected_rows(
    counted: list,
    matrix: np.ndarray,
    picks: np.ndarray | None,
    parts: dict[str, tuple[str, ...]],
    *,
    rates: FieldRates,
    rng: np.random.Generator,
) -> list:
    """The ``ProfileRow``s of one unit (group, actor), counted, with adjusted shares instead.

    ``matrix`` holds the unit's articles' predicted naming counts (articles x naming labels) and ``picks``
    the count's bootstrap replicates of them (None for a unit below the minimum, which gets the adjusted
    share without an interval); ``parts`` maps each row's label to the labels it sums. Each replicate also
    redraws the gold sentences behind ``rates``. Where the correction leaves nothing, the counted share stays.
    """
    labels = LABELS[counted[0].actor][1:]
    point = adjusted_distribution(matrix.sum(axis=0), rates.counts)
    boot = None
    if picks is not None:
        naming = np.stack([matrix[:, c][picks].sum(axis=1) for c in range(len(labels))], axis=1)
        boot = adjusted_distribution(naming, rates.redraw(rng, len(picks)))
    result = []
    for row in counted:
        index = [labels.index(p) for p in parts[row.label]]
        share = float(point[index].sum())
        share = row.share if math.isnan(share) else share
        low = high = math.nan
        if boot is not None:
            low, high = _widened(boot[:, index].sum(axis=1), share, row)
        result.append(replace(row, share=share, low=low, high=high, estimator="adjusted"))
    return result


def _widened(boot: np.ndarray, share: float, counted) -> tuple[float, float]:
    """The percentile interval of the replicates, its distances from ``share`` scaled up for the few articles
    (``small_sample_factor``), and at least as far from ``share`` on each side as the counted row's interval
    is from its share."""
    boot = boot[~np.isnan(boot)]
    low, high = np.percentile(boot, [2.5, 97.5]) if len(boot) else (share, share)
    factor = small_sample_factor(counted.articles)
    low = min(share - factor * (share - float(low)), share - (counted.share - counted.low))
    high = max(share + factor * (float(high) - share), share + (counted.high - counted.share))
    return max(low, 0.0), min(high, 1.0)


def small_sample_factor(articles: int) -> float:
    """``t_{n-1} / z * sqrt(n / (n - 1))`` for ``n`` articles: the bootstrap's spread is that of a variance
    divided by ``n`` instead of ``n - 1``, and a t quantile, not a normal one, fits so few articles (1.58 for
    5 articles, 1.10 for 20, 1.02 for 100). Without it the adjusted intervals held the true share in 93.6% of
    3,581 simulated shares, with it in 95.6%, and in 91.9% and 95.3% of those of 5 to 9 articles
    (``experiments/correction_coverage.py --units 2000``, with and without ``--no-factor``)."""
    from scipy.stats import norm, t

    n = max(articles, 2)
    level = 0.5 + LEVEL / 2
    return float(t.ppf(level, n - 1) / norm.ppf(level) * np.sqrt(n / (n - 1)))
