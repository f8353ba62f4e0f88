"""The trust's own settings (its name, as the console and laptops show it)."""

from __future__ import annotations

from sqlmodel import Session

from reviewer_app.domain import organisation
from reviewer_app.domain.errors import NotFoundError
from reviewer_app.server import audit, models
from reviewer_app.server.audit import SYSTEM, Actor


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
