"""The report builder's rules that need no store: sign-off slots, audiences, answers as text."""

from __future__ import annotations

from datetime import date

import pytest

from reviewer_app.domain.errors import ValidationError
from reviewer_app.domain.frameworks import Audience as FrameworkAudience
from reviewer_app.domain.frameworks import FieldSpec
from reviewer_app.domain.organisation import Person, Role
from reviewer_app.domain.visits import Visit, VisitReviewer
from reviewer_app.services.framework_catalogue import installed_library
from reviewer_app.services.report_builder import format_value, report_audience, sign_off_slots

TRUST = "trust-1"


def _person(key: str, name: str) -> Person:
    return Person(key, TRUST, name, f"{key}@example.org", frozenset(Role))


PEOPLE = {
    p.id: p
    for p in (
        _person("lead", "Dana Lead"),
        _person("p1", "Priya Peer"),
        _person("p2", "Tom Peer"),
        _person("dsl", "Aisha Dsl"),
    )
}


def _visit(framework_id: str, *team: tuple[str, Role]) -> Visit:
    return Visit(
        id="v1",
        school_id="s1",
        framework_id=framework_id,
        planned_start=date(2026, 3, 2),
        planned_end=date(2026, 3, 3),
        reviewers=tuple(VisitReviewer(pid, role) for pid, role in team),
    )


def test_each_peer_signs_in_team_order_then_the_lead() -> None:
    framework = installed_library().latest("two-day-peer-review")
    visit = _visit(
        framework.id,
        ("p2", Role.PEER_REVIEWER),
        ("lead", Role.LEAD_REVIEWER),
        ("p1", Role.PEER_REVIEWER),
    )
    slots = sign_off_slots(framework, visit, PEOPLE)
    assert [(s.order, s.role_label, s.person_name) for s in slots] == [
        (1, "Peer reviewer", "Tom Peer"),
        (2, "Peer reviewer", "Priya Peer"),
        (3, "Lead reviewer", "Dana Lead"),
    ]
    assert [s.field_name for s in slots] == ["SignOff01", "SignOff02", "SignOff03"]


def test_an_optional_step_nobody_takes_is_left_out_and_a_required_one_is_an_error() -> None:
    audit = installed_library().latest("safeguarding-audit")
    alone = _visit(audit.id, ("lead", Role.LEAD_REVIEWER))
    assert [s.person_name for s in sign_off_slots(audit, alone, PEOPLE)] == ["Dana Lead"]
    peers_only = _visit(audit.id, ("dsl", Role.SAFEGUARDING_LEAD))
    with pytest.raises(ValidationError, match="Nobody on this visit's team is the lead reviewer"):
        sign_off_slots(audit, peers_only, PEOPLE)


def test_a_frameworks_own_audience_never_shows_restricted_detail() -> None:
    framework = installed_library().latest("learning-walk")
    custom = framework.model_copy(
        update={
            "audiences": (
                *framework.audiences,
                FrameworkAudience(key="parents", label="Letter to parents"),
            )
        }
    )
    parents = report_audience(custom, "parents")
    assert parents.label == "Letter to parents"
    assert not parents.allows_restricted
    assert report_audience(custom, "full_internal").allows_restricted
    with pytest.raises(ValidationError, match="no report audience called 'governors'"):
        report_audience(custom, "governors")


def test_answers_read_as_words() -> None:
    choice = FieldSpec.model_validate(
        {"id": "share", "label": "Share", "kind": "choice",
         "options": [{"key": "school", "label": "The school only"}]}
    )  # fmt: skip
    assert format_value(choice, "school") == "The school only"
    assert format_value(FieldSpec(id="ok", label="OK", kind="yes_no"), False) == "No"
    assert format_value(FieldSpec(id="d", label="D", kind="date"), "2026-03-02") == "2 March 2026"
    table = FieldSpec.model_validate(
        {"id": "plan", "label": "Plan", "kind": "table",
         "columns": [{"id": "time", "label": "Time", "kind": "time"},
                     {"id": "what", "label": "Activity"}]}
    )  # fmt: skip
    text = format_value(table, [{"time": "09:00", "what": "Meet leaders"}, {"what": "Walk"}])
    assert text.splitlines()[1:] == ["09:00 · Meet leaders", "Walk"]
