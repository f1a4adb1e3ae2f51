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


def _framing_rows(shards: list, model, out, int8: bool = False) -> list:
    """The rows ``framing score`` writes for ``shards`` with ``model`` (to ``out``), as ``_key``s, sorted."""
    score(shards, out, model, fields=FIELDS, int8=int8)
    return sorted(map(_key, read_scores([out])))


@pytest.fixture
def expected(root, tmp_path):
    shards = _shards(root, tmp_path)
    return shards, _framing_rows(shards, root / "models" / "lexicon", tmp_path / "scores.jsonl")


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
    copy = pickle.loads(pickle.dumps(scorer))
    assert len(pickle.dumps(scorer)) < 1000  # the settings travel, not the model
    # Spark unpickles a scorer per task: a process loads the model once, whatever the copies
    assert copy.loaded() is scorer.loaded()
    assert copy({"id": ["a"], "text": ["Rebels shelled the town."]})["opposition"] == ["rebel"]
    int8_other = BatchScorer(str(root / "models" / "lexicon"), threads=1)
    assert int8_other.loaded() is not scorer.loaded()  # other settings: a model of their own


def test_outlet_date_and_title_columns_are_used_where_the_batch_has_them(root):
    """A call that names no outlet or date still files rows under the batch's outlet and date columns."""
    batch = {"id": ["a", "b"], "text": ["Rebels shelled the town.", "The regime fell."]}
    batch |= {"outlet": ["X", "Y"], "date": ["2016-03-01", "3/2/16"]}
    columns = BatchScorer(str(root / "models" / "lexicon"))(batch)
    assert columns["outlet"] == ["X", "Y"] and columns["date"] == ["2016-03-01", "2016-03-02"]
    none = BatchScorer(str(root / "models" / "lexicon"), outlet=None, date=None)(batch)
    assert none["outlet"] == [None, None] and none["date"] == [None, None]
    bare = BatchScorer(str(root / "models" / "lexicon"))({"id": ["a"], "text": ["Rebels shelled the town."]})
    assert bare["outlet"] == [None]


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


def _ray_rows(ray, shards: list, **kwargs) -> list:
    """The rows Ray Data scores from ``shards`` with ``BatchScorer(**kwargs)`` on two actors, as the README
    shows it, as ``_key``s, sorted (outlet and date: the batch's columns). The signal handlers ``ray.init``
    installs (SIGTERM exits the process) are undone after, so that later tests see this process's own."""
    import signal

    handlers = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGINT)}
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        # as many blocks as actors at least, or one actor gets them all (README, "Speed")
        dataset = ray.data.read_parquet([str(s) for s in shards]).repartition(4)
        # half a CPU per actor: two whole-CPU actors on a 2-CPU node leave none for the read tasks (it hangs);
        # compute= replaces the concurrency= that Ray 2.51 deprecated
        pool = ray.data.ActorPoolStrategy(size=2)
        options = {"batch_format": "pyarrow", "compute": pool, "num_cpus": 0.5}
        scored = dataset.map_batches(BatchScorer, fn_constructor_kwargs=kwargs, **options)
        return sorted(map(_key, scored.take_all()))
    finally:
        ray.shutdown()
        for signum, handler in handlers.items():
            signal.signal(signum, handler)


@pytest.mark.slow
def test_ray_data_map_batches(root, expected):
    ray = pytest.importorskip("ray")
    shards, rows = expected
    assert _ray_rows(ray, shards, model=str(root / "models" / "lexicon")) == rows


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
    without = BatchScorer(str(tiny_context_dir), outlet="outlet", title=None)
    rows = {}
    for name, scorer in (("with", with_title), ("without", without)):
        columns = scorer(pq.read_table(shard).to_pydict())
        rows[name] = sorted(map(_key, (dict(zip(columns, v)) for v in zip(*columns.values()))))
    assert rows["with"] == expected
    assert rows["without"] != expected  # the headline changed the heads' input, so some scores differ


def _spark_missing() -> str:
    """Why Spark cannot run here ('' when it can); CI sets FRAMING_REQUIRE_SPARK so that it fails instead."""
    import importlib.util
    import os
    import shutil

    if os.environ.get("FRAMING_REQUIRE_SPARK"):
        return ""
    if importlib.util.find_spec("pyspark") is None:
        return "pyspark is not installed (pip install pyspark; `make spark`)"
    if not (shutil.which("java") or os.environ.get("JAVA_HOME")):
        return "no Java (Debian: default-jre-headless; `make spark`)"
    return ""


def _spark_rows(model, shards, int8: bool = False, partitions: int = 2) -> list:
    """The rows Spark ``local[2]`` scores from ``shards`` with ``BatchScorer(model)``, as the README shows it
    (``mapInArrow``), their column names checked."""
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master("local[2]")
        .appName("framing-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate()
    )
    try:
        frame = spark.read.parquet(*[str(s) for s in shards]).repartition(partitions)
        scorer = BatchScorer(str(model), int8=int8)
        scored = frame.mapInArrow(scorer.map_in_arrow, spark_schema()).toArrow()
        assert scored.schema.names == COLUMNS
        return sorted(map(_key, scored.to_pylist()))
    finally:
        spark.stop()


@pytest.mark.slow
@pytest.mark.skipif(bool(_spark_missing()), reason=_spark_missing() or "spark")
def test_spark_map_in_arrow_gives_the_rows_of_framing_score(root, expected, monkeypatch):
    """Spark ``local[2]``, as the README shows it: the scored rows equal ``framing score``'s, outlet and
    date included, with workers running this Python (``PYSPARK_PYTHON``)."""
    import sys

    monkeypatch.setenv("PYSPARK_PYTHON", sys.executable)  # else the workers run the system's Python
    shards, rows = expected
    got = _spark_rows(root / "models" / "lexicon", shards)
    assert got == rows and {r[5] for r in got} == {"seed"}  # outlets, not "unknown"


@pytest.mark.slow
@pytest.mark.skipif(bool(_spark_missing()), reason=_spark_missing() or "spark")
def test_spark_int8_scores_equal_framing_score_whatever_the_partitions(root, tmp_path, monkeypatch):
    """The shipped transformer in int8 on Spark (issue 17): the rows, scores to the last digit included, are
    those ``framing score --int8`` writes in one process, with the articles in 2 partitions and in 3."""
    import sys

    monkeypatch.setenv("PYSPARK_PYTHON", sys.executable)
    model = root / "models" / "transformer"
    shards = _shards(root, tmp_path, n=3)
    rows = _framing_rows(shards, model, tmp_path / "int8.jsonl", int8=True)
    assert len(rows) > 100
    for partitions in (2, 3):
        assert _spark_rows(model, shards, int8=True, partitions=partitions) == rows, f"{partitions} partitions"


@pytest.mark.slow
def test_ray_int8_scores_equal_framing_score(root, tmp_path):
    """The shipped transformer in int8 on Ray Data, two actors over four blocks: the rows and scores of
    ``framing score --int8`` (issue 17)."""
    ray = pytest.importorskip("ray")
    model = root / "models" / "transformer"
    shards = _shards(root, tmp_path)
    rows = _framing_rows(shards, model, tmp_path / "int8.jsonl", int8=True)
    assert _ray_rows(ray, shards, model=str(model), int8=True, threads=1) == rows
