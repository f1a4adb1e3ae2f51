"""The HTML report: built from real scores, self-contained, and (in headless Chromium) clickable."""

import json
import re
from pathlib import Path

import pytest

from framing.report import page
from framing.report.page import highlight, report
from framing.scoring.streaming import score
from tests.report.browser import headless_chromium, needs_browser


@pytest.fixture(scope="module")
def fakes_report(tmp_path_factory, data_root, root):
    """The report of FA-KES scored by the lexicon (the page, not the model, is under test here): the first
    ten articles of each outlet, which keeps every section of the page and a second of scoring."""
    import csv
    from collections import Counter

    folder = tmp_path_factory.mktemp("report")
    with open(data_root / "fa-kes" / "FA-KES-Dataset.csv", newline="", encoding="utf-8") as handle:
        rows, kept = csv.DictReader(handle), Counter()
        with open(folder / "fakes.csv", "w", newline="", encoding="utf-8") as out:  # in a temporary folder only
            writer = csv.DictWriter(out, rows.fieldnames)
            writer.writeheader()
            for row in rows:
                kept[row["source"]] += 1
                if kept[row["source"]] <= 10:
                    writer.writerow(row)
    score([folder / "fakes.csv"], folder / "fakes.jsonl", root / "models" / "lexicon")
    return report([folder / "fakes.jsonl"], folder / "out", n_boot=200)


def test_report_is_self_contained(fakes_report):
    page = fakes_report.read_text(encoding="utf-8")
    assert "<svg" in page and 'id="cells"' in page
    assert not re.search(r"""(src|href)=["']https?://""", page), "the page must not load anything from the network"
    assert not re.search(r"""<(script|link)[^>]+(src|href)=""", page), "scripts and styles must be inlined"
    for heading in ("Framing map", "Framing profiles", "Divergence between outlets", "Framing over time", "quoted"):
        assert heading in page


def test_highlight_marks_the_deciding_terms_and_escapes():
    evidence = [{"start": 4, "end": 10, "field": "opposition", "label": "rebel", "deciding": True, "quoted": False}]
    marked = highlight("The rebels <b>", evidence)
    assert marked == 'The <mark class="deciding" title="opposition: rebel">rebels</mark> &lt;b&gt;'


@needs_browser
def test_clicking_a_cell_lists_its_sentences(fakes_report, tmp_path):
    from selenium.webdriver.common.by import By

    from framing.scoring.rows import read_scores

    driver = headless_chromium()
    try:
        driver.get(Path(fakes_report).as_uri())
        driver.find_element(By.CSS_SELECTOR, 'td.cell[data-outlet="etilaf"][data-key="state:regime"]').click()
        assert driver.find_element(By.ID, "panel-title").text == "etilaf: state = regime"
        items = driver.find_elements(By.CSS_SELECTOR, "#panel li")
        rows = [
            r
            for r in read_scores([Path(fakes_report).parent.parent / "fakes.jsonl"])
            if r.outlet == "etilaf" and r.state == "regime"
        ]
        assert f"{len(rows)} of" in driver.find_element(By.ID, "panel-count").text
        assert len(items) == min(len(rows), 60)
        expected = {re.sub(r"\s+", " ", r.text) for r in rows}
        shown = [re.sub(r"\s+", " ", li.text.split("\n", 1)[1]) for li in items]
        assert all(text in expected for text in shown)
        # the deciding terms are highlighted: exactly the listed sentences whose evidence has one carry a mark
        with_term = [any(e["deciding"] for e in r.evidence) for r in rows[: len(items)]]
        marked = [bool(li.find_elements(By.CSS_SELECTOR, "mark.deciding")) for li in items]
        assert marked == with_term and sum(marked) > len(items) / 2
        items[0].find_element(By.CSS_SELECTOR, "a.doc").click()
        assert driver.find_element(By.ID, "panel-title").text.startswith("Document fa-kes:")
        driver.save_screenshot(str(tmp_path / "report.png"))
        assert (tmp_path / "report.png").stat().st_size > 10_000
    finally:
        driver.quit()


def test_scores_of_one_outlet_or_none_still_give_a_report(tmp_path, root):
    """The seeds have no outlets: the page says what it cannot compare instead of failing."""
    score([root / "seeds"], tmp_path / "seeds.jsonl", root / "models" / "lexicon")
    page = report([tmp_path / "seeds.jsonl"], tmp_path / "out", n_boot=50).read_text(encoding="utf-8")
    assert "Outlets are not compared: fewer than two outlets name the actors" in page
    assert "Divergence between outlets" not in page and "unknown" in page


