"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

A failing test leaves a screenshot of its page in test-artifacts/. Set PANEL_SCREENSHOTS=DIR
to also save the screenshots the README shows (docs/screenshots).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from catalog.models import Service
from tests.conftest import PASSWORD

CHROMIUM = os.environ.get("PANEL_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parent.parent.parent / "test-artifacts"
DESKTOP = {"width": 1280, "height": 860}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture(scope="module")
def chromium():
    """One Chromium for the module. Playwright's sync API runs an event loop in this thread,
    which Django would take for async code: the ORM calls of these tests are synchronous."""
    if not Path(CHROMIUM).exists():
        pytest.skip(
            f"Chromium is not installed at {CHROMIUM} (apt-get install chromium, or set PANEL_CHROMIUM)"
        )
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def open_page(chromium, request):
    """open_page(viewport=DESKTOP, color_scheme="light", permissions=()): a page in a fresh context
    (its own cookies), granted `permissions` (e.g. "clipboard-read").

    Failing tests save a screenshot of every page they opened into test-artifacts/.
    """
    contexts = []

    def open_(viewport=None, color_scheme="light", permissions=()):
        context = chromium.new_context(
            viewport=viewport or DESKTOP, color_scheme=color_scheme, permissions=list(permissions)
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.csp_errors = []
        page.on(
            "console",
            lambda message: (
                page.csp_errors.append(message.text) if "Content Security Policy" in message.text else None
            ),
        )
        return page

    yield open_
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)
        for index, context in enumerate(contexts):
            for number, page in enumerate(context.pages):
                try:
                    page.screenshot(path=str(ARTIFACTS / f"{name}-{index}-{number}.png"), full_page=True)
                except Exception as error:
                    print(f"no screenshot of {page.url}: {error}")
    for context in contexts:
        context.close()


@pytest.fixture
def screenshot():
    """screenshot(page, name): saved under $PANEL_SCREENSHOTS when it is set (for the README)."""
    folder = os.environ.get("PANEL_SCREENSHOTS")

    def take(page, name: str, *, full_page: bool = False) -> None:
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=full_page)

    return take


@pytest.fixture
def service(provider, catalog):
    """service(name): the provider's service of that name, its catalog imported."""
    return lambda name: Service.objects.get(provider=provider, name=name)


@pytest.fixture
def log_in(live_server):
    def log_in_(page, email: str, password: str = PASSWORD) -> None:
        page.goto(f"{live_server.url}/login/")
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill(password)
        page.locator("main").get_by_role("button", name="Sign In").click()
        page.wait_for_url(f"{live_server.url}/dashboard/")

    return log_in_


# The test gateway's server, as the payments suites run it (tests/payments/conftest.py).
from tests.payments.conftest import test_gateway  # noqa: E402, F401
