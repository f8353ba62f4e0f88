"""Schools' agreed categories on the server: taking them exactly once, and the per-school feed.

Who may do what (the same rule as the app, ``domain.school_category.AGREEING_ROLES``):

* **Read** a school's categories: an active person assigned to the school.
* **Send** a category: read access, a lead reviewer or trust admin role, and being the person
  the category names as having agreed it.

Categories are append-only history, so there is nothing to conflict over: each accepted one
takes the school's next ``server_seq`` (the school row is locked while a push writes, so a pull
cursor never skips a row). Every answer except a replay is stored in ``applied_category_op``:
sending an ``op_id`` again returns the stored answer and changes nothing; the same ``op_id``
with other content is refused.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from reviewer_app.domain.school_category import AGREEING_ROLES
from reviewer_app.server import models
from reviewer_app.server.access import roles_of
from reviewer_app.server.enrolment import Caller, utc_now
from reviewer_app.server.school_op_push import SchoolOpPush, rejected
from reviewer_app.sync.protocol import (
    CategoryOperation,
    CategoryPushRequest,
    CategoryPushResponse,
    OpResult,
    RejectReason,
    ResultStatus,
    SchoolCategoryChange,
    SchoolCategoryFeed,
    SchoolCategoryPage,
    SchoolCategoryRecord,
    payload_sha256,
)

log = logging.getLogger(__name__)


def may_read_school(session: Session, person: models.Person, school_id: str) -> bool:
    """An active person assigned to the school may read its categories."""
    return person.active and session.get(models.Assignment, (person.id, school_id)) is not None


def category_feeds(session: Session, person: models.Person) -> list[SchoolCategoryFeed]:
    """The schools the person may read that have categories, with each one's newest seq."""
    if not person.active:
        return []
    rows = session.exec(
        select(
            models.School.id,
            models.School.name,
            models.School.urn,
            func.max(models.SchoolCategory.server_seq),
        )
        .join(models.Assignment, col(models.Assignment.school_id) == col(models.School.id))
        .join(models.SchoolCategory, col(models.SchoolCategory.school_id) == col(models.School.id))
        .where(models.Assignment.person_id == person.id)
        .group_by(col(models.School.id), col(models.School.name), col(models.School.urn))
        .order_by(col(models.School.id))
    ).all()
    return [
        SchoolCategoryFeed(school_id=i, school_name=n, school_urn=u, last_seq=int(s))
        for i, n, u, s in rows
    ]


