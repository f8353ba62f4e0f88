"""Visits planned on laptops: who planned a visit, and the answers given to visit operations
(exactly-once by op id).

Revision ID: 0010
Revises: 0007
Create Date: 2026-12-07
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql
from sqlmodel.sql.sqltypes import UTCDateTime

revision = "0010"
down_revision = "0007"
branch_labels = None
depends_on = None


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("visit") as batch:
        batch.add_column(sa.Column("planned_by", sa.String(length=64), nullable=True))
    op.create_table(
        "applied_visit_op",
        sa.Column("op_id", sa.String(length=36), nullable=False),
        sa.Column("visit_id", sa.String(length=128), nullable=False),
        sa.Column("device_id", sa.String(length=64), nullable=False),
        sa.Column("op_sha256", sa.String(length=64), nullable=False),
        sa.Column("result", _json(), nullable=False),
        sa.Column("applied_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["device_id"], ["device.id"]),
        sa.PrimaryKeyConstraint("op_id"),
    )


def downgrade() -> None:
    op.drop_table("applied_visit_op")
    with op.batch_alter_table("visit") as batch:
        batch.drop_column("planned_by")
