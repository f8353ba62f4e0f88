"""The server's tables (SQLModel). Alembic migrations in ``server/migrations`` create them.

Organisation: trust, school, framework (with its safeguarding flag), person, person_role,
assignment (person may see school), visit, visit_reviewer (team and the lead), device,
enrolment_code. Sync (A8): review (per-review ``last_seq`` counter, locked row), applied_op
(exactly-once results), change_log (the pull feed), record (append-only records, by id),
field_state (versioned shared fields), conflict, blob.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlmodel import Field, SQLModel

#: JSON column type that works on SQLite and PostgreSQL.
JSONType = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _json_column(nullable: bool = False) -> Any:
    return Field(sa_column=sa.Column(JSONType, nullable=nullable))


class Trust(SQLModel, table=True):
    id: str = Field(primary_key=True, max_length=64)
    name: str = Field(max_length=200)
    #: A laptop that has not synced for this many days must enrol again (0: never).
    device_idle_days: int = Field(default=90, sa_column_kwargs={"server_default": "90"})


class School(SQLModel, table=True):
    id: str = Field(primary_key=True, max_length=64)
    trust_id: str = Field(foreign_key="trust.id", index=True, max_length=64)
    urn: str = Field(max_length=6)
    name: str = Field(max_length=200)
    phase: str = Field(max_length=32)
    local_authority: str = Field(default="", max_length=100)


class Framework(SQLModel, table=True):
    """A review framework the trust uses; ``safeguarding`` ones are for safeguarding roles only."""

    id: str = Field(primary_key=True, max_length=128)
    title: str = Field(default="", max_length=200)
    safeguarding: bool = False


class Person(SQLModel, table=True):
    id: str = Field(primary_key=True, max_length=64)
    trust_id: str = Field(foreign_key="trust.id", index=True, max_length=64)
    name: str = Field(max_length=200)
    email: str = Field(max_length=320, unique=True)
    active: bool = True
    # Console sign-in (see ``server/staff_accounts.py``); no password means no console access.
    #: argon2id hash of the console password.
    password_hash: str | None = Field(default=None, max_length=200)
    #: The confirmed authenticator's TOTP secret (base32); None until one is enrolled.
    totp_secret: str | None = Field(default=None, max_length=64)
    failed_sign_ins: int = 0
    locked_until: datetime | None = None
    last_sign_in_at: datetime | None = None


class PersonRole(SQLModel, table=True):
    __tablename__ = "person_role"

    person_id: str = Field(foreign_key="person.id", primary_key=True, max_length=64)
    role: str = Field(primary_key=True, max_length=32)


class Assignment(SQLModel, table=True):
    """The person reviews this school and may see its reviews (framework rules permitting)."""

    person_id: str = Field(foreign_key="person.id", primary_key=True, max_length=64)
    school_id: str = Field(foreign_key="school.id", primary_key=True, max_length=64)


class Visit(SQLModel, table=True):
    id: str = Field(primary_key=True, max_length=64)
    school_id: str = Field(foreign_key="school.id", index=True, max_length=64)
    framework_id: str = Field(foreign_key="framework.id", max_length=128)
    planned_start: date
    planned_end: date
    #: Who planned the visit from a laptop (None when planned on the console or by a command).
    planned_by: str | None = Field(default=None, max_length=64)


class VisitReviewer(SQLModel, table=True):
    __tablename__ = "visit_reviewer"

    visit_id: str = Field(foreign_key="visit.id", primary_key=True, max_length=64)
    person_id: str = Field(foreign_key="person.id", primary_key=True, max_length=64)
    role: str = Field(max_length=32)


class Device(SQLModel, table=True):
    id: str = Field(primary_key=True, max_length=64)
    person_id: str = Field(foreign_key="person.id", index=True, max_length=64)
    name: str = Field(max_length=100)
    #: SHA-256 of the bearer token; the token itself is never stored.
    token_sha256: str = Field(max_length=64, unique=True)
    enrolled_at: datetime
    revoked_at: datetime | None = None
    last_seen_at: datetime | None = None
    #: The Reviewer version the laptop last synced with (from its User-Agent).
    app_version: str | None = Field(default=None, max_length=40)
    #: The token before the last rotation, accepted until the laptop shows it kept the new one.
    previous_token_sha256: str | None = Field(default=None, max_length=64, index=True)
    #: When the current token was issued (enrolment, or the last rotation).
    token_issued_at: datetime | None = None


class EnrolmentCode(SQLModel, table=True):
    __tablename__ = "enrolment_code"

    code_sha256: str = Field(primary_key=True, max_length=64)
    person_id: str = Field(foreign_key="person.id", index=True, max_length=64)
    issued_at: datetime
    expires_at: datetime
    used_at: datetime | None = None
    device_id: str | None = Field(default=None, max_length=64)


class Review(SQLModel, table=True):
    """One review of a visit. ``last_seq`` is the per-review counter, taken under a row lock."""

    id: str = Field(primary_key=True, max_length=128)
    visit_id: str = Field(foreign_key="visit.id", index=True, max_length=64)
    framework_id: str = Field(foreign_key="framework.id", max_length=128)
    framework_version: str = Field(default="", max_length=200)
    framework_hash: str = Field(default="", max_length=200)
    last_seq: int = Field(default=0, sa_type=sa.BigInteger)
    locked: bool = False
    created_by: str | None = Field(default=None, max_length=64)


class AppliedOp(SQLModel, table=True):
    """Every operation the server has answered for good, with the answer (replays return it)."""

    __tablename__ = "applied_op"

    op_id: str = Field(primary_key=True, max_length=36)
    review_id: str = Field(foreign_key="review.id", index=True, max_length=128)
    device_id: str = Field(foreign_key="device.id", max_length=64)
    op_sha256: str = Field(max_length=64)
    result: dict[str, Any] = _json_column()
    server_seq: int | None = Field(default=None, sa_type=sa.BigInteger)
    #: For accepted ``set``/``resolve``: the field version this op produced (parent chaining).
    version: int | None = None
    applied_at: datetime


class ChangeLog(SQLModel, table=True):
    __tablename__ = "change_log"

    review_id: str = Field(foreign_key="review.id", primary_key=True, max_length=128)
    server_seq: int = Field(primary_key=True, sa_type=sa.BigInteger)
    kind: str = Field(max_length=16)
    entity: str = Field(max_length=32)
    entity_id: str = Field(max_length=128)
    field: str | None = Field(default=None, max_length=200)
    version: int | None = None
    op_id: str = Field(max_length=36)
    author_id: str = Field(max_length=64)
    device_id: str = Field(max_length=64)
    device_time: datetime
    conflict_id: str | None = Field(default=None, max_length=64)
    payload: Any = _json_column(nullable=True)


class Record(SQLModel, table=True):
    """An append-only record (note, attachment, judgement, action, follow-up, signed report)."""

    review_id: str = Field(foreign_key="review.id", primary_key=True, max_length=128)
    entity: str = Field(primary_key=True, max_length=32)
    entity_id: str = Field(primary_key=True, max_length=128)
    author_id: str = Field(max_length=64)
    op_id: str = Field(max_length=36)
    payload_sha256: str = Field(max_length=64)
    payload: Any = _json_column(nullable=True)
    blob_sha256: str | None = Field(default=None, index=True, max_length=64)
    retracted: bool = False
    server_seq: int = Field(sa_type=sa.BigInteger)


class FieldState(SQLModel, table=True):
    """Current value and version of a shared field."""

    __tablename__ = "field_state"

    review_id: str = Field(foreign_key="review.id", primary_key=True, max_length=128)
    entity: str = Field(primary_key=True, max_length=32)
    entity_id: str = Field(primary_key=True, max_length=128)
    field: str = Field(primary_key=True, max_length=200)
    value: Any = _json_column(nullable=True)
    version: int = 0
    author_id: str = Field(max_length=64)
    device_id: str | None = Field(default=None, max_length=64)
    device_time: datetime | None = None
    op_id: str | None = Field(default=None, max_length=36)


class Conflict(SQLModel, table=True):
    id: str = Field(primary_key=True, max_length=64)
    review_id: str = Field(foreign_key="review.id", index=True, max_length=128)
    entity: str = Field(max_length=32)
    entity_id: str = Field(max_length=128)
    field: str = Field(max_length=200)
    base_version: int
    status: str = Field(default="open", max_length=16)
    candidates: list[dict[str, Any]] = _json_column()
    resolved_by: str | None = Field(default=None, max_length=64)
    resolution_op_id: str | None = Field(default=None, max_length=36)


class Blob(SQLModel, table=True):
    """A complete, hash-checked blob on disk under the server's blob folder."""

    sha256: str = Field(primary_key=True, max_length=64)
    size: int = Field(sa_type=sa.BigInteger)
    stored_at: datetime
    uploaded_by: str | None = Field(default=None, max_length=64)
    #: The laptop whose upload completed it (its quota counts the file until a record uses it).
    device_id: str | None = Field(default=None, index=True, max_length=64)


