"""Score articles or sentences into rows, one row per sentence (JSON Lines, Parquet, CSV or Excel:
``framing.scoring.outputs``).

Work streams in chunks of articles: each chunk is read, split, classified and
encoded, and the writer appends it to a temporary file that replaces the
output only when everything has been written. At most a few chunks are in
flight at once, so memory does not grow with the corpus. Each classifier's
``runtime`` (``framing.classifiers.protocol``) says how it runs: the lexicon in
worker processes (one per core), the transformer in this process on all cores,
with the next chunk prepared (split, tokenised) in a thread while the current
one is classified, or, on a GPU, in spawned worker processes (one per core, up
to 8) that share it. Rows are ``framing.scoring.rows.ScoredSentence``.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import tempfile
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from framing.classifiers.loading import LoadedModel, load_model
from framing.classifiers.schema import SCHEME, Context, Scheme
from framing.corpus.outlets import OutletNames
from framing.corpus.readers import Article, Fields, check_article, read_path, sentence_lines
from framing.corpus.sentences import DEFAULT_SEGMENTER, Sentence, segmenter, split
from framing.corpus.sources import STDIN, as_stdin, kind, spooled_stdin
from framing.errors import DocumentError, FramingError
from framing.io import atomic_write, check_output, jsonl_rows
from framing.progress import count_in_background, progress
from framing.scoring.outputs import (
    ChunkWriter,
    binary,
    encode,
    json_end,
    json_head,
    json_lines,
    json_scores,
    output_format,
    spool,
    written_by_field,
)
from framing.scoring.rows import ScoredSentence

#: Chunks in flight per worker process: enough to keep workers busy, few enough to keep memory flat.
IN_FLIGHT = 2
#: Seconds an error waits for the worker pool to be torn down before it is raised anyway.
TERMINATE_WAIT = 5.0


@dataclass
class ScoreReport:
    """What a scoring run did: counts, the documents that failed, and notes on the outlet names map
    (``framing.corpus.outlets.OutletNames.notes``: outlets merged under one name, names no article had)."""

    articles: int = 0
    sentences: int = 0
    failures: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def label_rows(
    model: LoadedModel, sentences: list[tuple[Article, Sentence]], prepared=None, shared: bool = False
) -> list[ScoredSentence]:
    """Classify a chunk of sentences; labels are the most probable in ``labels_`` order, rows of the
    model's scheme. Labels and scores are read out of the arrays a field at a time (a lexicon scores
    tens of thousands of sentences a second per core, so per-row numpy indexing would show); a classifier
    sure of every label (``sure``: the lexicon) skips the arrays. ``shared``: rows with the same labels
    may share one ``scores`` dictionary (for rows encoded and dropped at once)."""
    scheme = model_scheme(model)
    fields = scheme.fields
    classifier = model.classifier
    names = [[str(label) for label in labels] for labels in classifier.labels_]
    if prepared is None:
        prepared = classifier.prepare([s.text for _, s in sentences], sentence_context(sentences))
    sure = getattr(classifier, "sure", None)
    labelled = sure(prepared) if sure is not None else None
    if labelled is not None:
        chosen, explanations = labelled
        scores = _one_hot_scores(chosen, names, fields, shared)
    else:
        chosen, scores, explanations = _most_probable(classifier, prepared, names, fields)
    make = _row_maker(model, scheme)
    return [
        make(article, sentence, row_labels, row_scores, explained)
        for (article, sentence), row_labels, row_scores, explained in zip(
            sentences, chosen, scores, explanations, strict=True
        )
    ]


def _row_maker(model: LoadedModel, scheme: Scheme):
    """A function making a chunk's rows of ``scheme`` from each sentence, its labels (in ``scheme.fields``
    order), scores and explanation."""
    fields, voice_field, name = scheme.fields, scheme.voice.field, model.name

    def make(article: Article, sentence: Sentence, row_labels, row_scores: dict, explained) -> ScoredSentence:
        labels = dict(zip(fields, row_labels))
        voice = labels.pop(voice_field)
        evidence = [e.as_dict() for e in explained.evidence] if explained is not None else []
        return ScoredSentence.made(
            row_doc(article), sentence.index, sentence.start, sentence.end, sentence.text, article.outlet, article.date,
            labels, voice, row_scores, evidence, name, scheme,
        )  # fmt: skip

    return make


def row_doc(article: Article) -> str:
    """The ``doc`` of an article's rows: its document key, or a ``--sentences`` row's own id."""
    return article.doc if article.corpus != "sentences" else article.id


def json_chunk(model: LoadedModel, sentences: list[tuple[Article, Sentence]], prepared) -> str:
    """``json_lines(label_rows(model, sentences, prepared))``, quicker for a classifier ``sure`` of its labels: a
    row without evidence is written as its place (``json_head``) and the end of the first row of its labels,
    which is the same for every such row (its scores are one-hot of its labels); only rows with evidence, and
    one row per labels, are made."""
    scheme = model_scheme(model)
    classifier = model.classifier
    sure = getattr(classifier, "sure", None)
    labelled = sure(prepared) if sure is not None and written_by_field(scheme) else None
    if labelled is None:
        return json_lines(label_rows(model, sentences, prepared, shared=True))
    chosen, explanations = labelled
    names = [[str(label) for label in labels] for labels in classifier.labels_]
    scores = _one_hot_scores(chosen, names, scheme.fields, shared=True)
    make = _row_maker(model, scheme)
    ends: dict[tuple[str, ...], str] = {}  # the end of a row without evidence, by its labels
    scored: dict[tuple[str, ...], str] = {}  # its scores encoded, by its labels (they are one-hot of them)
    lines = []
    for (article, sentence), row_labels, row_scores, explained in zip(
        sentences, chosen, scores, explanations, strict=True
    ):
        plain = explained is None or not explained.evidence
        end = ends.get(row_labels) if plain else None
        if end is None:
            row = make(article, sentence, row_labels, row_scores, explained)
            encoded = scored.get(row_labels)
            if encoded is None:
                encoded = scored[row_labels] = json_scores(row)
            end = json_end(row, encoded)
            if plain:
                ends[row_labels] = end
            lines.append(json_head(row.doc, row.sentence, row.start, row.end, row.text, row.outlet, row.date) + end)
            continue
        lines.append(
            json_head(
                row_doc(article),
                sentence.index,
                sentence.start,
                sentence.end,
                sentence.text,
                article.outlet,
                article.date,
            )
            + end
        )
    return "".join(lines)


def _most_probable(classifier, prepared, names: list[list[str]], fields: tuple[str, ...]) -> tuple[list, list, list]:
    """Each row's most probable labels (in ``labels_`` order), its scores per field (probabilities rounded to
    four places) and its evidence, read out of ``probabilities`` a field at a time."""
    probabilities = classifier.probabilities(prepared)
    best = [p.argmax(axis=1) for p in probabilities]
    explanations = classifier.evidence(prepared, best)
    chosen = [[names[j][k] for k in b.tolist()] for j, b in enumerate(best)]
    rounded = [np.round(p.astype(np.float64), 4).tolist() for p in probabilities]
    per_field = [[dict(zip(names[j], row)) for row in rows] for j, rows in enumerate(rounded)]
    return list(zip(*chosen)), [dict(zip(fields, row)) for row in zip(*per_field)], explanations


def _one_hot_scores(
    chosen: list[tuple[str, ...]], names: list[list[str]], fields: tuple[str, ...], shared: bool = False
) -> list[dict]:
    """The scores of rows labelled for sure: 1.0 for each field's label, 0.0 for the others, as
    ``_most_probable`` reads them off one-hot probabilities (each row its own dictionaries, unless ``shared``:
    one per distinct labels)."""
    made: dict[tuple[str, ...], dict] = {}
    scores = []
    for labels in chosen:
        template = made.get(labels)
        if template is None:
            template = made[labels] = {
                field: {name: 1.0 if name == label else 0.0 for name in known}
                for field, label, known in zip(fields, labels, names)
            }
        scores.append(template if shared else {field: dict(inner) for field, inner in template.items()})
    return scores


def model_scheme(model: LoadedModel) -> Scheme:
    """The label scheme of a model's rows: its directory's, else its classifier's, else the default."""
    return model.scheme or getattr(model.classifier, "scheme", None) or SCHEME


