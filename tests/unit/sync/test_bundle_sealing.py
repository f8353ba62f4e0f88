"""Sealing: age files that open only with their key, and refuse edits and costly headers."""

from __future__ import annotations

import pyrage
import pytest

from reviewer_app.domain.errors import ValidationError
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
