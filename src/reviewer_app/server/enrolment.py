"""Enrolment codes, device tokens and authentication of every request.

A trust admin issues a one-time code for a person; a laptop exchanges it for a device token.
Codes and tokens are random with at least 80 bits of entropy, so the server keeps only their
SHA-256 (a slow password hash adds nothing for secrets nobody chose). A code works once and
expires; a revoked device's token stops working at once.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import or_
from sqlmodel import Session, col, select

from reviewer_app.domain.ids import new_id
from reviewer_app.server import audit, models
from reviewer_app.server.access import roles_of
from reviewer_app.server.app_release import where_to_update
from reviewer_app.server.audit import SYSTEM, Actor
from reviewer_app.server.device_tokens import idle_lapse
from reviewer_app.server.http_errors import ApiError
from reviewer_app.sync.protocol import (
    MIN_CLIENT_SCHEMA_VERSION,
    MIN_PROTOCOL_VERSION,
    PROTOCOL_VERSION,
    AppRelease,
    EnrolRequest,
    EnrolResponse,
    PersonInfo,
)

log = logging.getLogger(__name__)

#: Codes avoid letters and digits people confuse (0/O, 1/I/L).
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
_CODE_LENGTH = 16
DEFAULT_CODE_LIFETIME = timedelta(hours=72)


def secret_sha256(secret: str) -> str:
    """SHA-256 of a code or token, as stored."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def normalise_code(code: str) -> str:
    """Codes are typed by people: case, spaces and hyphens do not matter."""
    return "".join(ch for ch in code.upper() if ch not in " -")


def utc_now() -> datetime:
    return datetime.now(UTC)


def issue_code(
    session: Session,
    person_id: str,
    *,
    lifetime: timedelta = DEFAULT_CODE_LIFETIME,
    actor: Actor = SYSTEM,
) -> str:
    """Create a one-time enrolment code for a person; returns it (shown once, stored hashed)."""
    person = session.get(models.Person, person_id)
    if person is None or not person.active:
        raise LookupError(f"There is no active person with id {person_id}.")
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(_CODE_LENGTH))
    now = utc_now()
    code = models.EnrolmentCode(
        code_sha256=secret_sha256(raw),
        person_id=person_id,
        issued_at=now,
        expires_at=now + lifetime,
    )
    session.add(code)
    hours = round(lifetime.total_seconds() / 3600)
    audit.record(
        session,
        actor,
        "code.issued",
        f"Issued an enrolment code for {person.name}, valid {hours} hours",
        trust_id=person.trust_id,
        subject_id=person.id,
    )
    return "-".join(raw[i : i + 4] for i in range(0, _CODE_LENGTH, 4))


def code_state(code: models.EnrolmentCode, now: datetime | None = None) -> str:
    """``used``, ``revoked`` (withdrawn before use), ``expired`` or ``unused``."""
    now = now or utc_now()
    if code.used_at is not None:
        return "used" if code.device_id is not None else "revoked"
    expires = code.expires_at if code.expires_at.tzinfo else code.expires_at.replace(tzinfo=UTC)
    return "expired" if expires <= now else "unused"


def codes_of_trust(session: Session, trust_id: str) -> list[tuple[models.EnrolmentCode, str]]:
    """Every enrolment code issued to the trust's people, newest first, with the person's name."""
    rows = session.exec(
        select(models.EnrolmentCode, models.Person)
        .join(models.Person, models.Person.id == models.EnrolmentCode.person_id)  # type: ignore[arg-type]
        .where(models.Person.trust_id == trust_id)
    ).all()
    return [
        (code, person.name)
        for code, person in sorted(rows, key=lambda r: r[0].issued_at, reverse=True)
    ]


def revoke_code(session: Session, code_sha256: str, *, actor: Actor = SYSTEM) -> models.Person:
    """Withdraw an unused code: it can no longer enrol a laptop. Returns whose it was."""
    code = session.get(models.EnrolmentCode, code_sha256)
    person = session.get(models.Person, code.person_id) if code else None
    if code is None or person is None:
        raise LookupError("There is no such enrolment code.")
    if code_state(code) != "unused":
        from reviewer_app.domain.errors import ValidationError

        raise ValidationError(
            f"That code of {person.name}'s is {code_state(code)} already, so there is nothing "
            "to withdraw."
        )
    code.used_at = utc_now()
    session.add(code)
    audit.record(
        session,
        actor,
        "code.revoked",
        f"Withdrew an unused enrolment code of {person.name} "
        f"(issued {code.issued_at:%Y-%m-%d %H:%M})",
        trust_id=person.trust_id,
        subject_id=person.id,
    )
    return person


def revoke_unused_codes(session: Session, person_id: str) -> int:
    """Withdraw every unused code of a person (a leaver); returns how many."""
    count = 0
    for code in session.exec(
        select(models.EnrolmentCode).where(models.EnrolmentCode.person_id == person_id)
    ):
        if code_state(code) == "unused":
            code.used_at = utc_now()
            session.add(code)
            count += 1
    return count


def person_info(session: Session, person: models.Person) -> PersonInfo:
    return PersonInfo(
        id=person.id,
        trust_id=person.trust_id,
        name=person.name,
        email=person.email,
        roles=sorted(role.value for role in roles_of(session, person.id)),
        trust_name=trust.name if (trust := session.get(models.Trust, person.trust_id)) else "",
    )


