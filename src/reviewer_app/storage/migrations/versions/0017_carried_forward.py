"""A judgement carried forward from a school's last signed review says so in a field of its own,
``carried_forward_from`` (the day of that review, ISO 8601), instead of inside its rationale.

Revision ID: 0017
Revises: 0008
Create Date: 2026-12-07

Judgements carried forward before this revision held the mark in their rationale ("Carried
forward from the signed review of 14 September 2026: confirm."); the upgrade moves it into the
new column and empties the rationale. The downgrade puts it back.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0008"
branch_labels = None
depends_on = None

#: How a carried-forward judgement's rationale began before this revision.
_PREFIX = "Carried forward from the signed review of "
_SUFFIX = ": confirm."


def _old_mark(rationale: str) -> date | None:
    if not (rationale.startswith(_PREFIX) and rationale.endswith(_SUFFIX)):
        return None
    try:
        return datetime.strptime(rationale[len(_PREFIX) : -len(_SUFFIX)], "%d %B %Y").date()
    except ValueError:
        return None


def upgrade() -> None:
    with op.batch_alter_table("judgement") as batch:
        batch.add_column(sa.Column("carried_forward_from", sa.String(), nullable=True))
    connection = op.get_bind()
    rows = connection.execute(
        sa.text("SELECT id, rationale FROM judgement WHERE rationale LIKE :prefix"),
        {"prefix": _PREFIX + "%"},
    ).all()
    for judgement_id, rationale in rows:
        day = _old_mark(rationale)
        if day is not None:
            connection.execute(
                sa.text(
                    "UPDATE judgement SET carried_forward_from = :day, rationale = '' "
                    "WHERE id = :id"
                ),
                {"day": day.isoformat(), "id": judgement_id},
            )


def downgrade() -> None:
    connection = op.get_bind()
    rows = connection.execute(
        sa.text(
            "SELECT id, carried_forward_from FROM judgement WHERE carried_forward_from IS NOT NULL"
        )
    ).all()
    for judgement_id, day in rows:
        when = date.fromisoformat(day)
        connection.execute(
            sa.text("UPDATE judgement SET rationale = :rationale WHERE id = :id"),
            {"rationale": f"{_PREFIX}{when.day} {when:%B %Y}{_SUFFIX}", "id": judgement_id},
        )
    with op.batch_alter_table("judgement") as batch:
        batch.drop_column("carried_forward_from")
