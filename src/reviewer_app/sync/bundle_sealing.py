"""Sealing bundles: reviews that leave the encrypted store leave encrypted.

A sealed bundle is an `age <https://age-encryption.org/v1>`_ file (the ``age`` command opens
it too), encrypted either

* to a **passphrase** (scrypt, :mod:`.age_passphrase`: a fixed work factor, so a bundle sealed
  on a fast machine opens on a slow or busy one), for moving work to another laptop or keeping
  a backup, or
* to the **trust's bundle key** (X25519, the ``pyrage`` binding of ``rage``; the trust server
  holds the private half, an admin can use it), so only the trust can open it.

age authenticates every chunk: a bundle changed by one byte does not open. A plaintext bundle
(``--plaintext``, trust admins only) is the JSON itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from reviewer_app.domain.errors import ReviewerError, ValidationError
from reviewer_app.sync import age_passphrase

#: How every age file begins.
AGE_HEADER = b"age-encryption.org/v1\n"
#: The shortest passphrase a bundle may be sealed with.
MIN_PASSPHRASE = 10
#: scrypt work factors above this are refused on opening (an edited header must not keep a
#: laptop busy for hours; bundles are sealed with 18, age's own recommendation).
MAX_WORK_FACTOR = age_passphrase.MAX_WORK_FACTOR


class BundleLockedError(ReviewerError):
    """The bundle is sealed and the key given does not open it (or none was given).
    ``wants_passphrase``: it opens with a passphrase (ask for one); else with the trust's key."""

    def __init__(self, message: str, *, hint: str = "", wants_passphrase: bool) -> None:
        super().__init__(message, hint=hint)
        self.wants_passphrase = wants_passphrase


@dataclass(frozen=True, slots=True)
class Sealing:
    """How to seal a bundle: a passphrase, or the public keys (``age1…``) of its recipients."""

    passphrase: str | None = None
    recipients: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if (self.passphrase is None) == (not self.recipients):
            raise ValueError("seal with a passphrase or with recipients, not both or neither")
        if self.passphrase is not None and len(self.passphrase) < MIN_PASSPHRASE:
            raise ValidationError(
                f"A bundle passphrase needs at least {MIN_PASSPHRASE} characters.",
                hint="Choose a longer passphrase (a short sentence is easy to remember).",
            )

    @property
    def described(self) -> str:
        if self.passphrase is not None:
            return "encrypted with a passphrase"
        return "encrypted to the trust's key"


def seal(data: bytes, sealing: Sealing) -> bytes:
    """``data`` encrypted as ``sealing`` says."""
    import pyrage

    if sealing.passphrase is not None:
        return age_passphrase.encrypt(data, sealing.passphrase)
    try:
        recipients = [pyrage.x25519.Recipient.from_str(r) for r in sealing.recipients]
    except pyrage.RecipientError as exc:
        raise ValidationError(
            "The trust's bundle key held on this laptop is damaged.",
            hint="Sync with the trust server to fetch it again.",
        ) from exc
    return pyrage.encrypt(data, list(recipients))


def is_sealed(data: bytes) -> bool:
    """Whether ``data`` is an age file."""
    return data.startswith(AGE_HEADER)


def needs_passphrase(data: bytes) -> bool:
    """Whether a sealed bundle was sealed with a passphrase (not to the trust's key)."""
    header = data[: data.find(b"\n---")] if b"\n---" in data[:4096] else data[:4096]
    return b"\n-> scrypt " in header


def _work_factor(data: bytes) -> int | None:
    for line in data[:4096].split(b"\n"):
        if line.startswith(b"-> scrypt "):
            parts = line.split()
            try:
                return int(parts[-1])
            except ValueError:
                return None
    return None


def unseal(
    data: bytes, name: str, *, passphrase: str | None = None, identities: tuple[str, ...] = ()
) -> bytes:
    """The plaintext of a sealed bundle called ``name``; :class:`BundleLockedError` when the key
    does not open it, :class:`ValidationError` when it was changed or cut short."""
    import pyrage

    if needs_passphrase(data):
        if passphrase is None:
            raise BundleLockedError(
                f"{name} is encrypted with a passphrase.",
                hint="Enter the passphrase chosen when it was exported.",
                wants_passphrase=True,
            )
        factor = _work_factor(data)
        if factor is None or factor > MAX_WORK_FACTOR:
            raise ValidationError(
                f"{name} asks for an unreasonable amount of work to open (its encryption header "
                "was changed), so it was not opened.",
                hint="Ask for the bundle to be exported again.",
            )
        try:
            return age_passphrase.decrypt(data, passphrase, max_work_factor=MAX_WORK_FACTOR)
        except age_passphrase.AgeKeyError as exc:
            raise _refusal(data, name, "passphrase", wants_passphrase=True) from exc
        except age_passphrase.AgeFormatError as exc:
            if b"\n--- " not in data[:4096]:
                raise _refusal(data, name, "passphrase", wants_passphrase=True) from exc
            raise ValidationError(
                f"{name} was changed or cut short after it was exported, so it was not opened.",
                hint="Ask for the bundle to be exported again.",
            ) from exc
    if not identities:
        raise BundleLockedError(
            f"{name} is encrypted to the trust's key: only the trust can open it.",
            hint="Send it to the trust's central team, or ask for a bundle with a passphrase.",
            wants_passphrase=False,
        )
    try:
        keys = [pyrage.x25519.Identity.from_str(i) for i in identities]
    except pyrage.IdentityError as exc:
        raise ValidationError("The trust's bundle key file is damaged.") from exc
    try:
        return pyrage.decrypt(data, list(keys))
    except pyrage.DecryptError as exc:
        raise _refusal(data, name, "key", wants_passphrase=False) from exc


def _refusal(data: bytes, name: str, what: str, *, wants_passphrase: bool) -> ReviewerError:
    """Wrong key, or damage? age cannot say which, so the sentence names both honestly: a wrong
    key is by far the likelier when the header is well formed."""
    if b"\n--- " not in data[:4096]:
        return ValidationError(
            f"{name} is damaged: its encryption header is incomplete.",
            hint="Ask for the bundle to be exported again.",
        )
    return BundleLockedError(
        f"{name} could not be opened: the {what} is wrong, or the file was changed after it was "
        "exported.",
        hint=f"Check the {what}; if it is right, ask for the bundle to be exported again.",
        wants_passphrase=wants_passphrase,
    )