def check_versions(
    protocol_version: int, client_schema_version: int, release: AppRelease | None = None
) -> None:
    """Refuse a client whose protocol or store is too old, or whose protocol is newer (426).

    ``release`` (the app version the trust publishes) lets the refusal say what to install.
    """
    if protocol_version > PROTOCOL_VERSION:
        raise ApiError(
            426,
            "upgrade_required",
            f"This version of Reviewer (sync protocol {protocol_version}) is newer than the "
            f"trust server, which speaks protocol {PROTOCOL_VERSION}; ask your trust's IT to "
            "update the trust server. Your work stays on this laptop until then.",
        )
    if protocol_version < MIN_PROTOCOL_VERSION or client_schema_version < MIN_CLIENT_SCHEMA_VERSION:
        raise ApiError(
            426,
            "upgrade_required",
            f"This version of Reviewer (sync protocol {protocol_version}) is too old to sync with "
            f"the trust server, which needs protocol {MIN_PROTOCOL_VERSION} or later: "
            f"{where_to_update(release)}. Your work stays on this laptop until then.",
        )


@dataclass(frozen=True, slots=True)
class EnrolledDevice:
    """The token (to give to the laptop once) and the rows it belongs to."""

    device: models.Device
    person: models.Person
    token: str


def redeem_code(session: Session, request: EnrolRequest) -> EnrolledDevice:
    """Exchange a one-time code for a new device and its token; the code is used up."""
    check_versions(request.protocol_version, request.client_schema_version)
    stored = session.exec(
        select(models.EnrolmentCode)
        .where(models.EnrolmentCode.code_sha256 == secret_sha256(normalise_code(request.code)))
        .with_for_update()
    ).first()
    now = utc_now()
    if stored is None or stored.used_at is not None or stored.expires_at <= now:
        raise ApiError(
            400,
            "code_invalid",
            "This enrolment code is not valid: it is mistyped, already used or expired. "
            "Ask your trust admin for a new code.",
        )
    person = session.get(models.Person, stored.person_id)
    if person is None or not person.active:
        raise ApiError(403, "forbidden", "The person this code was issued for can no longer sync.")
    token = secrets.token_urlsafe(32)
    device = models.Device(
        id=new_id(),
        person_id=person.id,
        name=request.device_name,
        token_sha256=secret_sha256(token),
        enrolled_at=now,
        token_issued_at=now,
    )
    session.add(device)
    stored.used_at = now
    stored.device_id = device.id
    session.add(stored)
    log.info("Device %s enrolled for person %s", device.id, person.id)
    return EnrolledDevice(device=device, person=person, token=token)


def enrol_response(
    session: Session,
    enrolled: EnrolledDevice,
    *,
    certificate_pem: str | None = None,
    ca_certificate_pem: str | None = None,
) -> EnrolResponse:
    return EnrolResponse(
        device_id=enrolled.device.id,
        device_token=enrolled.token,
        person=person_info(session, enrolled.person),
        certificate_pem=certificate_pem,
        ca_certificate_pem=ca_certificate_pem,
    )


@dataclass(frozen=True, slots=True)
class Caller:
    """The authenticated device and its person; ``came_with_previous``: the laptop used the
    token before the last rotation (it never kept the newest one)."""

    device: models.Device
    person: models.Person
    came_with_previous: bool = False


_REENROL = "Enrol this laptop again with a new code from your trust admin."


def authenticate(session: Session, authorization: str | None) -> Caller:
    """The caller behind an ``Authorization: Bearer <token>`` header, or a 401 with a reason."""
    if not authorization or not authorization.startswith("Bearer "):
        raise ApiError(
            401,
            "unauthenticated",
            "This request carries no device token. " + _REENROL,
            headers={"WWW-Authenticate": "Bearer"},
        )
    digest = secret_sha256(authorization.removeprefix("Bearer ").strip())
    device = session.exec(
        select(models.Device).where(
            or_(
                col(models.Device.token_sha256) == digest,
                col(models.Device.previous_token_sha256) == digest,
            )
        )
    ).first()
    if device is None:
        raise ApiError(
            401,
            "unauthenticated",
            "The server does not know this laptop's device token. " + _REENROL,
            headers={"WWW-Authenticate": "Bearer"},
        )
    if device.revoked_at is not None:
        raise ApiError(
            401,
            "device_revoked",
            "This laptop's access to the trust server was revoked. " + _REENROL,
            headers={"WWW-Authenticate": "Bearer"},
        )
    person = session.get(models.Person, device.person_id)
    if person is None or not person.active:
        raise ApiError(
            401,
            "device_revoked",
            "The person this laptop is enrolled for can no longer sync. " + _REENROL,
            headers={"WWW-Authenticate": "Bearer"},
        )
    lapsed = idle_lapse(session, device, person, utc_now())
    if lapsed is not None:
        raise ApiError(
            401,
            "token_expired",
            f"This laptop has not synced with the trust server for more than {lapsed} days, so "
            "its access lapsed. Enrol it again with a new code from your trust admin; nothing "
            "on this laptop is lost.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return Caller(device=device, person=person, came_with_previous=device.token_sha256 != digest)


def revoke_device(
    session: Session, device_id: str, *, actor: Actor | None = SYSTEM
) -> models.Device:
    """Revoke a device: its token stops working at the next request. ``actor`` None: the
    caller logs the larger action this is part of (a leaver's deactivation)."""
    device = session.get(models.Device, device_id)
    if device is None:
        raise LookupError(f"There is no device with id {device_id}.")
    if device.revoked_at is None:
        device.revoked_at = utc_now()
        session.add(device)
        log.info("Device %s revoked", device_id)
        person = session.get(models.Person, device.person_id)
        if actor is not None and person is not None:
            audit.record(
                session,
                actor,
                "device.revoked",
                f"Revoked {person.name}'s device {device.name}",
                trust_id=person.trust_id,
                subject_id=device.id,
            )
    return device
