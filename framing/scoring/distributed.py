"""Scoring as one function over columnar batches, for dataset engines.

``BatchScorer`` turns a batch of articles (columns: text, and optionally id,
outlet, date) into a batch of sentence rows, the same rows ``framing score``
writes. It is the one piece a distributed engine needs, and the classifiers
are not changed for it:

- Hugging Face ``datasets``: ``ds.map(BatchScorer(...), batched=True,
  num_proc=N, remove_columns=ds.column_names)`` (processes on one machine;
  Parquet shards via ``load_dataset("parquet", data_files=...)``);
- Ray Data: ``ds.map_batches(BatchScorer, fn_constructor_kwargs={...},
  batch_format="pyarrow", concurrency=N)`` (each actor loads the model once);
- Spark: ``df.mapInArrow(BatchScorer(...).map_in_arrow, schema)`` with
  ``schema`` from ``spark_schema()``.

The model is loaded on first use in each process, and dropped when the
scorer is pickled, so only the settings travel to workers.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from framing.classifiers.loading import LoadedModel, load_model
from framing.corpus.readers import Article, iso_date
from framing.corpus.sentences import DEFAULT_SEGMENTER
from framing.errors import FramingError
from framing.scoring.rows import arrow_schema
from framing.scoring.streaming import label_rows, sentences_of

#: Columns of a scored batch, in ``arrow_schema`` order.
COLUMNS = [f.name for f in arrow_schema()]


@dataclass
class BatchScorer:
    """Articles as columns in, sentence rows as columns out (see the module docstring for engines)."""

    model: str | None = None  # a model directory; None: the default model
    text: str = "text"
    id: str | None = "id"
    outlet: str | None = None
    date: str | None = None
    title: str | None = None  # the headline column: context the transformer reads (not scored itself)
    corpus: str = "batch"  # the prefix of each row's ``doc`` key
    segmenter: str = DEFAULT_SEGMENTER
    int8: bool = False
    threads: int = 0  # torch / ONNX Runtime threads per process (0: the library's default)

    def __post_init__(self) -> None:
        self._loaded: LoadedModel | None = None

    def __getstate__(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k != "_loaded"}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._loaded = None

    def loaded(self) -> LoadedModel:
        """The model, loaded in this process on first use."""
        if self._loaded is None:
            if self.threads:
                import torch

                torch.set_num_threads(self.threads)
            self._loaded = load_model(Path(self.model) if self.model else None, int8=self.int8)
        return self._loaded

    def articles(self, batch: Mapping[str, list]) -> list[Article]:
        """The batch's articles; rows without text are skipped."""
        for name in (self.text, self.id, self.outlet, self.date, self.title):
            if name is not None and name not in batch:
                raise FramingError(f"the batch has no column {name!r} (its columns: {', '.join(batch)})")
        texts = list(batch[self.text])
        ids = list(batch[self.id]) if self.id else list(range(len(texts)))
        outlets = list(batch[self.outlet]) if self.outlet else [None] * len(texts)
        dates = list(batch[self.date]) if self.date else [None] * len(texts)
        titles = list(batch[self.title]) if self.title else [None] * len(texts)
        return [
            Article(
                self.corpus,
                str(i),
                t,
                None if o is None else str(o),
                iso_date(str(d)) if d else None,
                h if isinstance(h, str) and h.strip() else None,
            )
            for t, i, o, d, h in zip(texts, ids, outlets, dates, titles)
            if isinstance(t, str) and t.strip()
        ]

    def rows(self, batch: Mapping[str, list]) -> list[dict]:
        """Scored sentence rows of a batch, as ``framing score`` writes them."""
        pairs = [(a, s) for a in self.articles(batch) for s in sentences_of(a, False, self.segmenter)]
        return [row.as_dict() for row in label_rows(self.loaded(), pairs)] if pairs else []

    def __call__(self, batch):
        """A dict of columns in, a dict of columns out (``datasets.map``); a pyarrow Table or RecordBatch
        in, a pyarrow Table out (Ray Data's ``batch_format="pyarrow"``)."""
        if hasattr(batch, "to_pydict"):
            return self.table(batch)
        rows = self.rows(batch)
        return {c: [row[c] for row in rows] for c in COLUMNS}

    def table(self, batch):
        """A pyarrow Table of scored rows, with the Parquet schema of ``framing score``."""
        import pyarrow as pa

        return pa.Table.from_pylist(self.rows(batch.to_pydict()), schema=arrow_schema())

    def map_in_arrow(self, batches: Iterable) -> Iterator:
        """Spark's ``mapInArrow`` contract: record batches in, record batches out."""
        for batch in batches:
            yield from self.table(batch).to_batches()


def datasets_features():
    """The output columns as ``datasets.Features`` (give them to ``map`` so every batch has one type)."""
    from datasets import Features

    return Features.from_arrow_schema(arrow_schema())


def spark_schema() -> str:
    """The output schema as the DDL string Spark's ``mapInArrow`` takes."""
    import pyarrow as pa

    scalars = {pa.string(): "string", pa.int32(): "int", pa.int64(): "bigint", pa.float64(): "double"}
    scalars[pa.bool_()] = "boolean"

    def ddl(kind) -> str:
        if pa.types.is_struct(kind):
            return "struct<" + ", ".join(f"`{f.name}`: {ddl(f.type)}" for f in kind) + ">"
        if pa.types.is_list(kind):
            return f"array<{ddl(kind.value_type)}>"
        return scalars[kind]

    return ", ".join(f"`{f.name}` {ddl(f.type)}" for f in arrow_schema())
