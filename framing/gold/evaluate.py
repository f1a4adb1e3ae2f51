"""Accuracy against gold labels: per-field macro-F1 with 95% bootstrap intervals
over articles, per-label precision/recall/F1, confusion matrices, and paired
comparisons of two models on the same resamples. The fields and labels are those
of the gold sentences' scheme (``GoldSentence.scheme``)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from framing.classifiers.metrics import macro_f1
from framing.errors import FramingError
from framing.gold.annotations import GoldSentence, gold_scheme

N_BOOT = 2000


def confusion_by_doc(gold: list[GoldSentence], predicted: np.ndarray, field: str) -> np.ndarray:
    """A (docs, k, k) array: per article, counts of (gold label, predicted label)."""
    scheme = gold_scheme(gold)
    labels = scheme.labels[field]
    column = scheme.fields.index(field)
    docs = sorted({g.doc for g in gold})
    index = {d: i for i, d in enumerate(docs)}
    counts = np.zeros((len(docs), len(labels), len(labels)), dtype=np.int64)
    for g, row in zip(gold, predicted):
        counts[index[g.doc], labels.index(g.labels()[column]), labels.index(row[column])] += 1
    return counts


def per_label(confusion: np.ndarray, labels: tuple[str, ...]) -> list[dict]:
    """Precision, recall, F1 and support of each of a field's ``labels`` (the confusion's order)."""
    tp = np.diagonal(confusion).astype(float)
    gold_n, pred_n = confusion.sum(axis=1), confusion.sum(axis=0)
    rows = []
    for i, label in enumerate(labels):
        precision = tp[i] / pred_n[i] if pred_n[i] else 0.0
        recall = tp[i] / gold_n[i] if gold_n[i] else 0.0
        f1 = 2 * tp[i] / (gold_n[i] + pred_n[i]) if gold_n[i] + pred_n[i] else 0.0
        rows.append({"label": label, "precision": precision, "recall": recall, "f1": f1, "support": int(gold_n[i])})
    return rows


@dataclass
class FieldScore:
    field: str
    macro_f1: float
    low: float
    high: float
    labels: list[dict]
    confusion: np.ndarray

    def as_dict(self) -> dict:
        return {
            "macro_f1": self.macro_f1,
            "low": self.low,
            "high": self.high,
            "labels": self.labels,
            "confusion": self.confusion.tolist(),
        }


@dataclass
class Evaluation:
    model: str
    sentences: int
    articles: int
    fields: dict[str, FieldScore]
    mean: tuple[float, float, float]  # mean macro-F1 over the fields, and its interval

    def as_dict(self) -> dict:
        return {
            "model": self.model,
            "sentences": self.sentences,
            "articles": self.articles,
            "mean_macro_f1": {"value": self.mean[0], "low": self.mean[1], "high": self.mean[2]},
            "fields": {f: s.as_dict() for f, s in self.fields.items()},
        }


def bootstrap_picks(n_docs: int, n_boot: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, n_docs, size=(n_boot, n_docs))


def _replicates(gold: list[GoldSentence], predicted: np.ndarray, picks: np.ndarray) -> dict[str, np.ndarray]:
    """Macro-F1 per field on each resample of articles, plus their mean over fields."""
    fields = gold_scheme(gold).fields
    out = {f: macro_f1(confusion_by_doc(gold, predicted, f)[picks].sum(axis=1)) for f in fields}
    out["mean"] = np.mean([out[f] for f in fields], axis=0)
    return out


def evaluate_predictions(
    name: str, gold: list[GoldSentence], predicted: np.ndarray, n_boot: int = N_BOOT, seed: int = 0
) -> Evaluation:
    """Score predicted (n, fields) labels against gold sentences, over the fields of their scheme."""
    if not gold:
        raise FramingError("the gold set is empty; nothing to evaluate")
    scheme = gold_scheme(gold)
    check_shape(predicted, len(gold), scheme.fields)
    docs = sorted({g.doc for g in gold})
    picks = bootstrap_picks(len(docs), n_boot, seed)
    boot = _replicates(gold, predicted, picks)
    fields = {}
    for f in scheme.fields:
        confusion = confusion_by_doc(gold, predicted, f).sum(axis=0)
        low, high = np.percentile(boot[f], [2.5, 97.5])
        labels = per_label(confusion, scheme.labels[f])
        fields[f] = FieldScore(f, float(macro_f1(confusion)), float(low), float(high), labels, confusion)
    mean = float(np.mean([fields[f].macro_f1 for f in scheme.fields]))
    low, high = np.percentile(boot["mean"], [2.5, 97.5])
    return Evaluation(name, len(gold), len(docs), fields, (mean, float(low), float(high)))


def check_shape(predicted: np.ndarray, n: int, fields: tuple[str, ...]) -> None:
    """Predictions must be one row per gold sentence with a column per field of the gold's scheme."""
    shape = np.shape(predicted)
    if shape != (n, len(fields)):
        raise FramingError(
            f"predictions of shape {shape} for {n} gold sentences of {len(fields)} fields ({', '.join(fields)}); "
            "the model and the gold must be of one scheme"
        )


