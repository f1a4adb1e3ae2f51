"""Shares corrected for classifier error: error rates stored with a model, and profile shares solved back through them.

``calibrate_shares`` (``framing calibrate-shares``) labels the gold sentences of the dev split with a
model and writes its error rates into the model directory (``error-rates.json``): per domain
(``fa-kes``, ``allsides`` and both ``pooled``) and actor, how many gold sentences of each label the
model gave each label (``counts[gold][predicted]``), and the probabilities it gave them, summed.

A profile with ``estimator="adjusted"`` estimates each unit's label distribution over all its
sentences (``none`` included) by solving its predicted-label distribution back through those rates
(adjusted classify and count, ``framing.analysis.quantify``); ``probability`` averages the predicted
probabilities instead. A share is then ``pi[label] / (1 - pi[none])``. Its interval comes from
replicates that resample the unit's articles and, for ``adjusted``, the gold sentences the rates were
measured on (each gold label's sentences multinomially from its counts: a stratified bootstrap), so
it carries the uncertainty of the correction too; it is never narrower on either side than the
counted share's interval (``framing.analysis.stats.share_interval``), which keeps intervals of small
units from collapsing.
"""

from __future__ import annotations

import json
import math
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from framing.analysis.quantify import solve
from framing.classifiers.schema import ACTORS, FIELDS, GUIDELINES_VERSION, LABELS
from framing.errors import FramingError
from framing.io import atomic_write
from framing.scoring.rows import ScoredSentence

RATES_NAME = "error-rates.json"
#: The gold split the stored rates are measured on; the test split stays for measuring the estimators.
RATES_SPLIT = "dev"
POOLED = "pooled"
RATES_DOMAINS = ("fa-kes", "allsides", POOLED)
#: The estimators a profile offers (``framing.analysis.quantify`` measures one more, adjusted-probability).
PROFILE_ESTIMATORS = ("count", "probability", "adjusted")
#: Replicates drawn at once, so that a unit of many articles needs little memory.
CHUNK = 256


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
        """``size`` confusion-rate matrices, each from the gold sentences resampled within each gold label."""
        k = len(self.labels)
        draws = np.empty((size, k, k))
        for j, n in enumerate(self.n.astype(int)):
            if n == 0:
                draws[:, :, j] = np.eye(k)[j]
            else:
                draws[:, :, j] = rng.multinomial(n, self.counts[j] / n, size=size) / n
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
            raise FramingError(f"--rates-domain must be one of {', '.join(self.domains)}, not {name!r}")
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
    meta = model_dir / "meta.json"
    created = json.loads(meta.read_text(encoding="utf-8")).get("created") if meta.is_file() else None
    if created and rates.model_created and created != rates.model_created:
        raise FramingError(
            f"{path}: measured on an earlier training of the model; make it again with {_remedy(model_dir)}"
        )
    return rates


def rates_for_rows(rows: list[ScoredSentence], model_dir: Path | None = None, domain: str = POOLED) -> DomainRates:
    """The stored rates of the model that labelled ``rows`` (a shipped model found by the name in the rows,
    or ``model_dir``), of one domain."""
    from framing.classifiers.loading import MODELS_DIR

    names = sorted({r.model for r in rows} - {""})
    if model_dir is None:
        if len(names) != 1:
            found = ", ".join(names) or "none"
            raise FramingError(f"the rows name {len(names)} models ({found}); give the model directory with --model")
        model_dir = MODELS_DIR / names[0]
        if not model_dir.is_dir():
            raise FramingError(
                f"the rows were labelled by {names[0]!r}, not a shipped model; give its directory with --model"
            )
    rates = read_error_rates(model_dir)
    check_model(rows, rates.model)
    return rates.domain(domain)


def check_model(rows: list[ScoredSentence], model: str) -> None:
    """Rows labelled by another model than the one whose rates correct them are refused."""
    others = sorted({r.model for r in rows} - {"", model})
    if others:
        raise FramingError(f"the error rates are of model {model!r}, but rows were labelled by {', '.join(others)}")


def check_estimator(estimator: str, voice: str, by, rates: DomainRates | None, rows: list[ScoredSentence]) -> None:
    """The corrected estimators work on all of a unit's sentences, ``adjusted`` with the rates of the rows' model."""
    if estimator not in PROFILE_ESTIMATORS:
        raise FramingError(f"--estimator must be one of {', '.join(PROFILE_ESTIMATORS)}, not {estimator!r}")
    if estimator == "count":
        return
    if voice != "all" or by == "voice":
        raise FramingError(
            f"--estimator {estimator} estimates shares over all of a unit's sentences, and the error rates do not "
            "cover the predicted voice that --voice and --by voice select by; use --voice all or --estimator count"
        )
    if estimator == "adjusted" and rates is None:
        raise FramingError(
            f"--estimator adjusted needs the model's error rates ({RATES_NAME}); make them with {_remedy()}"
        )
    if estimator == "adjusted":
        check_model(rows, rates.model)


