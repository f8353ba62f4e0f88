"""Browser tests of the trust console: the real server on loopback, Debian's Chromium headless
(Playwright's Python API pointed at ``/usr/bin/chromium``; no browser is downloaded), axe-core
(vendored from npm in ``vendor/``) run on every page a test visits.

Set ``REVIEWER_CONSOLE_SCREENSHOTS`` to a folder to save a 1366x768 screenshot of each page a
test names with :meth:`Browser.shoot` (that is how ``docs/screenshots/console-*.png`` are made).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from browser_tab import (
    CHROMIUM,
    CHROMIUM_ARGS,
    CHROMIUM_ENV,
    Browser,
    open_tab,
    seed_demo_console,
    sign_newest_demo_reports,
)
from sqlmodel import Session, select

from console_support import ConsoleServer, Staff
from reviewer_app.server import models


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    # Module scope, not session: Playwright's sync API keeps an asyncio loop running in this
    # thread while it is open, so any later test in the same worker that signs a report
    # (pyHanko calls asyncio.run) would fail with "cannot be called from a running event loop".
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (see .ci/run)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # Playwright gives each launch a fresh, throwaway profile (user-data-dir).
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            env={**os.environ, **CHROMIUM_ENV},
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
    with open_tab(chromium, console_server) as tab:
        yield tab


@dataclass
class DemoConsole:
    """The console serving the demo trust, and its demo sign-ins by first name."""

    server: ConsoleServer
    staff: dict[str, Staff]


@pytest.fixture(scope="module")
def demo_console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoConsole]:
    """The demo trust with its history, served once for a module's tests, its newest signed
    visits (each school's latest health check, which the overview shows) with their signed
    reports, as ``serve --demo`` signs them first."""
    from reviewer_app.server.console.settings import ConsoleSettings
    from reviewer_app.server.database import create_server_engine

    folder = tmp_path_factory.mktemp("demo-console")
    url, accounts = seed_demo_console(folder)
    engine = create_server_engine(url)
    with Session(engine) as session:
        ids = {p.email: p.id for p in session.exec(select(models.Person)).all()}
    authority = sign_newest_demo_reports(engine, folder, reviews=7)
    engine.dispose()
    server = ConsoleServer(
        url, folder, ConsoleSettings(demo_accounts=accounts), authority=authority
    ).start()
    staff = {
        a.email.split(".")[0]: Staff(a.email, ids[a.email], a.password, a.totp_secret)
        for a in accounts
    }
    try:
        yield DemoConsole(server, staff)
    finally:
        server.stop()


@pytest.fixture
def demo_tab(chromium: Any, demo_console: DemoConsole) -> Iterator[Browser]:
    """A fresh browser tab (no one signed in) on the demo console."""
    with open_tab(chromium, demo_console.server) as tab:
        yield tab
