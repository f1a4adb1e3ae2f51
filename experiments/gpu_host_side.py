"""The host's share of scoring on a GPU: ``framing score`` with the shipped transformer on the GPU's path
(half precision, batches of 512, numpy padding; ``framing.classifiers.device``) and its encoder replaced by a
stub that returns zeros, so what is timed is everything but the network: reading, splitting, lexicon hints,
tokenising, padding, the heads, building and writing rows. One process, as each GPU worker runs.

    CI=1 .venv/bin/python experiments/gpu_host_side.py [--sentences 20000] [--data ../shared/data]

Where a GPU runs the network at tens of thousands of sentences a second, this rate per process says how
many processes the host needs to keep up (``framing score`` spawns one per core, up to 8, on a GPU).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import torch

from framing.classifiers.loading import load_model
from framing.scoring import streaming
from framing.scoring.benchmark import FIELDS, build_corpus

ROOT = Path(__file__).resolve().parent.parent


class ZeroEncoder(torch.nn.Module):
    """The network's ``embed`` at no cost: zeros of the encoder's width."""

    def __init__(self, heads: torch.nn.ModuleDict, width: int) -> None:
        super().__init__()
        self.heads, self.width = heads, width

    def embed(self, input_ids, attention_mask, token_type_ids=None) -> torch.Tensor:
        return torch.zeros((input_ids.shape[0], self.width), dtype=torch.float16)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sentences", type=int, default=20_000)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "transformer")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        build_corpus(args.data, args.sentences, corpus)
        loaded = load_model(args.model, device="cpu")
        classifier = loaded.classifier.place("cpu", accelerated=True)
        width = classifier.network_.encoder.config.hidden_size
        classifier.network_ = ZeroEncoder(classifier.network_.heads, width)
        streaming._WORKER.update(key=(args.model, False, "auto"), model=loaded)  # score() takes this model
        started = time.perf_counter()
        report = streaming.score([corpus], Path(tmp) / "out.jsonl", args.model, fields=FIELDS, workers=1)
        seconds = time.perf_counter() - started
    print(
        f"{report.sentences:,} sentences in {seconds:.2f} s: {report.sentences / seconds:,.0f} sentences/s per process"
    )


if __name__ == "__main__":
    main()
