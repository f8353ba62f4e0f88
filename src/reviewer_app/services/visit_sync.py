"""Visits planned on this laptop between the local store and the trust server
(:class:`reviewer_app.sync.visit_engine.VisitPort` over the real store).

Saving a new visit, or changing its school, framework, dates or team, queues it in the outbox
(entity ``visit``, with the *visit* id where a review id usually stands, like a school's
category); here those rows become :class:`~reviewer_app.sync.protocol.VisitOperation` messages,
and the server's answers are stored on them like any other operation's. A refused visit waits
in Needs attention with the server's reason; it is never sent again by itself, and its review
stays on this laptop (the review's own changes wait until the visit is accepted).

Visits made by an app that did not sync them yet are queued once, at the first sync after the
upgrade: every local visit the server did not list and that was never queued.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session, col, select

from reviewer_app.domain.record_kinds import Entity, OpKind
from reviewer_app.domain.visits import Visit
from reviewer_app.services.outbox_entity_push import OutboxEntityPush
from reviewer_app.services.writer_lane import WriterLane
from reviewer_app.storage import outbox as store_outbox
from reviewer_app.storage.local_settings import get_setting, set_setting
from reviewer_app.storage.store import Store
from reviewer_app.storage.tables import OutboxRow, VisitRow
from reviewer_app.storage.visit_repository import VisitRepository
from reviewer_app.sync import protocol as wire

log = logging.getLogger(__name__)

_ENTITY = Entity.VISIT.value
_REJECTED = store_outbox.OpState.REJECTED.value
_ACKED = store_outbox.OpState.ACKED.value
#: Set once the visits made before visits synced have been queued (the first sync after it).
VISITS_QUEUED = "sync.local_visits_queued"


def visit_payload(visit: Visit) -> dict[str, object]:
    """What travels of a visit: its school, framework, planned dates and team (with the lead)."""
    return {
        "id": visit.id,
        "school_id": visit.school_id,
        "framework_id": visit.framework_id,
        "planned_start": visit.planned_start.isoformat(),
        "planned_end": visit.planned_end.isoformat(),
        "team": [{"person_id": r.person_id, "role": r.role.value} for r in visit.reviewers],
    }


def queue_visit(session: Session, visit: Visit, earlier: Visit | None, when: datetime) -> None:
    """Queue a new visit, or a change to what travels of one, in the caller's transaction."""
    payload = visit_payload(visit)
    if earlier is not None and visit_payload(earlier) == payload:
        return  # its status or title changed: nothing the trust plans with
    store_outbox.record_op(
        session,
        review_id=visit.id,
        entity=Entity.VISIT,
        entity_id=visit.id,
        kind=OpKind.APPEND if earlier is None else OpKind.SET,
        payload=payload,
        device_time=when,
    )


def _operation(row: OutboxRow) -> wire.VisitOperation:
    return wire.VisitOperation(
        op_id=uuid.UUID(row.op_id),
        device_seq=row.device_seq,
        visit=wire.VisitRecord.model_validate(json.loads(row.payload)),
        device_time=datetime.fromisoformat(row.device_time),
    )


def refused_visits(session: Session) -> set[str]:
    """Visits whose sending the server refused and that it never accepted in any form."""
    rejected = set(
        session.exec(
            select(OutboxRow.entity_id).where(
                OutboxRow.entity == _ENTITY, OutboxRow.state == _REJECTED
            )
        ).all()
    )
    if not rejected:
        return set()
    acked = set(
        session.exec(
            select(OutboxRow.entity_id).where(
                OutboxRow.entity == _ENTITY,
                OutboxRow.state == _ACKED,
                col(OutboxRow.entity_id).in_(sorted(rejected)),
            )
        ).all()
    )
    return rejected - acked


class StoreVisits:
    """Pending visits out, the server's answers in, over one store (writes on the lane)."""

    def __init__(self, store: Store, lane: WriterLane) -> None:
        self._store = store
        self._lane = lane
        self._push = OutboxEntityPush(
            store,
            lane,
            Entity.VISIT,
            _operation,
            "visit",
            "; open it, correct it and save it again",
        )

    def queue_unsynced(self, server_visit_ids: set[str]) -> int:
        """Once per store: queue every local visit the server does not list and that was never
        queued (made before visits synced). Returns how many were queued."""
        with self._store.reading() as session:
            if get_setting(session, VISITS_QUEUED):
                return 0

        def write() -> int:
            with self._store.writing() as session:
                queued = set(
                    session.exec(select(OutboxRow.entity_id).where(OutboxRow.entity == _ENTITY))
                )
                visits = VisitRepository(session)
                now = datetime.now().astimezone()
                count = 0
                for visit_id in session.exec(select(VisitRow.id).order_by(col(VisitRow.id))):
                    if visit_id in server_visit_ids or visit_id in queued:
                        continue
                    visit = visits.get_visit(visit_id)
                    if visit is not None:
                        queue_visit(session, visit, None, now)
                        count += 1
                set_setting(session, VISITS_QUEUED, now.isoformat())
                return count

        count = self._lane.call(write)
        if count:
            log.info("%d visit(s) made on this laptop before visits synced are queued", count)
        return count

    def pending_visits(self, after_device_seq: int, limit: int) -> list[wire.VisitOperation]:
        return self._push.pending(after_device_seq, limit)

    def record_visit_results(self, results: Sequence[wire.OpResult]) -> None:
        self._push.record_results(results)

    def held_back(self, server_visit_ids: set[str]) -> frozenset[str]:
        """Visits the server refused and does not hold: their reviews' changes wait here."""
        with self._store.reading() as session:
            return frozenset(refused_visits(session) - server_visit_ids)
