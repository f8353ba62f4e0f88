"""The trust overview's picture on the demo trust's history, on SQLite and PostgreSQL: the
latest agreed view of each area per school with its direction, the tiers, the filters, and the
role rules (safeguarding for safeguarding roles; the central team sees every school, a reviewer
only the schools assigned to them)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session, select

from reviewer_app.server import models
from reviewer_app.server import trust_picture as tp
from support.demo_views import viewer_of


def test_the_overview_shows_each_areas_latest_agreed_view_and_its_direction(
    demo: Session,
) -> None:
    admin = viewer_of(demo, "mark.ellison")
    overview = tp.trust_overview(demo, admin, tp.OverviewFilters())
    assert overview.shown_schools == overview.total_schools == 7
    assert "safeguarding" not in [c.key for c in overview.columns]  # not a safeguarding role
    visibility = tp.Visibility(demo, admin)
    reviews = tp.readable_reviews(demo, visibility, [r.school.id for r in overview.rows])
    judgements = tp.agreed_judgements(demo, visibility, reviews)
    for row in overview.rows:
        assert row.category is not None, row.school.name
        for column in tp.AREA_COLUMNS:
            # Every school had health checks and a peer review: the newest agreed view wins,
            # and the arrow compares it with the one before.
            history = [
                j for j in judgements
                if j.review.school_id == row.school.id and j.criterion_id == column.key
            ]  # fmt: skip
            assert len(history) >= 2
            cell = row.cells[column.key]
            assert cell is not None
            assert cell.level.key == history[-1].level_key
            assert cell.day == history[-1].review.visit_end
            assert cell.previous is not None
            assert cell.previous.key == history[-2].level_key
            ranks = [tp.scale_levels(column.scale_id)[j.level_key or ""].rank for j in history]
            last, before = ranks[-1] or 0, ranks[-2] or 0
            direction = "up" if last > before else "down" if last < before else "same"
            assert cell.direction == direction
    harrow = next(r for r in overview.rows if r.school.name.startswith("Harrow"))
    assert harrow.category is not None
    assert harrow.category.label.startswith("Tier 3")
    assert harrow.category.previous_label is not None
    assert harrow.category.previous_label.startswith("Tier 2")
    send = {r.school.name.split()[0]: r.cells["send"] for r in overview.rows}
    assert send["Meadowbank"] is not None
    assert send["Oakfield"] is None  # no SEND review there


def _cells_from_every_judgement(session: Session, viewer: tp.Viewer) -> dict[tuple[str, str], Any]:
    """Each school's latest view of each column worked out from its whole history."""
    visibility = tp.Visibility(session, viewer)
    schools = [s.id for s in tp.visible_schools(session, viewer)]
    judgements = tp.agreed_judgements(
        session, visibility, tp.readable_reviews(session, visibility, schools)
    )
    found: dict[tuple[str, str], Any] = {}
    for column in viewer.columns():
        for school_id, cells in tp.column_views(column, judgements, visibility.titles).items():
            found[(school_id, column.key)] = cells[-1]
    return found


def _shown_cells(session: Session, viewer: tp.Viewer) -> dict[tuple[str, str], Any]:
    overview = tp.trust_overview(session, viewer, tp.OverviewFilters())
    return {
        (row.school.id, key): cell
        for row in overview.rows
        for key, cell in row.cells.items()
        if cell is not None
    }


