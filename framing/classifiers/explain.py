"""The model's own evidence, by occlusion: the words a label rests on.

The lexicon's evidence is the terms it matched; a transformer may give a label no term of the word
list supports ("Damascus said", "Assad's forces"). Occlusion asks the model itself: each word of a
sentence is removed in turn and the sentence classified again, with the context the model reads
(headline, previous sentence) unchanged; a word's weight is how much the probability of the label
given to a field falls without it. The words that make it fall by at least ``MIN_DROP``, the ``TOP``
largest first, are the label's evidence (``Evidence`` with ``source="model"`` and its ``drop``).

All the variants of a sentence go through the classifier in one call, with those of other sentences
(about ``BATCH`` texts a call), so the network sees large batches of near-equal length. Any classifier
of the protocol works: the lexicon's one-hot probabilities give drops of 0 or 1.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from framing.classifiers.lexicon import Evidence, quoted_spans
from framing.classifiers.schema import SCHEME, Context, check_context, check_sentences
from framing.errors import FramingError
from framing.progress import progress

#: Words per field and label kept as evidence.
TOP = 3
#: The smallest fall in the label's probability that makes a word evidence (five points): a word whose
#: removal moves the label less is not shown, so that a label no single word carries shows nothing.
MIN_DROP = 0.05
#: Texts (sentences and their variants) per call of the classifier; a sentence's variants stay in one call.
BATCH = 1024
#: A word: letters and digits, joined by apostrophes, hyphens or dots ("rebel-held", "Assad's", "U.S.-backed").
WORD = re.compile(r"\w+(?:['\u2019.-]+\w+)*")


@dataclass(frozen=True)
class Explanation:
    """One sentence: the label explained per field, its probability, and the words it rests on."""

    labels: dict[str, str]
    probabilities: dict[str, float]
    evidence: tuple[Evidence, ...]


def words(sentence: str) -> list[tuple[int, int]]:
    """The ``(start, end)`` offsets of each word of ``sentence``."""
    return [match.span() for match in WORD.finditer(sentence)]


def without(sentence: str, start: int, end: int) -> str:
    """``sentence`` with ``[start, end)`` removed, and one of the spaces around it."""
    left, right = sentence[:start], sentence[end:]
    if not left.strip():
        return left + right.lstrip()
    if left[-1:].isspace() and right[:1].isspace():
        return left + right[1:]
    return left + right


def occlusion(
    classifier,
    sentences: Sequence[str],
    context: Sequence[Context] | None = None,
    *,
    labels: Sequence[Mapping[str, str]] | None = None,
    fields: Sequence[str] | None = None,
    top: int = TOP,
    min_drop: float = MIN_DROP,
    batch: int = BATCH,
) -> list[Explanation]:
    """For each sentence, the words whose removal most lowers the probability of its label in each of
    ``fields`` (default: the actors of the classifier's scheme): at most ``top`` per field, each lowering
    it by ``min_drop`` or more, largest first.

    ``labels``: the label to explain per sentence and field (a scores row's); by default the classifier's
    most probable one. A field labelled ``none`` names nobody and has no evidence. ``context``: one per
    sentence, given unchanged with every variant."""
    check_sentences(sentences)
    check_context(context, len(sentences))
    scheme = getattr(classifier, "scheme", None) or SCHEME
    fields = scheme.actor_fields if fields is None else tuple(fields)
    if unknown := [f for f in fields if f not in scheme.fields]:
        raise FramingError(f"cannot explain field(s) {unknown}; choose among {', '.join(scheme.fields)}")
    if labels is not None and len(labels) != len(sentences):
        raise ValueError(f"labels has {len(labels)} rows for {len(sentences)} sentences")
    if top < 1 or not 0 <= min_drop <= 1:
        raise FramingError(f"--top must be at least 1 and --min-drop within 0-1, not {top} and {min_drop}")
    names = {f: [str(x) for x in classifier.labels_[j]] for j, f in enumerate(scheme.fields)}
    results: list[Explanation] = []
    bar = progress(total=len(sentences), desc="explaining", unit=" sentences")
    for group in _groups(sentences, batch):
        texts, rows, owner = _variants(sentences, group)
        rows_context = [context[i] for i in owner] if context is not None else None
        probabilities = classifier.predict_proba(texts, rows_context)
        for i in group:
            chosen = _chosen(names, probabilities, rows[i][0], labels[i] if labels is not None else None)
            keep = [f for f in fields if chosen[f] != "none"]
            found = _evidence(sentences[i], names, probabilities, rows[i], chosen, keep, top, min_drop)
            chance = {f: _probability(names, probabilities, rows[i][0], f, chosen[f]) for f in keep}
            results.append(Explanation({f: chosen[f] for f in fields}, chance, found))
        bar.update(len(group))
    bar.close()
    return results


def _probability(names: dict, probabilities: list[np.ndarray], row: int, field: str, label: str) -> float:
    """The probability of ``label`` for ``field`` in text ``row``, rounded as a scores file holds it."""
    return round(float(probabilities[list(names).index(field)][row, names[field].index(label)]), 4)


def _groups(sentences: Sequence[str], batch: int) -> Iterator[list[int]]:
    """Sentence indices in groups of about ``batch`` texts (each sentence and its word-less variants)."""
    group, size = [], 0
    for i, sentence in enumerate(sentences):
        group.append(i)
        size += 1 + len(words(sentence))
        if size >= batch:
            yield group
            group, size = [], 0
    if group:
        yield group


def _variants(sentences: Sequence[str], group: list[int]) -> tuple[list[str], dict[int, list[int]], list[int]]:
    """The texts to classify for ``group``: each sentence, then the sentence without each word in turn;
    per sentence its rows among them (the sentence's first), and per text the sentence it comes from."""
    texts, rows, owner = [], {}, []
    for i in group:
        sentence = sentences[i]
        variants = [sentence] + [without(sentence, s, e) for s, e in words(sentence)]
        rows[i] = list(range(len(texts), len(texts) + len(variants)))
        texts += variants
        owner += [i] * len(variants)
    return texts, rows, owner


def _chosen(names: dict, probabilities: list[np.ndarray], row: int, given: Mapping[str, str] | None) -> dict:
    """The label to explain per field: the one given, else the most probable."""
    chosen = {f: names[f][int(probabilities[j][row].argmax())] for j, f in enumerate(names)}
    if given is None:
        return chosen
    for f in names:
        if f in given and given[f] not in names[f]:
            raise FramingError(f"{f}={given[f]!r} is not one of {', '.join(names[f])}")
    return chosen | {f: given[f] for f in names if f in given}


def _evidence(
    sentence: str, names: dict, probabilities: list[np.ndarray], row: list[int], chosen: dict, fields, top, min_drop
) -> tuple[Evidence, ...]:
    """The ``top`` words per field whose removal lowers the chosen label's probability most (``min_drop`` at least)."""
    spans, quoted, found = words(sentence), quoted_spans(sentence), []
    for f in fields:
        p = probabilities[list(names).index(f)][:, names[f].index(chosen[f])]
        drops = p[row[0]] - p[row[1:]]
        for k in np.argsort(-drops, kind="stable")[:top]:
            if drops[k] < min_drop:
                break
            start, end = spans[k]
            inside = any(s <= start and end <= e for s, e in quoted)
            drop = round(float(drops[k]), 4)
            found.append(Evidence(sentence[start:end], start, end, f, chosen[f], inside, True, "model", drop))
    return tuple(found)