def unit_totals(
    rows: list[ScoredSentence], group_of: Callable[[ScoredSentence], str], actor: str, estimator: str
) -> dict[str, np.ndarray]:
    """Per group, one row per article over all its sentences: predicted labels counted (``adjusted``) or
    probabilities summed (``probability``), in ``LABELS[actor]`` order, ``none`` included."""
    labels = LABELS[actor]
    docs: dict[str, dict[str, int]] = defaultdict(dict)
    entries: dict[str, tuple[list, list]] = defaultdict(lambda: ([], []))
    for row in rows:
        group = group_of(row)
        index, values = entries[group]
        index.append(docs[group].setdefault(row.doc, len(docs[group])))
        values.append(
            _probabilities(row, actor, labels) if estimator == "probability" else labels.index(row.label(actor))
        )
    totals = {}
    for group, (index, values) in entries.items():
        total = np.zeros((len(docs[group]), len(labels)))
        if estimator == "probability":
            np.add.at(total, np.array(index), np.array(values, dtype=np.float64))
        else:
            np.add.at(total, (np.array(index), np.array(values)), 1.0)
        totals[group] = total
    return totals


def _probabilities(row: ScoredSentence, actor: str, labels: tuple[str, ...]) -> list[float]:
    try:
        return [float(row.scores[actor][label]) for label in labels]
    except (KeyError, TypeError):
        raise FramingError(
            f"{row.doc}: the row has no {actor} probabilities (scores); --estimator probability needs rows "
            "from `framing score`, or use --estimator count or adjusted"
        ) from None


def solve_many(observed: np.ndarray, matrices: np.ndarray) -> np.ndarray:
    """``quantify.solve`` of each row of ``observed`` through its matrix: the exact solution where it is a
    distribution (then it is also the least-squares one), nonnegative least squares elsewhere."""
    pi = np.full(observed.shape, np.nan)
    regular = np.abs(np.linalg.det(matrices)) > 1e-9
    if regular.any():
        pi[regular] = np.linalg.solve(matrices[regular], observed[regular][..., None])[..., 0]
    for b in np.flatnonzero(~regular | ~(pi >= -1e-12).all(axis=1)):
        pi[b] = solve(observed[b], matrices[b])
    pi = np.clip(pi, 0.0, None)
    return pi / pi.sum(axis=1, keepdims=True)


def shares(pi: np.ndarray, labels: tuple[str, ...], parts: tuple[str, ...]) -> np.ndarray:
    """``sum(pi[parts]) / (1 - pi[none])`` along the last axis; NaN where nothing names the actor."""
    naming = 1 - pi[..., labels.index("none")]
    part = pi[..., [labels.index(p) for p in parts]].sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(naming > 1e-9, part / naming, np.nan)


def replicates(totals: np.ndarray, rng: np.random.Generator, n_boot: int, rates: FieldRates | None) -> np.ndarray:
    """``(n_boot, k)`` distributions from the unit's articles resampled and, given ``rates``, the rates redrawn."""
    n = len(totals)
    out = []
    for start in range(0, n_boot, CHUNK):
        size = min(CHUNK, n_boot - start)
        observed = rng.multinomial(n, np.full(n, 1 / n), size=size) @ totals
        observed /= observed.sum(axis=1, keepdims=True)
        out.append(solve_many(observed, rates.redraw(rng, size)) if rates is not None else observed)
    return np.concatenate(out)


def corrected_rows(
    counted: list,
    totals: np.ndarray,
    parts: dict[str, tuple[str, ...]],
    *,
    estimator: str,
    rates: FieldRates | None,
    rng: np.random.Generator,
    n_boot: int,
) -> list:
    """The ``ProfileRow``s of one unit (group, actor), counted, with shares from ``estimator`` instead.

    ``totals`` is the unit's ``unit_totals``; ``parts`` maps each row's label to the labels it sums. A
    unit below the minimum (``enough`` false) gets the corrected share without an interval; where the
    correction leaves no sentence naming the actor, the counted share is kept.
    """
    labels = LABELS[counted[0].actor]
    matrix = rates.matrix() if estimator == "adjusted" else None
    total = totals.sum(axis=0) / totals.sum()
    point = solve(total, matrix) if matrix is not None else total
    boot = replicates(totals, rng, n_boot, rates if matrix is not None else None) if counted[0].enough else None
    result = []
    for row in counted:
        share = float(shares(point, labels, parts[row.label]))
        share = row.share if math.isnan(share) else share
        low = high = math.nan
        if boot is not None:
            low, high = _widened(shares(boot, labels, parts[row.label]), share, row)
        result.append(replace(row, share=share, low=low, high=high, estimator=estimator))
    return result


def _widened(boot: np.ndarray, share: float, counted) -> tuple[float, float]:
    """The percentile interval of the replicates, at least as far from ``share`` on each side as the
    counted row's interval is from its share."""
    boot = boot[~np.isnan(boot)]
    low, high = np.percentile(boot, [2.5, 97.5]) if len(boot) else (share, share)
    low = min(float(low), share - (counted.share - counted.low))
    high = max(float(high), share + (counted.high - counted.share))
    return max(low, 0.0), min(high, 1.0)
