from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from reviewer_app.domain.errors import ValidationError
from reviewer_app.domain.organisation import Person, Phase, Role, School
from reviewer_app.domain.review import EvidenceNote, Judgement, agreed_judgement, current_notes
from reviewer_app.domain.visits import Visit, VisitReviewer


def _visit(**overrides: object) -> Visit:
    fields: dict[str, object] = {
        "id": "v1",
        "school_id": "s1",
        "framework_id": "learning-walk",
        "planned_start": date(2026, 11, 2),
        "planned_end": date(2026, 11, 2),
        "reviewers": (VisitReviewer("p1", Role.LEAD_REVIEWER),),
    }
    fields.update(overrides)
    return Visit(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize("urn", ["12345", "1234567", "ABCDEF", ""])
def test_school_rejects_a_urn_that_is_not_six_digits(urn: str) -> None:
    with pytest.raises(ValidationError, match="URN"):
        School(id="s", trust_id="t", urn=urn, name="Oak Primary", phase=Phase.PRIMARY)


def test_school_facts_feed_framework_conditions() -> None:
    school = School(
        id="s",
        trust_id="t",
        urn="100001",
        name="Ash Academy",
        phase=Phase.SECONDARY,
        has_sixth_form=True,
    )
    assert school.facts() == {
        "phase": "secondary",
        "has_early_years": False,
        "has_sixth_form": True,
    }


def test_person_needs_a_real_email_and_safeguarding_role_is_recognised() -> None:
    with pytest.raises(ValidationError, match="email"):
        Person(id="p", trust_id="t", name="Sam", email="sam-at-school")
    dsl = Person(
        id="p",
        trust_id="t",
        name="Sam",
        email="sam@oak.sch.uk",
        roles=frozenset({Role.SAFEGUARDING_LEAD}),
    )
    assert dsl.may_see_safeguarding
    assert not Person(id="q", trust_id="t", name="Jo", email="jo@oak.sch.uk").may_see_safeguarding


def test_visit_rules() -> None:
    with pytest.raises(ValidationError, match="ends"):
        _visit(planned_end=date(2026, 11, 1))
    with pytest.raises(ValidationError, match="reviewer"):
        _visit(reviewers=())
    with pytest.raises(ValidationError, match="twice"):
        _visit(
            reviewers=(
                VisitReviewer("p1", Role.LEAD_REVIEWER),
                VisitReviewer("p1", Role.PEER_REVIEWER),
            )
        )
    with pytest.raises(ValidationError, match="one lead"):
        _visit(
            reviewers=(
                VisitReviewer("p1", Role.LEAD_REVIEWER),
                VisitReviewer("p2", Role.LEAD_REVIEWER),
            )
        )
    peer = _visit(
        reviewers=(VisitReviewer("p2", Role.PEER_REVIEWER), VisitReviewer("p1", Role.LEAD_REVIEWER))
    )
    assert peer.lead.person_id == "p1"
    assert peer.is_team_member("p2")
    assert not peer.is_team_member("p3")


def test_current_notes_hides_superseded_and_retracted() -> None:
    t0 = datetime(2026, 11, 2, 9, tzinfo=UTC)
    a = EvidenceNote(id="a", review_id="r", author_id="p", text="first", captured_at=t0)
    b = EvidenceNote(
        id="b",
        review_id="r",
        author_id="p",
        text="fixed",
        captured_at=t0 + timedelta(minutes=1),
        supersedes="a",
    )
    c = EvidenceNote(
        id="c", review_id="r", author_id="p", text="gone", captured_at=t0 + timedelta(minutes=2)
    )
    d = EvidenceNote(
        id="d",
        review_id="r",
        author_id="p",
        text="",
        captured_at=t0 + timedelta(minutes=3),
        supersedes="c",
        retracted=True,
    )
    assert [n.id for n in current_notes([d, c, b, a])] == ["b"]


def test_agreed_judgement_is_the_newest_agreed_one() -> None:
    t0 = datetime(2026, 11, 2, 9, tzinfo=UTC)
    own = Judgement(
        id="1", review_id="r", criterion_id="c", author_id="p2", level_key="seen", created_at=t0
    )
    assert agreed_judgement([own], "c") is None
    first = Judgement(
        id="2",
        review_id="r",
        criterion_id="c",
        author_id="p1",
        level_key="partly",
        created_at=t0,
        agreed=True,
    )
    later = Judgement(
        id="3",
        review_id="r",
        criterion_id="c",
        author_id="p1",
        level_key="seen",
        created_at=t0 + timedelta(hours=1),
        agreed=True,
    )
    assert agreed_judgement([later, own, first], "c") == later