def predict_gold(model, gold: list[GoldSentence]) -> np.ndarray:
    """A loaded model's labels of the gold sentences; a model of another scheme than the gold's is an error."""
    from framing.classifiers.loading import check_scheme
    from framing.gold.annotations import contexts

    check_scheme(getattr(model, "path", "the model"), getattr(model, "scheme", None), gold_scheme(gold))
    return model.classifier.predict([g.text for g in gold], contexts(gold))


def compare_predictions(
    gold: list[GoldSentence], a: np.ndarray, b: np.ndarray, n_boot: int = N_BOOT, seed: int = 0
) -> dict[str, tuple[float, float, float]]:
    """B minus A per field and for the mean: the difference and its paired 95% interval over articles."""
    fields = gold_scheme(gold).fields
    docs = sorted({g.doc for g in gold})
    picks = bootstrap_picks(len(docs), n_boot, seed)
    boot_a, boot_b = _replicates(gold, a, picks), _replicates(gold, b, picks)
    full = np.arange(len(docs))[None, :]
    point_a, point_b = _replicates(gold, a, full), _replicates(gold, b, full)
    result = {}
    for key in (*fields, "mean"):
        diff = boot_b[key] - boot_a[key]
        low, high = np.percentile(diff, [2.5, 97.5])
        result[key] = (float(point_b[key][0] - point_a[key][0]), float(low), float(high))
    return result


def format_evaluation(evaluation: Evaluation) -> str:
    """A plain-text report: macro-F1 per field, per-label scores, confusion matrices."""
    lines = [
        f"model {evaluation.model}: {evaluation.sentences} sentences from {evaluation.articles} articles",
        f"mean macro-F1 {evaluation.mean[0]:.3f} (95% CI {evaluation.mean[1]:.3f}-{evaluation.mean[2]:.3f})",
    ]
    for f, score in evaluation.fields.items():
        lines.append(f"\n{f}: macro-F1 {score.macro_f1:.3f} (95% CI {score.low:.3f}-{score.high:.3f})")
        labels = [r["label"] for r in score.labels]
        w = max(11, max(map(len, labels)) + 2)  # the label column: Syria's labels fit in 11
        lines.append(f"  {'label':<{w}}{'prec':>7}{'rec':>7}{'f1':>7}{'n':>6}")
        for r in score.labels:
            scores = f"{r['precision']:>7.3f}{r['recall']:>7.3f}{r['f1']:>7.3f}{r['support']:>6}"
            lines.append(f"  {r['label']:<{w}}{scores}")
        lines.append("  confusion (rows gold, columns predicted): " + " ".join(labels))
        for label, row in zip(labels, score.confusion):
            lines.append(f"  {label:<{w}}" + "".join(f"{v:>7}" for v in row))
    return "\n".join(lines)