def test_the_overview_reads_only_the_latest_two_views_yet_shows_what_the_whole_history_gives(
    demo: Session,
) -> None:
    # The overview's query keeps each school's two newest reviews per column (for speed);
    # the cells must be those the whole history gives, for every role's rules.
    for email in ("mark.ellison", "rachel.hughes", "sarah.okafor"):
        viewer = viewer_of(demo, email)
        assert _shown_cells(demo, viewer) == _cells_from_every_judgement(demo, viewer), email
    # A lead who changes the agreed level later: the newest agreed judgement is the view.
    admin = viewer_of(demo, "mark.ellison")
    school_id, _key = next(iter(sorted(_shown_cells(demo, admin))))
    cell = _shown_cells(demo, admin)[(school_id, "inclusion")]
    review = demo.get(models.Review, cell.review_id)
    assert review is not None
    other = "exceptional" if cell.level.key != "exceptional" else "urgent_improvement"
    payload = {
        "id": "changed-mind", "review_id": review.id, "criterion_id": "inclusion",
        "author_id": review.created_by, "level_key": other, "agreed": True,
        "created_at": "2999-01-01T00:00:00+00:00", "rationale": "Agreed again after moderation.",
    }  # fmt: skip
    demo.add(
        models.Record(
            review_id=review.id, entity="judgement", entity_id="changed-mind",
            author_id=review.created_by, op_id="changed-mind-op", payload_sha256="0" * 64,
            payload=payload, server_seq=review.last_seq + 1,
        )
    )  # fmt: skip
    demo.flush()
    shown = _shown_cells(demo, admin)
    assert shown[(school_id, "inclusion")].level.key == other
    assert shown == _cells_from_every_judgement(demo, admin)


def test_filters_narrow_the_schools(demo: Session) -> None:
    admin = viewer_of(demo, "mark.ellison")
    leeds = tp.trust_overview(demo, admin, tp.OverviewFilters(local_authority="Leeds"))
    assert sorted(r.school.name for r in leeds.rows) == [
        "Northfield Academy", "Oakfield Primary Academy", "St Aidan's CE Primary School",
    ]  # fmt: skip
    assert leeds.total_schools == 7
    secondary = tp.trust_overview(demo, admin, tp.OverviewFilters(phase="secondary"))
    assert {r.school.phase for r in secondary.rows} == {"secondary"}
    reinvent = tp.trust_overview(demo, admin, tp.OverviewFilters(category="reinvent"))
    assert sorted(r.school.name for r in reinvent.rows) == [
        "Brookside High School", "Harrow Lane Primary School",
    ]  # fmt: skip
    james = viewer_of(demo, "james.whitfield").person.id
    by_reviewer = tp.trust_overview(demo, admin, tp.OverviewFilters(reviewer=james))
    assert by_reviewer.shown_schools == 7  # he visits every school
    nobody = tp.trust_overview(demo, admin, tp.OverviewFilters(reviewer="no-such-person"))
    assert nobody.rows == []


def test_safeguarding_is_for_safeguarding_roles_only(demo: Session) -> None:
    lead = viewer_of(demo, "rachel.hughes")  # safeguarding lead
    reviewer = viewer_of(demo, "sarah.okafor")  # lead reviewer
    shown = tp.trust_overview(demo, lead, tp.OverviewFilters())
    assert "safeguarding" in [c.key for c in shown.columns]
    northfield = next(r for r in shown.rows if r.school.name == "Northfield Academy")
    cell = northfield.cells["safeguarding"]
    assert cell is not None
    assert cell.previous is not None
    # Its peer review's concern (not met) is in the history the lead may read.
    visibility = tp.Visibility(demo, lead)
    judgements = tp.agreed_judgements(
        demo, visibility, tp.readable_reviews(demo, visibility, [northfield.school.id])
    )
    history = tp.column_views(tp.SAFEGUARDING_COLUMN, judgements, visibility.titles)
    assert "not_met" in [c.level.key for c in history[northfield.school.id]]
    hidden = tp.trust_overview(demo, reviewer, tp.OverviewFilters())
    assert "safeguarding" not in [c.key for c in hidden.columns]
    assert all("safeguarding" not in r.cells for r in hidden.rows)
    audits = demo.exec(
        select(models.Review).where(models.Review.framework_id == "safeguarding-audit")
    ).all()
    assert audits
    for review in audits:
        assert tp.review_detail(demo, reviewer, review.id) is None
        seen = tp.review_detail(demo, lead, review.id)
        assert seen is not None
        assert seen.judgements
        assert seen.restricted_shown > 0  # logged by the page


def test_a_reviewer_sees_only_the_schools_assigned_to_them(demo: Session) -> None:
    peer = viewer_of(demo, "priya.natarajan")
    assigned = {
        a.school_id
        for a in demo.exec(
            select(models.Assignment).where(models.Assignment.person_id == peer.person.id)
        )
    }
    overview = tp.trust_overview(demo, peer, tp.OverviewFilters())
    assert {r.school.id for r in overview.rows} == assigned
    for assignment in demo.exec(
        select(models.Assignment).where(models.Assignment.person_id == peer.person.id)
    ).all():
        demo.delete(assignment)
    demo.flush()
    assert tp.trust_overview(demo, peer, tp.OverviewFilters()).rows == []


