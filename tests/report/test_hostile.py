"""Crafted data in the report: every value is escaped for where it lands, and no script of it runs.

The scores are synthetic (written here, not scored): outlet names, document ids, the corpus name,
the scores file's name, the model's name, sentences and the page title carry payloads that would set
``window.__pwned`` or ``document.title`` if any of them reached the page as markup or script.
"""

import base64
import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import pytest

from framing.errors import FramingError
from framing.report.page import fill, report, script_json
from tests.report.browser import headless_chromium, needs_browser

ATTRIBUTE = '"><img src=x onerror="window.__pwned=1">'
SINGLE = "'><img src=x onerror='window.__pwned=1'>"
SCRIPT = "</script><script>window.__pwned=1</script>"
COMMENT = "<!--<script>window.__pwned=1//"
LINK = "javascript:window.__pwned=1"
SVG = "<svg onload=\"document.title='pwned'\">"
SLOTS = "{{data}} {{sections}} $page {title}"
MATH = r"$\frac$ {{title}}"  # TeX to matplotlib, unless its text is plain text
SEPARATORS = "line\u2028para\u2029end"
PAYLOADS = [ATTRIBUTE, SINGLE, SCRIPT, COMMENT, LINK, SVG, SLOTS, MATH, SEPARATORS]
#: A corpus name (the documents' id prefix) that climbs out of the figures folder and carries markup.
CORPUS = "../../<img src=x onerror=window.__pwned=1>"
TITLE = "<script>document.title='pwned'</script> report"
OUTLETS = PAYLOADS + ["plain outlet"]


def scores_row(doc: str, sentence: int, outlet: str, text: str, opposition: str, state: str, model: str) -> dict:
    evidence = [
        {"term": term, "start": text.index(term), "end": text.index(term) + len(term), "field": field}
        | {"label": label, "quoted": False, "deciding": True}
        for term, field, label in (("terrorists", "opposition", opposition), ("regime", "state", state))
    ]
    return {
        "doc": doc,
        "sentence": sentence,
        "start": 0,
        "end": len(text),
        "text": text,
        "outlet": outlet,
        "date": f"201{sentence % 3 + 4}-05-01",
        "opposition": opposition,
        "state": state,
        "voice": "own",
        "evidence": evidence,
        "model": model,
    }


def crafted_rows(model: str, flip: bool = False) -> list[dict]:
    """Three articles of two sentences per crafted outlet; ``flip`` changes some labels (a second model)."""
    rows = []
    for o, outlet in enumerate(OUTLETS):
        for a in range(3):
            doc = f"{CORPUS}:{PAYLOADS[(o + a) % len(PAYLOADS)]}#{o}.{a}"
            for s in range(2):
                text = f"The regime shelled {PAYLOADS[(o + s) % len(PAYLOADS)]} as terrorists fled."
                opposition = "terrorist" if (o + a + s + flip) % 3 else "rebel"
                rows.append(scores_row(doc, s, outlet, text, opposition, "regime" if o % 2 else "government", model))
    return rows


