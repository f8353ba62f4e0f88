"""The trust's frameworks on this laptop: documents of the trust's framework library received
at sync (checked again here; a refused one keeps its reason and is never used).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07

(Re-chained after privacy's 0007; journey's 0005 re-chains after this one if it lands later,
changing only ``down_revision`` and ``storage.schema.REVISIONS``.)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "trust_framework_document",
        sa.Column("kind", sa.String(), primary_key=True),
        sa.Column("doc_id", sa.String(), primary_key=True),
        sa.Column("version", sa.String(), primary_key=True),
        sa.Column("state", sa.String(), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("sha256", sa.String(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("received_at", sa.String(), nullable=False),
        sa.Column("refused", sa.Text(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("trust_framework_document")
