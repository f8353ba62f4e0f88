"""The cadence board on the demo trust's history, on SQLite and PostgreSQL: each school's
support due under its tier's cadence (health checks from visits, CEO 1:1s from meeting notes),
the counts the board leads with, and recording a meeting note (who may, and what is refused)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from reviewer_app.domain.errors import NotFoundError, PermissionDeniedError, ValidationError
from reviewer_app.server import models
from reviewer_app.server.cadence import (
    CadenceBoard,
    CadenceRow,
    cadence_board,
    counts_towards_cadence,
    record_meeting,
)
from support.demo_views import DEMO_TODAY, viewer_of


def _row(board: CadenceBoard, name: str) -> CadenceRow:
    return next(r for r in board.rows if r.school.name.startswith(name))


def test_the_board_counts_visits_and_meeting_notes_against_each_tiers_cadence(
    demo: Session,
) -> None:
    today = DEMO_TODAY
    board = cadence_board(demo, viewer_of(demo, "mark.ellison"), today)
    assert len(board.rows) == 7
    northfield = _row(board, "Northfield")
    assert northfield.category is not None
    assert northfield.category.label.startswith("Tier 4")
    (health,) = (i for i in northfield.items if i.due.item.framework == "health-check")
    # Tier 4: a health check every term (17 weeks) after the last one held.
    held = [
        v.planned_start
        for v in demo.exec(
            select(models.Visit).where(
                models.Visit.school_id == northfield.school.id,
                models.Visit.framework_id == "health-check",
            )
        )
        if v.planned_start <= today
    ]
    assert health.due.last_done == max(held)
    assert health.due.due == max(held) + timedelta(weeks=17)
    assert (health.state == "overdue") == (health.due.due < today)
    # CEO 1:1s count from meeting notes: Northfield and Harrow Lane lapsed, St Aidan's was
    # categorised lately and has none; the others are on track.
    overdue = {r.school.name.split()[0] for r in board.rows for i in r.items
               if i.activity == "CEO 1:1" and i.state == "overdue"}  # fmt: skip
    assert overdue == {"Northfield", "Harrow", "St"}
    ceo = next(s for s in board.summaries if s.activity == "CEO 1:1")
    assert (ceo.overdue, ceo.never, ceo.by_meeting) == (3, 1, True)
    assert board.rows[0].overdue >= board.rows[-1].overdue  # most overdue first


def test_a_meeting_note_counts_and_bad_notes_are_refused(demo: Session) -> None:
    today = DEMO_TODAY
    admin = viewer_of(demo, "mark.ellison")
    aidans = _row(cadence_board(demo, admin, today), "St Aidan")
    note = record_meeting(
        demo, admin, school_id=aidans.school.id, activity="CEO 1:1", held_on=today,
        notes="Agreed the plan for the spring term.", today=today,
    )  # fmt: skip
    demo.flush()
    after = _row(cadence_board(demo, admin, today), "St Aidan")
    ceo = next(i for i in after.items if i.activity == "CEO 1:1")
    assert ceo.due.last_done == today
    assert ceo.state != "overdue"
    assert any(n.id == note.id for n, _school, _author in cadence_board(demo, admin, today).notes)
    events = demo.exec(select(models.AuditEvent).where(models.AuditEvent.subject_id == note.id))
    assert "recorded a CEO 1:1 with St Aidan's" in events.one().summary

    def attempt(viewer: object, **changes: object) -> None:
        values: dict[str, object] = {
            "school_id": aidans.school.id, "activity": "CEO 1:1", "held_on": today,
            "notes": "A note.", "today": today,
        }  # fmt: skip
        values.update(changes)
        record_meeting(demo, viewer, **values)  # type: ignore[arg-type]

    with pytest.raises(PermissionDeniedError, match="trust admin or a lead reviewer"):
        attempt(viewer_of(demo, "priya.natarajan"))  # a peer reviewer
    with pytest.raises(NotFoundError, match="Choose a school"):
        attempt(admin, school_id="no-such-school")
    with pytest.raises(ValidationError, match="is in the future"):
        attempt(admin, held_on=today + timedelta(days=1))
    with pytest.raises(ValidationError, match="Write a short note"):
        attempt(admin, notes="   ")
    with pytest.raises(ValidationError, match="which meeting"):
        attempt(admin, activity="")


def test_a_meeting_counts_under_its_cadence_name_whatever_its_case(demo: Session) -> None:
    """'ceo 1:1' typed in lower case is the cadence's CEO 1:1 and counts; a meeting the school's
    cadence does not ask for is kept as a note, and the board knows it does not count."""
    today = DEMO_TODAY
    admin = viewer_of(demo, "mark.ellison")
    aidans = _row(cadence_board(demo, admin, today), "St Aidan")
    assert counts_towards_cadence(demo, admin, aidans.school.id, "CEO 1:1")
    note = record_meeting(
        demo, admin, school_id=aidans.school.id, activity="  ceo  1:1 ", held_on=today,
        notes="Agreed the plan for the spring term.", today=today,
    )  # fmt: skip
    demo.flush()
    assert note.activity == "CEO 1:1"
    ceo = next(i for i in _row(cadence_board(demo, admin, today), "St Aidan").items
               if i.activity == "CEO 1:1")  # fmt: skip
    assert ceo.due.last_done == today
    assert ceo.state != "overdue"
    # Tier 2's cadence has no Rapid Improvement Board: kept, but it counts towards nothing.
    board = record_meeting(
        demo, admin, school_id=aidans.school.id, activity="rapid improvement board",
        held_on=today, notes="Met the local authority's adviser.", today=today,
    )  # fmt: skip
    assert board.activity == "Rapid Improvement Board"
    assert not counts_towards_cadence(demo, admin, aidans.school.id, board.activity)
    assert not counts_towards_cadence(demo, admin, aidans.school.id, "CEO 1-1")