def sentence_articles(path: Path, outlet: str | None = None) -> Iterator[Article | DocumentError]:
    """``--sentences`` input: JSON Lines rows with ``id`` and ``text`` (and optional ``outlet``, ``date``,
    and the context a transformer reads: ``title``, the headline, and ``previous``, the sentence before),
    or a ``.txt`` file of one sentence per non-empty line (id ``<file>:<line>``); either possibly ``.gz`` or ``.zst``,
    or ``-``, standard input. ``outlet`` is the outlet of every sentence."""
    if str(path) == STDIN:
        with spooled_stdin(sentences=True) as spooled:
            try:
                for item in sentence_articles(spooled, outlet):
                    yield as_stdin(item, spooled) if isinstance(item, DocumentError) else item
            except FramingError as error:
                raise as_stdin(error, spooled) from None
        return
    rows = sentence_lines(Path(path)) if kind(path) == ".txt" else jsonl_rows(path)
    for item in rows:
        if isinstance(item, DocumentError):  # a malformed line: reported, the rest are scored
            yield item
            continue
        number, row = item
        if not isinstance(row.get("text"), str) or "id" not in row:
            yield DocumentError(f"{path} line {number}: a sentence row needs 'id' and 'text'")
            continue
        bad = [k for k in ("title", "previous") if row.get(k) is not None and not isinstance(row[k], str)]
        if bad:
            yield DocumentError(f"{path} line {number}: {', '.join(bad)} must be text")
            continue
        extra = {"previous": row["previous"]} if row.get("previous") else {}
        where = outlet or row.get("outlet")
        article = Article("sentences", str(row["id"]), row["text"], where, row.get("date"), row.get("title"), extra)
        try:
            check_article(article, f"{path} line {number}")
        except DocumentError as error:
            yield error
            continue
        yield article


