"""Every kind of malformed record, written straight into the trust server's store.

As a buggy older client (or a server before the shared record schema) would have left them: the
laptops must set each aside and go on syncing (issue 14, item 3).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.engine import Engine

from reviewer_app.server import models
from reviewer_app.server.database import write_session

AT = "2026-03-02T10:00:00+00:00"

#: (what is wrong, change kind, entity, payload) for every kind of record a pull can bring.
MALFORMED: list[tuple[str, str, str, Any]] = [
    ("a note without its text", "append", "evidence_note", {"id": "X", "review_id": "R",
                                                            "author_id": "A", "captured_at": AT}),
    ("a note that is a list", "append", "evidence_note", ["not", "a", "note"]),
    ("a note of another review", "append", "evidence_note", {"id": "X", "review_id": "other",
                                                             "author_id": "A", "text": "t",
                                                             "captured_at": AT}),
    ("a note with a number for a time", "append", "evidence_note",
     {"id": "X", "review_id": "R", "author_id": "A", "text": "t", "captured_at": 17}),
    ("a withdrawal that is not a note", "retract", "evidence_note", {"supersedes": 5}),
    ("an attachment without its file", "append", "attachment",
     {"id": "X", "review_id": "R", "sha256": "0" * 64, "filename": "f.jpg",
      "media_type": "image/jpeg", "size": 3, "author_id": "A", "added_at": AT}),
    ("an attachment with a text size", "append", "attachment",
     {"id": "X", "review_id": "R", "size": "big"}),
    ("a judgement without a criterion", "append", "judgement",
     {"id": "X", "review_id": "R", "author_id": "A", "level_key": "x", "created_at": AT}),
    ("an action with an unknown priority", "append", "action",
     {"id": "X", "review_id": "R", "school_id": "S", "text": "t", "owner": "o", "due": None,
      "priority": "urgent", "created_by": "A", "created_at": AT}),
    ("a follow-up of no action", "append", "action_follow_up",
     {"id": "X", "action_id": "nowhere", "review_id": "R", "outcome": "met", "evidence": "",
      "author_id": "A", "recorded_at": AT}),
    ("a follow-up without an outcome", "append", "action_follow_up",
     {"id": "X", "review_id": "R"}),
    ("a conflict that is not one", "conflict", "field_value", {"id": 3}),
    ("a signed report naming no file", "append", "signed_report", "report"),
]  # fmt: skip


def plant_malformed(engine: Engine, review_id: str, school_id: str, person: str) -> list[str]:
    """Write every malformed record into the server's store, as sent by ``person`` from the
    laptop "old-laptop"; returns their record ids in the order of the server's log."""
    ids = []
    with write_session(engine) as session:
        review = session.get(models.Review, review_id)
        assert review is not None
        for _what, kind, entity, payload in MALFORMED:
            entity_id = f"bad-{uuid.uuid4()}"
            if isinstance(payload, dict):
                payload = {k: (entity_id if v == "X" else review_id if v == "R" else
                               person if v == "A" else school_id if v == "S" else v)
                           for k, v in payload.items()}  # fmt: skip
            review.last_seq += 1
            session.add(
                models.ChangeLog(
                    review_id=review.id, server_seq=review.last_seq, kind=kind, entity=entity,
                    entity_id=entity_id, field="f" if entity == "field_value" else None,
                    op_id=str(uuid.uuid4()), author_id=person, device_id="old-laptop",
                    device_time=datetime.now(UTC), payload=payload,
                )
            )  # fmt: skip
            ids.append(entity_id)
        session.add(review)
    return ids
