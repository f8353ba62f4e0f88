"""Schools' categories on the real encrypted store: every trust scheme's suggestion from signed
reviews, agreeing with a rationale, the history, the outbox, and the support cadence implied."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta

import pytest

from reviewer_app.demo.demo_trust import open_demo_workspace
from reviewer_app.domain.errors import PermissionDeniedError, ValidationError
from reviewer_app.domain.ids import new_id
from reviewer_app.domain.organisation import Person, Phase, Role, School, Trust
from reviewer_app.domain.review import ReviewState
from reviewer_app.domain.visits import Visit, VisitReviewer, VisitStatus
from reviewer_app.paths import AppPaths
from reviewer_app.services.framework_catalogue import installed_library
from reviewer_app.services.workspace import Workspace
from reviewer_app.storage import outbox
from reviewer_app.storage.organisation_repository import OrganisationRepository


@pytest.fixture
def workspace(paths: AppPaths, prompt: object) -> Iterator[Workspace]:
    ws = Workspace.open(paths, passphrase=prompt)  # type: ignore[arg-type]
    yield ws
    ws.close()


def _switch_profile(ws: Workspace, profile_id: str) -> None:
    trust = Trust(id=ws.trust.id, name="Fenwick Trust", profile_id=profile_id)
    with ws.store.writing() as session:
        OrganisationRepository(session).save_trust(trust)
    ws.reload_identity()


def _use_profile(ws: Workspace, profile_id: str) -> School:
    """Put the store's trust on ``profile_id`` and give it one school."""
    _switch_profile(ws, profile_id)
    school = School(
        id=new_id(), trust_id=ws.trust.id, urn="139876", name="Fenwick Primary",
        phase=Phase.PRIMARY,
    )  # fmt: skip
    return ws.save_school(school)


def _signed_review(
    ws: Workspace, school: School, framework_id: str, days_ago: int, agreed: dict[str, str]
) -> Visit:
    """A visit led by the current person whose signed review agreed ``agreed`` levels."""
    start = date.today() - timedelta(days=days_ago)
    visit = ws.save_visit(
        Visit(
            id=new_id(), school_id=school.id, framework_id=framework_id,
            planned_start=start, planned_end=start,
            reviewers=(VisitReviewer(ws.current_person.id, Role.LEAD_REVIEWER),),
            status=VisitStatus.IN_PROGRESS, actual_start=start,
        )
    )  # fmt: skip
    framework = installed_library().latest(framework_id)
    review = ws.reviews.start_review(
        visit.id, framework_id=framework_id, framework_version=framework.version,
        framework_hash=framework.content_hash,
        framework_snapshot=json.dumps(framework.to_snapshot()),
    )  # fmt: skip
    for criterion_id, level in agreed.items():
        ws.reviews.agree_judgement(review.id, criterion_id, level, "Seen on the visit")
    ws.reviews.set_state(review.id, ReviewState.SIGNED)
    return visit


