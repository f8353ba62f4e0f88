"""Data protection on the laptop: the audit entries it owes the trust (bundle exports, what it
removed), sent at the next sync.

Revision ID: 0007
Revises: 0004
Create Date: 2026-12-07

(Numbered 0007 because journey and templates hold 0005 and 0006: whoever lands later re-chains
``down_revision`` onto main's newest and fixes ``storage.schema.REVISIONS``; the table is new.)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_entry",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("occurred_at", sa.String(), nullable=False),
        sa.Column("person_id", sa.String(), nullable=False),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("sent_at", sa.String(), nullable=True),
    )
    op.create_index("ix_audit_entry_sent_at", "audit_entry", ["sent_at"])


def downgrade() -> None:
    op.drop_table("audit_entry")
