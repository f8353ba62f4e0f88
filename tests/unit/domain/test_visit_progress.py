"""How far a visit's work has got, from its status and its current review."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from reviewer_app.domain.organisation import Role
from reviewer_app.domain.review import Review, ReviewState
from reviewer_app.domain.visit_progress import VisitProgress, visit_progress
from reviewer_app.domain.visits import Visit, VisitReviewer, VisitStatus

DAY = date(2026, 12, 10)
VISIT = Visit(
    id="v1", school_id="s", framework_id="f", planned_start=DAY, planned_end=DAY,
    reviewers=(VisitReviewer(person_id="lee", role=Role.LEAD_REVIEWER),),
)  # fmt: skip
REVIEW = Review(id="r", visit_id="v1", framework_id="f", framework_version="1", framework_hash="h")


def test_a_visit_is_in_progress_once_its_review_starts_and_moves_with_it() -> None:
    assert visit_progress(VISIT, None) is VisitProgress.PLANNED
    assert visit_progress(VISIT, REVIEW) is VisitProgress.IN_PROGRESS
    ready = replace(REVIEW, state=ReviewState.READY_FOR_SIGN_OFF)
    assert visit_progress(VISIT, ready) is VisitProgress.READY_FOR_SIGN_OFF
    assert visit_progress(VISIT, ready, signatures=1).label == "Waiting for signatures"
    assert visit_progress(VISIT, replace(REVIEW, state=ReviewState.SIGNED)).is_done


def test_a_cancelled_or_signed_visit_says_so_whatever_its_review() -> None:
    ready = replace(REVIEW, state=ReviewState.READY_FOR_SIGN_OFF)
    cancelled = replace(VISIT, status=VisitStatus.CANCELLED)
    assert visit_progress(cancelled, ready) is VisitProgress.CANCELLED
    assert visit_progress(replace(VISIT, status=VisitStatus.SIGNED), None) is VisitProgress.SIGNED
