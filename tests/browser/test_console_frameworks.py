"""A trust admin runs the framework library from the console in a real browser: a workbook with a
mistake is refused with the sheet and cell, the fixed one is kept as a draft and previewed as the
editor and as the school's report, published; a second version is compared with the first.
axe-core checks every page; each is a screenshot when asked."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from openpyxl import load_workbook

from console_support import enrol_staff

if TYPE_CHECKING:
    from browser_tab import Browser

TEMPLATE = Path(__file__).parents[2] / "docs" / "framework-template.xlsx"


def _workbook(path: Path, version: str, changes: dict[tuple[str, str], object]) -> Path:
    book = load_workbook(TEMPLATE)
    book["Framework"]["B3"] = version
    for (sheet, cell), value in changes.items():
        book[sheet][cell] = value
    book.save(path)
    return path


def test_an_admin_uploads_previews_publishes_and_compares_a_framework(
    browser: Browser, tmp_path: Path
) -> None:
    admin = enrol_staff(
        browser.server, "mark.ellison@oak.example", ["trust_admin"], trust_name="Oak Learning Trust"
    )
    browser.sign_in(admin)
    page = browser.page
    browser.nav("Frameworks")
    browser.shoot("frameworks-library")

    # A mistake in the workbook: the problem by sheet and cell, nothing kept.
    broken = _workbook(tmp_path / "our-walk.xlsx", "1", {("Criteria", "G2"): "seen-partly-nott"})
    page.get_by_label("Framework file or workbook").set_input_files(str(broken))
    browser.submit("Upload and check")
    problems = page.get_by_role("table", name="Problems the checker found in our-walk.xlsx")
    assert "sheet 'Criteria', cell G2" in problems.inner_text()
    assert "our-walk.xlsx has 1 problem; nothing was kept" in page.inner_text("main")
    browser.shoot("frameworks-upload-problems")

    # Fixed: kept as a draft, and the editor's preview opens.
    fixed = _workbook(tmp_path / "our-walk.xlsx", "1", {})
    page.get_by_label("Framework file or workbook").set_input_files(str(fixed))
    browser.submit("Upload and check")
    page.wait_for_url("**/console/frameworks/our-learning-walk/1")
    assert page.get_by_role("heading", name="Learning starts promptly").is_visible()
    assert page.get_by_role("radio").first.is_disabled()
    page.locator("#s-routines").evaluate("heading => heading.scrollIntoView()")
    browser.shoot("framework-preview")
    page.get_by_role("link", name="What each report shows").click()
    assert page.get_by_role("heading", name="Report for the school").is_visible()
    browser.shoot("framework-report")
    page.get_by_role("link", name="Full internal report").click()
    assert page.get_by_role("heading", name="Full internal report").is_visible()
    browser.accessible()

    # Published from its preview.
    page.get_by_role("link", name="Our learning walk version 1").click()
    browser.submit("Publish version 1")
    assert "is published" in page.inner_text("main")
    row = page.get_by_role("row", name="our-learning-walk@1")
    assert "Published" in row.inner_text()

    # Version 2, compared with version 1.
    second = _workbook(
        tmp_path / "our-walk-2.xlsx",
        "2",
        {("Criteria", "C3"): "Every pupil is expected to answer, every time",
         ("Criteria", "A4"): "routines", ("Criteria", "B4"): "resources-ready",
         ("Criteria", "C4"): "Resources are ready before they are needed"},
    )  # fmt: skip
    page.get_by_label("Framework file or workbook").set_input_files(str(second))
    browser.submit("Upload and check")
    page.get_by_role("link", name="What changed since version 1").click()
    main = page.inner_text("main")
    assert "Added criteria (1)" in main
    assert "Reworded criteria (1)" in main
    browser.shoot("framework-changes")


def test_an_admin_edits_the_trusts_vocabulary(browser: Browser) -> None:
    admin = enrol_staff(
        browser.server, "mark.ellison@oak.example", ["trust_admin"], trust_name="Oak Learning Trust"
    )
    browser.sign_in(admin)
    page = browser.page
    browser.nav("Frameworks")
    page.get_by_role("link", name="The trust's vocabulary").click()
    assert "built into Reviewer (the trust has not published its own)" in page.inner_text("main")
    browser.shoot("vocabulary")
    page.get_by_text("Add a kind of tag").click()
    page.get_by_label("Name of the new kind of tag").fill("House")
    page.locator("details").get_by_label("Values", exact=True).fill("Rowan: row\nWillow: wil")
    names = page.get_by_label("Words and phrases the name warning never flags")
    names.fill(names.input_value() + "\nForest Friends")
    browser.submit("Publish to the laptops")
    main = page.inner_text("main")
    assert "Version 1 of the trust's vocabulary is published" in main
    assert "the trust's own, version 1" in main
    assert page.get_by_role("group", name="House").is_visible()
    browser.accessible()
