"""Visits and their teams in the local store, as domain objects."""

from __future__ import annotations

import json
from collections.abc import Sequence

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from reviewer_app.domain.organisation import Role
from reviewer_app.domain.visits import Visit, VisitReviewer, VisitStatus
from reviewer_app.storage.tables import VisitReviewerRow, VisitRow


class VisitRepository:
    """Reads and writes visits within the caller's session."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def save_visit(self, visit: Visit) -> None:
        """Insert or update a visit and replace its team."""
        self._session.merge(
            VisitRow(
                id=visit.id,
                school_id=visit.school_id,
                framework_id=visit.framework_id,
                planned_start=visit.planned_start,
                planned_end=visit.planned_end,
                status=visit.status.value,
                actual_start=visit.actual_start,
                actual_end=visit.actual_end,
                title=visit.title,
                extra=json.dumps(visit.extra, sort_keys=True),
            )
        )
        for row in self._session.exec(
            select(VisitReviewerRow).where(VisitReviewerRow.visit_id == visit.id)
        ):
            self._session.delete(row)
        self._session.flush()
        for position, reviewer in enumerate(visit.reviewers):
            self._session.add(
                VisitReviewerRow(
                    visit_id=visit.id,
                    person_id=reviewer.person_id,
                    role=reviewer.role.value,
                    position=position,
                )
            )
        self._session.flush()

    def get_visit(self, visit_id: str) -> Visit | None:
        row = self._session.get(VisitRow, visit_id)
        return None if row is None else self._visits([row])[0]

    def visits_for_school(self, school_id: str) -> list[Visit]:
        """The school's visits, newest first (by actual start if known, else planned start)."""
        rows = self._session.exec(select(VisitRow).where(VisitRow.school_id == school_id)).all()
        return sorted(self._visits(list(rows)), key=lambda v: (v.start, v.id), reverse=True)

    def list_visits(self) -> list[Visit]:
        """Every visit, newest first."""
        rows = self._session.exec(select(VisitRow)).all()
        return sorted(self._visits(list(rows)), key=lambda v: (v.start, v.id), reverse=True)

    def shift_all_dates(self, days: int) -> None:
        """Move every visit's dates by ``days`` (the demo store keeps itself current this way)."""
        shift = f"{days:+d} days"
        self._session.exec(
            update(VisitRow).values(
                planned_start=func.date(VisitRow.planned_start, shift),
                planned_end=func.date(VisitRow.planned_end, shift),
                actual_start=func.date(VisitRow.actual_start, shift),
                actual_end=func.date(VisitRow.actual_end, shift),
            )
        )
        self._session.flush()

    def _visits(self, rows: Sequence[VisitRow]) -> list[Visit]:
        ids = [r.id for r in rows]
        team: dict[str, list[VisitReviewerRow]] = {i: [] for i in ids}
        if ids:
            for reviewer in self._session.exec(
                select(VisitReviewerRow).where(col(VisitReviewerRow.visit_id).in_(ids))
            ):
                team[reviewer.visit_id].append(reviewer)
        return [
            Visit(
                id=r.id,
                school_id=r.school_id,
                framework_id=r.framework_id,
                planned_start=r.planned_start,
                planned_end=r.planned_end,
                reviewers=tuple(
                    VisitReviewer(person_id=t.person_id, role=Role(t.role))
                    for t in sorted(team[r.id], key=lambda t: t.position)
                ),
                status=VisitStatus(r.status),
                actual_start=r.actual_start,
                actual_end=r.actual_end,
                title=r.title,
                extra=dict(json.loads(r.extra)),
            )
            for r in rows
        ]
