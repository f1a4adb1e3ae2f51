"""Where one lexicon worker spends its CPU, per sentence: splitting, the prefilter's plan, deciding
(prefilter, terms and rules), writing JSON Lines; and, with ``--pair``, the whole chunk loop run alone and
then in two processes at once (as ``framing score``'s two workers run), to show how far the two cores slow
each other. Scores every third article of the benchmark's lexicon corpus (``build_corpus``) chunk by chunk in
this process, ``time.process_time``; three rounds, the last printed. To compare with other code, run it with
that tree first on ``PYTHONPATH`` (``git worktree add /tmp/old REV``; ``PYTHONPATH=/tmp/old``).

    .venv/bin/python experiments/lexicon_stages.py [--sentences 200000] [--pair]
"""

from __future__ import annotations

import argparse
import gc
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def per_sentence(work, count: int, rounds: int = 3) -> float:
    """CPU microseconds per sentence of ``work()``, its last of ``rounds`` runs."""
    for _ in range(rounds):
        started = time.process_time()
        work()
        seconds = time.process_time() - started
    return 1e6 * seconds / count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "lexicon")
    parser.add_argument("--sentences", type=int, default=200_000)
    parser.add_argument("--pair", action="store_true", help="also the chunk loop alone and two at once")
    parser.add_argument("--loop-only", type=Path, help=argparse.SUPPRESS)  # a --pair child: the loop on this corpus
    args = parser.parse_args()

    from framing.classifiers.lexicon import visible
    from framing.corpus.readers import read_path
    from framing.scoring import streaming
    from framing.scoring.benchmark import FIELDS, build_corpus

    with tempfile.TemporaryDirectory() as tmp:
        corpus = args.loop_only or Path(tmp) / "corpus.jsonl"
        if args.loop_only is None:
            build_corpus(args.data, args.sentences, corpus)
        articles = list(read_path(corpus, FIELDS))[::3]
        job = streaming.Job(args.model)
        classifier = streaming._model(job).classifier  # noqa: SLF001 - the model scoring loads, once per process
        lexicon = classifier.lexicon
        chunks = list(streaming.chunks(articles, streaming.ScoreReport(), classifier.runtime.chunk_chars))
        pairs = [[(a, s) for a in chunk for s in streaming.sentences_of(a, False)] for chunk in chunks]
        count = sum(map(len, pairs))
        gc.freeze()
        loop = per_sentence(lambda: [streaming.score_chunk(job, chunk) for chunk in chunks], count)
        if args.loop_only is not None:
            print(f"{loop:.2f}")
            return
        seen = [visible(s.text)[0] for chunk in pairs for _, s in chunk]
        decided = [classifier.prepare([s.text for _, s in chunk]) for chunk in pairs]
        stages = {
            "split (blingfire and offsets)": per_sentence(
                lambda: [[streaming.sentences_of(a, False) for a in chunk] for chunk in chunks], count
            ),
            "prefilter plan (part of decide)": per_sentence(lambda: [lexicon.prefilter.plan(t) for t in seen], count),
            "decide": per_sentence(lambda: [classifier.prepare([s.text for _, s in chunk]) for chunk in pairs], count),
            "JSON Lines": per_sentence(
                lambda: [streaming.json_chunk(streaming._model(job), p, d) for p, d in zip(pairs, decided)], count
            ),
            "the whole chunk loop (score_chunk)": loop,
        }
        print(f"{count:,} sentences, CPU µs per sentence\n\n| stage | µs |\n|---|---|")
        for name, micros in stages.items():
            print(f"| {name} | {micros:.2f} |")
        if args.pair:
            command = [sys.executable, __file__, "--model", str(args.model), "--loop-only", str(corpus)]
            alone = subprocess.run(command, capture_output=True, text=True, check=True).stdout.strip()
            both = [subprocess.Popen(command, stdout=subprocess.PIPE, text=True) for _ in range(2)]
            paired = [p.communicate()[0].strip() for p in both]
            print(f"\nthe chunk loop alone: {alone} µs a sentence; two at once: {' and '.join(paired)}")


if __name__ == "__main__":
    main()
