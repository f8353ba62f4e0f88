"""Enrolling this laptop with the trust server: a one-time code for a device token.

The token goes to the OS keyring (never the store, never a log); the store keeps the server
address and device id (``sync.server_url``, ``sync.device_id``), and the identity the server
names becomes this laptop's trust and person, so what is captured here carries the server's ids.
A certificate for the reviewer's signing key is kept when the server issues one.
"""

from __future__ import annotations

import logging
import platform
from collections.abc import Callable
from dataclasses import dataclass

from reviewer_app.domain.errors import ReviewerError
from reviewer_app.domain.organisation import Person, Role, Trust
from reviewer_app.services.writer_lane import WriterLane
from reviewer_app.storage.local_settings import (
    CURRENT_PERSON,
    CURRENT_TRUST,
    get_setting,
    set_setting,
)
from reviewer_app.storage.organisation_repository import OrganisationRepository
from reviewer_app.storage.store import Store
from reviewer_app.sync.client import SyncClient, SyncClientError
from reviewer_app.sync.protocol import MIN_CLIENT_SCHEMA_VERSION, PROTOCOL_VERSION, EnrolRequest

log = logging.getLogger(__name__)

#: Keyring service name under which device tokens are kept (user name: server URL + device id).
KEYRING_SERVICE = "Reviewer trust server"
SERVER_URL = "sync.server_url"
DEVICE_ID = "sync.device_id"
CERTIFICATE_PEM = "sync.certificate_pem"
CA_CERTIFICATE_PEM = "sync.ca_certificate_pem"

#: Builds a client for (server URL, token or None).
ClientFactory = Callable[[str, "str | None"], SyncClient]


class NotEnrolledError(SyncClientError):
    """This laptop has no device token for a trust server (yet, or any more)."""


class AlreadyEnrolledError(ReviewerError):
    """This laptop is enrolled and its device token is kept: a new code is not needed."""


def default_client_factory(server_url: str, token: str | None) -> SyncClient:
    return SyncClient(server_url, token)


def keyring_user(server_url: str, device_id: str) -> str:
    return f"{server_url.rstrip('/')} {device_id}"


@dataclass(frozen=True, slots=True)
class Enrolment:
    """Who this laptop now syncs as."""

    server_url: str
    device_id: str
    person_id: str
    person_name: str
    has_certificate: bool


def _keep_token(server_url: str, device_id: str, token: str) -> None:
    import keyring
    from keyring.errors import KeyringError

    user = keyring_user(server_url, device_id)
    try:
        keyring.set_password(KEYRING_SERVICE, user, token)
        kept = keyring.get_password(KEYRING_SERVICE, user)
    except KeyringError as exc:
        log.info("Keyring refused the device token: %s", type(exc).__name__)
        kept = None
    if kept != token:
        raise ReviewerError(
            "This computer has no working password store (keyring) to keep the device token in.",
            hint="Unlock or set up the system keyring, then enrol again with a new code.",
        )


def device_token(server_url: str, device_id: str) -> str | None:
    """The device token kept in the keyring, or ``None``."""
    import keyring
    from keyring.errors import KeyringError

    try:
        return keyring.get_password(KEYRING_SERVICE, keyring_user(server_url, device_id))
    except KeyringError:
        return None


def enrol(
    store: Store,
    lane: WriterLane,
    server_url: str,
    code: str,
    *,
    device_name: str | None = None,
    certificate_request_pem: str | None = None,
    client_factory: ClientFactory = default_client_factory,
) -> Enrolment:
    """Exchange ``code`` for a device token at ``server_url`` and make this store theirs."""
    server_url = server_url.rstrip("/")
    if not server_url.startswith(("http://", "https://")):
        raise ReviewerError(
            f"'{server_url}' is not a server address.",
            hint="Use the address your trust admin gave you, starting with https://.",
        )
    request = EnrolRequest(
        code=code,
        device_name=(device_name or platform.node() or "Laptop")[:100],
        protocol_version=PROTOCOL_VERSION,
        client_schema_version=MIN_CLIENT_SCHEMA_VERSION,
        certificate_request_pem=certificate_request_pem,
    )
    with client_factory(server_url, None) as client:
        answer = client.enrol(request)
    _keep_token(server_url, answer.device_id, answer.device_token)
    info = answer.person
    roles = frozenset(Role(r) for r in info.roles if r in Role._value2member_map_)

    def write() -> None:
        with store.writing() as session:
            repo = OrganisationRepository(session)
            old_trust_id = get_setting(session, CURRENT_TRUST)
            old_trust = repo.get_trust(old_trust_id) if old_trust_id else None
            if repo.get_trust(info.trust_id) is None:
                repo.save_trust(
                    Trust(id=info.trust_id, name=old_trust.name if old_trust else "Trust")
                )
            repo.save_person(
                Person(
                    id=info.id, trust_id=info.trust_id, name=info.name, email=info.email,
                    roles=roles,
                )
            )  # fmt: skip
            set_setting(session, CURRENT_TRUST, info.trust_id)
            set_setting(session, CURRENT_PERSON, info.id)
            set_setting(session, SERVER_URL, server_url)
            set_setting(session, DEVICE_ID, answer.device_id)
            if answer.certificate_pem:
                set_setting(session, CERTIFICATE_PEM, answer.certificate_pem)
            if answer.ca_certificate_pem:
                set_setting(session, CA_CERTIFICATE_PEM, answer.ca_certificate_pem)

    lane.call(write)
    log.info("Laptop enrolled as device %s", answer.device_id)
    return Enrolment(
        server_url=server_url,
        device_id=answer.device_id,
        person_id=info.id,
        person_name=info.name,
        has_certificate=answer.certificate_pem is not None,
    )


def check_not_enrolled(store: Store) -> None:
    """Raise :class:`AlreadyEnrolledError` when this store is enrolled and keeps its token.

    The app asks before enrolling from its menu; re-enrolling after the server refused the
    token (revoked, unknown) or when the token is gone from the keyring is always allowed.
    """
    server = enrolled_server(store)
    if server is not None and device_token(*server):
        raise AlreadyEnrolledError(
            f"This laptop is already enrolled with {server[0]}.",
            hint="You need a new code only when Reviewer asks you to enrol again.",
        )


def enrolled_server(store: Store) -> tuple[str, str] | None:
    """(server URL, device id) this store syncs with, or ``None`` before enrolment."""
    with store.reading() as session:
        url = get_setting(session, SERVER_URL)
        device = get_setting(session, DEVICE_ID)
    return (url, device) if url and device else None
