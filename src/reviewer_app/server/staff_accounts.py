"""Console sign-in for the trust's staff: the same people the laptops sync as.

A person may use the console once they have a password (set through a one-time link a trust
admin issues). Passwords are hashed with argon2id (``argon2-cffi``). Trust admins and
safeguarding roles must also give a code from an authenticator app (TOTP, ``pyotp``), or one of
their one-time recovery codes. Five wrong passwords in a row lock the account for fifteen
minutes. Browser sessions live in ``console_session`` (the cookie holds a random token, the
table its SHA-256) and end after thirty idle minutes or twelve hours.

Nothing here logs or returns a password, a TOTP secret or a link's token after its use.
"""

from __future__ import annotations

import contextlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, col, delete, select

from reviewer_app.domain.errors import NotFoundError, ValidationError
from reviewer_app.domain.organisation import SAFEGUARDING_ROLES, Role
from reviewer_app.server import audit, models
from reviewer_app.server.access import roles_of
from reviewer_app.server.audit import SYSTEM, Actor
from reviewer_app.server.enrolment import secret_sha256

log = logging.getLogger(__name__)

PASSWORD_MIN_LENGTH = 12
PASSWORD_MAX_LENGTH = 200
LOCK_AFTER_FAILURES = 5
LOCK_DURATION = timedelta(minutes=15)
SESSION_IDLE = timedelta(minutes=30)
SESSION_MAX_AGE = timedelta(hours=12)
#: A half-finished sign-in (password given, second factor not yet) lasts this long.
PENDING_IDLE = timedelta(minutes=10)
LINK_LIFETIME = {"setup": timedelta(hours=72), "reset": timedelta(hours=24)}
RECOVERY_CODE_COUNT = 10
#: Issuer shown in authenticator apps.
TOTP_ISSUER = "Reviewer"

_hasher = PasswordHasher()  # argon2id with the library's (RFC 9106 low-memory) parameters
#: Verified against when the email is unknown, so the answer takes as long as for a real one.
_DUMMY_HASH = _hasher.hash("not a real password, only here to spend the same time")

WRONG_CREDENTIALS = "The email address or password is not right. Check them and try again."


class Stage(StrEnum):
    """How far a browser session has got."""

    SECOND_FACTOR = "second_factor"
    ENROL_FACTOR = "enrol_factor"
    SIGNED_IN = "signed_in"


def utc_now() -> datetime:
    return datetime.now(UTC)


def _aware(moment: datetime) -> datetime:
    # SQLite hands datetimes back without a zone; they are stored in UTC.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def needs_second_factor(roles: frozenset[Role]) -> bool:
    """Trust admins and safeguarding roles must use an authenticator."""
    return Role.TRUST_ADMIN in roles or bool(roles & SAFEGUARDING_ROLES)


def person_by_email(session: Session, email: str) -> models.Person | None:
    wanted = email.strip().lower()
    if not wanted:
        return None
    for person in session.exec(select(models.Person).where(models.Person.email.ilike(wanted))):  # type: ignore[attr-defined]
        if person.email.lower() == wanted:
            return person
    return None


# ------------------------------------------------------------------ one-time links


def issue_link(session: Session, person_id: str, purpose: str, *, actor: Actor = SYSTEM) -> str:
    """A one-time link token to set a password (``setup`` or ``reset``); earlier unused links
    of the person stop working. Returns the token (shown once, stored hashed)."""
    person = session.get(models.Person, person_id)
    if person is None:
        raise NotFoundError(f"There is no person with id {person_id}.")
    if not person.active:
        raise ValidationError(
            f"{person.name} has left the trust (deactivated), so they cannot sign in."
        )
    now = utc_now()
    for old in session.exec(
        select(models.ConsoleLink).where(
            models.ConsoleLink.person_id == person_id, col(models.ConsoleLink.used_at).is_(None)
        )
    ):
        old.used_at = now
        session.add(old)
    token = secrets.token_urlsafe(32)
    session.add(
        models.ConsoleLink(
            token_sha256=secret_sha256(token),
            person_id=person_id,
            purpose=purpose,
            issued_at=now,
            expires_at=now + LINK_LIFETIME[purpose],
        )
    )
    what = "a set-up link" if purpose == "setup" else "a password reset link"
    audit.record(
        session,
        actor,
        "console.link_issued",
        f"Issued {what} for {person.name}",
        trust_id=person.trust_id,
        subject_id=person.id,
    )
    return token


