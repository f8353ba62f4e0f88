"""Review records, attachments' content (blobs), the sync outbox and per-review sync state.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _note_child(name: str, *columns: sa.Column[object]) -> None:
    op.create_table(
        name,
        sa.Column(
            "note_id",
            sa.String(),
            sa.ForeignKey("evidence_note.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        *columns,
    )


def upgrade() -> None:
    op.create_table(
        "review",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("visit_id", sa.String(), sa.ForeignKey("visit.id"), nullable=False),
        sa.Column("framework_id", sa.String(), nullable=False),
        sa.Column("framework_version", sa.String(), nullable=False),
        sa.Column("framework_hash", sa.String(), nullable=False),
        sa.Column("framework_snapshot", sa.Text(), nullable=False),
        sa.Column("state", sa.String(), nullable=False),
        sa.Column("created_at", sa.String(), nullable=True),
        sa.Column("amends", sa.String(), sa.ForeignKey("review.id"), nullable=True),
        sa.Column("amendment_reason", sa.String(), nullable=False),
    )
    op.create_index("ix_review_visit_id", "review", ["visit_id"])
    op.create_table(
        "judgement",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("review_id", sa.String(), sa.ForeignKey("review.id"), nullable=False),
        sa.Column("criterion_id", sa.String(), nullable=False),
        sa.Column("author_id", sa.String(), nullable=False),
        sa.Column("level_key", sa.String(), nullable=True),
        sa.Column("created_at", sa.String(), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column("agreed", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_judgement_review_id", "judgement", ["review_id"])
    op.create_table(
        "field_value",
        sa.Column("review_id", sa.String(), sa.ForeignKey("review.id"), primary_key=True),
        sa.Column("field_id", sa.String(), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("server_version", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.String(), nullable=False),
        sa.Column("updated_at", sa.String(), nullable=False),
    )
    op.create_table(
        "blob",
        sa.Column("sha256", sa.String(), primary_key=True),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("stored_at", sa.String(), nullable=False),
    )
    op.create_table(
        "attachment",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("review_id", sa.String(), sa.ForeignKey("review.id"), nullable=False),
        sa.Column("sha256", sa.String(), sa.ForeignKey("blob.sha256"), nullable=False),
        sa.Column("filename", sa.String(), nullable=False),
        sa.Column("media_type", sa.String(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.String(), nullable=False),
        sa.Column("added_at", sa.String(), nullable=False),
        sa.Column("retracted", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_attachment_review_id", "attachment", ["review_id"])
    op.create_index("ix_attachment_sha256", "attachment", ["sha256"])
    op.create_table(
        "evidence_note",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("review_id", sa.String(), sa.ForeignKey("review.id"), nullable=False),
        sa.Column("author_id", sa.String(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("captured_at", sa.String(), nullable=False),
        sa.Column("supersedes", sa.String(), nullable=True),
        sa.Column("retracted", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_evidence_note_review_id", "evidence_note", ["review_id"])
    _note_child(
        "note_criterion",
        sa.Column("position", sa.Integer(), primary_key=True),
        sa.Column("criterion_id", sa.String(), nullable=False),
    )
    op.create_index("ix_note_criterion_criterion_id", "note_criterion", ["criterion_id"])
    _note_child(
        "note_tag",
        sa.Column("kind", sa.String(), primary_key=True),
        sa.Column("value", sa.String(), nullable=False),
    )
    _note_child(
        "note_attachment",
        sa.Column("position", sa.Integer(), primary_key=True),
        sa.Column("attachment_id", sa.String(), sa.ForeignKey("attachment.id"), nullable=False),
    )
    _note_child(
        "note_pupil",
        sa.Column("position", sa.Integer(), primary_key=True),
        sa.Column("pupil_ref", sa.String(), nullable=False),
    )
    op.create_table(
        "action",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("review_id", sa.String(), sa.ForeignKey("review.id"), nullable=False),
        sa.Column("school_id", sa.String(), sa.ForeignKey("school.id"), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(), nullable=False),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("priority", sa.String(), nullable=False),
        sa.Column("created_by", sa.String(), nullable=False),
        sa.Column("created_at", sa.String(), nullable=False),
        sa.Column("criterion_id", sa.String(), nullable=True),
        sa.Column("retracted", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_action_review_id", "action", ["review_id"])
    op.create_index("ix_action_school_id", "action", ["school_id"])
    op.create_table(
        "action_follow_up",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("action_id", sa.String(), sa.ForeignKey("action.id"), nullable=False),
        sa.Column("review_id", sa.String(), sa.ForeignKey("review.id"), nullable=False),
        sa.Column("outcome", sa.String(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("author_id", sa.String(), nullable=False),
        sa.Column("recorded_at", sa.String(), nullable=False),
    )
    op.create_index("ix_action_follow_up_action_id", "action_follow_up", ["action_id"])
    op.create_index("ix_action_follow_up_review_id", "action_follow_up", ["review_id"])
    op.create_table(
        "outbox",
        sa.Column("op_id", sa.String(), primary_key=True),
        sa.Column("device_seq", sa.Integer(), nullable=False, unique=True),
        sa.Column("review_id", sa.String(), nullable=False),
        sa.Column("entity", sa.String(), nullable=False),
        sa.Column("entity_id", sa.String(), nullable=False),
        sa.Column("field", sa.String(), nullable=True),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("base_version", sa.Integer(), nullable=True),
        sa.Column("parent_op_id", sa.String(), nullable=True),
        sa.Column("device_time", sa.String(), nullable=False),
        sa.Column("state", sa.String(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(), nullable=True),
    )
    op.create_index("ix_outbox_review_id", "outbox", ["review_id"])
    op.create_index("ix_outbox_state_seq", "outbox", ["state", "device_seq"])
    op.create_table(
        "sync_state",
        sa.Column("review_id", sa.String(), primary_key=True),
        sa.Column("pull_cursor", sa.Integer(), nullable=False),
        sa.Column("last_push_at", sa.String(), nullable=True),
        sa.Column("last_pull_at", sa.String(), nullable=True),
    )


def downgrade() -> None:
    for table in (
        "sync_state",
        "outbox",
        "action_follow_up",
        "action",
        "note_pupil",
        "note_attachment",
        "note_tag",
        "note_criterion",
        "evidence_note",
        "attachment",
        "blob",
        "field_value",
        "judgement",
        "review",
    ):
        op.drop_table(table)
