"""Support cadence as data and the next-due dates a school's category implies."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from reviewer_app.domain.frameworks import CadenceItem, load_library
from reviewer_app.domain.frameworks.categorisation import CategoryLevel
from reviewer_app.domain.organisation import Role
from reviewer_app.domain.school_category import (
    RecordedVisit,
    format_day,
    next_agreement_due,
    recorded_visits,
    support_due,
)
from reviewer_app.domain.visits import Visit, VisitReviewer, VisitStatus
from reviewer_app.paths import frameworks_dir

TODAY = date(2026, 12, 4)


def _level(*items: CadenceItem) -> CategoryLevel:
    return CategoryLevel(key="x", label="X", colour="#123456", support_cadence=items)


def test_items_without_a_visit_kind_repeat_from_the_agreed_date() -> None:
    ceo = CadenceItem(activity="CEO 1:1", every_weeks=2, every="every 2 weeks")
    (due,) = support_due(_level(ceo), TODAY - timedelta(days=15), [], TODAY)
    assert due.due == TODAY + timedelta(days=13)  # agreed + 4 weeks: the first not in the past
    assert not due.overdue(TODAY)
    (due,) = support_due(_level(ceo), TODAY, [], TODAY)
    assert due.due == TODAY


def test_visit_items_fall_due_after_the_last_visit_unless_one_is_planned() -> None:
    check = CadenceItem(activity="Health check", every_weeks=17, every="termly",
                        framework="health-check")  # fmt: skip
    visits = [
        RecordedVisit("health-check", TODAY - timedelta(days=200), True),
        RecordedVisit("health-check", TODAY - timedelta(days=130), True),
        RecordedVisit("learning-walk", TODAY - timedelta(days=3), True),
    ]
    (due,) = support_due(_level(check), TODAY - timedelta(days=30), visits, TODAY)
    assert due.last_done == TODAY - timedelta(days=130)
    assert due.due == TODAY - timedelta(days=130) + timedelta(weeks=17)
    assert due.overdue(TODAY)
    assert due.describe(TODAY) == (
        f"Health check: termly; overdue since {format_day(due.due)} "
        f"(last {format_day(TODAY - timedelta(days=130))})"
    )
    planned = [*visits, RecordedVisit("health-check", TODAY + timedelta(days=9), False)]
    (due,) = support_due(_level(check), TODAY - timedelta(days=30), planned, TODAY)
    assert due.planned == TODAY + timedelta(days=9)
    assert not due.overdue(TODAY)
    assert due.describe(TODAY).endswith(f"next planned for {format_day(due.planned)}")


def test_cancelled_visits_never_count_and_planned_ones_have_not_happened() -> None:
    def visit(status: VisitStatus, days: int) -> Visit:
        day = TODAY + timedelta(days=days)
        return Visit(
            id=f"v{days}", school_id="s", framework_id="health-check", planned_start=day,
            planned_end=day, reviewers=(VisitReviewer("p", Role.LEAD_REVIEWER),), status=status,
        )  # fmt: skip

    found = recorded_visits(
        [visit(VisitStatus.CANCELLED, -5), visit(VisitStatus.SIGNED, -40),
         visit(VisitStatus.PLANNED, 10)]
    )  # fmt: skip
    assert [(v.start, v.happened) for v in found] == [
        (TODAY - timedelta(days=40), True),
        (TODAY + timedelta(days=10), False),
    ]
    assert next_agreement_due(TODAY, 17) == TODAY + timedelta(weeks=17)
    assert next_agreement_due(TODAY, None) is None


def test_cadence_must_be_a_sensible_interval() -> None:
    with pytest.raises(ValueError, match="every_weeks"):
        CadenceItem(activity="CEO 1:1", every_weeks=0, every="never")


@pytest.mark.parametrize(
    "scheme_id",
    ["school-improvement-tiers", "oldham-support-levels", "flourishing-phases", "owls-categories"],
)
def test_every_shipped_level_says_its_cadence_with_installed_visit_kinds(scheme_id: str) -> None:
    library = load_library(frameworks_dir())
    scheme = library.scheme(scheme_id)
    for level in scheme.levels:
        assert level.support_cadence, f"{scheme_id}: {level.key} has no support cadence"
        for item in level.support_cadence:
            if item.framework is not None:
                assert item.framework in library.framework_ids, (level.key, item.framework)


def test_the_four_tier_cadence_is_the_trusts() -> None:
    scheme = load_library(frameworks_dir()).scheme("school-improvement-tiers")
    ceo = {lvl.key: lvl.support_cadence[0].every_weeks for lvl in scheme.levels}
    checks = {lvl.key: lvl.support_cadence[1].every for lvl in scheme.levels}
    assert ceo == {"lead": 4, "grow": 4, "reinvent": 2, "stabilise": 1}
    assert checks == {
        "lead": "yearly", "grow": "yearly", "reinvent": "twice a year", "stabilise": "every term"
    }  # fmt: skip
