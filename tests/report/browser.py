"""Headless Chromium for the report's browser tests (Debian's chromium and chromium-driver; `make browser`)."""

from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM, DRIVER = shutil.which("chromium") or shutil.which("chromium-browser"), shutil.which("chromedriver")

#: Skips a test where Chromium is missing, unless FRAMING_REQUIRE_BROWSER (set in CI) makes it fail instead.
_installed = pytest.mark.skipif(
    not (CHROMIUM and DRIVER) and not os.environ.get("FRAMING_REQUIRE_BROWSER"),
    reason="chromium and chromedriver are not installed (make browser installs them)",
)


def needs_browser(test):
    """A test that opens the report in headless Chromium: slow (seconds per page), run by ``make test-slow``."""
    return pytest.mark.slow(_installed(test))


def headless_chromium():
    """A Selenium driver of headless Chromium, offline, logging the browser console; the caller quits it."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--window-size=1400,1000",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(DRIVER), options=options)
