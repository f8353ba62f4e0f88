"""Signed-report versions travel through sync like every other record.

* :func:`queue_version`: a signature made on an enrolled laptop is kept as a content-addressed
  blob and queued as a ``signed_report`` record in the same transaction that stores the
  version, so it is pushed exactly once (offline, at the next sync that reaches the server).
* :func:`keep_pulled`: a version another signer's laptop pushed arrives with its PDF; it is
  checked here (every signature intact and certified by the trust this laptop knows, the
  record saying what the PDF says) before it is kept, and the review and visit are locked when
  it carries the last planned signature. A version that fails is not kept; why is logged and
  kept, with the record, for the Sign report dialog (:func:`refusals`), and
  :func:`retry_refused` checks it again at every sync once the trust root and revocation list
  are refreshed (the pull cursor has moved past it, so it would never come again), keeping it
  when it passes then.
* :func:`awaiting_trusted_time` and :func:`keep_time_stamped`: a signature made offline (no
  timestamp token from the trust) is time-stamped at the next sync, before it is pushed: the
  laptop asks the trust's time-stamping service for a document timestamp over the file as it
  stands, which proves the signature existed by then, and keeps and queues that as a new
  version with the same signatures (the server accepts it as a *time-stamped version*). The
  last signature is left to the server, whose long-term version carries a document timestamp.
* :func:`withdraw_refused`: a version the server refused (another signer's signature arrived
  first, or it fails the trust's checks) is removed from this laptop with the lock it brought,
  so the signer signs the newer version; the refusal stays in Needs attention with its reason,
  and the Sign report dialog says it until the person signs again.
"""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, col, select

from reviewer_app.domain.ids import new_id
from reviewer_app.domain.record_kinds import Entity, OpKind
from reviewer_app.domain.review import ReviewState
from reviewer_app.domain.visits import VisitStatus
from reviewer_app.services.enrolment import CA_CERTIFICATE_PEM, DEVICE_ID, TRUST_CRL_PEM
from reviewer_app.storage import outbox as store_outbox
from reviewer_app.storage.blobs import get_blob, put_blob
from reviewer_app.storage.local_settings import get_setting, set_setting
from reviewer_app.storage.review_repository import ReviewRepository
from reviewer_app.storage.signed_report_repository import (
    SignedReportRepository,
    SignedReportVersion,
)
from reviewer_app.storage.tables import LocalSettingRow, OutboxRow
from reviewer_app.storage.visit_repository import VisitRepository

log = logging.getLogger(__name__)

#: ``sync.refused_signed_report.<review id>.<version id>``: why a version was not kept, as
#: JSON: ``sentence``, ``pulled`` (received, else refused by the server) and the ``record``.
REFUSED_PREFIX = "sync.refused_signed_report."


def is_enrolled(session: Session) -> bool:
    return bool(get_setting(session, DEVICE_ID))


def record_of(version: SignedReportVersion, sha256: str, author_id: str) -> dict[str, Any]:
    """The ``signed_report`` record of a version (what the server checks against the PDF)."""
    return {
        "review_id": version.review_id,
        "report_id": version.report_id,
        "audience": version.audience,
        "sha256": sha256,
        "size": len(version.pdf),
        "data_hash": version.data_hash,
        "signer_count": version.signer_count,
        "required_count": version.required_count,
        "signer_name": version.signer_name,
        "author_id": author_id,
        "signed_at": version.signed_at.isoformat(),
    }


def queue_version(session: Session, version: SignedReportVersion, author_id: str) -> None:
    """Queue a version signed here for the trust (in the caller's write transaction)."""
    sha256 = put_blob(session, version.pdf)
    store_outbox.record_op(
        session,
        review_id=version.review_id,
        entity=Entity.SIGNED_REPORT,
        entity_id=version.id,
        kind=OpKind.APPEND,
        payload=record_of(version, sha256, author_id),
        device_time=datetime.now().astimezone(),
    )


