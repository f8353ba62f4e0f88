"""Devices: every enrolled laptop of the trust, who it belongs to, when it last synced and with
which version of Reviewer; revoking one stops its next sync. The trust's idle period is set
here too: a laptop that has not synced for longer must enrol again (its access has lapsed)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from sqlmodel import col, select
from starlette.responses import Response

from reviewer_app.server import models
from reviewer_app.server.console.auth import FormDep, console_action, console_page, owned
from reviewer_app.server.console.web import redirect, render
from reviewer_app.server.device_tokens import idle_lapse
from reviewer_app.server.enrolment import revoke_device, utc_now

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
        now = utc_now()
        lapsed = {d.id for d, p in rows if idle_lapse(session, d, p, now) is not None}
        trust = session.get(models.Trust, user.trust.id)
        return render(
            request,
            "devices/list.html",
            {
                "rows": rows,
                "show": show,
                "drafts": drafts,
                "lapsed": lapsed,
                "idle_days": trust.device_idle_days if trust else 0,
            },
            user=user,
        )


@router.post("/console/devices/idle-days")
def idle_days(request: Request, form: FormDep) -> Response:
    """Set how long the trust's laptops keep their access without syncing (0: always)."""
    from reviewer_app.domain.errors import ReviewerError
    from reviewer_app.server.trust_settings import set_idle_days

    with console_action(request, form) as (session, user):
        text = str(form.get("days", "")).strip()
        try:
            days = int(text) if text.isdigit() else -1
            set_idle_days(session, user.trust.id, days, actor=user.actor)
        except ReviewerError as exc:
            refusal = f"'{text}' is not a number of days from 0 (never) to 3650; nothing changed."
            return redirect("/console/devices", user=user, flash=refusal if days < 0 else str(exc))
        return redirect(
            "/console/devices",
            user=user,
            flash=f"Laptops that do not sync for {days} days must now enrol again."
            if days
            else "Laptops now keep their access however long they do not sync.",
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
