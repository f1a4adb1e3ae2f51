"""Train, save, reload, predict identically: on a tiny random transformer offline, and (slow) on the real encoder."""

import numpy as np
import pytest

from framing.classifiers.loading import load_model
from framing.classifiers.schema import Context
from framing.training.train import write_model_dir
from tests.tiny import ROOT, tiny_transformer

SENTENCES = [
    "Syrian Army troops are fighting to recapture the city from terrorist groups.",
    "Islamist rebels say they have broken through to besieged areas.",
    "Three vans of vegetables crossed into east Aleppo.",
    "Regime forces shelled rebel-held Douma.",
] * 3
Y = [
    ("terrorist", "government", "own"),
    ("jihadist", "none", "own"),
    ("none", "none", "none"),
    ("rebel", "regime", "own"),
] * 3


def save(classifier, path):
    config = {
        "model": {"type": "transformer", "name": "tiny", "lexicon": "lexicon.toml"},
        "transformer": classifier.settings_dict(),
    }
    write_model_dir(
        path,
        classifier,
        config,
        {
            "name": "tiny",
            "type": "transformer",
            "guidelines": "1.1",
            "versions": {"framing": "test"},
            "seed": 0,
            "data_hash": "x",
            "train_sentences": len(SENTENCES),
            "created": "now",
        },
        ROOT / "models" / "lexicon" / "lexicon.toml",
    )


@pytest.mark.parametrize("hints", [True, False])
def test_train_save_load_predict_identically(tmp_path, hints):
    classifier = tiny_transformer(hints=hints).fit(SENTENCES, Y)
    save(classifier, tmp_path / "tiny")
    assert {p.name for p in (tmp_path / "tiny").iterdir()} >= {
        "config.toml",
        "meta.json",
        "heads.safetensors",
        "encoder.safetensors",
        "README.md",
    }
    assert not list((tmp_path / "tiny").glob("*.bin")) and not list((tmp_path / "tiny").glob("*.pkl"))
    loaded = load_model(tmp_path / "tiny").classifier
    for a, b in zip(classifier.predict_proba(SENTENCES), loaded.predict_proba(SENTENCES)):
        assert np.allclose(a, b, atol=1e-6)
    assert (classifier.predict(SENTENCES) == loaded.predict(SENTENCES)).all()


def test_training_is_repeatable_for_a_seed():
    a = tiny_transformer().fit(SENTENCES, Y).predict_proba(SENTENCES)
    b = tiny_transformer().fit(SENTENCES, Y).predict_proba(SENTENCES)
    for x, y in zip(a, b):
        assert np.allclose(x, y, atol=1e-6)


def test_training_lowers_the_loss():
    classifier = tiny_transformer(epochs=6).fit(SENTENCES, Y, SENTENCES[:4], Y[:4])
    losses = [row["loss"] for row in classifier.history_]
    assert losses[-1] < losses[0]
    assert all("dev_mean_macro_f1" in row for row in classifier.history_)


def test_voice_is_consistent_with_the_actors():
    classifier = tiny_transformer().fit(SENTENCES, Y)
    for row in classifier.predict(SENTENCES + ["Nothing happened today.", "Rebels rested."]):
        assert (row[2] == "none") == (row[0] == "none" and row[1] == "none")


def test_untrained_model_says_so():
    from framing.errors import FramingError

    with pytest.raises(FramingError, match="not trained"):
        tiny_transformer().predict(["x"])


# A headline about ISIS decides who "terrorists" are (guidelines 1.1): the same sentence, two contexts.
CONTEXT_X = ["Terrorists shelled the city.", "Terrorists shelled the city."] * 4 + SENTENCES
CONTEXT = [Context("ISIS claims the attack", None), Context("Rebels shell Aleppo", "The rebels advanced.")] * 4
CONTEXT += [Context(None, None)] * len(SENTENCES)
CONTEXT_Y = [("none", "none", "none"), ("terrorist", "none", "own")] * 4 + Y


def test_context_is_read_saved_and_reloaded(tmp_path):
    classifier = tiny_transformer(epochs=8, context=("title", "previous")).fit(CONTEXT_X, CONTEXT_Y, context=CONTEXT)
    with_context = classifier.predict_proba(CONTEXT_X[:2], CONTEXT[:2])
    # one sentence, two contexts: the heads see different features, so the probabilities differ
    assert not np.allclose(with_context[0][0], with_context[0][1])
    save(classifier, tmp_path / "ctx")
    loaded = load_model(tmp_path / "ctx").classifier
    assert loaded.settings.context == ["title", "previous"]
    for a, b in zip(with_context, loaded.predict_proba(CONTEXT_X[:2], CONTEXT[:2])):
        assert np.allclose(a, b, atol=1e-6)
    # no context given: absent slots, still a valid prediction
    assert all(np.allclose(p.sum(axis=1), 1) for p in loaded.predict_proba(CONTEXT_X[:2]))


def test_context_texts_in_the_batch_are_encoded_once():
    classifier = tiny_transformer(context=("title", "previous"))
    texts, slots = classifier.with_context(["First.", "Second."], [Context("Title", None), Context("Title", "First.")])
    assert texts == ["First.", "Second.", "Title"]
    assert slots["title"].tolist() == [2, 2] and slots["previous"].tolist() == [-1, 0]


def test_context_must_match_the_sentences():
    classifier = tiny_transformer(context=("title",))
    with pytest.raises(ValueError, match="context has 1 rows for 2 sentences"):
        classifier.fit(["a.", "b."], [("none",) * 3] * 2, context=[Context("t", None)])


def test_unknown_context_slot_is_refused():
    from framing.classifiers.network import settings_from
    from framing.errors import FramingError

    with pytest.raises(FramingError, match="config.toml: bad \\[transformer\\] table \\(context.0: "):
        settings_from({"context": ["next"]}, "config.toml")
    with pytest.raises(FramingError, match="epochs"):
        settings_from({"epochs": "four"}, "config.toml")


@pytest.mark.slow
def test_real_packaged_encoder_with_lora(tmp_path):
    from framing.classifiers.lexicon import Lexicon
    from framing.classifiers.transformer import TransformerClassifier, TransformerSettings

    settings = TransformerSettings(finetune="lora", epochs=1, batch_size=4, seed=0)
    lexicon = Lexicon.from_file(ROOT / "models" / "lexicon" / "lexicon.toml")
    classifier = TransformerClassifier(settings, lexicon).fit(SENTENCES, Y)
    save(classifier, tmp_path / "real")
    assert (tmp_path / "real" / "adapter.safetensors").stat().st_size < 10 * 2**20
    loaded = load_model(tmp_path / "real").classifier
    for a, b in zip(classifier.predict_proba(SENTENCES), loaded.predict_proba(SENTENCES)):
        assert np.allclose(a, b, atol=1e-5)
