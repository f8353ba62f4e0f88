"""The demo trust's history on the server: what its laptops would have synced over a year and a
half, so the console's oversight pages (issue 17) show something real.

Every visit of the demo schools marked signed (and Riverside's learning walk waiting for its
signatures) has the complete review the desktop demo writes (:mod:`reviewer_app.demo.reviews`:
every criterion judged, every required answer given, evidence notes, next steps and the
follow-up of the school's earlier actions), written here in the shapes a push stores: records
and the change log, numbered per review, the shared answers' current values and the review's
state changes. So a laptop enrolled on the demo server pulls the same history, and the demo's
signed reports (:mod:`.demo_reports`) are built from it. The schools' tiers
(``trust_data.DEMO_TIERS``) are agreed categories on the server too.

Written straight into the sync tables (in bulk: the server answers its first request only
after this), as if pushed from a laptop the demo never had (device :data:`DEMO_DEVICE`). The
signed reports are not: they arrive later through the push's own checks.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlmodel import Session

from reviewer_app.demo.reviews import write_school_reviews
from reviewer_app.demo.trust_data import DEMO_SUGGESTED, DEMO_TIERS
from reviewer_app.domain.canonical import canonical_json, sha256_hex, to_json_value
from reviewer_app.domain.frameworks import FrameworkLibrary
from reviewer_app.domain.ids import new_id
from reviewer_app.domain.organisation import Person, School
from reviewer_app.domain.record_kinds import REVIEW_STATE_FIELD, Entity, OpKind
from reviewer_app.domain.review import (
    Action,
    ActionFollowUp,
    EvidenceNote,
    JSONValue,
    Judgement,
    Review,
    ReviewState,
)
from reviewer_app.domain.visits import Visit
from reviewer_app.server import models
from reviewer_app.server.database import EncodedJSON, insert_rows
from reviewer_app.sync.protocol import payload_sha256

#: The four-tier scheme the demo trust uses.
DEMO_SCHEME = "school-improvement-tiers"
#: A device id for the change log: the demo's history came from no real laptop.
DEMO_DEVICE = "demo-history"


class _SyncTablesSink:
    """Review records as a push stores them (a :class:`~reviewer_app.demo.reviews.ReviewSink`),
    kept as rows and inserted in bulk by :meth:`write`."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.reviews: dict[str, models.Review] = {}
        self.changes: list[dict[str, Any]] = []
        self.records: list[dict[str, Any]] = []
        self.fields: dict[tuple[str, str], dict[str, Any]] = {}

    def _log(
        self,
        review_id: str,
        kind: OpKind,
        entity: Entity,
        entity_id: str,
        author_id: str,
        at: datetime,
        payload: Any,
        *,
        field: str | None = None,
        version: int | None = None,
    ) -> tuple[int, str, bytes]:
        review = self.reviews[review_id]
        review.last_seq += 1
        op_id = str(uuid.uuid4())
        encoded = canonical_json(to_json_value(payload))
        self.changes.append(
            {
                "review_id": review_id,
                "server_seq": review.last_seq,
                "kind": kind.value,
                "entity": entity.value,
                "entity_id": entity_id,
                "field": field,
                "version": version,
                "op_id": op_id,
                "author_id": author_id,
                "device_id": DEMO_DEVICE,
                "device_time": at,
                "conflict_id": None,
                "payload": EncodedJSON(encoded.decode("utf-8")),
            }
        )
        return review.last_seq, op_id, encoded

    def _append(
        self, review_id: str, entity: Entity, entity_id: str, author_id: str, at: datetime,
        payload: Any,
    ) -> None:  # fmt: skip
        seq, op_id, encoded = self._log(
            review_id, OpKind.APPEND, entity, entity_id, author_id, at, payload
        )
        self.records.append(
            {
                "review_id": review_id,
                "entity": entity.value,
                "entity_id": entity_id,
                "author_id": author_id,
                "op_id": op_id,
                "payload_sha256": sha256_hex(encoded),
                "payload": EncodedJSON(encoded.decode("utf-8")),
                "blob_sha256": None,
                "retracted": False,
                "server_seq": seq,
            }
        )

    def start(self, review: Review, framework_snapshot: str, author_id: str) -> None:
        self.reviews[review.id] = models.Review(
            id=review.id,
            visit_id=review.visit_id,
            framework_id=review.framework_id,
            framework_version=review.framework_version,
            framework_hash=review.framework_hash,
            created_by=author_id,
        )
        at = review.created_at or datetime.now(UTC)
        payload = {"review": review, "framework_snapshot": framework_snapshot}
        self._append(review.id, Entity.REVIEW, review.id, author_id, at, payload)

    def set_field(
        self, review_id: str, field_id: str, value: JSONValue, author_id: str, at: datetime
    ) -> None:
        held = self.fields.get((review_id, field_id))
        version = 1 if held is None else held["version"] + 1
        payload = {
            "value": value,
            "version": version,
            "author_id": author_id,
            "updated_at": at.isoformat(),
        }
        _seq, op_id, _encoded = self._log(
            review_id, OpKind.SET, Entity.FIELD_VALUE, review_id, author_id, at, payload,
            field=field_id, version=version,
        )  # fmt: skip
        self.fields[(review_id, field_id)] = {
            "review_id": review_id,
            "entity": Entity.FIELD_VALUE.value,
            "entity_id": review_id,
            "field": field_id,
            "value": value,
            "version": version,
            "author_id": author_id,
            "device_id": DEMO_DEVICE,
            "device_time": at,
            "op_id": op_id,
        }

    def judgement(self, judgement: Judgement) -> None:
        self._append(
            judgement.review_id, Entity.JUDGEMENT, judgement.id, judgement.author_id,
            judgement.created_at, judgement,
        )  # fmt: skip

    def note(self, note: EvidenceNote) -> None:
        self._append(
            note.review_id, Entity.EVIDENCE_NOTE, note.id, note.author_id, note.captured_at, note
        )

    def action(self, action: Action) -> None:
        self._append(
            action.review_id, Entity.ACTION, action.id, action.created_by, action.created_at,
            action,
        )  # fmt: skip

    def follow_up(self, follow_up: ActionFollowUp) -> None:
        self._append(
            follow_up.review_id, Entity.ACTION_FOLLOW_UP, follow_up.id, follow_up.author_id,
            follow_up.recorded_at, follow_up,
        )  # fmt: skip

    def set_state(self, review_id: str, state: ReviewState, author_id: str, at: datetime) -> None:
        # Ready for sign-off and signed travel as ``submit`` (as the laptop's sync engine sends).
        self._log(
            review_id, OpKind.SUBMIT, Entity.REVIEW, review_id, author_id, at,
            {"state": state.value}, field=REVIEW_STATE_FIELD,
        )  # fmt: skip

    def write(self) -> None:
        self.session.add_all(self.reviews.values())
        self.session.flush()
        connection = self.session.connection()
        insert_rows(connection, models.ChangeLog.__table__, self.changes)  # type: ignore[attr-defined]
        insert_rows(connection, models.Record.__table__, self.records)  # type: ignore[attr-defined]
        insert_rows(connection, models.FieldState.__table__, list(self.fields.values()))  # type: ignore[attr-defined]


