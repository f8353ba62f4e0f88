"""Trust oversight (issue 17): the trust overview (schools by area, the latest agreed view of
each with its direction) and a review's evidence behind each cell.

Everyone signed in may open these pages; what they show follows
:mod:`reviewer_app.server.trust_picture` (the central team sees every school, others the schools
they are assigned to; safeguarding only for safeguarding roles). A safeguarding role's read of
restricted detail is recorded in the audit log.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from sqlmodel import select
from starlette.responses import Response

from reviewer_app.server import models
from reviewer_app.server.audit import Actor
from reviewer_app.server.console.auth import PageNotFound, console_page
from reviewer_app.server.console.schools import phase_label
from reviewer_app.server.console.web import render
from reviewer_app.server.restricted_reads import record_restricted_read
from reviewer_app.server.trust_picture import (
    OverviewFilters,
    Viewer,
    review_detail,
    trust_overview,
)

router = APIRouter()

ARROWS = {
    "up": ("▲", "up from {previous}"),
    "down": ("▼", "down from {previous}"),
    "same": ("▶", "the same as before"),
    "new": ("", "first agreed view"),
}


def _filters(request: Request) -> OverviewFilters:
    query = request.query_params
    return OverviewFilters(
        phase=query.get("phase", "").strip(),
        local_authority=query.get("la", "").strip(),
        category=query.get("category", "").strip(),
        reviewer=query.get("reviewer", "").strip(),
    )


@router.get("/console/overview")
def overview(request: Request) -> Response:
    with console_page(request, allow=None) as (session, user):
        viewer = Viewer.of(session, user.person)
        filters = _filters(request)
        found = trust_overview(session, viewer, filters)
        return render(
            request,
            "oversight/overview.html",
            {
                "overview": found,
                "filters": filters,
                "filtered": any(
                    (filters.phase, filters.local_authority, filters.category, filters.reviewer)
                ),
                "arrows": ARROWS,
                "phase_label": phase_label,
                "safeguarding": viewer.safeguarding,
            },
            user=user,
        )


@router.get("/console/reviews/{review_id}")
def review(request: Request, review_id: str) -> Response:
    with console_page(request, allow=None) as (session, user):
        viewer = Viewer.of(session, user.person)
        detail = review_detail(session, viewer, review_id)
        if detail is None:
            raise PageNotFound("There is no such review that you may see.")
        if detail.restricted_shown:
            record_restricted_read(
                session,
                Actor.person(user.person, via="console"),
                detail.review,
                detail.restricted_shown,
                "the trust console",
            )
        names = dict(
            session.exec(
                select(models.Person.id, models.Person.name).where(
                    models.Person.trust_id == user.trust.id
                )
            ).all()
        )
        return render(
            request,
            "oversight/review.html",
            {"detail": detail, "names": names, "phase_label": phase_label},
            user=user,
        )