def sentence_context(pairs: list[tuple[Article, Sentence]]) -> list[Context]:
    """Each sentence's context: its article's title, and the sentence before it in the same article (or
    the ``previous`` a ``--sentences`` row gives)."""
    context = []
    for i, (article, _) in enumerate(pairs):
        if article.corpus == "sentences":
            previous = article.extra.get("previous")
        else:
            same = i > 0 and pairs[i - 1][0] is article
            previous = pairs[i - 1][1].text if same else None
        context.append(Context(article.title or None, previous))
    return context


def with_title(article: Article) -> Article:
    """The article with its title (if any) as its first line, then a blank line, then its text: the
    title is scored as the first sentence, and every offset counts from the title's start (``--score-titles``)."""
    if not (article.title or "").strip():
        return article
    return replace(article, text=f"{article.title.strip()}\n\n{article.text}")


def sentences_of(article: Article, whole: bool, segmenter_name: str = DEFAULT_SEGMENTER) -> list[Sentence]:
    if whole:
        return [Sentence(article.id, 0, 0, len(article.text), article.text)]
    return split(article.doc, article.text, segmenter_name)


# -- the work of one chunk, in this process or a worker ------------------------------------------

_WORKER: dict = {}


@dataclass(frozen=True)
class Job:
    """What every chunk needs to know: the model, how to split, how to encode."""

    model_path: Path
    int8: bool = False
    segmenter: str = DEFAULT_SEGMENTER
    fmt: str = "jsonl"
    whole: bool = False
    threads: int = 0
    device: str = "auto"
    #: A folder where worker processes leave their encoded text chunks for the writer (None: sent back).
    spool: str | None = None


def loaded_model() -> LoadedModel | None:
    """The model this process scored with last (after ``score`` with one worker: the caller's)."""
    return _WORKER.get("model")


def _model(job: Job) -> LoadedModel:
    """The job's model, loaded once per process (inherited when workers fork)."""
    key = (job.model_path, job.int8, job.device)
    if _WORKER.get("key") != key:
        _WORKER.update(key=key, model=load_model(job.model_path, int8=job.int8, device=job.device))
    return _WORKER["model"]


def _init_worker(job: Job) -> None:
    # Ctrl-C reaches every process of the terminal's group: only the parent acts on it, and stops the
    # workers with SIGTERM, which ends them silently (not through the parent's handler, inherited by fork)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if job.threads:
        import torch

        torch.set_num_threads(job.threads)
    _model(job)


def prepare_chunk(job: Job, articles: list[Article]):
    """Split a chunk's articles; for the transformer also tokenise (this part can run ahead in a thread)."""
    pairs = [(a, s) for a in articles for s in sentences_of(a, job.whole, job.segmenter)]
    classifier = _model(job).classifier
    if not pairs:
        return pairs, None
    # a classifier that reads no context (``reads_context = False``: the lexicon) is not given any
    context = sentence_context(pairs) if getattr(classifier, "reads_context", True) else None
    return pairs, classifier.prepare([s.text for _, s in pairs], context)


