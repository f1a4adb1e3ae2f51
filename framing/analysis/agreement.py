"""Lexicon versus transformer: how often two scores of the same corpus agree, and where they do not."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

from sklearn.metrics import cohen_kappa_score

from framing.errors import FramingError
from framing.io import atomic_write
from framing.schemes import Scheme, default_scheme
from framing.scoring.rows import UNKNOWN, ScoredSentence, scheme_of

Pair = tuple[ScoredSentence, ScoredSentence]

#: The outlet name of the rows that pool every outlet.
ALL = "all"
COLUMNS = ["outlet", "field", "sentences", "agreement", "kappa", "model_a", "model_b"]


@dataclass(frozen=True)
class AgreementRow:
    outlet: str
    field: str
    sentences: int
    agreement: float
    kappa: float


@dataclass(frozen=True)
class Agreement:
    """Agreement per outlet and field (outlet ``all`` pools them); ``only_a``/``only_b``: unmatched sentences."""

    model_a: str
    model_b: str
    rows: list[AgreementRow]
    only_a: int
    only_b: int


def _keyed(rows: list[ScoredSentence], which: str) -> dict[tuple[str, int], ScoredSentence]:
    keyed = {}
    for row in rows:
        key = (row.doc, row.sentence)
        if key in keyed:
            raise FramingError(f"scores {which} hold sentence {key[1]} of {key[0]} twice")
        keyed[key] = row
    return keyed


def _join(rows_a: list[ScoredSentence], rows_b: list[ScoredSentence]) -> tuple[list[Pair], int, int]:
    """Pairs of rows for the sentences both scores hold, by outlet, doc and sentence; and the unmatched counts.
    Both scores must be of one scheme."""
    scheme_of(list(rows_a) + list(rows_b))
    a, b = _keyed(rows_a, "a"), _keyed(rows_b, "b")
    shared = a.keys() & b.keys()
    if not shared:
        raise FramingError("the two scores share no (doc, sentence); score the same corpus with both models")
    for key in sorted(shared):
        if a[key].text != b[key].text:
            raise FramingError(
                f"sentence {key[1]} of {key[0]} differs between the scores; were they split the same way?"
            )
    pairs = sorted(((a[k], b[k]) for k in shared), key=lambda p: (p[0].outlet_name, p[0].doc, p[0].sentence))
    return pairs, len(a) - len(shared), len(b) - len(shared)


def _model(rows: list[ScoredSentence]) -> str:
    return "+".join(sorted({r.model or UNKNOWN for r in rows}))


def kappa(labels_a: list[str], labels_b: list[str], field: str, scheme: Scheme | None = None) -> float:
    """Cohen's kappa over the labels of ``field`` in ``scheme`` (default: the default scheme); 1.0 when both
    sides give one and the same label throughout (chance agreement is then 1)."""
    if len(set(labels_a) | set(labels_b)) == 1:
        return 1.0
    return float(cohen_kappa_score(labels_a, labels_b, labels=list((scheme or default_scheme()).labels[field])))


def _rows(outlet: str, pairs: list[Pair]) -> list[AgreementRow]:
    result = []
    scheme = pairs[0][0].scheme
    for field in scheme.fields:
        labels_a, labels_b = [a.label(field) for a, _ in pairs], [b.label(field) for _, b in pairs]
        agree = sum(x == y for x, y in zip(labels_a, labels_b)) / len(pairs)
        result.append(AgreementRow(outlet, field, len(pairs), agree, kappa(labels_a, labels_b, field, scheme)))
    return result


def agreement(rows_a: list[ScoredSentence], rows_b: list[ScoredSentence]) -> Agreement:
    """Per outlet and field, and over all outlets: sentences, share agreeing and Cohen's kappa."""
    pairs, only_a, only_b = _join(rows_a, rows_b)
    outlets: dict[str, list[Pair]] = {}
    for pair in pairs:
        outlets.setdefault(pair[0].outlet_name, []).append(pair)
    rows = [row for outlet, group in outlets.items() for row in _rows(outlet, group)]
    return Agreement(_model(rows_a), _model(rows_b), rows + _rows(ALL, pairs), only_a, only_b)


def disagreements(rows_a: list[ScoredSentence], rows_b: list[ScoredSentence], limit: int | None = None) -> list[dict]:
    """Sentences where the two scores differ in any field, by outlet, doc and sentence (the first ``limit``)."""
    if limit is not None and limit < 0:
        raise FramingError(f"limit must be at least 0, not {limit}")
    result = []
    for a, b in _join(rows_a, rows_b)[0]:
        fields = a.scheme.fields
        differs = [f for f in fields if a.label(f) != b.label(f)]
        if not differs:
            continue
        row = {"doc": a.doc, "sentence": a.sentence, "outlet": a.outlet_name, "text": a.text}
        row |= {"model_a": a.model, "model_b": b.model, "differs": differs}
        row |= {f"{f}_{side}": r.label(f) for f in fields for side, r in (("a", a), ("b", b))}
        result.append(row | {"evidence_a": a.evidence, "evidence_b": b.evidence})
    return result if limit is None else result[:limit]


def write_agreement(agreement: Agreement, out_dir: Path) -> Path:
    """Write agreement.csv to ``out_dir``; returns its path."""
    path = Path(out_dir) / "agreement.csv"
    with atomic_write(path) as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for r in agreement.rows:
            row = [r.outlet, r.field, r.sentences, f"{r.agreement:.4f}", f"{r.kappa:.4f}"]
            writer.writerow(row + [agreement.model_a, agreement.model_b])
    return path


def write_disagreements(rows: list[dict], path: Path) -> None:
    """Write disagreements as JSON Lines."""
    with atomic_write(Path(path)) as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
