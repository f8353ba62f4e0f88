"""Alembic migrations of the local store, run by :mod:`reviewer_app.storage.schema`."""
