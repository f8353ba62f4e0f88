"""What the server asks of a signed-report version before keeping it, and when it locks.

A laptop pushes each signed state of a report as a ``signed_report`` record naming its PDF
(a content-addressed blob uploaded first). The server keeps it only when:

* every signature on it is intact, certified by the trust CA, unrevoked and by the planned
  person, the signatures so far being the first ones of the plan in order (where the plan lets
  signers sign in any order among themselves they may, all before the next step)
  (:func:`reviewer_app.reports.sign_off_check.check_partial_report`);
* the record says what the PDF says (report id, data hash, signer and required counts);
* the people the plan names are on the visit's team, and the newest signature is the sender's;
* it is the next state of that report: one signature more than the newest version the server
  holds, the same data hash (the review's, as the first signature fixed it), and the bytes of
  that version followed by the new signature (a PDF signature is an incremental update);
* or it is a *time-stamped version*: a version the server holds with the same signatures and
  only the trust's document timestamp appended (a signature made offline gets one when its
  laptop next syncs, :mod:`reviewer_app.services.offline_timestamps`).

A version that is not the next one is refused in a sentence: a signature made on an older
version (two laptops signing at once: the first to arrive wins) asks the signer to sync and
sign the newer one. The review is locked when the last planned signature arrives, not before.

When the last planned signature arrives, the server also keeps a *long-term version*
(:func:`long_term_version`): the trust's certificates and revocation list and a document
timestamp appended (PAdES B-LT, then B-LTA), so the report verifies for years without this
server. It travels to the laptops and the console like any other version.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlmodel import Session, select

from reviewer_app.domain.record_kinds import Entity
from reviewer_app.server import models
from reviewer_app.sync.protocol import RejectReason

if TYPE_CHECKING:
    from reviewer_app.reports.sign_off_check import CheckedReport

log = logging.getLogger(__name__)

#: The payload key marking the trust's long-term version of a fully signed report.
LONG_TERM_KEY = "long_term"

#: Checks a signed version's PDF; raises ``ReportRefusedError`` with the reason.
ReportChecker = Callable[[bytes], "CheckedReport"]


@dataclass(frozen=True, slots=True)
class LongTermSeal:
    """How the server makes and keeps the long-term version of a fully signed report."""

    #: The report with the trust's validation data and a document timestamp appended.
    seal: Callable[[bytes], bytes]
    #: Keeps a file in the server's blob store under its SHA-256.
    keep: Callable[[str, bytes], None]


def long_term_version(
    pdf: bytes, payload: dict[str, Any], seal: LongTermSeal, now: datetime
) -> tuple[dict[str, Any], str, int] | None:
    """The record (payload, file SHA-256, size) of the long-term version of a fully signed
    report, its file kept; ``None`` when it cannot be made now (the signed version stands)."""
    from reviewer_app.reports.signing import SigningError

    try:
        sealed = seal.seal(pdf)
    except SigningError as exc:
        log.warning("No long-term version of report %s: %s", payload.get("report_id"), exc)
        return None
    sha = hashlib.sha256(sealed).hexdigest()
    seal.keep(sha, sealed)
    record = {
        **payload,
        "sha256": sha,
        "size": len(sealed),
        "signed_at": now.isoformat(),
        # What lists it as long-term (and not "waiting for long-term data").
        LONG_TERM_KEY: True,
    }
    return record, sha, len(sealed)


@dataclass(frozen=True, slots=True)
class Refusal:
    reason: RejectReason
    message: str


@dataclass(frozen=True, slots=True)
class HeldVersion:
    """A signed version the server already holds for the review."""

    report_id: str
    signer_count: int
    required_count: int
    data_hash: str
    signer_name: str
    blob_sha256: str


def _payload(record: Any) -> dict[str, Any]:
    payload = record.get("payload") if isinstance(record, dict) else record.payload
    if isinstance(payload, str):
        payload = json.loads(payload)
    return payload if isinstance(payload, dict) else {}


def held_versions(session: Session, review_id: str, batch: Iterable[Any] = ()) -> list[HeldVersion]:
    """The review's signed versions on the server (and in this batch), in no special order."""
    rows: list[Any] = list(
        session.exec(
            select(models.Record).where(
                models.Record.review_id == review_id,
                models.Record.entity == Entity.SIGNED_REPORT.value,
                models.Record.retracted == False,  # noqa: E712 (SQL, not Python)
            )
        ).all()
    )
    rows.extend(r for r in batch if r.get("entity") == Entity.SIGNED_REPORT.value)
    held = []
    for row in rows:
        payload = _payload(row)
        blob = row.get("blob_sha256") if isinstance(row, dict) else row.blob_sha256
        held.append(
            HeldVersion(
                report_id=str(payload.get("report_id", "")),
                signer_count=_int(payload.get("signer_count")),
                required_count=_int(payload.get("required_count")),
                data_hash=str(payload.get("data_hash", "")),
                signer_name=str(payload.get("signer_name", "")),
                blob_sha256=str(blob or ""),
            )
        )
    return held


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def team_names(session: Session, visit_id: str) -> list[str]:
    return list(
        session.exec(
            select(models.Person.name)
            .join(models.VisitReviewer, models.VisitReviewer.person_id == models.Person.id)  # type: ignore[arg-type]
            .where(models.VisitReviewer.visit_id == visit_id)
        ).all()
    )


