"""A laptop keeps only what its person may still read.

When the trust unassigns a person from a school, or a person loses the safeguarding role a
safeguarding framework needs, the trust server stops listing those reviews in the handshake.
At that contact the laptop removes them: the review, its records, answers, photos and files,
signed reports and the changes not yet sent (the server would refuse them: they are no longer
the person's to send). Everything the person may still send is sent as usual in the same
session. What was removed is said in words and kept as an audit entry the trust receives.

A review is removed only when *both* hold: the server no longer lists it, and the reason is
visible here (its school is not among the schools the person may read, or its framework is for
roles the person no longer holds). A review started on this laptop and not sent yet is kept.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable

from sqlalchemy import delete
from sqlmodel import Session, col, select

from reviewer_app.domain.frameworks.framework import Framework
from reviewer_app.storage.audit_entries import record_entry
from reviewer_app.storage.tables import (
    ActionFollowUpRow,
    ActionRow,
    AttachmentRow,
    BlobRow,
    EvidenceNoteRow,
    FieldValueRow,
    JudgementRow,
    OutboxRow,
    ReviewRow,
    SchoolRow,
    SignedReportRow,
    SyncStateRow,
    VisitRow,
)
from reviewer_app.sync import protocol as wire

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


def remove_all_reviews(session: Session, person_id: str | None = None) -> list[str]:
    """Remove every review from this laptop (the trust revoked it, or deactivated its person);
    returns what was removed, in words. The audit entry stays on the laptop (it can no longer
    send it) for whoever recovers the laptop to see."""
    from reviewer_app.storage.local_settings import CURRENT_PERSON, get_setting

    removed: dict[str, str] = {}
    for review in session.exec(select(ReviewRow)).all():
        visit = session.get(VisitRow, review.visit_id)
        school = session.get(SchoolRow, visit.school_id) if visit else None
        where = school.name if school else review.visit_id
        removed[review.id] = f"{where}: {_framework_title(review)} (this laptop was revoked)"
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
    still_used = set(session.exec(select(AttachmentRow.sha256)))
    gone = attached - still_used
    if gone:
        session.execute(delete(BlobRow).where(col(BlobRow.sha256).in_(gone)))
    session.flush()
    return unsent
