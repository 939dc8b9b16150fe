"""Browser tests: Playwright driving Debian's Chromium (never a downloaded browser).

Without /usr/bin/chromium the browser tests are skipped — or fail, when
``KECHUANG_REQUIRE_BROWSER=1`` (as in CI).

The site sends its Content-Security-Policy in test mode too, and every page a test opens in a
context made here (``browser_context``, ``page``, ``new_context``) reports what the policy
blocked: the test fails at teardown naming the page, the directive and what was blocked.
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


# Runs in every document before its own scripts: passes each CSP violation to the test.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__kechuangCspViolation({
    page: document.location.href,
    directive: event.effectiveDirective || event.violatedDirective,
    blocked: event.blockedURI || "(inline)",
    source: event.sourceFile ? `${event.sourceFile}:${event.lineNumber}:${event.columnNumber}` : "",
    sample: event.sample || "",
  });
}, true);
"""


class CspViolations(list):
    """What the Content-Security-Policy blocked in one or more browser contexts."""

    def watch(self, context) -> None:
        context.expose_binding(
            "__kechuangCspViolation", lambda _source, report: self.append(report)
        )
        context.add_init_script(REPORT_VIOLATIONS)
        # Chromium also logs what it refused; catches a violation reported too late for the
        # event (e.g. while a page unloads).
        context.on("console", self._console)

    def _console(self, message) -> None:
        if message.type == "error" and message.text.startswith("Refused to"):
            self.append({"page": message.page.url if message.page else "", "console": message.text})

    def describe(self) -> str:
        lines = []
        for report in self:
            if "console" in report:
                lines.append(f"{report['page']}: {report['console']}")
            else:
                where = f" at {report['source']}" if report["source"] else ""
                sample = f" ({report['sample']!r})" if report["sample"] else ""
                lines.append(
                    f"{report['page']}: {report['directive']} blocked {report['blocked']}"
                    f"{where}{sample}"
                )
        return "Content-Security-Policy violations:\n" + "\n".join(dict.fromkeys(lines))


@pytest.fixture
def csp_violations():
    """The CSP violations of the test's browser contexts; checked at teardown."""
    violations = CspViolations()
    yield violations
    if violations:
        pytest.fail(violations.describe(), pytrace=False)


@pytest.fixture
def new_context(browser, csp_violations):
    """Makes further contexts (another user at the same time) set up like ``browser_context``."""
    contexts = []

    def make(**options):
        context = browser.new_context(locale="zh-CN", **options)
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        context.set_default_navigation_timeout(DEFAULT_TIMEOUT_MS)
        csp_violations.watch(context)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def browser_context(new_context):
    return new_context()


@pytest.fixture
def page(browser_context):
    """A fresh page in a fresh context (zh-CN, 10 s timeouts) for each test."""
    return browser_context.new_page()
