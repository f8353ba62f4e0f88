"""Records as a laptop sends them, for tests that talk to the trust server directly.

The server checks every pushed record against the shared schema
(``reviewer_app.domain.record_schema``), so a test that cares about one field of a record gets
the others filled here as a laptop fills them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any


def now() -> str:
    return datetime.now(UTC).isoformat()


def note_payload(
    note_id: str,
    review_id: str,
    author_id: str,
    text: str = "Pupils explained their reasoning",
    **fields: Any,
) -> dict[str, Any]:
    """An evidence note as a laptop sends it (the shared record schema's required fields)."""
    return {"id": note_id, "review_id": review_id, "author_id": author_id, "text": text,
            "captured_at": now(), **fields}  # fmt: skip


def laptop_record(
    kind: str, entity: str, entity_id: str, review_id: str, person_id: str, given: dict[str, Any]
) -> dict[str, Any]:
    """``given`` completed with what the shared record schema requires, as a laptop fills it."""
    at = now()
    if kind == "retract" and (entity != "evidence_note" or "supersedes" not in given):
        return {"id": entity_id, **given}
    if kind != "append":
        return given
    common = {"id": entity_id, "review_id": review_id}
    defaults: dict[str, dict[str, Any]] = {
        "evidence_note": {"author_id": person_id, "text": "Observed", "captured_at": at},
        "attachment": {"filename": "photo.jpg", "media_type": "image/jpeg", "size": 0,
                       "author_id": person_id, "added_at": at},
        "judgement": {"criterion_id": "c1", "author_id": person_id, "level_key": None,
                      "created_at": at},
        "action_follow_up": {"outcome": "met", "evidence": "", "author_id": person_id,
                             "recorded_at": at},
        "action": {"text": "Next step", "owner": "Head", "due": None, "priority": "medium",
                   "created_by": person_id, "created_at": at},
    }  # fmt: skip
    if entity not in defaults:
        return given
    return {**common, **defaults[entity], **given}


def framework_snapshot(framework_id: str) -> tuple[str, str, str]:
    """``(version, content hash, snapshot text)`` of the installed learning walk, renamed
    ``framework_id`` (the trust's id for it in a test world): a copy a laptop could freeze."""
    import json

    from reviewer_app.services.framework_catalogue import installed_library

    walk = installed_library().latest("learning-walk").model_copy(update={"id": framework_id})
    return walk.version, walk.content_hash, json.dumps(walk.to_snapshot())
