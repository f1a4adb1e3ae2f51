"""Model evidence for scored sentences: which rows lack it, adding it, and the work of ``framing explain``.

A row's lexicon evidence explains a label when a term of the word list decided it. Where none did (a
transformer's ``government`` for "Damascus said its forces ..."), ``add_model_evidence`` adds the words
the model's label rests on (``framing.classifiers.explain``: occlusion) as entries with
``source: model`` and their ``drop``. Labels and probabilities stay as they were; only ``evidence``
grows, so a scores file with model evidence reads like any other and the report needs no model to
show it. ``explain_scores`` does this for a scores file (written back atomically), ``explain_sentences``
for sentences given on their own.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from framing.classifiers.explain import MIN_DROP, TOP, occlusion
from framing.classifiers.loading import LoadedModel, load_model
from framing.classifiers.schema import SCHEME, Context
from framing.corpus.readers import Article, read_path, sentence_lines
from framing.corpus.sentences import Sentence
from framing.corpus.sources import kind
from framing.errors import DocumentError, FramingError
from framing.io import atomic_write
from framing.scoring.outputs import ChunkWriter, binary, encode, output_format
from framing.scoring.rows import ScoredSentence, read_scores, row_problems
from framing.scoring.streaming import label_rows, sentence_articles, sentence_context

#: Rows per chunk when a scores file is written back.
WRITE_CHUNK = 10_000
#: Sentences per corpus the main job gives model evidence (those the report shows first whose label no
#: lexicon term decided; ``framing explain --scores`` adds the rest). On FA-KES, 300 of the 773 such
#: sentences took 67 s in `make demo` on this 2-core machine (README, "Evidence for every label"), and cover
#: each cell's first 40 or so sentences, most of the 60 its panel lists first.
EXPLAIN_LIMIT = 300


def unexplained(row: ScoredSentence) -> list[str]:
    """The actor fields whose label (not ``none``) no deciding evidence supports, lexicon term or model word."""
    evidence = row.evidence if isinstance(row.evidence, list) else []
    return [
        actor
        for actor in row.actors
        if row.label(actor) != "none"
        and not any(
            isinstance(e, dict) and e.get("deciding") and (e.get("field"), e.get("label")) == (actor, row.label(actor))
            for e in evidence
        )
    ]


def named(row: ScoredSentence) -> list[str]:
    """The actor fields the row names (every one is explained by ``explain_sentences``)."""
    return [actor for actor, label in row.actors.items() if label != "none"]


def cell_places(rows: Sequence[ScoredSentence]) -> list[int | None]:
    """Each row's place among the earlier rows of its outlet with the same label of an actor (the order in
    which the report lists a cell's sentences), the smallest over its labels; ``None`` when it names nobody."""
    seen: Counter = Counter()
    places: list[int | None] = []
    for row in rows:
        keys = [(row.outlet_name, actor, row.label(actor)) for actor in named(row)]
        places.append(min((seen[key] for key in keys), default=None))
        seen.update(keys)
    return places


def by_place(rows: Sequence[ScoredSentence], within: int | None = None) -> list[int]:
    """The indices of the rows naming an actor, the first of every cell first (``cell_places``), then the
    second, and so on; only places below ``within`` if given."""
    places = cell_places(rows)
    kept = [i for i, p in enumerate(places) if p is not None and (within is None or p < within)]
    return sorted(kept, key=lambda i: (places[i], i))


def row_context(rows: Sequence[ScoredSentence], titles: dict[str, str] | None = None) -> list[Context]:
    """Each row's context as scoring gave it: its article's headline (``titles`` by doc; a scores file
    holds none) and the text of the row before it in the same article."""
    text = {(row.doc, row.sentence): row.text for row in rows}
    titles = titles or {}
    return [Context(titles.get(row.doc) or None, text.get((row.doc, row.sentence - 1))) for row in rows]


def corpus_titles(path: Path, docs: Iterable[str]) -> dict[str, str]:
    """The headlines of the articles ``docs`` in the corpus at ``path`` (read again; a bad article is skipped)."""
    wanted = set(docs)
    return {a.doc: a.title for a in read_path(path) if isinstance(a, Article) and a.doc in wanted and a.title}


def add_model_evidence(
    rows: Sequence[ScoredSentence],
    classifier,
    picked: Sequence[int],
    context: Sequence[Context] | None = None,
    *,
    fields: Callable[[ScoredSentence], list[str]] = unexplained,
    top: int = TOP,
    min_drop: float = MIN_DROP,
) -> list[ScoredSentence]:
    """``rows`` with the words behind the labels of ``fields(row)`` (default: those no deciding term
    supports) added to the evidence of the rows at ``picked``, by ``classifier``'s occlusion of each word
    (``framing.classifiers.explain``); ``context``: one per row, as scoring gave it (``row_context``)."""
    wanted = {i: fields(rows[i]) for i in picked}
    order = [i for i, chosen in wanted.items() if chosen]
    labels = [{a: label if a in wanted[i] else "none" for a, label in rows[i].actors.items()} for i in order]
    explained = occlusion(
        classifier,
        [rows[i].text for i in order],
        [context[i] for i in order] if context is not None else None,
        labels=labels,
        top=top,
        min_drop=min_drop,
    )
    result = list(rows)
    for i, explanation in zip(order, explained):
        result[i] = replace(rows[i], evidence=list(rows[i].evidence) + [e.as_dict() for e in explanation.evidence])
    return result