def seed_demo_history(
    session: Session,
    library: FrameworkLibrary,
    schools: dict[str, School],
    people: dict[str, Person],
    visits: Iterable[Visit],
    today: date,
) -> int:
    """Write the demo's reviews and categories; returns how many reviews were written."""
    by_school: dict[str, list[Visit]] = {}
    for visit in visits:
        by_school.setdefault(visit.school_id, []).append(visit)
    sink = _SyncTablesSink(session)
    written = 0
    for school in schools.values():
        written += write_school_reviews(sink, library, school, by_school.get(school.id, []), today)
        _write_categories(session, library, school, people, today)
    sink.write()
    return written


def _write_categories(
    session: Session,
    library: FrameworkLibrary,
    school: School,
    people: dict[str, Person],
    today: date,
) -> None:
    scheme = library.scheme(DEMO_SCHEME)
    by_email = {p.email.split("@")[0]: p for p in people.values()}
    for seq, (days_ago, tier, who, rationale) in enumerate(DEMO_TIERS.get(school.urn, ()), 1):
        level = scheme.level(tier or DEMO_SUGGESTED)
        agreed_on = today - timedelta(days=days_ago)
        person = by_email[who]
        category_id = new_id()
        payload: dict[str, Any] = {
            "id": category_id,
            "school_id": school.id,
            "scheme_id": scheme.id,
            "scheme_version": scheme.version,
            "level_key": level.key,
            "level_label": level.label,
            "agreed_on": agreed_on.isoformat(),
            "agreed_by": person.id,
            "rationale": rationale,
            "recorded_at": datetime.combine(agreed_on, time(16, 30), tzinfo=UTC).isoformat(),
            "suggested_level_key": level.key if tier is None else None,
            "suggestion": "",
            "based_on": [],
        }
        session.add(
            models.SchoolCategory(
                school_id=school.id,
                server_seq=seq,
                id=category_id,
                op_id=str(uuid.uuid4()),
                author_id=person.id,
                device_id=DEMO_DEVICE,
                payload_sha256=payload_sha256(payload),
                payload=payload,
                stored_at=datetime.combine(agreed_on, time(16, 30), tzinfo=UTC),
            )
        )
