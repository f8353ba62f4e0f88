"""Tables of the local store (SQLModel), kept in their own metadata.

They mirror the Alembic migrations in ``storage/migrations`` (a test compares the two). Rows never
leave the storage layer: repositories turn them into domain objects.

Times are stored as ISO 8601 text (offset kept when the datetime has one), dates as ISO dates.
Lists and mappings on append-only records live in child tables so they can be queried.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Column, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

#: The store's own metadata, so these tables never meet the server's SQLModel tables.
store_registry = registry()


class StoreTable(SQLModel, registry=store_registry):
    """Base of every table in the local store."""


# ---------------------------------------------------------------- 0001: organisation and visits


class LocalSettingRow(StoreTable, table=True):
    """Small facts about this store: who uses this laptop, whether demo data is seeded."""

    __tablename__ = "local_setting"
    key: str = Field(primary_key=True)
    value: str


class TrustRow(StoreTable, table=True):
    __tablename__ = "trust"
    id: str = Field(primary_key=True)
    name: str
    profile_id: str


class SchoolRow(StoreTable, table=True):
    __tablename__ = "school"
    __table_args__ = (UniqueConstraint("trust_id", "urn", name="uq_school_trust_urn"),)
    id: str = Field(primary_key=True)
    trust_id: str = Field(foreign_key="trust.id", index=True)
    urn: str
    name: str = Field(index=True)
    phase: str
    local_authority: str
    has_early_years: bool
    has_sixth_form: bool


class PersonRow(StoreTable, table=True):
    __tablename__ = "person"
    id: str = Field(primary_key=True)
    trust_id: str = Field(foreign_key="trust.id", index=True)
    name: str
    email: str


class PersonRoleRow(StoreTable, table=True):
    __tablename__ = "person_role"
    person_id: str = Field(
        sa_column=Column(String, ForeignKey("person.id", ondelete="CASCADE"), primary_key=True)
    )
    role: str = Field(primary_key=True)


class VisitRow(StoreTable, table=True):
    __tablename__ = "visit"
    id: str = Field(primary_key=True)
    school_id: str = Field(foreign_key="school.id", index=True)
    framework_id: str
    planned_start: date
    planned_end: date
    status: str
    actual_start: date | None = None
    actual_end: date | None = None
    title: str
    extra: str  # JSON object of strings


class VisitReviewerRow(StoreTable, table=True):
    __tablename__ = "visit_reviewer"
    visit_id: str = Field(
        sa_column=Column(String, ForeignKey("visit.id", ondelete="CASCADE"), primary_key=True)
    )
    person_id: str = Field(foreign_key="person.id", primary_key=True)
    role: str
    position: int


# ------------------------------------------------------ 0002: review records, outbox, blobs


class ReviewRow(StoreTable, table=True):
    __tablename__ = "review"
    id: str = Field(primary_key=True)
    visit_id: str = Field(foreign_key="visit.id", index=True)
    framework_id: str
    framework_version: str
    framework_hash: str
    framework_snapshot: str = Field(sa_type=Text)
    state: str
    created_at: str | None = None
    amends: str | None = Field(default=None, foreign_key="review.id")
    amendment_reason: str


class JudgementRow(StoreTable, table=True):
    __tablename__ = "judgement"
    id: str = Field(primary_key=True)
    review_id: str = Field(foreign_key="review.id", index=True)
    criterion_id: str
    author_id: str
    level_key: str | None = None
    created_at: str
    rationale: str = Field(sa_type=Text)
    agreed: bool
    carried_forward_from: str | None = None  # ISO date (0017)


class FieldValueRow(StoreTable, table=True):
    __tablename__ = "field_value"
    review_id: str = Field(foreign_key="review.id", primary_key=True)
    field_id: str = Field(primary_key=True)
    value: str = Field(sa_type=Text)  # canonical JSON
    version: int
    server_version: int  # the newest version the server acknowledged; 0 = never synced
    author_id: str
    updated_at: str


class BlobRow(StoreTable, table=True):
    """Attachment content, addressed by SHA-256 and stored once inside the encrypted store."""

    __tablename__ = "blob"
    sha256: str = Field(primary_key=True)
    size: int
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    stored_at: str


class AttachmentRow(StoreTable, table=True):
    __tablename__ = "attachment"
    id: str = Field(primary_key=True)
    review_id: str = Field(foreign_key="review.id", index=True)
    sha256: str = Field(foreign_key="blob.sha256", index=True)
    filename: str
    media_type: str
    size: int
    author_id: str
    added_at: str
    retracted: bool


class EvidenceNoteRow(StoreTable, table=True):
    __tablename__ = "evidence_note"
    id: str = Field(primary_key=True)
    review_id: str = Field(foreign_key="review.id", index=True)
    author_id: str
    text: str = Field(sa_type=Text)
    captured_at: str
    supersedes: str | None = None
    retracted: bool


class NoteCriterionRow(StoreTable, table=True):
    __tablename__ = "note_criterion"
    note_id: str = Field(
        sa_column=Column(
            String, ForeignKey("evidence_note.id", ondelete="CASCADE"), primary_key=True
        )
    )
    position: int = Field(primary_key=True)
    criterion_id: str = Field(index=True)


class NoteTagRow(StoreTable, table=True):
    __tablename__ = "note_tag"
    note_id: str = Field(
        sa_column=Column(
            String, ForeignKey("evidence_note.id", ondelete="CASCADE"), primary_key=True
        )
    )
    kind: str = Field(primary_key=True)
    value: str


class NoteAttachmentRow(StoreTable, table=True):
    __tablename__ = "note_attachment"
    note_id: str = Field(
        sa_column=Column(
            String, ForeignKey("evidence_note.id", ondelete="CASCADE"), primary_key=True
        )
    )
    position: int = Field(primary_key=True)
    attachment_id: str = Field(foreign_key="attachment.id")


class NotePupilRow(StoreTable, table=True):
    __tablename__ = "note_pupil"
    note_id: str = Field(
        sa_column=Column(
            String, ForeignKey("evidence_note.id", ondelete="CASCADE"), primary_key=True
        )
    )
    position: int = Field(primary_key=True)
    pupil_ref: str


class ActionRow(StoreTable, table=True):
    __tablename__ = "action"
    id: str = Field(primary_key=True)
    review_id: str = Field(foreign_key="review.id", index=True)
    school_id: str = Field(foreign_key="school.id", index=True)
    text: str = Field(sa_type=Text)
    owner: str
    due: date | None = None
    priority: str
    created_by: str
    created_at: str
    criterion_id: str | None = None
    retracted: bool


class ActionFollowUpRow(StoreTable, table=True):
    __tablename__ = "action_follow_up"
    id: str = Field(primary_key=True)
    action_id: str = Field(foreign_key="action.id", index=True)
    review_id: str = Field(foreign_key="review.id", index=True)
    outcome: str
    evidence: str = Field(sa_type=Text)
    author_id: str
    recorded_at: str


class OutboxRow(StoreTable, table=True):
    """One local mutation of review records, waiting to be pushed (sync design A8)."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_state_seq", "state", "device_seq"),)
    op_id: str = Field(primary_key=True)
    device_seq: int = Field(unique=True)
    review_id: str = Field(index=True)
    entity: str
    entity_id: str
    field: str | None = None
    kind: str
    payload: str = Field(sa_type=Text)
    base_version: int | None = None
    parent_op_id: str | None = None
    device_time: str
    state: str = "pending"
    attempts: int = 0
    last_error: str | None = None


