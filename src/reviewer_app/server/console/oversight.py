"""Trust oversight (issue 17): the trust overview (schools by area, the latest agreed view of
each with its direction), a review's evidence behind each cell, and the actions across the
trust with their follow-up trail, and the signed reports the trust has received.

Everyone signed in may open these pages; what they show follows
:mod:`reviewer_app.server.trust_picture` (the central team sees every school, others the schools
they are assigned to; safeguarding only for safeguarding roles). A safeguarding role's read of
restricted detail is recorded in the audit log.
"""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from sqlmodel import select
from starlette.responses import Response
from starlette.responses import Response as StarletteResponse

from reviewer_app.domain.errors import ReviewerError
from reviewer_app.server import audit, models
from reviewer_app.server.audit import Actor
from reviewer_app.server.console.auth import NotAllowed, PageNotFound, console_page
from reviewer_app.server.console.schools import phase_label
from reviewer_app.server.console.web import render, secure_headers
from reviewer_app.server.long_term_upkeep import waiting_blobs
from reviewer_app.server.report_signers import signers_of
from reviewer_app.server.request_context import context_of
from reviewer_app.server.restricted_reads import record_restricted_read
from reviewer_app.server.trust_picture import (
    ActionFilters,
    OverviewFilters,
    Viewer,
    Visibility,
    action_register,
    agreed_judgements,
    category_history,
    column_views,
    readable_reviews,
    review_detail,
    scale_levels,
    signed_reports,
    trust_overview,
    visible_schools,
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
        # The signed reports behind the review's judgements: those the viewer may download,
        # and why not the others.
        reports = [
            e
            for e in signed_reports(session, viewer, held_back=True)
            if e.review.review_id == review_id
        ]
        return render(
            request,
            "oversight/review.html",
            {"detail": detail, "names": names, "phase_label": phase_label, "reports": reports},
            user=user,
        )


STATUSES = [("open", "Open"), ("overdue", "Overdue"), ("met", "Met"), ("all", "All")]


def _action_filters(request: Request) -> tuple[ActionFilters, str]:
    """The register's filters from the query, and why the due date was set aside (if it was)."""
    from reviewer_app.server.data_export import parse_day

    query = request.query_params
    status = query.get("status", "open")
    due_error = ""
    try:
        due_before = parse_day(query.get("due_before"), "due by")
    except ReviewerError as exc:
        due_before, due_error = None, exc.message
    filters = ActionFilters(
        school=query.get("school", "").strip(),
        owner=query.get("owner", "").strip(),
        theme=query.get("theme", "").strip(),
        status=status if status in dict(STATUSES) else "open",
        due_before=due_before,
    )
    return filters, due_error


@router.get("/console/actions")
def actions(request: Request) -> Response:
    with console_page(request, allow=None) as (session, user):
        viewer = Viewer.of(session, user.person)
        filters, due_error = _action_filters(request)
        today = date.today()
        register = action_register(session, viewer, filters, today)
        return render(
            request,
            "oversight/actions.html",
            {
                "register": register,
                "filters": filters,
                "due_error": due_error,
                "statuses": STATUSES,
                "today": today,
                "safeguarding": viewer.safeguarding,
            },
            user=user,
        )


@router.get("/console/reports")
def reports(request: Request) -> Response:
    with console_page(request, allow=None) as (session, user):
        viewer = Viewer.of(session, user.person)
        blobs = context_of(request).blobs
        entries = signed_reports(session, viewer, held_back=True)
        return render(
            request,
            "oversight/reports.html",
            {
                "reports": [(e, signers_of(e.sha256, blobs.read(e.sha256))) for e in entries],
                "safeguarding": viewer.safeguarding,
                # Fully signed, but the server could not add its long-term version yet.
                "waiting": waiting_blobs(session),
                # The demo server signs its reports after it starts: say so while it does.
                "demo_signing": request.app.state.console.demo_signing,
            },
            user=user,
        )


@router.get("/console/reports/{review_id}/{report_id}")
def report_file(request: Request, review_id: str, report_id: str) -> Response:
    """The signed PDF itself, for those who may see it (a download is audited like a read)."""
    with console_page(request, allow=None) as (session, user):
        viewer = Viewer.of(session, user.person)
        entry = next(
            (
                e
                for e in signed_reports(session, viewer, held_back=True)
                if e.review.review_id == review_id and e.record_id == report_id
            ),
            None,
        )
        if entry is not None and entry.withheld:
            raise NotAllowed(entry.withheld)
        data = context_of(request).blobs.read(entry.sha256) if entry else None
        if entry is None or data is None:
            raise PageNotFound("There is no such signed report that you may see.")
        review_row = session.get(models.Review, review_id)
        assert review_row is not None
        audit.record(
            session,
            Actor.person(user.person, via="console"),
            "report.download",
            f"{user.person.name} downloaded the signed {entry.framework_title} report of "
            f"{entry.school.name} ({entry.review.visit_end:%-d %b %Y})",
            trust_id=user.trust.id,
            subject_id=review_id,
        )
        name = f"{entry.school.name} {entry.framework_title} {entry.review.visit_end}.pdf"
        safe = "".join(c if c.isalnum() or c in " -." else "-" for c in name)
        return secure_headers(
            StarletteResponse(
                data,
                media_type="application/pdf",
                headers={"Content-Disposition": f'attachment; filename="{safe}"'},
            )
        )


@router.get("/console/journey/{school_id}")
def journey(request: Request, school_id: str) -> Response:
    """A school's journey: its reviews, each area's agreed views over time on one scale, and
    its categories as steps with the reasons recorded at each change."""
    from reviewer_app.server.console.charts import level_chart, step_chart
    from reviewer_app.server.framework_library import built_in_library

    with console_page(request, allow=None) as (session, user):
        viewer = Viewer.of(session, user.person)
        school = next((s for s in visible_schools(session, viewer) if s.id == school_id), None)
        if school is None:
            raise PageNotFound("There is no such school that you may see.")
        visibility = Visibility(session, viewer)
        reviews = readable_reviews(session, visibility, [school.id])
        judgements = agreed_judgements(session, visibility, reviews)
        categories = category_history(session, [school.id]).get(school.id, [])
        days = [r.visit_end for r in reviews] + [c.agreed_on for c in categories]
        today = date.today()
        first, last = (min(days), max(max(days), today)) if days else (today, today)
        charts = []
        for column in viewer.columns():
            cells = column_views(column, judgements, visibility.titles).get(school.id, [])
            levels = sorted(
                (lv for lv in scale_levels(column.scale_id).values() if lv.rank is not None),
                key=lambda lv: lv.rank or 0,
            )
            points = [(c.day, c.level.rank or 0, c.level.label, c.level.tone) for c in cells]
            charts.append(
                (column, cells, level_chart([lv.label for lv in levels], points, first, last,
                                            column.label))
            )  # fmt: skip
        category_chart = None
        if categories:
            try:
                scheme = built_in_library().scheme(categories[-1].scheme_id)
                order = [lv.key for lv in reversed(scheme.levels)]
                labels = [lv.label for lv in reversed(scheme.levels)]
            except ReviewerError:
                order, labels = [], []
            steps = [
                (c.agreed_on, order.index(c.level_key), c.label)
                for c in categories
                if c.level_key in order
            ]
            if steps:
                category_chart = step_chart(labels, steps, first, last, "Category")
        return render(
            request,
            "oversight/journey.html",
            {
                "school": school,
                "reviews": list(reversed(reviews)),
                "titles": visibility.titles,
                "charts": charts,
                "categories": list(reversed(categories)),
                "category_chart": category_chart,
                "phase_label": phase_label,
                "safeguarding": viewer.safeguarding,
            },
            user=user,
        )