def awaiting_trusted_time(session: Session) -> list[tuple[SignedReportVersion, str]]:
    """Versions signed here and not yet sent whose newest signature has no time from the
    trust, each with its author's id; only the newest version of a report that waits for
    later signatures (the server time-stamps the last one itself)."""
    from reviewer_app.reports.timestamping import awaits_trusted_time

    rows = session.exec(
        select(OutboxRow).where(
            OutboxRow.entity == Entity.SIGNED_REPORT.value,
            OutboxRow.state == store_outbox.OpState.PENDING.value,
        )
    ).all()
    repo = SignedReportRepository(session)
    found = []
    for row in rows:
        version = repo.get(row.entity_id)
        if version is None or version.complete:
            continue
        latest = repo.latest(version.review_id, version.audience)
        if latest is None or latest.id != version.id or not awaits_trusted_time(version.pdf):
            continue
        author = json.loads(row.payload).get("author_id")
        found.append((version, str(author or "")))
    return found


def keep_time_stamped(
    session: Session, version: SignedReportVersion, pdf: bytes, author_id: str
) -> SignedReportVersion:
    """Keep and queue ``version`` with the trust's document timestamp appended (``pdf``)."""
    stamped = replace(version, id=new_id(), signed_at=datetime.now(UTC), pdf=pdf)
    SignedReportRepository(session).add(stamped)
    queue_version(session, stamped, author_id)
    return stamped


def trust_of(session: Session) -> tuple[list[Any], list[Any]]:
    from reviewer_app.reports.keys import load_certificates, load_crl

    root_pem = get_setting(session, CA_CERTIFICATE_PEM)
    crl_pem = get_setting(session, TRUST_CRL_PEM)
    roots = load_certificates(root_pem.encode("ascii"), source="the trust root") if root_pem else []
    crls = (
        [load_crl(crl_pem.encode("ascii"), source="the trust's revocation list")] if crl_pem else []
    )
    return roots, crls


def keep_pulled(session: Session, review_id: str, version_id: str, payload: dict[str, Any]) -> bool:
    """Check and keep a version pulled from the server (its PDF is already in the store).
    ``False`` when it is not kept (why is kept for the Sign report dialog)."""
    from reviewer_app.reports.sign_off_check import ReportRefusedError, check_partial_report

    repo = SignedReportRepository(session)
    if repo.get(version_id) is not None:
        return True  # signed here, or pulled before
    pdf = get_blob(session, str(payload.get("sha256", "")))
    try:
        if pdf is None:
            raise ReportRefusedError("its PDF did not arrive")
        roots, crls = trust_of(session)
        checked = check_partial_report(
            pdf, trust_roots=roots, crls=crls, source="The signed report"
        )
        claimed = (payload.get("report_id"), payload.get("data_hash"), payload.get("signer_count"))
        if claimed != (checked.report_id, checked.data_hash, checked.signer_count):
            raise ReportRefusedError("its record does not match its PDF")
    except ReportRefusedError as exc:
        sentence = f"A signed report received from the trust server was not kept: {exc.message}."
        log.warning("Pulled signed report %s refused: %s", version_id, exc.message)
        _note(session, review_id, version_id, sentence, payload, pulled=True)
        return False
    version = SignedReportVersion(
        id=version_id,
        review_id=review_id,
        report_id=checked.report_id,
        audience=str(payload.get("audience", "")),
        data_hash=checked.data_hash,
        signer_count=checked.signer_count,
        required_count=len(checked.planned),
        signer_name=checked.newest.signer_name,
        signed_at=_time(payload.get("signed_at")),
        pdf=pdf,
    )
    repo.add(version)
    _forget_refusals(session, review_id, version, pulled_only=True)
    if version.complete:
        lock(session, review_id)
    return True


def _note(
    session: Session,
    review_id: str,
    version_id: str,
    sentence: str,
    record: dict[str, Any],
    *,
    pulled: bool,
) -> None:
    value = json.dumps({"sentence": sentence, "pulled": pulled, "record": record})
    set_setting(session, f"{REFUSED_PREFIX}{review_id}.{version_id}", value)