def _valid_link(session: Session, token: str) -> models.ConsoleLink | None:
    link = session.get(models.ConsoleLink, secret_sha256(token))
    if link is None or link.used_at is not None or _aware(link.expires_at) <= utc_now():
        return None
    return link


def person_of_link(session: Session, token: str) -> models.Person | None:
    """The person a still-valid link is for (None when it is unknown, used or expired)."""
    link = _valid_link(session, token)
    if link is None:
        return None
    person = session.get(models.Person, link.person_id)
    return person if person is not None and person.active else None


def check_new_password(person: models.Person, password: str, confirmation: str) -> None:
    """Refuse a password that is short, too long, the email, or not typed the same twice."""
    if password != confirmation:
        raise ValidationError("The two passwords are not the same. Type the new password twice.")
    if len(password) < PASSWORD_MIN_LENGTH:
        raise ValidationError(
            f"The password must be at least {PASSWORD_MIN_LENGTH} characters long.",
            hint="A few unrelated words make a long password that is easy to remember.",
        )
    if len(password) > PASSWORD_MAX_LENGTH:
        raise ValidationError(f"The password must be at most {PASSWORD_MAX_LENGTH} characters.")
    lowered = password.lower()
    if person.email.lower().split("@")[0] in lowered or person.name.lower() in lowered:
        raise ValidationError("The password must not contain your name or email address.")


def set_password_with_link(
    session: Session, token: str, password: str, confirmation: str
) -> models.Person:
    """Use a one-time link: the person's password becomes ``password``; the link is spent, the
    lockout cleared, and every console session of theirs ends."""
    link = _valid_link(session, token)
    person = session.get(models.Person, link.person_id) if link else None
    if link is None or person is None or not person.active:
        raise ValidationError(
            "This link has already been used or has expired.",
            hint="Ask your trust admin for a new link.",
        )
    check_new_password(person, password, confirmation)
    person.password_hash = _hasher.hash(password)
    person.failed_sign_ins = 0
    person.locked_until = None
    link.used_at = utc_now()
    session.add_all([person, link])
    end_sessions_of(session, person.id)
    audit.record(
        session,
        Actor.person(person),
        "console.password_set",
        f"{person.name} set a console password with a one-time link",
        trust_id=person.trust_id,
        subject_id=person.id,
    )
    return person


def set_demo_password(session: Session, person: models.Person, password: str) -> None:
    """Give a demo person the demo's published password (``serve --demo`` only)."""
    person.password_hash = _hasher.hash(password)
    session.add(person)


# ------------------------------------------------------------------ signing in


@dataclass(frozen=True, slots=True)
class SignInOutcome:
    """The person and the stage their session starts at, or the sentence saying why not."""

    person: models.Person | None
    stage: Stage | None
    refusal: str = ""


def _fail(session: Session, person: models.Person, now: datetime) -> SignInOutcome:
    person.failed_sign_ins += 1
    if person.failed_sign_ins >= LOCK_AFTER_FAILURES:
        person.failed_sign_ins = 0
        person.locked_until = now + LOCK_DURATION
        audit.record(
            session,
            SYSTEM,
            "console.locked",
            f"{person.name}'s console account was locked for "
            f"{int(LOCK_DURATION.total_seconds() // 60)} minutes after "
            f"{LOCK_AFTER_FAILURES} failed sign-ins",
            trust_id=person.trust_id,
            subject_id=person.id,
        )
        session.add(person)
        return SignInOutcome(None, None, locked_message(person))
    session.add(person)
    return SignInOutcome(None, None, WRONG_CREDENTIALS)


def locked_message(person: models.Person) -> str:
    until = _aware(person.locked_until or utc_now())
    return (
        f"This account is locked after {LOCK_AFTER_FAILURES} failed sign-ins. Try again after "
        f"{until:%H:%M} UTC, or ask your trust admin for a password reset link."
    )