def check_version(
    session: Session,
    review: models.Review,
    caller: models.Person,
    payload: dict[str, Any],
    pdf: bytes,
    check: ReportChecker,
    blob_reader: Callable[[str], bytes | None],
    batch: Iterable[Any] = (),
) -> CheckedReport | Refusal:
    """The checked report when the version may be kept, else why not."""
    from reviewer_app.reports.sign_off_check import ReportRefusedError
    from reviewer_app.reports.signing import same_person

    try:
        checked = check(pdf)
    except ReportRefusedError as exc:
        return Refusal(RejectReason.BAD_SIGNATURE, f"The signed report was refused: {exc.message}.")
    claimed = (
        payload.get("report_id"),
        payload.get("data_hash"),
        payload.get("signer_count"),
        payload.get("required_count"),
    )
    actual = (checked.report_id, checked.data_hash, checked.signer_count, len(checked.planned))
    if claimed != actual or not same_person(
        str(payload.get("signer_name", "")), checked.newest.signer_name
    ):
        return Refusal(
            RejectReason.INVALID_PAYLOAD,
            "The signed report's record does not match its PDF (report id, data hash, number "
            "of signatures or newest signer differ).",
        )
    team = team_names(session, review.visit_id)
    for name in checked.planned:
        if not any(same_person(name, member) for member in team):
            return Refusal(
                RejectReason.NOT_ALLOWED,
                f"The signed report was refused: its sign-off plan names {name}, who is not on "
                "this visit's team.",
            )
    newest = checked.newest
    if not same_person(newest.signer_name, caller.name) or (
        newest.signer_email and newest.signer_email.casefold() != caller.email.casefold()
    ):
        return Refusal(
            RejectReason.NOT_ALLOWED,
            f"The signed report was refused: its newest signature is {newest.signer_name}'s, "
            f"but it was sent from {caller.name}'s laptop; each signer sends their own.",
        )
    held = held_versions(session, review.id, batch)
    return _check_succession(checked, pdf, blob_reader, held)


def _check_succession(
    checked: CheckedReport,
    pdf: bytes,
    blob_reader: Callable[[str], bytes | None],
    held: list[HeldVersion],
) -> CheckedReport | Refusal:
    same_report = [v for v in held if v.report_id == checked.report_id]
    if checked.document_timestamps and _extends(
        pdf, [v for v in same_report if v.signer_count == checked.signer_count], blob_reader
    ):
        # A time-stamped version: a version the server holds with only the trust's document
        # timestamp after it (a signature made offline, time-stamped at its laptop's next
        # sync). The strict check above already found nothing else added after the signatures.
        return checked
    latest = max(same_report, key=lambda v: v.signer_count, default=None)
    held_count = latest.signer_count if latest else 0
    if checked.signer_count <= held_count:
        assert latest is not None
        return Refusal(
            RejectReason.STALE_SIGNATURE,
            f"{latest.signer_name} signed this report first (signature {held_count} of "
            f"{latest.required_count}), so this signature, made on an older version, was not "
            "kept; sync to receive the newer version and sign that.",
        )
    if checked.signer_count > held_count + 1:
        missing = checked.signed[held_count]
        return Refusal(
            RejectReason.OUT_OF_ORDER,
            f"The signed report was refused: the server has not received {missing.signer_name}'s "
            f"signature (number {held_count + 1}) yet, so it cannot take later ones.",
        )
    if latest is not None:
        if latest.data_hash != checked.data_hash:
            return Refusal(
                RejectReason.BAD_SIGNATURE,
                "The signed report was refused: it was made from different review data than the "
                "earlier signatures cover (the review changed between signatures).",
            )
        # Any held version with the earlier signatures will do: the signer may have signed
        # the version before or after the trust's document timestamp was added to it.
        earlier = [v for v in same_report if v.signer_count == held_count]
        if not _extends(pdf, earlier, blob_reader):
            return Refusal(
                RejectReason.BAD_SIGNATURE,
                "The signed report was refused: it is not the version the earlier signers signed "
                "with one signature added.",
            )
    return checked


def _extends(
    pdf: bytes, versions: Iterable[HeldVersion], blob_reader: Callable[[str], bytes | None]
) -> bool:
    """Whether ``pdf`` is one of ``versions`` with something appended (an incremental update)."""
    for version in versions:
        earlier = blob_reader(version.blob_sha256) or b""
        if earlier and len(pdf) > len(earlier) and pdf.startswith(earlier):
            return True
    return False
