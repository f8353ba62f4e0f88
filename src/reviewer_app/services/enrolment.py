"""Enrolling this laptop with the trust server: a one-time code for a device token.

Before the code is spent, the laptop makes sure it has somewhere to keep the token and the new
signing key: the OS keyring when one works, else the encrypted store (protected by the store's
passphrase). Neither ever goes to a log. The store keeps the server address and device id
(``sync.server_url``, ``sync.device_id``), and the identity the server names becomes this
laptop's trust and person, so what is captured here carries the server's ids.

Enrolling makes the person's signing key on this laptop and sends a certificate request; the
certificate the trust CA issues and the trust's root certificate are kept (the root also as
``trust-root.pem`` in the settings folder, where ``reviewer-app verify`` finds it). An enrolled
laptop signs only with that certificate (:mod:`.signing_identity`).
"""

from __future__ import annotations

import logging
import platform
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from reviewer_app.domain.errors import ReviewerError
from reviewer_app.domain.organisation import Person, Role, Trust
from reviewer_app.paths import AppPaths
from reviewer_app.services.writer_lane import WriterLane
from reviewer_app.storage.local_settings import (
    CURRENT_PERSON,
    CURRENT_TRUST,
    delete_setting,
    get_setting,
    set_setting,
)
from reviewer_app.storage.organisation_repository import OrganisationRepository
from reviewer_app.storage.store import Store
from reviewer_app.sync.client import SyncClient, SyncClientError
from reviewer_app.sync.protocol import MIN_CLIENT_SCHEMA_VERSION, PROTOCOL_VERSION, EnrolRequest

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric import ec

log = logging.getLogger(__name__)

#: In the settings folder: the trust's root certificate; in the cache: its revocation list.
TRUST_ROOT_FILE = "trust-root.pem"
TRUST_CRL_FILE = "trust-crl.pem"

#: Keyring service name under which device tokens are kept (user name: server URL + device id).
KEYRING_SERVICE = "Reviewer trust server"
SERVER_URL = "sync.server_url"
DEVICE_ID = "sync.device_id"
CERTIFICATE_PEM = "sync.certificate_pem"
CA_CERTIFICATE_PEM = "sync.ca_certificate_pem"
TRUST_CRL_PEM = "sync.trust_crl_pem"
#: The device token, kept in the (encrypted) store only where no keyring works.
DEVICE_TOKEN = "sync.device_token"  # noqa: S105 (a setting name, not a secret)
#: Where the signing key made at enrolment is: a keyring account, or its PEM in the store.
SIGNING_KEY_ACCOUNT = "sync.signing_key_account"
SIGNING_KEY_PEM = "sync.signing_key_pem"

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


def keyring_works() -> bool:
    """Whether the OS keyring keeps a secret and gives it back (tried with a throwaway one).

    Some backends (the null keyring, a locked store) accept a secret and keep nothing, so the
    probe reads back what it wrote.
    """
    import secrets

    import keyring
    from keyring.errors import KeyringError

    user = "probe " + secrets.token_hex(8)
    probe = secrets.token_urlsafe(16)
    try:
        keyring.set_password(KEYRING_SERVICE, user, probe)
        kept = keyring.get_password(KEYRING_SERVICE, user) == probe
        keyring.delete_password(KEYRING_SERVICE, user)
    except (KeyringError, RuntimeError) as exc:
        log.info("No working keyring: %s", type(exc).__name__)
        return False
    return kept


def _keep_token_in_keyring(server_url: str, device_id: str, token: str) -> bool:
    import keyring
    from keyring.errors import KeyringError

    user = keyring_user(server_url, device_id)
    try:
        keyring.set_password(KEYRING_SERVICE, user, token)
        return keyring.get_password(KEYRING_SERVICE, user) == token
    except (KeyringError, RuntimeError) as exc:
        log.info("Keyring refused the device token: %s", type(exc).__name__)
        return False


def device_token(server_url: str, device_id: str, store: Store | None = None) -> str | None:
    """The device token: from the keyring, else from ``store`` where it was kept there."""
    import keyring
    from keyring.errors import KeyringError

    try:
        token = keyring.get_password(KEYRING_SERVICE, keyring_user(server_url, device_id))
    except (KeyringError, RuntimeError):
        token = None
    if token or store is None:
        return token
    with store.reading() as session:
        if get_setting(session, DEVICE_ID) != device_id:
            return None
        return get_setting(session, DEVICE_TOKEN)


def keep_rotated_token(
    store: Store, lane: WriterLane, server_url: str, device_id: str, token: str
) -> bool:
    """Keep the device token the server handed out at this sync where the last one was kept
    (the keyring, or the encrypted store where no keyring works); ``False`` when it could not
    be kept, and the laptop goes on with the old one (the server accepts it until the laptop
    comes back with the new)."""
    with store.reading() as session:
        in_store = get_setting(session, DEVICE_TOKEN) is not None
    if not in_store:
        kept = _keep_token_in_keyring(server_url, device_id, token)
        if not kept:
            log.info("The keyring did not keep the rotated device token; the old one is used")
        return kept

    def write() -> None:
        with store.writing() as session:
            set_setting(session, DEVICE_TOKEN, token)

    lane.call(write)
    return True


