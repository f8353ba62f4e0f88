"""The cadence board (issue 17): what support is due and overdue across the trust under each
school's category, and the meeting notes (CEO 1:1s, progress meetings) that count towards it.
The rules are :mod:`reviewer_app.server.cadence`'s."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from sqlmodel import Session
from starlette.datastructures import FormData
from starlette.responses import Response

from reviewer_app.domain.errors import ReviewerError
from reviewer_app.server.cadence import (
    NOTE_TAKERS,
    OTHER_MEETINGS,
    cadence_board,
    counts_towards_cadence,
    record_meeting,
)
from reviewer_app.server.console.auth import (
    ConsoleUser,
    FormDep,
    console_action,
    console_page,
    text,
)
from reviewer_app.server.console.web import redirect, render
from reviewer_app.server.trust_picture import Viewer, visible_schools

router = APIRouter()

STATES = {
    "overdue": ("Overdue", "bad"),
    "soon": ("Due soon", "weak"),
    "planned": ("Planned", "ok"),
    "later": ("On track", "good"),
}


@router.get("/console/cadence")
def board(request: Request) -> Response:
    with console_page(request, allow=None) as (session, user):
        viewer = Viewer.of(session, user.person)
        today = date.today()
        return render(
            request,
            "oversight/cadence.html",
            {
                "board": cadence_board(session, viewer, today),
                "states": STATES,
                "today": today,
                "may_record": bool(user.roles & NOTE_TAKERS),
            },
            user=user,
        )


def _meeting_form(
    request: Request,
    session: Session,
    user: ConsoleUser,
    form: FormData | None,
    *,
    error: str = "",
    status: int = 200,
) -> Response:
    viewer = Viewer.of(session, user.person)
    board_ = cadence_board(session, viewer, date.today())
    activities: list[str] = []
    for names in board_.activities.values():
        activities += [a for a in names if a not in activities]
    values = {
        name: (text(form, name) if form else "")
        for name in ("school", "activity", "held_on", "notes")
    }
    if not form:
        values["school"] = request.query_params.get("school", "")
        values["held_on"] = date.today().isoformat()
    return render(
        request,
        "oversight/meeting.html",
        {
            "schools": [(s.id, s.name) for s in visible_schools(session, viewer)],
            "activities": activities or list(OTHER_MEETINGS),
            "values": values,
            "error": error,
            "today": date.today(),
        },
        user=user,
        status=status,
    )


@router.get("/console/cadence/meetings/new")
def new_meeting(request: Request) -> Response:
    with console_page(request, allow=NOTE_TAKERS) as (session, user):
        return _meeting_form(request, session, user, None)


@router.post("/console/cadence/meetings/new")
def record_meeting_post(request: Request, form: FormDep) -> Response:
    with console_action(request, form, allow=NOTE_TAKERS) as (session, user):
        viewer = Viewer.of(session, user.person)
        held = text(form, "held_on")
        try:
            try:
                held_on = date.fromisoformat(held) if held else None
            except ValueError:
                raise ReviewerError(
                    f"'{held}' is not a date: give the day the meeting was held."
                ) from None
            note = record_meeting(
                session,
                viewer,
                school_id=text(form, "school"),
                activity=text(form, "activity"),
                held_on=held_on,
                notes=text(form, "notes"),
                today=date.today(),
            )
        except ReviewerError as exc:
            session.rollback()
            return _meeting_form(request, session, user, form, error=str(exc), status=400)
        said = f"The {note.activity} of {note.held_on:%-d %b %Y} is recorded"
        if counts_towards_cadence(session, viewer, note.school_id, note.activity):
            said += "; it counts towards the school's cadence."
        else:
            said += (
                f" as a note; the school's cadence asks for no {note.activity}, so it does not "
                "count towards it."
            )
        return redirect("/console/cadence", user=user, flash=said)
