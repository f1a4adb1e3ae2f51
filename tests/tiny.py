"""A tiny randomly initialised transformer, built from a config: trains in seconds, offline."""

from __future__ import annotations

from pathlib import Path

from framing.classifiers.lexicon import Lexicon
from framing.classifiers.transformer import TransformerClassifier, TransformerSettings

ROOT = Path(__file__).resolve().parent.parent
TINY = {
    "model_type": "bert",
    "hidden_size": 32,
    "num_hidden_layers": 2,
    "num_attention_heads": 2,
    "intermediate_size": 64,
    "max_position_embeddings": 160,
}


def tiny_transformer(hints: bool = True, epochs: int = 2, context: tuple[str, ...] = ()) -> TransformerClassifier:
    settings = TransformerSettings(
        context=list(context),
        encoder_config=TINY,
        finetune="full",
        hints=hints,
        epochs=epochs,
        batch_size=4,
        max_length=64,
        learning_rate=1e-3,
        seed=0,
    )
    return TransformerClassifier(settings, Lexicon.from_file(ROOT / "models" / "lexicon" / "lexicon.toml"))