def enrol(
    store: Store,
    lane: WriterLane,
    server_url: str,
    code: str,
    *,
    device_name: str | None = None,
    certificate_request_pem: str | None = None,
    client_factory: ClientFactory = default_client_factory,
    paths: AppPaths | None = None,
) -> Enrolment:
    """Exchange ``code`` for a device token at ``server_url`` and make this store theirs.

    Unless ``certificate_request_pem`` brings the person's own request, a new signing key is
    made here and its request sent; the key is kept only once the trust has answered. ``paths``
    is where ``trust-root.pem`` is written (the settings folder).
    """
    from cryptography.hazmat.primitives import serialization

    from reviewer_app.reports.keys import certificate_request, generate_signing_key

    server_url = server_url.rstrip("/")
    if not server_url.startswith(("http://", "https://")):
        raise ReviewerError(
            f"'{server_url}' is not a server address.",
            hint="Use the address your trust admin gave you, starting with https://.",
        )
    # Decided before the code is spent: where the token and key will live. The store always
    # works, so nothing after the server's answer can fail for want of a place to keep them.
    use_keyring = keyring_works()
    name = (device_name or platform.node() or "Laptop")[:100]
    key = None
    if certificate_request_pem is None:
        key = generate_signing_key()
        # The trust CA takes the name, e-mail and roles from its own records; the request only
        # proves this laptop holds the key.
        csr = certificate_request(key, name=name)
        certificate_request_pem = csr.public_bytes(serialization.Encoding.PEM).decode("ascii")
    request = EnrolRequest(
        code=code,
        device_name=name,
        protocol_version=PROTOCOL_VERSION,
        client_schema_version=MIN_CLIENT_SCHEMA_VERSION,
        certificate_request_pem=certificate_request_pem,
    )
    with client_factory(server_url, None) as client:
        answer = client.enrol(request)
    token_in_keyring = use_keyring and _keep_token_in_keyring(
        server_url, answer.device_id, answer.device_token
    )
    key_account = key_pem = None
    if key is not None:
        key_account, key_pem = _keep_signing_key(
            key, f"{answer.person.email} {answer.device_id}", use_keyring
        )
    info = answer.person
    roles = frozenset(Role(r) for r in info.roles if r in Role._value2member_map_)

    def write() -> None:
        with store.writing() as session:
            repo = OrganisationRepository(session)
            old_trust_id = get_setting(session, CURRENT_TRUST)
            old_trust = repo.get_trust(old_trust_id) if old_trust_id else None
            known = repo.get_trust(info.trust_id)
            if known is None or info.trust_name:
                # The trust's own name when its server sends one (reports carry it).
                name = info.trust_name or (old_trust.name if old_trust else "Trust")
                basis = known or old_trust
                profile = basis.profile_id if basis else "generic"
                repo.save_trust(Trust(id=info.trust_id, name=name, profile_id=profile))
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
            if token_in_keyring:
                delete_setting(session, DEVICE_TOKEN)
            else:
                set_setting(session, DEVICE_TOKEN, answer.device_token)
            # A new enrolment replaces the last one's key and certificate (a revoked laptop's
            # certificate is never used again).
            for old in (CERTIFICATE_PEM, SIGNING_KEY_ACCOUNT, SIGNING_KEY_PEM):
                delete_setting(session, old)
            if key_account:
                set_setting(session, SIGNING_KEY_ACCOUNT, key_account)
            if key_pem:
                set_setting(session, SIGNING_KEY_PEM, key_pem)
            if answer.certificate_pem:
                set_setting(session, CERTIFICATE_PEM, answer.certificate_pem)
            if answer.ca_certificate_pem:
                set_setting(session, CA_CERTIFICATE_PEM, answer.ca_certificate_pem)

    lane.call(write)
    if paths is not None and answer.ca_certificate_pem:
        keep_trust_file(paths.config / TRUST_ROOT_FILE, answer.ca_certificate_pem)
    log.info("Laptop enrolled as device %s", answer.device_id)
    return Enrolment(
        server_url=server_url,
        device_id=answer.device_id,
        person_id=info.id,
        person_name=info.name,
        has_certificate=answer.certificate_pem is not None,
    )


def _keep_signing_key(
    key: ec.EllipticCurvePrivateKey, account: str, use_keyring: bool
) -> tuple[str | None, str | None]:
    """(keyring account, None) when the keyring kept the key, else (None, PEM for the store)."""
    from cryptography.hazmat.primitives import serialization

    from reviewer_app.reports.keys import SigningKeyError, store_key_in_keyring

    if use_keyring:
        try:
            store_key_in_keyring(key, account)
        except SigningKeyError:
            log.info("Keyring refused the signing key; it is kept in the encrypted store")
        else:
            return account, None
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),  # the store itself is encrypted with its passphrase
    ).decode("ascii")
    return None, pem


def keep_trust_file(path: Path, pem: str) -> None:
    """Write the trust's root certificate or revocation list whole (``.part``, then replace)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(path.name + ".part")
    part.write_text(pem, encoding="ascii")
    part.replace(path)


def check_not_enrolled(store: Store) -> None:
    """Raise :class:`AlreadyEnrolledError` when this store is enrolled and keeps its token.

    The app asks before enrolling from its menu; re-enrolling after the server refused the
    token (revoked, unknown) or when the token is gone from the keyring is always allowed.
    """
    server = enrolled_server(store)
    if server is not None and device_token(*server, store):
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
