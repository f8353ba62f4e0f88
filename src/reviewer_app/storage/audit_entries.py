"""The laptop's audit entries: written where the audited thing happens, sent at the next sync."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from reviewer_app.domain.ids import new_id
from reviewer_app.storage.tables import AuditEntryRow


def record_entry(
    session: Session,
    *,
    person_id: str,
    action: str,
    summary: str,
    detail: Mapping[str, Any],
    at: datetime | None = None,
) -> AuditEntryRow:
    """Keep one audit entry (in the caller's transaction)."""
    row = AuditEntryRow(
        id=new_id(),
        occurred_at=(at or datetime.now().astimezone()).isoformat(),
        person_id=person_id,
        action=action,
        summary=summary,
        detail=json.dumps(dict(detail), sort_keys=True),
    )
    session.add(row)
    session.flush()
    return row


def unsent_entries(session: Session, limit: int = 500) -> list[AuditEntryRow]:
    """Entries not yet delivered to the trust, oldest first."""
    return list(
        session.exec(
            select(AuditEntryRow)
            .where(col(AuditEntryRow.sent_at).is_(None))
            .order_by(col(AuditEntryRow.occurred_at), col(AuditEntryRow.id))
            .limit(limit)
        ).all()
    )


def mark_sent(session: Session, ids: list[str], at: datetime) -> None:
    """Note that the trust has these entries."""
    for entry_id in ids:
        row = session.get(AuditEntryRow, entry_id)
        if row is not None:
            row.sent_at = at.isoformat()
            session.add(row)
    session.flush()
