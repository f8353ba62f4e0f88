"""Schools' agreed categories between the local store and the trust server
(:class:`reviewer_app.sync.category_engine.CategoryPort` over the real store).

Agreeing a category queues it in the outbox with the *school* id where a review id usually
stands (``storage.outbox``); here those rows become :class:`~reviewer_app.sync.protocol.
CategoryOperation` messages, and the server's answers are stored on them like any other
operation's. Pulled categories are inserted once by id, with the school's cursor, in one write
transaction on the writer lane; the person who agreed one is added (by name) when this laptop
has never met them, so the school page can say who agreed it.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session, col, select

from reviewer_app.domain.frameworks.categorisation import Outcome
from reviewer_app.domain.organisation import Person, Phase, School
from reviewer_app.domain.record_kinds import Entity
from reviewer_app.domain.school_category import BasisOutcome, SchoolCategory
from reviewer_app.services.outbox_entity_push import OutboxEntityPush
from reviewer_app.services.writer_lane import WriterLane
from reviewer_app.storage.local_settings import CURRENT_TRUST, get_setting, set_setting
from reviewer_app.storage.organisation_repository import OrganisationRepository
from reviewer_app.storage.school_category_repository import SchoolCategoryRepository
from reviewer_app.storage.store import Store
from reviewer_app.storage.tables import LocalSettingRow, OutboxRow, SchoolCategoryRow, TrustRow
from reviewer_app.sync import protocol as wire

log = logging.getLogger(__name__)

#: ``local_setting`` key prefix of each school's category pull cursor.
CATEGORY_CURSOR_PREFIX = "sync.category_cursor."


def category_from_wire(record: wire.SchoolCategoryRecord) -> SchoolCategory:
    """The domain record of a pulled category."""
    return SchoolCategory(
        id=record.id,
        school_id=record.school_id,
        scheme_id=record.scheme_id,
        scheme_version=record.scheme_version,
        level_key=record.level_key,
        level_label=record.level_label,
        agreed_on=record.agreed_on,
        agreed_by=record.agreed_by,
        rationale=record.rationale,
        recorded_at=record.recorded_at,
        suggested_level_key=record.suggested_level_key,
        suggestion=record.suggestion,
        based_on=tuple(
            BasisOutcome(
                outcome=Outcome(
                    criterion_id=b.outcome.criterion_id,
                    level_key=b.outcome.level_key,
                    framework_id=b.outcome.framework_id,
                    label=b.outcome.label,
                    level_label=b.outcome.level_label,
                ),
                review_id=b.review_id,
                visit_date=b.visit_date,
            )
            for b in record.based_on
        ),
    )


def _operation(row: OutboxRow) -> wire.CategoryOperation:
    return wire.CategoryOperation(
        op_id=uuid.UUID(row.op_id),
        device_seq=row.device_seq,
        category=wire.SchoolCategoryRecord.model_validate(json.loads(row.payload)),
        device_time=datetime.fromisoformat(row.device_time),
    )


class StoreCategories:
    """Pending categories out, pulled categories in, over one store (writes on the lane)."""

    def __init__(self, store: Store, lane: WriterLane) -> None:
        self._store = store
        self._lane = lane
        self._push = OutboxEntityPush(store, lane, Entity.SCHOOL_CATEGORY, _operation, "category")

    # ---------------------------------------------------------------- push

    def pending_categories(self, after_device_seq: int, limit: int) -> list[wire.CategoryOperation]:
        return self._push.pending(after_device_seq, limit)

    def record_category_results(self, results: Sequence[wire.OpResult]) -> None:
        self._push.record_results(results)

    # ---------------------------------------------------------------- pull

    def category_cursors(self) -> dict[str, int]:
        with self._store.reading() as session:
            rows = session.exec(
                select(LocalSettingRow).where(
                    col(LocalSettingRow.key).startswith(CATEGORY_CURSOR_PREFIX)
                )
            ).all()
        return {r.key.removeprefix(CATEGORY_CURSOR_PREFIX): int(r.value) for r in rows}

    def apply_category_page(
        self, feed: wire.SchoolCategoryFeed, page: wire.SchoolCategoryPage
    ) -> None:
        def write() -> None:
            with self._store.writing() as session:
                self._apply(session, feed, page)
                key = f"{CATEGORY_CURSOR_PREFIX}{feed.school_id}"
                held = int(get_setting(session, key) or 0)
                set_setting(session, key, str(max(held, page.next_cursor)))

        self._lane.call(write)

    def _apply(
        self, session: Session, feed: wire.SchoolCategoryFeed, page: wire.SchoolCategoryPage
    ) -> None:
        organisation = OrganisationRepository(session)
        categories = SchoolCategoryRepository(session, record_ops=False)
        trust_id = get_setting(session, CURRENT_TRUST) or session.exec(select(TrustRow.id)).first()
        for change in page.changes:
            record = change.category
            if record.school_id != feed.school_id or record.agreed_by != change.author_id:
                log.info("Category %s of school %s skipped", change.server_seq, feed.school_id)
                continue
            if session.get(SchoolCategoryRow, record.id) is not None:
                continue  # already here: agreed on this laptop, or pulled before
            if trust_id is None:
                continue
            if organisation.get_school(record.school_id) is None:
                organisation.save_school(
                    School(
                        id=record.school_id,
                        trust_id=trust_id,
                        urn=feed.school_urn,
                        name=feed.school_name,
                        phase=Phase.PRIMARY,
                    )
                )
            if organisation.get_person(record.agreed_by) is None:
                organisation.save_person(
                    Person(
                        id=record.agreed_by,
                        trust_id=trust_id,
                        name=change.author_name or "Someone at the trust",
                        email=f"{record.agreed_by}@people.invalid",
                    )
                )
            categories.add(category_from_wire(record))
