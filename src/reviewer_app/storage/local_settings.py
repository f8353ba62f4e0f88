"""Small facts kept inside the store (who uses this laptop, whether demo data is seeded)."""

from __future__ import annotations

from sqlmodel import Session

from reviewer_app.storage.tables import LocalSettingRow

CURRENT_PERSON = "current_person_id"
CURRENT_TRUST = "current_trust_id"
DEMO_SEEDED = "demo_seeded"
DEMO_CATEGORIES = "demo_categories_seeded"
#: Minutes without input before the app locks, as the trust set it (received at sync).
IDLE_LOCK_MINUTES = "privacy.idle_lock_minutes"
#: Reviews and visits this laptop dropped as old, signed and synced (JSON: {"reviews": [...],
#: "visits": [...]}); the trust server still lists them, and the laptop does not take them back.
DROPPED_AS_OLD = "retention.dropped_as_old"


def get_setting(session: Session, key: str) -> str | None:
    """The value stored under ``key``, or ``None``."""
    row = session.get(LocalSettingRow, key)
    return None if row is None else row.value


def set_setting(session: Session, key: str, value: str) -> None:
    """Store ``value`` under ``key`` (replacing any earlier value)."""
    row = session.get(LocalSettingRow, key)
    if row is None:
        session.add(LocalSettingRow(key=key, value=value))
    else:
        row.value = value
        session.add(row)
    session.flush()


def delete_setting(session: Session, key: str) -> None:
    """Forget the value stored under ``key`` (nothing happens when there is none)."""
    row = session.get(LocalSettingRow, key)
    if row is not None:
        session.delete(row)
        session.flush()
