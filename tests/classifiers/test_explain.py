"""Occlusion: the words a label rests on, with offsets into the sentence, found in batched calls."""

import re

import numpy as np
import pytest

from framing.classifiers.explain import occlusion, without, words
from framing.classifiers.lexicon import LexiconClassifier
from framing.classifiers.schema import FIELDS, LABELS, Context
from framing.errors import FramingError


class Keyed:
    """A classifier whose state label is a known function of the words: government with probability 0.2,
    +0.6 with "Damascus", +0.1 with "officials" (without "Damascus" the label falls back to none)."""

    labels_ = [np.array(LABELS[f]) for f in FIELDS]

    def __init__(self) -> None:
        self.calls: list[tuple[list[str], list | None]] = []

    def predict_proba(self, X, context=None):
        self.calls.append((list(X), None if context is None else list(context)))
        n = len(X)
        government = np.array(
            [0.2 + 0.6 * bool(re.search(r"\bDamascus\b", x)) + 0.1 * bool(re.search(r"\bofficials\b", x)) for x in X]
        )
        state = np.stack([0.95 - government, government, np.full(n, 0.05)], axis=1)
        return [np.tile([1.0, 0, 0, 0], (n, 1)), state, np.tile([0.0, 1.0, 0.0], (n, 1))]


SENTENCE = "Officials in Damascus said the officials' convoy was hit."


def test_offsets_slice_the_sentence_to_the_word():
    (explained,) = occlusion(Keyed(), [SENTENCE])
    assert explained.evidence
    for e in explained.evidence:
        assert SENTENCE[e.start : e.end] == e.term and re.fullmatch(r"[\w'.-]+", e.term)
        assert e.source == "model" and e.deciding and e.field == "state" and e.label == "government"


def test_the_word_whose_removal_changes_the_decision_ranks_first():
    classifier = Keyed()
    (explained,) = occlusion(classifier, [SENTENCE])
    assert explained.labels == {"opposition": "none", "state": "government"}
    assert explained.probabilities == {"state": pytest.approx(0.9)}
    terms = [(e.term, e.drop) for e in explained.evidence]
    assert terms[0] == ("Damascus", pytest.approx(0.6))  # without it the label is none
    assert terms[1:] == [("officials", pytest.approx(0.1))]  # "Officials" (capital) is not the keyed word
    without_damascus = without(
        SENTENCE, *next(span for span in words(SENTENCE) if SENTENCE[slice(*span)] == "Damascus")
    )
    state = classifier.predict_proba([without_damascus])[1]
    assert LABELS["state"][state.argmax()] == "none"


def test_top_and_min_drop_bound_the_words():
    (one,) = occlusion(Keyed(), [SENTENCE], top=1)
    assert [e.term for e in one.evidence] == ["Damascus"]
    (strict,) = occlusion(Keyed(), [SENTENCE], min_drop=0.5)
    assert [e.term for e in strict.evidence] == ["Damascus"]


def test_all_variants_of_many_sentences_go_in_one_call_with_their_context():
    classifier = Keyed()
    sentences = [SENTENCE, "Damascus denied it.", "Nothing here."]
    context = [Context("A headline", None), Context(None, "The sentence before."), Context(None, None)]
    occlusion(classifier, sentences, context)
    assert len(classifier.calls) == 1
    texts, given = classifier.calls[0]
    assert len(texts) == sum(1 + len(words(s)) for s in sentences)
    assert texts[: 1 + len(words(SENTENCE))][0] == SENTENCE
    assert given == [context[0]] * (1 + len(words(SENTENCE))) + [context[1]] * 4 + [context[2]] * 3


def test_small_batches_keep_a_sentences_variants_together():
    classifier = Keyed()
    occlusion(classifier, [SENTENCE, "Damascus denied it."], batch=2)
    assert [len(texts) for texts, _ in classifier.calls] == [1 + len(words(SENTENCE)), 4]


def test_given_labels_are_explained_and_none_is_not():
    (explained,) = occlusion(Keyed(), [SENTENCE], labels=[{"state": "none"}])
    assert explained.evidence == ()
    with pytest.raises(FramingError, match="state='junta'"):
        occlusion(Keyed(), [SENTENCE], labels=[{"state": "junta"}])


def test_removing_a_word_leaves_one_space():
    assert without("The regime shelled it.", 4, 10) == "The shelled it."
    assert without("Regime forces shelled it.", 0, 6) == "forces shelled it."
    assert without("They fled the regime.", 14, 20) == "They fled the ."
    assert [("The regime's U.S.-backed rebel-held"[s:e]) for s, e in words("The regime's U.S.-backed rebel-held")] == [
        "The",
        "regime's",
        "U.S.-backed",
        "rebel-held",
    ]


def test_the_lexicon_points_at_its_deciding_term(lexicon_model):
    """One-hot probabilities: the deciding term's removal drops its label from 1 to 0."""
    sentence = 'The "regime" shelled the rebels in Douma.'
    classifier = lexicon_model.classifier
    assert isinstance(classifier, LexiconClassifier)
    (explained,) = occlusion(classifier, [sentence])
    found = {(e.field, e.term, e.drop, e.quoted) for e in explained.evidence}
    assert found == {("state", "regime", 1.0, True), ("opposition", "rebels", 1.0, False)}


def test_a_tiny_transformer_with_context_is_explained(tiny_context_dir):
    from framing.classifiers.loading import load_model

    classifier = load_model(tiny_context_dir).classifier
    sentences = ["Regime forces shelled rebel-held Douma.", "Syrian Army troops fought terrorist groups."]
    context = [Context("Shelling of Douma", None), Context(None, sentences[0])]
    explained = occlusion(classifier, sentences, context, min_drop=0.0)
    labels = classifier.predict(sentences, context)
    for sentence, row, result in zip(sentences, labels, explained):
        assert result.labels == {"opposition": row[0], "state": row[1]}
        drops = {}
        for e in result.evidence:
            assert sentence[e.start : e.end] == e.term and 0 <= e.drop <= 1
            drops.setdefault(e.field, []).append(e.drop)
        assert all(d == sorted(d, reverse=True) and len(d) <= 3 for d in drops.values())


def test_bad_arguments_are_refused():
    with pytest.raises(FramingError, match="field"):
        occlusion(Keyed(), [SENTENCE], fields=("side",))
    with pytest.raises(ValueError, match="labels has"):
        occlusion(Keyed(), [SENTENCE], labels=[])
    with pytest.raises(FramingError, match="--top"):
        occlusion(Keyed(), [SENTENCE], top=0)
    with pytest.raises(TypeError):
        occlusion(Keyed(), SENTENCE)
