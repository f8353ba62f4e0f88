"""Checking a pushed operation's record before it is stored (issue 14, item 1).

The shape is the shared schema (:mod:`reviewer_app.domain.record_schema`); here the server adds
what only it can see: the framework the review is frozen to (its own record's snapshot), the
records a new one refers to (the note a correction supersedes, the action a follow-up follows),
and the review's school. A refusal is one sentence; the rest of the batch goes on.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

from sqlmodel import Session, col, select

from reviewer_app.domain.frameworks.framework import Framework
from reviewer_app.domain.record_kinds import Entity, OpKind
from reviewer_app.domain.record_schema import (
    ActionFollowUpRecord,
    ActionRecord,
    EvidenceNoteRecord,
    RecordError,
    ReviewStart,
    check_payload,
    framework_of_snapshot,
    framework_problem,
)
from reviewer_app.server import models
from reviewer_app.sync.protocol import Operation

#: Looks up a record of the review being pushed to (stored, or added earlier in the batch).
RecordLookup = Callable[[str, str], Any]


@functools.lru_cache(maxsize=32)
def _framework(snapshot_text: str) -> Framework | None:
    """Frameworks by snapshot text: a push checks many records against one framework."""
    return framework_of_snapshot(snapshot_text)


def _payload_of(record: Any) -> Any:
    payload = record["payload"] if isinstance(record, dict) else record.payload
    if isinstance(payload, str):  # a row of this batch holds its canonical JSON text
        return json.loads(payload)
    return payload


class RecordChecks:
    """The checks of one push: one review, its school and framework, looked up once."""

    def __init__(self, session: Session, review: models.Review, lookup: RecordLookup) -> None:
        self.session = session
        self.review = review
        self.lookup = lookup
        self._school_id: str | None = None

    @property
    def school_id(self) -> str:
        if self._school_id is None:
            visit = self.session.get(models.Visit, self.review.visit_id)
            self._school_id = visit.school_id if visit is not None else ""
        return self._school_id

    def framework(self) -> Framework | None:
        """The framework the review is frozen to, when its own record holds a readable one."""
        started = self.lookup(Entity.REVIEW.value, self.review.id)
        if started is None:
            return None
        payload = _payload_of(started)
        snapshot = payload.get("framework_snapshot") if isinstance(payload, dict) else None
        return _framework(snapshot) if isinstance(snapshot, str) else None

    def problem(self, op: Operation) -> str | None:
        """Why ``op`` may not be stored, or None."""
        try:
            record = check_payload(op.kind, op.entity, op.entity_id, op.review_id, op.payload)
        except RecordError as exc:
            return exc.message
        if isinstance(record, ReviewStart):
            return self._start_problem(record)
        if isinstance(record, ActionRecord) and record.school_id != self.school_id:
            return "The action names another school than the review's."
        if (
            isinstance(record, EvidenceNoteRecord)
            and record.supersedes is not None
            and op.kind is OpKind.APPEND
            and self.lookup(op.entity.value, record.supersedes) is None
        ):
            return f"The note this one corrects ({record.supersedes}) is not in this review."
        if isinstance(record, ActionFollowUpRecord) and not self._action_of_school(
            record.action_id
        ):
            return f"The action {record.action_id} this follows up is not one of this school's."
        framework = self.framework()
        if framework is not None:
            return framework_problem(record, framework, op.field)
        return None

    def _start_problem(self, record: ReviewStart) -> str | None:
        framework = _framework(record.framework_snapshot)
        if framework is None:
            return "The copy of the framework sent with the review cannot be read."
        if framework.id != self.review.framework_id:
            return (
                f"The review is of framework {self.review.framework_id}, but the copy sent with "
                f"it is {framework.id}."
            )
        if record.review.framework_hash and record.review.framework_hash != framework.content_hash:
            return "The copy of the framework sent with the review does not match its hash."
        return None

    def _action_of_school(self, action_id: str) -> bool:
        if self.lookup(Entity.ACTION.value, action_id) is not None:
            return True
        found = self.session.exec(
            select(models.Visit.school_id)
            .join(models.Review, col(models.Review.visit_id) == col(models.Visit.id))
            .join(models.Record, col(models.Record.review_id) == col(models.Review.id))
            .where(
                models.Record.entity == Entity.ACTION.value,
                models.Record.entity_id == action_id,
            )
        ).first()
        return found is not None and found == self.school_id
