"""Outlets whose articles show no quotation marks are named, for the report's notes."""

from framing.analysis.quotation import MIN_SENTENCES, unquoted_note, unquoted_outlets
from framing.analysis.results import Settings, analyse
from framing.scoring.rows import ScoredSentence


def article(doc, outlet, quoted=None, sentences=MIN_SENTENCES, text="Rebels shelled the town."):
    """An article of ``sentences`` rows; the sentence numbered ``quoted`` holds a quote."""
    return [
        ScoredSentence(
            doc,
            i,
            outlet=outlet,
            text='"We will fight on," a commander said.' if i == quoted else text,
            opposition="rebel",
            voice="reported" if i == quoted else "own",
        )
        for i in range(sentences)
    ]


def corpus():
    rows = []
    for n in range(3):  # never a mark
        rows += article(f"plain{n}", "Plain Times")
    rows += article("mixed0", "Mixed Post") + article("mixed1", "Mixed Post", quoted=2)
    rows += article("mixed2", "Mixed Post", quoted=0)  # 1 of 3 without: under half
    for n in range(2):  # every article quotes, with curly marks
        rows += article(f"wire{n}", "Wire", text="\u201cRebels\u201d shelled the town.")
    rows += article("short", "Short News", sentences=MIN_SENTENCES - 1)  # too short to judge
    rows += article("ed0", "Editorials") + article("ed1", "Editorials")  # two articles: too few to say
    for n in range(3):  # British style: single quotation marks
        rows += article(f"uk{n}", "UK Daily", text="The 'moderate' rebels shelled the town.")
    return rows


def test_outlets_most_of_whose_articles_show_no_mark_are_named():
    found = unquoted_outlets(corpus())
    assert [(u.outlet, u.without, u.articles) for u in found] == [("Plain Times", 3, 3)]
    assert unquoted_outlets(corpus(), min_share=0.3)[1].outlet == "Mixed Post"  # 1 of 3 at a lower bar


def test_rows_without_text_are_not_judged():
    rows = [ScoredSentence(r.doc, r.sentence, outlet=r.outlet, voice=r.voice) for r in article("d", "Plain Times")]
    assert unquoted_outlets(rows) == []


def test_the_note_reaches_the_analysis():
    note = unquoted_note(corpus())
    assert note is not None and "Plain Times (3 of 3 articles)" in note and "Mixed Post" not in note
    assert note in analyse("toy", corpus(), Settings(n_boot=50)).notes
    quoting = [r for r in corpus() if r.outlet_name != "Plain Times"]
    assert unquoted_note(quoting) is None
    assert not any("quotation mark" in n for n in analyse("toy", quoting, Settings(n_boot=50)).notes)
