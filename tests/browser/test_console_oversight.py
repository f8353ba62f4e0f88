"""The trust's oversight pages in the demo console: the trust overview (latest agreed view per
area, arrows, filters, a click through to the evidence) for a safeguarding lead and for a
reviewer who must see no safeguarding data."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import httpx
from browser_tab import Browser

if TYPE_CHECKING:
    from conftest import DemoConsole


def test_the_overview_compares_schools_and_opens_the_evidence(
    demo_tab: Browser, demo_console: DemoConsole
) -> None:
    browser = demo_tab
    page = browser.open_as(demo_console.staff["rachel"], "Overview")  # trust safeguarding lead
    headers = page.locator("table.overview thead th").all_inner_texts()
    assert headers[:3] == ["School", "Category", "Inclusion"]
    assert "Safeguarding" in headers
    assert "SEND" in headers
    assert page.locator("table.overview tbody tr").count() == 7
    assert "Showing 7 of 7 schools" in page.inner_text("#shown")
    # Northfield's safeguarding view, with the direction since the one before said in words.
    northfield = page.locator("tr", has=page.get_by_role("link", name="Northfield Academy"))
    safeguarding = northfield.locator("td.view").nth(headers.index("Safeguarding") - 2)
    assert "Met" in safeguarding.inner_text()
    assert any(
        words in safeguarding.inner_text()
        for words in ("up from Not met", "the same as before", "down from Met")
    )
    assert "Tier 4: Stabilise" in northfield.inner_text()
    browser.shoot("overview")

    browser.filter_by("Local authority", "Leeds")
    assert page.locator("table.overview tbody tr").count() == 3
    assert "Showing 3 of 7 schools" in page.inner_text("#shown")
    browser.filter_by("Category", option="Tier 4: Stabilise (Trust led)")
    assert page.locator("table.overview tbody tr").count() == 1
    browser.accessible()

    # The click through: the review behind the cell, its agreed judgement in view.
    northfield = page.locator("tr", has=page.get_by_role("link", name="Northfield Academy"))
    browser.follow(northfield.locator("td.view a").first)
    assert "Health check" in page.inner_text("h1")
    target = page.locator(":target")
    assert target.count() == 1
    assert "Inclusion" in target.inner_text()
    assert page.get_by_role("heading", name="Actions agreed").is_visible()
    browser.shoot("overview-evidence")


def test_a_reviewer_sees_no_safeguarding_in_the_overview(
    demo_tab: Browser, demo_console: DemoConsole
) -> None:
    browser = demo_tab
    # Sarah: a lead reviewer, not a safeguarding role.
    page = browser.open_as(demo_console.staff["sarah"], "Overview")
    headers = page.locator("table.overview thead th").all_inner_texts()
    assert "Safeguarding" not in headers
    assert "Safeguarding is shown to safeguarding leads only" in page.inner_text("main")
    assert "Not met" not in page.inner_text("table.overview")
    browser.accessible()
    # Nor behind a cell: the health check's safeguarding judgement is left out of its page.
    browser.follow(page.locator("table.overview td.view a").first)
    assert "Inclusion" in page.inner_text("main table")
    assert "Safeguarding" not in page.inner_text("main")
    browser.accessible()
    # A safeguarding audit's page is not found for her, as for a review that does not exist.
    with demo_console.server.engine.connect() as connection:  # type: ignore[union-attr]
        audit = connection.exec_driver_sql(
            "SELECT id FROM review WHERE framework_id = 'safeguarding-audit' LIMIT 1"
        ).scalar_one()
    response = page.goto(f"{demo_console.server.url}/console/reviews/{audit}")
    assert response is not None
    assert response.status == 404


def test_actions_across_the_trust_pin_safeguarding_and_show_the_trail(
    demo_tab: Browser, demo_console: DemoConsole
) -> None:
    browser = demo_tab
    page = browser.open_as(demo_console.staff["rachel"], "Actions")
    rows = page.locator("table.actions-register tbody tr")
    assert rows.count() > 5
    assert "Safeguarding" in rows.first.inner_text()
    browser.shoot("actions")
    browser.filter_by("Status", "all")
    assert page.locator("ol.trail").count() > 0
    assert "Met" in page.inner_text("table.actions-register")
    browser.filter_by("Owner", "SENCO")
    owners = page.locator("table.actions-register tbody tr td:nth-child(3)").all_inner_texts()
    assert owners
    assert set(owners) == {"SENCO"}
    browser.accessible()
    # By due date: nothing is due before the trust began; a date that is not one is named.
    # The date is typed day first, as a British English browser shows it (needs Debian's
    # chromium-l10n: an en-US-only Chromium shows mm/dd/yyyy whatever the page's lang).
    assert browser.date_fields() == ["Day", "Month", "Year"], (
        "dates show month first: run Chromium with LANGUAGE=en_GB and chromium-l10n (.ci/run)"
    )
    every = page.locator("table.actions-register tbody tr").count()
    page.get_by_label("Due by").fill("2020-01-01")
    browser.submit("Apply filters")
    assert page.locator("table.actions-register tbody tr").count() == 0
    page.get_by_label("Due by").fill("2099-12-31")
    browser.submit("Apply filters")
    assert page.locator("table.actions-register tbody tr").count() == every
    browser.go("/console/actions?status=all&due_before=soon")
    assert "The 'due by' date 'soon' is not a date" in page.inner_text("main")
    assert page.locator("table.actions-register tbody tr").count() > 5  # nothing hidden
    browser.accessible()


def test_a_reviewer_sees_no_safeguarding_action(
    demo_tab: Browser, demo_console: DemoConsole
) -> None:
    browser = demo_tab
    page = browser.open_as(demo_console.staff["sarah"], "Actions")
    browser.filter_by("Status", "all")
    assert page.locator("table.actions-register tbody tr").count() > 5
    text = page.inner_text("main")
    assert "Safeguarding actions are shown to safeguarding leads only" in text
    assert 'tag-red">Safeguarding' not in page.content()
    assert "filtering and monitoring" not in text  # a safeguarding audit's action
    browser.accessible()
    browser.nav("Signed reports")
    assert page.get_by_role("heading", name="Signed reports received").is_visible()
    assert "safeguarding detail is for safeguarding leads" in page.inner_text("main")
    browser.accessible()


def test_data_out_offers_downloads_and_makes_an_api_token(
    demo_tab: Browser, demo_console: DemoConsole
) -> None:
    browser = demo_tab
    page = browser.open_as(demo_console.staff["sarah"], "Data out")
    assert page.get_by_role("link", name="CSV of judgements").is_visible()
    page.get_by_label("Name of a new token").fill("Power BI")
    browser.submit("Make a token")
    assert page.locator("#new-token").inner_text().startswith("rvw_")
    assert "Never" in page.get_by_role("table", name="Your API tokens").inner_text()
    # The Power Query example on the page, with this server and the new token in it, reads
    # what the API answers: its pages, columns and rows.
    token = page.locator("#new-token").inner_text()
    query = page.locator("#power-bi-query").inner_text()
    assert f'Server = "{demo_console.server.url}"' in query
    assert f'Token = "{token}"' in query
    answer = httpx.get(
        f"{demo_console.server.url}/api/v1/judgements",
        params={"from": "2025-09-01", "page": "1", "page_size": "5000"},
        headers={"Authorization": f"Bearer {token}"},
    ).json()
    assert answer["pages"] == 1
    assert answer["data"]
    assert set(answer["data"][0]) == set(answer["columns"])
    browser.shoot("data-out")
    with page.expect_download() as download:
        page.get_by_role("link", name="Excel (XLSX) of actions").click()
    assert download.value.suggested_filename.startswith("actions-")


def test_a_schools_journey_draws_each_area_and_the_category_steps(
    demo_tab: Browser, demo_console: DemoConsole
) -> None:
    browser = demo_tab
    page = browser.open_as(demo_console.staff["rachel"], "Overview")
    browser.follow("Harrow Lane Primary School")
    assert "Harrow Lane Primary School" in page.inner_text("h1")
    charts = page.locator("svg.chart")
    assert charts.count() == 9  # the category, six areas, safeguarding, SEND
    inclusion = page.locator("section", has=page.get_by_role("heading", name="Inclusion"))
    label = inclusion.locator("svg").get_attribute("aria-label") or ""
    # A point per view: the health checks and the peer review, each named with its day.
    points = inclusion.locator("circle").count()
    assert points >= 3
    assert label.count(" on ") == points
    changes = page.locator("ol.changes li").all_inner_texts()
    assert changes[0].startswith("Tier 3: Reinvent")
    assert "(was Tier 2: Grow" in changes[0]
    assert "KS2 outcomes fell" in changes[0]
    browser.shoot("journey")


def test_a_reviewer_sees_no_safeguarding_in_a_journey_the_cadence_or_a_download(
    demo_tab: Browser, demo_console: DemoConsole
) -> None:
    browser = demo_tab
    page = browser.open_as(demo_console.staff["sarah"], "Overview")  # not a safeguarding role
    browser.follow("Harrow Lane Primary School")
    assert "Safeguarding is shown to safeguarding leads only" in page.inner_text("main")
    assert page.locator("svg.chart").count() == 8  # the category, six areas, SEND
    areas = page.locator("section.chart-box h3").all_inner_texts()
    assert "Inclusion" in areas
    assert "Safeguarding" not in areas
    visits = page.get_by_role("table", name="The school's reviews, newest first").inner_text()
    assert "Health check" in visits
    assert "Safeguarding audit" not in visits
    browser.accessible()
    browser.nav("Cadence")
    assert "Harrow Lane Primary School" in page.inner_text("main")
    assert "safeguarding" not in page.inner_text("main").lower()
    browser.accessible()
    browser.nav("Data out")
    for name in ("judgements", "actions", "visits"):
        with page.expect_download() as download:
            page.get_by_role("link", name=f"CSV of {name}").click()
        text = Path(download.value.path()).read_text(encoding="utf-8-sig")
        assert "health-check" in text, name
        assert "safeguarding-audit" not in text, name
        assert ",safeguarding," not in text.lower(), name


def test_the_cadence_board_flags_overdue_support_and_a_meeting_note_counts(
    demo_tab: Browser, demo_console: DemoConsole
) -> None:
    browser = demo_tab
    page = browser.open_as(demo_console.staff["mark"], "Cadence")  # trust admin
    figures = page.get_by_role("list", name="What is overdue").inner_text()
    assert "CEO 1:1 overdue at 3 schools (1 never recorded)" in figures
    harrow = page.locator(
        "tbody tr", has=page.get_by_role("link", name="Harrow Lane Primary School")
    )
    assert "CEO 1:1" in harrow.inner_text()
    assert "Overdue" in harrow.inner_text()
    browser.shoot("cadence")

    # A CEO 1:1 with Harrow Lane today, recorded as a meeting note, brings it back on track.
    browser.follow("Record a meeting", exact=False)
    page.get_by_label("School").select_option(label="Harrow Lane Primary School")
    page.get_by_label("Meeting").fill("CEO 1:1")
    page.get_by_label("What was agreed").fill("")
    browser.submit("Record the meeting")
    assert "Write a short note" in page.inner_text("main")  # nothing lost: the school stays
    assert page.get_by_label("School").input_value() != ""
    browser.accessible()
    page.get_by_label("What was agreed").fill("Agreed the reading catch-up plan for Year 5.")
    browser.submit("Record the meeting")
    assert "is recorded; it counts towards the school's cadence" in page.inner_text("main")
    figures = page.get_by_role("list", name="What is overdue").inner_text()
    assert "CEO 1:1 overdue at 2 schools" in figures
    harrow = page.locator(
        "tbody tr", has=page.get_by_role("link", name="Harrow Lane Primary School")
    )
    assert "Overdue" not in harrow.first.inner_text()
    assert "Agreed the reading catch-up plan" in page.inner_text("ul.meeting-notes")
    browser.accessible()

    # A meeting Harrow Lane's cadence does not ask for is kept, and said not to count.
    browser.follow("Record a meeting", exact=False)
    page.get_by_label("School").select_option(label="Harrow Lane Primary School")
    page.get_by_label("Meeting").fill("rapid improvement board")
    page.get_by_label("What was agreed").fill("Met the local authority's adviser.")
    browser.submit("Record the meeting")
    said = page.inner_text("main")
    assert "The Rapid Improvement Board of" in said
    assert "the school's cadence asks for no Rapid Improvement Board" in said
    assert (
        "CEO 1:1 overdue at 2 schools"
        in page.get_by_role("list", name="What is overdue").inner_text()
    )


def test_the_central_team_downloads_the_board_pack(
    demo_tab: Browser, demo_console: DemoConsole
) -> None:
    browser = demo_tab
    page = browser.open_as(demo_console.staff["mark"], "Overview")  # trust admin
    browser.follow("Board pack for trustees", exact=False)
    assert "counts only" in page.inner_text("main")
    browser.shoot("board-pack")
    with page.expect_download() as download:
        page.get_by_role("link", name="Board pack for the Summer term 2026").click()
    assert download.value.suggested_filename == "Board pack Summer term 2026.pdf"
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF-")
    browser.nav("Audit log")
    assert "made the board pack for the Summer term 2026" in page.inner_text("main")
