"""The browser suite: Debian's Chromium, driven by Selenium, against a live test server.

Outside CI the suite skips, saying why, when Chromium or its driver is missing (`bash
.ci/browser.sh` installs both); in CI it fails instead. A failing test leaves a screenshot and the
page's HTML in BROWSER_SCREENSHOTS (default /tmp/dossierflow-screenshots).
"""

import os
import pathlib
import re

import pytest

CHROMIUM = os.environ.get("BROWSER_BINARY", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")
SCREENSHOTS = pathlib.Path(os.environ.get("BROWSER_SCREENSHOTS", "/tmp/dossierflow-screenshots"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def driver(request):
    if not (os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)):
        reason = "needs Debian's chromium and chromium-driver: run `bash .ci/browser.sh`"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1280,1100",
    ):
        options.add_argument(argument)
    browser = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    browser.set_page_load_timeout(60)
    yield browser
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)
        browser.save_screenshot(str(SCREENSHOTS / f"{name}.png"))
        (SCREENSHOTS / f"{name}.html").write_text(browser.page_source, encoding="utf-8")
        print(f"screenshot of the failure: {SCREENSHOTS / name}.png")
    browser.quit()
