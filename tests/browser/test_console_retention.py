"""Retention in the demo console (issue 20, item 2): a trust admin sees every period with its
source, shortens one and sees what becomes due and why, holds a school (which moves its visits
to "kept by a legal hold"), lifts the hold, and puts the default back; a bad period is refused
with a sentence. A reviewer without the admin role is refused the page."""

from __future__ import annotations

from typing import TYPE_CHECKING

from browser_tab import Browser

if TYPE_CHECKING:
    from conftest import DemoConsole


def test_a_trust_admin_sets_periods_and_holds_in_the_console(
    demo_tab: Browser, demo_console: DemoConsole
) -> None:
    browser = demo_tab
    page = browser.open_as(demo_console.staff["mark"], "Audit log")  # trust admin
    browser.follow("Retention and legal holds", exact=False)
    assert page.inner_text("h1") == "Retention and legal holds"
    periods = page.locator("#periods + .table-wrap table")
    assert "IRMS toolkit for schools" in periods.inner_text()
    assert "Safeguarding reviews" in periods.inner_text()
    assert "Nothing is due for deletion." in page.inner_text("main")
    browser.accessible()

    # One year for every review: the demo's visits of last academic year become due.
    page.get_by_label("Reviews: new period in years", exact=True).fill("1")
    page.get_by_role("button", name="Set Reviews", exact=True).click()
    page.wait_for_load_state()
    assert "Reviews: 1 year." in page.inner_text("main")
    due = page.locator("#due + .table-wrap table tbody tr")
    assert due.count() >= 1
    first = due.first.inner_text()
    assert "Reviews with" in first
    assert "1 year after the end of the academic year" in first
    school = first.split(":")[0]
    browser.shoot("retention")

    # A legal hold on that school keeps its visits.
    page.get_by_label("What to hold").select_option(label=f"{school} (every review)")
    page.get_by_label("Why").fill("Local authority inquiry")
    browser.submit("Place the hold")
    assert "Legal hold placed" in page.inner_text("main")
    kept = page.get_by_role("heading", name="Due, but kept by a legal hold")
    assert kept.is_visible()
    assert "Local authority inquiry" in page.locator("h3 + ul").inner_text()
    assert school not in page.locator("#due + .table-wrap").inner_text()
    browser.accessible()
    browser.submit("Lift")
    assert "Legal hold lifted" in page.inner_text("main")
    assert "No legal hold is in force." in page.inner_text("main")

    # A period that is not a number is refused with a sentence; nothing changes.
    page.get_by_label("Audit log: new period in years", exact=True).fill("six")
    page.get_by_role("button", name="Set Audit log", exact=True).click()
    page.wait_for_load_state()
    assert "'six' is not a whole number" in page.inner_text("[role=alert]")
    browser.accessible()
    page.get_by_role("button", name="Use the default for Reviews").click()
    page.wait_for_load_state()
    assert "Reviews: 6 years." in page.inner_text("main")
    assert "Nothing is due for deletion." in page.inner_text("main")


def test_a_reviewer_is_refused_the_retention_page(
    demo_tab: Browser, demo_console: DemoConsole
) -> None:
    browser = demo_tab
    browser.sign_in(demo_console.staff["sarah"])
    page = browser.go("/console/retention")
    assert "You cannot do that here" in page.inner_text("h1")
