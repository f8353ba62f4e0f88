"""The trust console: staff sign-in on the existing person (password hash, authenticator,
lockout), one-time setup and reset links, browser sessions, recovery codes, the audit log, a
school's local authority (from GIAS), and the app version a device last synced with.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("school") as batch:
        batch.add_column(
            sa.Column("local_authority", sa.String(length=100), nullable=False, server_default="")
        )
    with op.batch_alter_table("device") as batch:
        batch.add_column(sa.Column("app_version", sa.String(length=40), nullable=True))
    with op.batch_alter_table("person") as batch:
        batch.add_column(sa.Column("password_hash", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("totp_secret", sa.String(length=64), nullable=True))
        batch.add_column(
            sa.Column("failed_sign_ins", sa.Integer(), nullable=False, server_default="0")
        )
        batch.add_column(sa.Column("locked_until", UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("last_sign_in_at", UTCDateTime(), nullable=True))
    op.create_table(
        "console_link",
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("issued_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("used_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("token_sha256"),
    )
    op.create_index("ix_console_link_person_id", "console_link", ["person_id"])
    op.create_table(
        "console_session",
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("stage", sa.String(length=16), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("pending_totp_secret", sa.String(length=64), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("last_seen_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("token_sha256"),
    )
    op.create_index("ix_console_session_person_id", "console_session", ["person_id"])
    op.create_table(
        "console_recovery_code",
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("code_sha256", sa.String(length=64), nullable=False),
        sa.Column("used_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("person_id", "code_sha256"),
    )
    op.create_table(
        "audit_event",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=False,
            autoincrement=True,
        ),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("trust_id", sa.String(length=64), nullable=True),
        sa.Column("actor_id", sa.String(length=64), nullable=True),
        sa.Column("actor_name", sa.String(length=200), nullable=False),
        sa.Column("via", sa.String(length=16), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("summary", sa.String(length=1000), nullable=False),
        sa.Column("subject_id", sa.String(length=128), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_audit_event_at", "audit_event", ["at"])
    op.create_index("ix_audit_event_trust_id", "audit_event", ["trust_id"])


def downgrade() -> None:
    op.drop_table("audit_event")
    op.drop_table("console_recovery_code")
    op.drop_table("console_session")
    op.drop_table("console_link")
    with op.batch_alter_table("person") as batch:
        for column in (
            "last_sign_in_at",
            "locked_until",
            "failed_sign_ins",
            "totp_secret",
            "password_hash",
        ):
            batch.drop_column(column)
    with op.batch_alter_table("school") as batch:
        batch.drop_column("local_authority")
    with op.batch_alter_table("device") as batch:
        batch.drop_column("app_version")
