"""The report marks the model's evidence apart from the lexicon's terms, escaped, with no model needed."""

import json
import re

from framing.report import page
from framing.report.page import cell_data, displayed, highlight, report
from framing.scoring.rows import ScoredSentence

TEXT = "Damascus <b>officials</b> said the regime's convoy was hit."
MODEL = {"term": "Damascus", "start": 0, "end": 8, "field": "state", "label": "government", "quoted": False}
MODEL |= {"deciding": True, "source": "model", "drop": 0.3125}


def test_model_evidence_is_marked_apart_with_its_drop_and_escaped():
    lexicon = {"start": 35, "end": 43, "field": "state", "label": "regime", "deciding": True, "quoted": False}
    marked = highlight(TEXT, [lexicon, MODEL])
    assert marked == (
        '<mark class="model" title="model evidence: drop 0.31 (state: government)">Damascus</mark> '
        "&lt;b&gt;officials&lt;/b&gt; said the "
        '<mark class="deciding" title="state: regime">regime&#x27;s</mark> convoy was hit.'
    )


def scores_rows(n: int, evidence_for) -> list[dict]:
    rows = []
    for i in range(n):
        rows.append(
            {"doc": f"syn:{i}", "sentence": 0, "start": 0, "end": len(TEXT), "text": TEXT, "outlet": "Outlet <A>"}
            | {"date": "2015-05-01", "opposition": "none", "state": "government", "voice": "own", "model": "m"}
            | {"evidence": evidence_for(i)}
        )
    return rows


def page_cells(path) -> dict:
    html = path.read_text(encoding="utf-8")
    return json.loads(re.search(r'<script type="application/json" id="cells">(.*?)</script>', html, re.S).group(1))


def test_the_report_shows_model_evidence_from_the_scores_alone(tmp_path):
    scores = tmp_path / "s.jsonl"
    rows = scores_rows(8, lambda i: [MODEL] if i % 2 else [])
    scores.write_text("".join(json.dumps(r) + "\n" for r in rows))
    out = report([scores], tmp_path / "out", n_boot=50, min_articles=1, min_sentences=1)
    sentences = page_cells(out)["syn"]["Outlet <A>"]["sentences"]
    marked = [s["html"] for s in sentences if '<mark class="model"' in s["html"]]
    assert len(marked) == 4 and all("&lt;b&gt;officials&lt;/b&gt;" in h and "<b>" not in h for h in marked)
    assert 'title="model evidence: drop 0.31 (state: government)"' in marked[0]
    html = out.read_text(encoding="utf-8")
    assert "4 of the sentences behind the cells have a label that no lexicon term decided" in html
    assert f"framing explain --scores {scores}" in html


def test_displayed_holds_every_sentence_the_cells_embed(monkeypatch):
    monkeypatch.setattr(page, "CELL_LIMIT", 3)
    rows = []
    for i in range(12):
        labels = ("terrorist", "regime") if i % 3 == 0 else ("none", "government") if i % 3 == 1 else ("rebel", "none")
        rows.append(
            ScoredSentence(f"d:{i}", 0, text=f"s{i}", outlet="AB"[i % 2], opposition=labels[0], state=labels[1])
        )
    shown = displayed(rows)
    embedded = {(s["doc"], s["i"]) for o in cell_data(rows).values() for s in o["sentences"]}
    assert {(rows[i].doc, rows[i].sentence) for i in shown} == embedded
    first = {(rows[i].outlet, a, rows[i].label(a)) for i in shown[:5] for a in ("opposition", "state")}
    assert len(shown) == len(set(shown)) and len(first) >= 5  # the first of each cell come first
