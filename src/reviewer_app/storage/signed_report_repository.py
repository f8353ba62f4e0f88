"""Signed report versions in the local store.

Every signature makes a new version: the whole PDF as it stands after that signature, with the
data hash it was rendered from, the report id, the audience and how many of the required
signatures it carries. Versions are append-only, so a half-signed report is never overwritten
and the signed history of a review stays readable. Signed reports are not queued for sync.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, col, func, select

from reviewer_app.storage.review_rows import to_text
from reviewer_app.storage.tables import SignedReportRow


@dataclass(frozen=True, slots=True)
class SignedReportVersion:
    """One signed state of a report (``pdf`` holds the bytes)."""

    id: str
    review_id: str
    report_id: str
    audience: str
    data_hash: str
    signer_count: int
    required_count: int
    signer_name: str
    signed_at: datetime
    pdf: bytes = field(repr=False)

    @property
    def complete(self) -> bool:
        """Whether every required signature is on this version."""
        return self.signer_count >= self.required_count


def _version(row: SignedReportRow) -> SignedReportVersion:
    return SignedReportVersion(
        id=row.id,
        review_id=row.review_id,
        report_id=row.report_id,
        audience=row.audience,
        data_hash=row.data_hash,
        signer_count=row.signer_count,
        required_count=row.required_count,
        signer_name=row.signer_name,
        signed_at=datetime.fromisoformat(row.signed_at),
        pdf=bytes(row.pdf),
    )


class SignedReportRepository:
    """Signed report versions, within the caller's session."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, version: SignedReportVersion) -> None:
        """Keep a new signed version."""
        self._session.add(
            SignedReportRow(
                id=version.id,
                review_id=version.review_id,
                report_id=version.report_id,
                audience=version.audience,
                data_hash=version.data_hash,
                signer_count=version.signer_count,
                required_count=version.required_count,
                signer_name=version.signer_name,
                signed_at=to_text(version.signed_at),
                pdf=version.pdf,
            )
        )
        self._session.flush()

    def versions(self, review_id: str, audience: str | None = None) -> list[SignedReportVersion]:
        """The review's signed versions (of one audience if given), oldest first."""
        query = select(SignedReportRow).where(SignedReportRow.review_id == review_id)
        if audience is not None:
            query = query.where(SignedReportRow.audience == audience)
        rows = self._session.exec(
            query.order_by(col(SignedReportRow.signer_count), col(SignedReportRow.signed_at))
        ).all()
        return [_version(r) for r in rows]

    def signature_counts(self, review_ids: Collection[str]) -> dict[str, int]:
        """The most signatures on any signed version of each review (those with none left
        out); reads no PDF."""
        if not review_ids:
            return {}
        rows = self._session.exec(
            select(SignedReportRow.review_id, func.max(SignedReportRow.signer_count))
            .where(col(SignedReportRow.review_id).in_(list(review_ids)))
            .group_by(col(SignedReportRow.review_id))
        ).all()
        return {review_id: int(count) for review_id, count in rows if count}

    def latest(self, review_id: str, audience: str) -> SignedReportVersion | None:
        """The version of ``audience`` with the most signatures, if any."""
        found = self.versions(review_id, audience)
        return found[-1] if found else None

    def find_by_report_id(self, report_id: str) -> list[SignedReportVersion]:
        """Every version carrying ``report_id`` (as printed in a report's footer)."""
        rows = self._session.exec(
            select(SignedReportRow)
            .where(SignedReportRow.report_id == report_id)
            .order_by(col(SignedReportRow.signer_count))
        ).all()
        return [_version(r) for r in rows]

    def get(self, version_id: str) -> SignedReportVersion | None:
        row = self._session.get(SignedReportRow, version_id)
        return None if row is None else _version(row)

    def delete(self, version_id: str) -> None:
        """Forget one version (a signature the trust server refused)."""
        row = self._session.get(SignedReportRow, version_id)
        if row is not None:
            self._session.delete(row)
            self._session.flush()

    def delete_all(self) -> int:
        """Remove every version (the demo's, when its dates move); returns how many."""
        rows = self._session.exec(select(SignedReportRow)).all()
        for row in rows:
            self._session.delete(row)
        self._session.flush()
        return len(rows)

    def count(self) -> int:
        return len(self._session.exec(select(SignedReportRow.id)).all())