def finish_chunk(job: Job, pairs, prepared) -> tuple[object, int]:
    """Classify and encode a prepared chunk; returns the payload and its sentence count. Text (JSON Lines, CSV)
    comes as UTF-8 bytes, which the writer appends as they are (a worker's are left in a file, ``score_chunk``, and
    copied into the output without being decoded and encoded again in the main process)."""
    model = _model(job)
    if job.fmt == "jsonl":
        payload = json_chunk(model, pairs, prepared) if pairs else ""
    else:
        payload = encode(label_rows(model, pairs, prepared, shared=True), job.fmt)
    return payload.encode("utf-8") if isinstance(payload, str) else payload, len(pairs)


def score_chunk(job: Job, articles: list[Article]) -> tuple[object, int]:
    """Split, classify and encode one chunk of articles (a worker's task). With a ``spool`` folder, encoded text
    is left in a file there (``SpooledChunk``): the writer copies it in the kernel, where bytes sent back
    through the pool's pipe would be pickled, copied and unpickled (about 2 of the 6.5 µs a sentence the main
    process spent on the lexicon's chunks; README, "Speed")."""
    payload, count = finish_chunk(job, *prepare_chunk(job, articles))
    if job.spool is not None:
        return spool(payload, job.spool), count
    return payload, count


def chunks(
    articles: Iterable[Article | DocumentError], report: ScoreReport, size_chars: int
) -> Iterator[list[Article]]:
    """Articles grouped into chunks of about ``size_chars`` characters; failures go to the report."""
    chunk, size = [], 0
    for item in articles:
        if isinstance(item, DocumentError):
            report.failures.append(str(item))
            continue
        chunk.append(item)
        size += len(item.text)
        if size >= size_chars:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def _sequential(job: Job, batches: Iterator[list[Article]]) -> Iterator[tuple[object, int, int]]:
    """Chunks in order in this process; the next chunk is prepared in a thread meanwhile."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = None
        for batch in batches:
            ahead = pool.submit(prepare_chunk, job, batch), len(batch)
            if pending is not None:
                yield *finish_chunk(job, *pending[0].result()), pending[1]
            pending = ahead
        if pending is not None:
            yield *finish_chunk(job, *pending[0].result()), pending[1]


def _parallel(job: Job, batches: Iterator[list[Article]], workers: int) -> Iterator[tuple[object, int, int]]:
    """Chunks in order from worker processes, with a bounded number in flight."""
    # torch's thread pools do not survive fork: transformer workers start fresh, one thread each
    forkable = "fork" in multiprocessing.get_all_start_methods() and not _model(job).classifier.runtime.in_process
    context = multiprocessing.get_context("fork" if forkable else "spawn")
    if not forkable:
        job = replace(job, threads=1)
    # text is left in files for the writer, in a folder removed on every way out
    folder = (
        nullcontext()
        if binary(job.fmt)
        else tempfile.TemporaryDirectory(prefix="framing-chunks-", ignore_cleanup_errors=True)
    )
    with folder as spooled:
        yield from _pooled(replace(job, spool=spooled), batches, workers, context)


def _pooled(job: Job, batches: Iterator[list[Article]], workers: int, context) -> Iterator[tuple[object, int, int]]:
    """``_parallel``'s pool: a bounded number of chunks in flight, results in order."""
    # the objects alive now (the model, every module) are left out of the workers' garbage collections, which
    # would otherwise walk them again and again (and copy the pages they touch)
    gc.freeze()
    try:
        pool = context.Pool(workers, initializer=_init_worker, initargs=(job,))
    finally:
        gc.unfreeze()
    try:
        in_flight: deque = deque()
        for batch in batches:
            in_flight.append((pool.apply_async(score_chunk, (job, batch)), len(batch)))
            if len(in_flight) >= workers * IN_FLIGHT:
                result, n = in_flight.popleft()
                yield *result.get(), n
        while in_flight:
            result, n = in_flight.popleft()
            yield *result.get(), n
    except BaseException:
        # An error or a stop signal: end the workers now. Pool.terminate can wait forever (on a worker its
        # SIGTERM missed, or on a queue lock a dead worker held), so it runs beside a reaper that kills the
        # workers still alive after a grace period, and is waited for only that long.
        stopper = threading.Thread(target=pool.terminate, name="pool-terminate", daemon=True)
        stopper.start()
        _reap_workers()
        stopper.join(TERMINATE_WAIT)
        raise
    else:
        pool.close()  # done: the workers finish their queue and exit on their own, no signal involved
        pool.join()


