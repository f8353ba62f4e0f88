"""Keeping fully signed reports verifiable for years: the long-term versions the server owes.

After the last planned signature the server appends the trust's validation data and a
document timestamp (:func:`~reviewer_app.server.signed_reports.long_term_version`). Two things
can leave a report owed one:

* **waiting for long-term data**: the server ran without the CA key's passphrase when the
  last signature arrived, so it could not time-stamp. The report is listed as waiting
  (``admin reports``, the console's signed reports) and completed when the server next runs
  with the passphrase;
* **renewal**: a document timestamp is only as good as the time-stamping certificate that
  signed it. Before that certificate expires, the server appends fresh validation data and a
  new document timestamp, with a certificate that outlives the old one (PAdES B-LTA renewal,
  ETSI EN 319 142-1), so the chain of timestamps carries the report on.

:func:`bring_up_to_date` does both; ``reviewer-app-server admin renew-timestamps`` runs it
(``--dry-run`` lists), and ``serve`` runs it at start and daily while it has the passphrase.
Each new version is a ``signed_report`` record of its own, so it reaches the laptops and the
console like any other version.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from reviewer_app.domain.canonical import canonical_json, sha256_hex
from reviewer_app.domain.errors import ReviewerError
from reviewer_app.domain.ids import new_id
from reviewer_app.domain.record_kinds import Entity
from reviewer_app.server import audit, models
from reviewer_app.server.audit import Actor
from reviewer_app.server.blob_store import BlobStore
from reviewer_app.server.database import EncodedJSON
from reviewer_app.server.signed_reports import LONG_TERM_KEY

if TYPE_CHECKING:
    from reviewer_app.server.trust_authority import TrustAuthority

log = logging.getLogger(__name__)

#: Renew a report's timestamp when its time-stamping certificate expires within this.
DEFAULT_RENEW_WITHIN = timedelta(days=90)
#: How much longer than the renewal window a renewing timestamp's certificate must run, so a
#: renewed report is not owed another renewal at once.
FRESHER_BY = timedelta(days=30)
#: How often a running server looks for reports it owes a long-term version.
UPKEEP_INTERVAL = timedelta(hours=24)

WAITING = "waiting for long-term data"
#: Who adds long-term versions when the running server does it by itself.
HOUSEKEEPING = Actor(name="Trust server housekeeping", via="server")


@dataclass(frozen=True, slots=True)
class OwedReport:
    """A fully signed report the server owes a (new) long-term version, and why."""

    review_id: str
    report_id: str
    #: The newest fully signed version, which the new version extends.
    record: models.Record
    #: ``None``: waiting for its first long-term version; else when its newest document
    #: timestamp's certificate expires.
    expires: datetime | None = None

    @property
    def reason(self) -> str:
        if self.expires is None:
            return WAITING
        return f"its timestamp's certificate expires on {self.expires.strftime('%-d %B %Y')}"


def _payload(record: models.Record) -> dict[str, Any]:
    payload = record.payload
    if isinstance(payload, str):
        payload = json.loads(payload)
    return payload if isinstance(payload, dict) else {}


def _complete(payload: dict[str, Any]) -> bool:
    count, required = payload.get("signer_count"), payload.get("required_count")
    return isinstance(count, int) and isinstance(required, int) and 0 < required <= count


def fully_signed(session: Session) -> dict[tuple[str, str], list[models.Record]]:
    """The fully signed versions of each report, by (review, report id), oldest first."""
    rows = session.exec(
        select(models.Record).where(
            models.Record.entity == Entity.SIGNED_REPORT.value,
            models.Record.retracted == False,  # noqa: E712 (SQL, not Python)
        )
    ).all()
    found: dict[tuple[str, str], list[models.Record]] = {}
    for record in rows:
        payload = _payload(record)
        if _complete(payload):
            key = (record.review_id, str(payload.get("report_id") or record.entity_id))
            found.setdefault(key, []).append(record)
    for versions in found.values():
        versions.sort(key=lambda r: r.server_seq)
    return found


def has_long_term_version(versions: list[models.Record]) -> bool:
    return any(_payload(r).get(LONG_TERM_KEY) is True for r in versions)


def waiting_blobs(session: Session) -> set[str]:
    """The files (SHA-256) of the newest versions of reports waiting for long-term data."""
    return {
        versions[-1].blob_sha256 or ""
        for versions in fully_signed(session).values()
        if not has_long_term_version(versions)
    }


def timestamp_expiry(pdf: bytes) -> datetime | None:
    """When the certificate of the newest document timestamp in ``pdf`` expires (``None``:
    the file has none, or it cannot be read)."""
    from cryptography import x509
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        stamps = list(reader.embedded_timestamp_signatures)
        if not stamps:
            return None
        cert = x509.load_der_x509_certificate(stamps[-1].signer_cert.dump())
    except Exception as exc:  # checked on arrival; a file that cannot be read is left alone
        log.info("could not read the timestamps of a report: %s", type(exc).__name__)
        return None
    return cert.not_valid_after_utc


def owed_reports(
    session: Session, blobs: BlobStore, *, now: datetime, within: timedelta
) -> list[OwedReport]:
    """Every fully signed report waiting for long-term data, and every long-term one whose
    newest document timestamp's certificate expires within ``within`` of ``now``."""
    owed = []
    for (review_id, report_id), versions in sorted(fully_signed(session).items()):
        newest = versions[-1]
        if not has_long_term_version(versions):
            owed.append(OwedReport(review_id, report_id, newest))
            continue
        pdf = blobs.read(newest.blob_sha256 or "")
        expires = timestamp_expiry(pdf) if pdf else None
        if expires is not None and expires - now <= within:
            owed.append(OwedReport(review_id, report_id, newest, expires))
    return owed


