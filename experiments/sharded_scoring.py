"""One corpus, three engines, the same rows: framing score, datasets.map and Ray Data over Parquet shards.

Writes FA-KES and AllSides as Parquet shards of (id, text, outlet, date) in a
temporary folder (the text never leaves ../shared/data otherwise), then scores
them with the given model three ways, each with two processes: ``framing score
SHARDS --workers 2``; ``datasets`` ``map(BatchScorer(...), num_proc=2)``; and,
when Ray is installed, Ray Data ``map_batches(BatchScorer)`` on two actors.
Prints sentences per second, whether every engine gave the same rows (scores to
the last digit included), and the share of sentences with the same labels.

    .venv/bin/python experiments/sharded_scoring.py [--model models/lexicon] [--int8] [--shards 8]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from framing.corpus.readers import Article, Fields, read_path
from framing.scoring.benchmark import SOURCES
from framing.scoring.distributed import COLUMNS, BatchScorer, datasets_features
from framing.scoring.rows import ScoredSentence, read_scores
from framing.scoring.streaming import score

ROOT = Path(__file__).resolve().parent.parent


def write_shards(data: Path, out: Path, shards: int) -> list[Path]:
    articles = [a for source in SOURCES for a in read_path(data / source) if isinstance(a, Article)]
    paths = []
    for k in range(shards):
        part = articles[k::shards]
        columns = {"id": [a.doc for a in part], "text": [a.text for a in part]}
        columns |= {"outlet": [a.outlet for a in part], "date": [a.date for a in part]}
        paths.append(out / f"part-{k:03d}.parquet")
        pq.write_table(pa.table(columns), paths[-1])
    return paths


def as_row(row) -> dict:
    """A typed row, or an engine's dictionary of columns read as one (so that the Arrow struct of a lexicon
    term's evidence, which holds ``source`` and ``drop`` as nulls, reads as the entry a file holds)."""
    return (ScoredSentence.from_dict(row) if isinstance(row, dict) else row).as_dict()


def labels(row) -> tuple:
    row = as_row(row)
    return row["doc"].split(":", 1)[1], row["sentence"], row["opposition"], row["state"], row["voice"]


def key(row) -> tuple:
    """A row without the corpus prefix each engine gives its ``doc`` (file stem or "batch")."""
    row = as_row(row)
    return (row["doc"].split(":", 1)[1], *(str(row[c]) for c in COLUMNS if c != "doc"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--model", default=str(ROOT / "models" / "lexicon"))
    parser.add_argument("--int8", action="store_true")
    parser.add_argument("--shards", type=int, default=8)
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        shards = write_shards(args.data, tmp, args.shards)
        fields = Fields(text="text", id="id", outlet="outlet", date="date")

        started = time.perf_counter()
        score(shards, tmp / "score.parquet", Path(args.model), fields=fields, workers=2, int8=args.int8)
        results["framing score --workers 2"] = time.perf_counter() - started, read_scores([tmp / "score.parquet"])

        from datasets import load_dataset

        started = time.perf_counter()
        files = [str(s) for s in shards]
        dataset = load_dataset("parquet", data_files=files, split="train", cache_dir=str(tmp / "hf"))
        scorer = BatchScorer(args.model, outlet="outlet", date="date", int8=args.int8, threads=1)
        scored = dataset.map(
            scorer,
            batched=True,
            batch_size=64,
            num_proc=2,
            remove_columns=dataset.column_names,
            features=datasets_features(),
        )
        results["datasets map, num_proc=2"] = time.perf_counter() - started, scored.to_list()

        try:
            import ray
        except ImportError:
            ray = None
        if ray is not None:
            ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
            started = time.perf_counter()
            kwargs = {"model": args.model, "outlet": "outlet", "date": "date", "int8": args.int8, "threads": 1}
            rows = (  # as the README shows it: blocks for every actor, compute= for the deprecated concurrency=
                ray.data.read_parquet(files)
                .repartition(args.shards)
                .map_batches(
                    BatchScorer,
                    fn_constructor_kwargs=kwargs,
                    batch_format="pyarrow",
                    batch_size=64,
                    compute=ray.data.ActorPoolStrategy(size=2),
                    num_cpus=0.5,
                )
                .take_all()
            )
            results["Ray Data map_batches, 2 actors"] = time.perf_counter() - started, rows
            ray.shutdown()
    reference = sorted(map(key, results["framing score --workers 2"][1]))
    reference_labels = set(map(labels, results["framing score --workers 2"][1]))
    print(f"model {args.model}{' int8' if args.int8 else ''}, {len(shards)} shards, {len(reference):,} sentences")
    print("| engine | seconds | sentences/s | same rows as framing score | same labels |\n|---|---|---|---|---|")
    for name, (seconds, rows) in results.items():
        same = "yes" if sorted(map(key, rows)) == reference else "no"
        agree = len(reference_labels & set(map(labels, rows))) / len(reference)
        print(f"| {name} | {seconds:.1f} | {len(rows) / seconds:,.0f} | {same} | {agree:.2%} |")


if __name__ == "__main__":
    main()
