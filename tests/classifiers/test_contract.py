"""One contract for every classifier (after small-text): the lexicon and the transformer both pass it."""

import numpy as np
import pytest

from framing.classifiers.schema import FIELDS, LABELS

SENTENCES = [
    "Syrian Army troops are fighting to recapture the city from terrorist groups.",
    "Islamist rebels say they have broken through to besieged areas.",
    "Three vans of vegetables crossed into east Aleppo.",
]
Y = [("terrorist", "government", "own"), ("jihadist", "none", "own"), ("none", "none", "none")]


def lexicon_factory(root):
    from framing.classifiers.lexicon import Lexicon, LexiconClassifier

    return LexiconClassifier(Lexicon.from_file(root / "models" / "lexicon" / "lexicon.toml"))


def tiny_transformer_factory(root):
    from tests.tiny import tiny_transformer

    return tiny_transformer()


FACTORIES = {"lexicon": lexicon_factory, "transformer": tiny_transformer_factory}


@pytest.fixture(params=list(FACTORIES))
def fitted(request, root):
    classifier = FACTORIES[request.param](root)
    assert classifier.fit(SENTENCES, Y) is classifier
    return classifier


def test_labels_in_schema_order(fitted):
    assert [list(labels) for labels in fitted.labels_] == [list(LABELS[f]) for f in FIELDS]


def test_predict_shape_and_values(fitted):
    predicted = fitted.predict(SENTENCES)
    assert predicted.shape == (3, 3)
    for j, f in enumerate(FIELDS):
        assert set(predicted[:, j]) <= set(LABELS[f])


def test_predict_proba_matches_predict(fitted):
    probabilities = fitted.predict_proba(SENTENCES)
    predicted = fitted.predict(SENTENCES)
    assert len(probabilities) == len(FIELDS)
    for j, (p, labels) in enumerate(zip(probabilities, fitted.labels_)):
        assert p.shape == (3, len(labels))
        assert np.allclose(p.sum(axis=1), 1.0)
        assert list(labels[p.argmax(axis=1)]) == list(predicted[:, j])


def test_empty_input(fitted):
    assert fitted.predict([]).shape == (0, 3)
    assert [p.shape for p in fitted.predict_proba([])] == [(0, len(LABELS[f])) for f in FIELDS]


def test_wrong_input_types(fitted):
    with pytest.raises(TypeError):
        fitted.predict("one string, not a list")
    with pytest.raises(TypeError):
        fitted.predict([1, 2])


def test_mismatched_y_is_refused(fitted):
    with pytest.raises(ValueError):
        fitted.fit(SENTENCES, Y[:2])


def test_deterministic(fitted):
    first = fitted.predict_proba(SENTENCES)
    second = fitted.predict_proba(SENTENCES)
    for a, b in zip(first, second):
        assert np.allclose(a, b)


def test_implements_the_protocol_scoring_uses(fitted):
    from framing.classifiers.protocol import Classifier, Runtime

    assert isinstance(fitted, Classifier)
    assert isinstance(fitted.runtime, Runtime) and fitted.runtime.chunk_chars > 0
    prepared = fitted.prepare(SENTENCES)
    split = fitted.probabilities(prepared)
    for whole, part in zip(fitted.predict_proba(SENTENCES), split):
        np.testing.assert_allclose(whole, part, atol=1e-6)
    best = [p.argmax(axis=1) for p in split]
    evidence = fitted.evidence(prepared, best)
    assert len(evidence) == len(SENTENCES)
    for decision, i in zip(evidence, range(len(SENTENCES))):
        if decision is not None:  # deciding terms carry the label the classifier gave their field
            for e in decision.evidence:
                if e.deciding:
                    assert e.label == LABELS[e.field][best[FIELDS.index(e.field)][i]]
