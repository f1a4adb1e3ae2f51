"""End-to-end scoring speed of two source trees, interleaved on one corpus: is a change faster or slower
beyond this machine's run-to-run noise? Each run is ``python -m framing.scoring.benchmark score`` (what
``framing benchmark`` times) in a fresh process with the tree on ``PYTHONPATH``.

    git worktree add /tmp/old <commit>
    CI=1 .venv/bin/python experiments/speed_ab.py --old /tmp/old [--int8] [--rounds 2] [--sentences 8000]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from framing.scoring.benchmark import build_corpus  # noqa: E402


def run(tree: Path, kind: str, *args: str, env: dict) -> dict:
    """One benchmark child from ``tree``; what it printed."""
    command = [sys.executable, "-m", "framing.scoring.benchmark", kind, *args]
    done = subprocess.run(command, env=env | {"PYTHONPATH": str(tree)}, cwd=tree, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"{tree}: {kind} failed\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--old", type=Path, required=True, help="the other source tree (a git worktree)")
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "transformer")
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--sentences", type=int, default=8000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--int8", action="store_true")
    args = parser.parse_args()
    trees = {"old": args.old.resolve(), "new": ROOT}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        corpus = tmp / "corpus.jsonl"
        build_corpus(args.data, args.sentences, corpus)
        env = os.environ | {"CI": "1", "FRAMING_CACHE": str(tmp / "cache")}
        if args.int8:  # each tree's int8 files built before any timing
            for tree in trees.values():
                run(tree, "build", str(args.model), env=env)
        for round_ in range(1, args.rounds + 1):
            for name, tree in trees.items():
                out = tmp / f"{name}.jsonl"
                result = run(tree, "score", str(corpus), str(args.model), str(out), "1" if args.int8 else "0", env=env)
                rate = result["sentences"] / result["seconds"]
                cpu = ""
                if "cpu_main_s" in result:  # where the CPU went, in µs a sentence (trees since 29d5e59 report it)
                    per = {k: 1e6 * result[k] / result["sentences"] for k in ("cpu_main_s", "cpu_workers_s")}
                    cpu = f"; CPU µs a sentence: main {per['cpu_main_s']:.1f}, workers {per['cpu_workers_s']:.1f}"
                print(f"round {round_} {name}: {rate:,.0f} sentences/s ({result['seconds']} s){cpu}", flush=True)


if __name__ == "__main__":
    main()
