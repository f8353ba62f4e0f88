"""A trust admin sets up and runs the trust from the console in a real browser, and a real
laptop store follows: sign in with the second factor, register frameworks, import schools from
a GIAS CSV and people from a CSV, plan a visit (warned that a team member is not assigned, and
assigning them), issue an enrolment code, enrol a laptop with the console's link and sync the
visit to it, revoke the laptop and see its next sync refused, deactivate a leaver whose laptop
then stops too. axe-core checks every page on the way; each is a screenshot when asked."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import keyring
import pytest

from console_support import enrol_staff
from keyring_backends import MemoryKeyring
from reviewer_app import __version__
from reviewer_app.domain.school_terms import school_year_of
from reviewer_app.paths import AppPaths
from reviewer_app.services import enrolment
from reviewer_app.services.sync_service import SyncService
from reviewer_app.services.workspace import Workspace
from reviewer_app.sync.client import ReEnrolRequiredError
from reviewer_app.sync.enrol_link import parse_enrol_link

if TYPE_CHECKING:
    from browser_tab import Browser

GIAS_HEADER = (
    "URN,EstablishmentName,TypeOfEstablishment (name),EstablishmentStatus (name),"
    "PhaseOfEducation (name),LA (name),Trusts (name)\n"
)
GIAS_ROWS = (
    "145218,Oakfield Primary Academy,Academy converter,Open,Primary,Leeds,Oak Learning Trust\n"
    "144871,Northfield Academy,Academy sponsor led,Open,Secondary,Leeds,Oak Learning Trust\n"
    "143956,Meadowbank Special School,Academy special converter,Open,Not applicable,Bradford,"
    "Oak Learning Trust\n"
    "140001,Old Mill Primary,Academy converter,Closed,Primary,Leeds,Oak Learning Trust\n"
    "149999,Other Trust School,Academy converter,Open,Primary,York,Elm Academies\n"
)
PEOPLE_CSV = (
    "name,email,roles,schools\n"
    "Sarah Okafor,sarah.okafor@oak.example,Lead reviewer,145218\n"
    "Priya Natarajan,priya.natarajan@oak.example,peer_reviewer,145218;144871\n"
    "Tom Gallagher,tom.gallagher@oak.example,Peer reviewer,\n"
    "Rachel Hughes,rachel.hughes@oak.example,Designated safeguarding lead;Lead reviewer,143956\n"
)


def next_term_weekday() -> date:
    """A school day a few weeks ahead (a Tuesday in term time)."""
    day = date.today() + timedelta(days=21)
    while True:
        day += timedelta(days=1)
        if day.weekday() == 1 and school_year_of(day).is_school_day(day):
            return day


@pytest.fixture
def laptop_keyring() -> Iterator[None]:
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    try:
        yield
    finally:
        keyring.set_keyring(previous)


def test_an_admin_sets_up_the_trust_and_a_laptop_follows(
    browser: Browser, tmp_path: Path, laptop_keyring: None
) -> None:
    server = browser.server
    admin = enrol_staff(
        server, "mark.ellison@oak.example", ["trust_admin"], trust_name="Oak Learning Trust"
    )
    browser.sign_in(admin)
    page = browser.page
    browser.shoot("home")

    # Frameworks the visits follow, from the server's installed folder.
    browser.nav("Frameworks")
    browser.submit("Register the frameworks installed with the server")
    assert "frameworks are registered" in page.inner_text("main")
    assert page.get_by_role("cell", name="learning-walk", exact=True).is_visible()
    browser.shoot("frameworks")

    # Schools from a GIAS download: the trust's rows by its name; a closed one is reported.
    gias = tmp_path / "edubase.csv"
    gias.write_bytes((GIAS_HEADER + GIAS_ROWS).encode("cp1252"))
    browser.nav("Schools")
    page.get_by_role("link", name="Import from GIAS").click()
    browser.shoot("schools-import")
    page.get_by_label("GIAS establishment CSV").set_input_files(str(gias))
    browser.submit("Import schools")
    result = page.inner_text("main")
    assert "3 added, 0 updated" in result
    assert "Old Mill Primary (URN 140001) is closed" in result
    assert "Other Trust School" not in result
    browser.accessible()
    page.get_by_role("link", name="See the schools").click()
    assert page.get_by_role("link", name="Meadowbank Special School").is_visible()
    assert "Special" in page.inner_text("tbody")
    browser.shoot("schools")

    # People from a CSV: roles by label or name, schools by URN.
    people = tmp_path / "people.csv"
    people.write_text(PEOPLE_CSV, encoding="utf-8")
    browser.nav("People")
    page.get_by_role("link", name="Import from CSV").click()
    browser.shoot("people-import")
    page.get_by_label("CSV file").set_input_files(str(people))
    browser.submit("Import people")
    assert "4 added, 0 updated" in page.inner_text("main")
    page.get_by_role("link", name="See the people").click()
    browser.shoot("people")
    page.get_by_role("link", name="Priya Natarajan").click()
    assert page.get_by_role("link", name="Northfield Academy").is_visible()
    browser.shoot("person")

    # Plan a visit: Tom is not assigned to Oakfield, which the form says as soon as he is
    # chosen (updated in place), and offers to assign him.
    day = next_term_weekday()
    browser.nav("Visits")
    browser.shoot("visits-empty")
    page.get_by_role("link", name="Plan a visit").click()
    page.get_by_label("School").select_option(label="Oakfield Primary Academy")
    page.get_by_label("Framework").select_option(value="learning-walk")
    page.get_by_label("First day").fill(day.isoformat())
    page.get_by_label("Lead", exact=True).select_option(label="Sarah Okafor")
    page.get_by_label("Priya Natarajan").check()
    page.get_by_label("Tom Gallagher").check()
    warning = page.locator("#plan-warnings")
    warning.get_by_text("Tom Gallagher is not assigned to Oakfield Primary Academy").wait_for()
    browser.shoot("visit-plan")
    browser.submit("Plan the visit")
    assign = page.get_by_label(re.compile("Assign Tom Gallagher to Oakfield Primary Academy"))
    assert assign.is_checked()
    browser.shoot("visit-plan-warnings")
    browser.submit("Plan the visit anyway")
    assert "is planned" in page.inner_text("main")
    team = page.inner_text("dl")
    assert "Sarah Okafor, lead reviewer" in team
    assert "Tom Gallagher, peer reviewer" in team
    assert page.locator(".notice-warning").count() == 0  # Tom is now assigned: no warning
    browser.shoot("visit")
    browser.nav("Visits")
    half_term = school_year_of(day).half_term_of(day)
    assert half_term is not None
    section = page.get_by_role("region", name=re.compile(half_term.label))
    assert section.get_by_role("link", name="Oakfield Primary Academy").is_visible()
    browser.shoot("visits")

    # An enrolment code for Sarah, shown as text, link and QR code.
    browser.nav("Enrolment")
    page.get_by_label("Who is it for?").select_option(label="Sarah Okafor")
    browser.submit("Issue a code")
    link = page.get_by_label("Enrolment link").input_value()
    code = page.inner_text("#enrol-code")
    assert page.get_by_role("img", name=re.compile("QR code")).is_visible()
    browser.shoot("enrolment-code")
    parsed = parse_enrol_link(link)
    assert parsed == (server.url, code)

    # A real laptop store enrols with the pasted link and receives the visit.
    workspace = Workspace.open(AppPaths.from_base(tmp_path / "sarah-laptop"))
    try:
        sync = SyncService(workspace.store, workspace.lane)
        done = enrolment.enrol(
            workspace.store, workspace.lane, *parsed, device_name="Sarah's ThinkPad"
        )
        workspace.reload_identity()
        assert done.person_name == "Sarah Okafor"
        sync.sync_now()
        schools = {s.name: s for s in workspace.list_schools()}
        visits = workspace.visits_for_school(schools["Oakfield Primary Academy"].id)
        assert [(v.framework_id, v.planned_start) for v in visits] == [("learning-walk", day)]

        # The console lists the laptop with its last sync and app version; revoke it.
        browser.nav("Enrolment")
        assert "Used" in page.inner_text("tbody")
        browser.shoot("enrolment")
        browser.nav("Devices")
        row = page.get_by_role("row", name=re.compile("Sarah's ThinkPad"))
        assert __version__ in row.inner_text()
        assert "Never" not in row.inner_text()
        browser.shoot("devices")
        row.get_by_role("button", name="Revoke").click()
        page.wait_for_load_state()
        assert "is revoked: its next sync is refused" in page.inner_text("main")
        with pytest.raises(ReEnrolRequiredError):
            sync.sync_now()
    finally:
        workspace.close()

    # Priya leaves: one action deactivates her and stops her laptop.
    browser.nav("Enrolment")
    page.get_by_label("Who is it for?").select_option(label="Priya Natarajan")
    browser.submit("Issue a code")
    priya_link = parse_enrol_link(page.get_by_label("Enrolment link").input_value())
    assert priya_link is not None
    priya_laptop = Workspace.open(AppPaths.from_base(tmp_path / "priya-laptop"))
    try:
        priya_sync = SyncService(priya_laptop.store, priya_laptop.lane)
        enrolment.enrol(priya_laptop.store, priya_laptop.lane, *priya_link, device_name="Priya's")
        priya_laptop.reload_identity()
        priya_sync.sync_now()
        browser.nav("People")
        page.get_by_role("link", name="Priya Natarajan").click()
        page.get_by_role("link", name="Deactivate Priya Natarajan").click()
        assert "their 1 laptop (Priya's) stop syncing" in page.inner_text("main")
        browser.shoot("deactivate")
        browser.submit("Deactivate Priya Natarajan")
        assert "1 laptop stopped syncing" in page.inner_text("main")
        assert "has left the trust" in page.inner_text("main")
        with pytest.raises(ReEnrolRequiredError):
            priya_sync.sync_now()
    finally:
        priya_laptop.close()

    # The audit log names who did each of these, and exports them.
    browser.nav("Audit log")
    log = page.inner_text("tbody")
    for expected in (
        "Added the school Oakfield Primary Academy (URN 145218)",
        "Assigned Tom Gallagher to Oakfield Primary Academy",
        "Issued an enrolment code for Sarah Okafor",
        "Revoked Sarah Okafor's device Sarah's ThinkPad",
        "Deactivated Priya Natarajan (left the trust): 1 device revoked",
        "Added Rachel Hughes (rachel.hughes@oak.example) with Lead reviewer, Designated "
        "safeguarding lead",
    ):
        assert expected in log, expected
    browser.shoot("audit")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as CSV").click()
    exported = Path(download.value.path()).read_text(encoding="utf-8")
    assert exported.startswith("when (UTC),who,via,action,what")
    assert "Mark Ellison,console,person.deactivated" in exported
