"""Schools: the list, adding and editing one, importing from GIAS, and who is assigned to each."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from sqlmodel import Session, col, select
from starlette.datastructures import UploadFile
from starlette.responses import Response

from reviewer_app.domain.errors import ReviewerError
from reviewer_app.domain.organisation import Phase
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
from reviewer_app.server.console.web import redirect, render
from reviewer_app.server.gias_import import import_schools, parse_urns
from reviewer_app.server.visit_scheduling import framework_title

router = APIRouter()

PHASES = [(p.value, p.label) for p in Phase]
#: The largest CSV accepted (a trust's GIAS download is far smaller).
MAX_UPLOAD_BYTES = 15 * 1024 * 1024


def phase_label(value: str) -> str:
    return Phase(value).label if value in Phase._value2member_map_ else value


def trust_people(session: Session, user: ConsoleUser) -> list[models.Person]:
    return list(
        session.exec(
            select(models.Person)
            .where(models.Person.trust_id == user.trust.id, col(models.Person.active))
            .order_by(col(models.Person.name))
        ).all()
    )


def trust_schools(session: Session, user: ConsoleUser) -> list[models.School]:
    return list(
        session.exec(
            select(models.School)
            .where(models.School.trust_id == user.trust.id)
            .order_by(col(models.School.name))
        ).all()
    )


@router.get("/console/schools")
def school_list(request: Request) -> Response:
    with console_page(request) as (session, user):
        schools = trust_schools(session, user)
        today = date.today()
        rows = []
        for school in schools:
            assigned = session.exec(
                select(models.Assignment).where(models.Assignment.school_id == school.id)
            ).all()
            upcoming = session.exec(
                select(models.Visit)
                .where(models.Visit.school_id == school.id, col(models.Visit.planned_end) >= today)
                .order_by(col(models.Visit.planned_start))
            ).first()
            rows.append({"school": school, "assigned": len(assigned), "next": upcoming})
        return render(
            request,
            "schools/list.html",
            {"rows": rows, "phase_label": phase_label},
            user=user,
        )


def _school_form(
    request: Request,
    user: ConsoleUser,
    *,
    school: models.School | None,
    values: dict[str, str],
    error: str = "",
) -> Response:
    return render(
        request,
        "schools/form.html",
        {"school": school, "values": values, "error": error, "phases": PHASES},
        user=user,
        status=400 if error else 200,
    )


def _values(form: object) -> dict[str, str]:
    return {name: text(form, name) for name in ("urn", "name", "phase", "local_authority")}  # type: ignore[arg-type]


@router.get("/console/schools/new")
def new_school(request: Request) -> Response:
    with console_page(request) as (_session, user):
        return _school_form(request, user, school=None, values={"phase": "primary"})


@router.post("/console/schools/new")
def add_school(request: Request, form: FormDep) -> Response:
    with console_action(request, form) as (session, user):
        values = _values(form)
        try:
            school = adm.create_school(
                session,
                user.trust.id,
                urn=values["urn"],
                name=values["name"],
                phase=values["phase"],
                local_authority=values["local_authority"],
                actor=user.actor,
            )
        except ReviewerError as exc:
            return _school_form(request, user, school=None, values=values, error=str(exc))
        return redirect(
            f"/console/schools/{school.id}", user=user, flash=f"{school.name} is added."
        )


@router.get("/console/schools/import")
def import_page(request: Request) -> Response:
    with console_page(request) as (_session, user):
        return render(request, "schools/import.html", {"urns": ""}, user=user)


def uploaded(form: object, name: str = "file") -> bytes | None:
    """The bytes of an uploaded file, or None when none was chosen or it is too large."""
    upload = form.get(name)  # type: ignore[attr-defined]
    if not isinstance(upload, UploadFile) or not upload.filename:
        return None
    data = upload.file.read(MAX_UPLOAD_BYTES + 1)
    return data if len(data) <= MAX_UPLOAD_BYTES else b""


@router.post("/console/schools/import")
def import_post(request: Request, form: FormDep) -> Response:
    with console_action(request, form) as (session, user):
        urns_text = text(form, "urns")
        data = uploaded(form)
        error = ""
        if data is None:
            error = "Choose the CSV file you downloaded from Get Information About Schools."
        elif not data:
            error = "The file is larger than 15 MB. Download only your trust's schools from GIAS."
        else:
            try:
                result = import_schools(
                    session, user.trust, data, urns=parse_urns(urns_text), actor=user.actor
                )
            except ReviewerError as exc:
                error = str(exc)
        if error:
            return render(
                request,
                "schools/import.html",
                {"urns": urns_text, "error": error},
                user=user,
                status=400,
            )
        return render(request, "schools/imported.html", {"result": result}, user=user)


@router.get("/console/schools/{school_id}")
def school_page(request: Request, school_id: str) -> Response:
    with console_page(request) as (session, user):
        school = owned(session, models.School, school_id, user)
        return _school_page(request, session, user, school)


def _school_page(
    request: Request,
    session: Session,
    user: ConsoleUser,
    school: models.School,
    error: str = "",
) -> Response:
    assigned = session.exec(
        select(models.Person)
        .join(models.Assignment, col(models.Assignment.person_id) == col(models.Person.id))
        .where(models.Assignment.school_id == school.id)
        .order_by(col(models.Person.name))
    ).all()
    assigned_ids = {p.id for p in assigned}
    others = [p for p in trust_people(session, user) if p.id not in assigned_ids]
    visits = session.exec(
        select(models.Visit)
        .where(models.Visit.school_id == school.id)
        .order_by(col(models.Visit.planned_start).desc())
        .limit(12)
    ).all()
    return render(
        request,
        "schools/detail.html",
        {
            "school": school,
            "assigned": assigned,
            "others": others,
            "visits": [(v, framework_title(session, v.framework_id)) for v in visits],
            "phase_label": phase_label,
            "error": error,
        },
        user=user,
        status=400 if error else 200,
    )


@router.get("/console/schools/{school_id}/edit")
def edit_school(request: Request, school_id: str) -> Response:
    with console_page(request) as (session, user):
        school = owned(session, models.School, school_id, user)
        values = {
            "urn": school.urn,
            "name": school.name,
            "phase": school.phase,
            "local_authority": school.local_authority,
        }
        return _school_form(request, user, school=school, values=values)


@router.post("/console/schools/{school_id}/edit")
def save_school(request: Request, school_id: str, form: FormDep) -> Response:
    with console_action(request, form) as (session, user):
        school = owned(session, models.School, school_id, user)
        values = _values(form)
        try:
            adm.update_school(
                session,
                school.id,
                urn=values["urn"],
                name=values["name"],
                phase=values["phase"],
                local_authority=values["local_authority"],
                actor=user.actor,
            )
        except ReviewerError as exc:
            session.rollback()
            school = owned(session, models.School, school_id, user)
            return _school_form(request, user, school=school, values=values, error=str(exc))
        return redirect(f"/console/schools/{school.id}", user=user, flash="The school is saved.")


@router.post("/console/schools/{school_id}/assign")
def assign_person(request: Request, school_id: str, form: FormDep) -> Response:
    with console_action(request, form) as (session, user):
        school = owned(session, models.School, school_id, user)
        person_id = text(form, "person_id")
        if not person_id:
            return _school_page(request, session, user, school, error="Choose who to assign.")
        person = owned(session, models.Person, person_id, user)
        adm.assign(session, person.id, school.id, actor=user.actor)
        return redirect(
            f"/console/schools/{school.id}",
            user=user,
            flash=f"{person.name} is assigned to {school.name}.",
        )


@router.post("/console/schools/{school_id}/unassign")
def unassign_person(request: Request, school_id: str, form: FormDep) -> Response:
    with console_action(request, form) as (session, user):
        school = owned(session, models.School, school_id, user)
        person = owned(session, models.Person, text(form, "person_id"), user)
        adm.unassign(session, person.id, school.id, actor=user.actor)
        return redirect(
            f"/console/schools/{school.id}",
            user=user,
            flash=f"{person.name} no longer reviews {school.name}.",
        )
