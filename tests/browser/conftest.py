"""Browser tests: Playwright driving Debian's Chromium (never a downloaded browser).

Without /usr/bin/chromium the browser tests are skipped — or fail, when
``KECHUANG_REQUIRE_BROWSER=1`` (as in CI).
"""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread, which trips Django's
# async-safety check for the ORM calls the tests make around it.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_MISSING = (
    "Chromium not found at /usr/bin/chromium; install it with apt-get install chromium"
)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-dev-shm-usage",
    "--no-first-run",
]
DEFAULT_TIMEOUT_MS = 10_000


def require_chromium() -> None:
    if CHROMIUM.exists():
        return
    if os.environ.get("KECHUANG_REQUIRE_BROWSER") == "1":
        pytest.fail(CHROMIUM_MISSING, pytrace=False)
    pytest.skip(CHROMIUM_MISSING)


@pytest.fixture(autouse=True)
def _chromium_available():
    """Every test in this directory needs the browser: skip (or fail) before anything else."""
    require_chromium()


@pytest.fixture(scope="session")
def playwright_driver():
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright_driver):
    browser = playwright_driver.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture
def browser_context(browser):
    context = browser.new_context(locale="zh-CN")
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    context.set_default_navigation_timeout(DEFAULT_TIMEOUT_MS)
    yield context
    context.close()


@pytest.fixture
def page(browser_context):
    """A fresh page in a fresh context (zh-CN, 10 s timeouts) for each test."""
    return browser_context.new_page()
