"""Two int8 figures of the README ("Speed"): the batch size, and how many dev labels int8 changes.

1. ``framing score --int8`` end to end on the benchmark's 8,000 sentences with
   int8 batches of 8, 16, 32 and 64 (each in a fresh process, the cache warm).
2. The 333 dev sentences: how many get other labels than full precision from
   the int8 network alone and with the full-precision fallback (reported, not
   tuned on: the settings were chosen by ``int8_sensitivity.py``).

    .venv/bin/python experiments/int8_checks.py
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
MODEL = ROOT / "models" / "transformer"

TIMED = """
import json, sys, framing.classifiers.int8 as q
q.BATCH = int(sys.argv[1])
from framing.scoring.benchmark import _child_score
print(json.dumps(_child_score(sys.argv[2], sys.argv[3], sys.argv[4], "1")))
"""


def dev_changes() -> None:
    from framing.classifiers.loading import load_model
    from framing.gold.annotations import load_annotations, split_gold

    texts = [g.text for g in split_gold(load_annotations(DATA), "dev")]
    full = load_model(MODEL).classifier.predict(texts)
    int8 = load_model(MODEL, int8=True).classifier
    with_fallback = int8.predict(texts)
    rerun = int8.fallbacks_
    int8.fallback_margin_ = 0.0
    alone = int8.predict(texts)
    print(
        f"dev: {len(texts)} sentences; labels changed by int8 alone: {(alone != full).any(axis=1).sum()}; "
        f"with the fallback: {(with_fallback != full).any(axis=1).sum()} ({rerun} re-run in full precision)"
    )


def main() -> None:
    from framing.classifiers.loading import load_model
    from framing.scoring.benchmark import build_corpus

    load_model(MODEL, int8=True)  # warm the cache
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        build_corpus(DATA, 8000, corpus)
        for batch in (8, 16, 32, 64):
            command = [sys.executable, "-c", TIMED, str(batch), str(corpus), str(MODEL), str(Path(tmp) / "o.jsonl")]
            result = json.loads(subprocess.run(command, capture_output=True, text=True, check=True).stdout)
            print(f"int8 batch {batch}: {result['sentences']:,} sentences in {result['seconds']} s")
    dev_changes()


if __name__ == "__main__":
    main()
