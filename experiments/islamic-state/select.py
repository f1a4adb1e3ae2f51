"""Choose the sentences of the `islamic-state` gold set (which sentences to read, never their labels).

Reproducible and seeded; writes ``OUTDIR/selection.jsonl`` with ``{"doc", "start", "end", "outlet",
"corpus", "kind"}`` records and no corpus text. Reserved evaluation ids of both corpora are never chosen.
Sentences are split with pysbd, as the project's other annotation rounds.

The word lists only choose what gets read; the annotator reads every sentence and decides its labels.
Each sentence gets a ``kind`` that only says why it was drawn:

- ``named``: a word that may name the group (ISIS, ISIL, Daesh, "Islamic State" in any case, the
  all-caps "IS", "caliphate", Baghdadi, Raqqa); the hard ones ("so-called", quotes, "anti-", the
  all-caps "IS", lower-case "Islamic state", Daesh, ISIL) are drawn first.
- ``tempting``: no such word but a look-alike (militants, jihadists, extremists, terrorists, Islamist,
  "Islamic", Nusra, al-Qaeda, Hay'at Tahrir al-Sham, "al-Sham", Fateh, pronouns in a named article).
- ``plain``: neither (a few, so the set is not only hard cases).
- ``rare``: a second pass, from articles not yet chosen, for the rarest hard cases (an all-caps line
  with "IS", a lower-case "Islamic state", "so-called"/"self-styled" before a name, Daesh), at most
  2 sentences an article, ``--rare`` a corpus.

Articles are visited outlet by outlet in a seeded round-robin (so many outlets are drawn), at most
``--per-article`` sentences each, until each corpus has ``--per-corpus`` sentences, about 2/3 ``named``.

    .venv/bin/python experiments/islamic-state/select.py /work/shared/data OUTDIR
"""

from __future__ import annotations

import os
import sys

# this file is named like the standard library's ``select``: keep its folder off the import path
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if p and os.path.abspath(p) != _HERE]

import argparse  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
from pathlib import Path  # noqa: E402

from framing.corpus.readers import Article, read_path  # noqa: E402
from framing.corpus.sentences import split  # noqa: E402
from framing.gold.annotations import evaluation_ids, is_reserved  # noqa: E402

NAMED = re.compile(
    r"\bisis\b|\bisil\b|\bdaesh\b|\bdaish\b|\bda'?esh\b|islamic state|caliphate|baghdadi|raqqa",
    re.IGNORECASE,
)
CASE_SENSITIVE_IS = re.compile(r"\bIS\b")  # "IS" only in upper case (all-caps headlines are hard cases too)
HARD_NAMED = re.compile(
    r"so-called|self-styled|self-proclaimed|what it calls|anti-|[\"“”]|\bdaesh\b|\bdaish\b|\bisil\b|"
    r"islamic state of iraq|ISLAMIC STATE",
    re.IGNORECASE,
)
LOWER_STATE = re.compile(r"[Ii]slamic state\b")  # "an Islamic state" as an idea
TEMPTING = re.compile(
    r"militant|jihad|extremis|terroris|islamist|islamic|nusra|qaeda|tahrir al-sham|\bhts\b|al-sham|fateh|"
    r"fatah al-sham|caliph|emir|takfir|radical|insurgen|\bthe group\b|\bits fighters\b",
    re.IGNORECASE,
)


# the rarest hard cases, drawn in a second pass from articles not yet chosen (at most 2 sentences each)
RARE = (
    re.compile(r"[Ii]slamic state\b"),  # lower-case "state": the idea of an Islamic state, or a sloppy name
    re.compile(
        r"(?:so-called|self-styled|self-proclaimed|self-declared)\s+[\"“]?(?:islamic|is\b|isis|isil|caliph)", re.I
    ),
    re.compile(r"\bda'?esh\b|\bdaish\b", re.I),
)


def _caps_is(text: str) -> bool:
    """An all-caps line with "IS" in it (a headline where IS may be the verb)."""
    letters = [c for c in text if c.isalpha()]
    return bool(CASE_SENSITIVE_IS.search(text)) and sum(c.isupper() for c in letters) >= 0.6 * len(letters)


def _rare(text: str) -> int | None:
    """Which rare hard case a sentence is (its rank), or None."""
    if _caps_is(text):
        return 0
    for rank, pattern in enumerate(RARE, 1):
        if pattern.search(text):
            return rank
    return None