def write_scores(rows: Sequence[ScoredSentence], path: Path) -> None:
    """Write rows as a scores file (``.jsonl`` or ``.parquet``), replacing ``path`` only when all is written."""
    fmt = output_format(path)
    if fmt not in ("jsonl", "parquet"):
        raise FramingError(f"{path}: write scores with evidence as .jsonl or .parquet, the formats a report reads")
    with atomic_write(path, "wb" if binary(fmt) else "w") as handle:
        writer = ChunkWriter(handle, fmt, rows[0].scheme if rows else SCHEME)
        try:
            for begin in range(0, len(rows), WRITE_CHUNK):
                writer.write(encode(list(rows[begin : begin + WRITE_CHUNK]), fmt))
        finally:
            writer.close()


@dataclass
class ExplainReport:
    """What ``explain_scores`` did: rows read, rows lacking evidence, rows explained, rows of another model."""

    rows: int = 0
    lacking: int = 0
    explained: int = 0
    other_model: int = 0


def explain_scores(
    path: Path,
    model: LoadedModel | Path | None = None,
    out: Path | None = None,
    *,
    corpus: Path | None = None,
    limit: int | None = None,
    top: int = TOP,
    min_drop: float = MIN_DROP,
) -> ExplainReport:
    """Add the model's evidence to the rows of the scores file ``path`` whose labels no deciding term
    supports, and write all rows to ``out`` (default: ``path``, replaced atomically).

    Only rows scored by ``model`` (by name) are explained. Their context is the previous row of the
    same article and, given the ``corpus`` they were scored from, its headline. ``limit``: at most so many
    rows, the first of every outlet-and-label cell first (the order the report lists them)."""
    if limit is not None and limit < 0:
        raise FramingError(f"--limit must be at least 0, not {limit}")
    loaded = model if isinstance(model, LoadedModel) else load_model(model)
    rows = read_scores([path], loaded.scheme)
    report = ExplainReport(rows=len(rows))
    lacking = [i for i in by_place(rows) if not row_problems(rows[i]) and unexplained(rows[i])]
    ours = [i for i in lacking if rows[i].model == loaded.name]
    report.lacking, report.other_model = len(lacking), len(lacking) - len(ours)
    if lacking and not any(r.model == loaded.name for r in rows):
        models = ", ".join(sorted({r.model for r in rows}))
        raise FramingError(f"{path}: scored by {models}, not {loaded.name}; give that model's directory as --model")
    picked = ours[:limit] if limit is not None else ours
    titles = corpus_titles(corpus, {rows[i].doc for i in picked}) if corpus is not None and picked else None
    rows = add_model_evidence(rows, loaded.classifier, picked, row_context(rows, titles), top=top, min_drop=min_drop)
    report.explained = len(picked)
    if picked or (out is not None and Path(out) != Path(path)):
        write_scores(rows, Path(out or path))
    return report


def sentence_inputs(texts: Sequence[str], path: Path | None = None) -> tuple[list[Article], list[str]]:
    """Sentences to explain, as one-sentence articles: ``texts`` (ids ``1``, ``2``, ...) and the lines of
    ``path`` (plain text, one sentence a line; ``.jsonl``: rows with ``id``, ``text`` and optionally
    ``title`` and ``previous``, the context a transformer reads). Returns them and the lines that failed."""
    articles = [Article("sentences", str(i), text) for i, text in enumerate(texts, start=1) if text.strip()]
    failures: list[str] = []
    if path is not None:
        items = sentence_articles(path) if kind(path) == ".jsonl" or str(path) == "-" else _lines(path)
        for item in items:
            if isinstance(item, DocumentError):
                failures.append(str(item))
            else:
                articles.append(item)
    if not articles:
        raise FramingError("no sentence to explain: give sentences as arguments or --sentences FILE")
    return articles, failures


def _lines(path: Path) -> Iterator[Article | DocumentError]:
    """The non-empty lines of a plain-text file as one-sentence articles (``<file>:<line>`` ids)."""
    for item in sentence_lines(Path(path)):
        yield item if isinstance(item, DocumentError) else Article("sentences", item[1]["id"], item[1]["text"])


def explain_sentences(
    model: LoadedModel | Path | None, articles: Sequence[Article], *, top: int = TOP, min_drop: float = MIN_DROP
) -> list[ScoredSentence]:
    """Score each article as one sentence and add the model's evidence for every actor it names (beside
    the lexicon's terms, marked deciding where they agree with the label)."""
    loaded = model if isinstance(model, LoadedModel) else load_model(model)
    pairs = [(a, Sentence(a.id, 0, 0, len(a.text), a.text)) for a in articles]
    rows = label_rows(loaded, pairs)
    context = sentence_context(pairs)
    return add_model_evidence(
        rows, loaded.classifier, range(len(rows)), context, fields=named, top=top, min_drop=min_drop
    )


def format_row(row: ScoredSentence) -> str:
    """A row as ``framing explain`` prints it: the sentence, then per actor its label and probability, the
    lexicon's deciding terms and the model's words with how much the label's probability falls without each."""
    lines = [row.text]
    for actor in row.actors:
        label = row.label(actor)
        if label == "none":
            lines.append(f"  {actor}: none")
            continue
        chance = row.scores.get(actor, {}).get(label)
        entries = [e for e in row.evidence if e.get("field") == actor and e.get("deciding")]
        terms = [e["term"] for e in entries if e.get("source", "lexicon") == "lexicon"]
        words = [f"{e['term']} (-{e['drop']:.2f})" for e in entries if e.get("source") == "model"]
        lines.append(
            f"  {actor}: {label}"
            + (f" ({chance:.2f})" if chance is not None else "")
            + f"\n    lexicon: {', '.join(terms) or '-'}\n    model: {', '.join(words) or '-'}"
        )
    return "\n".join([*lines, f"  voice: {row.voice}"])