def is_locked(person: models.Person, now: datetime) -> bool:
    return person.locked_until is not None and _aware(person.locked_until) > now


def sign_in(session: Session, email: str, password: str) -> SignInOutcome:
    """Check an email and password (the caller commits, so failures count even when refused)."""
    now = utc_now()
    person = person_by_email(session, email)
    if person is None or person.password_hash is None:
        with contextlib.suppress(VerificationError):
            _hasher.verify(_DUMMY_HASH, password or "-")
        return SignInOutcome(None, None, WRONG_CREDENTIALS)
    if is_locked(person, now):
        return SignInOutcome(None, None, locked_message(person))
    try:
        _hasher.verify(person.password_hash, password)
    except (VerificationError, InvalidHashError):
        return _fail(session, person, now)
    if not person.active:
        return SignInOutcome(
            None, None, "This account is no longer active. Ask your trust admin if that is wrong."
        )
    if _hasher.check_needs_rehash(person.password_hash):
        person.password_hash = _hasher.hash(password)
    person.failed_sign_ins = 0
    person.locked_until = None
    session.add(person)
    if not needs_second_factor(roles_of(session, person.id)):
        return SignInOutcome(person, Stage.SIGNED_IN)
    return SignInOutcome(person, Stage.SECOND_FACTOR if person.totp_secret else Stage.ENROL_FACTOR)


def record_sign_in(session: Session, person: models.Person) -> None:
    person.last_sign_in_at = utc_now()
    session.add(person)
    audit.record(
        session,
        Actor.person(person),
        "console.signed_in",
        f"{person.name} signed in to the console",
        trust_id=person.trust_id,
        subject_id=person.id,
    )


# ------------------------------------------------------------------ sessions


def start_session(session: Session, person: models.Person, stage: Stage) -> str:
    """A new browser session; returns the cookie's token (only its hash is kept)."""
    token = secrets.token_urlsafe(32)
    now = utc_now()
    session.add(
        models.ConsoleSession(
            token_sha256=secret_sha256(token),
            person_id=person.id,
            stage=stage.value,
            csrf_token=secrets.token_urlsafe(32),
            created_at=now,
            last_seen_at=now,
        )
    )
    if stage is Stage.SIGNED_IN:
        record_sign_in(session, person)
    return token


def session_for(session: Session, token: str | None) -> models.ConsoleSession | None:
    """The live session behind a cookie token, its idle clock restarted; None if it has
    expired (the row is then removed) or never existed."""
    if not token:
        return None
    row = session.get(models.ConsoleSession, secret_sha256(token))
    if row is None:
        return None
    now = utc_now()
    idle = SESSION_IDLE if row.stage == Stage.SIGNED_IN else PENDING_IDLE
    if now - _aware(row.last_seen_at) > idle or now - _aware(row.created_at) > SESSION_MAX_AGE:
        session.delete(row)
        return None
    row.last_seen_at = now
    session.add(row)
    return row


def promote(session: Session, row: models.ConsoleSession, person: models.Person) -> str:
    """The sign-in is complete: a fresh token and CSRF token replace the half-way session's
    (so nothing seen before the second factor works after it)."""
    session.delete(row)
    return start_session(session, person, Stage.SIGNED_IN)


def end_session(session: Session, token: str | None) -> None:
    if token:
        row = session.get(models.ConsoleSession, secret_sha256(token))
        if row is not None:
            session.delete(row)


def end_sessions_of(session: Session, person_id: str) -> None:
    session.exec(
        delete(models.ConsoleSession).where(col(models.ConsoleSession.person_id) == person_id)
    )


def csrf_matches(row: models.ConsoleSession, sent: str | None) -> bool:
    return bool(sent) and hmac.compare_digest(row.csrf_token.encode(), (sent or "").encode())


# ------------------------------------------------------------------ second factor


def new_totp_secret() -> str:
    import pyotp

    return pyotp.random_base32()


def provisioning_uri(secret: str, person: models.Person, trust_name: str) -> str:
    """The ``otpauth://`` URI an authenticator app reads from the QR code."""
    import pyotp

    return pyotp.TOTP(secret).provisioning_uri(
        name=person.email, issuer_name=f"{TOTP_ISSUER} ({trust_name})"
    )


