"""Devices: every enrolled laptop of the trust, who it belongs to, when it last synced and with
which version of Reviewer; revoking one stops its next sync."""

from __future__ import annotations

from fastapi import APIRouter, Request
from sqlmodel import col, select
from starlette.responses import Response

from reviewer_app.server import models
from reviewer_app.server.console.auth import FormDep, console_action, console_page, owned
from reviewer_app.server.console.web import redirect, render
from reviewer_app.server.enrolment import revoke_device

router = APIRouter()


@router.get("/console/devices")
def device_list(request: Request) -> Response:
    with console_page(request) as (session, user):
        rows = session.exec(
            select(models.Device, models.Person)
            .join(models.Person, col(models.Person.id) == col(models.Device.person_id))
            .where(models.Person.trust_id == user.trust.id)
            .order_by(
                col(models.Device.revoked_at).is_not(None),
                col(models.Person.name),
                col(models.Device.enrolled_at).desc(),
            )
        ).all()
        show = request.query_params.get("show", "")
        if show != "all":
            rows = [(d, p) for d, p in rows if d.revoked_at is None and p.active]
        drafts = set(session.exec(select(models.LibraryDraftDevice.device_id)).all())
        return render(
            request,
            "devices/list.html",
            {"rows": rows, "show": show, "drafts": drafts},
            user=user,
        )


@router.post("/console/devices/{device_id}/drafts")
def drafts(request: Request, device_id: str, form: FormDep) -> Response:
    """Opt a laptop in to (or out of) the trust's draft frameworks, to try one before it is
    published."""
    from reviewer_app.server import audit
    from reviewer_app.server.framework_library import set_drafts

    with console_action(request, form) as (session, user):
        device = owned(session, models.Device, device_id, user)
        on = form.get("drafts") == "on"
        set_drafts(session, device.id, on)
        audit.record(
            session, user.actor, "device.drafts",
            f"Laptop {device.name} {'receives' if on else 'no longer receives'} draft frameworks",
            trust_id=user.trust.id, subject_id=device.id,
        )  # fmt: skip
        return redirect(
            "/console/devices",
            user=user,
            flash=f"{device.name} "
            + (
                "receives the trust's draft frameworks at its next sync, to try them."
                if on
                else "receives published frameworks only from its next sync."
            ),
        )


@router.post("/console/devices/{device_id}/revoke")
def revoke(request: Request, device_id: str, form: FormDep) -> Response:
    with console_action(request, form) as (session, user):
        device = owned(session, models.Device, device_id, user)
        person = session.get(models.Person, device.person_id)
        revoke_device(session, device.id, actor=user.actor)
        return redirect(
            "/console/devices",
            user=user,
            flash=f"{person.name if person else 'The'}'s laptop {device.name} is revoked: its "
            "next sync is refused.",
        )
