"""Score articles or sentences into JSON Lines rows, one row per sentence.

Work streams in chunks: articles are read, split and classified a chunk of
sentences at a time, and rows go to a temporary file that replaces the output
only when everything has been written.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from tqdm import tqdm

from framing.corpus import Article, Fields, read_path
from framing.errors import DocumentError, FramingError
from framing.io import atomic_write, read_jsonl
from framing.models import LoadedModel, load_model
from framing.schema import FIELDS
from framing.sentences import Sentence, split

CHUNK = 512


@dataclass
class ScoreReport:
    """What a scoring run did: counts, and the documents that failed."""

    articles: int = 0
    sentences: int = 0
    failures: list[str] = field(default_factory=list)


def progress(iterable: Iterable, **kwargs) -> tqdm:
    """A progress bar on stderr, quiet in CI and when stderr is not a terminal."""
    quiet = bool(os.environ.get("CI")) or not sys.stderr.isatty()
    return tqdm(iterable, disable=quiet, file=sys.stderr, **kwargs)


def label_rows(model: LoadedModel, sentences: list[tuple[Article, Sentence]]) -> list[dict]:
    """Classify a chunk of sentences; labels are the most probable in ``labels_`` order."""
    texts = [s.text for _, s in sentences]
    classifier = model.classifier
    if hasattr(classifier, "explain"):  # the lexicon: decide once, for both labels and evidence
        explanations = classifier.explain(texts)
        probabilities = classifier.proba_of(explanations)
    else:
        explanations = [None] * len(texts)
        probabilities = classifier.predict_proba(texts)
    rows = []
    for i, (article, sentence) in enumerate(sentences):
        scores = {
            f: {str(label): round(float(p), 4) for label, p in zip(classifier.labels_[j], probabilities[j][i])}
            for j, f in enumerate(FIELDS)
        }
        labels = {f: str(classifier.labels_[j][int(np.argmax(probabilities[j][i]))]) for j, f in enumerate(FIELDS)}
        evidence = [e.as_dict() for e in explanations[i].evidence] if explanations[i] is not None else []
        rows.append(
            {
                "doc": article.doc if article.corpus != "sentences" else article.id,
                "sentence": sentence.index,
                "start": sentence.start,
                "end": sentence.end,
                "text": sentence.text,
                "outlet": article.outlet,
                "date": article.date,
                **labels,
                "scores": scores,
                "evidence": evidence,
                "model": model.name,
            }
        )
    return rows


def sentence_articles(path: Path) -> Iterator[Article | DocumentError]:
    """``--sentences`` input: JSON Lines rows with ``id`` and ``text`` (and optional ``outlet``)."""
    for number, row in enumerate(read_jsonl(path), start=1):
        if not isinstance(row.get("text"), str) or "id" not in row:
            yield DocumentError(f"{path} line {number}: a sentence row needs 'id' and 'text'")
            continue
        yield Article("sentences", str(row["id"]), row["text"], row.get("outlet"), row.get("date"))


def sentences_of(article: Article, whole: bool) -> list[Sentence]:
    if whole:
        return [Sentence(article.id, 0, 0, len(article.text), article.text)]
    return split(article.doc, article.text)


def score_rows(
    articles: Iterable[Article | DocumentError], model: LoadedModel, report: ScoreReport, whole: bool = False
) -> Iterator[dict]:
    """Rows for every sentence of every article, classified a chunk at a time."""
    chunk: list[tuple[Article, Sentence]] = []
    for item in articles:
        if isinstance(item, DocumentError):
            report.failures.append(str(item))
            continue
        report.articles += 1
        chunk += [(item, s) for s in sentences_of(item, whole)]
        if len(chunk) >= CHUNK:
            yield from label_rows(model, chunk)
            report.sentences += len(chunk)
            chunk = []
    if chunk:
        yield from label_rows(model, chunk)
        report.sentences += len(chunk)


def score(
    inputs: list[Path],
    out: Path,
    model_path: Path | None = None,
    sentences: bool = False,
    fields: Fields | None = None,
    label: str = "scoring",
) -> ScoreReport:
    """Score every input file or directory into ``out`` (JSON Lines)."""
    model = load_model(model_path)
    for path in inputs:
        if not Path(path).exists():
            raise FramingError(f"{path}: no such file or directory")
    report = ScoreReport()

    def articles() -> Iterator[Article | DocumentError]:
        for path in inputs:
            yield from (sentence_articles(path) if sentences else read_path(Path(path), fields))

    with atomic_write(out) as handle:
        for row in score_rows(progress(articles(), desc=label, unit=" docs"), model, report, whole=sentences):
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
        if report.articles == 0 and report.failures:
            raise DocumentError("nothing could be scored:\n" + "\n".join(report.failures))
        if report.articles == 0:
            raise FramingError(f"{', '.join(map(str, inputs))}: no documents to score")
    return report
