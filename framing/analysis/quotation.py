"""Outlets whose articles show no quotation marks, where the voice field cannot see most quotes.

Some corpora strip quotation marks from whole outlets (in FA-KES, every SANA and Reuters article): a quote
then reads as the outlet's own sentence, to the lexicon, to the transformer (it finds 2 of the 9 such
quotes of FA-KES dev) and mostly to annotators. An outlet's quoted share is then a floor and its
own-voice profile holds quotes, so a comparison of voice across outlets may reflect the corpus rather
than the outlets (README, "What the FA-KES outlets show"). This finds those outlets from the scored rows
alone: an article of at least ``MIN_SENTENCES`` sentences none of which holds a double quotation mark.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from framing.classifiers.lexicon import QUOTATION_MARKS
from framing.scoring.rows import ScoredSentence

#: Articles shorter than this are not judged: a short article may simply quote nobody.
MIN_SENTENCES = 5
#: An outlet is named when at least this share of its judged articles show no mark.
MIN_SHARE = 0.5


@dataclass(frozen=True)
class Unquoted:
    """An outlet, how many of its judged articles show no quotation mark, and how many were judged."""

    outlet: str
    without: int
    articles: int


def unquoted_outlets(
    rows: list[ScoredSentence], min_sentences: int = MIN_SENTENCES, min_share: float = MIN_SHARE
) -> list[Unquoted]:
    """Outlets at least ``min_share`` of whose articles of ``min_sentences`` or more scored sentences hold no
    double quotation mark, most such articles first. Rows without text (read back from a file that left it
    out) say nothing, so their articles are not judged."""
    sentences: Counter = Counter()
    marked: set[str] = set()
    textless: set[str] = set()
    outlet_of: dict[str, str] = {}
    for r in rows:
        sentences[r.doc] += 1
        outlet_of[r.doc] = r.outlet_name
        if not r.text:
            textless.add(r.doc)
        elif QUOTATION_MARKS.search(r.text):
            marked.add(r.doc)
    judged: dict[str, list[bool]] = defaultdict(list)
    for doc, n in sentences.items():
        if n >= min_sentences and doc not in textless:
            judged[outlet_of[doc]].append(doc not in marked)
    found = [Unquoted(o, sum(flags), len(flags)) for o, flags in judged.items() if sum(flags) >= min_share * len(flags)]
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
