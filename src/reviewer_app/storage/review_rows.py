"""Mapping between review-record rows and domain objects (used by the review repositories)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from reviewer_app.domain.review import (
    Action,
    ActionFollowUp,
    Attachment,
    FieldValue,
    FollowUpOutcome,
    JSONValue,
    Judgement,
    Priority,
    Review,
    ReviewState,
)
from reviewer_app.storage.tables import (
    ActionFollowUpRow,
    ActionRow,
    AttachmentRow,
    FieldValueRow,
    JudgementRow,
    ReviewRow,
)


def to_text(value: datetime) -> str:
    """A time as fixed-width ISO 8601 in UTC, so text order is time order.

    Laptops change offset with British Summer Time; stored with their own offsets, notes taken
    either side of the change would sort by their text, not their time. (A naive time is taken
    as the laptop's local time.)
    """
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def from_text(value: str) -> datetime:
    return datetime.fromisoformat(value)


def review_from_row(row: ReviewRow) -> Review:
    return Review(
        id=row.id,
        visit_id=row.visit_id,
        framework_id=row.framework_id,
        framework_version=row.framework_version,
        framework_hash=row.framework_hash,
        state=ReviewState(row.state),
        created_at=from_text(row.created_at) if row.created_at else None,
        amends=row.amends,
        amendment_reason=row.amendment_reason,
    )


def judgement_from_row(row: JudgementRow) -> Judgement:
    return Judgement(
        id=row.id,
        review_id=row.review_id,
        criterion_id=row.criterion_id,
        author_id=row.author_id,
        level_key=row.level_key,
        created_at=from_text(row.created_at),
        rationale=row.rationale,
        agreed=row.agreed,
        carried_forward_from=(
            date.fromisoformat(row.carried_forward_from) if row.carried_forward_from else None
        ),
    )


def field_from_row(row: FieldValueRow) -> FieldValue:
    value: JSONValue = json.loads(row.value)
    return FieldValue(
        review_id=row.review_id,
        field_id=row.field_id,
        value=value,
        version=row.version,
        author_id=row.author_id,
        updated_at=from_text(row.updated_at),
    )


def attachment_from_row(row: AttachmentRow) -> Attachment:
    return Attachment(
        id=row.id,
        review_id=row.review_id,
        sha256=row.sha256,
        filename=row.filename,
        media_type=row.media_type,
        size=row.size,
        author_id=row.author_id,
        added_at=from_text(row.added_at),
        retracted=row.retracted,
    )


def action_from_row(row: ActionRow) -> Action:
    return Action(
        id=row.id,
        review_id=row.review_id,
        school_id=row.school_id,
        text=row.text,
        owner=row.owner,
        due=row.due,
        priority=Priority(row.priority),
        created_by=row.created_by,
        created_at=from_text(row.created_at),
        criterion_id=row.criterion_id,
        retracted=row.retracted,
    )


def follow_up_from_row(row: ActionFollowUpRow) -> ActionFollowUp:
    return ActionFollowUp(
        id=row.id,
        action_id=row.action_id,
        review_id=row.review_id,
        outcome=FollowUpOutcome(row.outcome),
        evidence=row.evidence,
        author_id=row.author_id,
        recorded_at=from_text(row.recorded_at),
    )