def totp_now(secret: str) -> str:
    """The code an authenticator shows now (the demo's sign-in page prints it)."""
    import pyotp

    return str(pyotp.TOTP(secret).now())


def _totp_ok(secret: str, code: str) -> bool:
    import pyotp

    digits = "".join(ch for ch in code if ch.isdigit())
    return len(digits) == 6 and pyotp.TOTP(secret).verify(digits, valid_window=1)


def _new_recovery_codes(session: Session, person_id: str) -> list[str]:
    session.exec(
        delete(models.ConsoleRecoveryCode).where(
            col(models.ConsoleRecoveryCode.person_id) == person_id
        )
    )
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = secrets.token_hex(5)  # 40 bits each, one use
        codes.append(f"{raw[:5]}-{raw[5:]}")
        session.add(models.ConsoleRecoveryCode(person_id=person_id, code_sha256=secret_sha256(raw)))
    return codes


def begin_factor_enrolment(session: Session, row: models.ConsoleSession) -> str:
    """The secret being set up in this session (made once, kept until confirmed)."""
    if row.pending_totp_secret is None:
        row.pending_totp_secret = new_totp_secret()
        session.add(row)
    return row.pending_totp_secret


def confirm_factor(
    session: Session, row: models.ConsoleSession, person: models.Person, code: str
) -> list[str] | None:
    """Finish setting up an authenticator with a code it shows. Returns the new recovery codes
    (to show once), or None when the code is wrong."""
    secret = row.pending_totp_secret
    if secret is None or not _totp_ok(secret, code):
        return None
    person.totp_secret = secret
    row.pending_totp_secret = None
    session.add_all([person, row])
    codes = _new_recovery_codes(session, person.id)
    audit.record(
        session,
        Actor.person(person),
        "console.factor_enrolled",
        f"{person.name} set up an authenticator app for the console",
        trust_id=person.trust_id,
        subject_id=person.id,
    )
    return codes


def check_second_factor(session: Session, person: models.Person, code: str) -> SignInOutcome:
    """A code from the authenticator, or an unused recovery code (then spent). Wrong codes count
    towards the lockout like wrong passwords."""
    now = utc_now()
    if is_locked(person, now):
        return SignInOutcome(None, None, locked_message(person))
    if person.totp_secret and _totp_ok(person.totp_secret, code):
        return SignInOutcome(person, Stage.SIGNED_IN)
    recovery = session.get(
        models.ConsoleRecoveryCode,
        (person.id, secret_sha256(code.strip().lower().replace("-", "").replace(" ", ""))),
    )
    if recovery is not None and recovery.used_at is None:
        recovery.used_at = now
        session.add(recovery)
        log.info("Person %s signed in with a recovery code", person.id)
        return SignInOutcome(person, Stage.SIGNED_IN)
    outcome = _fail(session, person, now)
    if outcome.refusal == WRONG_CREDENTIALS:
        return SignInOutcome(
            None,
            None,
            "That code is not right. Enter the code your "
            "authenticator app shows now, or one of your recovery codes.",
        )
    return outcome


def recovery_codes_left(session: Session, person_id: str) -> int:
    return len(
        session.exec(
            select(models.ConsoleRecoveryCode).where(
                models.ConsoleRecoveryCode.person_id == person_id,
                col(models.ConsoleRecoveryCode.used_at).is_(None),
            )
        ).all()
    )


def remove_factor(session: Session, person_id: str, *, actor: Actor = SYSTEM) -> None:
    """Forget a person's authenticator (a lost phone): they set up a new one at next sign-in."""
    person = session.get(models.Person, person_id)
    if person is None:
        raise NotFoundError(f"There is no person with id {person_id}.")
    person.totp_secret = None
    session.add(person)
    session.exec(
        delete(models.ConsoleRecoveryCode).where(
            col(models.ConsoleRecoveryCode.person_id) == person_id
        )
    )
    end_sessions_of(session, person_id)
    audit.record(
        session,
        actor,
        "console.factor_removed",
        f"Removed {person.name}'s authenticator app; they set up a new one at next sign-in",
        trust_id=person.trust_id,
        subject_id=person.id,
    )
