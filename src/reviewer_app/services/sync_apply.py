"""Applying what the server sends to the local store (the engine's ``LocalApplyPort``).

Every page of changes is applied **with** its cursor in one write transaction on the writer lane,
so a crash half-way leaves neither. Applying is idempotent: append-only records are inserted
once by id. A shared field with local edits still waiting to be pushed keeps the local value;
the server's value and version are recorded beside it (the push that follows becomes a conflict
on the server if the edits overlap, never a silent overwrite).

Conflict records pulled from the server are kept in the store's ``local_setting`` table under
``sync.conflict.<id>`` (JSON of :class:`~reviewer_app.sync.protocol.ConflictRecord`), so the
lead's panel works offline.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, select

from reviewer_app.domain.canonical import canonical_sha256, sha256_hex
from reviewer_app.domain.changes import ChangeCollector, ChangeOrigin
from reviewer_app.domain.organisation import Person, Phase, Role, School
from reviewer_app.domain.record_kinds import Entity
from reviewer_app.domain.record_schema import RecordError
from reviewer_app.domain.review import (
    EvidenceNote,
    FieldValue,
    Review,
    ReviewState,
)
from reviewer_app.domain.visits import Visit, VisitReviewer, VisitStatus
from reviewer_app.services import signed_report_sync
from reviewer_app.services.handshake_organisation import (
    take_colleagues,
    take_meetings,
    take_schools,
    take_trust,
)
from reviewer_app.services.sync_quarantine import RECORD_FAULTS, set_aside
from reviewer_app.services.sync_records import (
    action_from_json,
    attachment_from_json,
    follow_up_from_json,
    judgement_from_json,
    note_from_json,
    parse_time,
)
from reviewer_app.services.writer_lane import WriterLane
from reviewer_app.storage import outbox as store_outbox
from reviewer_app.storage.action_repository import ActionRepository
from reviewer_app.storage.blobs import has_blob, put_blob
from reviewer_app.storage.evidence_repository import EvidenceRepository
from reviewer_app.storage.local_settings import get_setting, set_setting
from reviewer_app.storage.organisation_repository import OrganisationRepository
from reviewer_app.storage.review_repository import ReviewRepository
from reviewer_app.storage.store import Store
from reviewer_app.storage.tables import LocalSettingRow, OutboxRow, ReviewRow, SyncStateRow
from reviewer_app.storage.visit_repository import VisitRepository
from reviewer_app.sync import protocol as wire

log = logging.getLogger(__name__)

CONFLICT_PREFIX = "sync.conflict."
SERVER_VALUE_PREFIX = "sync.server_value."
HANDSHAKE_DIGEST = "sync.handshake_digest"


def has_pending_field_ops(session: Session, review_id: str, field_id: str) -> bool:
    """True when this laptop has edits of the field not yet answered by the server."""
    row = session.exec(
        select(OutboxRow.op_id).where(
            OutboxRow.state == store_outbox.OpState.PENDING.value,
            OutboxRow.review_id == review_id,
            OutboxRow.entity == Entity.FIELD_VALUE.value,
            OutboxRow.field == field_id,
        )
    ).first()
    return row is not None


def stored_conflicts(session: Session) -> list[wire.ConflictRecord]:
    """Every conflict record this laptop has pulled."""
    rows = session.exec(
        select(LocalSettingRow).where(col(LocalSettingRow.key).startswith(CONFLICT_PREFIX))
    ).all()
    return [wire.ConflictRecord.model_validate_json(r.value) for r in rows]


class ChangeApplier:
    """Applies pulled changes inside one session (one page, one transaction)."""

    def __init__(self, session: Session, review_id: str) -> None:
        self.session = session
        self.review_id = review_id
        self.reviews = ReviewRepository(session, record_ops=False)
        self.evidence = EvidenceRepository(session, record_ops=False)
        self.actions = ActionRepository(session, record_ops=False)

    def apply_all(self, changes: Iterable[wire.Change]) -> None:
        """Apply changes in order, as :meth:`apply` would one by one.

        Runs of evidence notes (most of any page) are inserted together: one lookup and one
        INSERT per table for the run, written before the next change of another kind, so the
        order of effects is the order of the log.
        """
        notes: list[EvidenceNote] = []
        for change in changes:
            note = self._note_of(change)
            if note is not None:
                notes.append(note)
                continue
            if notes:
                self.evidence.add_notes(notes)
                notes = []
            self.apply(change)
        if notes:
            self.evidence.add_notes(notes)

    def _note_of(self, change: wire.Change) -> EvidenceNote | None:
        """The note a change appends (a record, or a withdrawal's tombstone), else None."""
        if change.entity is not Entity.EVIDENCE_NOTE or not isinstance(change.payload, dict):
            return None
        payload = change.payload
        if change.kind is wire.ChangeKind.APPEND:
            if payload.get("review_id", self.review_id) != self.review_id:
                return None  # apply() logs and skips it
            return note_from_json(payload)
        if change.kind is wire.ChangeKind.RETRACT and isinstance(payload.get("supersedes"), str):
            return note_from_json(payload)
        return None

    def apply(self, change: wire.Change) -> None:
        handler = {
            wire.ChangeKind.APPEND: self._append,
            wire.ChangeKind.RETRACT: self._retract,
            wire.ChangeKind.SET: self._set,
            wire.ChangeKind.RESOLVE: self._set,
            wire.ChangeKind.SUBMIT: self._submit,
            wire.ChangeKind.CONFLICT: self._conflict,
        }[change.kind]
        handler(change)

    def _append(self, change: wire.Change) -> None:
        payload = change.payload
        if not isinstance(payload, dict):
            raise RecordError("The record is not a JSON object.")
        if payload.get("review_id", self.review_id) != self.review_id:
            raise RecordError("The record names another review than the one it came with.")
        entity = change.entity
        if entity is Entity.REVIEW:
            self._review_started(payload)
        elif entity is Entity.EVIDENCE_NOTE:
            self.evidence.add_note(note_from_json(payload))
        elif entity is Entity.ATTACHMENT:
            self.evidence.add_attachment(attachment_from_json(payload))
        elif entity is Entity.JUDGEMENT:
            self.reviews.add_judgement(judgement_from_json(payload))
        elif entity is Entity.ACTION:
            self.actions.add_action(action_from_json(payload))
        elif entity is Entity.ACTION_FOLLOW_UP:
            self.actions.add_follow_up(follow_up_from_json(payload))
        elif entity is Entity.SIGNED_REPORT:
            # The PDF was downloaded before this page was applied; it is checked before kept.
            signed_report_sync.keep_pulled(self.session, self.review_id, change.entity_id, payload)

    def _review_started(self, payload: dict[str, Any]) -> None:
        """The review's own record: it brings the framework text the review is frozen to."""
        started = payload.get("review")
        snapshot = payload.get("framework_snapshot")
        if not isinstance(started, dict) or not isinstance(snapshot, str):
            return
        row = self.session.get(ReviewRow, self.review_id)
        created = started.get("created_at")
        if row is None:
            if VisitRepository(self.session).get_visit(str(started.get("visit_id"))) is None:
                return
            self.reviews.add_review(
                Review(
                    id=self.review_id,
                    visit_id=str(started["visit_id"]),
                    framework_id=str(started.get("framework_id", "")),
                    framework_version=str(started.get("framework_version", "")),
                    framework_hash=str(started.get("framework_hash", "")),
                    created_at=parse_time(created) if created else None,
                    amends=started.get("amends"),
                    amendment_reason=str(started.get("amendment_reason", "")),
                ),
                snapshot,
            )
        elif not row.framework_snapshot:
            # Known from the handshake only: now the framework text and its version arrive,
            # and, for an amendment, what it amends and why.
            row.framework_snapshot = snapshot
            row.framework_version = str(started.get("framework_version", ""))
            row.framework_hash = str(started.get("framework_hash", ""))
            if started.get("amends") and not row.amends:
                row.amends = str(started["amends"])
                row.amendment_reason = str(started.get("amendment_reason", ""))
            if created and not row.created_at:
                row.created_at = str(created)
            self.session.add(row)
            self.session.flush()
        self._supersede(started.get("amends"))

    def _supersede(self, amended: object) -> None:
        """An amendment replaces the signed review it amends, here as on the lead's laptop."""
        if not isinstance(amended, str) or not amended:
            return
        earlier = self.reviews.get_review(amended)
        if earlier is not None and earlier.state is ReviewState.SIGNED:
            self.reviews.set_state(amended, ReviewState.SUPERSEDED, datetime.now().astimezone())

    def _retract(self, change: wire.Change) -> None:
        when = change.device_time
        payload = change.payload if isinstance(change.payload, dict) else {}
        if change.entity is Entity.EVIDENCE_NOTE and "supersedes" in payload:
            # A withdrawal is a tombstone note that supersedes the withdrawn one (one that does
            # not read as a note is set aside by the caller).
            self.evidence.add_note(note_from_json(payload))
        elif change.entity is Entity.ATTACHMENT:
            if self.evidence.get_attachment(change.entity_id) is not None:
                self.evidence.retract_attachment(change.entity_id, when)
        elif (
            change.entity is Entity.ACTION and self.actions.get_action(change.entity_id) is not None
        ):
            self.actions.retract_action(change.entity_id, when)

    def _set(self, change: wire.Change) -> None:
        if change.entity is Entity.REVIEW:
            self._submit(change)  # the review's state, an event with no version
            return
        if change.entity is not Entity.FIELD_VALUE or change.version is None:
            return
        payload = change.payload if isinstance(change.payload, dict) else {}
        field_id = change.field or ""
        value = FieldValue(
            review_id=self.review_id,
            field_id=field_id,
            value=payload.get("value"),
            version=change.version,
            author_id=change.author_id,
            updated_at=change.device_time,
        )
        if has_pending_field_ops(self.session, self.review_id, field_id):
            store_outbox.set_field_server_version(
                self.session, self.review_id, field_id, change.version
            )
            record = {"value": value.value, "version": value.version, "author_id": value.author_id}
            set_setting(
                self.session,
                f"{SERVER_VALUE_PREFIX}{self.review_id}.{field_id}",
                json.dumps(record, sort_keys=True),
            )
        elif self.reviews.field_server_version(self.review_id, field_id) <= change.version:
            self.reviews.apply_server_field(value)
        if change.kind is wire.ChangeKind.RESOLVE and change.conflict_id:
            self._close_conflict(change)

    def _close_conflict(self, change: wire.Change) -> None:
        key = f"{CONFLICT_PREFIX}{change.conflict_id}"
        stored = get_setting(self.session, key)
        if stored is None:
            return
        record = wire.ConflictRecord.model_validate_json(stored)
        closed = record.model_copy(
            update={
                "status": wire.ConflictStatus.RESOLVED,
                "resolved_by": change.author_id,
                "resolution_op_id": change.op_id,
            }
        )
        set_setting(self.session, key, closed.model_dump_json())

    def _submit(self, change: wire.Change) -> None:
        payload = change.payload if isinstance(change.payload, dict) else {}
        state = payload.get("state")
        if state not in ReviewState._value2member_map_:
            return
        if self.reviews.get_review(self.review_id) is None:
            return
        pending = self.session.exec(
            select(OutboxRow.op_id).where(
                OutboxRow.state == store_outbox.OpState.PENDING.value,
                OutboxRow.review_id == self.review_id,
                OutboxRow.entity == Entity.REVIEW.value,
                OutboxRow.field == "state",
            )
        ).first()
        if pending is None:
            self.reviews.set_state(self.review_id, ReviewState(str(state)), change.device_time)

    def _conflict(self, change: wire.Change) -> None:
        record = wire.ConflictRecord.model_validate(change.payload, extra=wire.ANSWER_EXTRA)
        set_setting(self.session, f"{CONFLICT_PREFIX}{record.id}", record.model_dump_json())
        field_id = record.field
        if has_pending_field_ops(self.session, self.review_id, field_id):
            return
        # While the conflict is open the field shows the server's value; ours is a candidate.
        held = record.candidates[0]
        if held.op_id is None and self.reviews.get_field(self.review_id, field_id) is None:
            return
        self.reviews.apply_server_field(
            FieldValue(
                review_id=self.review_id,
                field_id=field_id,
                value=held.value,
                version=record.base_version,
                author_id=held.author_id,
                updated_at=held.device_time or change.device_time,
            )
        )


def _handshake_digest(handshake: wire.HandshakeResponse) -> str:
    return canonical_sha256(
        {
            "person": handshake.person.model_dump(mode="json"),
            "visits": [v.model_dump(mode="json") for v in handshake.visits],
            "reviews": sorted(r.review_id for r in handshake.reviews),
            "summary_only": sorted(r.review_id for r in handshake.reviews if r.summary_only),
            "colleagues": [c.model_dump(mode="json") for c in handshake.colleagues],
            "schools": [s.model_dump(mode="json") for s in handshake.schools],
            "frameworks": handshake.trust_frameworks,
            "purged": sorted(p.review_id for p in handshake.purged),
            # The meetings, and the day they were true of (My work says "at your last sync").
            "meetings": (
                None
                if handshake.meetings is None
                else [handshake.server_time.date().isoformat()]
                + [m.model_dump(mode="json") for m in handshake.meetings]
            ),
        }
    )


class StoreApplier:
    """:class:`reviewer_app.sync.engine.LocalApplyPort` over the real store."""

    def __init__(self, store: Store, lane: WriterLane) -> None:
        self._store = store
        self._lane = lane
        #: True when the last session's handshake brought new schools, people, visits or
        #: reviews (the app then reads its lists again).
        self.handshake_changed = False
        #: What the last handshake removed from this laptop, in words (reviews the person may
        #: no longer read: :mod:`reviewer_app.services.local_expiry`).
        self.removed: list[str] = []
        #: Pulled changes set aside since this applier was made (:mod:`.sync_quarantine`).
        self.set_aside_count = 0

    def cursors(self) -> dict[str, int]:
        from reviewer_app.services.local_expiry import dropped_as_old

        with self._store.reading() as session:
            cursors = {r.review_id: r.pull_cursor for r in session.exec(select(SyncStateRow))}
            # Dropped as old (the server keeps them): as if pulled to the end, never again.
            cursors |= dict.fromkeys(dropped_as_old(session).reviews, wire.MAX_CURSOR)
            return cursors

    def accept_handshake(self, handshake: wire.HandshakeResponse) -> None:
        from reviewer_app.services import local_expiry

        digest = _handshake_digest(handshake)
        self.handshake_changed = False
        self.removed = []
        policy = handshake.laptop_policy
        keep_days = policy.keep_signed_days if policy is not None else None
        now = handshake.server_time
        with self._store.reading() as session:
            same = get_setting(session, HANDSHAKE_DIGEST) == digest
            if same and not local_expiry.old_signed(session, keep_days, now):
                return  # nothing changed since the last session: no local write at all

        def write() -> list[str]:
            removed: list[str] = []
            with self._store.writing() as session:
                if not same:
                    local_expiry.refresh_summary_copies(session, handshake)
                    self._take_handshake(session, handshake)
                    removed += local_expiry.remove_unreadable(session, handshake)
                    removed += local_expiry.remove_restricted(session, handshake)
                    removed += local_expiry.remove_purged(session, handshake)
                    set_setting(session, HANDSHAKE_DIGEST, digest)
                removed += local_expiry.remove_old_signed(
                    session, keep_days, now, handshake.person.id
                )
            return removed

        self.removed = self._lane.call(write)
        self.handshake_changed = True

    def _take_handshake(self, session: Session, handshake: wire.HandshakeResponse) -> None:
        from reviewer_app.services.local_expiry import dropped_as_old

        dropped = dropped_as_old(session)
        organisation = OrganisationRepository(session)
        visits = VisitRepository(session)
        trust_id = handshake.person.trust_id
        if take_trust(organisation, handshake.person):
            self.handshake_changed = True
        take_schools(organisation, trust_id, handshake.schools)
        # A visit changed here and not yet sent keeps this laptop's version until the server
        # answers (the visit stage of this session sends it).
        changed_here = set(
            session.exec(
                select(OutboxRow.entity_id).where(
                    OutboxRow.entity == Entity.VISIT.value,
                    OutboxRow.state == store_outbox.OpState.PENDING.value,
                )
            ).all()
        )
        for info in handshake.visits:
            if info.visit_id in changed_here or info.visit_id in dropped.visits:
                continue
            if organisation.get_school(info.school_id) is None:
                # Not a school this person plans for (``schools`` names those, with their
                # phase): primary until it is one.
                organisation.save_school(
                    School(
                        id=info.school_id,
                        trust_id=trust_id,
                        urn=info.school_urn,
                        name=info.school_name,
                        phase=Phase.PRIMARY,
                    )
                )
            for member in info.team:
                if organisation.get_person(member.person_id) is None:
                    organisation.save_person(
                        Person(
                            id=member.person_id,
                            trust_id=trust_id,
                            name=member.name,
                            email=f"{member.person_id}@people.invalid",
                            roles=frozenset({Role(member.role)}),
                        )
                    )
            team = tuple(VisitReviewer(m.person_id, Role(m.role)) for m in info.team)
            if not team:
                continue
            earlier = visits.get_visit(info.visit_id)
            visit = Visit(
                id=info.visit_id,
                school_id=info.school_id,
                framework_id=info.framework_id,
                planned_start=date.fromisoformat(info.planned_start),
                planned_end=date.fromisoformat(info.planned_end),
                reviewers=team,
                status=earlier.status if earlier else VisitStatus.PLANNED,
                actual_start=earlier.actual_start if earlier else None,
                actual_end=earlier.actual_end if earlier else None,
                title=earlier.title if earlier else "",
                extra=dict(earlier.extra) if earlier else {},
            )
            if visit != earlier:
                visits.save_visit(visit)
        take_colleagues(session, handshake)
        take_meetings(session, handshake)
        reviews = ReviewRepository(session, record_ops=False)
        for summary in handshake.reviews:
            if summary.review_id in dropped.reviews:
                continue
            if reviews.get_review(summary.review_id) is not None:
                continue
            if visits.get_visit(summary.visit_id) is None:
                continue
            # No framework text yet: a review started on a laptop brings it with its first
            # record (pulled next); one started on the server is frozen by the first laptop of
            # the team to open it, which sends it to the others the same way
            # (review_session.framework_of).
            reviews.add_review(
                Review(
                    id=summary.review_id,
                    visit_id=summary.visit_id,
                    framework_id=summary.framework_id,
                    framework_version="",
                    framework_hash="",
                    state=ReviewState.SIGNED if summary.locked else ReviewState.DRAFT,
                ),
                "",
            )

    def missing_blobs(self, page: wire.ChangesPage) -> list[str]:
        wanted = {
            str(c.payload["sha256"])
            for c in page.changes
            if c.kind is wire.ChangeKind.APPEND
            and c.entity in (Entity.ATTACHMENT, Entity.SIGNED_REPORT)
            and isinstance(c.payload, dict)
            and isinstance(c.payload.get("sha256"), str)
        }
        if not wanted:
            return []
        with self._store.reading() as session:
            return sorted(sha for sha in wanted if not has_blob(session, sha))

    def store_blob(self, sha256: str, data: bytes) -> None:
        if sha256_hex(data) != sha256:
            from reviewer_app.sync.client import ServerUnreachableError

            raise ServerUnreachableError(
                f"A file downloaded from the trust server ({sha256[:12]}…) was damaged on the way.",
                hint="Sync again.",
            )

        def write() -> None:
            with self._store.writing() as session:
                put_blob(session, data)

        self._lane.call(write)

    def apply_page(self, review: wire.ReviewSummary, page: wire.ChangesPage) -> None:
        def write() -> None:
            with self._store.writing() as session:
                self.apply_changes(session, review.review_id, page)
                state = store_outbox.get_sync_state(session, review.review_id)
                store_outbox.save_sync_state(
                    session,
                    store_outbox.SyncState(
                        review_id=review.review_id,
                        pull_cursor=max(state.pull_cursor, page.next_cursor),
                        last_push_at=state.last_push_at,
                        last_pull_at=datetime.now().astimezone(),
                    ),
                )

        self._lane.call(write)
        self._publish(review.review_id, page)

    def _publish(self, review_id: str, page: wire.ChangesPage) -> None:
        """Tell the change feed what the page brought (after it is committed). A change seen
        before is told again: a notice only says what to read again."""
        collector = ChangeCollector(ChangeOrigin.PULLED)
        for change in page.changes:
            collector.add(
                review_id,
                change.entity,
                change.entity_id,
                field=change.field,
                author_id=change.author_id,
            )
        for changes in collector.collected():
            self._lane.changes.publish(changes)

    def apply_changes(self, session: Session, review_id: str, page: wire.ChangesPage) -> None:
        """Apply a page's changes in ``session`` (tests override this to crash half-way).

        The page is applied whole; when that fails on a record's fault, it is applied change by
        change, and a change that fails on its own is set aside (:mod:`.sync_quarantine`) so the
        rest applies and the cursor moves on.
        """
        cursor = store_outbox.get_sync_state(session, review_id).pull_cursor
        changes = [change for change in page.changes if change.server_seq > cursor]
        try:
            with session.begin_nested():
                ChangeApplier(session, review_id).apply_all(changes)
            return
        except RECORD_FAULTS:
            log.info("A page of review %s did not apply whole; applying it change by change",
                     review_id)  # fmt: skip
        for change in changes:
            try:
                with session.begin_nested():
                    ChangeApplier(session, review_id).apply(change)
            except RECORD_FAULTS as exc:
                set_aside(session, review_id, change, exc)
                self.set_aside_count += 1
