"""The worked example of a second label scheme (``islamic-state``): its shipped lexicon model scores real
AllSides articles and the main job's machinery gives its profiles and its own report, in its wording."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from framing.report.page import report
from framing.schemes import shipped_scheme
from framing.scoring.rows import read_scores
from framing.scoring.streaming import score
from tests.report.browser import headless_chromium, needs_browser

#: Articles kept per outlet: enough for the outlets that name the group most to be estimated (CNN, Fox, ...).
PER_OUTLET = 10
#: Outlets kept, in the file's order: a page of a dozen outlets, every section of it drawn.
OUTLETS = 12


@pytest.fixture(scope="module")
def scheme_report(tmp_path_factory, data_root, root):
    """AllSides' first articles of its first outlets (a copy in a temporary folder only) scored by the shipped
    ``islamic-state`` lexicon, and their report."""
    from collections import Counter

    folder = tmp_path_factory.mktemp("scheme-report")
    kept = Counter()
    with (data_root / "allsides-syria" / "articles.jsonl").open(encoding="utf-8") as handle:
        with (folder / "allsides.jsonl").open("w", encoding="utf-8") as out:
            for line in handle:
                source = json.loads(line)["source"]
                if source not in kept and len(kept) == OUTLETS:
                    continue
                kept[source] += 1
                if kept[source] <= PER_OUTLET:
                    out.write(line)
    score([folder / "allsides.jsonl"], folder / "scores.jsonl", root / "models" / "islamic-state")
    return folder / "scores.jsonl", report([folder / "scores.jsonl"], folder / "out", n_boot=100)


def test_the_scores_are_rows_of_the_scheme(scheme_report):
    scores, _ = scheme_report
    rows = read_scores([scores])
    scheme = shipped_scheme("islamic-state")
    assert all(r.scheme.same_as(scheme) for r in rows)
    first = json.loads(scores.read_text(encoding="utf-8").splitlines()[0])
    assert first["scheme"] == "islamic-state" and "opposition" not in first and "state" not in first
    named = [r for r in rows if r.is_group != "none"]
    assert {r.is_group for r in named} >= {"islamic_state", "isis", "isil"}
    assert all(any(e["deciding"] and e["label"] == r.is_group for e in r.evidence) for r in named)


def test_the_report_speaks_of_the_scheme(scheme_report):
    _, page = scheme_report
    html = page.read_text(encoding="utf-8")
    assert "Each sentence naming the Islamic State group is labelled by how it names it" in html
    assert "label scheme islamic-state v1" in html
    for heading in ("Framing map", "Framing profiles", "Divergence between outlets: is_group", "quoted"):
        assert heading in html
    assert "daesh namings in quotes" in html and 'data-key="is_group:isis"' in html
    # the page's own words: not the stylesheet (it colours Syrian columns too) nor the sentences' text
    shown = re.sub(r"<style>.*?</style>|<script[^>]*>.*?</script>", "", html, flags=re.S)
    assert "opposition" not in shown and "regime" not in shown  # nothing Syrian leaks into its wording
    assert "adjusts them for the model's measured errors" not in html  # no error rates for this scheme


@needs_browser
def test_the_schemes_report_opens_and_a_cell_lists_its_sentences(scheme_report, tmp_path):
    from selenium.webdriver.common.by import By

    scores, page = scheme_report
    rows = read_scores([scores])
    driver = headless_chromium()
    try:
        driver.get(Path(page).as_uri())
        assert not [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
        cell = driver.find_element(By.CSS_SELECTOR, 'td.cell[data-key="is_group:isis"]:not(.thin)')
        outlet = cell.get_attribute("data-outlet")
        driver.execute_script("arguments[0].closest('details') && (arguments[0].closest('details').open = true)", cell)
        cell.click()
        assert driver.find_element(By.ID, "panel-title").text == f"{outlet}: is_group = isis"
        behind = [r for r in rows if r.outlet == outlet and r.is_group == "isis"]
        assert f"{len(behind)} of" in driver.find_element(By.ID, "panel-count").text
        items = driver.find_elements(By.CSS_SELECTOR, "#panel li")
        assert len(items) == min(len(behind), 60)
        expected = {re.sub(r"\s+", " ", r.text) for r in behind}
        assert all(re.sub(r"\s+", " ", li.text.split("\n", 1)[1]) in expected for li in items)
        assert all(li.find_elements(By.CSS_SELECTOR, "mark.deciding") for li in items)
        driver.save_screenshot(str(tmp_path / "scheme-report.png"))
        assert (tmp_path / "scheme-report.png").stat().st_size > 10_000
    finally:
        driver.quit()
