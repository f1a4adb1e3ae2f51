"""The training loop of the transformer: length-grouped batches, AdamW with
warm-up, one cross-entropy per field, the epoch best on dev kept.

With context, the headline and previous sentence of each training sentence
are embedded once per epoch by the current encoder (no gradient: they are
features of the heads, as in scoring, where they come from the same pass)."""

from __future__ import annotations

import copy
import sys
import time

import numpy as np
import torch
from datasets import Dataset
from transformers import get_linear_schedule_with_warmup

from framing.schema import FIELDS, LABELS


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
    from framing.evaluate import macro_f1

    predicted = model.predict(X_dev, context)
    scores = []
    for j, labels in enumerate(model.labels_):
        index = {label: i for i, label in enumerate(labels)}
        confusion = np.zeros((len(labels), len(labels)), dtype=np.int64)
        for gold, pred in zip(y_dev[:, j], predicted[:, j]):
            confusion[gold, index[pred]] += 1
        scores.append(float(macro_f1(confusion)))
    return float(np.mean(scores))


def _context_table(model, X: list[str], context) -> tuple[list[str], dict[str, np.ndarray], np.ndarray | None]:
    """The distinct context texts of the training sentences, each sentence's row in that list per slot
    (-1: none), and their lexicon hints."""
    texts, slots = model.with_context(X, context)
    extra = texts[len(X) :]
    # rows of context texts that are training sentences themselves point into X: move everything to one table
    table = list(X) + extra
    hints = np.array(model._hints(table), dtype=np.float32) if model.settings.hints else None
    return table, slots, hints


def _embed_table(model, tokens: dict, lengths: np.ndarray) -> torch.Tensor:
    """Embeddings of every text of the context table by the current encoder, without gradient."""
    order = np.argsort(lengths, kind="stable")
    return torch.from_numpy(model._embed(model.network_, tokens, order, len(order)))


def train_network(model, X: list[str], targets: np.ndarray, dev=None, context=None) -> list[dict]:
    """Train ``model.network_`` in place; returns one history row per epoch."""
    from framing.scoring import progress
    from framing.transformer import context_features

    s = model.settings
    rng = np.random.default_rng(s.seed)
    data = Dataset.from_dict({"text": X, **{f: targets[:, j] for j, f in enumerate(FIELDS)}})
    data = data.map(lambda batch: dict(model._encode(batch["text"])), batched=True, remove_columns=["text"])
    lengths = np.array([len(ids) for ids in data["input_ids"]])
    use_context = bool(s.context) and context is not None
    if use_context:
        table, slots, table_hints = _context_table(model, X, context)
        table_tokens = {k: v for k, v in dict(model._encode(table)).items() if k != "hints"}
        table_lengths = np.array([len(ids) for ids in table_tokens["input_ids"]])
    network = model.network_
    head_params = list(network.heads.parameters())
    encoder_params = [p for p in network.encoder.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(
        [{"params": encoder_params, "lr": s.learning_rate}, {"params": head_params, "lr": s.head_learning_rate}],
        weight_decay=s.weight_decay,
    )
    steps = s.epochs * -(-len(X) // s.batch_size)
    scheduler = get_linear_schedule_with_warmup(optimizer, int(s.warmup * steps), steps)
    losses = {
        f: torch.nn.CrossEntropyLoss(weight=class_weights(targets[:, j], len(LABELS[f]), s.class_weight))
        for j, f in enumerate(FIELDS)
    }
    rows = [dict(zip(data.column_names, values)) for values in zip(*(data[c] for c in data.column_names))]
    history, best, best_state = [], -1.0, None
    dev_context = dev[2] if dev is not None and len(dev) > 2 else None
    for epoch in range(1, s.epochs + 1):
        started, total = time.perf_counter(), 0.0
        if use_context:
            pooled = _embed_table(model, table_tokens, table_lengths).numpy()
            features = torch.from_numpy(context_features(s, pooled, table_hints, slots))
        network.train()
        batches = _batches(lengths, s.batch_size, rng)
        for index in progress(batches, desc=f"epoch {epoch}/{s.epochs}", unit=" batches"):
            batch = model._collate([rows[i] for i in index])
            labels = {f: batch.pop(f) for f in FIELDS}
            if use_context:
                batch["context"] = features[torch.from_numpy(np.asarray(index))]
            logits = network(**batch)
            loss = sum(losses[f](logits[f], labels[f]) for f in FIELDS)
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
