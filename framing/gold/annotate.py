"""Interactive annotation in the guidelines' record format, resumable.

Each sentence is shown with its outlet, how far the session has come ("12 of
2,458"), its neighbours and the model's suggestion; one key per field confirms
(Enter) or corrects it, ``u`` takes back the last record of the session and
shows its sentence again. Every record is appended and flushed at once, so
quitting at any point loses nothing, and a new session skips what the output
file already holds. ``only_naming`` offers only the sentences the model sees
naming an actor (a gold set drawn so measures precision, not recall).

The fields, labels and answer keys are those of the suggesting model's scheme
(``answer_keys``); records of a scheme other than the default name it (``scheme``).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from framing.classifiers.schema import Context
from framing.corpus.readers import Article, read_path
from framing.errors import DocumentError, FramingError
from framing.progress import progress
from framing.schemes import DEFAULT_SCHEME, NONE, Scheme, default_scheme

#: Answers that are not labels: take back the last record, stop.
COMMANDS = ("u", "q")


def answer_keys(scheme: Scheme) -> dict[str, dict[str, str]]:
    """One key per label of each field (voice: its labels but none, which follows from the actors): the
    labels' first letters where they differ and none is a command, else digits from 1."""
    keys = {}
    for field in scheme.fields:
        labels = scheme.labels[field][1:] if field == scheme.voice.field else scheme.labels[field]
        letters = [label[0] for label in labels]
        if len(set(letters)) == len(letters) and not set(letters) & set(COMMANDS):
            keys[field] = dict(zip(letters, labels))
        else:
            keys[field] = {str(n): label for n, label in enumerate(labels, start=1)}
    return keys


#: The default scheme's keys; Enter takes the suggestion.
KEYS = answer_keys(default_scheme())


@dataclass
class Item:
    article: Article
    start: int
    end: int
    before: str
    text: str
    after: str
    suggestion: tuple[str, ...]  # one label per field of the scheme
    confidence: float


#: Sentences the model suggests labels for at a time (one progress step).
SUGGEST_BATCH = 256
#: Why annotation cannot go on without a keyboard.
NO_INPUT = "standard input is closed, so no answer can be read; run `framing annotate` in a terminal"


class Quit(Exception):
    """The annotator asked to stop."""


class Undo(Exception):
    """The annotator asked to take back the last record."""


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


def suggestions(classifier, texts: list[str], context: list[Context]) -> list[np.ndarray]:
    """``classifier.predict_proba`` in batches of SUGGEST_BATCH, with progress: on a large corpus the
    suggestions take minutes before the first sentence is shown."""
    parts = []
    with progress(total=len(texts), desc="suggesting labels", unit=" sentences") as bar:
        for begin in range(0, len(texts), SUGGEST_BATCH):
            end = begin + SUGGEST_BATCH
            parts.append(classifier.predict_proba(texts[begin:end], context[begin:end]))
            bar.update(len(texts[begin:end]))
    return [np.concatenate([part[j] for part in parts]) for j in range(len(parts[0]))]


def scheme_of(model) -> Scheme:
    """The scheme a loaded model suggests the labels of (the default for one loaded without a directory)."""
    return getattr(model, "scheme", None) or getattr(model.classifier, "scheme", None) or default_scheme()


def suggesting_model(model: Path | None = None, scheme: Scheme | None = None):
    """The model that suggests labels: ``model`` (which must predict ``scheme`` when both are given), else
    the best shipped model; for a scheme of its own without a model yet, a lexicon model of the
    ``lexicon.toml`` beside its scheme file (``framing init-scheme`` writes one) or, with none there, one
    that suggests none everywhere."""
    from framing.classifiers.lexicon import Lexicon, LexiconClassifier
    from framing.classifiers.loading import LoadedModel, load_model

    if model is not None or scheme is None or scheme.same_as(default_scheme()):
        return load_model(model, scheme=scheme)
    beside = Path(scheme.source).parent / "lexicon.toml"
    if beside.is_file():
        lexicon = Lexicon.from_file(beside, scheme)
    else:
        lexicon = Lexicon({"scheme": scheme.name}, f"(no lexicon of scheme {scheme.name})", scheme)
    classifier = LexiconClassifier(lexicon).fit([])
    return LoadedModel("lexicon", beside, classifier, {}, {}, scheme)


