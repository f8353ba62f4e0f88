"""Device tokens that rotate and lapse, and files counted per device (issue 14, items 5-6).

``device.previous_token_sha256``: the token a laptop held before the last rotation, still
accepted until the laptop shows it kept the new one. ``device.token_issued_at``: when the
current token was issued. ``trust.device_idle_days``: a laptop silent for longer must enrol
again (0: never). ``blob.device_id``: the laptop that uploaded a file, for its quota.

Revision ID: 0015
Revises: 0019
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import UTCDateTime

revision = "0015"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("device") as batch:
        batch.add_column(sa.Column("previous_token_sha256", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("token_issued_at", UTCDateTime(), nullable=True))
        batch.create_index("ix_device_previous_token_sha256", ["previous_token_sha256"])
    with op.batch_alter_table("trust") as batch:
        batch.add_column(
            sa.Column("device_idle_days", sa.Integer(), nullable=False, server_default="90")
        )
    with op.batch_alter_table("blob") as batch:
        batch.add_column(sa.Column("device_id", sa.String(length=64), nullable=True))
        batch.create_index("ix_blob_device_id", ["device_id"])


def downgrade() -> None:
    with op.batch_alter_table("blob") as batch:
        batch.drop_index("ix_blob_device_id")
        batch.drop_column("device_id")
    with op.batch_alter_table("trust") as batch:
        batch.drop_column("device_idle_days")
    with op.batch_alter_table("device") as batch:
        batch.drop_index("ix_device_previous_token_sha256")
        batch.drop_column("token_issued_at")
        batch.drop_column("previous_token_sha256")
