"""HTML pages as articles: the main text, title, date and site name, extracted with trafilatura.

trafilatura drops navigation, scripts, styles, footers and reader comments and keeps the article's
paragraphs, one per line; sentence offsets of a page point into that extracted text (``Article.text``),
not into the HTML. A headline that trafilatura repeats as the text's first line is left out of the
text (it is the title, and ``--score-titles`` scores it once).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Page:
    """What a page holds: its article text and, where the page says, title, date and outlet."""

    text: str
    title: str | None = None
    date: str | None = None
    outlet: str | None = None


def extract(html: str) -> Page | None:
    """The article of an HTML page, or None when the page holds no article text.

    A page too short for trafilatura's default (precision-minded) settings is read again favouring
    recall, so a short news item is kept rather than refused."""
    import trafilatura

    options = {"with_metadata": True, "include_comments": False, "include_tables": True}
    found = trafilatura.bare_extraction(html, **options)
    if found is None or not (found.text or "").strip():
        found = trafilatura.bare_extraction(html, favor_recall=True, **options)
    if found is None or not (found.text or "").strip():
        return None
    title = (found.title or "").strip() or None
    return Page(_without_title(found.text, title), title, found.date or None, found.sitename or found.hostname or None)


def _without_title(text: str, title: str | None) -> str:
    """The text without a first line that repeats the title."""
    first, _, rest = text.partition("\n")
    return rest if title and first.strip() == title and rest.strip() else text
