"""The rotation report in a real headless Chromium (Debian's ``chromium`` and ``chromedriver``).

Without Chromium the test is skipped, unless ``ROTATION_REQUIRE_BROWSER=1`` (CI), where it
fails. Selenium is given the driver's path, so Selenium Manager never runs (it would download a
driver), and Chromium resolves no host name but 127.0.0.1.
"""

import functools
import json
import os
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from support.report_page import CHARTS, assert_not_blank

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")


@pytest.fixture
def browser(tmp_path, monkeypatch):
    """Debian's headless Chromium driven by its chromedriver, with no network but 127.0.0.1."""
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
        from selenium.webdriver.common import selenium_manager
    except ImportError:
        missing.append("the selenium package")
    if missing:
        reason = f"no headless browser: {', '.join(missing)} missing (apt-get install chromium)"
        if os.environ.get("ROTATION_REQUIRE_BROWSER") == "1":
            pytest.fail(f"ROTATION_REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)

    def no_selenium_manager(*args, **kwargs):
        raise AssertionError("Selenium Manager must not run: it downloads drivers")

    monkeypatch.setattr(selenium_manager.SeleniumManager, "binary_paths", no_selenium_manager)
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-quic",
        "--no-first-run",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
        "--window-size=1300,1400",
    ]:
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    service = Service(str(CHROMEDRIVER), log_output=str(tmp_path / "chromedriver.log"))
    driver = webdriver.Chrome(service=service, options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def served(asset_page):
    """The report's folder over HTTP on 127.0.0.1 (a free port), as a static server would."""

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(asset_page.parent))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def test_the_report_renders_in_headless_chromium(browser, served, tmp_path):
    from selenium.webdriver.common.by import By

    browser.get_log("performance")  # drained: the start page's own requests are not the report's
    browser.get(served + "index.html")
    assert browser.execute_script("return document.readyState") == "complete"
    assert browser.title.startswith("Rotation report")

    severe = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert not severe, f"console errors: {severe}"
    requested = [
        message["params"]["request"]["url"]
        for entry in browser.get_log("performance")
        if (message := json.loads(entry["message"])["message"])["method"]
        == "Network.requestWillBeSent"
    ]
    internal = ("data:", "chrome:", "chrome-extension:", "about:")  # not network requests
    outside = [url for url in requested if not url.startswith((served, *internal))]
    assert served + "index.html" in requested
    assert not outside, f"the page requested {outside}"

    banner = browser.find_element(By.ID, "synthetic-banner")
    assert banner.is_displayed() and "not market history" in banner.text

    images = browser.find_elements(By.CSS_SELECTOR, "figure img.chart")
    assert len(images) == len(CHARTS)
    for image in images:
        name = image.find_element(By.XPATH, "..").get_attribute("id").removeprefix("chart-")
        loaded = browser.execute_script(
            "const i = arguments[0]; return i.complete ? i.naturalWidth : 0", image
        )
        assert loaded > 0, f"{name} did not render"
        assert image.size["width"] > 600, f"{name} is displayed {image.size['width']} px wide"
        shot = image.screenshot_as_png
        (tmp_path / f"{name}.screenshot.png").write_bytes(shot)
        assert_not_blank(shot, f"{name} as displayed")

    table = browser.find_element(By.ID, "scorecard")
    assert table.is_displayed() and "Composite" in table.text