def items(
    articles: Iterable[Article], model, skip: set, uncertain_first: bool, only_naming: bool = False
) -> list[Item]:
    """Sentences to annotate with the model's suggestion, least sure first if asked; with ``only_naming``,
    only those whose suggestion names the opposition or the state."""
    from framing.corpus.sentences import split

    pending = []
    for article in progress(articles, desc="splitting sentences", unit=" docs"):
        sentences = split(article.doc, article.text, "pysbd")  # the gold set was drawn with pysbd
        for i, s in enumerate(sentences):
            if (article.doc, s.start, s.end) in skip:
                continue
            before = sentences[i - 1].text if i else ""
            after = sentences[i + 1].text if i + 1 < len(sentences) else ""
            pending.append(Item(article, s.start, s.end, before, s.text, after, (), 1.0))
    width = len(scheme_of(model).fields)
    if pending:
        context = [Context(p.article.title or None, p.before or None) for p in pending]
        probabilities = suggestions(model.classifier, [p.text for p in pending], context)
        labels = model.classifier.labels_
        for n, item in enumerate(pending):
            item.suggestion = tuple(str(labels[j][int(np.argmax(probabilities[j][n]))]) for j in range(width))
            item.confidence = float(min(p[n].max() for p in probabilities))
    if only_naming:
        pending = [p for p in pending if any(label != NONE for label in p.suggestion[:-1])]
    if uncertain_first:
        pending.sort(key=lambda p: p.confidence)
    return pending


def ask_field(
    field: str,
    suggested: str,
    ask: Callable[[str], str],
    show: Callable[[str], None],
    keys: dict[str, str] | None = None,
) -> str:
    """One field's label: a key of ``keys`` (default: the default scheme's), or Enter for ``suggested``."""
    keys = keys if keys is not None else KEYS[field]
    menu = " ".join(f"[{k}]{label[len(k) :]}" if label.startswith(k) else f"[{k}]={label}" for k, label in keys.items())
    while True:
        answer = ask(f"{field} ({menu}; Enter = {suggested}, u = undo, q = quit): ").strip().lower()
        if answer == "q":
            raise Quit
        if answer == "u":
            raise Undo
        if answer == "" and (field != "voice" or suggested != "none"):
            return suggested
        if answer in keys:
            return keys[answer]
        show(f"  '{answer}' is not one of {', '.join(keys)}")


def label_item(
    item: Item,
    ask: Callable[[str], str],
    show: Callable[[str], None],
    position: tuple[int, int] = (1, 1),
    scheme: Scheme | None = None,
) -> dict:
    """Ask for one sentence's labels of ``scheme`` (default: the default one); ``position`` is (this
    sentence's number, how many) in the session."""
    scheme = scheme or default_scheme()
    keys = answer_keys(scheme)
    show("")
    outlet = item.article.outlet or "unknown outlet"
    show(f"{position[0]:,} of {position[1]:,}  {outlet}  {item.article.doc} [{item.start}:{item.end}]")
    if item.article.title:  # the headline decides some labels (guidelines 1.1)
        show(f"headline: {item.article.title}")
    if item.before:
        show(f"   {item.before}")
    show(f">> {item.text}")
    if item.after:
        show(f"   {item.after}")
    suggested = dict(zip(scheme.fields, item.suggestion))
    show("suggestion: " + " ".join(f"{f}={suggested[f]}" for f in scheme.fields))
    labels = {f: ask_field(f, suggested[f], ask, show, keys[f]) for f in scheme.actor_fields}
    voice = scheme.voice.field
    if all(label == NONE for label in labels.values()):
        labels[voice] = NONE  # voice is none exactly when no actor is named
    else:
        own = scheme.labels[voice][1]  # the outlet's own wording ("own")
        labels[voice] = ask_field(voice, suggested[voice] if suggested[voice] != NONE else own, ask, show, keys[voice])
    return labels


