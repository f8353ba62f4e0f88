"""The school-category messages: the laptop's record fits them exactly, one operation has one
fingerprint however its times are written, and what they may contain is bounded."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
from pydantic import ValidationError

from reviewer_app.domain.canonical import to_json_value
from reviewer_app.domain.frameworks.categorisation import Outcome
from reviewer_app.domain.school_category import BasisOutcome, SchoolCategory
from reviewer_app.services.category_sync import category_from_wire
from reviewer_app.sync.protocol import (
    MAX_BATCH,
    MAX_CATEGORY_BASIS,
    MAX_CATEGORY_TEXT,
    CategoryOperation,
    CategoryPushRequest,
    HandshakeResponse,
    SchoolCategoryRecord,
)

PARIS = timezone(timedelta(hours=1))


def _category(**changes: Any) -> SchoolCategory:
    base: dict[str, Any] = {
        "id": "01a2078d-8b1f-73f5-8db4-c763defb570c",
        "school_id": "school-1",
        "scheme_id": "oldham-support-levels",
        "scheme_version": "1",
        "level_key": "amber",
        "level_label": "Amber: targeted support",
        "agreed_on": date(2026, 3, 4),
        "agreed_by": "person-1",
        "rationale": "Reading needs targeted support",
        "recorded_at": datetime(2026, 3, 4, 10, 30, tzinfo=PARIS),
        "suggested_level_key": "amber",
        "suggestion": "Amber: reading requires improvement",
        "based_on": (
            BasisOutcome(
                outcome=Outcome(
                    criterion_id="reading", level_key="ri", framework_id="ipv",
                    label="Reading", level_label="Requires improvement",
                ),
                review_id="review-1",
                visit_date=date(2026, 2, 10),
            ),
        ),
    }  # fmt: skip
    base.update(changes)
    return SchoolCategory(**base)


def _record(**changes: Any) -> dict[str, Any]:
    record: dict[str, Any] = to_json_value(_category())  # type: ignore[assignment]
    record.update(changes)
    return record


def _operation(record: dict[str, Any] | None = None, **changes: Any) -> dict[str, Any]:
    op: dict[str, Any] = {
        "op_id": str(uuid.uuid4()),
        "device_seq": 1,
        "category": record or _record(),
        "device_time": "2026-03-04T10:30:00+01:00",
    }
    op.update(changes)
    return op


def test_the_laptops_record_round_trips_through_the_wire() -> None:
    category = _category()
    # What the outbox stores of it (storage.outbox.record_op) is what is sent.
    record = SchoolCategoryRecord.model_validate(to_json_value(category))
    assert record.recorded_at.utcoffset() == timedelta(0)
    again = SchoolCategoryRecord.model_validate_json(record.model_dump_json())
    assert category_from_wire(again) == category


def test_one_operation_has_one_digest_however_its_times_are_written() -> None:
    op = _operation()
    same = dict(
        op,
        device_time="2026-03-04T09:30:00Z",
        category=_record(recorded_at="2026-03-04T09:30:00+00:00"),
    )
    assert (
        CategoryOperation.model_validate(op).digest()
        == CategoryOperation.model_validate(same).digest()
    )
    other = dict(op, category=_record(level_key="red"))
    assert (
        CategoryOperation.model_validate(op).digest()
        != CategoryOperation.model_validate(other).digest()
    )
    naive = CategoryOperation.model_validate(dict(op, device_time="2026-03-04T09:30:00"))
    assert naive.device_time == datetime(2026, 3, 4, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    "changes",
    [
        {"colour": "red"},
        {"rationale": ""},
        {"rationale": " \n "},
        {"rationale": "x" * (MAX_CATEGORY_TEXT + 1)},
        {"suggestion": "bell\x07"},
        {"school_id": "../etc"},
        {"agreed_on": "next week"},
        {"level_key": ""},
        {"based_on": [{"outcome": {"criterion_id": "c", "level_key": "l"}, "extra": 1}]},
        {"based_on": [{"outcome": {"criterion_id": "c"}}]},
        {
            "based_on": [{"outcome": {"criterion_id": "c", "level_key": "l"}}]
            * (MAX_CATEGORY_BASIS + 1)
        },
    ],
    ids=[
        "unknown-field",
        "empty-rationale",
        "blank-rationale",
        "oversized-rationale",
        "control-character",
        "bad-id",
        "bad-date",
        "empty-level",
        "unknown-basis-field",
        "basis-without-level",
        "too-many-outcomes",
    ],
)
def test_invalid_records_are_refused(changes: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        SchoolCategoryRecord.model_validate(_record(**changes))


def test_push_requests_are_bounded_and_in_device_order() -> None:
    def request(ops: list[dict[str, Any]]) -> dict[str, Any]:
        return {"protocol_version": 1, "operations": ops}

    first, second = _operation(device_seq=1), _operation(device_seq=2)
    assert len(CategoryPushRequest.model_validate(request([first, second])).operations) == 2
    for ops in (
        [],
        [second, first],
        [first, dict(second, op_id=first["op_id"])],
        [_operation(device_seq=i + 1) for i in range(MAX_BATCH + 1)],
    ):
        with pytest.raises(ValidationError):
            CategoryPushRequest.model_validate(request(ops))


def test_a_handshake_without_categories_still_reads() -> None:
    body = {
        "protocol_version": 1,
        "server_time": "2026-03-04T09:30:00Z",
        "device_id": "device-1",
        "person": {"id": "p", "trust_id": "t", "name": "Lee", "email": "l@x.example", "roles": []},
        "visits": [],
        "reviews": [],
    }
    assert HandshakeResponse.model_validate(body).school_categories == []
