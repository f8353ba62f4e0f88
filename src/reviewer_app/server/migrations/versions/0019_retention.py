"""Retention (issue 20, item 2): the trust's retention periods, legal holds, and the signed
tombstones of what a retention purge removed.

Revision ID: 0019
Revises: 0017
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql
from sqlmodel.sql.sqltypes import UTCDateTime

revision = "0019"
down_revision = "0017"
branch_labels = None
depends_on = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "retention_rule",
        sa.Column("trust_id", sa.String(length=64), nullable=False),
        sa.Column("scope", sa.String(length=160), nullable=False),
        sa.Column("period", sa.Integer(), nullable=False),
        sa.Column("set_by", sa.String(length=200), nullable=False),
        sa.Column("set_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["trust_id"], ["trust.id"]),
        sa.PrimaryKeyConstraint("trust_id", "scope"),
    )
    op.create_table(
        "legal_hold",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("trust_id", sa.String(length=64), nullable=False),
        sa.Column("school_id", sa.String(length=64), nullable=True),
        sa.Column("review_id", sa.String(length=128), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("placed_by", sa.String(length=200), nullable=False),
        sa.Column("placed_at", UTCDateTime(), nullable=False),
        sa.Column("lifted_by", sa.String(length=200), nullable=True),
        sa.Column("lifted_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["trust_id"], ["trust.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_legal_hold_trust_id", "legal_hold", ["trust_id"])
    op.create_table(
        "retention_tombstone",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("trust_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("subject_id", sa.String(length=128), nullable=False),
        sa.Column("review_ids", _JSON, nullable=False),
        sa.Column("rule", sa.String(length=500), nullable=False),
        sa.Column("purged_at", UTCDateTime(), nullable=False),
        sa.Column("purged_by", sa.String(length=200), nullable=False),
        sa.Column("content", _JSON, nullable=False),
        sa.Column("key_id", sa.String(length=64), nullable=False),
        sa.Column("signature", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["trust_id"], ["trust.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_retention_tombstone_trust_id", "retention_tombstone", ["trust_id"])


def downgrade() -> None:
    op.drop_index("ix_retention_tombstone_trust_id", table_name="retention_tombstone")
    op.drop_table("retention_tombstone")
    op.drop_index("ix_legal_hold_trust_id", table_name="legal_hold")
    op.drop_table("legal_hold")
    op.drop_table("retention_rule")