def bring_up_to_date(
    engine: Engine,
    blobs: BlobStore,
    seal: Callable[[bytes], bytes] | None,
    *,
    now: datetime | None = None,
    within: timedelta = DEFAULT_RENEW_WITHIN,
    dry_run: bool = False,
    before_renewing: Callable[[], object] | None = None,
    actor: Actor = HOUSEKEEPING,
) -> list[str]:
    """Add the long-term version each owed report needs (``seal`` makes it: the trust's
    validation data and a document timestamp appended); returns a sentence per report.
    ``dry_run`` only lists them; without ``seal`` (no CA passphrase) nothing can be added.
    ``before_renewing`` runs once before the first renewal (the server makes sure its
    time-stamping certificate outlives the ones it renews).

    Each report is sealed outside any transaction and kept in a short one of its own, so
    pushes are never held up behind the time-stamping of many reports.
    """
    from reviewer_app.reports.signing import SigningError
    from reviewer_app.server.database import write_session

    moment = now or datetime.now(UTC)
    with Session(engine, expire_on_commit=False) as session:
        owed = owed_reports(session, blobs, now=moment, within=within)
    lines = []
    for report in owed:
        what = f"Report {report.report_id} ({report.reason})"
        if dry_run:
            lines.append(f"{what}: would get a new long-term version.")
            continue
        if seal is None:
            raise ReviewerError(
                "This server cannot time-stamp: the CA key's passphrase was not given.",
                hint="Give --ca-passphrase-file (or REVIEWER_CA_PASSPHRASE) and run it again.",
            )
        if report.expires is not None and before_renewing is not None:
            before_renewing()
            before_renewing = None
        pdf = blobs.read(report.record.blob_sha256 or "")
        if pdf is None:
            lines.append(f"{what}: its PDF is missing from the blob folder; nothing was added.")
            continue
        try:
            sealed = seal(pdf)
        except SigningError as exc:
            log.warning("No long-term version of report %s: %s", report.report_id, exc)
            lines.append(f"{what}: the trust could not time-stamp it ({exc.message}).")
            continue
        with write_session(engine) as session:
            _append_version(session, blobs, report.record, sealed, moment)
            audit.record(
                session,
                actor,
                "report.long_term_added",
                f"Added the trust's long-term version of signed report {report.report_id} "
                f"({report.reason}).",
                trust_id=_trust_of(session, report.review_id),
                subject_id=report.review_id,
            )
        lines.append(f"{what}: a new long-term version was added.")
    return lines


def _trust_of(session: Session, review_id: str) -> str | None:
    review = session.get(models.Review, review_id)
    visit = session.get(models.Visit, review.visit_id) if review else None
    school = session.get(models.School, visit.school_id) if visit else None
    return school.trust_id if school else None


def _append_version(
    session: Session, blobs: BlobStore, base: models.Record, pdf: bytes, now: datetime
) -> None:
    """Keep ``pdf`` as a new version of ``base``'s report: a record and its change-log entry,
    numbered after the review's newest, as the push numbers them."""
    sha = hashlib.sha256(pdf).hexdigest()
    blobs.put(sha, pdf)
    if session.get(models.Blob, sha) is None:
        session.add(models.Blob(sha256=sha, size=len(pdf), stored_at=now))
    review = session.exec(
        select(models.Review).where(models.Review.id == base.review_id).with_for_update()
    ).one()
    # The change is the newest signer's version carried on, from the same laptop's record.
    origin = session.exec(
        select(models.ChangeLog).where(
            models.ChangeLog.review_id == base.review_id,
            models.ChangeLog.server_seq == base.server_seq,
        )
    ).first()
    payload = {
        **_payload(base),
        "sha256": sha,
        "size": len(pdf),
        "signed_at": now.isoformat(),
        LONG_TERM_KEY: True,
    }
    encoded = canonical_json(payload)
    stored = EncodedJSON(encoded.decode("utf-8"))
    review.last_seq += 1
    op_id, entity_id = str(uuid.uuid4()), new_id()
    session.add(
        models.ChangeLog(
            review_id=review.id,
            server_seq=review.last_seq,
            kind="append",
            entity=Entity.SIGNED_REPORT.value,
            entity_id=entity_id,
            op_id=op_id,
            author_id=base.author_id,
            device_id=origin.device_id if origin else "trust-server",
            device_time=now,
            payload=stored,
        )
    )
    session.add(
        models.Record(
            review_id=review.id,
            entity=Entity.SIGNED_REPORT.value,
            entity_id=entity_id,
            author_id=base.author_id,
            op_id=op_id,
            payload_sha256=sha256_hex(encoded),
            payload=stored,
            blob_sha256=sha,
            server_seq=review.last_seq,
        )
    )
    session.add(review)
    session.flush()


def keep_up_in_background(
    engine: Engine,
    blobs: BlobStore,
    authority: TrustAuthority,
    *,
    interval: timedelta = UPKEEP_INTERVAL,
) -> threading.Event:
    """Run :func:`bring_up_to_date` now and then every ``interval`` in a daemon thread (the
    running server's housekeeping, when it has the CA passphrase); set the returned event to
    stop it."""
    stop = threading.Event()

    def run() -> None:
        while True:
            try:
                for line in bring_up_to_date(
                    engine,
                    blobs,
                    authority.seal_long_term,
                    before_renewing=lambda: authority.time_stamping_certificate(
                        fresh_for=DEFAULT_RENEW_WITHIN + FRESHER_BY
                    ),
                ):
                    log.info("Long-term upkeep: %s", line)
            except Exception:
                log.exception("Long-term upkeep of signed reports failed; trying again later")
            if stop.wait(interval.total_seconds()):
                return

    threading.Thread(target=run, name="long-term-upkeep", daemon=True).start()
    return stop
