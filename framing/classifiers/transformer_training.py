"""The training loop of the transformer: length-grouped batches, AdamW with
warm-up, one cross-entropy per field, the epoch best on dev kept.

With context, the headline and previous sentence of each training sentence
are embedded once per epoch by the current encoder (no gradient: they are
features of the heads, as in scoring, where they come from the same pass)."""

from __future__ import annotations

import copy
import hashlib
import sys
import time

import numpy as np
import torch
from datasets import Dataset
from transformers import get_linear_schedule_with_warmup


def _batches(lengths: np.ndarray, batch_size: int, rng: np.random.Generator) -> list[np.ndarray]:
    """Shuffled batches of similar length: sort within random pools of 50 batches, then shuffle the batches."""
    order = rng.permutation(len(lengths))
    pool = batch_size * 50
    batches = []
    for begin in range(0, len(order), pool):
        chunk = order[begin : begin + pool]
        chunk = chunk[np.argsort(lengths[chunk], kind="stable")]
        batches += [chunk[i : i + batch_size] for i in range(0, len(chunk), batch_size)]
    return [batches[i] for i in rng.permutation(len(batches))]


def class_weights(targets: np.ndarray, k: int, mode: str) -> torch.Tensor | None:
    """Loss weights per label, mean 1 over the training rows: ``balanced`` is n / (k * count), ``sqrt`` its root."""
    if mode == "none":
        return None
    counts = np.bincount(targets, minlength=k).astype(np.float64)
    weights = len(targets) / (k * np.maximum(counts, 1.0))
    if mode == "sqrt":
        weights = np.sqrt(weights)
    weights /= (weights[targets]).mean()
    return torch.tensor(weights, dtype=torch.float32)


def _dev_score(model, X_dev, y_dev, context=None) -> float:
    from framing.classifiers.metrics import macro_f1

    predicted = model.predict(X_dev, context)
    scores = []
    for j, labels in enumerate(model.labels_):
        index = {label: i for i, label in enumerate(labels)}
        confusion = np.zeros((len(labels), len(labels)), dtype=np.int64)
        for gold, pred in zip(y_dev[:, j], predicted[:, j]):
            confusion[gold, index[pred]] += 1
        scores.append(float(macro_f1(confusion)))
    return float(np.mean(scores))


class _ContextTable:
    """The training sentences and their distinct context texts (``model.with_context``), tokenised and
    given lexicon hints once; each epoch embeds only the rows some sentence reads as context."""

    def __init__(self, model, X: list[str], context) -> None:
        texts, self.slots = model.with_context(X, context)
        self.tokens = dict(model.tokenizer_(texts, truncation=True, max_length=model.settings.max_length))
        self.hints = np.array(model._hints(texts), dtype=np.float32) if model.settings.hints else None
        read = np.unique(np.concatenate([index[index >= 0] for index in self.slots.values()]))
        read = read if len(read) else np.zeros(1, dtype=np.int64)  # one row at least: it gives the width
        lengths = np.array([len(self.tokens["input_ids"][i]) for i in read])
        self.order = read[np.argsort(lengths, kind="stable")]
        self.size = len(texts)

    def features(self, model) -> torch.Tensor:
        """The context columns of every training sentence, from the current encoder, without gradient."""
        from framing.classifiers.network import context_features

        pooled = model._embed(model.network_, self.tokens, self.order, self.size)
        return torch.from_numpy(context_features(model.settings, pooled, self.hints, self.slots))


def train_network(model, X: list[str], targets: np.ndarray, dev=None, context=None) -> list[dict]:
    """Train ``model.network_`` in place; returns one history row per epoch."""
    from framing.progress import progress

    s, fields, labels = model.settings, model.scheme.fields, model.scheme.labels  # one head and loss per field
    rng = np.random.default_rng(s.seed)
    data = Dataset.from_dict({"text": X, **{f: targets[:, j] for j, f in enumerate(fields)}})
    # in memory, nothing cached: a fingerprint of the texts spares `datasets` hashing the closure (the whole network)
    fingerprint = hashlib.sha256("\x00".join([*X, str(s.max_length)]).encode()).hexdigest()[:32]
    data = data.map(
        lambda batch: dict(model.encode(batch["text"])),
        batched=True,
        remove_columns=["text"],
        new_fingerprint=fingerprint,
    )
    lengths = np.array([len(ids) for ids in data["input_ids"]])
    table = _ContextTable(model, X, context) if s.context and context is not None else None
    network, device = model.network_, model.placement_.device  # the caller put the network there
    head_params = list(network.heads.parameters())
    encoder_params = [p for p in network.encoder.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(
        [{"params": encoder_params, "lr": s.learning_rate}, {"params": head_params, "lr": s.head_learning_rate}],
        weight_decay=s.weight_decay,
    )
    steps = s.epochs * -(-len(X) // s.batch_size)
    if getattr(model, "progress", False):  # before the first epoch's progress, which can take a while to come
        print(
            f"training on {len(X):,} sentences: {s.epochs} epoch(s) of {steps // s.epochs:,} batches of "
            f"{s.batch_size}" + (f", then {len(dev[0]):,} dev sentences each epoch" if dev is not None else ""),
            file=sys.stderr,
        )
    scheduler = get_linear_schedule_with_warmup(optimizer, int(s.warmup * steps), steps)
    losses = {
        f: torch.nn.CrossEntropyLoss(weight=class_weights(targets[:, j], len(labels[f]), s.class_weight)).to(device)
        for j, f in enumerate(fields)
    }
    rows = [dict(zip(data.column_names, values)) for values in zip(*(data[c] for c in data.column_names))]
    history, best, best_state = [], -1.0, None
    dev_context = dev[2] if dev is not None else None
    for epoch in range(1, s.epochs + 1):
        started, total = time.perf_counter(), 0.0
        if table is not None:
            features = table.features(model)
        network.train()
        batches = _batches(lengths, s.batch_size, rng)
        for index in progress(batches, desc=f"epoch {epoch}/{s.epochs}", unit=" batches"):
            batch = {k: v.to(device) for k, v in model.collate([rows[i] for i in index]).items()}
            gold = {f: batch.pop(f) for f in fields}
            if table is not None:
                batch["context"] = features[torch.from_numpy(np.asarray(index))].to(device)
            logits = network(**batch)
            loss = sum(losses[f](logits[f], gold[f]) for f in fields)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(network.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad()
            total += float(loss.detach()) * len(index)
        row = {"epoch": epoch, "loss": total / len(X), "seconds": round(time.perf_counter() - started, 1)}
        if dev is not None:
            row["dev_mean_macro_f1"] = _dev_score(model, dev[0], dev[1], dev_context)
            if row["dev_mean_macro_f1"] > best:
                best, best_state = row["dev_mean_macro_f1"], copy.deepcopy(network.state_dict())
        history.append(row)
        if getattr(model, "progress", False):  # one line an epoch, also where progress bars are off
            dev_text = f", dev mean macro-F1 {row['dev_mean_macro_f1']:.3f}" if "dev_mean_macro_f1" in row else ""
            print(f"epoch {epoch}/{s.epochs}: loss {row['loss']:.4f}{dev_text} ({row['seconds']} s)", file=sys.stderr)
    if best_state is not None:
        network.load_state_dict(best_state)
    network.eval()
    return history