def test_four_tier_trust_suggests_a_tier_from_health_check_outcomes_and_agrees_it(
    workspace: Workspace,
    today: date,
) -> None:
    school = _use_profile(workspace, "four-tier-trust")
    categories = workspace.categories
    assert categories.scheme() is not None
    assert categories.scheme().id == "school-improvement-tiers"  # type: ignore[union-attr]
    assert categories.current(school.id) is None
    empty = categories.suggestion(school.id)
    assert empty.suggestion.level is None
    assert empty.reviews_considered == 0

    _signed_review(workspace, school, "health-check", 200, {"safeguarding": "met"})
    _signed_review(
        workspace, school, "health-check", 30,
        {"safeguarding": "met", "leadership-and-governance": "urgent_improvement",
         "achievement": "expected_standard"},
    )  # fmt: skip
    found = categories.suggestion(school.id)
    assert found.reviews_considered == 1  # only the newest health check counts
    assert found.suggestion.level is not None
    assert found.suggestion.level.key == "stabilise"
    assert [b.outcome.criterion_id for b in found.basis] == ["leadership-and-governance"]
    assert found.basis[0].visit_date == today - timedelta(days=30)
    assert "Leadership and governance" in found.basis[0].describe()
    assert "Urgent improvement" in found.explain()
    # Outcomes name their review by the framework's title, not its stored id.
    when = f"{(today - timedelta(days=30)).day} "
    assert f"Leadership and governance (Health check, {when}" in found.describe(found.basis[0])
    assert "Leadership and governance (Health check): Urgent improvement" in found.explain()
    assert "health-check" not in found.explain()

    record = categories.agree(school.id, "reinvent", "Board weighed the new head's first term.")
    assert categories.current(school.id) == record
    assert record.level_label == "Tier 3: Reinvent (academy led)"
    assert record.scheme_version == "1"
    assert record.agreed_on == today
    assert record.agreed_by == workspace.current_person.id
    assert record.suggested_level_key == "stabilise"
    assert record.based_on == found.basis
    assert "Tier 4" in record.suggestion

    # The record is queued for sync in the same transaction, under the school's id.
    with workspace.store.reading() as session:
        ops = [op for op in outbox.pending_ops(session) if op.entity.value == "school_category"]
    assert len(ops) == 1
    assert ops[0].review_id == school.id
    payload = json.loads(ops[0].payload)
    assert isinstance(payload, dict)
    assert payload["level_key"] == "reinvent"
    assert payload["rationale"] == "Board weighed the new head's first term."

    # Reinvent: CEO 1:1 every 2 weeks from the agreed date; health check twice a year after
    # the last one (30 days ago).
    overview = categories.overview(school.id)
    assert overview.current == record
    assert overview.level is not None
    assert overview.level.key == "reinvent"
    assert overview.agreed_by_name == workspace.current_person.name
    assert overview.may_agree
    ceo, health = overview.support
    assert ceo.item.activity == "CEO 1:1"
    assert ceo.due == today
    assert health.item.framework == "health-check"
    assert health.last_done == today - timedelta(days=30)
    assert health.due == today - timedelta(days=30) + timedelta(weeks=26)
    assert not health.overdue(today)
    assert "twice a year" in health.describe(today)
    assert overview.next_agreement == today + timedelta(weeks=52)

    later = categories.agree(school.id, "stabilise", "Safeguarding concerns since.")
    assert categories.current(school.id) == later
    assert [c.level_key for c in categories.history(school.id)] == ["reinvent", "stabilise"]
    # Stabilise wants a health check every term: the last one is 30 days old, so due in 89 days.
    _, health = categories.overview(school.id).support
    assert health.due == today - timedelta(days=30) + timedelta(weeks=17)


def test_four_tier_lead_needs_every_area_strong_and_safeguarding_met(
    workspace: Workspace,
) -> None:
    school = _use_profile(workspace, "four-tier-trust")
    areas = {
        "inclusion": "strong_standard",
        "curriculum-and-teaching": "exceptional",
        "achievement": "strong_standard",
        "attendance-and-behaviour": "strong_standard",
        "personal-development-and-wellbeing": "exceptional",
        "leadership-and-governance": "strong_standard",
        "safeguarding": "met",
    }
    _signed_review(workspace, school, "health-check", 10, areas)
    found = workspace.categories.suggestion(school.id)
    assert found.suggestion.level is not None
    assert found.suggestion.level.key == "lead"
    assert {b.outcome.criterion_id for b in found.basis} == set(areas)


def test_oldham_rag_suggests_red_when_safeguarding_is_not_met(
    workspace: Workspace, today: date
) -> None:
    school = _use_profile(workspace, "oldham")
    _signed_review(
        workspace, school, "improvement-partner-visit", 20,
        {"safeguarding": "not_met", "achievement": "expected_standard"},
    )  # fmt: skip
    found = workspace.categories.suggestion(school.id)
    assert found.suggestion.level is not None
    assert found.suggestion.level.key == "red"
    assert found.suggestion.level.colour == "#B3261E"
    assert [b.outcome.level_key for b in found.basis] == ["not_met"]

    record = workspace.categories.agree(
        school.id, "amber", "LA intelligence: DSL already replaced, audit booked.",
        agreed_on=today - timedelta(days=3),
    )  # fmt: skip
    overview = workspace.categories.overview(school.id)
    assert overview.current == record
    assert record.agreed_on == today - timedelta(days=3)
    (returns,) = overview.support
    assert returns.item.every == "three times a year"
    assert returns.due == today - timedelta(days=3) + timedelta(weeks=17)


def test_oldham_green_is_the_default_when_every_area_is_expected(workspace: Workspace) -> None:
    school = _use_profile(workspace, "oldham")
    _signed_review(
        workspace, school, "improvement-partner-visit", 20,
        {"safeguarding": "met", "achievement": "expected_standard"},
    )  # fmt: skip
    found = workspace.categories.suggestion(school.id)
    assert found.suggestion.level is not None
    assert found.suggestion.level.key == "green"
    assert found.suggestion.rule_number is None
    assert len(found.basis) == 2  # the default rests on every outcome