class RestrictedItem(SQLModel, table=True):
    """A criterion or field of a framework that only safeguarding roles may see (from the files).

    ``kind`` is ``criterion`` (its judgements, notes, actions and ``<criterion>.*`` fields) or
    ``field`` (a section-level field id).
    """

    __tablename__ = "restricted_item"

    framework_id: str = Field(foreign_key="framework.id", primary_key=True, max_length=128)
    kind: str = Field(primary_key=True, max_length=16)
    item_id: str = Field(primary_key=True, max_length=200)


class SchoolCategory(SQLModel, table=True):
    """An agreed category of a school (append-only), numbered per school for the pull feed."""

    __tablename__ = "school_category"

    school_id: str = Field(foreign_key="school.id", primary_key=True, max_length=64)
    server_seq: int = Field(primary_key=True, sa_type=sa.BigInteger)
    id: str = Field(max_length=128, unique=True)
    op_id: str = Field(max_length=36)
    author_id: str = Field(foreign_key="person.id", max_length=64)
    device_id: str = Field(max_length=64)
    payload_sha256: str = Field(max_length=64)
    payload: Any = _json_column()
    stored_at: datetime


class AppliedCategoryOp(SQLModel, table=True):
    """Every category operation the server has answered, with the answer (replays return it)."""

    __tablename__ = "applied_category_op"

    op_id: str = Field(primary_key=True, max_length=36)
    school_id: str = Field(max_length=128)
    device_id: str = Field(foreign_key="device.id", max_length=64)
    op_sha256: str = Field(max_length=64)
    result: dict[str, Any] = _json_column()
    applied_at: datetime


