"""A laptop drops its copy of a review only when the review is fully signed longer ago than the
trust's period for laptop copies *and* nothing of it waits to be sent (issue 20, item 3): on the
demo store, with its real signed reports."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import select

from reviewer_app.demo.demo_trust import open_demo_workspace
from reviewer_app.demo.reports import ensure_demo_reports
from reviewer_app.domain.record_kinds import Entity, OpKind
from reviewer_app.paths import AppPaths
from reviewer_app.services import local_expiry
from reviewer_app.storage.outbox import record_op
from reviewer_app.storage.tables import ReviewRow, SignedReportRow


def test_only_settled_reviews_signed_long_enough_ago_are_dropped(paths: AppPaths) -> None:
    with open_demo_workspace(paths) as workspace:
        assert ensure_demo_reports(workspace) > 0
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
            record_op(session, review_id=waiting, entity=Entity.SIGNED_REPORT,
                      entity_id="unsent-signature", kind=OpKind.APPEND,
                      payload={"id": "unsent-signature"}, device_time=now)  # fmt: skip
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
