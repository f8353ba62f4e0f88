"""The demo's reviews in the laptop's store: :mod:`.reviews` writes them through the
repositories, in one transaction, as if pulled from the trust server (nothing is queued)."""

from __future__ import annotations

import logging
from datetime import date, datetime

from sqlmodel import Session

from reviewer_app.demo.reviews import write_school_reviews
from reviewer_app.domain.frameworks import FrameworkLibrary
from reviewer_app.domain.review import (
    Action,
    ActionFollowUp,
    EvidenceNote,
    JSONValue,
    Judgement,
    Review,
    ReviewState,
)
from reviewer_app.storage.action_repository import ActionRepository
from reviewer_app.storage.evidence_repository import EvidenceRepository
from reviewer_app.storage.organisation_repository import OrganisationRepository
from reviewer_app.storage.review_repository import ReviewRepository
from reviewer_app.storage.store import Store
from reviewer_app.storage.visit_repository import VisitRepository

log = logging.getLogger(__name__)


class _StoreSink:
    """The laptop's repositories as a :class:`~reviewer_app.demo.reviews.ReviewSink`."""

    def __init__(self, session: Session) -> None:
        # Demo content stands for work already on the trust server: nothing is queued for sync.
        self.reviews = ReviewRepository(session, record_ops=False)
        self.evidence = EvidenceRepository(session, record_ops=False)
        self.actions = ActionRepository(session, record_ops=False)

    def start(self, review: Review, framework_snapshot: str, author_id: str) -> None:
        self.reviews.add_review(review, framework_snapshot)

    def set_field(
        self, review_id: str, field_id: str, value: JSONValue, author_id: str, at: datetime
    ) -> None:
        self.reviews.set_field(review_id, field_id, value, author_id, at)

    def judgement(self, judgement: Judgement) -> None:
        self.reviews.add_judgement(judgement)

    def note(self, note: EvidenceNote) -> None:
        self.evidence.add_note(note)

    def action(self, action: Action) -> None:
        self.actions.add_action(action)

    def follow_up(self, follow_up: ActionFollowUp) -> None:
        self.actions.add_follow_up(follow_up)

    def set_state(self, review_id: str, state: ReviewState, author_id: str, at: datetime) -> None:
        self.reviews.set_state(review_id, state, at)


def seed_demo_reviews(store: Store, library: FrameworkLibrary, today: date | None = None) -> int:
    """Fill every signed demo visit (and those ready for sign-off) that has no review yet;
    returns how many reviews were written."""
    today = today or date.today()
    written = 0
    with store.writing() as session:
        sink = _StoreSink(session)
        visits_repo = VisitRepository(session)
        reviews = ReviewRepository(session)
        for school in OrganisationRepository(session).list_schools(""):
            visits = visits_repo.visits_for_school(school.id)
            reviewed = frozenset(v.id for v in visits if reviews.reviews_for_visit(v.id))
            written += write_school_reviews(sink, library, school, visits, today, reviewed)
    log.info("demo reviews seeded (%d)", written)
    return written