class SyncStateRow(StoreTable, table=True):
    __tablename__ = "sync_state"
    review_id: str = Field(primary_key=True)
    pull_cursor: int = 0
    last_push_at: str | None = None
    last_pull_at: str | None = None


# ---------------------------------------------------------------- 0003: signed reports


class SignedReportRow(StoreTable, table=True):
    """One signed state of a report PDF (a new row after every signature; never changed)."""

    __tablename__ = "signed_report"
    id: str = Field(primary_key=True)
    review_id: str = Field(foreign_key="review.id", index=True)
    report_id: str
    audience: str
    data_hash: str
    signer_count: int
    required_count: int
    signer_name: str
    signed_at: str
    pdf: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


# ---------------------------------------------------------------- 0004: school categorisation


class SchoolCategoryRow(StoreTable, table=True):
    """One agreed category of a school under a categorisation scheme (append-only history)."""

    __tablename__ = "school_category"
    id: str = Field(primary_key=True)
    school_id: str = Field(foreign_key="school.id", index=True)
    scheme_id: str
    scheme_version: str
    level_key: str
    level_label: str
    agreed_on: date
    agreed_by: str = Field(foreign_key="person.id")
    rationale: str = Field(sa_type=Text)
    recorded_at: str
    suggested_level_key: str | None = None
    suggestion: str = Field(sa_type=Text)


class SchoolCategoryOutcomeRow(StoreTable, table=True):
    """A review outcome the scheme's suggestion rested on when the category was agreed."""

    __tablename__ = "school_category_outcome"
    category_id: str = Field(
        sa_column=Column(
            String, ForeignKey("school_category.id", ondelete="CASCADE"), primary_key=True
        )
    )
    position: int = Field(primary_key=True)
    review_id: str
    visit_date: date | None = None
    framework_id: str
    criterion_id: str
    level_key: str
    label: str
    level_label: str


# ---------------------------------------------------------------- 0007: data protection


class AuditEntryRow(StoreTable, table=True):
    """Something this laptop did that the trust's audit log must show (a bundle exported, data
    removed), kept until a sync has delivered it. Never review content: ids, counts, file names."""

    __tablename__ = "audit_entry"
    id: str = Field(primary_key=True)
    occurred_at: str
    person_id: str
    action: str
    summary: str = Field(sa_type=Text)
    detail: str = Field(sa_type=Text)
    sent_at: str | None = Field(default=None, index=True)


# ---------------------------------------------------------------- 0008: the trust's frameworks


class TrustFrameworkRow(StoreTable, table=True):
    """One version of a document from the trust's framework library, as received at sync.

    ``refused`` is empty for a document in use; otherwise the reason the laptop's checker gave,
    and the document is never used.
    """

    __tablename__ = "trust_framework_document"
    kind: str = Field(primary_key=True)
    doc_id: str = Field(primary_key=True)
    version: str = Field(primary_key=True)
    state: str
    title: str
    sha256: str
    text: str = Field(sa_type=Text)
    received_at: str
    refused: str = Field(sa_type=Text)
