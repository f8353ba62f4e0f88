"""The trust's framework documents kept on this laptop (received at sync, in the encrypted
store), read and replaced as a whole: the library arrives whole."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session, col, delete, select

from reviewer_app.storage.tables import TrustFrameworkRow


@dataclass(frozen=True, slots=True)
class TrustDocument:
    """One received document: ``refused`` is empty when it is in use, else the reason."""

    kind: str
    doc_id: str
    version: str
    state: str
    title: str
    sha256: str
    text: str
    received_at: str
    refused: str = ""

    @property
    def reference(self) -> str:
        return f"{self.doc_id}@{self.version}"


def trust_documents(session: Session) -> list[TrustDocument]:
    """Every received document, by kind, id and version."""
    rows = session.exec(
        select(TrustFrameworkRow).order_by(
            col(TrustFrameworkRow.kind),
            col(TrustFrameworkRow.doc_id),
            col(TrustFrameworkRow.version),
        )
    ).all()
    return [
        TrustDocument(
            r.kind,
            r.doc_id,
            r.version,
            r.state,
            r.title,
            r.sha256,
            r.text,
            r.received_at,
            r.refused,
        )
        for r in rows
    ]


def replace_trust_documents(session: Session, documents: Sequence[TrustDocument]) -> None:
    """Keep exactly these documents (in the caller's transaction)."""
    session.exec(delete(TrustFrameworkRow))
    for d in documents:
        session.add(
            TrustFrameworkRow(
                kind=d.kind,
                doc_id=d.doc_id,
                version=d.version,
                state=d.state,
                title=d.title,
                sha256=d.sha256,
                text=d.text,
                received_at=d.received_at,
                refused=d.refused,
            )
        )
    session.flush()
