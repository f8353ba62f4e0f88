"""The audit log: every admin action (from the console or the command line) and every read of
restricted safeguarding detail (in the console or by a laptop's pull).

The service functions that change the trust record their own event (one place for each rule),
so the console and the CLI cannot differ in what is logged. An event's summary names people and
schools as they were named at the time; it never holds a password, a code or review content.
"""

from __future__ import annotations

import csv
import getpass
import io
import socket
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import Session, col, select

from reviewer_app.server import models


@dataclass(frozen=True, slots=True)
class Actor:
    """Who did something, and through what (``console``, ``command line``, ``laptop``)."""

    name: str
    via: str
    person_id: str | None = None

    @classmethod
    def command_line(cls) -> Actor:
        """The operator running ``reviewer-app-server admin`` (their login on this machine)."""
        try:
            user = getpass.getuser()
        except (KeyError, OSError):  # no name for this uid (containers)
            user = "unknown user"
        return cls(name=f"{user} on {socket.gethostname()}", via="command line")

    @classmethod
    def person(cls, person: models.Person, via: str = "console") -> Actor:
        return cls(name=person.name, via=via, person_id=person.id)


#: What scripts, tests and the demo seeding act as when they name nobody.
SYSTEM = Actor(name="Server set-up", via="server")


def record(
    session: Session,
    actor: Actor,
    action: str,
    summary: str,
    *,
    trust_id: str | None,
    subject_id: str | None = None,
) -> models.AuditEvent:
    """Add one event to the log in the caller's transaction (it commits with the change)."""
    event = models.AuditEvent(
        at=datetime.now(UTC),
        trust_id=trust_id,
        actor_id=actor.person_id,
        actor_name=actor.name[:200],
        via=actor.via,
        action=action,
        summary=summary[:1000],
        subject_id=subject_id,
    )
    session.add(event)
    return event


#: Actions, grouped as the audit page filters them.
ACTION_GROUPS: dict[str, tuple[str, ...]] = {
    "People and roles": (
        "person.created",
        "person.updated",
        "person.deactivated",
        "role.granted",
        "role.revoked",
    ),
    "Schools and assignments": (
        "trust.created",
        "trust.renamed",
        "school.created",
        "school.updated",
        "assignment.added",
        "assignment.removed",
    ),
    "Visits": ("visit.planned", "visit.changed", "review.created", "framework.registered"),
    "Enrolment and devices": (
        "code.issued",
        "code.revoked",
        "device.revoked",
        "trust.device_idle_days",
    ),
    "Console sign-in": (
        "console.link_issued",
        "console.password_set",
        "console.factor_enrolled",
        "console.factor_removed",
        "console.signed_in",
        "console.locked",
    ),
    "Safeguarding reads": ("restricted.read",),
    "Signed reports": ("report.long_term_added",),
    "Retention": (
        "retention.set",
        "retention.hold_placed",
        "retention.hold_lifted",
        "retention.purged",
    ),
}


def events(
    session: Session,
    trust_id: str,
    *,
    actions: Sequence[str] = (),
    limit: int | None = 200,
    offset: int = 0,
) -> list[models.AuditEvent]:
    """A trust's events, newest first (optionally only ``actions``)."""
    statement = select(models.AuditEvent).where(models.AuditEvent.trust_id == trust_id)
    if actions:
        statement = statement.where(col(models.AuditEvent.action).in_(actions))
    statement = statement.order_by(
        col(models.AuditEvent.at).desc(), col(models.AuditEvent.id).desc()
    )
    if limit is not None:
        statement = statement.offset(offset).limit(limit)
    return list(session.exec(statement).all())


def _cell(value: str) -> str:
    # A spreadsheet must not run a name that begins like a formula (CSV injection).
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def to_csv(rows: Iterable[models.AuditEvent]) -> str:
    """The events as CSV (UTC times in ISO 8601), safe to open in a spreadsheet."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["when (UTC)", "who", "via", "action", "what"])
    for event in rows:
        writer.writerow(
            [
                event.at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"),
                _cell(event.actor_name),
                event.via,
                event.action,
                _cell(event.summary),
            ]
        )
    return out.getvalue()
