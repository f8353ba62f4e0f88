"""School categories: agreed categories of schools (append-only, numbered per school) and the
answers given to category operations (exactly-once by op id).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql
from sqlmodel.sql.sqltypes import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "school_category",
        sa.Column("school_id", sa.String(length=64), nullable=False),
        sa.Column("server_seq", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.String(length=128), nullable=False),
        sa.Column("op_id", sa.String(length=36), nullable=False),
        sa.Column("author_id", sa.String(length=64), nullable=False),
        sa.Column("device_id", sa.String(length=64), nullable=False),
        sa.Column("payload_sha256", sa.String(length=64), nullable=False),
        sa.Column("payload", _json(), nullable=False),
        sa.Column("stored_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["school_id"], ["school.id"]),
        sa.ForeignKeyConstraint(["author_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("school_id", "server_seq"),
        sa.UniqueConstraint("id"),
    )
    op.create_table(
        "applied_category_op",
        sa.Column("op_id", sa.String(length=36), nullable=False),
        sa.Column("school_id", sa.String(length=128), nullable=False),
        sa.Column("device_id", sa.String(length=64), nullable=False),
        sa.Column("op_sha256", sa.String(length=64), nullable=False),
        sa.Column("result", _json(), nullable=False),
        sa.Column("applied_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["device_id"], ["device.id"]),
        sa.PrimaryKeyConstraint("op_id"),
    )


def downgrade() -> None:
    op.drop_table("applied_category_op")
    op.drop_table("school_category")