class AppliedVisitOp(SQLModel, table=True):
    """Every visit operation the server has answered, with the answer (replays return it)."""

    __tablename__ = "applied_visit_op"

    op_id: str = Field(primary_key=True, max_length=36)
    visit_id: str = Field(max_length=128)
    device_id: str = Field(foreign_key="device.id", max_length=64)
    op_sha256: str = Field(max_length=64)
    result: dict[str, Any] = _json_column()
    applied_at: datetime


class ConsoleLink(SQLModel, table=True):
    """A one-time link an admin issues: set a first password (``setup``) or a new (``reset``)."""

    __tablename__ = "console_link"

    token_sha256: str = Field(primary_key=True, max_length=64)
    person_id: str = Field(foreign_key="person.id", index=True, max_length=64)
    purpose: str = Field(max_length=16)
    issued_at: datetime
    expires_at: datetime
    used_at: datetime | None = None


class ConsoleSession(SQLModel, table=True):
    """A browser's console session; the cookie holds the token, this row its SHA-256.

    ``stage`` is ``second_factor`` (password right, code still to give), ``enrol_factor``
    (password right, an authenticator must be set up first) or ``signed_in``.
    """

    __tablename__ = "console_session"

    token_sha256: str = Field(primary_key=True, max_length=64)
    person_id: str = Field(foreign_key="person.id", index=True, max_length=64)
    stage: str = Field(max_length=16)
    csrf_token: str = Field(max_length=64)
    #: An authenticator secret being set up (moved to the person once a code confirms it).
    pending_totp_secret: str | None = Field(default=None, max_length=64)
    created_at: datetime
    last_seen_at: datetime


class ConsoleRecoveryCode(SQLModel, table=True):
    """A one-time recovery code for a lost authenticator (stored hashed)."""

    __tablename__ = "console_recovery_code"

    person_id: str = Field(foreign_key="person.id", primary_key=True, max_length=64)
    code_sha256: str = Field(primary_key=True, max_length=64)
    used_at: datetime | None = None


class AuditEvent(SQLModel, table=True):
    """One thing someone did that the trust may have to account for (admin action or a read
    of restricted safeguarding detail). ``summary`` names people and schools as they were
    named at the time."""

    __tablename__ = "audit_event"

    id: int | None = Field(
        default=None, primary_key=True, sa_type=sa.BigInteger().with_variant(sa.Integer(), "sqlite")
    )
    at: datetime = Field(index=True)
    trust_id: str | None = Field(default=None, index=True, max_length=64)
    actor_id: str | None = Field(default=None, max_length=64)
    actor_name: str = Field(max_length=200)
    via: str = Field(max_length=16)
    action: str = Field(max_length=64)
    summary: str = Field(max_length=1000)
    subject_id: str | None = Field(default=None, max_length=128)


