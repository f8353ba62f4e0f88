"""The signed reports the server holds, for the trust admin's command line.

``reviewer-app-server admin reports`` lists each report (its newest signed version): school,
visit, audience, who has signed, whether it is complete (and, when it is, whether it has the
trust's long-term version or is waiting for long-term data), size. Every version was checked on
arrival (:mod:`reviewer_app.server.signed_reports`), so each is listed as verified then.
``admin report-pdf REPORT_ID --out F`` writes the newest version of a report (or one version,
named by its record id) from the blob store.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from reviewer_app.domain.errors import NotFoundError, ReviewerError
from reviewer_app.domain.record_kinds import Entity
from reviewer_app.server import models
from reviewer_app.server.blob_store import BlobStore
from reviewer_app.server.long_term_upkeep import WAITING
from reviewer_app.server.signed_reports import LONG_TERM_KEY


@dataclass(frozen=True, slots=True)
class HeldReport:
    """The newest version the server holds of one signed report."""

    report_id: str
    version_id: str
    school: str
    visit_start: str
    framework_id: str
    audience: str
    signers: tuple[str, ...]
    signer_count: int
    required_count: int
    size: int
    blob_sha256: str
    #: Whether the trust's long-term version (validation data, document timestamp) is held.
    long_term: bool = False

    @property
    def complete(self) -> bool:
        return self.signer_count >= self.required_count

    @property
    def state(self) -> str:
        """``2 of 3 signed``, ``fully signed, long-term`` or ``fully signed, waiting for
        long-term data`` (the server had no CA passphrase to time-stamp it with)."""
        if not self.complete:
            return f"{self.signer_count} of {self.required_count} signed"
        return "fully signed, long-term" if self.long_term else f"fully signed, {WAITING}"

    def line(self) -> str:
        state = self.state
        return "\t".join(
            (
                self.report_id,
                self.school,
                f"{self.framework_id} {self.visit_start}",
                self.audience,
                f"{state}: {', '.join(self.signers)}",
                "verified on arrival",
                f"{self.size} bytes",
            )
        )


def _payload(record: models.Record) -> dict[str, Any]:
    payload = record.payload
    if isinstance(payload, str):
        payload = json.loads(payload)
    return payload if isinstance(payload, dict) else {}


def held_reports(session: Session) -> list[HeldReport]:
    """Every signed report on the server (newest version of each), by school and visit."""
    rows = session.exec(
        select(models.Record, models.Review, models.Visit, models.School)
        .join(models.Review, models.Review.id == models.Record.review_id)  # type: ignore[arg-type]
        .join(models.Visit, models.Visit.id == models.Review.visit_id)  # type: ignore[arg-type]
        .join(models.School, models.School.id == models.Visit.school_id)  # type: ignore[arg-type]
        .where(
            models.Record.entity == Entity.SIGNED_REPORT.value,
            models.Record.retracted == False,  # noqa: E712 (SQL, not Python)
        )
    ).all()
    by_report: dict[str, list[tuple[dict[str, Any], Any, Any, Any]]] = {}
    for record, _review, visit, school in rows:
        payload = _payload(record)
        key = str(payload.get("report_id") or record.entity_id)
        by_report.setdefault(key, []).append((payload, record, visit, school))
    held = []
    for report_id, versions in by_report.items():
        # Newest last: the most signatures, then the latest to arrive (a signature's
        # time-stamped version, or the trust's long-term version after the last signature).
        versions.sort(key=lambda v: (int(v[0].get("signer_count") or 0), v[1].server_seq))
        names = {
            int(v[0].get("signer_count") or 0): str(v[0].get("signer_name", "")) for v in versions
        }
        signers = tuple(names[count] for count in sorted(names))
        payload, record, visit, school = versions[-1]
        held.append(
            HeldReport(
                report_id=report_id,
                version_id=record.entity_id,
                school=school.name,
                visit_start=visit.planned_start.isoformat(),
                framework_id=visit.framework_id,
                audience=str(payload.get("audience", "")),
                signers=signers,
                signer_count=int(payload.get("signer_count") or 0),
                required_count=int(payload.get("required_count") or 0),
                size=int(payload.get("size") or 0),
                blob_sha256=record.blob_sha256 or "",
                long_term=any(v[0].get(LONG_TERM_KEY) is True for v in versions),
            )
        )
    return sorted(held, key=lambda r: (r.school, r.visit_start, r.audience))


def report_lines(session: Session) -> list[str]:
    """``admin reports``: a header and one tab-separated line per report (or a sentence)."""
    reports = held_reports(session)
    if not reports:
        return ["The server holds no signed reports."]
    header = "REPORT_ID\tSCHOOL\tVISIT\tAUDIENCE\tSIGNERS\tVERIFIED\tSIZE"
    return [header, *(r.line() for r in reports)]


def write_report_pdf(session: Session, blobs: BlobStore, report_id: str, out: Path) -> str:
    """Write the newest version of ``report_id`` (or the version with that record id); returns
    a sentence saying what was written."""
    chosen = None
    for report in held_reports(session):
        if report_id in (report.report_id, report.version_id):
            chosen = report
    if chosen is None:
        version = session.exec(
            select(models.Record).where(
                models.Record.entity == Entity.SIGNED_REPORT.value,
                models.Record.entity_id == report_id,
            )
        ).first()
        if version is None:
            raise NotFoundError(
                f"The server holds no signed report {report_id}.",
                hint="'reviewer-app-server admin reports' lists the ones it holds.",
            )
        sha, what = version.blob_sha256 or "", f"version {report_id}"
    else:
        sha = chosen.blob_sha256
        state = (
            "fully signed"
            if chosen.complete
            else (f"signed by {chosen.signer_count} of {chosen.required_count}")
        )
        what = f"report {chosen.report_id} ({chosen.audience}, {state})"
    data = blobs.read(sha)
    if data is None:
        raise ReviewerError(
            f"The PDF of signed report {report_id} is missing from the server's blob folder.",
            hint="Restore the blob folder from the last backup.",
        )
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)
    except OSError as exc:
        raise ReviewerError(
            f"The report could not be written to {out} ({exc.strerror or exc}).",
            hint="Choose a folder you may write to.",
        ) from None
    return f"Wrote signed {what} to {out}."
