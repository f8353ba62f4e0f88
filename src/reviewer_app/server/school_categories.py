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
from datetime import timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from reviewer_app.domain.school_category import AGREEING_ROLES
from reviewer_app.server import models
from reviewer_app.server.access import roles_of
from reviewer_app.server.database import is_postgresql
from reviewer_app.server.enrolment import Caller, utc_now
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


def _rejected(op: CategoryOperation, reason: RejectReason, message: str) -> OpResult:
    return OpResult(
        op_id=op.op_id, status=ResultStatus.REJECTED, reason=reason.value, message=message
    )


class _CategoryPush:
    """One push of categories by one caller, inside the caller's write transaction."""

    def __init__(self, session: Session, caller: Caller) -> None:
        self.session = session
        self.caller = caller
        self.may_agree = bool(roles_of(session, caller.person.id) & AGREEING_ROLES)
        self.last_seq: dict[str, int] = {}
        self.prior: dict[str, models.AppliedCategoryOp] = {}
        #: Categories this batch names that are stored (or added by it): id -> (school, hash, seq).
        self.existing: dict[str, tuple[str, str, int]] = {}
        self.readable: dict[str, bool] = {}
        self.person_of_device: dict[str, str | None] = {caller.device.id: caller.person.id}

    def lock(self, operations: list[CategoryOperation]) -> None:
        """Lock the batch's schools (in id order, so two pushes never deadlock), then read
        their newest numbers and the earlier answers to this batch's op ids."""
        school_ids = sorted({op.category.school_id for op in operations})
        statement = (
            select(models.School.id)
            .where(col(models.School.id).in_(school_ids))
            .order_by(col(models.School.id))
        )
        if is_postgresql(self.session.get_bind()):  # type: ignore[arg-type]
            statement = statement.with_for_update()
        self.session.exec(statement).all()
        for school_id, seq in self.session.exec(
            select(models.SchoolCategory.school_id, func.max(models.SchoolCategory.server_seq))
            .where(col(models.SchoolCategory.school_id).in_(school_ids))
            .group_by(col(models.SchoolCategory.school_id))
        ):
            self.last_seq[school_id] = int(seq)
        op_ids = [str(op.op_id) for op in operations]
        for prior in self.session.exec(
            select(models.AppliedCategoryOp).where(col(models.AppliedCategoryOp.op_id).in_(op_ids))
        ):
            self.prior[prior.op_id] = prior
        category_ids = sorted({op.category.id for op in operations})
        for row in self.session.exec(
            select(models.SchoolCategory).where(col(models.SchoolCategory.id).in_(category_ids))
        ):
            self.existing[row.id] = (row.school_id, row.payload_sha256, row.server_seq)

    def may_read(self, school_id: str) -> bool:
        if school_id not in self.readable:
            self.readable[school_id] = may_read_school(self.session, self.caller.person, school_id)
        return self.readable[school_id]

    def apply(self, op: CategoryOperation) -> OpResult:
        prior = self.prior.get(str(op.op_id))
        if prior is not None:
            return self._replay(op, prior)
        result = self._apply_new(op)
        applied = models.AppliedCategoryOp(
            op_id=str(op.op_id),
            school_id=op.category.school_id,
            device_id=self.caller.device.id,
            op_sha256=op.digest(),
            result=result.model_dump(mode="json"),
            applied_at=utc_now(),
        )
        self.session.add(applied)
        self.prior[applied.op_id] = applied
        return result

    def _replay(self, op: CategoryOperation, prior: models.AppliedCategoryOp) -> OpResult:
        if prior.device_id not in self.person_of_device:
            device = self.session.get(models.Device, prior.device_id)
            self.person_of_device[prior.device_id] = device.person_id if device else None
        if self.person_of_device[prior.device_id] != self.caller.person.id:
            return _rejected(
                op,
                RejectReason.OP_ID_REUSED,
                f"Operation {op.op_id} was already sent by another person's laptop; "
                "this category was not applied.",
            )
        if prior.op_sha256 != op.digest():
            return _rejected(
                op,
                RejectReason.OP_ID_REUSED,
                f"Operation {op.op_id} was already applied with different content; "
                "the new content was not applied.",
            )
        return OpResult.model_validate(prior.result)

    def _apply_new(self, op: CategoryOperation) -> OpResult:
        category = op.category
        person = self.caller.person
        if not self.may_read(category.school_id):
            # The same answer for "absent" and "not yours": existence is not disclosed.
            return _rejected(
                op,
                RejectReason.NOT_ALLOWED,
                f"There is no school {category.school_id} that you review, so its category "
                "was not recorded.",
            )
        if not self.may_agree:
            return _rejected(
                op,
                RejectReason.NOT_ALLOWED,
                "Only a lead reviewer or a trust admin (the central team) can agree a school's "
                "category.",
            )
        if category.agreed_by != person.id:
            return _rejected(
                op,
                RejectReason.NOT_ALLOWED,
                "A category can only be sent by the person who agreed it.",
            )
        if category.agreed_on > utc_now().date() + timedelta(days=1):
            return _rejected(
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
            return _rejected(
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
    push = _CategoryPush(session, caller)
    push.lock(list(request.operations))
    results = [push.apply(op) for op in request.operations]
    session.flush()
    caller.device.last_seen_at = utc_now()
    session.add(caller.device)
    log.info(
        "Category push from device %s: %d operations, %d accepted",
        caller.device.id,
        len(results),
        sum(r.status is ResultStatus.ACCEPTED for r in results),
    )
    return CategoryPushResponse(results=results)


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
