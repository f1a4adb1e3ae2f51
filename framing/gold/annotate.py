"""Interactive annotation in the guidelines' record format, resumable.

Each sentence is shown with its neighbours and the model's suggestion; one
key per field confirms (Enter) or corrects it. Every record is appended and
flushed at once, so quitting at any point loses nothing, and a new session
skips what the output file already holds.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from framing.classifiers.schema import FIELDS, Context
from framing.corpus.readers import Article, read_path
from framing.errors import DocumentError, FramingError

#: One key per label; Enter takes the suggestion.
KEYS = {
    "opposition": {"n": "none", "r": "rebel", "t": "terrorist", "j": "jihadist"},
    "state": {"n": "none", "g": "government", "r": "regime"},
    "voice": {"o": "own", "r": "reported"},
}


@dataclass
class Item:
    article: Article
    start: int
    end: int
    before: str
    text: str
    after: str
    suggestion: tuple[str, str, str]
    confidence: float


#: Why annotation cannot go on without a keyboard.
NO_INPUT = "standard input is closed, so no answer can be read; run `framing annotate` in a terminal"


class Quit(Exception):
    """The annotator asked to stop."""


def done_keys(out: Path) -> set[tuple[str, int, int]]:
    """Records already in the output file (to resume)."""
    if not out.exists():
        return set()
    keys = set()
    for number, line in enumerate(out.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                r = json.loads(line)
                keys.add((r["doc"], r["start"], r["end"]))
            except (json.JSONDecodeError, KeyError):
                raise FramingError(f"{out} line {number}: not an annotation record; give another --out file")
    return keys


def items(articles: Iterable[Article], model, skip: set, uncertain_first: bool) -> list[Item]:
    """Sentences to annotate with the model's suggestion, least sure first if asked."""
    from framing.corpus.sentences import split

    pending = []
    for article in articles:
        sentences = split(article.doc, article.text, "pysbd")  # the gold set was drawn with pysbd
        for i, s in enumerate(sentences):
            if (article.doc, s.start, s.end) in skip:
                continue
            before = sentences[i - 1].text if i else ""
            after = sentences[i + 1].text if i + 1 < len(sentences) else ""
            pending.append(Item(article, s.start, s.end, before, s.text, after, ("none",) * 3, 1.0))
    if pending:
        context = [Context(p.article.title or None, p.before or None) for p in pending]
        probabilities = model.classifier.predict_proba([p.text for p in pending], context)
        labels = model.classifier.labels_
        for n, item in enumerate(pending):
            item.suggestion = tuple(str(labels[j][int(np.argmax(probabilities[j][n]))]) for j in range(len(FIELDS)))
            item.confidence = float(min(p[n].max() for p in probabilities))
    if uncertain_first:
        pending.sort(key=lambda p: p.confidence)
    return pending


def ask_field(field: str, suggested: str, ask: Callable[[str], str], show: Callable[[str], None]) -> str:
    keys = KEYS[field]
    menu = " ".join(f"[{k}]{label[len(k) :]}" if label.startswith(k) else f"[{k}]={label}" for k, label in keys.items())
    while True:
        answer = ask(f"{field} ({menu}; Enter = {suggested}, q = quit): ").strip().lower()
        if answer == "q":
            raise Quit
        if answer == "" and (field != "voice" or suggested != "none"):
            return suggested
        if answer in keys:
            return keys[answer]
        show(f"  '{answer}' is not one of {', '.join(keys)}")


def label_item(item: Item, ask: Callable[[str], str], show: Callable[[str], None]) -> dict:
    show("")
    show(f"{item.article.doc} [{item.start}:{item.end}]  outlet={item.article.outlet}")
    if item.before:
        show(f"   {item.before}")
    show(f">> {item.text}")
    if item.after:
        show(f"   {item.after}")
    show(f"suggestion: opposition={item.suggestion[0]} state={item.suggestion[1]} voice={item.suggestion[2]}")
    opposition = ask_field("opposition", item.suggestion[0], ask, show)
    state = ask_field("state", item.suggestion[1], ask, show)
    if opposition == "none" and state == "none":
        voice = "none"
    else:
        suggested_voice = item.suggestion[2] if item.suggestion[2] != "none" else "own"
        voice = ask_field("voice", suggested_voice, ask, show)
    return {"opposition": opposition, "state": state, "voice": voice}


def annotate(
    articles: Iterable[Article],
    out: Path,
    model,
    annotator: str,
    uncertain_first: bool = False,
    limit: int | None = None,
    ask: Callable[[str], str] = input,
    show: Callable[[str], None] = print,
) -> int:
    """Label sentences one by one, appending records to ``out``; returns how many were added.

    The end of the input stops the session like ``q``; an input that is closed or lost (``0<&-``) is
    a ``FramingError``, checked before any work when ``ask`` is ``input``."""
    if ask is input and (sys.stdin is None or sys.stdin.closed):
        raise FramingError(NO_INPUT)
    todo = items(articles, model, done_keys(out), uncertain_first)
    show(f"{len(todo)} sentences to annotate; labels follow ../shared/annotation-guidelines.md")
    added = 0
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("a", encoding="utf-8") as handle:
        for item in todo[:limit]:
            try:
                labels = label_item(item, ask, show)
            except (Quit, EOFError):
                break
            except (RuntimeError, ValueError, OSError):  # input(): lost sys.stdin, or I/O on a closed file
                raise FramingError(f"{NO_INPUT} ({added} records were saved to {out})") from None
            record = {
                "doc": item.article.doc,
                "start": item.start,
                "end": item.end,
                **labels,
                "annotator": annotator,
                "suggestion": {"model": model.name, **dict(zip(FIELDS, item.suggestion))},
            }
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            handle.flush()
            added += 1
    show(f"added {added} records to {out}")
    return added


def annotatable(path: Path, reserved: set[str], fields=None) -> Iterator[Article]:
    """Articles of a corpus that may be annotated: reserved evaluation documents are left out.

    A shared corpus (FA-KES, AllSides) is refused when its reserved ids are not
    known (``reserved`` empty), so that nothing reserved can slip through.
    """
    from framing.gold.annotations import RESERVED_FILES, is_reserved

    covered = {r.partition(":")[0] for r in reserved if ":" in r}  # corpora whose reserved ids are known
    for article in read_path(path, fields):
        if isinstance(article, DocumentError):
            continue
        if article.corpus in RESERVED_FILES and article.corpus not in covered:
            raise FramingError(
                f"{path}: the reserved ids of {article.corpus} ({RESERVED_FILES[article.corpus]}) were not found; "
                "point --data at the shared data folder"
            )
        if is_reserved(article.doc, reserved):
            continue
        yield article
