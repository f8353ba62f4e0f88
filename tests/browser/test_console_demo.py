"""What a newcomer sees in the demo console: the demo trust (the desktop demo's schools, people
and visits), its sign-in shown on the sign-in page, the year's visits by half term."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_tab import Browser, open_tab, seed_demo_console

from console_support import ConsoleServer
from reviewer_app.server.console.settings import ConsoleSettings


@pytest.fixture
def demo_browser(chromium: Any, tmp_path: Path) -> Iterator[Browser]:
    url, accounts = seed_demo_console(tmp_path)
    server = ConsoleServer(url, tmp_path, ConsoleSettings(demo_accounts=accounts)).start()
    try:
        with open_tab(chromium, server) as tab:
            yield tab
    finally:
        server.stop()


def test_the_demo_console_signs_in_with_the_details_it_shows(demo_browser: Browser) -> None:
    browser = demo_browser
    page = browser.go("/console/sign-in")
    demo = page.locator("#demo-sign-in")
    assert "Trust admin (Mark Ellison)" in demo.inner_text()
    browser.shoot("sign-in-demo")
    email = re.search(r"(mark\.ellison@\S+)", demo.inner_text())
    password = re.search(r"password (\S+)", demo.inner_text())
    assert email
    assert password
    page.get_by_label("Email address").fill(email.group(1))
    page.get_by_label("Password").fill(password.group(1))
    browser.submit("Sign in")
    page.wait_for_url("**/console/sign-in/code")
    page.get_by_label("Code").fill(page.inner_text("#demo-code .mono"))
    browser.submit("Continue")
    page.wait_for_url(f"{browser.server.url}/console")
    assert "Welcome, Mark Ellison" in page.inner_text("h1")
    browser.shoot("home-demo")

    browser.nav("Visits")
    halves = page.locator("section.half-term h2").all_inner_texts()
    assert [h.split(" ")[0] + " " + h.split(" ")[1] for h in halves[:6]] == [
        "Autumn 1", "Autumn 2", "Spring 1", "Spring 2", "Summer 1", "Summer 2",
    ]  # fmt: skip
    assert page.locator("tbody tr").count() > 10
    browser.shoot("visits-demo")

    browser.nav("Schools")
    browser.shoot("schools-demo")
    page.get_by_role("link", name="Oakfield Primary Academy").click()
    assert page.get_by_role("heading", name="People assigned").is_visible()
    browser.shoot("school")
    page.get_by_role("link", name="Plan a visit").click()
    assert page.get_by_label("School").input_value() != ""
    browser.accessible()

    browser.nav("People")
    page.get_by_role("link", name="Rachel Hughes").click()
    assert "Can sign in" in page.inner_text("main")
    browser.shoot("person-demo")

    # Keyboard only: the skip link is the first stop and takes focus to the page's content.
    browser.nav("Devices")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.closest('main') !== null")
    assert focused
    browser.shoot("devices-empty")

    # The audit log and the account page; a tablet's width still works.
    browser.nav("Audit log")
    browser.shoot("audit-demo")
    page.set_viewport_size({"width": 768, "height": 1024})
    browser.nav("People")
    assert page.get_by_role("link", name="Sarah Okafor").is_visible()
    browser.accessible()
    page.goto(browser.server.url + "/console/account")
    browser.accessible()
