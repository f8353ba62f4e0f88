"""Giving staff the console: the first admin from the command line, set-up and reset links.

Console users are the trust's people (``person``), the same who sync from laptops: this only
adds a way to sign in. Used by ``reviewer-app-server admin create-console-user`` and
``reset-console-password``, and by the console's person page.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session, select

from reviewer_app.domain.errors import NotFoundError, ValidationError
from reviewer_app.server import administration as adm
from reviewer_app.server import models
from reviewer_app.server.audit import SYSTEM, Actor
from reviewer_app.server.staff_accounts import LINK_LIFETIME, issue_link, person_by_email

#: The trust a new server's first admin creates when no name is given (renamed in the console).
DEFAULT_TRUST_NAME = "New trust"


def link_url(server_url: str, token: str) -> str:
    """Where a one-time link takes its holder (set-up and reset links are the same page)."""
    return f"{server_url.rstrip('/')}/console/set-password/{token}"


def _name_from_email(email: str) -> str:
    local = email.split("@", 1)[0]
    words = [w for w in local.replace("_", ".").replace("-", ".").split(".") if w]
    return " ".join(w.capitalize() for w in words) or email


def _trust_for(session: Session, trust_id: str | None, trust_name: str | None, actor: Actor) -> str:
    if trust_id:
        if session.get(models.Trust, trust_id) is None:
            raise NotFoundError(f"There is no trust with id {trust_id}.")
        return trust_id
    trusts = session.exec(select(models.Trust)).all()
    if not trusts:
        return adm.create_trust(session, trust_name or DEFAULT_TRUST_NAME, actor=actor).id
    if len(trusts) > 1:
        names = ", ".join(f"{t.name} ({t.id})" for t in trusts)
        raise ValidationError(
            "This server holds several trusts; say which with --trust.", hint=f"They are {names}."
        )
    return trusts[0].id


def create_console_user(
    session: Session,
    email: str,
    *,
    roles: Iterable[str] = (),
    name: str | None = None,
    trust_id: str | None = None,
    trust_name: str | None = None,
    server_url: str,
    actor: Actor = SYSTEM,
) -> str:
    """Make ``email`` able to sign in (adding the person, or their roles, if needed); returns
    the sentence with the one-time set-up link to give them."""
    person = person_by_email(session, email)
    if person is None:
        trust = _trust_for(session, trust_id, trust_name, actor)
        person = adm.create_person(
            session,
            trust,
            name=name or _name_from_email(email),
            email=email,
            roles=roles,
            actor=actor,
        )
    else:
        for role in roles:
            adm.grant_role(session, person.id, role, actor=actor)
    session.flush()
    purpose = "reset" if person.password_hash else "setup"
    token = issue_link(session, person.id, purpose, actor=actor)
    hours = int(LINK_LIFETIME[purpose].total_seconds() // 3600)
    return (
        f"{person.name} ({person.email}) can sign in to the trust console. Give them this "
        f"one-time link (it works once, for {hours} hours) to choose a password:\n"
        f"{link_url(server_url, token)}"
    )


def reset_link_message(
    session: Session, email: str, server_url: str, *, actor: Actor = SYSTEM
) -> str:
    """A one-time link for someone to choose a new console password."""
    person = person_by_email(session, email)
    if person is None:
        raise NotFoundError(f"There is nobody with the email {email}.")
    token = issue_link(session, person.id, "reset", actor=actor)
    hours = int(LINK_LIFETIME["reset"].total_seconds() // 3600)
    return (
        f"Give {person.name} this one-time link (it works once, for {hours} hours) to choose a "
        f"new console password:\n{link_url(server_url, token)}"
    )
