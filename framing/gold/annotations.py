"""Gold annotations: records by character offsets, joined back to corpus text.

Loading checks every span against its document and refuses documents that
``../shared/data/README.md`` reserves for evaluation. Records hold the labels of a
scheme (``framing.schemes``; the Syrian one unless another is given) and are checked
against it; a record of another scheme than the default names it (``"scheme": "name"``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from framing.classifiers.schema import Context
from framing.corpus.readers import Article, load_articles
from framing.errors import FramingError
from framing.resources import annotations_dir, seeds_dir
from framing.schemes import DEFAULT_SCHEME, Labelled, Scheme, default_scheme

RESERVED_FILES = {"fa-kes": "fa-kes/evaluation-ids.txt", "allsides": "allsides-syria/evaluation-ids.txt"}


def _ids(path: Path) -> set[str]:
    if not path.exists():
        raise FramingError(f"{path}: not found; point --data at the shared data folder")
    return set(path.read_text().split())


def evaluation_ids(data_root: Path) -> set[str]:
    """Document keys (``<corpus>:<id>``) reserved for evaluation in both shared corpora.

    Bare FA-KES ``unit_id``s are included as well, for callers that match ids
    of that corpus directly.
    """
    fakes = _ids(data_root / RESERVED_FILES["fa-kes"])
    allsides = _ids(data_root / RESERVED_FILES["allsides"])
    return fakes | {f"fa-kes:{i}" for i in fakes} | {f"allsides:{i}" for i in allsides}


def allsides_evaluation_ids(data_root: Path) -> set[str]:
    """AllSides ``ID``s reserved for evaluation (``allsides-syria/evaluation-ids.txt``)."""
    return _ids(data_root / RESERVED_FILES["allsides"])


def is_reserved(doc: str, reserved: set[str]) -> bool:
    """Whether ``doc`` (``<corpus>:<id>``) is an evaluation document of a shared corpus."""
    corpus, _, key = doc.partition(":")
    return f"{corpus}:{key.split('#')[0]}" in reserved


@dataclass(frozen=True, slots=True, init=False)
class GoldSentence(Labelled):
    """An annotation joined back to its document's text, with the labels of its ``scheme``: one per actor
    field (``actors``; each also reads as an attribute: ``g.opposition``) and ``voice``.

    ``GoldSentence(doc, start, end, text, outlet, *labels)`` takes the labels in the scheme's field order
    (the actors', then voice): ``GoldSentence(doc, 0, 9, text, None, "rebel", "none", "own")`` for the
    default (Syrian) scheme."""

    doc: str
    start: int
    end: int
    text: str
    outlet: str | None
    actors: dict[str, str]
    voice: str
    annotator: str | None
    title: str | None
    previous: str | None
    scheme: Scheme = field(compare=False, repr=False)

    def __init__(
        self,
        doc: str,
        start: int,
        end: int,
        text: str,
        outlet: str | None,
        *labels: str,
        annotator: str | None = None,
        title: str | None = None,
        previous: str | None = None,
        scheme: Scheme | None = None,
    ) -> None:
        scheme = scheme or default_scheme()
        if len(labels) != len(scheme.fields):
            raise TypeError(f"{len(labels)} labels given; scheme {scheme.name} has {', '.join(scheme.fields)}")
        values = {
            "doc": doc, "start": start, "end": end, "text": text, "outlet": outlet,
            "actors": dict(zip(scheme.actor_fields, labels[:-1])), "voice": labels[-1], "annotator": annotator,
            "title": title, "previous": previous, "scheme": scheme,
        }  # fmt: skip
        for key, value in values.items():
            object.__setattr__(self, key, value)

    def __hash__(self) -> int:  # hashable as before, though the actors' labels are a dict
        return hash((self.doc, self.start, self.end, self.text, self.labels()))

    def context(self) -> Context:
        """The headline and previous sentence the annotators read (``None`` where there is none)."""
        return Context(self.title, self.previous)


def gold_scheme(gold: list[GoldSentence]) -> Scheme:
    """The one scheme of a gold set (gold of two schemes cannot be scored together)."""
    if not gold:
        return default_scheme()
    scheme = gold[0].scheme
    other = next((g.scheme for g in gold if not g.scheme.same_as(scheme)), None)
    if other is not None:
        raise FramingError(f"the gold set mixes schemes {scheme.name!r} and {other.name!r}; give gold of one scheme")
    return scheme


def contexts(gold: list[GoldSentence]) -> list[Context]:
    """The context of each gold sentence, in order."""
    return [g.context() for g in gold]


def previous_sentence(text: str, start: int, cache: dict | None = None, key: str = "") -> str | None:
    """The sentence of ``text`` that ends last before ``start`` (default segmenter, as in scoring)."""
    from framing.corpus.sentences import spans

    found = cache.get(key) if cache is not None else None
    if found is None:
        found = list(spans(text))
        if cache is not None:
            cache[key] = found
    before = [(s, e) for s, e in found if e <= start]
    return text[before[-1][0] : before[-1][1]] if before else None


def check_reserved(doc: str, reserved: set[str], where: str) -> None:
    """Refuse a document that the data README reserves for evaluation."""
    if is_reserved(doc, reserved):
        listed = RESERVED_FILES.get(doc.partition(":")[0], "evaluation-ids.txt")
        raise FramingError(f"{where}: {doc} is reserved for evaluation ({listed}); remove the record")


def check_span(text: str, start: int, end: int, where: str) -> str:
    """The span's text, once it lies inside the document and on sentence boundaries."""
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)):
        raise FramingError(f"{where}: span [{start}, {end}) lies outside its document of {len(text)} characters")
    span = text[start:end]
    before_ok = start == 0 or not (text[start - 1].isalnum() and text[start].isalnum())
    after_ok = end == len(text) or not (text[end - 1].isalnum() and text[end].isalnum())
    if span != span.strip() or not before_ok or not after_ok:
        raise FramingError(
            f"{where}: span [{start}, {end}) does not start and end on sentence boundaries ({span[:40]!r}...); "
            "the corpus text may have changed"
        )
    return span


