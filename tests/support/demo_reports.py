"""Signed reports of the demo trust for tests that need a few: St Aidan's signed learning walk,
safeguarding audits and two-day peer review, signed as the app signs them when first opened
(:func:`reviewer_app.demo.reports.sign_demo_review`); signing all seventy takes a minute."""

from __future__ import annotations

from reviewer_app.demo.reports import sign_demo_review
from reviewer_app.domain.review import ReviewState
from reviewer_app.services.workspace import Workspace

FEATURED_FRAMEWORKS = ("learning-walk", "safeguarding-audit", "two-day-peer-review")


def sign_featured_demo_reports(workspace: Workspace) -> int:
    """Sign St Aidan's featured signed reviews' reports; returns the signed versions made."""
    school = next(s for s in workspace.list_schools() if s.name.startswith("St Aidan"))
    made = 0
    for visit in workspace.visits_for_school(school.id):
        review = workspace.reviews.review_for_visit(visit.id)
        signed = review is not None and review.state is ReviewState.SIGNED
        if signed and visit.framework_id in FEATURED_FRAMEWORKS:
            assert review is not None
            made += sign_demo_review(workspace, review.id)
    return made
