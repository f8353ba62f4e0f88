"""Shared checks of the review services: does the record exist, and may this person change it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from sqlmodel import Session

from reviewer_app.domain.changes import ChangeOrigin, ReviewChanges
from reviewer_app.domain.errors import LockedError, NotFoundError, PermissionDeniedError
from reviewer_app.domain.organisation import Person
from reviewer_app.domain.record_kinds import Entity
from reviewer_app.domain.review import Review
from reviewer_app.domain.visits import Visit
from reviewer_app.services.writer_lane import WriterLane
from reviewer_app.storage.review_repository import ReviewRepository
from reviewer_app.storage.store import Store
from reviewer_app.storage.visit_repository import VisitRepository

T = TypeVar("T")


def now() -> datetime:
    """The device's time with its UTC offset (records keep it for display and audit only)."""
    return datetime.now().astimezone()


class ReviewAccess:
    """The store, the writer lane and the person using this laptop, plus the checks every
    review-record write makes: the review exists, is not signed, and the person is on the team."""

    def __init__(self, store: Store, lane: WriterLane, person: Callable[[], Person]) -> None:
        self._store = store
        self._lane = lane
        self._person = person

    def _published(
        self,
        written: T,
        review_id: str,
        kind: Entity,
        *,
        record_id: str | None = None,
        field: str | None = None,
    ) -> T:
        """Tell the change feed what was just written (committed); returns ``written``."""
        self._lane.changes.publish(
            ReviewChanges.of(
                review_id,
                ChangeOrigin.LOCAL,
                kind,
                record_id=record_id,
                field=field,
                author_id=self._person().id,
            )
        )
        return written

    def _review_or_fail(self, session: Session, review_id: str) -> Review:
        review = ReviewRepository(session).get_review(review_id)
        if review is None:
            raise NotFoundError(f"There is no review with id {review_id} on this computer.")
        return review

    def _visit_or_fail(self, session: Session, visit_id: str) -> Visit:
        visit = VisitRepository(session).get_visit(visit_id)
        if visit is None:
            raise NotFoundError(f"There is no visit with id {visit_id} on this computer.")
        return visit

    def _writable(self, session: Session, review_id: str) -> tuple[Review, Visit]:
        """The review and its visit, after checking the review may be changed by this person."""
        review = self._review_or_fail(session, review_id)
        if review.state.is_locked:
            raise LockedError(
                "This review is signed, so it cannot be changed.",
                hint="Start an amendment to correct a signed review.",
            )
        visit = self._visit_or_fail(session, review.visit_id)
        if not visit.is_team_member(self._person().id):
            raise PermissionDeniedError(
                "Only the visit's team can add to its review.",
                hint="Ask the lead reviewer to add you to the visit team.",
            )
        return review, visit
