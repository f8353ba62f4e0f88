"""How far each visit's work has got (for the visit list), read in one session.

A signed report made on another laptop arrives as a record of the review (not yet as a signed
version here): the review's state says signed once the last signature is on, so the list is
right either way; "waiting for signatures" counts the versions kept on this laptop.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from reviewer_app.domain.review import ReviewState
from reviewer_app.domain.visit_progress import VisitProgress, visit_progress
from reviewer_app.domain.visits import Visit
from reviewer_app.storage.review_repository import ReviewRepository
from reviewer_app.storage.signed_report_repository import SignedReportRepository
from reviewer_app.storage.store import Store


@dataclass(frozen=True, slots=True)
class VisitTrack:
    """A visit's progress and the id of its current review (``None``: not started)."""

    progress: VisitProgress
    review_id: str | None = None
    #: Its report waits for the signature of the person using this laptop now.
    your_turn: bool = False


def track_visits(
    store: Store, visits: Sequence[Visit], *, your_turn: Collection[str] = ()
) -> dict[str, VisitTrack]:
    """Each visit's progress by visit id; ``your_turn``: the visits whose report waits for the
    person's signature (``signing_turns.waiting_for_my_signature``)."""
    with store.reading() as session:
        reviews = ReviewRepository(session)
        current = {}
        for visit in visits:
            live = [
                r for r in reviews.reviews_for_visit(visit.id)
                if r.state is not ReviewState.SUPERSEDED
            ]  # fmt: skip
            current[visit.id] = live[-1] if live else None
        ids = [r.id for r in current.values() if r is not None]
        signatures = SignedReportRepository(session).signature_counts(ids)
    tracks = {}
    for visit in visits:
        review = current[visit.id]
        count = signatures.get(review.id, 0) if review is not None else 0
        tracks[visit.id] = VisitTrack(
            visit_progress(visit, review, signatures=count),
            review.id if review else None,
            your_turn=visit.id in your_turn,
        )
    return tracks
