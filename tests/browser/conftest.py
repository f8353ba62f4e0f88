"""Browser tests of the trust console: the real server on loopback, Debian's Chromium headless
(Playwright's Python API pointed at ``/usr/bin/chromium``; no browser is downloaded), axe-core
(vendored from npm in ``vendor/``) run on every page a test visits.

Set ``REVIEWER_CONSOLE_SCREENSHOTS`` to a folder to save a 1366x768 screenshot of each page a
test names with :meth:`Browser.shoot` (that is how ``docs/screenshots/console-*.png`` are made).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_tab import CHROMIUM, CHROMIUM_ARGS, Browser

from console_support import ConsoleServer


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (see .ci/run)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # Playwright gives each launch a fresh, throwaway profile (user-data-dir).
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def console_server(tmp_path: Path) -> Iterator[ConsoleServer]:
    server = ConsoleServer(f"sqlite:///{tmp_path / 'server.sqlite3'}", tmp_path).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def browser(chromium: Any, console_server: ConsoleServer) -> Iterator[Browser]:
    context = chromium.new_context(viewport={"width": 1366, "height": 768}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    tab = Browser(page, console_server)
    try:
        yield tab
    finally:
        context.close()
    assert not tab.console_errors, f"the browser console reported: {tab.console_errors}"
