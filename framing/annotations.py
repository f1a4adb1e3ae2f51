"""Gold annotations: records by character offsets, joined back to corpus text.

Loading checks every span against its document and refuses documents that
``../shared/data/README.md`` reserves for evaluation.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from framing.corpus import Article, load_articles
from framing.errors import FramingError

RESERVED_CORPORA = {"allsides": "the AllSides corpus is evaluation and profiling only"}


def evaluation_ids(data_root: Path) -> set[str]:
    """FA-KES ``unit_id``s reserved for evaluation."""
    path = data_root / "fa-kes" / "evaluation-ids.txt"
    if not path.exists():
        raise FramingError(f"{path}: not found; point --data at the shared data folder")
    return set(path.read_text().split())


@dataclass(frozen=True)
class GoldSentence:
    """An annotation joined back to its document's text."""

    doc: str
    start: int
    end: int
    text: str
    outlet: str | None
    opposition: str
    state: str
    voice: str
    annotator: str | None = None

    def labels(self) -> tuple[str, str, str]:
        return self.opposition, self.state, self.voice


def check_reserved(doc: str, reserved: set[str], where: str) -> None:
    """Refuse a document that the data README reserves for evaluation."""
    corpus, _, key = doc.partition(":")
    if corpus in RESERVED_CORPORA:
        raise FramingError(f"{where}: {doc} cannot be used here: {RESERVED_CORPORA[corpus]}")
    if corpus == "fa-kes" and key.split("#")[0] in reserved:
        raise FramingError(f"{where}: {doc} is reserved for evaluation (fa-kes/evaluation-ids.txt); remove the record")


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
    path: Path, documents: dict[str, Article], reserved: set[str], allow_reserved: bool = False
) -> list[GoldSentence]:
    """Annotation records of ``path`` joined to ``documents`` (``doc`` key -> Article).

    ``allow_reserved`` is for evaluation only: it lets an independent gold set
    drawn from the reserved ids be read, never a training set.
    """
    from framing.io import read_jsonl
    from framing.schema import check_record

    gold = []
    for number, record in enumerate(read_jsonl(path), start=1):
        where = f"{path} line {number}"
        doc = record.get("doc")
        if not isinstance(doc, str):
            raise FramingError(f"{where}: no 'doc' key")
        if not allow_reserved:
            check_reserved(doc, reserved, where)
        problems = check_record(record)
        if problems:
            raise FramingError(f"{where}: {'; '.join(problems)}")
        article = documents.get(doc)
        if "start" not in record and isinstance(record.get("text"), str):  # a sentence row that carries its text
            text, outlet = record["text"], record.get("outlet")
        elif article is None:
            raise FramingError(f"{where}: document {doc} is not in the corpus; check --data and the doc key")
        else:
            text = check_span(article.text, record.get("start"), record.get("end"), where)
            outlet = article.outlet
            if "text" in record and record["text"] != text:
                raise FramingError(f"{where}: the record's text differs from {doc}[{record['start']}:{record['end']}]")
        gold.append(
            GoldSentence(
                doc,
                record.get("start", 0),
                record.get("end", len(text)),
                text,
                outlet,
                record["opposition"],
                record["state"],
                record["voice"],
                record.get("annotator"),
            )
        )
    return gold


ANNOTATIONS = Path(__file__).resolve().parent.parent / "experiments" / "annotations"
SPLITS_FILE = ANNOTATIONS / "splits.json"
SPLITS = ("train", "dev", "test")


def annotation_documents(data_root: Path) -> dict[str, Article]:
    """The documents annotations may point into: the seeds and FA-KES."""
    seeds = Path(__file__).resolve().parent.parent / "seeds"
    documents = load_articles(seeds)
    fakes = data_root / "fa-kes" / "FA-KES-Dataset.csv"
    if fakes.is_file():
        documents |= load_articles(fakes)
    return documents


def load_annotations(data_root: Path, paths: list[Path] | None = None) -> list[GoldSentence]:
    """The project's gold set (``experiments/annotations/*.jsonl``), checked and joined."""
    paths = paths or sorted(ANNOTATIONS.glob("*.jsonl"))
    documents = annotation_documents(data_root)
    reserved = evaluation_ids(data_root)
    return [g for path in paths for g in load_gold(path, documents, reserved)]


def make_splits(gold: list[GoldSentence], seed: int = 0, dev: float = 0.15, test: float = 0.15) -> dict[str, list[str]]:
    """Train/dev/test by article, stratified by outlet: no article has sentences on two sides."""
    import random

    rng = random.Random(seed)
    by_outlet: dict[str, list[str]] = {}
    for g in gold:
        docs = by_outlet.setdefault(g.outlet or "unknown", [])
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


def split_gold(gold: list[GoldSentence], name: str, splits: dict[str, set[str]] | None = None) -> list[GoldSentence]:
    """The gold sentences of one split."""
    splits = splits or load_splits()
    if name not in splits:
        raise FramingError(f"unknown split {name!r}; choose one of {', '.join(splits)}")
    return [g for g in gold if g.doc in splits[name]]
