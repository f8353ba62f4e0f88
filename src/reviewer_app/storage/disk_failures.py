"""A disk or folder that refuses a write, as a sentence naming the file and what to do.

A full disk, a read-only store (a copy from a CD or a locked network share), a data folder the
person may not write to: SQLite and the operating system report these as error codes deep in a
traceback. :func:`disk_failure` turns them into a
:class:`~reviewer_app.domain.errors.ReviewerError` the commands and the app show instead; the
traceback stays in the log. Nothing was written when they are raised (the store's writes are
transactions, bundles are written to a ``.part`` file first).
"""

from __future__ import annotations

import errno
from pathlib import Path

from reviewer_app.domain.errors import ReviewerError

_FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}
_READ_ONLY = {errno.EROFS}
_FORBIDDEN = {errno.EACCES, errno.EPERM}


class DiskFailureError(ReviewerError):
    """A write refused by the disk, the folder or the file."""


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def disk_failure(exc: BaseException, store: Path | None = None) -> DiskFailureError | None:
    """The sentence for ``exc`` when it (or what caused it) is a disk refusing a write; ``None``
    for anything else. ``store`` names the store file for SQLite's errors, which name none."""
    for error in _chain(exc):
        if isinstance(error, OSError) and error.errno is not None:
            where = error.filename or store or "the data folder"
            if error.errno in _FULL:
                return _full(where)
            if error.errno in _READ_ONLY:
                return _read_only(where)
            if error.errno in _FORBIDDEN:
                return DiskFailureError(
                    f"Reviewer may not write to {where}.",
                    hint="Choose a folder you may write to (or ask your IT support to give you "
                    "access); nothing was changed.",
                )
        name = getattr(error, "sqlite_errorname", "")
        if name:
            where = store or "the store"
            if name == "SQLITE_FULL":
                return _full(where)
            if name == "SQLITE_READONLY" or name.startswith("SQLITE_READONLY_"):
                return _read_only(where)
            if name == "SQLITE_CANTOPEN":
                return DiskFailureError(
                    f"The store {where} cannot be opened for writing: its folder is missing or "
                    "may not be written to.",
                    hint="Check the data folder still exists and that you may write to it.",
                )
            if name.startswith("SQLITE_IOERR"):
                return DiskFailureError(
                    f"The disk holding {where} failed to read or write it.",
                    hint="Check the disk (an unplugged USB drive or network share?) and try "
                    "again; nothing was changed.",
                )
    return None


def _full(where: object) -> DiskFailureError:
    return DiskFailureError(
        f"The disk holding {where} is full, so nothing was written.",
        hint="Free some space (empty the recycle bin, move old files) and try again; nothing "
        "was lost.",
    )


def _read_only(where: object) -> DiskFailureError:
    return DiskFailureError(
        f"{where} is read-only, so Reviewer cannot save to it.",
        hint="Copy the data folder to a disk you may write to (or remove the read-only setting) "
        "and start Reviewer from there; nothing was changed.",
    )