def select_rare(articles: list[Article], quota: int, seed: int, taken: set[str]) -> list[dict]:
    """Up to ``quota`` sentences with a rare hard case, at most 2 an article, from articles not yet taken."""
    rng = random.Random(seed + 1)
    pool = sorted((a for a in articles if a.doc not in taken), key=lambda a: a.id)
    rng.shuffle(pool)
    chosen: list[dict] = []
    for article in pool:
        if len(chosen) >= quota:
            break
        if not any(p.search(article.text) for p in RARE) and not CASE_SENSITIVE_IS.search(article.text):
            continue
        hits = [(rank, s) for s in split(article.doc, article.text, "pysbd") if (rank := _rare(s.text)) is not None]
        if not hits:
            continue
        rng.shuffle(hits)
        hits.sort(key=lambda h: h[0])
        for _, sentence in sorted(hits[:2], key=lambda h: h[1].start)[: quota - len(chosen)]:
            chosen.append(
                {
                    "doc": article.doc,
                    "start": sentence.start,
                    "end": sentence.end,
                    "outlet": article.outlet,
                    "corpus": article.corpus,
                    "kind": "rare",
                }
            )
    return chosen


def _is_named(text: str) -> bool:
    return bool(NAMED.search(text) or CASE_SENSITIVE_IS.search(text))


def _kind(text: str) -> str:
    if _is_named(text):
        return "named"
    if TEMPTING.search(text):
        return "tempting"
    return "plain"


def _pick(article: Article, rng: random.Random, per_article: int, want: dict[str, int]) -> list[dict]:
    sentences = split(article.doc, article.text, "pysbd")
    by_kind: dict[str, list] = {"named": [], "tempting": [], "plain": []}
    for sentence in sentences:
        if 15 <= len(sentence.text) <= 600:
            by_kind[_kind(sentence.text)].append(sentence)
    named = by_kind["named"]
    hard = [
        s for s in named if HARD_NAMED.search(s.text) or CASE_SENSITIVE_IS.search(s.text) or LOWER_STATE.search(s.text)
    ]
    easy = [s for s in named if s not in hard]
    rng.shuffle(hard)
    rng.shuffle(easy)
    rng.shuffle(by_kind["tempting"])
    rng.shuffle(by_kind["plain"])
    plan = {"named": min(4, want["named"]), "tempting": min(2, want["tempting"]), "plain": min(1, want["plain"])}
    chosen = (hard + easy)[: plan["named"]]
    chosen += by_kind["tempting"][: plan["tempting"]]
    if rng.random() < 0.3:
        chosen += by_kind["plain"][: plan["plain"]]
    chosen = chosen[:per_article]
    records = []
    for sentence in sorted(chosen, key=lambda s: s.start):
        kind = _kind(sentence.text)
        records.append(
            {
                "doc": article.doc,
                "start": sentence.start,
                "end": sentence.end,
                "outlet": article.outlet,
                "corpus": article.corpus,
                "kind": kind,
            }
        )
    return records


def select(articles: list[Article], quota: int, per_article: int, seed: int) -> list[dict]:
    """Round-robin over outlets in a seeded order until ``quota`` sentences, 2/3 named."""
    rng = random.Random(seed)
    by_outlet: dict[str, list[Article]] = {}
    for article in sorted(articles, key=lambda a: a.id):
        by_outlet.setdefault(str(article.outlet), []).append(article)
    outlets = sorted(by_outlet)
    rng.shuffle(outlets)
    for outlet in outlets:
        rng.shuffle(by_outlet[outlet])
        # articles that name the group somewhere come first, so the named quota fills
        by_outlet[outlet].sort(key=lambda a: not _is_named(a.text) and not TEMPTING.search(a.text))
    want = {"named": round(quota * 2 / 3), "tempting": round(quota * 0.27), "plain": 0}
    want["plain"] = quota - want["named"] - want["tempting"]
    chosen: list[dict] = []
    queues = {o: list(by_outlet[o]) for o in outlets}
    while len(chosen) < quota and any(queues.values()):
        for outlet in outlets:
            if not queues[outlet] or len(chosen) >= quota:
                continue
            article = queues[outlet].pop(0)
            if not _is_named(article.text) and not TEMPTING.search(article.text) and want["plain"] <= 0:
                continue
            for record in _pick(article, rng, per_article, want):
                if want[record["kind"]] > 0 and len(chosen) < quota:
                    want[record["kind"]] -= 1
                    chosen.append(record)
    return chosen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_root", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--per-corpus", type=int, default=155)
    parser.add_argument("--per-article", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2014)
    parser.add_argument("--rare", type=int, default=12, help="extra rare hard cases a corpus, from other articles")
    args = parser.parse_args()
    reserved = evaluation_ids(args.data_root)
    records = []
    for path in (
        args.data_root / "fa-kes" / "FA-KES-Dataset.csv",
        args.data_root / "allsides-syria" / "articles.jsonl",
    ):
        articles = [a for a in read_path(path) if isinstance(a, Article) and not is_reserved(a.doc, reserved)]
        chosen = select(articles, args.per_corpus, args.per_article, args.seed)
        records += chosen + select_rare(articles, args.rare, args.seed, {r["doc"] for r in chosen})
    records.sort(key=lambda r: (r["doc"], r["start"]))
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "selection.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    print(len(records), "sentences from", len({r["doc"] for r in records}), "articles")


if __name__ == "__main__":
    main()
