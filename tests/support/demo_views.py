"""The demo trust as the oversight tests read it: the day its history is anchored on, and the
oversight pages' viewer of a demo person."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from reviewer_app.server import models
from reviewer_app.server.trust_picture import Viewer

#: The day the demo databases of the server tests are seeded as of.
DEMO_TODAY = date(2026, 12, 7)


def viewer_of(session: Session, email_start: str) -> Viewer:
    """The :class:`Viewer` of the demo person whose email starts so."""
    person = session.exec(
        select(models.Person).where(models.Person.email.startswith(email_start))  # type: ignore[attr-defined]
    ).one()
    return Viewer.of(session, person)