def load_gold(
    path: Path,
    documents: dict[str, Article],
    reserved: set[str],
    allow_reserved: bool = False,
    scheme: Scheme | None = None,
) -> list[GoldSentence]:
    """Annotation records of ``path`` joined to ``documents`` (``doc`` key -> Article), each checked
    against ``scheme`` (default: the default, Syrian, scheme).

    ``allow_reserved`` is for evaluation only: it lets an independent gold set
    drawn from the reserved ids be read, never a training set.
    """
    from framing.io import read_jsonl

    scheme = scheme or default_scheme()
    gold = []
    segmented: dict = {}
    for number, record in enumerate(read_jsonl(path), start=1):
        where = f"{path} line {number}"
        doc = record.get("doc")
        if not isinstance(doc, str):
            raise FramingError(f"{where}: no 'doc' key")
        if not allow_reserved:
            check_reserved(doc, reserved, where)
        check_labels(record, scheme, where)
        text, outlet, title, previous = _join(record, documents.get(doc), where, segmented)
        gold.append(
            GoldSentence(
                doc,
                record.get("start", 0),
                record.get("end", len(text)),
                text,
                outlet,
                *(record[f] for f in scheme.fields),
                annotator=record.get("annotator"),
                title=title if isinstance(title, str) else None,
                previous=previous if isinstance(previous, str) else None,
                scheme=scheme,
            )
        )
    return gold


def check_labels(record: dict, scheme: Scheme, where: str) -> None:
    """Refuse a record of another scheme than ``scheme``, or whose labels break its rules."""
    named = record.get("scheme", DEFAULT_SCHEME)
    if "scheme" in record and named != scheme.name:
        raise FramingError(
            f"{where}: a record of scheme {named!r}, not of scheme {scheme.name!r} asked for (the model's); "
            f"give gold of scheme {scheme.name!r}"
        )
    problems = scheme.check_record(record)
    if not problems:
        return
    default = default_scheme()
    if "scheme" not in record and not scheme.same_as(default) and not default.check_record(record):
        raise FramingError(
            f"{where}: a record of scheme {DEFAULT_SCHEME!r} ({', '.join(default.fields)}), not of scheme "
            f"{scheme.name!r} ({', '.join(scheme.fields)}) asked for; give gold of scheme {scheme.name!r}"
        )
    raise FramingError(f"{where}: {'; '.join(problems)} (scheme {scheme.name!r})")


