"""School categorisation: each school's agreed categories under its trust's scheme, with the
review outcomes the scheme's suggestion rested on.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04

(If another 0004 lands first, re-chain this one after it: only ``revision``/``down_revision``
and ``storage.schema.REVISIONS`` change; the tables are new and depend on nothing but 0001.)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "school_category",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("school_id", sa.String(), sa.ForeignKey("school.id"), nullable=False),
        sa.Column("scheme_id", sa.String(), nullable=False),
        sa.Column("scheme_version", sa.String(), nullable=False),
        sa.Column("level_key", sa.String(), nullable=False),
        sa.Column("level_label", sa.String(), nullable=False),
        sa.Column("agreed_on", sa.Date(), nullable=False),
        sa.Column("agreed_by", sa.String(), sa.ForeignKey("person.id"), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.String(), nullable=False),
        sa.Column("suggested_level_key", sa.String(), nullable=True),
        sa.Column("suggestion", sa.Text(), nullable=False),
    )
    op.create_index("ix_school_category_school_id", "school_category", ["school_id"])
    op.create_table(
        "school_category_outcome",
        sa.Column(
            "category_id",
            sa.String(),
            sa.ForeignKey("school_category.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("position", sa.Integer(), primary_key=True),
        sa.Column("review_id", sa.String(), nullable=False),
        sa.Column("visit_date", sa.Date(), nullable=True),
        sa.Column("framework_id", sa.String(), nullable=False),
        sa.Column("criterion_id", sa.String(), nullable=False),
        sa.Column("level_key", sa.String(), nullable=False),
        sa.Column("label", sa.String(), nullable=False),
        sa.Column("level_label", sa.String(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("school_category_outcome")
    op.drop_index("ix_school_category_school_id", "school_category")
    op.drop_table("school_category")
