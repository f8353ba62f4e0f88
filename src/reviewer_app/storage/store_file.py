"""The store file before any database library: its shape on disk and the SQLCipher key pragma.

Kept apart from :mod:`reviewer_app.storage.engine` (which needs SQLAlchemy) so that the quick
first look at start-up (:mod:`reviewer_app.storage.quick_read`) can share these checks without
importing SQLAlchemy.
"""

from __future__ import annotations

from pathlib import Path

from reviewer_app.storage.errors import NotAStoreError, PlainDatabaseError, TruncatedStoreError

#: SQLCipher 4's default page size; an intact store is a whole number of pages.
PAGE_SIZE = 4096
SQLITE_MAGIC = b"SQLite format 3\x00"
_OTHER_MAGIC = (b"%PDF-", b"PK\x03\x04", b"\x89PNG", b"\xff\xd8\xff", b"GIF8")


def key_pragma(key: bytes) -> str:
    """The ``PRAGMA key`` statement for a raw 256-bit key."""
    # A raw key in SQLCipher's x'..' form skips its PBKDF2, so opening is fast; our keys are
    # already random (keyring) or scrypt-derived (passphrase).
    return f"PRAGMA key = \"x'{key.hex()}'\""


def _looks_like_text(head: bytes) -> bool:
    if not head:
        return False
    printable = sum(32 <= b < 127 or b in (9, 10, 13) for b in head)
    return printable / len(head) > 0.95


def not_a_store(path: Path) -> NotAStoreError:
    """The error for a file that is some other kind of file."""
    return NotAStoreError(
        path,
        f"{path} is not a Reviewer store (it is some other kind of file).",
        hint="Move it out of the data folder or choose another data folder.",
    )


def looks_like_another_format(path: Path) -> bool:
    """A guess, asked only of a file that already failed to open as a store.

    An encrypted store begins with a random salt, which may by chance begin like anything;
    so these signatures never decide about a file that opens.
    """
    with path.open("rb") as handle:
        head = handle.read(64)
    return head.startswith(_OTHER_MAGIC) or _looks_like_text(head)


def check_file_shape(path: Path) -> None:
    """Reject files that cannot be a store from their size and first bytes alone."""
    size = path.stat().st_size
    if size == 0:
        raise TruncatedStoreError(
            path,
            f"The store {path} is empty: it was cut short, perhaps by a full disk or an "
            "interrupted copy.",
            hint="Restore it from a backup or sync your work down to a new data folder.",
        )
    with path.open("rb") as handle:
        first_page = handle.read(PAGE_SIZE)
    head = first_page[: len(SQLITE_MAGIC)]
    if not first_page.strip(b"\x00"):
        # An encrypted page starts with a random salt; a page of zeros is what a crashed copy,
        # a bad sector or a file system repair leaves. No passphrase opens it, so none is blamed.
        raise TruncatedStoreError(
            path,
            f"The store {path} is damaged: its first page is filled with zeros, perhaps by an "
            "interrupted copy or a disk fault. The passphrase is not the problem.",
            hint="Restore it from a backup or sync your work down to a new data folder.",
        )
    if head == SQLITE_MAGIC:  # 16 fixed bytes: a salt matches them by chance once in 2**128
        raise PlainDatabaseError(
            path,
            f"{path} is an ordinary, unencrypted SQLite database, not a Reviewer store.",
            hint="Move it out of the data folder; Reviewer only opens its own encrypted stores.",
        )
    if size % PAGE_SIZE:
        if looks_like_another_format(path):
            raise not_a_store(path)
        raise TruncatedStoreError(
            path,
            f"The store {path} is cut short ({size} bytes is not a whole number of pages): "
            "perhaps a full disk or an interrupted copy.",
            hint="Restore it from a backup or sync your work down to a new data folder.",
        )