def test_flourishing_phase_follows_the_weakest_strand(workspace: Workspace, today: date) -> None:
    school = _use_profile(workspace, "flourishing-futures")
    _signed_review(
        workspace, school, "phase-benchmark-review", 14,
        {"leadership-and-governance-phase": "improve", "quality-of-education-phase": "repair",
         "safeguarding-phase": "sustain"},
    )  # fmt: skip
    found = workspace.categories.suggestion(school.id)
    assert found.suggestion.level is not None
    assert found.suggestion.level.key == "repair"
    assert [b.outcome.criterion_id for b in found.basis] == ["quality-of-education-phase"]

    workspace.categories.agree(school.id, "repair", "Agreed with the Flourishing School Partner.")
    overview = workspace.categories.overview(school.id)
    assert overview.level is not None
    assert overview.level.expected_duration == "Up to 1 year"
    review, safeguarding, send, attendance = overview.support
    # The phase review is half-termly after the benchmark review 14 days ago.
    assert review.last_done == today - timedelta(days=14)
    assert review.due == today - timedelta(days=14) + timedelta(weeks=8)
    # No safeguarding audit on record: due from the agreed date, i.e. today.
    assert safeguarding.last_done is None
    assert safeguarding.due == today
    assert "none yet" in safeguarding.describe(today)
    assert send.item.framework == "send-review"
    assert attendance.item.framework is None
    assert overview.next_agreement is None  # the scheme does not say how often


def test_owls_category_from_the_core_visit_and_a_planned_visit_counts(
    workspace: Workspace,
    today: date,
) -> None:
    school = _use_profile(workspace, "owls")
    core = _signed_review(
        workspace, school, "half-termly-core-visit", 60,
        {"last-ofsted-category": "category_2", "direction": "at_risk"},
    )  # fmt: skip
    found = workspace.categories.suggestion(school.id)
    assert found.suggestion.level is not None
    assert found.suggestion.level.key == "2cc"
    assert {b.outcome.criterion_id for b in found.basis} == {"last-ofsted-category", "direction"}
    assert all(b.review_id for b in found.basis)

    workspace.categories.agree(school.id, "2cc", "Agreed with the head; CEO validated.")
    ahead = today + timedelta(days=12)
    workspace.save_visit(
        Visit(
            id=new_id(), school_id=school.id, framework_id="half-termly-core-visit",
            planned_start=ahead, planned_end=ahead,
            reviewers=(VisitReviewer(workspace.current_person.id, Role.LEAD_REVIEWER),),
        )
    )  # fmt: skip
    overview = workspace.categories.overview(school.id)
    core_due, peer_due = overview.support
    assert core_due.last_done == core.start
    assert core_due.due == core.start + timedelta(weeks=8)  # already past...
    assert core_due.planned == ahead  # ...but the next one is planned, so not overdue
    assert not core_due.overdue(today)
    assert "planned for" in core_due.describe(today)
    assert peer_due.overdue(today + timedelta(days=1))  # no peer review yet: due since today
    assert overview.next_agreement == today + timedelta(weeks=17)  # agreed termly


def test_suggestions_ignore_drafts_old_reviews_and_what_the_person_may_not_see(
    workspace: Workspace,
    today: date,
) -> None:
    school = _use_profile(workspace, "four-tier-trust")
    _signed_review(workspace, school, "health-check", 500, {"safeguarding": "not_met"})
    start = today - timedelta(days=5)
    draft_visit = workspace.save_visit(
        Visit(
            id=new_id(), school_id=school.id, framework_id="health-check",
            planned_start=start, planned_end=start,
            reviewers=(VisitReviewer(workspace.current_person.id, Role.LEAD_REVIEWER),),
            status=VisitStatus.IN_PROGRESS,
        )
    )  # fmt: skip
    framework = installed_library().latest("health-check")
    draft = workspace.reviews.start_review(
        draft_visit.id, framework_id="health-check", framework_version=framework.version,
        framework_hash=framework.content_hash,
        framework_snapshot=json.dumps(framework.to_snapshot()),
    )  # fmt: skip
    workspace.reviews.agree_judgement(draft.id, "safeguarding", "not_met")
    assert workspace.categories.suggestion(school.id).suggestion.level is None

    # A safeguarding audit is for safeguarding leads: its outcomes never reach others.
    person = workspace.current_person
    assert Role.SAFEGUARDING_LEAD not in person.roles
    dsl = Person(
        id=person.id, trust_id=person.trust_id, name=person.name, email=person.email,
        roles=person.roles | {Role.SAFEGUARDING_LEAD},
    )  # fmt: skip
    workspace.save_person(dsl)
    audit_criteria = [c.id for c in installed_library().latest("safeguarding-audit").criteria()]
    _signed_review(workspace, school, "safeguarding-audit", 3, {audit_criteria[0]: "not_met"})
    seen_by_dsl = workspace.categories.suggestion(school.id)
    workspace.save_person(person)
    seen_by_others = workspace.categories.suggestion(school.id)
    assert seen_by_dsl.reviews_considered == seen_by_others.reviews_considered == 1
    assert seen_by_dsl.basis != ()
    assert seen_by_others.basis == ()


