"""Retention: the trust's periods (with their sources), what is due for deletion today and
why, legal holds, and the record of past purges. Trust admins set periods and holds here; the
purge itself runs on the server (``reviewer-app-server admin retention apply``), where the
tombstone signing key lives."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from sqlmodel import Session, col, select
from starlette.responses import Response

from reviewer_app.domain.errors import ReviewerError, ValidationError
from reviewer_app.server import models
from reviewer_app.server import retention as schedule
from reviewer_app.server import retention_purge as purge
from reviewer_app.server.console.auth import (
    ConsoleUser,
    FormDep,
    console_action,
    console_page,
    text,
)
from reviewer_app.server.console.web import redirect, render

router = APIRouter()
PAGE = "/console/retention"


def _page(
    request: Request, session: Session, user: ConsoleUser, *, error: str = "", status: int = 200
) -> Response:
    trust_id = user.trust.id
    return render(
        request,
        "retention/page.html",
        {
            "rules": schedule.rules(session, trust_id),
            "plan": schedule.plan(session, trust_id),
            "holds": [
                (h, schedule.hold_text(session, h)) for h in schedule.holds(session, trust_id)
            ],
            "targets": _hold_targets(session, trust_id),
            "purges": list(reversed(purge.tombstones(session, trust_id)))[:50],
            "error": error,
        },
        user=user,
        status=status,
    )


def _hold_targets(session: Session, trust_id: str) -> list[tuple[str, str]]:
    """What a hold may be placed on, in words: each school, then each visit's review."""
    schools = session.exec(
        select(models.School)
        .where(models.School.trust_id == trust_id)
        .order_by(col(models.School.name))
    ).all()
    targets = [(f"school:{s.id}", f"{s.name} (every review)") for s in schools]
    rows = session.exec(
        select(models.Review, models.Visit, models.School, models.Framework)
        .join(models.Visit, col(models.Visit.id) == col(models.Review.visit_id))
        .join(models.School, col(models.School.id) == col(models.Visit.school_id))
        .join(models.Framework, col(models.Framework.id) == col(models.Review.framework_id))
        .where(models.School.trust_id == trust_id)
        .order_by(col(models.School.name), col(models.Visit.planned_end).desc())
    ).all()
    targets += [
        (
            f"review:{review.id}",
            f"{school.name}: {framework.title or framework.id} visit of "
            f"{visit.planned_end:%d %B %Y}",
        )
        for review, visit, school, framework in rows
    ]
    return targets


@router.get(PAGE)
def retention_page(request: Request) -> Response:
    with console_page(request) as (session, user):
        return _page(request, session, user)


@router.post(PAGE + "/periods")
def set_period(request: Request, form: FormDep) -> Response:
    """Set one period (an empty box, or "Use the default", puts the default back)."""
    with console_action(request, form) as (session, user):
        scope = text(form, "scope")
        value = text(form, "period")
        try:
            if form.get("default") == "yes" or not value:
                period: int | None = None
            elif value.isdigit():
                period = int(value)
            else:
                raise ValidationError(
                    f"'{value}' is not a whole number, so the period was not changed.",
                    hint="Give a number such as 6.",
                )
            rule = schedule.set_rule(session, user.trust.id, scope, period, actor=user.actor)
        except ReviewerError as exc:
            session.rollback()
            return _page(request, session, user, error=str(exc), status=400)
        return redirect(PAGE, user=user, flash=f"{rule.text}.")


@router.post(PAGE + "/holds")
def place_hold(request: Request, form: FormDep) -> Response:
    with console_action(request, form) as (session, user):
        kind, _, target = text(form, "target").partition(":")
        where: dict[str, Any] = {"school_id": target} if kind == "school" else {"review_id": target}
        try:
            if kind not in ("school", "review") or not target:
                raise ValidationError("Choose the school or review to hold.")
            hold = schedule.place_hold(
                session, user.trust.id, reason=text(form, "reason"), actor=user.actor, **where
            )
        except ReviewerError as exc:
            session.rollback()
            return _page(request, session, user, error=str(exc), status=400)
        return redirect(
            PAGE,
            user=user,
            flash=f"Legal hold placed: {schedule.hold_text(session, hold)}. Nothing it covers "
            "is deleted until it is lifted.",
        )


@router.post(PAGE + "/holds/{hold_id}/lift")
def lift_hold(request: Request, hold_id: str, form: FormDep) -> Response:
    with console_action(request, form) as (session, user):
        hold = session.get(models.LegalHold, hold_id)
        if hold is None or hold.trust_id != user.trust.id:
            return _page(
                request, session, user, error="That legal hold is not in force.", status=404
            )
        try:
            schedule.lift_hold(session, hold_id, actor=user.actor)
        except ReviewerError as exc:
            session.rollback()
            return _page(request, session, user, error=str(exc), status=400)
        return redirect(
            PAGE, user=user, flash=f"Legal hold lifted: {schedule.hold_text(session, hold)}."
        )
