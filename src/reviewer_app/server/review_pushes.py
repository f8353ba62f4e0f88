"""A review's pushed operations, received: the one road every change to a review takes on the
server, from a laptop's ``POST /reviews/{id}/push`` and from the demo's signers
(:mod:`.demo_reports`) alike. The caller's access is checked, a review a laptop started offline
is created by its first operation, and :func:`~reviewer_app.server.operations.apply_push`
applies the batch with the server's checks (signed reports verified against the trust CA).
"""

from __future__ import annotations

import logging
from typing import Any

from sqlmodel import Session

from reviewer_app.domain.record_kinds import Entity, OpKind
from reviewer_app.server import models
from reviewer_app.server.access import ReviewAccess, review_access, visit_access
from reviewer_app.server.enrolment import Caller, check_versions
from reviewer_app.server.http_errors import ApiError
from reviewer_app.server.operations import apply_push, lock_review, lock_visit
from reviewer_app.server.request_context import ServerContext
from reviewer_app.sync.protocol import CreateReviewRequest, Operation, PushRequest, PushResponse

log = logging.getLogger(__name__)

NOT_FOUND = "There is no review {id} that this laptop may see."


def receive_push(
    session: Session,
    context: ServerContext,
    caller: Caller,
    review_id: str,
    body: PushRequest,
    encoded: dict[int, tuple[Any, bytes]] | None = None,
) -> PushResponse:
    """Apply a batch of ``caller``'s operations to the review in the caller's transaction
    (:class:`ApiError` when the review is not theirs to change)."""
    check_versions(body.protocol_version, 1)
    review = lock_review(session, review_id)
    first = body.operations[0]
    if review is None and first.kind is OpKind.APPEND and first.entity is Entity.REVIEW:
        # The laptop started this review offline: its first operation creates it here.
        start_review(session, caller, review_id, _start_request(first))
        review = lock_review(session, review_id)
    access = review_access(session, caller.person, review) if review else ReviewAccess.none()
    if review is None or not access.may_read:
        raise ApiError(404, "not_found", NOT_FOUND.format(id=review_id))
    if not access.may_write:
        raise ApiError(403, "forbidden", "Only the visit's team may change this review.")
    return apply_push(
        session,
        review,
        caller,
        access,
        body,
        blob_reader=context.blobs.read,
        verify_report=context.verify_report,
        encoded_payloads=encoded,
        long_term=context.long_term,
        review_file_limit=context.limits.review_file_bytes,
    )


def _start_request(op: Operation) -> CreateReviewRequest:
    """What an ``append`` of the review says about the review it starts."""
    payload = op.payload if isinstance(op.payload, dict) else {}
    started = payload.get("review")
    started = started if isinstance(started, dict) else {}
    try:
        return CreateReviewRequest(
            visit_id=str(started.get("visit_id", "")),
            framework_id=str(started.get("framework_id", "")),
            framework_version=str(started.get("framework_version", ""))[:200],
            framework_hash=str(started.get("framework_hash", ""))[:200],
        )
    except ValueError as exc:
        raise ApiError(
            422, "invalid_request", "The operation starting this review does not name its visit."
        ) from exc


def start_review(
    session: Session, caller: Caller, review_id: str, request: CreateReviewRequest
) -> tuple[models.Review, ReviewAccess, bool]:
    """Create the review of a visit (team members only); ``created`` is False when it existed."""
    visit = lock_visit(session, request.visit_id)
    access = visit_access(session, caller.person, visit) if visit else ReviewAccess.none()
    if visit is None or not access.may_read:
        raise ApiError(404, "not_found", f"There is no visit {request.visit_id} for you.")
    if not access.may_write:
        raise ApiError(403, "forbidden", "Only the visit's team may start its review.")
    if request.framework_id != visit.framework_id:
        raise ApiError(
            422,
            "invalid_request",
            f"Visit {visit.id} uses framework {visit.framework_id}, not {request.framework_id}.",
        )
    review = session.get(models.Review, review_id)
    if review is not None:
        if review.visit_id != visit.id:
            raise ApiError(409, "conflict", f"Review {review_id} belongs to another visit.")
        return review, access, False
    review = models.Review(
        id=review_id,
        visit_id=visit.id,
        framework_id=visit.framework_id,
        framework_version=request.framework_version,
        framework_hash=request.framework_hash,
        created_by=caller.person.id,
    )
    session.add(review)
    session.flush()
    log.info("Review %s of visit %s started by person %s", review_id, visit.id, caller.person.id)
    return review, access, True