def test_agreeing_is_refused_without_a_scheme_role_rationale_or_known_level(
    workspace: Workspace,
    today: date,
) -> None:
    school = _use_profile(workspace, "oak-learning-partnership")
    assert workspace.categories.scheme() is None
    assert workspace.categories.overview(school.id).current is None
    with pytest.raises(ValidationError, match="no categorisation scheme"):
        workspace.categories.agree(school.id, "green", "Because")

    _switch_profile(workspace, "oldham")
    with pytest.raises(ValidationError, match="not a category"):
        workspace.categories.agree(school.id, "purple", "Because")
    with pytest.raises(ValidationError, match="rationale"):
        workspace.categories.agree(school.id, "green", "   ")
    with pytest.raises(ValidationError, match="not come yet"):
        workspace.categories.agree(
            school.id, "green", "Because", agreed_on=today + timedelta(days=1)
        )
    person = workspace.current_person
    peer = Person(
        id=person.id, trust_id=person.trust_id, name=person.name, email=person.email,
        roles=frozenset({Role.PEER_REVIEWER}),
    )  # fmt: skip
    workspace.save_person(peer)
    assert not workspace.categories.may_agree()
    with pytest.raises(PermissionDeniedError, match="central team"):
        workspace.categories.agree(school.id, "green", "Because")
    admin = Person(
        id=person.id, trust_id=person.trust_id, name=person.name, email=person.email,
        roles=frozenset({Role.TRUST_ADMIN}),
    )  # fmt: skip
    workspace.save_person(admin)
    assert workspace.categories.agree(school.id, "green", "Central team review").level_key == (
        "green"
    )
    assert workspace.categories.history(school.id)[-1].rationale == "Central team review"


def test_switching_scheme_keeps_history_but_not_the_current_category(
    workspace: Workspace,
) -> None:
    school = _use_profile(workspace, "oldham")
    workspace.categories.agree(school.id, "amber", "Targeted support on reading.")
    _switch_profile(workspace, "owls")
    assert workspace.categories.current(school.id) is None
    assert [c.scheme_id for c in workspace.categories.history(school.id)] == [
        "oldham-support-levels"
    ]


def test_category_records_are_not_pushed_to_a_server_that_cannot_take_them(
    workspace: Workspace,
) -> None:
    from reviewer_app.services.sync_outbox import StoreOutbox

    school = _use_profile(workspace, "oldham")
    workspace.categories.agree(school.id, "green", "Secure")
    port = StoreOutbox(workspace.store, workspace.lane)
    assert school.id not in port.pending_review_ids()
    assert port.pending_operations(school.id, 0, 100) == []
    with workspace.store.reading() as session:
        assert len(outbox.pending_ops(session)) == 1  # still waiting, honestly counted


def test_the_demo_trust_is_tiered_and_st_aidans_follows_its_suggestion(paths: AppPaths) -> None:
    with open_demo_workspace(paths) as ws:
        assert ws.trust.profile_id == "four-tier-trust"
        tiers = {}
        for school in ws.list_schools():
            overview = ws.categories.overview(school.id)
            assert overview.current is not None, school.name
            assert overview.level is not None
            assert len(overview.support) == 2  # CEO 1:1 and the external health check
            tiers[school.name] = overview.current.level_key
        assert set(tiers.values()) == {"lead", "grow", "reinvent", "stabilise"}
        harrow = ws.list_schools("Harrow")[0]
        assert [c.level_key for c in ws.categories.history(harrow.id)] == ["grow", "reinvent"]
        aidans = ws.categories.current(ws.list_schools("Aidan")[0].id)
        assert aidans is not None
        assert aidans.level_key == aidans.suggested_level_key  # it followed the suggestion
        assert aidans.based_on  # rests on the signed peer review's outcomes
        with ws.store.reading() as session:
            assert outbox.pending_ops(session) == []  # demo content stands for server data
    with open_demo_workspace(paths) as again:  # seeded once
        assert len(again.categories.history(harrow.id)) == 2


def test_the_demos_my_work_flags_the_ceo_one_to_ones_its_console_flags(paths: AppPaths) -> None:
    from reviewer_app.services.my_work import my_work

    today = date.today()
    with open_demo_workspace(paths) as ws:
        work = my_work(ws, today)
        assert work.meetings_as_of == today  # as if today's sync brought them
        late = {i.school.name.split()[0] for i in work.support if i.due.item.activity == "CEO 1:1"}
        # The server demo's Cadence board flags the same three (test_cadence_board.py).
        assert late == {"Northfield", "Harrow", "St"}
        never = [
            i for i in work.support if i.due.item.activity == "CEO 1:1" and not i.due.last_done
        ]
        assert [i.school.name.split()[0] for i in never] == ["St"]
