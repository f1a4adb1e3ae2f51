"""Outlets whose articles show no quotation marks, where the voice field cannot see most quotes.

Some corpora strip quotation marks from whole outlets (in FA-KES, every SANA and Reuters article): a quote
then reads as the outlet's own sentence, to the lexicon and to the transformer (it finds 2 of the 9 such
quotes of FA-KES dev). An outlet's quoted share is then a floor and its own-voice profile may hold
quotes, so a comparison of voice across outlets may reflect the corpus rather
than the outlets (README, "What the FA-KES outlets show"). This finds those outlets from the scored rows
alone: an article of at least ``MIN_SENTENCES`` sentences none of which holds a quote as the lexicon
finds them (``quoted_spans``: double quotation marks, or a single-quoted span).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from framing.classifiers.lexicon import quoted_spans
from framing.scoring.rows import ScoredSentence

#: Articles shorter than this are not judged: a short article may simply quote nobody.
MIN_SENTENCES = 5
#: An outlet is named when at least this share of its judged articles show no mark ...
MIN_SHARE = 0.5
#: ... and it has this many judged articles: one or two long articles that quote nobody (an editorial, a
#: think tank's paper) say nothing about how the corpus kept the outlet's quotation marks.
MIN_ARTICLES = 3


@dataclass(frozen=True)
class Unquoted:
    """An outlet, how many of its judged articles show no quotation mark, and how many were judged."""

    outlet: str
    without: int
    articles: int


def unquoted_outlets(
    rows: list[ScoredSentence],
    min_sentences: int = MIN_SENTENCES,
    min_share: float = MIN_SHARE,
    min_articles: int = MIN_ARTICLES,
) -> list[Unquoted]:
    """Outlets with ``min_articles`` or more articles of ``min_sentences`` or more scored sentences, at least
    ``min_share`` of which hold no quote, most such articles first. Rows without text (read back from a file
    that left it out) say nothing, so their articles are not judged."""
    sentences: Counter = Counter()
    marked: set[str] = set()
    textless: set[str] = set()
    outlet_of: dict[str, str] = {}
    for r in rows:
        sentences[r.doc] += 1
        outlet_of[r.doc] = r.outlet_name
        if not r.text:
            textless.add(r.doc)
        elif quoted_spans(r.text):
            marked.add(r.doc)
    judged: dict[str, list[bool]] = defaultdict(list)
    for doc, n in sentences.items():
        if n >= min_sentences and doc not in textless:
            judged[outlet_of[doc]].append(doc not in marked)
    found = [
        Unquoted(o, sum(flags), len(flags))
        for o, flags in judged.items()
        if len(flags) >= min_articles and sum(flags) >= min_share * len(flags)
    ]
    return sorted(found, key=lambda u: (-u.without, u.outlet))


def unquoted_note(rows: list[ScoredSentence]) -> str | None:
    """A note for the report naming the outlets of ``unquoted_outlets`` (None when there are none)."""
    found = unquoted_outlets(rows)
    if not found:
        return None
    listed = ", ".join(f"{u.outlet} ({u.without} of {u.articles} articles)" for u in found)
    return (
        f"Voice: most articles of {listed} hold no quotation mark in any sentence, so quotes there read as the "
        "outlet's own words: their quoted shares are floors, and their own-voice profiles may hold quotes."
    )
