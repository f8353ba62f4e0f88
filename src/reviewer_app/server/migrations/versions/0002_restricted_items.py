"""Restricted items: criteria and fields of a framework that only safeguarding roles may see.

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


def upgrade() -> None:
    op.create_table(
        "restricted_item",
        sa.Column("framework_id", sa.String(length=128), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("item_id", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["framework_id"], ["framework.id"]),
        sa.PrimaryKeyConstraint("framework_id", "kind", "item_id"),
    )


def downgrade() -> None:
    op.drop_table("restricted_item")
