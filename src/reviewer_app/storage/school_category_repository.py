"""Schools' agreed categories in the local store, as domain objects.

Append-only: agreeing a category adds a record (and its outcomes) and queues it in the outbox
in the caller's transaction. The newest record of a school is its current category.
"""

from __future__ import annotations

from sqlalchemy import func, update
from sqlmodel import col, select

from reviewer_app.domain.frameworks.categorisation import Outcome
from reviewer_app.domain.record_kinds import Entity, OpKind
from reviewer_app.domain.school_category import BasisOutcome, SchoolCategory
from reviewer_app.storage.outbox import OutboxRecorder
from reviewer_app.storage.review_rows import from_text, to_text
from reviewer_app.storage.tables import SchoolCategoryOutcomeRow, SchoolCategoryRow


class SchoolCategoryRepository(OutboxRecorder):
    """Categorisation history, within the caller's session."""

    def add(self, category: SchoolCategory) -> None:
        """Keep an agreed category and queue it for sync (its ``review_id`` is the school id)."""
        self._session.add(
            SchoolCategoryRow(
                id=category.id,
                school_id=category.school_id,
                scheme_id=category.scheme_id,
                scheme_version=category.scheme_version,
                level_key=category.level_key,
                level_label=category.level_label,
                agreed_on=category.agreed_on,
                agreed_by=category.agreed_by,
                rationale=category.rationale,
                recorded_at=to_text(category.recorded_at),
                suggested_level_key=category.suggested_level_key,
                suggestion=category.suggestion,
            )
        )
        self._session.flush()  # the parent row first: outcomes refer to it
        for position, basis in enumerate(category.based_on):
            outcome = basis.outcome
            self._session.add(
                SchoolCategoryOutcomeRow(
                    category_id=category.id,
                    position=position,
                    review_id=basis.review_id,
                    visit_date=basis.visit_date,
                    framework_id=outcome.framework_id,
                    criterion_id=outcome.criterion_id,
                    level_key=outcome.level_key,
                    label=outcome.label,
                    level_label=outcome.level_label,
                )
            )
        self._session.flush()
        self._queue(
            category.school_id,
            Entity.SCHOOL_CATEGORY,
            category.id,
            OpKind.APPEND,
            category,
            category.recorded_at,
        )

    def history(self, school_id: str) -> list[SchoolCategory]:
        """Every category agreed for the school, oldest first."""
        rows = self._session.exec(
            select(SchoolCategoryRow)
            .where(SchoolCategoryRow.school_id == school_id)
            .order_by(
                col(SchoolCategoryRow.agreed_on),
                col(SchoolCategoryRow.recorded_at),
                col(SchoolCategoryRow.id),
            )
        ).all()
        return [self._category(row) for row in rows]

    def latest(self, school_id: str, scheme_id: str | None = None) -> SchoolCategory | None:
        """The newest category of the school (under ``scheme_id`` if given)."""
        found = [
            c for c in self.history(school_id) if scheme_id is None or c.scheme_id == scheme_id
        ]
        return found[-1] if found else None

    def shift_all_dates(self, days: int) -> None:
        """Move every agreed date by ``days`` (the demo store keeps itself current this way)."""
        self._session.exec(
            update(SchoolCategoryRow).values(
                agreed_on=func.date(SchoolCategoryRow.agreed_on, f"{days:+d} days")
            )
        )
        self._session.flush()

    def count(self) -> int:
        return len(self._session.exec(select(SchoolCategoryRow.id)).all())

    def _category(self, row: SchoolCategoryRow) -> SchoolCategory:
        outcomes = self._session.exec(
            select(SchoolCategoryOutcomeRow)
            .where(SchoolCategoryOutcomeRow.category_id == row.id)
            .order_by(col(SchoolCategoryOutcomeRow.position))
        ).all()
        return SchoolCategory(
            id=row.id,
            school_id=row.school_id,
            scheme_id=row.scheme_id,
            scheme_version=row.scheme_version,
            level_key=row.level_key,
            level_label=row.level_label,
            agreed_on=row.agreed_on,
            agreed_by=row.agreed_by,
            rationale=row.rationale,
            recorded_at=from_text(row.recorded_at),
            suggested_level_key=row.suggested_level_key,
            suggestion=row.suggestion,
            based_on=tuple(
                BasisOutcome(
                    outcome=Outcome(
                        criterion_id=o.criterion_id,
                        level_key=o.level_key,
                        framework_id=o.framework_id,
                        label=o.label,
                        level_label=o.level_label,
                    ),
                    review_id=o.review_id,
                    visit_date=o.visit_date,
                )
                for o in outcomes
            ),
        )
