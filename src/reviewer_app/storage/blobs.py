"""Attachment content, addressed by SHA-256 and kept inside the encrypted store.

Keeping the bytes in the database (not beside it) means photos of pupils' work are encrypted at
rest with everything else and travel with the store. The same content is stored once, however
many attachments refer to it.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Session, select

from reviewer_app.domain.canonical import sha256_hex
from reviewer_app.storage.tables import BlobRow


def put_blob(session: Session, data: bytes) -> str:
    """Store ``data`` unless the same content is there already; return its SHA-256."""
    digest = sha256_hex(data)
    if session.get(BlobRow, digest) is None:
        session.add(
            BlobRow(
                sha256=digest,
                size=len(data),
                data=data,
                stored_at=datetime.now(UTC).isoformat(),
            )
        )
        session.flush()
    return digest


def get_blob(session: Session, digest: str) -> bytes | None:
    """The content stored under ``digest``, or ``None``."""
    row = session.get(BlobRow, digest)
    return None if row is None else bytes(row.data)


def has_blob(session: Session, digest: str) -> bool:
    return session.exec(select(BlobRow.sha256).where(BlobRow.sha256 == digest)).first() is not None
