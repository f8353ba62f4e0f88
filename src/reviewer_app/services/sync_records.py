"""Review records as they travel in sync payloads and bundles, back into domain objects.

Payloads are the domain dataclasses as JSON (``domain.canonical.to_json_value``): enums by value,
dates and datetimes in ISO 8601, tuples as lists. These functions are the inverse.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from reviewer_app.domain.review import (
    Action,
    ActionFollowUp,
    Attachment,
    EvidenceNote,
    FollowUpOutcome,
    Judgement,
    Priority,
)


def parse_time(value: Any) -> datetime:
    """An ISO 8601 time from a payload."""
    return datetime.fromisoformat(str(value))


def note_from_json(p: dict[str, Any]) -> EvidenceNote:
    return EvidenceNote(
        id=p["id"],
        review_id=p["review_id"],
        author_id=p["author_id"],
        text=p["text"],
        captured_at=parse_time(p["captured_at"]),
        criterion_ids=tuple(p.get("criterion_ids") or ()),
        tags=dict(p.get("tags") or {}),
        attachment_ids=tuple(p.get("attachment_ids") or ()),
        pupil_refs=tuple(p.get("pupil_refs") or ()),
        supersedes=p.get("supersedes"),
        retracted=bool(p.get("retracted")),
    )


def attachment_from_json(p: dict[str, Any]) -> Attachment:
    return Attachment(
        id=p["id"],
        review_id=p["review_id"],
        sha256=p["sha256"],
        filename=p["filename"],
        media_type=p["media_type"],
        size=int(p["size"]),
        author_id=p["author_id"],
        added_at=parse_time(p["added_at"]),
        retracted=bool(p.get("retracted")),
    )


def judgement_from_json(p: dict[str, Any]) -> Judgement:
    return Judgement(
        id=p["id"],
        review_id=p["review_id"],
        criterion_id=p["criterion_id"],
        author_id=p["author_id"],
        level_key=p.get("level_key"),
        created_at=parse_time(p["created_at"]),
        rationale=p.get("rationale", ""),
        agreed=bool(p.get("agreed")),
        carried_forward_from=(
            date.fromisoformat(p["carried_forward_from"]) if p.get("carried_forward_from") else None
        ),
    )


def action_from_json(p: dict[str, Any]) -> Action:
    return Action(
        id=p["id"],
        review_id=p["review_id"],
        school_id=p["school_id"],
        text=p["text"],
        owner=p["owner"],
        due=date.fromisoformat(p["due"]) if p.get("due") else None,
        priority=Priority(p["priority"]),
        created_by=p["created_by"],
        created_at=parse_time(p["created_at"]),
        criterion_id=p.get("criterion_id"),
        retracted=bool(p.get("retracted")),
    )


def follow_up_from_json(p: dict[str, Any]) -> ActionFollowUp:
    return ActionFollowUp(
        id=p["id"],
        action_id=p["action_id"],
        review_id=p["review_id"],
        outcome=FollowUpOutcome(p["outcome"]),
        evidence=p["evidence"],
        author_id=p["author_id"],
        recorded_at=parse_time(p["recorded_at"]),
    )