def annotate(
    articles: Iterable[Article],
    out: Path,
    model,
    annotator: str,
    uncertain_first: bool = False,
    limit: int | None = None,
    ask: Callable[[str], str] = input,
    show: Callable[[str], None] = print,
    *,
    only_naming: bool = False,
) -> int:
    """Label sentences one by one, appending records to ``out``; returns how many were added.

    ``u`` removes the session's last record from ``out`` and asks for its sentence again (records of
    earlier sessions are not taken back). The end of the input stops the session like ``q``; an input
    that is closed or lost (``0<&-``) is a ``FramingError``, checked before any work when ``ask`` is
    ``input``."""
    if ask is input and (sys.stdin is None or sys.stdin.closed):
        raise FramingError(NO_INPUT)
    scheme = scheme_of(model)
    todo = items(articles, model, done_keys(out), uncertain_first, only_naming)[:limit]
    if scheme.name == DEFAULT_SCHEME:
        show(f"{len(todo)} sentences to annotate; labels follow ../shared/annotation-guidelines.md")
    else:
        guide = f"{scheme.guidelines.document} v{scheme.guidelines.version}"
        show(f"{len(todo)} sentences to annotate; labels of scheme {scheme.name!r} follow {guide}")
    ends: list[int] = []  # where each record of this session starts in the file, to take it back
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("ab") as handle:
        while len(ends) < len(todo):
            item = todo[len(ends)]
            try:
                labels = label_item(item, ask, show, (len(ends) + 1, len(todo)), scheme)
            except Undo:
                _undo(handle, ends, show)
                continue
            except (Quit, EOFError):
                break
            except (RuntimeError, ValueError, OSError):  # input(): lost sys.stdin, or I/O on a closed file
                raise FramingError(f"{NO_INPUT} ({len(ends)} records were saved to {out})") from None
            ends.append(handle.seek(0, os.SEEK_END))
            line = json.dumps(record(item, labels, annotator, model.name, scheme), ensure_ascii=False)
            handle.write((line + "\n").encode())
            handle.flush()
    show(f"added {len(ends)} records to {out}")
    return len(ends)


def record(item: Item, labels: dict, annotator: str, model_name: str, scheme: Scheme | None = None) -> dict:
    """The annotation record of one sentence, as the guidelines define it (offsets, no text); one of a
    scheme other than the default names it (``scheme``), so that it is not read as another's."""
    scheme = scheme or default_scheme()
    named = {} if scheme.name == DEFAULT_SCHEME else {"scheme": scheme.name}
    return {
        "doc": item.article.doc,
        "start": item.start,
        "end": item.end,
        **labels,
        "annotator": annotator,
        "suggestion": {"model": model_name, **dict(zip(scheme.fields, item.suggestion))},
        **named,
    }


def _undo(handle, ends: list[int], show: Callable[[str], None]) -> None:
    """Cut the session's last record off the file (``ends`` loses its start), or say there is none."""
    if not ends:
        show("  nothing to undo in this session (earlier sessions' records stay; edit the file to change them)")
        return
    handle.truncate(ends.pop())
    handle.flush()
    show("  took back the last record; label its sentence again")


def annotatable(path: Path, reserved: set[str], fields=None, outlet: str | None = None) -> Iterator[Article]:
    """Articles of a corpus (read as ``framing score`` reads it: ``fields``, ``outlet``) that may be
    annotated: reserved evaluation documents are left out.

    A shared corpus (FA-KES, AllSides) is refused when its reserved ids are not
    known (``reserved`` empty), so that nothing reserved can slip through.
    """
    from framing.gold.annotations import RESERVED_FILES, is_reserved

    if str(path) == "-":
        raise FramingError("annotate reads your answers from standard input; give the corpus as a file or folder")
    covered = {r.partition(":")[0] for r in reserved if ":" in r}  # corpora whose reserved ids are known
    for article in read_path(path, fields, outlet):
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
