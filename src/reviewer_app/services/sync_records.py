"""Review records as they travel in sync payloads and bundles, back into domain objects.

Payloads are the domain dataclasses as JSON (``domain.canonical.to_json_value``): enums by value,
dates and datetimes in ISO 8601, tuples as lists. These functions are the inverse, through the
record schema the trust server checks pushes against (:mod:`reviewer_app.domain.record_schema`):
a record that does not fit raises :class:`~reviewer_app.domain.record_schema.RecordError`
naming the field at fault.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from reviewer_app.domain.record_schema import (
    ActionFollowUpRecord,
    ActionRecord,
    AttachmentRecord,
    EvidenceNoteRecord,
    JudgementRecord,
    parse_record,
)
from reviewer_app.domain.review import (
    Action,
    ActionFollowUp,
    Attachment,
    EvidenceNote,
    Judgement,
)


def parse_time(value: Any) -> datetime:
    """An ISO 8601 time from a payload."""
    return datetime.fromisoformat(str(value))


def note_from_json(p: dict[str, Any]) -> EvidenceNote:
    record = parse_record(EvidenceNoteRecord, p, "evidence note")
    return record.to_domain()


def attachment_from_json(p: dict[str, Any]) -> Attachment:
    record = parse_record(AttachmentRecord, p, "attachment")
    return record.to_domain()


def judgement_from_json(p: dict[str, Any]) -> Judgement:
    record = parse_record(JudgementRecord, p, "judgement")
    return record.to_domain()


def action_from_json(p: dict[str, Any]) -> Action:
    record = parse_record(ActionRecord, p, "action")
    return record.to_domain()


def follow_up_from_json(p: dict[str, Any]) -> ActionFollowUp:
    record = parse_record(ActionFollowUpRecord, p, "action follow-up")
    return record.to_domain()
