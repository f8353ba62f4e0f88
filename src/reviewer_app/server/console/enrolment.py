"""Enrolment: issuing a laptop's one-time code (as text, as a link, as a QR code), the codes
issued and withdrawing an unused one; and the page an enrolment link opens in a browser.

The enrol link is ``<server>/console/enrol-laptop#code=<CODE>``: the code rides in the
fragment, which browsers never send to a server, so no access log ever holds it. The desktop
app's Connect dialog takes the whole link pasted into it.
"""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request
from sqlmodel import Session, col, select
from starlette.responses import Response

from reviewer_app.domain.errors import ReviewerError
from reviewer_app.server import models
from reviewer_app.server.console.auth import (
    ConsoleUser,
    FormDep,
    console_action,
    console_page,
    owned,
    text,
)
from reviewer_app.server.console.qr import qr_data_uri
from reviewer_app.server.console.web import redirect, render
from reviewer_app.server.enrolment import code_state, codes_of_trust, issue_code, revoke_code
from reviewer_app.sync.enrol_link import ENROL_PATH, enrol_link

router = APIRouter()

#: How long a code may be valid, as offered in the form (hours, label).
LIFETIMES = [("24", "1 day"), ("72", "3 days"), ("168", "1 week")]


def _page(
    request: Request, session: Session, user: ConsoleUser, *, error: str = "", person: str = ""
) -> Response:
    people = session.exec(
        select(models.Person)
        .where(models.Person.trust_id == user.trust.id, col(models.Person.active))
        .order_by(col(models.Person.name))
    ).all()
    codes = [(c, name, code_state(c)) for c, name in codes_of_trust(session, user.trust.id)]
    return render(
        request,
        "enrolment/list.html",
        {
            "people": [(p.id, p.name) for p in people],
            "person": person,
            "codes": codes[:200],
            "lifetimes": LIFETIMES,
            "error": error,
        },
        user=user,
        status=400 if error else 200,
    )


@router.get("/console/enrolment")
def enrolment_page(request: Request) -> Response:
    with console_page(request) as (session, user):
        person = request.query_params.get("person", "")
        if person:
            owned(session, models.Person, person, user)
        return _page(request, session, user, person=person)


@router.post("/console/enrolment")
def issue(request: Request, form: FormDep) -> Response:
    with console_action(request, form) as (session, user):
        person_id = text(form, "person_id")
        if not person_id:
            return _page(request, session, user, error="Choose who the code is for.")
        person = owned(session, models.Person, person_id, user)
        hours = text(form, "hours")
        hours = hours if hours in dict(LIFETIMES) else "72"
        try:
            code = issue_code(
                session, person.id, lifetime=timedelta(hours=int(hours)), actor=user.actor
            )
        except (LookupError, ReviewerError) as exc:
            message = str(exc.args[0]) if isinstance(exc, LookupError) else str(exc)
            return _page(request, session, user, error=message, person=person_id)
        server = request.app.state.console.public_url or str(request.base_url).rstrip("/")
        link = enrol_link(server, code)
        return render(
            request,
            "enrolment/issued.html",
            {
                "person": person,
                "code": code,
                "link": link,
                "server": server,
                "qr": qr_data_uri(link),
                "lifetime": dict(LIFETIMES)[hours],
            },
            user=user,
        )


@router.post("/console/enrolment/revoke")
def revoke(request: Request, form: FormDep) -> Response:
    with console_action(request, form) as (session, user):
        code = session.get(models.EnrolmentCode, text(form, "code"))
        if code is None:
            return _page(request, session, user, error="There is no such code.")
        owned(session, models.Person, code.person_id, user)
        try:
            person = revoke_code(session, code.code_sha256, actor=user.actor)
        except ReviewerError as exc:
            return _page(request, session, user, error=str(exc))
        return redirect(
            "/console/enrolment",
            user=user,
            flash=f"The unused code of {person.name} is withdrawn; it can no longer enrol a "
            "laptop.",
        )


@router.get(ENROL_PATH)
def enrol_help(request: Request) -> Response:
    """Where an enrolment link or QR code lands in a browser: how to use it on the laptop."""
    return render(
        request, "enrolment/enrol_laptop.html", {"server": str(request.base_url).rstrip("/")}
    )
