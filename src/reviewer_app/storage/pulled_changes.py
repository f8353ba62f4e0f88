"""Applying changes pulled from the trust server to the local store, idempotently.

The sync engine calls :func:`apply_change` for each pulled change, then saves the review's
cursor (:func:`reviewer_app.storage.outbox.save_sync_state`) in the same transaction. Nothing here
writes to the outbox: these changes are already on the server. Applying a change twice is
harmless (append-only records are keyed by id; a field takes the newest server version).

Payloads are the ones :mod:`reviewer_app.storage.outbox` documents, written by laptops like this
one, so they are read back into the same domain objects. Before applying, the sync engine makes
sure the review exists here (``ReviewRepository(session, record_ops=False).add_review``) and
that an attachment's content has been downloaded (:func:`reviewer_app.storage.blobs.put_blob`).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, select

from reviewer_app.domain.review import (
    Action,
    ActionFollowUp,
    Attachment,
    EvidenceNote,
    FieldValue,
    FollowUpOutcome,
    JSONValue,
    Judgement,
    Priority,
)
from reviewer_app.storage.action_repository import ActionRepository
from reviewer_app.storage.evidence_repository import EvidenceRepository
from reviewer_app.storage.outbox import Entity, OpKind, OpState, set_field_server_version
from reviewer_app.storage.review_repository import ReviewRepository
from reviewer_app.storage.tables import OutboxRow

log = logging.getLogger(__name__)


class PayloadError(ValueError):
    """A pulled payload is not the record it claims to be."""


def _text(data: Mapping[str, Any], key: str, default: str | None = None) -> str:
    value = data.get(key, default)
    if not isinstance(value, str):
        raise PayloadError(f"'{key}' is missing or not text")
    return value


def _optional(data: Mapping[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is not None and not isinstance(value, str):
        raise PayloadError(f"'{key}' is not text")
    return value


def _strings(data: Mapping[str, Any], key: str) -> tuple[str, ...]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise PayloadError(f"'{key}' is not a list of text")
    return tuple(value)


def _time(data: Mapping[str, Any], key: str) -> datetime:
    return datetime.fromisoformat(_text(data, key))


def note_from_payload(data: Mapping[str, Any]) -> EvidenceNote:
    tags = data.get("tags", {})
    if not isinstance(tags, dict) or not all(isinstance(v, str) for v in tags.values()):
        raise PayloadError("'tags' is not a mapping of text")
    return EvidenceNote(
        id=_text(data, "id"),
        review_id=_text(data, "review_id"),
        author_id=_text(data, "author_id"),
        text=_text(data, "text"),
        captured_at=_time(data, "captured_at"),
        criterion_ids=_strings(data, "criterion_ids"),
        tags={str(k): v for k, v in tags.items()},
        attachment_ids=_strings(data, "attachment_ids"),
        pupil_refs=_strings(data, "pupil_refs"),
        supersedes=_optional(data, "supersedes"),
        retracted=bool(data.get("retracted", False)),
    )


def attachment_from_payload(data: Mapping[str, Any]) -> Attachment:
    size = data.get("size")
    if not isinstance(size, int):
        raise PayloadError("'size' is not a whole number")
    return Attachment(
        id=_text(data, "id"),
        review_id=_text(data, "review_id"),
        sha256=_text(data, "sha256"),
        filename=_text(data, "filename"),
        media_type=_text(data, "media_type"),
        size=size,
        author_id=_text(data, "author_id"),
        added_at=_time(data, "added_at"),
        retracted=bool(data.get("retracted", False)),
    )


def judgement_from_payload(data: Mapping[str, Any]) -> Judgement:
    return Judgement(
        id=_text(data, "id"),
        review_id=_text(data, "review_id"),
        criterion_id=_text(data, "criterion_id"),
        author_id=_text(data, "author_id"),
        level_key=_optional(data, "level_key"),
        created_at=_time(data, "created_at"),
        rationale=_text(data, "rationale", ""),
        agreed=bool(data.get("agreed", False)),
    )


def action_from_payload(data: Mapping[str, Any]) -> Action:
    due = _optional(data, "due")
    return Action(
        id=_text(data, "id"),
        review_id=_text(data, "review_id"),
        school_id=_text(data, "school_id"),
        text=_text(data, "text"),
        owner=_text(data, "owner", ""),
        due=date.fromisoformat(due) if due else None,
        priority=Priority(_text(data, "priority")),
        created_by=_text(data, "created_by"),
        created_at=_time(data, "created_at"),
        criterion_id=_optional(data, "criterion_id"),
        retracted=bool(data.get("retracted", False)),
    )


def follow_up_from_payload(data: Mapping[str, Any]) -> ActionFollowUp:
    return ActionFollowUp(
        id=_text(data, "id"),
        action_id=_text(data, "action_id"),
        review_id=_text(data, "review_id"),
        outcome=FollowUpOutcome(_text(data, "outcome")),
        evidence=_text(data, "evidence", ""),
        author_id=_text(data, "author_id"),
        recorded_at=_time(data, "recorded_at"),
    )


def _has_pending_set(session: Session, review_id: str, field_id: str) -> bool:
    statement = select(OutboxRow.op_id).where(
        OutboxRow.review_id == review_id,
        OutboxRow.entity == Entity.FIELD_VALUE.value,
        OutboxRow.entity_id == field_id,
        OutboxRow.state == OpState.PENDING.value,
    )
    return session.exec(statement).first() is not None


def apply_change(
    session: Session,
    review_id: str,
    *,
    kind: str,
    entity: str,
    entity_id: str,
    payload: JSONValue,
    version: int | None = None,
    author_id: str = "",
    device_time: datetime | None = None,
) -> bool:
    """Apply one pulled change; returns False for kinds that change nothing stored here.

    A pulled ``set`` of a field this laptop is still pushing an edit of only records the
    server's version: the local edit stays on screen until the server has answered it (as
    accepted, or as a conflict for the lead reviewer to resolve).

    Raises :class:`PayloadError` for a payload that is not the record it claims to be.
    """
    if kind == "conflict" or kind == OpKind.SUBMIT.value:
        return False  # conflicts are fetched and shown by the sync engine; submits are markers
    if not isinstance(payload, dict):
        raise PayloadError(f"the {entity} change carries no record")
    target = Entity(entity)
    if target is Entity.FIELD_VALUE and kind in (OpKind.SET.value, OpKind.RESOLVE.value):
        if version is None:
            raise PayloadError("a field change without a version")
        repo = ReviewRepository(session, record_ops=False)
        if _has_pending_set(session, review_id, entity_id):
            set_field_server_version(session, review_id, entity_id, version)
            return True
        current = repo.get_field(review_id, entity_id)
        if current is not None and repo.field_server_version(review_id, entity_id) >= version:
            return False  # already have this version or a newer one
        repo.apply_server_field(
            FieldValue(
                review_id=review_id,
                field_id=entity_id,
                value=payload.get("value"),
                version=version,
                author_id=author_id,
                updated_at=device_time or datetime.now().astimezone(),
            )
        )
        return True
    evidence = EvidenceRepository(session, record_ops=False)
    actions = ActionRepository(session, record_ops=False)
    if kind == OpKind.APPEND.value:
        if target is Entity.EVIDENCE_NOTE:
            evidence.add_note(note_from_payload(payload))
        elif target is Entity.ATTACHMENT:
            evidence.add_attachment(attachment_from_payload(payload))
        elif target is Entity.JUDGEMENT:
            ReviewRepository(session, record_ops=False).add_judgement(
                judgement_from_payload(payload)
            )
        elif target is Entity.ACTION:
            actions.add_action(action_from_payload(payload))
        elif target is Entity.ACTION_FOLLOW_UP:
            actions.add_follow_up(follow_up_from_payload(payload))
        else:
            return False
        return True
    if kind == OpKind.RETRACT.value:
        if target is Entity.EVIDENCE_NOTE:
            evidence.add_note(note_from_payload(payload))
        elif target is Entity.ATTACHMENT and evidence.get_attachment(entity_id) is not None:
            evidence.retract_attachment(entity_id, device_time or datetime.now().astimezone())
        elif target is Entity.ACTION and actions.get_action(entity_id) is not None:
            actions.retract_action(entity_id, device_time or datetime.now().astimezone())
        else:
            log.info("pulled retraction of %s %s has nothing to withdraw here", entity, entity_id)
            return False
        return True
    raise PayloadError(f"unknown change kind '{kind}'")
