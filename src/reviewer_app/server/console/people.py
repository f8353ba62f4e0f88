"""People: the list, adding, editing, importing, roles, schools, console access, leavers.

A person here is the same record a laptop syncs as: their roles and schools decide what their
laptops receive and what they may do in the console.
"""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Request
from sqlmodel import Session, col, select
from starlette.responses import Response

from reviewer_app.domain.errors import ReviewerError, ValidationError
from reviewer_app.domain.organisation import Role
from reviewer_app.server import administration as adm
from reviewer_app.server import models
from reviewer_app.server.access import roles_of
from reviewer_app.server.console.auth import (
    ConsoleUser,
    FormDep,
    console_action,
    console_page,
    owned,
    text,
)
from reviewer_app.server.console.schools import trust_schools, uploaded
from reviewer_app.server.console.web import redirect, render
from reviewer_app.server.console_users import link_url
from reviewer_app.server.enrolment import code_state
from reviewer_app.server.people_import import import_people
from reviewer_app.server.staff_accounts import (
    LINK_LIFETIME,
    is_locked,
    issue_link,
    needs_second_factor,
    remove_factor,
)

router = APIRouter()

ROLES = [(r.value, r.label) for r in Role]


def console_access(person: models.Person, roles: frozenset[Role]) -> tuple[str, str]:
    """(label, tag colour) of someone's console sign-in."""
    if not person.active:
        return "Left", "grey"
    if person.password_hash is None:
        return "No access", "grey"
    if is_locked(person, datetime.now(UTC)):
        return "Locked", "red"
    if needs_second_factor(roles) and person.totp_secret is None:
        return "Authenticator to set up", "yellow"
    return "Can sign in", "green"


@router.get("/console/people")
def people_list(request: Request) -> Response:
    with console_page(request) as (session, user):
        show = request.query_params.get("filter", "")
        people = session.exec(
            select(models.Person)
            .where(models.Person.trust_id == user.trust.id)
            .order_by(col(models.Person.active).desc(), col(models.Person.name))
        ).all()
        rows = []
        for person in people:
            roles = roles_of(session, person.id)
            schools = session.exec(
                select(models.Assignment).where(models.Assignment.person_id == person.id)
            ).all()
            if show == "unassigned" and (schools or not person.active):
                continue
            if show == "left" and person.active:
                continue
            devices = session.exec(
                select(models.Device).where(
                    models.Device.person_id == person.id, col(models.Device.revoked_at).is_(None)
                )
            ).all()
            rows.append(
                {
                    "person": person,
                    "roles": sorted(roles),
                    "schools": len(schools),
                    "devices": len(devices) if person.active else 0,
                    "access": console_access(person, roles),
                }
            )
        return render(request, "people/list.html", {"rows": rows, "show": show}, user=user)


def _person_form(
    request: Request,
    session: Session,
    user: ConsoleUser,
    *,
    person: models.Person | None,
    values: dict[str, object],
    error: str = "",
) -> Response:
    return render(
        request,
        "people/form.html",
        {
            "person": person,
            "values": values,
            "error": error,
            "roles": ROLES,
            "schools": [(s.id, s.name) for s in trust_schools(session, user)],
        },
        user=user,
        status=400 if error else 200,
    )


@router.get("/console/people/new")
def new_person(request: Request) -> Response:
    with console_page(request) as (session, user):
        return _person_form(
            request, session, user, person=None, values={"roles": [], "schools": []}
        )


@router.post("/console/people/new")
def add_person(request: Request, form: FormDep) -> Response:
    with console_action(request, form) as (session, user):
        values: dict[str, object] = {
            "name": text(form, "name"),
            "email": text(form, "email"),
            "roles": [str(r) for r in form.getlist("roles")],
            "schools": [str(s) for s in form.getlist("schools")],
        }
        try:
            person = adm.create_person(
                session,
                user.trust.id,
                name=str(values["name"]),
                email=str(values["email"]),
                roles=values["roles"],  # type: ignore[arg-type]
                actor=user.actor,
            )
            session.flush()
            for school_id in values["schools"]:  # type: ignore[attr-defined]
                school = owned(session, models.School, school_id, user)
                adm.assign(session, person.id, school.id, actor=user.actor)
        except ReviewerError as exc:
            session.rollback()
            return _person_form(request, session, user, person=None, values=values, error=str(exc))
        return redirect(f"/console/people/{person.id}", user=user, flash=f"{person.name} is added.")