def _reap_workers(grace: float = 2.0) -> None:
    """Kill the pool workers of this process still alive ``grace`` seconds after they were told to stop."""
    deadline = time.monotonic() + grace
    for child in multiprocessing.active_children():
        if "PoolWorker" in child.name:
            child.join(max(0.0, deadline - time.monotonic()))
            if child.is_alive():
                child.kill()
                child.join(1.0)


def default_workers(model: LoadedModel) -> int:
    """Worker processes: one per core (at most 8) for the lexicon and for a runtime that runs ``per_core`` (a
    network on a GPU, int8 on the CPU); one for a full-precision transformer on the CPU (torch uses every core)."""
    runtime = model.classifier.runtime
    return max(1, min(os.cpu_count() or 1, 8)) if not runtime.in_process or runtime.per_core else 1


def score(
    inputs: list[Path],
    out: Path,
    model_path: Path | None = None,
    sentences: bool = False,
    fields: Fields | None = None,
    label: str = "scoring",
    segmenter_name: str = DEFAULT_SEGMENTER,
    workers: int | None = None,
    int8: bool = False,
    *,
    outlet: str | None = None,
    score_titles: bool = False,
    outlet_names: Mapping[str, str] | None = None,
    device: str = "auto",
) -> ScoreReport:
    """Score every input file or directory (``-``: standard input) into ``out``, in the format its extension
    names (``framing.scoring.outputs``: .jsonl, .parquet, .csv, .xlsx).

    ``workers``: processes (None: one per core for the lexicon and int8, 1 for a full-precision transformer).
    ``outlet``: the outlet of every article. ``score_titles``: score each article's title as its first sentence
    (``with_title``; off by default, as it moves every sentence's index and offsets). ``outlet_names``: display
    names of outlets (``framing.corpus.outlets``), applied as articles are read; the report's ``notes`` say
    which outlets it merged and which of its outlets no article had. ``device``: where a transformer runs
    (``auto``: a CUDA GPU if torch sees one, else the CPU; ``framing.classifiers.device``). ``out`` may not be an
    input, nor anything but a regular file or a new name."""
    from framing.classifiers.loading import default_model_path

    segmenter(segmenter_name)  # an unknown name fails before any work
    if sum(str(path) == STDIN for path in inputs) > 1:
        raise FramingError("standard input (-) can be read only once; give - once")
    files = [Path(path) for path in inputs if str(path) != STDIN]
    for path in files:
        if not path.exists():
            raise FramingError(f"{path}: no such file or directory")
    check_output(out, files)
    fmt = output_format(out)  # an unknown extension fails here, before the model is loaded
    if workers is not None and workers < 1:
        raise FramingError(f"--workers must be at least 1, not {workers}; leave it out for the default")
    names = OutletNames(outlet_names, "outlet names") if outlet_names is not None else None
    job = Job(Path(model_path or default_model_path()), int8, segmenter_name, fmt, sentences, device=device)
    model = _model(job)
    workers = workers or default_workers(model)
    report = ScoreReport()

    def articles() -> Iterator[Article | DocumentError]:
        for path in inputs:
            if sentences:
                yield from sentence_articles(path, outlet)
                continue
            for item in read_path(path if str(path) == STDIN else Path(path), fields, outlet):
                yield with_title(item) if score_titles and isinstance(item, Article) else item

    size = model.classifier.runtime.chunk_chars
    batches = chunks(names.apply(articles()) if names else articles(), report, size)
    results = _sequential(job, batches) if workers == 1 else _parallel(job, batches, workers)
    bar = progress(desc=label, unit=" docs")
    # the documents are counted beside a transformer (slow enough that reading twice costs nothing) for an ETA
    countable = model.classifier.runtime.in_process and not any(str(path) == STDIN for path in inputs)
    counting = count_in_background(bar, articles, Article) if countable else None
    with atomic_write(out, "wb" if binary(job.fmt) else "w") as handle:
        writer = ChunkWriter(handle, job.fmt, model_scheme(model))
        try:
            for payload, n_sentences, n_articles in results:
                writer.write(payload)
                report.sentences += n_sentences
                report.articles += n_articles
                bar.update(n_articles)
        finally:
            if counting is not None:
                counting.set()
            bar.close()
            writer.close()
        if report.articles == 0 and report.failures:
            raise DocumentError("nothing could be scored:\n" + "\n".join(report.failures))
        if report.articles == 0:
            raise FramingError(f"{', '.join(map(str, inputs))}: no documents to score")
    report.notes += names.notes() if names else []
    return report
