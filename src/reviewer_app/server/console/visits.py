"""Visits: the year by half term, planning a visit (with its warnings) and one visit's page.
(The frameworks visits follow are in :mod:`.frameworks`.)"""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from sqlmodel import Session, col, select
from starlette.datastructures import FormData
from starlette.responses import Response

from reviewer_app.domain.errors import ReviewerError
from reviewer_app.domain.organisation import Role
from reviewer_app.domain.school_terms import school_year_of
from reviewer_app.server import administration as adm
from reviewer_app.server import models
from reviewer_app.server.console.auth import (
    ConsoleUser,
    FormDep,
    console_action,
    console_page,
    owned,
    text,
)
from reviewer_app.server.console.schools import trust_people, trust_schools
from reviewer_app.server.console.web import redirect, render
from reviewer_app.server.visit_scheduling import (
    calendar,
    check_plan,
    framework_title,
    plan_visit,
)

router = APIRouter()


@router.get("/console/visits")
def visit_calendar(request: Request) -> Response:
    with console_page(request) as (session, user):
        try:
            start_year = int(request.query_params.get("year", ""))
        except ValueError:
            start_year = school_year_of(date.today()).start_year
        start_year = min(max(start_year, 2000), 2100)
        school_id = request.query_params.get("school") or None
        if school_id:
            owned(session, models.School, school_id, user)
        year, sections = calendar(session, user.trust.id, start_year, school_id=school_id)
        return render(
            request,
            "visits/calendar.html",
            {
                "year": year,
                "sections": sections,
                "schools": trust_schools(session, user),
                "school_id": school_id or "",
                "today": date.today(),
                "total": sum(len(s.entries) for s in sections),
            },
            user=user,
        )


def _frameworks(session: Session) -> list[models.Framework]:
    return list(session.exec(select(models.Framework).order_by(col(models.Framework.title))).all())


