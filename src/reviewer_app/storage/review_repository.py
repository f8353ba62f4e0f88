"""Reviews, judgements and shared fields in the local store, each change queued for sync.

Every write adds the change and its outbox row to the caller's session, so both commit or
neither does. With ``record_ops=False`` nothing is queued: for changes pulled from the server.
Append-only records are inserted once; adding an id that is already there does nothing, so
applying a pulled change twice is harmless.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import col, select

from reviewer_app.domain.canonical import canonical_text, to_json_value
from reviewer_app.domain.errors import NotFoundError
from reviewer_app.domain.record_kinds import Entity, OpKind
from reviewer_app.domain.review import FieldValue, JSONValue, Judgement, Review, ReviewState
from reviewer_app.storage.errors import StaleWriteError
from reviewer_app.storage.outbox import OutboxRecorder
from reviewer_app.storage.review_rows import (
    field_from_row,
    judgement_from_row,
    review_from_row,
    to_text,
)
from reviewer_app.storage.tables import FieldValueRow, JudgementRow, ReviewRow


class ReviewRepository(OutboxRecorder):
    """Reviews, judgements and shared fields, within the caller's session."""

    # ---------------------------------------------------------------- reviews

    def add_review(self, review: Review, framework_snapshot: str) -> None:
        """Store a new review with the framework text it is frozen to."""
        self._session.add(
            ReviewRow(
                id=review.id,
                visit_id=review.visit_id,
                framework_id=review.framework_id,
                framework_version=review.framework_version,
                framework_hash=review.framework_hash,
                framework_snapshot=framework_snapshot,
                state=review.state.value,
                created_at=to_text(review.created_at) if review.created_at else None,
                amends=review.amends,
                amendment_reason=review.amendment_reason,
            )
        )
        self._session.flush()
        payload = {"review": to_json_value(review), "framework_snapshot": framework_snapshot}
        when = review.created_at or datetime.now().astimezone()
        self._queue(review.id, Entity.REVIEW, review.id, OpKind.APPEND, payload, when)

    def get_review(self, review_id: str) -> Review | None:
        row = self._session.get(ReviewRow, review_id)
        return None if row is None else review_from_row(row)

    def reviews_for_visit(self, visit_id: str) -> list[Review]:
        """The visit's reviews, oldest first (an amendment comes after what it amends)."""
        rows = self._session.exec(select(ReviewRow).where(ReviewRow.visit_id == visit_id)).all()
        return sorted(
            (review_from_row(r) for r in rows),
            key=lambda r: (r.created_at is not None, r.created_at, r.id),
        )

    def reviews_on(self, framework_id: str, framework_version: str) -> list[Review]:
        """Every review begun on that version of the framework."""
        rows = self._session.exec(
            select(ReviewRow).where(
                ReviewRow.framework_id == framework_id,
                ReviewRow.framework_version == framework_version,
            )
        ).all()
        return [review_from_row(r) for r in rows]

    def framework_snapshot(self, review_id: str) -> str:
        """The framework text the review was started with."""
        row = self._session.get(ReviewRow, review_id)
        if row is None:
            raise NotFoundError(f"There is no review with id {review_id} on this computer.")
        return row.framework_snapshot

    def freeze_framework(
        self,
        review_id: str,
        *,
        framework_version: str,
        framework_hash: str,
        framework_snapshot: str,
    ) -> str:
        """Freeze a review that has no framework text yet (one started on the trust server
        and known here from the server's list) to ``framework_snapshot``.

        Queued as the review's own record, as when a review is started on this laptop, so the
        server and every laptop of the team get the same text. Returns the text the review is
        frozen to: one that arrived meanwhile is kept, and nothing is written.
        """
        row = self._session.get(ReviewRow, review_id)
        if row is None:
            raise NotFoundError(f"There is no review with id {review_id} on this computer.")
        if row.framework_snapshot:
            return row.framework_snapshot
        row.framework_version = framework_version
        row.framework_hash = framework_hash
        row.framework_snapshot = framework_snapshot
        self._session.add(row)
        self._session.flush()
        # The record holds nothing of this laptop's (no time, no author): two laptops freezing
        # the same framework version send the same record, which the server takes once.
        review = review_from_row(row)
        payload = {"review": to_json_value(review), "framework_snapshot": framework_snapshot}
        when = datetime.now().astimezone()
        self._queue(review.id, Entity.REVIEW, review.id, OpKind.APPEND, payload, when)
        return framework_snapshot

    def set_state(self, review_id: str, state: ReviewState, device_time: datetime) -> Review:
        """Move the review to ``state``; ready-for-sign-off and signed are queued as ``submit``,
        other states as ``set`` (field ``state``); the sync engine sends each as ``submit``."""
        row = self._session.get(ReviewRow, review_id)
        if row is None:
            raise NotFoundError(f"There is no review with id {review_id} on this computer.")
        row.state = state.value
        self._session.add(row)
        self._session.flush()
        kind = (
            OpKind.SUBMIT
            if state in (ReviewState.READY_FOR_SIGN_OFF, ReviewState.SIGNED)
            else OpKind.SET
        )
        self._queue(
            review_id, Entity.REVIEW, review_id, kind, {"state": state.value}, device_time,
            field="state",
        )  # fmt: skip
        return review_from_row(row)

    # ---------------------------------------------------------------- judgements

    def add_judgement(self, judgement: Judgement) -> None:
        """Append a proposed or agreed judgement (append-only: newest per author wins)."""
        if self._session.get(JudgementRow, judgement.id) is not None:
            return
        self._session.add(
            JudgementRow(
                id=judgement.id,
                review_id=judgement.review_id,
                criterion_id=judgement.criterion_id,
                author_id=judgement.author_id,
                level_key=judgement.level_key,
                created_at=to_text(judgement.created_at),
                rationale=judgement.rationale,
                agreed=judgement.agreed,
                carried_forward_from=(
                    judgement.carried_forward_from.isoformat()
                    if judgement.carried_forward_from is not None
                    else None
                ),
            )
        )
        self._session.flush()
        self._queue(
            judgement.review_id, Entity.JUDGEMENT, judgement.id, OpKind.APPEND,
            judgement, judgement.created_at,
        )  # fmt: skip

    def judgements(self, review_id: str) -> list[Judgement]:
        """Every judgement record of the review, oldest first."""
        rows = self._session.exec(
            select(JudgementRow)
            .where(JudgementRow.review_id == review_id)
            .order_by(col(JudgementRow.created_at), col(JudgementRow.id))
        )
        return [judgement_from_row(r) for r in rows]

    # ---------------------------------------------------------------- shared fields

    def set_field(
        self,
        review_id: str,
        field_id: str,
        value: JSONValue,
        author_id: str,
        updated_at: datetime,
        *,
        expected_version: int | None = None,
    ) -> FieldValue:
        """Write a shared field over the current local value.

        ``expected_version`` is the version the person started editing from; if the field has
        moved on since, :class:`StaleWriteError` is raised and nothing is written. The outbox
        ``set`` carries the field's last server version as ``base_version``.
        """
        row = self._session.get(FieldValueRow, (review_id, field_id))
        current = row.version if row is not None else 0
        if expected_version is not None and expected_version != current:
            raise StaleWriteError(
                "Someone changed this answer while you were editing it.",
                hint="Look at the newer text, then make your change again.",
            )
        base_version = row.server_version if row is not None else 0
        if row is None:
            row = FieldValueRow(
                review_id=review_id,
                field_id=field_id,
                value="",
                version=0,
                server_version=0,
                author_id=author_id,
                updated_at="",
            )
        row.value = canonical_text(to_json_value(value))
        row.version = current + 1
        row.author_id = author_id
        row.updated_at = to_text(updated_at)
        self._session.add(row)
        self._session.flush()
        field_value = field_from_row(row)
        self._queue(
            review_id, Entity.FIELD_VALUE, review_id, OpKind.SET,
            {"value": value, "version": field_value.version, "author_id": author_id,
             "updated_at": to_text(updated_at)},
            updated_at, field=field_id, base_version=base_version,
        )  # fmt: skip
        return field_value

    def apply_server_field(self, value: FieldValue) -> None:
        """Take a field value as the server has it (pulled): local and server version agree."""
        row = self._session.get(FieldValueRow, (value.review_id, value.field_id))
        if row is None:
            row = FieldValueRow(
                review_id=value.review_id,
                field_id=value.field_id,
                value="",
                version=0,
                server_version=0,
                author_id=value.author_id,
                updated_at="",
            )
        row.value = canonical_text(to_json_value(value.value))
        row.version = value.version
        row.server_version = value.version
        row.author_id = value.author_id
        row.updated_at = to_text(value.updated_at)
        self._session.add(row)
        self._session.flush()

    def get_field(self, review_id: str, field_id: str) -> FieldValue | None:
        row = self._session.get(FieldValueRow, (review_id, field_id))
        return None if row is None else field_from_row(row)

    def field_server_version(self, review_id: str, field_id: str) -> int:
        """The newest version of the field the server has acknowledged (0 if never synced)."""
        row = self._session.get(FieldValueRow, (review_id, field_id))
        return 0 if row is None else row.server_version

    def field_values(self, review_id: str) -> list[FieldValue]:
        rows = self._session.exec(
            select(FieldValueRow)
            .where(FieldValueRow.review_id == review_id)
            .order_by(col(FieldValueRow.field_id))
        )
        return [field_from_row(r) for r in rows]