def write_scores(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def crafted_report(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    scores = write_scores(folder / f"scores{ATTRIBUTE}.jsonl", crafted_rows(SCRIPT))
    other = write_scores(folder / f"other{SINGLE}.jsonl", crafted_rows("lexicon", flip=True))
    out = folder / "out"
    return report([scores], out, [other], n_boot=20, title=TITLE, min_articles=1, min_sentences=1)


class Page(HTMLParser):
    """The elements of a page as a browser's parser sees them: tags, attributes, script texts."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[str] = []
        self._in_script = False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"
        if self._in_script:
            self.scripts.append("")

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1] += data


def test_crafted_values_stay_text_in_every_context(crafted_report):
    text = crafted_report.read_text(encoding="utf-8")
    for part in ("Framing map", "Divergence between outlets", "Framing over time", "versus", "<image"):
        assert part in text, f"the crafted report lacks {part!r}: the browser test would not cover it"
    for payload in PAYLOADS + [CORPUS, TITLE]:
        if re.search(r"[<>\"']", payload):
            assert payload not in text, f"{payload!r} reached the page unescaped"
    page = Page(text)
    names = [tag for tag, _ in page.tags]
    assert "img" not in names and names.count("script") == 2 and names.count("section") == 1
    handlers = [(tag, a) for tag, attrs in page.tags for a in attrs if a.startswith("on")]
    assert not handlers, f"event handler attributes: {handlers[:3]}"
    links = [attrs["href"] for tag, attrs in page.tags if tag == "a" and "href" in attrs]
    assert links and all(link.startswith("#") for link in links), "every link stays within the page"
    cells = [attrs for tag, attrs in page.tags if tag == "td" and "data-outlet" in attrs]
    assert {c["data-outlet"] for c in cells} == set(OUTLETS) and {c["data-section"] for c in cells} == {CORPUS}
    data = page.scripts[0]
    assert not re.search("[<>&\u2028\u2029]", data), "the JSON block must hold nothing that can end it"
    assert set(json.loads(data)[CORPUS]) == set(OUTLETS)
    assert text.count('id="cells"') == 1, "a slot name in the data was filled in again"


def test_page_sets_a_content_security_policy(crafted_report):
    page = Page(crafted_report.read_text(encoding="utf-8"))
    meta = [a for tag, a in page.tags if tag == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert len(meta) == 1
    policy = dict(part.strip().split(" ", 1) for part in meta[0]["content"].split(";"))
    digest = base64.b64encode(hashlib.sha256(page.scripts[1].encode()).digest()).decode()
    assert policy["script-src"] == f"'sha256-{digest}'", "only the page's own script may run"
    assert policy["default-src"] == "'none'" and policy["img-src"] == "data:" and policy["base-uri"] == "'none'"
    assert "http" not in meta[0]["content"] and "'self'" not in meta[0]["content"]


def test_figures_stay_inside_the_output_folder(crafted_report):
    out = crafted_report.parent
    written = [p for p in out.parent.rglob("*.svg")]
    assert written and all(out in p.parents for p in written)


def test_inline_json_cannot_end_its_block():
    value = {"a</script><!--": "x\u2028y\u2029z & <b>"}
    text = script_json(value)
    assert json.loads(text) == value and not re.search("[<>&\u2028\u2029]", text)


def test_template_slots_are_filled_in_one_pass():
    assert fill("{{a}}|{{b}}", {"a": "{{b}}", "b": "$a"}) == "{{b}}|$a"
    with pytest.raises(ValueError):
        fill("{{a}}", {"a": "x", "b": "y"})


def test_label_outside_the_schema_is_refused(tmp_path):
    rows = crafted_rows("m")
    rows[3]["state"] = ATTRIBUTE
    scores = write_scores(tmp_path / "scores.jsonl", rows)
    with pytest.raises(FramingError, match="scores.jsonl") as error:
        report([scores], tmp_path / "out", n_boot=5, min_articles=1, min_sentences=1)
    assert "\n" not in str(error.value)


def test_rows_the_page_cannot_show_are_left_out_with_a_message(tmp_path, capsys):
    rows = crafted_rows("m")
    rows[1]["evidence"][0]["label"] = ATTRIBUTE
    rows[2]["sentence"] = ATTRIBUTE
    rows[4]["evidence"][0]["start"] = "0"
    scores = write_scores(tmp_path / "scores.jsonl", rows)
    page = report([scores], tmp_path / "out", n_boot=5, min_articles=1, min_sentences=1).read_text()
    message = capsys.readouterr().err
    assert "scores.jsonl: left out 3 of" in message and "row 2: evidence label" in message and "row 3:" in message
    assert "left out 3 of" in page and ATTRIBUTE not in page


def test_a_file_with_no_row_to_show_is_an_error(tmp_path):
    rows = crafted_rows("m")
    for row in rows:
        row["text"] = None
    with pytest.raises(FramingError, match="no row can be shown"):
        report([write_scores(tmp_path / "s.jsonl", rows)], tmp_path / "out", n_boot=5)


@needs_browser
def test_no_script_runs_from_crafted_data(crafted_report):
    """Open the page, click every cell, every document and section link, open a crafted #doc= address:
    the payloads show as text, nothing of them runs, and the policy is never violated by the page."""
    from selenium.webdriver.common.by import By

    driver = headless_chromium()

    def click(element) -> None:  # in view, clear of the sticky header
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
        element.click()

    def untouched() -> None:
        assert driver.execute_script("return window.__pwned") is None
        assert driver.title == TITLE
        assert driver.execute_script("return document.images.length + document.scripts.length") == 2

    try:
        driver.get(Path(crafted_report).as_uri())
        untouched()
        for cell in driver.find_elements(By.CSS_SELECTOR, "td.cell"):
            click(cell)
            actor, label = cell.get_attribute("data-key").split(":")
            title = driver.find_element(By.ID, "panel-title").get_attribute("textContent")
            assert title == f"{cell.get_attribute('data-outlet')}: {actor} = {label}"
            driver.find_element(By.ID, "close").click()
        click(driver.find_element(By.CSS_SELECTOR, "td.cell"))
        docs = driver.find_elements(By.CSS_SELECTOR, "#panel a.doc")
        assert docs
        click(docs[0])
        assert driver.find_element(By.ID, "panel-title").get_attribute("textContent").startswith(f"Document {CORPUS}:")
        for link in driver.find_elements(By.CSS_SELECTOR, "main a.doc, header a"):
            driver.execute_script("arguments[0].click()", link)
        untouched()
        doc = f"{CORPUS}:{ATTRIBUTE}#0.0"
        driver.get(Path(crafted_report).as_uri() + "#doc=" + quote(doc, safe=""))
        driver.refresh()
        untouched()
        assert driver.find_element(By.ID, "panel-title").get_attribute("textContent") == f"Document {doc}"
        driver.get(Path(crafted_report).as_uri() + "#doc=" + quote(SCRIPT) + "%ZZ")  # cannot be decoded
        driver.refresh()
        untouched()
        log = driver.get_log("browser")
        assert not [e for e in log if "Content Security Policy" in e["message"]], log
        assert not [e for e in log if e["level"] == "SEVERE"], log
        # the policy is in force: markup put in the page anyway runs no handler, and is reported
        driver.execute_script(
            "document.body.insertAdjacentHTML('beforeend', arguments[0])", '<img src="x" onerror="window.__pwned=1">'
        )
        driver.implicitly_wait(0)
        assert driver.execute_script("return new Promise(r => setTimeout(() => r(window.__pwned), 300))") is None
        assert [e for e in driver.get_log("browser") if "Content Security Policy" in e["message"]]
    finally:
        driver.quit()