def _parse_day(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


class _Plan:
    """The plan form's values, read and checked."""

    def __init__(self, session: Session, user: ConsoleUser, form: FormData | None) -> None:
        self.values = {
            name: text(form, name) if form else ""
            for name in ("school", "framework", "start", "end", "lead")
        }
        self.members = [str(m) for m in form.getlist("members")] if form else []
        self.assign = bool(form and form.get("assign"))
        self.errors: dict[str, str] = {}
        self.school: models.School | None = None
        if self.values["school"]:
            self.school = owned(session, models.School, self.values["school"], user)
        for person_id in [self.values["lead"], *self.members]:
            if person_id:
                owned(session, models.Person, person_id, user)
        self.start = _parse_day(self.values["start"])
        self.end = _parse_day(self.values["end"]) or self.start

    def validate(self, session: Session) -> bool:
        if self.school is None:
            self.errors["school"] = "Choose the school."
        if (
            not self.values["framework"]
            or session.get(models.Framework, self.values["framework"]) is None
        ):
            self.errors["framework"] = "Choose the framework the visit follows."
        if self.start is None:
            self.errors["start"] = "Enter the first day of the visit, like 2026-03-02."
        if self.values["end"] and _parse_day(self.values["end"]) is None:
            self.errors["end"] = "Enter the last day as a date, like 2026-03-03."
        elif self.start and self.end and self.end < self.start:
            self.errors["end"] = "The last day must be on or after the first day."
        if not self.values["lead"]:
            self.errors["lead"] = "Choose who leads the visit."
        return not self.errors

    @property
    def team(self) -> list[str]:
        return [p for p in [self.values["lead"], *self.members] if p]


def _plan_form(
    request: Request,
    session: Session,
    user: ConsoleUser,
    plan: _Plan,
    *,
    warnings: object = None,
    error: str = "",
    status: int = 200,
) -> Response:
    people = trust_people(session, user)
    return render(
        request,
        "visits/plan.html",
        {
            "plan": plan,
            "schools": [(s.id, s.name) for s in trust_schools(session, user)],
            "frameworks": [
                (f.id, (f.title or f.id) + (" (safeguarding roles only)" if f.safeguarding else ""))
                for f in _frameworks(session)
            ],
            "people": [(p.id, p.name) for p in people],
            "warnings": warnings,
            "error": error,
        },
        user=user,
        status=status,
    )


@router.get("/console/visits/new")
def new_visit(request: Request) -> Response:
    with console_page(request) as (session, user):
        plan = _Plan(session, user, None)
        school_id = request.query_params.get("school", "")
        if school_id:
            plan.school = owned(session, models.School, school_id, user)
            plan.values["school"] = school_id
        return _plan_form(request, session, user, plan)


@router.post("/console/visits/check")
def check_visit(request: Request, form: FormDep) -> Response:
    """The warnings for the plan as it stands (the form asks as its fields change)."""
    with console_action(request, form) as (session, user):
        plan = _Plan(session, user, form)
        warnings = None
        if (
            plan.school is not None
            and plan.start is not None
            and plan.end is not None
            and plan.end >= plan.start
        ):
            warnings = check_plan(session, plan.school, plan.start, plan.end, plan.team)
        return render(
            request,
            "visits/warnings.html",
            {"warnings": warnings, "plan": plan},
            user=user,
        )


@router.post("/console/visits/new")
def plan_post(request: Request, form: FormDep) -> Response:
    with console_action(request, form) as (session, user):
        plan = _Plan(session, user, form)
        if not plan.validate(session):
            return _plan_form(request, session, user, plan, status=400)
        assert plan.school is not None
        assert plan.start is not None
        assert plan.end is not None
        warnings = check_plan(session, plan.school, plan.start, plan.end, plan.team)
        if warnings and not form.get("confirmed"):
            plan.assign = True  # offered, ticked: the admin may untick it
            return _plan_form(request, session, user, plan, warnings=warnings)
        try:
            visit = plan_visit(
                session,
                plan.school,
                plan.values["framework"],
                start=plan.start,
                end=plan.end,
                lead_id=plan.values["lead"],
                members=plan.members,
                assign_unassigned=plan.assign,
                actor=user.actor,
            )
        except ReviewerError as exc:
            session.rollback()
            plan = _Plan(session, user, form)
            return _plan_form(request, session, user, plan, error=str(exc), status=400)
        school_name = plan.school.name if plan.school else "the school"
        return redirect(
            f"/console/visits/{visit.id}",
            user=user,
            flash=f"The visit to {school_name} is planned. Team members' laptops receive it "
            "at their next sync.",
        )


@router.get("/console/visits/{visit_id}")
def visit_page(request: Request, visit_id: str) -> Response:
    with console_page(request) as (session, user):
        visit = owned(session, models.Visit, visit_id, user)
        school = session.get(models.School, visit.school_id)
        assert school is not None
        team_rows = session.exec(
            select(models.VisitReviewer, models.Person)
            .join(models.Person, col(models.Person.id) == col(models.VisitReviewer.person_id))
            .where(models.VisitReviewer.visit_id == visit.id)
            .order_by(col(models.VisitReviewer.role) != Role.LEAD_REVIEWER.value)
        ).all()
        reviews = session.exec(
            select(models.Review).where(models.Review.visit_id == visit.id)
        ).all()
        warnings = check_plan(
            session,
            school,
            visit.planned_start,
            visit.planned_end,
            [p.id for _m, p in team_rows],
            exclude_visit=visit.id,
        )
        return render(
            request,
            "visits/detail.html",
            {
                "visit": visit,
                "school": school,
                "framework": framework_title(session, visit.framework_id),
                "team": [
                    (p, Role(m.role).label if m.role in Role._value2member_map_ else m.role)
                    for m, p in team_rows
                ],
                "reviews": reviews,
                "warnings": warnings,
                "half_term": school_year_of(visit.planned_start).half_term_of(visit.planned_start),
            },
            user=user,
        )


@router.post("/console/visits/{visit_id}/review")
def start_review(request: Request, visit_id: str, form: FormDep) -> Response:
    with console_action(request, form) as (session, user):
        visit = owned(session, models.Visit, visit_id, user)
        if session.exec(select(models.Review).where(models.Review.visit_id == visit.id)).first():
            return redirect(f"/console/visits/{visit.id}", user=user, flash="Its review exists.")
        adm.create_review(session, visit.id, actor=user.actor)
        return redirect(
            f"/console/visits/{visit.id}",
            user=user,
            flash="The review is started; the team's laptops receive it at their next sync.",
        )
