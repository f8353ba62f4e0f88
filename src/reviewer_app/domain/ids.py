"""Identifiers: time-ordered UUIDv7 strings, generated on the device that creates the record.

UUIDv7 sorts by creation time, which keeps B-tree inserts local and makes logs readable, while
remaining unique across laptops without coordination (sync relies on that).
"""

from __future__ import annotations


def new_id() -> str:
    """Return a new UUIDv7 as a lowercase hyphenated string."""
    # Imported here: uuid6 reads its own version through importlib.metadata at import, which
    # costs start-up time in every module that merely mentions ids.
    import uuid6

    return str(uuid6.uuid7())
