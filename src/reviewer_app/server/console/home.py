"""The console's home page (what needs doing, what is next) and the person's own account."""

from __future__ import annotations

from datetime import date, timedelta

from fastapi import APIRouter, Request
from sqlmodel import Session, col, func, select
from starlette.responses import Response

from reviewer_app.domain.errors import ReviewerError
from reviewer_app.domain.organisation import Role
from reviewer_app.server import models
from reviewer_app.server.console.auth import (
    ConsoleUser,
    FormDep,
    console_action,
    console_page,
    text,
)
from reviewer_app.server.console.web import redirect, render
from reviewer_app.server.staff_accounts import needs_second_factor, recovery_codes_left
from reviewer_app.server.trust_settings import rename_trust

router = APIRouter()


def _count(session: Session, statement: object) -> int:
    return int(session.exec(statement).one())  # type: ignore[call-overload]


def _summary(session: Session, user: ConsoleUser) -> dict[str, object]:
    trust_id = user.trust.id
    today = date.today()
    schools = _count(
        session,
        select(func.count()).select_from(models.School).where(models.School.trust_id == trust_id),
    )
    people = _count(
        session,
        select(func.count())
        .select_from(models.Person)
        .where(models.Person.trust_id == trust_id, col(models.Person.active)),
    )
    upcoming = session.exec(
        select(models.Visit, models.School)
        .join(models.School, col(models.School.id) == col(models.Visit.school_id))
        .where(
            models.School.trust_id == trust_id,
            col(models.Visit.planned_end) >= today,
            col(models.Visit.planned_start) <= today + timedelta(days=42),
        )
        .order_by(col(models.Visit.planned_start))
        .limit(8)
    ).all()
    devices = _count(
        session,
        select(func.count())
        .select_from(models.Device)
        .join(models.Person, col(models.Person.id) == col(models.Device.person_id))
        .where(models.Person.trust_id == trust_id, col(models.Device.revoked_at).is_(None)),
    )
    unassigned = _count(
        session,
        select(func.count())
        .select_from(models.Person)
        .where(
            models.Person.trust_id == trust_id,
            col(models.Person.active),
            ~col(models.Person.id).in_(select(models.Assignment.person_id)),
            # Someone who only administers needs no school.
            col(models.Person.id).in_(
                select(models.PersonRole.person_id).where(
                    models.PersonRole.role != Role.TRUST_ADMIN.value
                )
            ),
        ),
    )
    return {
        "schools": schools,
        "people": people,
        "devices": devices,
        "unassigned": unassigned,
        "upcoming": [
            {
                "visit": visit,
                "school": school,
                "framework": session.get(models.Framework, visit.framework_id),
            }
            for visit, school in upcoming
        ],
    }


@router.get("/console")
@router.get("/console/")
def home(request: Request) -> Response:
    with console_page(request, allow=None) as (session, user):
        context = _summary(session, user) if user.is_admin else {}
        return render(request, "home.html", context, user=user)


@router.post("/console/trust")
def rename(request: Request, form: FormDep) -> Response:
    with console_action(request, form) as (session, user):
        try:
            rename_trust(session, user.trust.id, text(form, "name"), actor=user.actor)
        except ReviewerError as exc:
            return render(
                request,
                "home.html",
                {**_summary(session, user), "trust_error": str(exc)},
                user=user,
                status=400,
            )
        return redirect("/console", user=user, flash="The trust's name is changed.")


@router.get("/console/account")
def account(request: Request) -> Response:
    with console_page(request, allow=None) as (session, user):
        schools = session.exec(
            select(models.School)
            .join(models.Assignment, col(models.Assignment.school_id) == col(models.School.id))
            .where(models.Assignment.person_id == user.person.id)
            .order_by(col(models.School.name))
        ).all()
        return render(
            request,
            "account.html",
            {
                "schools": schools,
                "second_factor_required": needs_second_factor(user.roles),
                "has_factor": user.person.totp_secret is not None,
                "recovery_left": recovery_codes_left(session, user.person.id),
            },
            user=user,
        )
