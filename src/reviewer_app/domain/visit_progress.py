"""Where a visit's work stands, as the visit list shows it.

A visit's own status (``VisitStatus``) records the plan and the end of its life (planned,
cancelled, signed). While the team works, what a person needs to see is the review's state:
in progress once its review is started, ready for sign-off, waiting for signatures once the
first signature is on its report, signed. :func:`visit_progress` puts the two together.
"""

from __future__ import annotations

from enum import StrEnum

from reviewer_app.domain.review import Review, ReviewState
from reviewer_app.domain.visits import Visit, VisitStatus


class VisitProgress(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    READY_FOR_SIGN_OFF = "ready_for_sign_off"
    WAITING_FOR_SIGNATURES = "waiting_for_signatures"
    SIGNED = "signed"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def is_done(self) -> bool:
        """Signed or cancelled: never the school's "next" visit."""
        return self in (VisitProgress.SIGNED, VisitProgress.CANCELLED)


_LABELS = {
    VisitProgress.PLANNED: "Planned",
    VisitProgress.IN_PROGRESS: "In progress",
    VisitProgress.READY_FOR_SIGN_OFF: "Ready for sign-off",
    VisitProgress.WAITING_FOR_SIGNATURES: "Waiting for signatures",
    VisitProgress.SIGNED: "Signed",
    VisitProgress.CANCELLED: "Cancelled",
}

_FROM_STATUS = {
    VisitStatus.PLANNED: VisitProgress.PLANNED,
    VisitStatus.IN_PROGRESS: VisitProgress.IN_PROGRESS,
    VisitStatus.READY_FOR_SIGN_OFF: VisitProgress.READY_FOR_SIGN_OFF,
    VisitStatus.SIGNED: VisitProgress.SIGNED,
    VisitStatus.CANCELLED: VisitProgress.CANCELLED,
}


def visit_progress(visit: Visit, review: Review | None, *, signatures: int = 0) -> VisitProgress:
    """The visit's progress from its current review (``None``: not started) and how many
    signatures its latest signed report carries."""
    if visit.status in (VisitStatus.CANCELLED, VisitStatus.SIGNED):
        return _FROM_STATUS[visit.status]
    if review is None:
        return _FROM_STATUS[visit.status]
    if review.state.is_locked:
        return VisitProgress.SIGNED
    if review.state is ReviewState.READY_FOR_SIGN_OFF:
        if signatures:
            return VisitProgress.WAITING_FOR_SIGNATURES
        return VisitProgress.READY_FOR_SIGN_OFF
    return VisitProgress.IN_PROGRESS
