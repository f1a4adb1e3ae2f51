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

The model is loaded on first use in each process and kept there, keyed by its
directory and settings (``loaded_model``): Spark unpickles a scorer for every
task, and its reused Python workers load the model once, not once per task.
Only the settings travel to workers. ``device`` (default ``auto``: a CUDA GPU where the
worker sees one) is where a transformer runs in each worker. ``outlet``, ``date`` and ``title`` default
to the batch's columns of those names where it has them, so that profiles do
not file every row under "unknown" when a call names none.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from framing.classifiers.loading import LoadedModel, load_model
from framing.corpus.readers import Article, iso_date
from framing.corpus.sentences import DEFAULT_SEGMENTER
from framing.errors import FramingError
from framing.schemes import Scheme
from framing.scoring.rows import arrow_schema
from framing.scoring.streaming import label_rows, model_scheme, sentences_of

#: Columns of a scored batch of the default (Syrian) scheme, in ``arrow_schema`` order.
COLUMNS = [f.name for f in arrow_schema()]
#: ``outlet``, ``date`` and ``title``'s default: the batch's column of that name, if it has one.
AUTO = "auto"
#: Models loaded in this process, by directory, int8, threads and device (one per worker process, however
#: many times a scorer is unpickled).
_LOADED: dict[tuple, LoadedModel] = {}


def loaded_model(model: str | None, int8: bool = False, threads: int = 0, device: str = "auto") -> LoadedModel:
    """The model at ``model`` (None: the default), loaded once per process and settings."""
    key = (str(Path(model).resolve()) if model else None, int8, threads, device)
    if key not in _LOADED:
        if threads:
            import torch

            torch.set_num_threads(threads)
        _LOADED[key] = load_model(Path(model) if model else None, int8=int8, device=device)
    return _LOADED[key]


@dataclass
class BatchScorer:
    """Articles as columns in, sentence rows as columns out (see the module docstring for engines)."""

    model: str | None = None  # a model directory; None: the default model
    text: str = "text"
    id: str | None = "id"
    outlet: str | None = AUTO  # AUTO: the batch's "outlet" column where it has one; None: no outlet
    date: str | None = AUTO
    title: str | None = AUTO  # the headline column: context the transformer reads (not scored itself)
    corpus: str = "batch"  # the prefix of each row's ``doc`` key
    segmenter: str = DEFAULT_SEGMENTER
    int8: bool = False
    threads: int = 0  # torch / ONNX Runtime threads per process (0: the library's default)
    device: str = "auto"  # where a transformer runs: auto (a CUDA GPU if the worker sees one), cpu, cuda, cuda:N

    def loaded(self) -> LoadedModel:
        """The model, loaded once in this process (``loaded_model``)."""
        return loaded_model(self.model, self.int8, self.threads, self.device)

    @property
    def scheme(self) -> Scheme:
        """The label scheme of the model, and so of the output's columns."""
        return model_scheme(self.loaded())

    def columns(self, batch: Mapping[str, list]) -> dict[str, str | None]:
        """The batch's column for each input field (``AUTO`` resolved: the column of that name, or none)."""
        named = {"text": self.text, "id": self.id, "outlet": self.outlet, "date": self.date, "title": self.title}
        resolved = {k: (k if k in batch else None) if v == AUTO else v for k, v in named.items()}
        for name in resolved.values():
            if name is not None and name not in batch:
                raise FramingError(f"the batch has no column {name!r} (its columns: {', '.join(batch)})")
        return resolved

    def articles(self, batch: Mapping[str, list]) -> list[Article]:
        """The batch's articles; rows without text are skipped."""
        c = self.columns(batch)
        texts = list(batch[c["text"]])
        ids = list(batch[c["id"]]) if c["id"] else list(range(len(texts)))
        outlets = list(batch[c["outlet"]]) if c["outlet"] else [None] * len(texts)
        dates = list(batch[c["date"]]) if c["date"] else [None] * len(texts)
        titles = list(batch[c["title"]]) if c["title"] else [None] * len(texts)
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
        return {c.name: [row.get(c.name) for row in rows] for c in arrow_schema(self.scheme)}

    def table(self, batch):
        """A pyarrow Table of scored rows, with the Parquet schema of ``framing score``."""
        import pyarrow as pa

        return pa.Table.from_pylist(self.rows(batch.to_pydict()), schema=arrow_schema(self.scheme))

    def map_in_arrow(self, batches: Iterable) -> Iterator:
        """Spark's ``mapInArrow`` contract: record batches in, record batches out."""
        for batch in batches:
            yield from self.table(batch).to_batches()


def datasets_features(scheme: Scheme | None = None):
    """The output columns as ``datasets.Features`` (give them to ``map`` so every batch has one type);
    ``scheme``: the model's, default the Syrian one (``BatchScorer.scheme``)."""
    from datasets import Features

    return Features.from_arrow_schema(arrow_schema(scheme))


def spark_schema(scheme: Scheme | None = None) -> str:
    """The output schema as the DDL string Spark's ``mapInArrow`` takes (``scheme`` as for
    ``datasets_features``)."""
    import pyarrow as pa

    scalars = {pa.string(): "string", pa.int32(): "int", pa.int64(): "bigint", pa.float64(): "double"}
    scalars[pa.bool_()] = "boolean"

    def ddl(kind) -> str:
        if pa.types.is_struct(kind):
            return "struct<" + ", ".join(f"`{f.name}`: {ddl(f.type)}" for f in kind) + ">"
        if pa.types.is_list(kind):
            return f"array<{ddl(kind.value_type)}>"
        return scalars[kind]

    return ", ".join(f"`{f.name}` {ddl(f.type)}" for f in arrow_schema(scheme))
