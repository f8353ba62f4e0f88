"""A laptop drops its copy of a review only when the review is fully signed longer ago than the
trust's period for laptop copies *and* nothing of it waits to be sent (issue 20, item 3): on the
demo store, with its real signed reports."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import col, select

from reviewer_app.demo.demo_trust import open_demo_workspace
from reviewer_app.domain.record_kinds import Entity, OpKind
from reviewer_app.paths import AppPaths
from reviewer_app.services import local_expiry
from reviewer_app.services.workspace import Workspace
from reviewer_app.storage.outbox import record_op
from reviewer_app.storage.review_repository import ReviewRepository
from reviewer_app.storage.store import Store
from reviewer_app.storage.tables import ReviewRow, SignedReportRow
from reviewer_app.sync import protocol as wire
from support.demo_reports import sign_featured_demo_reports


def test_only_settled_reviews_signed_long_enough_ago_are_dropped(paths: AppPaths) -> None:
    with open_demo_workspace(paths) as workspace:
        assert sign_featured_demo_reports(workspace) > 0
        store = workspace.store
        now = datetime.now(UTC)
        with store.reading() as session:
            signed = sorted(set(session.exec(select(SignedReportRow.review_id)).all()))
            assert len(signed) >= 2
            assert local_expiry.old_signed(session, 30, now) == {}  # signed today
            assert local_expiry.old_signed(session, None, now + timedelta(days=400)) == {}
            later = now + timedelta(days=40)
            assert set(local_expiry.old_signed(session, 30, later)) == set(signed)

        # One review's newest signature has not been sent yet: that review stays.
        waiting = signed[0]
        with store.writing() as session:
            record_op(
                session,
                review_id=waiting,
                entity=Entity.SIGNED_REPORT,
                entity_id="unsent-signature",
                kind=OpKind.APPEND,
                payload={"id": "unsent-signature"},
                device_time=now,
            )
        with store.writing() as session:
            removed = local_expiry.remove_old_signed(session, 30, later, "someone")
        assert len(removed) == len(signed) - 1
        assert all(words.endswith("kept on the trust server)") for words in removed)
        with store.reading() as session:
            left = set(session.exec(select(ReviewRow.id)).all())
            assert waiting in left
            assert not set(signed[1:]) & left
            dropped = local_expiry.dropped_as_old(session)
        assert dropped.reviews == frozenset(signed[1:])


def _without_restricted_detail(store: Store) -> None:
    """The peer reviews as a laptop without a safeguarding role holds them: the demo's peer
    reviews follow up its safeguarding audits' actions, which only safeguarding roles see."""
    from reviewer_app.services.local_visibility import view_of
    from reviewer_app.storage.tables import ActionFollowUpRow

    with store.writing() as session:
        for review_id in _peer_review_reports(store)[0]:
            view = view_of(session, review_id, {"lead_reviewer"})
            hidden = [i for entity, i in view.hidden if entity == Entity.ACTION_FOLLOW_UP.value]
            assert len(hidden) == len(view.hidden), "only follow-ups are restricted here"
            for row in session.exec(
                select(ActionFollowUpRow).where(col(ActionFollowUpRow.id).in_(hidden))
            ).all():
                session.delete(row)


def _peer_review_reports(store: Store) -> tuple[dict[str, str], dict[str, set[str]]]:
    """The demo's two-day peer reviews (id: visit) and the audiences of their signed reports."""
    with store.reading() as session:
        reviews = {
            r.id: r.visit_id
            for r in session.exec(select(ReviewRow)).all()
            if r.framework_id == "two-day-peer-review"
        }
        audiences: dict[str, set[str]] = {}
        for review_id, audience in session.exec(
            select(SignedReportRow.review_id, SignedReportRow.audience).where(
                col(SignedReportRow.review_id).in_(list(reviews))
            )
        ).all():
            audiences.setdefault(review_id, set()).add(audience)
    return reviews, audiences


def _handshake_without_safeguarding(
    workspace: Workspace, reviews: dict[str, str]
) -> wire.HandshakeResponse:
    person = workspace.current_person
    return wire.HandshakeResponse(
        protocol_version=wire.PROTOCOL_VERSION,
        server_time=datetime.now(UTC),
        device_id="laptop",
        person=wire.PersonInfo(
            id=person.id,
            trust_id=person.trust_id,
            name=person.name,
            email=person.email,
            roles=["lead_reviewer"],
        ),
        visits=[],
        reviews=[
            wire.ReviewSummary(
                review_id=r,
                visit_id=v,
                school_id="",
                framework_id="",
                last_seq=0,
                may_write=True,
                is_lead=True,
                locked=True,
            )
            for r, v in reviews.items()
        ],
    )


def test_losing_the_safeguarding_role_removes_the_full_internal_report_not_the_schools(
    paths: AppPaths,
) -> None:
    """The demo's signed two-day peer review holds a full internal report and a report for the
    school. With no restricted detail on the laptop, a person without a safeguarding role keeps
    both (nothing restricted is in them); once the laptop holds the single central record
    sample, the full internal report goes with it and the school's stays."""
    with open_demo_workspace(paths) as workspace:
        store = workspace.store
        _without_restricted_detail(store)
        assert sign_featured_demo_reports(workspace) > 0
        reviews, audiences = _peer_review_reports(store)
        review_id = next(r for r, held in audiences.items() if "full_internal" in held)
        assert audiences[review_id] == {"school_facing", "full_internal"}
        handshake = _handshake_without_safeguarding(workspace, reviews)
        with store.writing() as session:
            assert local_expiry.remove_restricted(session, handshake) == []
        assert _peer_review_reports(store)[1] == audiences

        # The safeguarding lead's answer about the sample, on this laptop.
        with store.writing() as session:
            ReviewRepository(session, record_ops=False).set_field(
                review_id,
                "scr-sample.records-with-gaps",
                4,
                workspace.current_person.id,
                datetime.now(UTC),
            )
        with store.writing() as session:
            [removed] = local_expiry.remove_restricted(session, handshake)
        assert removed.endswith("(for safeguarding roles only)")
        assert _peer_review_reports(store)[1][review_id] == {"school_facing"}
        with store.reading() as session:
            assert review_id in set(session.exec(select(ReviewRow.id)).all())
            fields = ReviewRepository(session, record_ops=False).field_values(review_id)
            assert "scr-sample.records-with-gaps" not in {f.field_id for f in fields}
