"""The trust's own settings: its name (as the console and laptops show it), and how long its
laptops keep their access without syncing (:mod:`.device_tokens`)."""

from __future__ import annotations

from sqlmodel import Session

from reviewer_app.domain import organisation
from reviewer_app.domain.errors import NotFoundError, ValidationError
from reviewer_app.server import audit, models
from reviewer_app.server.audit import SYSTEM, Actor

#: The longest idle period a trust may set (ten years: in effect, never).
MAX_IDLE_DAYS = 3650


def rename_trust(
    session: Session, trust_id: str, name: str, *, actor: Actor = SYSTEM
) -> models.Trust:
    """Give the trust a new name (a new server's first admin names it in the console)."""
    trust = session.get(models.Trust, trust_id)
    if trust is None:
        raise NotFoundError(f"There is no trust with id {trust_id}.")
    checked = organisation.Trust(id=trust.id, name=name.strip())
    before = trust.name
    trust.name = checked.name
    session.add(trust)
    audit.record(
        session,
        actor,
        "trust.renamed",
        f"Renamed the trust {before} to {trust.name}",
        trust_id=trust.id,
    )
    return trust


def set_idle_days(
    session: Session, trust_id: str, days: int, *, actor: Actor = SYSTEM
) -> models.Trust:
    """Set how many days without a sync a trust's laptops keep their access (0: always)."""
    trust = session.get(models.Trust, trust_id)
    if trust is None:
        raise NotFoundError(f"There is no trust with id {trust_id}.")
    if not 0 <= days <= MAX_IDLE_DAYS:
        raise ValidationError(
            f"{days} is not a number of days from 0 (never) to {MAX_IDLE_DAYS}.",
            hint="Give the days a laptop may go without syncing, like 90.",
        )
    before = trust.device_idle_days
    trust.device_idle_days = days
    session.add(trust)
    summary = (
        f"Laptops must enrol again after {days} days without a sync (was {before})"
        if days
        else f"Laptops keep their access however long they do not sync (was {before} days)"
    )
    audit.record(session, actor, "trust.device_idle_days", summary, trust_id=trust.id)
    return trust