class _CategoryPush(SchoolOpPush[CategoryOperation, models.AppliedCategoryOp]):
    """One push of categories by one caller, inside the caller's write transaction."""

    applied_model = models.AppliedCategoryOp
    noun = "category"

    def __init__(self, session: Session, caller: Caller) -> None:
        super().__init__(session, caller)
        self.may_agree = bool(roles_of(session, caller.person.id) & AGREEING_ROLES)
        self.last_seq: dict[str, int] = {}
        #: Categories this batch names that are stored (or added by it): id -> (school, hash, seq).
        self.existing: dict[str, tuple[str, str, int]] = {}
        self.readable: dict[str, bool] = {}

    def school_of(self, op: CategoryOperation) -> str:
        return op.category.school_id

    def applied_row(self, op: CategoryOperation, **answered: Any) -> models.AppliedCategoryOp:
        return models.AppliedCategoryOp(school_id=op.category.school_id, **answered)

    def lock(self, operations: Sequence[CategoryOperation]) -> list[str]:
        """Lock the batch's schools, then read their newest numbers and the categories the
        batch names that are stored."""
        school_ids = super().lock(operations)
        for school_id, seq in self.session.exec(
            select(models.SchoolCategory.school_id, func.max(models.SchoolCategory.server_seq))
            .where(col(models.SchoolCategory.school_id).in_(school_ids))
            .group_by(col(models.SchoolCategory.school_id))
        ):
            self.last_seq[school_id] = int(seq)
        category_ids = sorted({op.category.id for op in operations})
        for row in self.session.exec(
            select(models.SchoolCategory).where(col(models.SchoolCategory.id).in_(category_ids))
        ):
            self.existing[row.id] = (row.school_id, row.payload_sha256, row.server_seq)
        return school_ids

    def may_read(self, school_id: str) -> bool:
        if school_id not in self.readable:
            self.readable[school_id] = may_read_school(self.session, self.caller.person, school_id)
        return self.readable[school_id]

    def answer(self, op: CategoryOperation) -> OpResult:
        category = op.category
        person = self.caller.person
        if not self.may_read(category.school_id):
            # The same answer for "absent" and "not yours": existence is not disclosed.
            return rejected(
                op,
                RejectReason.NOT_ALLOWED,
                f"There is no school {category.school_id} that you review, so its category "
                "was not recorded.",
            )
        if not self.may_agree:
            return rejected(
                op,
                RejectReason.NOT_ALLOWED,
                "Only a lead reviewer or a trust admin (the central team) can agree a school's "
                "category.",
            )
        if category.agreed_by != person.id:
            return rejected(
                op,
                RejectReason.NOT_ALLOWED,
                "A category can only be sent by the person who agreed it.",
            )
        if category.agreed_on > utc_now().date() + timedelta(days=1):
            return rejected(
                op,
                RejectReason.INVALID_PAYLOAD,
                f"The category is dated {category.agreed_on.isoformat()}, a day that has not "
                "come yet.",
            )
        payload = category.model_dump(mode="json")
        digest = payload_sha256(payload)
        existing = self.existing.get(category.id)
        if existing is not None:
            school_id, held_digest, held_seq = existing
            if held_digest == digest and school_id == category.school_id:
                return OpResult(op_id=op.op_id, status=ResultStatus.ACCEPTED, server_seq=held_seq)
            return rejected(
                op,
                RejectReason.ALREADY_EXISTS,
                f"Category {category.id} already exists with other content; an agreed category "
                "never changes (agree a new one instead).",
            )
        seq = self.last_seq.get(category.school_id, 0) + 1
        self.last_seq[category.school_id] = seq
        self.session.add(
            models.SchoolCategory(
                school_id=category.school_id,
                server_seq=seq,
                id=category.id,
                op_id=str(op.op_id),
                author_id=person.id,
                device_id=self.caller.device.id,
                payload_sha256=digest,
                payload=payload,
                stored_at=utc_now(),
            )
        )
        self.existing[category.id] = (category.school_id, digest, seq)
        return OpResult(op_id=op.op_id, status=ResultStatus.ACCEPTED, server_seq=seq)


def apply_category_push(
    session: Session, caller: Caller, request: CategoryPushRequest
) -> CategoryPushResponse:
    """Apply a batch of categories in the caller's write transaction; one result each."""
    return CategoryPushResponse(results=_CategoryPush(session, caller).push(request.operations))


def read_category_page(
    session: Session, school_id: str, since: int, limit: int
) -> SchoolCategoryPage:
    """The school's categories after cursor ``since``, oldest first, at most ``limit``."""
    table = models.SchoolCategory.__table__  # type: ignore[attr-defined]
    person = models.Person.__table__  # type: ignore[attr-defined]
    rows = (
        session.connection()
        .execute(
            sa.select(table, person.c.name.label("author_name"))
            .join(person, person.c.id == table.c.author_id)
            .where(table.c.school_id == school_id, table.c.server_seq > since)
            .order_by(table.c.server_seq)
            .limit(limit + 1)
        )
        .mappings()
        .all()
    )
    page = rows[:limit]
    return SchoolCategoryPage(
        school_id=school_id,
        changes=[
            SchoolCategoryChange(
                server_seq=row["server_seq"],
                op_id=row["op_id"],
                author_id=row["author_id"],
                author_name=row["author_name"],
                device_id=row["device_id"],
                category=SchoolCategoryRecord.model_validate(row["payload"]),
            )
            for row in page
        ],
        next_cursor=page[-1]["server_seq"] if page else since,
        has_more=len(rows) > limit,
    )
