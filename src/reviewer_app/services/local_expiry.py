"""A laptop keeps only what its person may still read.

When the trust unassigns a person from a school, or a person loses the safeguarding role a
safeguarding framework needs, the trust server stops listing those reviews in the handshake.
At that contact the laptop removes them: the review, its records, answers, photos and files,
signed reports and the changes not yet sent (the server would refuse them: they are no longer
the person's to send). Everything the person may still send is sent as usual in the same
session. What was removed is said in words and kept as an audit entry the trust receives.

Two more reasons remove a review, whoever may read it: the trust deleted it under its
retention schedule (the handshake lists it as purged; :mod:`reviewer_app.server.retention`), or
it is synced (nothing waits to be sent) and fully signed longer ago than the trust's period for
laptop copies (``LaptopPolicy.keep_signed_days``): the server keeps it, the laptop needs only
current work.

A review is removed as unreadable only when *both* hold: the server no longer lists it, and the
reason is visible here (its school is not among the schools the person may read, or its
framework is for roles the person no longer holds). A review started on this laptop and not
sent yet is kept.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete
from sqlmodel import Session, col, select

from reviewer_app.domain.frameworks.framework import Framework
from reviewer_app.domain.record_kinds import Entity
from reviewer_app.storage.audit_entries import record_entry
from reviewer_app.storage.local_settings import DROPPED_AS_OLD, get_setting, set_setting
from reviewer_app.storage.tables import (
    ActionFollowUpRow,
    ActionRow,
    AttachmentRow,
    BlobRow,
    EvidenceNoteRow,
    FieldValueRow,
    JudgementRow,
    NoteAttachmentRow,
    OutboxRow,
    ReviewRow,
    SchoolRow,
    SignedReportRow,
    SyncStateRow,
    VisitReviewerRow,
    VisitRow,
)
from reviewer_app.sync import protocol as wire

if TYPE_CHECKING:
    from reviewer_app.services.local_visibility import LocalView

log = logging.getLogger(__name__)

#: The audit action of a removal (sent to the trust with the other laptop audit entries).
DATA_REMOVED = "local_data_removed"


def readable_schools(handshake: wire.HandshakeResponse) -> set[str]:
    """The schools the server lets this device read, as the handshake shows them."""
    schools = {v.school_id for v in handshake.visits}
    schools |= {r.school_id for r in handshake.reviews}
    for colleague in handshake.colleagues:
        schools |= set(colleague.school_ids)
    return schools


def remove_unreadable(session: Session, handshake: wire.HandshakeResponse) -> list[str]:
    """Remove the reviews this person may no longer read (see the module's description);
    returns what was removed, in words ("St Aidan's: Safeguarding audit (no longer assigned
    to the school)")."""
    listed = {r.review_id for r in handshake.reviews}
    schools = readable_schools(handshake)
    roles = set(handshake.person.roles)
    removed: dict[str, str] = {}
    for review in session.exec(select(ReviewRow)).all():
        if review.id in listed:
            continue
        visit = session.get(VisitRow, review.visit_id)
        if visit is None:
            continue
        why = _why_unreadable(review, visit.school_id, schools, roles)
        if why is None:
            continue
        school = session.get(SchoolRow, visit.school_id)
        title = _framework_title(review)
        removed[review.id] = f"{school.name if school else visit.school_id}: {title} ({why})"
    if not removed:
        return []
    unsent = _delete_reviews(session, removed)
    words = sorted(removed.values())
    record_entry(
        session,
        person_id=handshake.person.id,
        action=DATA_REMOVED,
        summary=f"Removed {len(words)} review(s) {handshake.person.name} may no longer read "
        "from this laptop",
        detail={"reviews": sorted(removed), "unsent_changes_dropped": unsent},
    )
    log.info("removed %d review(s) no longer readable (%d unsent change(s))", len(words), unsent)
    return words


def remove_restricted(session: Session, handshake: wire.HandshakeResponse) -> list[str]:
    """Remove, from the reviews this person may still read, the parts their roles no longer
    let them see (a safeguarding lead who lost the role keeps the peer review, not its single
    central record sample): records, answers, photos and the unsent changes to them (the
    server would refuse those now); returns what was removed, in words."""
    from reviewer_app.services.local_visibility import view_of

    roles = set(handshake.person.roles)
    listed = [r.review_id for r in handshake.reviews]
    removed: dict[str, str] = {}
    unsent = 0
    for review in session.exec(select(ReviewRow).where(col(ReviewRow.id).in_(listed))).all():
        view = view_of(session, review.id, roles)
        if not view.may_read or not view.restriction:
            continue  # nothing of this framework is beyond the reader's roles
        records, dropped = _delete_hidden(session, review.id, view)
        unsent += dropped
        if records:
            removed[review.id] = (
                f"{_where(session, review)}: {records} restricted record(s), answer(s) and "
                f"signed report(s) of the {view.framework_title} (for safeguarding roles only)"
            )
    if removed:
        _record_removal(session, handshake.person.id, removed, unsent,
                        "the restricted parts the person's roles no longer cover")  # fmt: skip
    return sorted(removed.values())


def _delete_hidden(session: Session, review_id: str, view: LocalView) -> tuple[int, int]:
    """Delete what ``view`` hides of one review; returns (records and answers, unsent
    changes) deleted."""
    pending = session.exec(
        select(OutboxRow).where(OutboxRow.review_id == review_id, OutboxRow.state != "acked")
    ).all()
    hidden_ops = [o.op_id for o in pending if view.hides_operation(o.entity, o.entity_id, o.field)]
    if hidden_ops:
        session.execute(delete(OutboxRow).where(col(OutboxRow.op_id).in_(hidden_ops)))
    count = 0
    by_entity: dict[str, list[str]] = {}
    for entity, entity_id in view.hidden:
        by_entity.setdefault(entity, []).append(entity_id)
    attachments = by_entity.get(Entity.ATTACHMENT.value, [])
    blobs = set(
        session.exec(select(AttachmentRow.sha256).where(col(AttachmentRow.id).in_(attachments)))
    )
    if attachments:
        session.execute(
            delete(NoteAttachmentRow).where(col(NoteAttachmentRow.attachment_id).in_(attachments))
        )
    actions = by_entity.get(Entity.ACTION.value, [])
    if actions:
        session.execute(
            delete(ActionFollowUpRow).where(col(ActionFollowUpRow.action_id).in_(actions))
        )
    for entity, table in _RECORD_TABLES.items():
        ids = by_entity.get(entity, [])
        if ids:
            count += len(session.exec(select(table.id).where(col(table.id).in_(ids))).all())
            session.execute(delete(table).where(col(table.id).in_(ids)))
    fields = [
        f
        for f in session.exec(
            select(FieldValueRow.field_id).where(FieldValueRow.review_id == review_id)
        ).all()
        if view.hides_field(f)
    ]
    if fields:
        count += len(fields)
        session.execute(
            delete(FieldValueRow).where(
                col(FieldValueRow.review_id) == review_id, col(FieldValueRow.field_id).in_(fields)
            )
        )
    if view.hidden or fields:  # restricted detail is held here, so such a report shows it
        count += _delete_restricted_reports(session, review_id)
    _delete_orphan_blobs(session, blobs)
    session.flush()
    return count, len(hidden_ops)


def _delete_restricted_reports(session: Session, review_id: str) -> int:
    """Delete the review's signed reports for an audience that shows restricted detail (the
    full internal report), except a version whose signature is still to be sent (the server
    decides on it); returns how many versions went."""
    from reviewer_app.reports.document import STANDARD_AUDIENCES

    unsent = set(
        session.exec(
            select(OutboxRow.entity_id).where(
                OutboxRow.review_id == review_id,
                OutboxRow.entity == Entity.SIGNED_REPORT.value,
                OutboxRow.state != "acked",
            )
        ).all()
    )
    restricted = [
        report_id
        for report_id, audience in session.exec(
            select(SignedReportRow.id, SignedReportRow.audience).where(
                SignedReportRow.review_id == review_id
            )
        ).all()
        if report_id not in unsent
        and (audience not in STANDARD_AUDIENCES or STANDARD_AUDIENCES[audience].allows_restricted)
    ]
    if restricted:
        session.execute(delete(SignedReportRow).where(col(SignedReportRow.id).in_(restricted)))
    return len(restricted)


def _delete_orphan_blobs(session: Session, candidates: set[str]) -> None:
    used: set[str] = set(session.exec(select(AttachmentRow.sha256)).all())
    gone = candidates - used
    if gone:
        session.execute(delete(BlobRow).where(col(BlobRow.sha256).in_(gone)))


#: The tables of the records a reader may be withheld (by their entity on the wire).
_RECORD_TABLES: dict[str, Any] = {
    Entity.EVIDENCE_NOTE.value: EvidenceNoteRow,
    Entity.ATTACHMENT.value: AttachmentRow,
    Entity.JUDGEMENT.value: JudgementRow,
    Entity.ACTION.value: ActionRow,
    Entity.ACTION_FOLLOW_UP.value: ActionFollowUpRow,
}


#: The reviews this laptop holds as a judgement summary only (JSON list of ids).
SUMMARY_ONLY_REVIEWS = "sync.summary_only_reviews"


def held_as_summary(session: Session, review_id: str) -> bool:
    """Whether this laptop holds ``review_id`` as a judgement summary (and, for oversight, its
    signed reports), not whole: its report cannot be rebuilt here."""
    return review_id in json.loads(get_setting(session, SUMMARY_ONLY_REVIEWS) or "[]")


def refresh_summary_copies(session: Session, handshake: wire.HandshakeResponse) -> list[str]:
    """Reviews whose copy here changes between whole and judgement summary: a summary copy
    whose report is now shared with the reader, and a whole copy the reader now receives as a
    summary only (the school chose "the school only", or a trust admin no longer assigned to
    the school reads it as oversight). The copy held is dropped; the handshake lists the review
    afresh and the pull brings it again from the start, as the reader may now have it (the rows
    withheld before are behind the old cursor). Returns their ids."""
    before = set(json.loads(get_setting(session, SUMMARY_ONLY_REVIEWS) or "[]"))
    now = {r.review_id for r in handshake.reviews if r.summary_only}
    listed = {r.review_id for r in handshake.reviews}
    changed = (before ^ now) & listed
    held = set(session.exec(select(ReviewRow.id).where(col(ReviewRow.id).in_(changed))).all())
    dropped = sorted(changed & held)
    if dropped:
        _delete_reviews(session, dropped)
        log.info("%d review(s) shared differently with this reader: pulled again", len(dropped))
    if now != before:
        set_setting(session, SUMMARY_ONLY_REVIEWS, json.dumps(sorted(now)))
    return dropped


def remove_purged(session: Session, handshake: wire.HandshakeResponse) -> list[str]:
    """Remove the reviews (and their visits) the trust deleted under its retention schedule;
    returns what was removed, in words."""
    purged = {p.review_id: p for p in handshake.purged}
    if not purged:
        return []
    held = session.exec(select(ReviewRow).where(col(ReviewRow.id).in_(list(purged)))).all()
    visits = {p.visit_id for p in handshake.purged}
    gone_visits = [v for v in visits if session.get(VisitRow, v) is not None]
    if not held and not gone_visits:
        return []
    removed = {
        r.id: f"{_where(session, r)}: {_framework_title(r)} (deleted by the trust's retention "
        f"schedule: {purged[r.id].reason})"
        for r in held
    }
    unsent = _delete_reviews(session, removed) if removed else 0
    _delete_empty_visits(session, gone_visits)  # the visits too, once no review is left
    if removed:
        _record_removal(session, handshake.person.id, removed, unsent,
                        "the trust deleted them under its retention schedule")  # fmt: skip
    return sorted(removed.values())


def old_signed(session: Session, keep_days: int | None, now: datetime) -> dict[str, datetime]:
    """The reviews synced (nothing waiting to be sent) and fully signed more than
    ``keep_days`` before ``now``, with their last signature's time."""
    if keep_days is None:
        return {}
    cutoff = now - timedelta(days=keep_days)
    last_signed: dict[str, datetime] = {}
    for review_id, signed_at, count, required in session.exec(
        select(SignedReportRow.review_id, SignedReportRow.signed_at,
               SignedReportRow.signer_count, SignedReportRow.required_count)
    ):  # fmt: skip
        when = _parse_time(signed_at)
        if count >= required and when is not None:
            last_signed[review_id] = max(when, last_signed.get(review_id, when))
    old = {r for r, when in last_signed.items() if when < cutoff}
    if old:
        unsettled = select(OutboxRow.review_id).where(
            col(OutboxRow.review_id).in_(old), OutboxRow.state != "acked"
        )
        old -= set(session.exec(unsettled).all())
    return {r: last_signed[r] for r in old}


def remove_old_signed(
    session: Session, keep_days: int | None, now: datetime, person_id: str
) -> list[str]:
    """Remove the reviews :func:`old_signed` finds (they stay on the trust server); returns
    what was removed, in words."""
    old = old_signed(session, keep_days, now)
    removed = {
        r.id: f"{_where(session, r)}: {_framework_title(r)} (signed "
        f"{old[r.id]:%d %B %Y}; kept on the trust server)"
        for r in session.exec(select(ReviewRow).where(col(ReviewRow.id).in_(list(old))))
    }
    if not removed:
        return []
    visits = set(
        session.exec(select(ReviewRow.visit_id).where(col(ReviewRow.id).in_(list(removed))))
    )
    _delete_reviews(session, removed)
    gone_visits = _delete_empty_visits(session, visits)
    dropped = dropped_as_old(session)
    set_setting(session, DROPPED_AS_OLD, json.dumps({
        "reviews": sorted(dropped.reviews | set(removed)),
        "visits": sorted(dropped.visits | set(gone_visits)),
    }))  # fmt: skip
    _record_removal(session, person_id, removed, 0,
                    f"signed more than {keep_days} days ago and synced")  # fmt: skip
    return sorted(removed.values())


@dataclass(frozen=True, slots=True)
class Dropped:
    """What this laptop dropped as old: the sync leaves these on the server (never pulled
    back, never listed again)."""

    reviews: frozenset[str] = frozenset()
    visits: frozenset[str] = frozenset()


def dropped_as_old(session: Session) -> Dropped:
    text = get_setting(session, DROPPED_AS_OLD)
    if not text:
        return Dropped()
    try:
        value = json.loads(text)
        return Dropped(frozenset(map(str, value["reviews"])), frozenset(map(str, value["visits"])))
    except (ValueError, KeyError, TypeError):
        log.warning("The list of reviews dropped as old cannot be read; it starts again")
        return Dropped()


def _delete_empty_visits(session: Session, visits: Iterable[str]) -> list[str]:
    """Delete the visits (and their teams) none of whose reviews is left here."""
    empty = [
        v
        for v in visits
        if session.get(VisitRow, v) is not None
        and session.exec(select(ReviewRow.id).where(ReviewRow.visit_id == v)).first() is None
    ]
    if empty:
        session.execute(delete(VisitReviewerRow).where(col(VisitReviewerRow.visit_id).in_(empty)))
        session.execute(delete(VisitRow).where(col(VisitRow.id).in_(empty)))
    return empty


def _parse_time(text: str) -> datetime | None:
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _where(session: Session, review: ReviewRow) -> str:
    visit = session.get(VisitRow, review.visit_id)
    school = session.get(SchoolRow, visit.school_id) if visit else None
    return school.name if school else review.visit_id


def _record_removal(
    session: Session, person_id: str, removed: dict[str, str], unsent: int, why: str
) -> None:
    record_entry(
        session,
        person_id=person_id,
        action=DATA_REMOVED,
        summary=f"Removed {len(removed)} review(s) from this laptop: {why}",
        detail={"reviews": sorted(removed), "unsent_changes_dropped": unsent},
    )
    log.info("removed %d review(s): %s (%d unsent change(s))", len(removed), why, unsent)


def remove_all_reviews(session: Session, person_id: str | None = None) -> list[str]:
    """Remove every review from this laptop (the trust revoked it, or deactivated its person);
    returns what was removed, in words. The audit entry stays on the laptop (it can no longer
    send it) for whoever recovers the laptop to see."""
    from reviewer_app.storage.local_settings import CURRENT_PERSON, get_setting

    removed = {
        review.id: f"{_where(session, review)}: {_framework_title(review)} "
        "(this laptop was revoked)"
        for review in session.exec(select(ReviewRow)).all()
    }
    if not removed:
        return []
    unsent = _delete_reviews(session, removed)
    person = person_id or get_setting(session, CURRENT_PERSON) or ""
    record_entry(
        session,
        person_id=person,
        action=DATA_REMOVED,
        summary=f"Removed all {len(removed)} review(s) from this laptop: the trust revoked it",
        detail={"reviews": sorted(removed), "unsent_changes_dropped": unsent},
    )
    log.info("laptop revoked: removed %d review(s) (%d unsent change(s))", len(removed), unsent)
    return sorted(removed.values())


def _why_unreadable(
    review: ReviewRow, school_id: str, schools: set[str], roles: set[str]
) -> str | None:
    if school_id not in schools:
        return "no longer assigned to the school"
    if review.framework_snapshot.strip():
        try:
            framework = Framework.from_snapshot(json.loads(review.framework_snapshot))
        except Exception:  # an unreadable copy: the server's listing decides (keep)
            return None
        if not framework.may_be_seen_by(roles):
            return "for safeguarding roles only"
    return None


def _framework_title(review: ReviewRow) -> str:
    try:
        return str(json.loads(review.framework_snapshot)["title"])
    except Exception:  # not frozen yet: the installed framework's title, else its id
        from reviewer_app.services.framework_catalogue import installed_library

        try:
            return installed_library().latest(review.framework_id).title
        except Exception:
            return review.framework_id


def _delete_reviews(session: Session, reviews: Iterable[str]) -> int:
    """Delete the reviews and everything that belongs to them; returns how many unsent changes
    were dropped with them."""
    ids = list(reviews)
    unsent = len(
        session.exec(
            select(OutboxRow.op_id).where(
                col(OutboxRow.review_id).in_(ids), OutboxRow.state == "pending"
            )
        ).all()
    )
    attached = set(
        session.exec(select(AttachmentRow.sha256).where(col(AttachmentRow.review_id).in_(ids)))
    )
    for table in (
        ActionFollowUpRow,
        EvidenceNoteRow,  # its criteria, tags, attachments and pupils go with it (cascade)
        AttachmentRow,
        JudgementRow,
        FieldValueRow,
        SignedReportRow,
        OutboxRow,
        SyncStateRow,
    ):
        session.execute(delete(table).where(col(table.review_id).in_(ids)))
    # Follow-ups elsewhere of an action being removed (the same school, so removed too).
    actions = list(session.exec(select(ActionRow.id).where(col(ActionRow.review_id).in_(ids))))
    if actions:
        session.execute(
            delete(ActionFollowUpRow).where(col(ActionFollowUpRow.action_id).in_(actions))
        )
    session.execute(delete(ActionRow).where(col(ActionRow.review_id).in_(ids)))
    session.execute(delete(ReviewRow).where(col(ReviewRow.id).in_(ids)))
    _delete_orphan_blobs(session, attached)
    session.flush()
    return unsent