def _join(record: dict, article: Article | None, where: str, segmented: dict) -> tuple:
    """A record's text, outlet, headline and previous sentence: from its document, or from the record
    itself when it is a sentence row that carries its text."""
    doc = record["doc"]
    if "start" not in record and isinstance(record.get("text"), str):  # a sentence row that carries its text
        return record["text"], record.get("outlet"), record.get("title"), record.get("previous")
    if article is None:
        raise FramingError(
            f"{where}: document {doc} is not in the corpus; give the corpus it was annotated on with --corpus "
            "(and the field options `framing annotate` was given), or check --data"
        )
    text = check_span(article.text, record.get("start"), record.get("end"), where)
    previous = previous_sentence(article.text, record["start"], segmented, doc)
    if "text" in record and record["text"] != text:
        raise FramingError(f"{where}: the record's text differs from {doc}[{record['start']}:{record['end']}]")
    return text, article.outlet, article.title, previous


ANNOTATIONS = annotations_dir()
SPLITS_FILE = ANNOTATIONS / "splits.json"
SPLITS = ("train", "dev", "test")


def annotation_documents(data_root: Path) -> dict[str, Article]:
    """The documents annotations may point into: the seeds, FA-KES and AllSides."""
    seeds = seeds_dir()
    documents = load_articles(seeds)
    for corpus in (data_root / "fa-kes" / "FA-KES-Dataset.csv", data_root / "allsides-syria" / "articles.jsonl"):
        if corpus.is_file():
            documents |= load_articles(corpus)
    return documents


def load_annotations(
    data_root: Path, paths: list[Path] | None = None, scheme: Scheme | None = None
) -> list[GoldSentence]:
    """The project's gold set (``experiments/annotations/*.jsonl``), or the records of ``paths`` of
    ``scheme`` (default: the Syrian one) on the same documents, checked and joined."""
    paths = paths or sorted(ANNOTATIONS.glob("*.jsonl"))
    documents = annotation_documents(data_root)
    reserved = evaluation_ids(data_root)
    return [g for path in paths for g in load_gold(path, documents, reserved, scheme=scheme)]


def make_splits(
    gold: list[GoldSentence], seed: int = 0, dev: float = 0.15, test: float = 0.15, strata=None
) -> dict[str, list[str]]:
    """Train/dev/test by article, stratified by outlet (or by ``strata(gold_sentence)``): no article has
    sentences on two sides."""
    import random

    rng = random.Random(seed)
    by_outlet: dict[str, list[str]] = {}
    for g in gold:
        docs = by_outlet.setdefault(strata(g) if strata else g.outlet or "unknown", [])
        if g.doc not in docs:
            docs.append(g.doc)
    splits: dict[str, list[str]] = {name: [] for name in SPLITS}
    for outlet in sorted(by_outlet):
        docs = sorted(by_outlet[outlet])
        rng.shuffle(docs)
        n_test = round(len(docs) * test) if len(docs) >= 3 else 0
        n_dev = round(len(docs) * dev) if len(docs) >= 3 else 0
        splits["test"] += docs[:n_test]
        splits["dev"] += docs[n_test : n_test + n_dev]
        splits["train"] += docs[n_test + n_dev :]
    return {name: sorted(docs) for name, docs in splits.items()}


def load_splits(path: Path = SPLITS_FILE) -> dict[str, set[str]]:

    if not path.is_file():
        raise FramingError(f"{path}: no splits file; see experiments/annotations/README.md")
    splits = {name: set(docs) for name, docs in json.loads(path.read_text()).items()}
    overlap = (splits["train"] & splits["dev"]) | (splits["train"] & splits["test"]) | (splits["dev"] & splits["test"])
    if overlap:
        raise FramingError(f"{path}: articles on two sides of the split: {sorted(overlap)[:5]}")
    return splits


DOMAINS = ("fa-kes", "allsides")


def domain_of(doc: str) -> str:
    """``allsides`` for the US/UK corpus; ``fa-kes`` for FA-KES and the seeds (scored together since round 1)."""
    return "allsides" if doc.startswith("allsides:") else "fa-kes"


def domain_gold(gold: list[GoldSentence], domain: str | None) -> list[GoldSentence]:
    """The gold sentences of one domain (all for ``None``)."""
    if domain is None:
        return gold
    if domain not in DOMAINS:
        raise FramingError(f"unknown domain {domain!r}; choose one of {', '.join(DOMAINS)}")
    return [g for g in gold if domain_of(g.doc) == domain]


def split_gold(gold: list[GoldSentence], name: str, splits: dict[str, set[str]] | None = None) -> list[GoldSentence]:
    """The gold sentences of one split."""
    splits = splits or load_splits()
    if name not in splits:
        raise FramingError(f"unknown split {name!r}; choose one of {', '.join(splits)}")
    return [g for g in gold if g.doc in splits[name]]
