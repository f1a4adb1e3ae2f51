"""Training cost per step, LoRA against full fine-tuning of the packaged MiniLM (README, "Models").

.venv/bin/python experiments/lora_vs_full.py
"""

import time
from pathlib import Path

import torch

from framing.classifiers.lexicon import Lexicon
from framing.classifiers.transformer import TransformerClassifier, TransformerSettings
from framing.gold.annotations import load_annotations, split_gold

gold = split_gold(load_annotations(Path("../shared/data")), "train")[:400]
X = [g.text for g in gold]
lex = Lexicon.from_file(Path("models/lexicon/lexicon.toml"))
for mode in ("lora", "full"):
    c = TransformerClassifier(TransformerSettings(finetune=mode, epochs=1), lex)
    c._build()
    net = c.network_
    params = [p for p in net.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=1e-4)
    enc = c.encode(X)
    rows = [{k: enc[k][i] for k in enc} for i in range(len(X))]
    y = torch.zeros(16, dtype=torch.long)
    t = time.perf_counter()
    n = 0
    for b in range(0, len(rows), 16):
        batch = c.collate(rows[b : b + 16])
        out = net(**batch)
        loss = sum(torch.nn.functional.cross_entropy(v, y[: len(v)]) for v in out.values())
        loss.backward()
        opt.step()
        opt.zero_grad()
        n += len(rows[b : b + 16])
    dt = time.perf_counter() - t
    print(mode, "trainable params", sum(p.numel() for p in params), "sentences/s", round(n / dt, 1))
