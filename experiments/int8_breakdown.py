"""Where `framing score --int8` spends its time: model loading, preparing (tokens, lexicon hints), the int8
network, the full-precision network of the close calls (the fallback), and the rest (heads, rows, JSON).

Scores the benchmark's transformer corpus (real FA-KES and AllSides articles, ``build_corpus``) chunk by
chunk in this process, as ``framing score --int8 --workers 1`` does (without the thread that prepares the
next chunk meanwhile), with a timer around each network call. One run; this machine's speed moves by up
to a fifth between runs, so read the shares, not the seconds.

    .venv/bin/python experiments/int8_breakdown.py [--sentences 8000] [--model models/transformer]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "transformer")
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--sentences", type=int, default=8000)
    args = parser.parse_args()

    from framing.corpus.readers import read_path
    from framing.scoring import streaming
    from framing.scoring.benchmark import FIELDS, build_corpus

    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        build_corpus(args.data, args.sentences, corpus)
        started = time.perf_counter()
        job = streaming.Job(args.model, int8=True)
        classifier = streaming._model(job).classifier  # noqa: SLF001 - the model scoring loads, once per process
        loaded = time.perf_counter()
        articles = read_path(corpus, FIELDS, None)
        chunks = list(streaming.chunks(articles, streaming.ScoreReport(), classifier.runtime.chunk_chars))
        calls: list[tuple[bool, float]] = []
        embed = classifier._embed  # noqa: SLF001

        def timed(network, encoded, order, m):
            begun = time.perf_counter()
            pooled = embed(network, encoded, order, m)
            calls.append((network is classifier.onnx_, time.perf_counter() - begun))
            return pooled

        classifier._embed = timed  # noqa: SLF001
        prepare = finish = 0.0
        sentences = texts = 0
        for chunk in chunks:
            begun = time.perf_counter()
            pairs, prepared = streaming.prepare_chunk(job, chunk)
            prepare += time.perf_counter() - begun
            sentences, texts = sentences + prepared["n"], texts + len(prepared["order"])
            begun = time.perf_counter()
            streaming.finish_chunk(job, pairs, prepared)
            finish += time.perf_counter() - begun
        total = time.perf_counter() - started
    network = sum(seconds for main, seconds in calls if main)
    fallback = sum(seconds for main, seconds in calls if not main)
    parts = {
        "load the model": loaded - started,
        "prepare (tokens, lexicon hints)": prepare,
        f"int8 network ({texts:,} texts: {sentences:,} sentences and {texts - sentences:,} headlines)": network,
        f"full-precision network of the {classifier.fallbacks_:,} close calls and their context": fallback,
        "the rest (heads, rows, JSON Lines)": total - (loaded - started) - prepare - network - fallback,
    }
    print(
        f"{sentences:,} sentences in {total:.1f} s ({sentences / total:,.0f} sentences/s); int8 network alone "
        f"{texts / network:,.0f} texts/s\n\n| part | seconds | share |\n|---|---|---|"
    )
    for name, seconds in parts.items():
        print(f"| {name} | {seconds:.1f} | {seconds / total:.0%} |")


if __name__ == "__main__":
    main()