def test_actions_across_the_trust_put_safeguarding_then_overdue_first(demo: Session) -> None:
    lead = viewer_of(demo, "rachel.hughes")
    today = date(2026, 12, 7)
    register = tp.action_register(demo, lead, tp.ActionFilters(status="all"), today)
    assert register.total == len(register.actions) > 30
    open_ones = [a for a in register.actions if a.status == "open"]
    assert register.safeguarding_open > 0
    # Open safeguarding actions are pinned, then overdue ones, then by due date.
    keys = [
        (not (a.safeguarding and a.status == "open"), not a.overdue(today))
        for a in register.actions
    ]
    assert keys == sorted(keys)
    assert register.actions[0].safeguarding
    assert register.overdue == sum(a.overdue(today) for a in open_ones) > 0
    # The follow-up trail: outcomes at the school's later visits, a met one closes it.
    followed = [a for a in register.actions if a.trail]
    assert followed
    for action in followed:
        assert all(step.day > action.review.visit_end for step in action.trail)
        assert action.status == ("met" if action.trail[-1].outcome == "met" else "open")
    met = tp.action_register(demo, lead, tp.ActionFilters(status="met"), today)
    assert met.actions
    assert {a.status for a in met.actions} == {"met"}
    overdue = tp.action_register(demo, lead, tp.ActionFilters(status="overdue"), today)
    assert len(overdue.actions) == register.overdue
    school = register.actions[0].school
    by_school = tp.action_register(
        demo, lead, tp.ActionFilters(school=school.id, status="all"), today
    )
    assert {a.school.id for a in by_school.actions} == {school.id}
    owner = tp.action_register(demo, lead, tp.ActionFilters(owner="SENCO", status="all"), today)
    assert owner.actions
    assert {a.owner for a in owner.actions} == {"SENCO"}
    theme = tp.action_register(demo, lead, tp.ActionFilters(theme="Inclusion", status="all"), today)
    assert {a.theme for a in theme.actions} == {"Inclusion"}


def test_a_reviewer_sees_no_safeguarding_action(demo: Session) -> None:
    today = date(2026, 12, 7)
    everything = tp.action_register(
        demo, viewer_of(demo, "rachel.hughes"), tp.ActionFilters(status="all"), today
    )
    seen = tp.action_register(
        demo, viewer_of(demo, "mark.ellison"), tp.ActionFilters(status="all"), today
    )
    assert seen.total < everything.total
    assert seen.safeguarding_open == 0
    assert not any(a.safeguarding for a in seen.actions)
    assert not any(a.review.framework_id == "safeguarding-audit" for a in seen.actions)
    assert not any(a.criterion_id == "safeguarding" for a in seen.actions)
    assert "Safeguarding" not in {a.theme for a in seen.actions}
    hidden = {a.id for a in everything.actions if a.safeguarding}
    assert hidden
    assert hidden.isdisjoint({a.id for a in seen.actions})


def test_a_view_from_a_review_not_yet_signed_says_so(demo: Session) -> None:
    # Each cell is the lead's latest agreed view; until the review's last planned signature
    # locks it, the cell says "not yet signed" (the judgement may still change).
    admin = viewer_of(demo, "mark.ellison")
    school_id, key = next(iter(sorted(_shown_cells(demo, admin))))
    review = demo.get(models.Review, _shown_cells(demo, admin)[(school_id, key)].review_id)
    assert review is not None
    for locked in (False, True):
        review.locked = locked
        demo.add(review)
        demo.flush()
        shown = _shown_cells(demo, admin)
        assert shown[(school_id, key)].signed is locked
        assert shown == _cells_from_every_judgement(demo, admin)
    journey = tp.readable_reviews(demo, tp.Visibility(demo, admin), [school_id])
    assert {r.review_id: r.signed for r in journey}[review.id] is True
