"""Looking inside a laptop's store the way tests check it, never the way the app reads it.

The app asks its store only what a screen or a sync needs; these questions (how many contents
are held, which no attachment refers to) are a test's, so they live here rather than as store
methods no user path calls.
"""

from __future__ import annotations

from sqlmodel import Session, col, func, select

from reviewer_app.storage.tables import AttachmentRow, BlobRow


def blob_count(session: Session) -> int:
    """How many distinct contents are stored."""
    return session.exec(select(func.count()).select_from(BlobRow)).one()


def unreferenced_blobs(session: Session) -> list[str]:
    """Contents no attachment refers to."""
    referenced = select(AttachmentRow.sha256)
    return list(session.exec(select(BlobRow.sha256).where(col(BlobRow.sha256).not_in(referenced))))