def _notes(
    session: Session, review_id: str | None = None
) -> list[tuple[LocalSettingRow, dict[str, Any]]]:
    """The refusal notes (of one review, else all), oldest key first, each parsed."""
    prefix = REFUSED_PREFIX if review_id is None else f"{REFUSED_PREFIX}{review_id}."
    rows = session.exec(
        select(LocalSettingRow).where(col(LocalSettingRow.key).startswith(prefix))
    ).all()
    found = []
    for row in sorted(rows, key=lambda r: r.key):
        try:
            note = json.loads(row.value)
        except ValueError:
            note = None
        if not isinstance(note, dict):  # a note kept before it carried its record
            note = {"sentence": row.value, "pulled": True, "record": {}}
        found.append((row, note))
    return found


def _forget_refusals(
    session: Session, review_id: str, kept: SignedReportVersion, *, pulled_only: bool
) -> None:
    """A version kept makes earlier refusals of the same report moot: a received one carries
    the signatures a refused one did; a signature made here again answers the server's refusal
    of an earlier one (``pulled_only``: only the former). Refusals of other reports stay."""
    for row, note in _notes(session, review_id):
        if pulled_only and not note.get("pulled"):
            continue
        record = note.get("record") or {}
        same_report = record.get("report_id") in (None, kept.report_id)
        count = record.get("signer_count")
        if same_report and (not isinstance(count, int) or count <= kept.signer_count):
            session.delete(row)
    session.flush()


def retry_refused(session: Session) -> int:
    """Check the received versions that were not kept again (the trust root and revocation
    list may have been refreshed since); returns how many are still not kept."""
    left = 0
    for row, note in _notes(session):
        if not note.get("pulled") or not note.get("record"):
            continue
        _prefix, _dot, ids = row.key.partition(REFUSED_PREFIX)
        review_id, _dot, version_id = ids.rpartition(".")
        if ReviewRepository(session, record_ops=False).get_review(review_id) is None:
            session.delete(row)  # the review is no longer on this laptop
            continue
        if keep_pulled(session, review_id, version_id, note["record"]):
            still = session.get(LocalSettingRow, row.key)  # keeping it forgets the note
            if still is not None:
                session.delete(still)
            log.info("Signed report %s kept on a second check", version_id)
        else:
            left += 1
    session.flush()
    return left


def _time(value: object) -> datetime:
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return datetime.now(UTC)


def lock(session: Session, review_id: str) -> None:
    """The review and its visit are signed (the last planned signature is on a report)."""
    reviews = ReviewRepository(session, record_ops=False)
    review = reviews.get_review(review_id)
    if review is None:
        return
    if review.state is not ReviewState.SIGNED:
        reviews.set_state(review_id, ReviewState.SIGNED, datetime.now().astimezone())
    visits = VisitRepository(session)
    visit = visits.get_visit(review.visit_id)
    if visit is not None and visit.status is not VisitStatus.SIGNED:
        visits.save_visit(replace(visit, status=VisitStatus.SIGNED))


def withdraw_refused(session: Session, version_id: str, reason: str = "") -> None:
    """Forget a version signed here that the server refused, and the lock it brought; the
    server's ``reason`` is kept for the Sign report dialog."""
    repo = SignedReportRepository(session)
    version = repo.get(version_id)
    if version is None:
        return
    repo.delete(version_id)
    if reason:
        sentence = (
            f"Your signature of {version.signed_at:%-d %B %Y at %H:%M} was not kept by the trust "
            f"server: {reason.rstrip('.')}."
        )
        record = {"report_id": version.report_id, "signer_count": version.signer_count}
        _note(session, version.review_id, version_id, sentence, record, pulled=False)
    log.info("Signed report version %s withdrawn after the server refused it", version_id)
    if not version.complete:
        return
    if any(v.complete for v in repo.versions(version.review_id)):
        return
    reviews = ReviewRepository(session, record_ops=False)
    if reviews.get_review(version.review_id) is not None:
        reviews.set_state(
            version.review_id, ReviewState.READY_FOR_SIGN_OFF, datetime.now().astimezone()
        )


def refusals(session: Session, review_id: str) -> list[str]:
    """Why versions of the review were not kept, received or sent (sentences), oldest first."""
    return [str(note.get("sentence", "")) for _row, note in _notes(session, review_id)]


def forget_after_signing(session: Session, version: SignedReportVersion) -> None:
    """The person signed again here: earlier refusals of that report no longer apply."""
    _forget_refusals(session, version.review_id, version, pulled_only=False)
