"""Signed report versions: every signed state of a report PDF, kept with its review.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "signed_report",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("review_id", sa.String(), sa.ForeignKey("review.id"), nullable=False),
        sa.Column("report_id", sa.String(), nullable=False),
        sa.Column("audience", sa.String(), nullable=False),
        sa.Column("data_hash", sa.String(), nullable=False),
        sa.Column("signer_count", sa.Integer(), nullable=False),
        sa.Column("required_count", sa.Integer(), nullable=False),
        sa.Column("signer_name", sa.String(), nullable=False),
        sa.Column("signed_at", sa.String(), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=False),
    )
    op.create_index("ix_signed_report_review_id", "signed_report", ["review_id"])


def downgrade() -> None:
    op.drop_index("ix_signed_report_review_id", "signed_report")
    op.drop_table("signed_report")