@router.get("/console/people/import")
def import_page(request: Request) -> Response:
    with console_page(request) as (_session, user):
        return render(request, "people/import.html", {}, user=user)


@router.post("/console/people/import")
def import_post(request: Request, form: FormDep) -> Response:
    with console_action(request, form) as (session, user):
        data = uploaded(form)
        error = ""
        if data is None:
            error = "Choose the CSV file of people to import."
        elif not data:
            error = "The file is larger than 15 MB."
        else:
            try:
                result = import_people(session, user.trust, data, actor=user.actor)
            except ReviewerError as exc:
                error = str(exc)
        if error:
            return render(request, "people/import.html", {"error": error}, user=user, status=400)
        return render(request, "people/imported.html", {"result": result}, user=user)


def _person_page(
    request: Request,
    session: Session,
    user: ConsoleUser,
    person: models.Person,
    *,
    error: str = "",
    link: str = "",
) -> Response:
    roles = roles_of(session, person.id)
    assigned = session.exec(
        select(models.School)
        .join(models.Assignment, col(models.Assignment.school_id) == col(models.School.id))
        .where(models.Assignment.person_id == person.id)
        .order_by(col(models.School.name))
    ).all()
    assigned_ids = {s.id for s in assigned}
    devices = session.exec(
        select(models.Device)
        .where(models.Device.person_id == person.id)
        .order_by(col(models.Device.enrolled_at).desc())
    ).all()
    codes = session.exec(
        select(models.EnrolmentCode)
        .where(models.EnrolmentCode.person_id == person.id)
        .order_by(col(models.EnrolmentCode.issued_at).desc())
    ).all()
    visits = session.exec(
        select(models.Visit, models.School)
        .join(models.VisitReviewer, col(models.VisitReviewer.visit_id) == col(models.Visit.id))
        .join(models.School, col(models.School.id) == col(models.Visit.school_id))
        .where(models.VisitReviewer.person_id == person.id)
        .order_by(col(models.Visit.planned_start).desc())
        .limit(10)
    ).all()
    return render(
        request,
        "people/detail.html",
        {
            "person": person,
            "roles": roles,
            "all_roles": ROLES,
            "assigned": assigned,
            "others": [s for s in trust_schools(session, user) if s.id not in assigned_ids],
            "devices": devices,
            "codes": [(c, code_state(c)) for c in codes],
            "visits": visits,
            "access": console_access(person, roles),
            "needs_factor": needs_second_factor(roles),
            "error": error,
            "link": link,
            "link_hours": int(LINK_LIFETIME["setup"].total_seconds() // 3600),
        },
        user=user,
        status=400 if error else 200,
    )


@router.get("/console/people/{person_id}")
def person_page(request: Request, person_id: str) -> Response:
    with console_page(request) as (session, user):
        person = owned(session, models.Person, person_id, user)
        return _person_page(request, session, user, person)


@router.get("/console/people/{person_id}/edit")
def edit_person(request: Request, person_id: str) -> Response:
    with console_page(request) as (session, user):
        person = owned(session, models.Person, person_id, user)
        return render(
            request,
            "people/edit.html",
            {"person": person, "values": {"name": person.name, "email": person.email}},
            user=user,
        )


@router.post("/console/people/{person_id}/edit")
def save_person(request: Request, person_id: str, form: FormDep) -> Response:
    with console_action(request, form) as (session, user):
        person = owned(session, models.Person, person_id, user)
        values = {"name": text(form, "name"), "email": text(form, "email")}
        try:
            adm.update_person(
                session, person.id, name=values["name"], email=values["email"], actor=user.actor
            )
        except ReviewerError as exc:
            session.rollback()
            person = owned(session, models.Person, person_id, user)
            return render(
                request,
                "people/edit.html",
                {"person": person, "values": values, "error": str(exc)},
                user=user,
                status=400,
            )
        return redirect(f"/console/people/{person.id}", user=user, flash="The changes are saved.")


@router.post("/console/people/{person_id}/roles")
def save_roles(request: Request, person_id: str, form: FormDep) -> Response:
    with console_action(request, form) as (session, user):
        person = owned(session, models.Person, person_id, user)
        wanted = [str(r) for r in form.getlist("roles")]
        if person.id == user.person.id and Role.TRUST_ADMIN.value not in wanted:
            return _person_page(
                request,
                session,
                user,
                person,
                error="You cannot take the trust admin role away from yourself; ask another "
                "trust admin to.",
            )
        try:
            adm.set_roles(session, person.id, wanted, actor=user.actor)
        except ValidationError as exc:
            return _person_page(request, session, user, person, error=str(exc))
        return redirect(
            f"/console/people/{person.id}", user=user, flash=f"{person.name}'s roles are saved."
        )


@router.post("/console/people/{person_id}/assign")
def assign_school(request: Request, person_id: str, form: FormDep) -> Response:
    with console_action(request, form) as (session, user):
        person = owned(session, models.Person, person_id, user)
        if not text(form, "school_id"):
            return _person_page(request, session, user, person, error="Choose a school.")
        school = owned(session, models.School, text(form, "school_id"), user)
        adm.assign(session, person.id, school.id, actor=user.actor)
        return redirect(
            f"/console/people/{person.id}",
            user=user,
            flash=f"{person.name} is assigned to {school.name}.",
        )


@router.post("/console/people/{person_id}/unassign")
def unassign_school(request: Request, person_id: str, form: FormDep) -> Response:
    with console_action(request, form) as (session, user):
        person = owned(session, models.Person, person_id, user)
        school = owned(session, models.School, text(form, "school_id"), user)
        adm.unassign(session, person.id, school.id, actor=user.actor)
        return redirect(
            f"/console/people/{person.id}",
            user=user,
            flash=f"{person.name} no longer reviews {school.name}.",
        )


@router.post("/console/people/{person_id}/console-link")
def console_link(request: Request, person_id: str, form: FormDep) -> Response:
    with console_action(request, form) as (session, user):
        person = owned(session, models.Person, person_id, user)
        purpose = "reset" if person.password_hash else "setup"
        try:
            token = issue_link(session, person.id, purpose, actor=user.actor)
        except ReviewerError as exc:
            return _person_page(request, session, user, person, error=str(exc))
        base = request.app.state.console.public_url or str(request.base_url)
        return _person_page(request, session, user, person, link=link_url(base, token))


@router.post("/console/people/{person_id}/remove-authenticator")
def remove_authenticator(request: Request, person_id: str, form: FormDep) -> Response:
    with console_action(request, form) as (session, user):
        person = owned(session, models.Person, person_id, user)
        remove_factor(session, person.id, actor=user.actor)
        return redirect(
            f"/console/people/{person.id}",
            user=user,
            flash=f"{person.name}'s authenticator app is removed; they set up a new one when "
            "they next sign in.",
        )


@router.get("/console/people/{person_id}/deactivate")
def confirm_deactivate(request: Request, person_id: str) -> Response:
    with console_page(request) as (session, user):
        person = owned(session, models.Person, person_id, user)
        devices = session.exec(
            select(models.Device).where(
                models.Device.person_id == person.id, col(models.Device.revoked_at).is_(None)
            )
        ).all()
        return render(
            request, "people/deactivate.html", {"person": person, "devices": devices}, user=user
        )


@router.post("/console/people/{person_id}/deactivate")
def deactivate(request: Request, person_id: str, form: FormDep) -> Response:
    with console_action(request, form) as (session, user):
        person = owned(session, models.Person, person_id, user)
        if person.id == user.person.id:
            return _person_page(
                request, session, user, person, error="You cannot deactivate yourself."
            )
        revoked = adm.deactivate_person(session, person.id, actor=user.actor)
        devices = f"{revoked} laptop{'s' if revoked != 1 else ''}"
        return redirect(
            f"/console/people/{person.id}",
            user=user,
            flash=f"{person.name} is deactivated: {devices} stopped syncing, unused codes and "
            "sign-in links no longer work.",
        )
