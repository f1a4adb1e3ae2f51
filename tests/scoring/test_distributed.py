"""BatchScorer: the columnar function for datasets, Ray Data and Spark gives the rows framing score gives."""

import pickle

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from framing.corpus.readers import Article, Fields, read_path
from framing.errors import FramingError
from framing.scoring.distributed import COLUMNS, BatchScorer, datasets_features, spark_schema
from framing.scoring.rows import ScoredSentence, arrow_schema, read_scores
from framing.scoring.streaming import score

FIELDS = Fields(text="text", id="id", outlet="outlet", date="date")


def _shards(root, tmp_path, n=2) -> list:
    """The seed articles as ``n`` Parquet shards of (id, text, outlet, date)."""
    articles = [a for a in read_path(root / "seeds") if isinstance(a, Article)]
    paths = []
    for k in range(n):
        part = articles[k::n]
        table = {"id": [a.id for a in part], "text": [a.text for a in part]}
        table |= {"outlet": [a.outlet or "seed" for a in part], "date": [a.date for a in part]}
        paths.append(tmp_path / f"part-{k}.parquet")
        pq.write_table(pa.table(table), paths[-1])
    return paths


def _key(row) -> tuple:
    """A row (typed or a dict of columns, read as a row) without its corpus prefix (shards name their corpus
    after the file)."""
    row = (ScoredSentence.from_dict(row) if isinstance(row, dict) else row).as_dict()
    return (row["doc"].split(":", 1)[1], *(row[c] for c in COLUMNS if c != "doc"))


@pytest.fixture
def expected(root, tmp_path):
    shards = _shards(root, tmp_path)
    score(shards, tmp_path / "scores.jsonl", root / "models" / "lexicon", fields=FIELDS)
    return shards, sorted(map(_key, read_scores([tmp_path / "scores.jsonl"])))


def test_batch_scorer_gives_the_rows_of_framing_score(root, expected):
    shards, rows = expected
    scorer = BatchScorer(str(root / "models" / "lexicon"), outlet="outlet", date="date")
    got = []
    for shard in shards:
        columns = scorer(pq.read_table(shard).to_pydict())
        assert list(columns) == COLUMNS
        got += [dict(zip(columns, values)) for values in zip(*columns.values())]
    assert sorted(map(_key, got)) == rows


def test_datasets_map_in_two_processes(root, expected, tmp_path):
    from datasets import load_dataset

    shards, rows = expected
    files = [str(s) for s in shards]
    dataset = load_dataset("parquet", data_files=files, split="train", cache_dir=str(tmp_path / "hf"))
    scorer = BatchScorer(str(root / "models" / "lexicon"), outlet="outlet", date="date")
    columns, features = dataset.column_names, datasets_features()
    scored = dataset.map(scorer, batched=True, batch_size=2, num_proc=2, remove_columns=columns, features=features)
    assert sorted(map(_key, scored.to_list())) == rows


def test_arrow_batches_in_and_out_as_spark_and_ray_pass_them(root, expected):
    shards, rows = expected
    scorer = BatchScorer(str(root / "models" / "lexicon"), outlet="outlet", date="date")
    batches = [b for s in shards for b in pq.read_table(s).to_batches(max_chunksize=2)]
    out = list(scorer.map_in_arrow(iter(batches)))
    assert all(isinstance(b, pa.RecordBatch) and b.schema == arrow_schema() for b in out)
    assert sorted(map(_key, pa.Table.from_batches(out).to_pylist())) == rows
    table = scorer(pa.Table.from_batches(batches))  # Ray Data's batch_format="pyarrow"
    assert sorted(map(_key, table.to_pylist())) == rows


def test_scorer_pickles_without_its_model(root):
    scorer = BatchScorer(str(root / "models" / "lexicon"))
    scorer({"id": ["a"], "text": ["Rebels shelled the town."]})
    assert scorer._loaded is not None
    copy = pickle.loads(pickle.dumps(scorer))
    assert copy._loaded is None and len(pickle.dumps(scorer)) < 1000
    assert copy({"id": ["a"], "text": ["Rebels shelled the town."]})["opposition"] == ["rebel"]


def test_missing_column_and_empty_texts(root):
    scorer = BatchScorer(str(root / "models" / "lexicon"), outlet="source")
    with pytest.raises(FramingError, match="no column 'source'"):
        scorer({"id": [1], "text": ["x"]})
    scorer = BatchScorer(str(root / "models" / "lexicon"))
    assert scorer({"id": [1, 2], "text": [None, "  "]}) == {c: [] for c in COLUMNS}


def test_spark_schema_names_every_column():
    schema = spark_schema()
    assert all(f"`{c}`" in schema for c in COLUMNS)
    assert "array<struct<`term`: string" in schema


@pytest.mark.slow
def test_ray_data_map_batches(root, expected, tmp_path):
    ray = pytest.importorskip("ray")
    shards, rows = expected
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        dataset = ray.data.read_parquet([str(s) for s in shards])
        kwargs = {"model": str(root / "models" / "lexicon"), "outlet": "outlet", "date": "date"}
        # half a CPU per actor: two whole-CPU actors on a 2-CPU node leave none for the read tasks (it hangs)
        options = {"batch_format": "pyarrow", "concurrency": 2, "num_cpus": 0.5}
        scored = dataset.map_batches(BatchScorer, fn_constructor_kwargs=kwargs, **options)
        assert sorted(map(_key, scored.take_all())) == rows
    finally:
        ray.shutdown()


def test_titles_reach_the_transformer_as_in_framing_score(root, tmp_path, tiny_context_dir):
    """A context model reads each article's headline: BatchScorer's title column gives the rows that
    ``framing score`` gives with the title field, and other rows without it."""
    articles = [a for a in read_path(root / "seeds") if isinstance(a, Article)]
    table = {"id": [a.id for a in articles], "text": [a.text for a in articles]}
    table |= {"title": ["ISIS claims the attack"] * len(articles), "outlet": ["seed"] * len(articles)}
    shard = tmp_path / "titled.parquet"
    pq.write_table(pa.table(table), shard)
    fields = Fields(text="text", id="id", outlet="outlet", title="title")
    score([shard], tmp_path / "scores.jsonl", tiny_context_dir, fields=fields)
    expected = sorted(map(_key, read_scores([tmp_path / "scores.jsonl"])))
    with_title = BatchScorer(str(tiny_context_dir), outlet="outlet", title="title")
    without = BatchScorer(str(tiny_context_dir), outlet="outlet")
    rows = {}
    for name, scorer in (("with", with_title), ("without", without)):
        columns = scorer(pq.read_table(shard).to_pydict())
        rows[name] = sorted(map(_key, (dict(zip(columns, v)) for v in zip(*columns.values()))))
    assert rows["with"] == expected
    assert rows["without"] != expected  # the headline changed the heads' input, so some scores differ
