"""Enrolment makes a trusted signer and never wastes a code (issue 13, item 2).

The real server on loopback with a real trust CA folder; laptops with real encrypted stores.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import keyring
import pytest
from cryptography import x509
from keyring.backends import fail
from sqlmodel import select
from sync_world import CA_PASSPHRASE, Laptop, LiveServer, World, build_world

from reviewer_app.reports.ca import CaFolder, is_self_issued
from reviewer_app.reports.keys import SigningKeyError
from reviewer_app.server import models
from reviewer_app.server.database import write_session
from reviewer_app.services import enrolment
from reviewer_app.services.signing_identity import SigningIdentity, trust_material
from reviewer_app.storage.local_settings import get_setting


@pytest.fixture
def world_with_ca(ca_server: LiveServer) -> World:
    ca_server.reset()
    return build_world(ca_server)


@pytest.fixture
def ca_laptop(tmp_path: Path, ca_server: LiveServer) -> Iterator[Callable[[str], Laptop]]:
    made: list[Laptop] = []

    def make(name: str) -> Laptop:
        device = Laptop(tmp_path / name, ca_server)
        made.append(device)
        return device

    yield make
    for device in made:
        device.close()


def _devices(server: LiveServer, person_id: str) -> list[models.Device]:
    with write_session(server.engine) as session:
        return list(
            session.exec(select(models.Device).where(models.Device.person_id == person_id)).all()
        )


def test_enrolling_makes_a_trust_certified_signer_with_root_and_crl_kept(
    ca_server: LiveServer, world_with_ca: World, ca_laptop: Callable[[str], Laptop]
) -> None:
    lead = ca_laptop("lee")
    done = lead.enrol(world_with_ca.lead)
    assert done.has_certificate
    # The laptop takes the trust's own name (its reports carry it), not a placeholder.
    assert lead.workspace.trust.name == "Oak Learning Trust"

    # The trust root is kept where 'reviewer-app verify' looks for it, with no flags.
    root = CaFolder(ca_server.folder / "ca").root_certificate()
    root_file = lead.paths.config / enrolment.TRUST_ROOT_FILE
    assert x509.load_pem_x509_certificate(root_file.read_bytes()) == root

    person = lead.workspace.current_person
    creds = SigningIdentity(lead.paths, person, lead.workspace.store).credentials()
    assert not is_self_issued(creds.certificate)
    assert creds.certificate.issuer == root.subject
    creds.certificate.verify_directly_issued_by(root)
    assert "Lee Lead" in creds.certificate.subject.rfc4514_string()

    # Every sync refreshes the revocation list: a revocation on the server reaches the laptop.
    crl_file = lead.paths.cache / enrolment.TRUST_CRL_FILE
    assert not crl_file.exists()
    lead.sync.sync_now()
    first = x509.load_pem_x509_crl(crl_file.read_bytes())
    # A trust renamed on the server is renamed on its laptops at their next sync.
    with write_session(ca_server.engine) as s:
        trust = s.get(models.Trust, world_with_ca.trust)
        assert trust is not None
        trust.name = "Oak Schools Trust"
        s.add(trust)
    CaFolder(ca_server.folder / "ca").revoke(CA_PASSPHRASE, f"{creds.certificate.serial_number:x}")
    lead.sync.sync_now()
    lead.workspace.reload_identity()  # as the app does after a sync that changed it
    assert lead.workspace.trust.name == "Oak Schools Trust"
    newer = x509.load_pem_x509_crl(crl_file.read_bytes())
    assert newer.get_revoked_certificate_by_serial_number(creds.certificate.serial_number)
    assert first.get_revoked_certificate_by_serial_number(creds.certificate.serial_number) is None
    material = trust_material(lead.paths, lead.workspace.store)
    assert material.roots == (root,)
    assert material.crls == (newer,)

    # Re-enrolling (after a revocation) makes a new key and a new certificate.
    lead.enrol(world_with_ca.lead)
    again = SigningIdentity(lead.paths, person, lead.workspace.store).credentials()
    assert again.certificate.serial_number != creds.certificate.serial_number
    assert again.private_key.public_key() != creds.private_key.public_key()

    # A second laptop of the same person gets a certificate of its own.
    other = ca_laptop("lee-second")
    other.enrol(world_with_ca.lead)
    third = SigningIdentity(
        other.paths, other.workspace.current_person, other.workspace.store
    ).credentials()
    assert third.certificate.serial_number not in {
        creds.certificate.serial_number,
        again.certificate.serial_number,
    }


def test_without_a_keyring_the_code_is_spent_once_and_the_token_and_key_live_in_the_store(
    ca_server: LiveServer, world_with_ca: World, ca_laptop: Callable[[str], Laptop]
) -> None:
    peer = ca_laptop("pat")  # the store is open (its key read) before the keyring goes away
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        assert not enrolment.keyring_works()
        done = peer.enrol(world_with_ca.peer)
        assert done.has_certificate
        (device,) = _devices(ca_server, world_with_ca.peer)
        assert device.id == done.device_id
        with peer.workspace.store.reading() as session:
            assert get_setting(session, enrolment.DEVICE_TOKEN)
            assert get_setting(session, enrolment.SIGNING_KEY_PEM)
        result = peer.sync.sync_now()
        assert not result.cancelled
        creds = SigningIdentity(
            peer.paths, peer.workspace.current_person, peer.workspace.store
        ).credentials()
        assert not is_self_issued(creds.certificate)
    finally:
        keyring.set_keyring(previous)


def test_an_enrolled_laptop_never_signs_with_a_self_issued_certificate(
    server: LiveServer, world: World, laptop: Callable[[str], Laptop]
) -> None:
    # This trust server has no CA, so enrolment brings no certificate.
    peer = laptop("pat")
    done = peer.enrol(world.peer)
    assert not done.has_certificate
    identity = SigningIdentity(peer.paths, peer.workspace.current_person, peer.workspace.store)
    with pytest.raises(SigningKeyError, match="holds no certificate from the trust"):
        identity.credentials()
    assert not identity.self_issued_file.exists()


def test_a_never_enrolled_laptop_still_signs_marked_not_trust_certified(tmp_path: Path) -> None:
    from reviewer_app.paths import AppPaths
    from reviewer_app.services.workspace import Workspace

    paths = AppPaths.from_base(tmp_path / "alone")
    with Workspace.open(paths) as workspace:
        identity = SigningIdentity(paths, workspace.current_person, workspace.store)
        creds = identity.credentials()
        assert is_self_issued(creds.certificate)
        assert not identity.is_certified_by_trust(creds)