def test_report_and_tables_show_the_same_intervals(tmp_path, root):
    """One analysis behind the CSV and the page: every estimated share's interval reads the same in both."""
    from framing.analysis.results import Settings, analyse, write_tables
    from framing.report.page import Section, render_report
    from framing.scoring.rows import read_scores

    score([root / "seeds"], tmp_path / "s.jsonl", root / "models" / "lexicon")
    rows = read_scores([tmp_path / "s.jsonl"])
    # two synthetic outlets from the seeds' documents, so that there is something to estimate and compare
    from dataclasses import replace

    docs = sorted({r.doc for r in rows})
    rows = [replace(r, outlet="A" if docs.index(r.doc) % 2 else "B") for r in rows]
    analysis = analyse("seeds", rows, Settings(n_boot=100, min_articles=1, min_sentences=1))
    write_tables(analysis, tmp_path, "seeds")
    page = render_report([Section(analysis)], tmp_path / "out").read_text(encoding="utf-8")
    shown = 0
    for line in (tmp_path / "seeds-profile-all.csv").read_text().splitlines()[1:]:
        group, actor, label, share, low, high, *_ = line.split(",")
        if low and label != "terrorist+jihadist":
            expected = f"{float(share):.0%}<small>{float(low):.0%}-{float(high):.0%}</small>"
            assert expected in page, (group, actor, label)
            shown += 1
    assert shown > 0


@pytest.fixture(scope="module")
def many_outlets_report(tmp_path_factory):
    """Synthetic scores of 6 outlets of 6 sentences and one, "Big", of 160 sentences naming both actors;
    the page folds sections of more than 5 outlets, embeds 130 sentences per cell and lists 50 at a time
    (all set small here, to keep the test quick: drawing 20 outlets takes seconds)."""
    from tests.report.test_hostile import scores_row, write_scores

    folder = tmp_path_factory.mktemp("many")
    text = "The regime shelled the town as terrorists fled."
    rows = [
        scores_row(f"syn:{o}-{a}", s, f"outlet {o:02d}", text, "terrorist", "regime", "m")
        for o in range(6)
        for a in range(3)
        for s in range(2)
    ]
    rows += [
        scores_row(f"syn:big-{a}", s, "Big", text, "terrorist", "regime", "m") for a in range(40) for s in range(4)
    ]
    scores = write_scores(folder / "many.jsonl", rows)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(page, "FOLD_OUTLETS", 5)
        patch.setattr(page, "CELL_LIMIT", 130)
        patch.setattr(page, "CELL_PAGE", 50)
        return report([scores], folder / "out", n_boot=20, min_articles=1, min_sentences=1)


def test_many_outlets_fold_long_sections_and_embed_sentences_once(many_outlets_report):
    from tests.report.test_hostile import Page

    text = many_outlets_report.read_text(encoding="utf-8")
    parsed = Page(text)
    assert [tag for tag, _ in parsed.tags].count("details") >= 4  # outlet and voice tables, profiles, own map
    assert re.search(r"<details><summary>show the table of 7 outlets</summary><table class=\"outlets\"", text)
    big = json.loads(parsed.scripts[0])["syn"]["Big"]
    assert big["state:regime"]["n"] == 160 and big["state:regime"]["rows"] == list(range(130))
    assert big["opposition:terrorist"]["rows"] == list(range(130)) and len(big["sentences"]) == 130
    assert 'data-page="50"' in text


@needs_browser
def test_a_cell_pages_through_its_sentences(many_outlets_report):
    from selenium.webdriver.common.by import By

    driver = headless_chromium()
    try:
        driver.get(Path(many_outlets_report).as_uri())
        cell = driver.find_element(By.CSS_SELECTOR, 'td.cell[data-outlet="Big"][data-key="state:regime"]')
        assert not cell.is_displayed(), "the table of 7 outlets should start folded"
        driver.find_element(By.XPATH, "//summary[starts-with(., 'show the table of 7 outlets')]").click()
        cell.click()
        listed = [len(driver.find_elements(By.CSS_SELECTOR, "#panel-list li"))]
        count = driver.find_element(By.ID, "panel-count").text
        while driver.find_elements(By.ID, "more"):
            driver.find_element(By.ID, "more").click()
            listed.append(len(driver.find_elements(By.CSS_SELECTOR, "#panel-list li")))
        assert listed == [50, 100, 130] and count == "160 of 160 sentences naming the state; 50 listed"
        assert "The other 30 are not in this page" in driver.find_element(By.ID, "panel-more").text
        assert driver.find_element(By.ID, "panel-count").text.endswith("; 130 listed")
        log = driver.get_log("browser")
        assert not [e for e in log if e["level"] == "SEVERE" or "Content Security Policy" in e["message"]], log
    finally:
        driver.quit()