class LibraryDocument(SQLModel, table=True):
    """One version of a trust's own framework file (framework, scale, scheme, profile, overlay
    or vocabulary) in the framework library, as canonical YAML, with its state (draft,
    published, retired). ``changed_seq`` is the trust library's counter at its last change."""

    __tablename__ = "library_document"

    trust_id: str = Field(foreign_key="trust.id", primary_key=True, max_length=64)
    kind: str = Field(primary_key=True, max_length=32)
    doc_id: str = Field(primary_key=True, max_length=80)
    version: str = Field(primary_key=True, max_length=20)
    state: str = Field(max_length=16)
    title: str = Field(default="", max_length=200)
    #: Only safeguarding roles may use it (a framework or overlay restricted with visible_to).
    safeguarding: bool = False
    text: str = Field(sa_type=sa.Text)
    content_sha256: str = Field(max_length=64)
    source_name: str = Field(default="", max_length=200)
    uploaded_by: str = Field(default="", max_length=200)
    uploaded_at: datetime
    published_at: datetime | None = None
    retired_at: datetime | None = None
    changed_seq: int = Field(default=0, sa_type=sa.BigInteger)


class LibraryDraftDevice(SQLModel, table=True):
    """A laptop a trust admin opted in to receive draft frameworks, to try them before they
    are published."""

    __tablename__ = "library_draft_device"

    device_id: str = Field(foreign_key="device.id", primary_key=True, max_length=64)
    opted_in_at: datetime


class ApiToken(SQLModel, table=True):
    """A person's token for the read-only data API (``/api/v1/``), e.g. for Power BI or Excel.

    Only the SHA-256 of the token is kept; it reads what its person may see in the console.
    """

    __tablename__ = "api_token"

    id: str = Field(primary_key=True, max_length=64)
    person_id: str = Field(foreign_key="person.id", index=True, max_length=64)
    name: str = Field(max_length=100)
    token_sha256: str = Field(max_length=64, unique=True)
    created_at: datetime
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None


class RetentionRule(SQLModel, table=True):
    """A retention period the trust set for one scope (``docs/data-protection/retention.md``):
    ``reviews``, ``safeguarding reviews``, ``framework:<id>`` or ``audit log`` (years), or
    ``laptop copies`` (days). A scope without a row keeps its default."""

    __tablename__ = "retention_rule"

    trust_id: str = Field(foreign_key="trust.id", primary_key=True, max_length=64)
    scope: str = Field(primary_key=True, max_length=160)
    period: int
    set_by: str = Field(max_length=200)
    set_at: datetime


class LegalHold(SQLModel, table=True):
    """A hold that stops any purge of a school's reviews, or of one review, until lifted."""

    __tablename__ = "legal_hold"

    id: str = Field(primary_key=True, max_length=64)
    trust_id: str = Field(foreign_key="trust.id", index=True, max_length=64)
    school_id: str | None = Field(default=None, max_length=64)
    review_id: str | None = Field(default=None, max_length=128)
    reason: str = Field(max_length=500)
    placed_by: str = Field(max_length=200)
    placed_at: datetime
    lifted_by: str | None = Field(default=None, max_length=200)
    lifted_at: datetime | None = None


class RetentionTombstone(SQLModel, table=True):
    """The minimal, signed record of one retention purge: what went (ids, counts, files),
    under which rule, when and by whom; never any of the content. ``content`` is what the
    signature covers (canonical JSON), ``review_ids`` what laptops remove at their next sync."""

    __tablename__ = "retention_tombstone"

    id: str = Field(primary_key=True, max_length=64)
    trust_id: str = Field(foreign_key="trust.id", index=True, max_length=64)
    kind: str = Field(max_length=32)
    subject_id: str = Field(max_length=128)
    review_ids: list[str] = _json_column()
    rule: str = Field(max_length=500)
    purged_at: datetime
    purged_by: str = Field(max_length=200)
    content: dict[str, Any] = _json_column()
    key_id: str = Field(max_length=64)
    signature: str = Field(max_length=200)


class MeetingNote(SQLModel, table=True):
    """A short note of a meeting that has no review framework (a CEO 1:1, a progress meeting,
    a Rapid Improvement Board), recorded in the console; it counts towards the school's
    support cadence when ``activity`` is one of its category's cadence items."""

    __tablename__ = "meeting_note"

    id: str = Field(primary_key=True, max_length=64)
    school_id: str = Field(foreign_key="school.id", index=True, max_length=64)
    activity: str = Field(max_length=200)
    held_on: date
    notes: str = Field(sa_type=sa.Text)
    author_id: str = Field(foreign_key="person.id", max_length=64)
    recorded_at: datetime
