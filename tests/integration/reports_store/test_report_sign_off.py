"""Where a report's sign-off stands, as the Sign report dialog shows it, on the demo store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from report_store_world import become

from reviewer_app.demo.demo_trust import open_demo_workspace
from reviewer_app.domain.organisation import Person
from reviewer_app.domain.review import ReviewState
from reviewer_app.domain.visits import Visit, VisitStatus
from reviewer_app.paths import AppPaths
from reviewer_app.services.report_service import ReportService
from reviewer_app.services.report_sign_off import report_audiences, sign_off_status
from reviewer_app.services.workspace import Workspace


@pytest.fixture(scope="module")
def workspace(demo_base: Path) -> Iterator[Workspace]:
    with open_demo_workspace(AppPaths.from_base(demo_base)) as opened:
        yield opened


@pytest.fixture(scope="module")
def people(workspace: Workspace) -> dict[str, Person]:
    return {p.name.split()[0]: p for p in workspace.list_people()}


def _signed(workspace: Workspace, framework_id: str) -> Visit:
    school = next(iter(workspace.list_schools("St Aidan")))
    return next(
        v
        for v in workspace.visits_for_school(school.id)
        if v.framework_id == framework_id and v.status is VisitStatus.SIGNED
    )


def test_a_fully_signed_report_lists_its_signers_in_order(
    workspace: Workspace, people: dict[str, Person], tmp_path: Path
) -> None:
    become(workspace, people["David"])
    service = ReportService(workspace, AppPaths.from_base(tmp_path))
    visit = _signed(workspace, "two-day-peer-review")
    status = sign_off_status(service, visit.id, "school_facing")
    assert status.review_state is ReviewState.SIGNED
    assert [(s.order, s.person_name, s.signed) for s in status.slots] == [
        (1, "Priya Natarajan", True),
        (2, "Tom Gallagher", True),
        (3, "David Brennan", True),
    ]
    assert status.complete
    assert status.next_slot is None
    assert not status.my_turn
    assert "already signed by everyone" in status.refusal
    assert [v.signer_count for v in status.versions] == [1, 2, 3]
    assert status.summary == "The report for the school is signed by everyone who must sign it."
    assert not status.key_needs_passphrase  # David has no key file on this laptop


def test_audiences_say_which_the_person_may_not_read(
    workspace: Workspace, people: dict[str, Person], tmp_path: Path
) -> None:
    service = ReportService(workspace, AppPaths.from_base(tmp_path))
    visit = _signed(workspace, "two-day-peer-review")
    become(workspace, people["Rachel"])
    choices = report_audiences(service, visit.id)
    assert [c.key for c in choices] == ["full_internal", "school_facing", "board_summary"]
    assert all(c.readable for c in choices)
    # No restricted detail was recorded on this review, so the lead reads everything too.
    become(workspace, people["David"])
    assert all(c.readable for c in report_audiences(service, visit.id))
