"""Alembic environment for the local store.

Migrations only ever run programmatically (:func:`reviewer_app.storage.schema.upgrade`), on a
connection that is already inside a ``BEGIN IMMEDIATE`` transaction, so a failed upgrade leaves
the store as it was. Logging is the app's: no ``fileConfig`` here.
"""

from __future__ import annotations

from alembic import context

from reviewer_app.storage.tables import StoreTable

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=StoreTable.metadata,
    render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies the table
    transactional_ddl=True,
)
with context.begin_transaction():
    context.run_migrations()
