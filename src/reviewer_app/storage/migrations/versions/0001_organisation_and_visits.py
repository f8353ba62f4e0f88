"""Organisation and visits: trust, schools, people and their roles, visits and their teams.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "local_setting",
        sa.Column("key", sa.String(), primary_key=True),
        sa.Column("value", sa.String(), nullable=False),
    )
    op.create_table(
        "trust",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("profile_id", sa.String(), nullable=False),
    )
    op.create_table(
        "school",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("trust_id", sa.String(), sa.ForeignKey("trust.id"), nullable=False),
        sa.Column("urn", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("phase", sa.String(), nullable=False),
        sa.Column("local_authority", sa.String(), nullable=False),
        sa.Column("has_early_years", sa.Boolean(), nullable=False),
        sa.Column("has_sixth_form", sa.Boolean(), nullable=False),
        sa.UniqueConstraint("trust_id", "urn", name="uq_school_trust_urn"),
    )
    op.create_index("ix_school_trust_id", "school", ["trust_id"])
    op.create_index("ix_school_name", "school", ["name"])
    op.create_table(
        "person",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("trust_id", sa.String(), sa.ForeignKey("trust.id"), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("email", sa.String(), nullable=False),
    )
    op.create_index("ix_person_trust_id", "person", ["trust_id"])
    op.create_table(
        "person_role",
        sa.Column(
            "person_id",
            sa.String(),
            sa.ForeignKey("person.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("role", sa.String(), primary_key=True),
    )
    op.create_table(
        "visit",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("school_id", sa.String(), sa.ForeignKey("school.id"), nullable=False),
        sa.Column("framework_id", sa.String(), nullable=False),
        sa.Column("planned_start", sa.Date(), nullable=False),
        sa.Column("planned_end", sa.Date(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("actual_start", sa.Date(), nullable=True),
        sa.Column("actual_end", sa.Date(), nullable=True),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("extra", sa.String(), nullable=False),
    )
    op.create_index("ix_visit_school_id", "visit", ["school_id"])
    op.create_table(
        "visit_reviewer",
        sa.Column(
            "visit_id", sa.String(), sa.ForeignKey("visit.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("person_id", sa.String(), sa.ForeignKey("person.id"), primary_key=True),
        sa.Column("role", sa.String(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    for table in ("visit_reviewer", "visit", "person_role", "person", "school", "trust"):
        op.drop_table(table)
    op.drop_table("local_setting")
