"""Actions agreed at visits and their follow-ups at later visits, each change queued for sync."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlmodel import col, select

from reviewer_app.domain.errors import NotFoundError
from reviewer_app.domain.record_kinds import Entity, OpKind
from reviewer_app.domain.review import Action, ActionFollowUp
from reviewer_app.storage.outbox import OutboxRecorder
from reviewer_app.storage.review_rows import action_from_row, follow_up_from_row, to_text
from reviewer_app.storage.tables import ActionFollowUpRow, ActionRow


class ActionRepository(OutboxRecorder):
    """Actions and follow-ups, within the caller's session."""

    # ---------------------------------------------------------------- actions

    def add_action(self, action: Action) -> None:
        """Append an action agreed at a visit."""
        if self._session.get(ActionRow, action.id) is not None:
            return
        self._session.add(
            ActionRow(
                id=action.id,
                review_id=action.review_id,
                school_id=action.school_id,
                text=action.text,
                owner=action.owner,
                due=action.due,
                priority=action.priority.value,
                created_by=action.created_by,
                created_at=to_text(action.created_at),
                criterion_id=action.criterion_id,
                retracted=action.retracted,
            )
        )
        self._session.flush()
        self._queue(
            action.review_id, Entity.ACTION, action.id, OpKind.APPEND, action, action.created_at
        )

    def retract_action(self, action_id: str, device_time: datetime) -> Action:
        """Withdraw an action (kept, marked retracted)."""
        row = self._session.get(ActionRow, action_id)
        if row is None:
            raise NotFoundError(f"There is no action with id {action_id}.")
        row.retracted = True
        self._session.add(row)
        self._session.flush()
        self._queue(
            row.review_id, Entity.ACTION, row.id, OpKind.RETRACT, {"id": row.id}, device_time
        )
        return action_from_row(row)

    def get_action(self, action_id: str) -> Action | None:
        row = self._session.get(ActionRow, action_id)
        return None if row is None else action_from_row(row)

    def actions(self, review_id: str) -> list[Action]:
        rows = self._session.exec(
            select(ActionRow)
            .where(ActionRow.review_id == review_id)
            .order_by(col(ActionRow.created_at), col(ActionRow.id))
        )
        return [action_from_row(r) for r in rows]

    def actions_for_school(self, school_id: str) -> list[Action]:
        """Every action recorded for the school, oldest first."""
        rows = self._session.exec(
            select(ActionRow)
            .where(ActionRow.school_id == school_id)
            .order_by(col(ActionRow.created_at), col(ActionRow.id))
        )
        return [action_from_row(r) for r in rows]

    # ---------------------------------------------------------------- follow-ups

    def add_follow_up(self, follow_up: ActionFollowUp) -> None:
        """Append how an earlier action stood when checked at a later visit."""
        if self._session.get(ActionFollowUpRow, follow_up.id) is not None:
            return
        self._session.add(
            ActionFollowUpRow(
                id=follow_up.id,
                action_id=follow_up.action_id,
                review_id=follow_up.review_id,
                outcome=follow_up.outcome.value,
                evidence=follow_up.evidence,
                author_id=follow_up.author_id,
                recorded_at=to_text(follow_up.recorded_at),
            )
        )
        self._session.flush()
        self._queue(
            follow_up.review_id, Entity.ACTION_FOLLOW_UP, follow_up.id, OpKind.APPEND,
            follow_up, follow_up.recorded_at,
        )  # fmt: skip

    def follow_ups(self, review_id: str) -> list[ActionFollowUp]:
        """Follow-ups recorded during this review, oldest first."""
        rows = self._session.exec(
            select(ActionFollowUpRow)
            .where(ActionFollowUpRow.review_id == review_id)
            .order_by(col(ActionFollowUpRow.recorded_at), col(ActionFollowUpRow.id))
        )
        return [follow_up_from_row(r) for r in rows]

    def follow_ups_for_actions(self, action_ids: Iterable[str]) -> list[ActionFollowUp]:
        """Every follow-up of the given actions, oldest first."""
        ids = list(action_ids)
        if not ids:
            return []
        rows = self._session.exec(
            select(ActionFollowUpRow)
            .where(col(ActionFollowUpRow.action_id).in_(ids))
            .order_by(col(ActionFollowUpRow.recorded_at), col(ActionFollowUpRow.id))
        )
        return [follow_up_from_row(r) for r in rows]
