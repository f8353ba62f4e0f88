"""Errors raised when the local store cannot be opened or written.

Each names the store file and says what to do. Opening a store never changes it on disk when one
of these is raised (see :mod:`reviewer_app.storage.engine`).
"""

from __future__ import annotations

from pathlib import Path

from reviewer_app.domain.errors import ReviewerError


class StoreError(ReviewerError):
    """Base of every problem with the local store file."""

    def __init__(self, path: Path, message: str, *, hint: str = "") -> None:
        super().__init__(message, hint=hint)
        self.path = path


class WrongKeyError(StoreError):
    """The key or passphrase does not open the store."""


class PassphraseRequiredError(StoreError):
    """No keyring is available and nobody supplied a passphrase."""


class KeyMissingError(StoreError):
    """The store's key is not in this computer's keyring."""


class PlainDatabaseError(StoreError):
    """The file is an ordinary, unencrypted SQLite database."""


class TruncatedStoreError(StoreError):
    """The file is shorter than the store it once was (an interrupted copy or a full disk)."""


class NotAStoreError(StoreError):
    """The file is not a database at all."""


class NewerStoreError(StoreError):
    """The store was written by a newer version of Reviewer."""


class StaleWriteError(ReviewerError):
    """A shared field changed since the person started editing it."""
