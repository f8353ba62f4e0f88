"""Who is asking: the session cookie, roles, CSRF, and the refusals every console route shares.

Every console route runs inside :func:`console_page` (a GET) or :func:`console_action` (a
form post), which open one database transaction, find the signed-in person from the cookie,
refuse who may not (anonymous, a half-signed-in session, a role too low), and for posts check
the form's CSRF token against the session's. Records are looked up through :func:`owned`,
which answers "not found" for anything of another trust.
"""

from __future__ import annotations

import ipaddress
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Annotated, TypeVar

from fastapi import Depends, Request
from sqlmodel import Session
from starlette.datastructures import FormData

from reviewer_app.domain.organisation import Role
from reviewer_app.server import models
from reviewer_app.server.access import roles_of
from reviewer_app.server.audit import Actor
from reviewer_app.server.database import write_session
from reviewer_app.server.request_context import context_of
from reviewer_app.server.staff_accounts import Stage, csrf_matches, session_for

T = TypeVar("T")

#: Roles that may administer the trust in the console.
ADMINS = frozenset({Role.TRUST_ADMIN})

SESSION_COOKIE = "reviewer-console"
#: Under HTTPS the cookie takes the ``__Host-`` prefix: only this host, path /, Secure.
SECURE_SESSION_COOKIE = "__Host-reviewer-console"
#: The sign-in form's own CSRF cookie (double submit; there is no session yet).
SIGN_IN_COOKIE = "reviewer-sign-in"
SECURE_SIGN_IN_COOKIE = "__Host-reviewer-sign-in"


class ConsoleRefusal(Exception):  # noqa: N818 (a refusal, not an error of ours)
    """A console request refused; the handler in :mod:`.errors` turns it into a page."""

    status = 400

    def __init__(self, message: str = "") -> None:
        super().__init__(message)
        self.message = message


class NotSignedIn(ConsoleRefusal):
    status = 401


class NotAllowed(ConsoleRefusal):
    status = 403


class CsrfRefused(ConsoleRefusal):
    status = 403


class PageNotFound(ConsoleRefusal):
    status = 404


def is_https(request: Request) -> bool:
    return request.url.scheme == "https"


def is_loopback(request: Request) -> bool:
    host = request.client.host if request.client else ""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host in ("localhost", "testclient")


def cookie_name(request: Request, *, sign_in: bool = False) -> str:
    if sign_in:
        return SECURE_SIGN_IN_COOKIE if is_https(request) else SIGN_IN_COOKIE
    return SECURE_SESSION_COOKIE if is_https(request) else SESSION_COOKIE


def session_token(request: Request) -> str | None:
    return request.cookies.get(cookie_name(request))


@dataclass(frozen=True)
class ConsoleUser:
    """The signed-in person, their roles and trust, and their session row."""

    person: models.Person
    roles: frozenset[Role]
    trust: models.Trust
    row: models.ConsoleSession

    @property
    def session_key(self) -> str:
        return self.row.token_sha256

    @property
    def csrf_token(self) -> str:
        return self.row.csrf_token

    @property
    def is_admin(self) -> bool:
        return bool(self.roles & ADMINS)

    @property
    def actor(self) -> Actor:
        return Actor.person(self.person, via="console")


def _user(session: Session, request: Request) -> ConsoleUser:
    row = session_for(session, session_token(request))
    if row is None or row.stage != Stage.SIGNED_IN:
        raise NotSignedIn("Sign in to use the trust console.")
    person = session.get(models.Person, row.person_id)
    trust = session.get(models.Trust, person.trust_id) if person else None
    if person is None or trust is None or not person.active:
        session.delete(row)
        raise NotSignedIn("Sign in to use the trust console.")
    return ConsoleUser(person=person, roles=roles_of(session, person.id), trust=trust, row=row)


def _check_role(user: ConsoleUser, allow: frozenset[Role] | None) -> None:
    if allow is not None and not (user.roles & allow):
        names = " or ".join(role.label.lower() for role in sorted(allow))
        raise NotAllowed(f"This page is for a {names}. Ask your trust admin if you need it.")


@contextmanager
def console_page(
    request: Request, *, allow: frozenset[Role] | None = ADMINS
) -> Iterator[tuple[Session, ConsoleUser]]:
    """A GET of a console page by someone signed in holding one of ``allow`` (None: anyone)."""
    with write_session(context_of(request).engine) as session:
        user = _user(session, request)
        _check_role(user, allow)
        yield session, user


@contextmanager
def console_action(
    request: Request, form: FormData, *, allow: frozenset[Role] | None = ADMINS
) -> Iterator[tuple[Session, ConsoleUser]]:
    """A form post: as :func:`console_page`, and the form's CSRF token must be the session's."""
    with write_session(context_of(request).engine) as session:
        user = _user(session, request)
        sent = form.get("csrf_token")
        if not csrf_matches(user.row, sent if isinstance(sent, str) else None):
            raise CsrfRefused(
                "This form was not sent from this session of the console, so nothing was "
                "changed. Go back, reload the page and try again."
            )
        _check_role(user, allow)
        yield session, user


async def read_form(request: Request) -> AsyncIterator[FormData]:
    """The posted form (urlencoded or multipart), read before the route's thread runs; its
    uploaded files are closed (their temporary files removed) once the request is answered."""
    form = await request.form(max_files=1, max_fields=2000)
    try:
        yield form
    finally:
        await form.close()


FormDep = Annotated[FormData, Depends(read_form)]


def owned(session: Session, model: type[T], key: str, user: ConsoleUser) -> T:
    """A school, person or visit of the user's trust; anything else is "not found"."""
    row = session.get(model, key)
    trust_id = _trust_of(session, row)
    if row is None or trust_id != user.trust.id:
        raise PageNotFound("There is no such page in your trust's console.")
    return row


def _trust_of(session: Session, row: object) -> str | None:
    if isinstance(row, models.School | models.Person):
        return row.trust_id
    if isinstance(row, models.Visit):
        school = session.get(models.School, row.school_id)
        return school.trust_id if school else None
    if isinstance(row, models.Device):
        person = session.get(models.Person, row.person_id)
        return person.trust_id if person else None
    return None


def text(form: FormData, name: str) -> str:
    """A text field of the form, stripped ('' when absent or a file)."""
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""
