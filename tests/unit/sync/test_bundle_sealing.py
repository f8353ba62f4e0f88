"""Sealing: age files that open only with their key, and refuse edits and costly headers."""

from __future__ import annotations

import pyrage
import pytest

from reviewer_app.domain.errors import ValidationError
from reviewer_app.sync import age_passphrase
from reviewer_app.sync.bundle_sealing import BundleLockedError, Sealing, seal, unseal

PASSPHRASE = "a long enough passphrase"


def test_a_passphrase_bundle_opens_with_it_only() -> None:
    sealed = seal(b'{"format": "reviewer-bundle"}', Sealing(passphrase=PASSPHRASE))
    assert unseal(sealed, "b", passphrase=PASSPHRASE) == b'{"format": "reviewer-bundle"}'
    with pytest.raises(BundleLockedError) as locked:
        unseal(sealed, "b")
    assert locked.value.wants_passphrase
    with pytest.raises(BundleLockedError, match="the passphrase is wrong"):
        unseal(sealed, "b", passphrase="another passphrase entirely")


def test_a_trust_key_bundle_opens_with_the_trust_identity_only() -> None:
    trust = pyrage.x25519.Identity.generate()
    other = pyrage.x25519.Identity.generate()
    sealed = seal(b"reviews", Sealing(recipients=(str(trust.to_public()),)))
    assert unseal(sealed, "b", identities=(str(trust),)) == b"reviews"
    with pytest.raises(BundleLockedError, match="only the trust can open it") as locked:
        unseal(sealed, "b", passphrase=PASSPHRASE)
    assert not locked.value.wants_passphrase
    with pytest.raises(BundleLockedError, match="the key is wrong"):
        unseal(sealed, "b", identities=(str(other),))


def test_an_edited_work_factor_is_refused_before_any_work() -> None:
    sealed = seal(b"reviews", Sealing(passphrase=PASSPHRASE))
    header, rest = sealed.split(b"\n", 2)[:2], sealed.split(b"\n", 2)[2]
    stanza = header[1].rsplit(b" ", 1)[0] + b" 40"
    edited = header[0] + b"\n" + stanza + b"\n" + rest
    with pytest.raises(ValidationError, match="unreasonable amount of work"):
        unseal(edited, "b", passphrase=PASSPHRASE)


def test_a_short_passphrase_is_refused() -> None:
    with pytest.raises(ValidationError, match="at least 10 characters"):
        Sealing(passphrase="short")


def test_a_passphrase_bundle_asks_the_same_work_on_every_machine() -> None:
    # pyrage would time scrypt on this machine and write what takes it a second, which a
    # slower or busier machine then refuses as "excessive work".
    sealed = seal(b"reviews", Sealing(passphrase=PASSPHRASE))
    assert sealed.split(b"\n")[1].endswith(b" %d" % age_passphrase.WORK_FACTOR)


@pytest.mark.parametrize("size", [0, 1, 64 * 1024, 64 * 1024 + 1, 3 * 64 * 1024])
def test_passphrase_files_are_age_files_both_ways(size: int) -> None:
    data = bytes(range(256)) * (size // 256) + b"x" * (size % 256)
    # A low work factor keeps pyrage's own, machine-timed ceiling well out of the way.
    ours = age_passphrase.encrypt(data, PASSPHRASE, work_factor=10)
    assert pyrage.passphrase.decrypt(ours, PASSPHRASE) == data
    assert age_passphrase.decrypt(ours, PASSPHRASE) == data
    if size in (0, 64 * 1024 + 1):  # what earlier versions sealed with pyrage still opens
        theirs = pyrage.passphrase.encrypt(data, PASSPHRASE)
        assert unseal(theirs, "b", passphrase=PASSPHRASE) == data


def test_a_changed_or_shortened_body_is_refused_as_such() -> None:
    data = b"r" * (2 * 64 * 1024 + 10)
    sealed = age_passphrase.encrypt(data, PASSPHRASE, work_factor=10)
    changed = bytearray(sealed)
    changed[-100] ^= 0x01
    body_start = sealed.index(b"\n", sealed.index(b"\n--- ") + 1) + 1 + 16
    shortened = sealed[: body_start + 64 * 1024 + 16]  # the last chunks dropped
    for edited in (bytes(changed), shortened, sealed[:-1]):
        with pytest.raises(ValidationError, match="changed or cut short after it was exported"):
            unseal(edited, "b", passphrase=PASSPHRASE)
