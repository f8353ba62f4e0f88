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

from pydantic import ValidationError as WireValidationError
from sqlmodel import Session, col, select, update

from reviewer_app.domain.canonical import to_json_value
from reviewer_app.domain.frameworks.categorisation import Outcome
from reviewer_app.domain.organisation import Person, Phase, School
from reviewer_app.domain.record_kinds import Entity
from reviewer_app.domain.school_category import BasisOutcome, SchoolCategory
from reviewer_app.services.sync_outbox import apply_result
from reviewer_app.services.writer_lane import WriterLane
from reviewer_app.storage import outbox as store_outbox
from reviewer_app.storage.local_settings import CURRENT_TRUST, get_setting, set_setting
from reviewer_app.storage.organisation_repository import OrganisationRepository
from reviewer_app.storage.school_category_repository import SchoolCategoryRepository
from reviewer_app.storage.store import Store
from reviewer_app.storage.tables import LocalSettingRow, OutboxRow, SchoolCategoryRow, TrustRow
from reviewer_app.sync import protocol as wire

log = logging.getLogger(__name__)

#: ``local_setting`` key prefix of each school's category pull cursor.
CATEGORY_CURSOR_PREFIX = "sync.category_cursor."
_ENTITY = Entity.SCHOOL_CATEGORY.value
_PENDING = store_outbox.OpState.PENDING.value


def category_to_wire(category: SchoolCategory) -> wire.SchoolCategoryRecord:
    """The wire form of an agreed category (the same fields as its outbox payload)."""
    return wire.SchoolCategoryRecord.model_validate(to_json_value(category))


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

    # ---------------------------------------------------------------- push

    def pending_categories(self, after_device_seq: int, limit: int) -> list[wire.CategoryOperation]:
        with self._store.reading() as session:
            rows = session.exec(
                select(OutboxRow)
                .where(
                    OutboxRow.state == _PENDING,
                    OutboxRow.entity == _ENTITY,
                    OutboxRow.device_seq > after_device_seq,
                )
                .order_by(col(OutboxRow.device_seq))
                .limit(limit)
            ).all()
        found: list[wire.CategoryOperation] = []
        unsendable: list[tuple[str, str]] = []
        for row in rows:
            try:
                found.append(_operation(row))
            except (WireValidationError, ValueError) as exc:
                # The server would refuse it too: set it aside for a person, never block the queue.
                # Only where and what (never the text itself: it is review content).
                problem = _first_problem(exc)
                log.warning("Category %s cannot be sent: %s", row.entity_id, problem)
                unsendable.append((row.op_id, problem))
        if unsendable:

            def write() -> None:
                with self._store.writing() as session:
                    for op_id, problem in unsendable:
                        store_outbox.mark_rejected(
                            session,
                            op_id,
                            f"{wire.RejectReason.INVALID_PAYLOAD.value}: this category cannot be "
                            f"sent to the trust server ({problem}).",
                        )

            self._lane.call(write)
        return found

    def record_category_results(self, results: Sequence[wire.OpResult]) -> None:
        # Acceptances (nearly every answer) are one UPDATE; refusals one by one.
        accepted = [str(r.op_id) for r in results if r.status is wire.ResultStatus.ACCEPTED]
        others = [r for r in results if r.status is not wire.ResultStatus.ACCEPTED]

        def write() -> None:
            with self._store.writing() as session:
                if accepted:
                    session.exec(
                        update(OutboxRow)
                        .where(col(OutboxRow.op_id).in_(accepted), col(OutboxRow.entity) == _ENTITY)
                        .values(state=store_outbox.OpState.ACKED.value, last_error=None)
                    )
                for result in others:
                    apply_result(session, result)

        self._lane.call(write)

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


def _first_problem(exc: Exception) -> str:
    if isinstance(exc, WireValidationError) and exc.errors():
        error = exc.errors()[0]
        where = ".".join(str(p) for p in error.get("loc", ())) or "the record"
        return f"{where} {str(error.get('msg', 'is not valid')).lower()}"
    return str(exc)
