"""The wire protocol: canonical JSON, operation fingerprints, and what a message may contain."""

from __future__ import annotations

import hashlib
import math
import uuid
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from pydantic import ValidationError

from reviewer_app.domain.canonical import canonical_json
from reviewer_app.domain.record_kinds import Entity, OpKind
from reviewer_app.sync.protocol import (
    CANONICAL_PAYLOAD,
    KIND_ENTITIES,
    MAX_BATCH,
    MAX_PAYLOAD_BYTES,
    Change,
    EnrolRequest,
    Operation,
    OpResult,
    PushRequest,
    ResultStatus,
    payload_sha256,
)

REVIEW = "01a2078d-8b1f-73f5-8db4-c763defb570c"


def _op(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "op_id": str(uuid.uuid4()),
        "device_seq": 1,
        "review_id": REVIEW,
        "entity": "evidence_note",
        "entity_id": "note-1",
        "kind": "append",
        "payload": {"text": "Year 4 explained fractions", "tags": {"year": "4"}},
        "device_time": "2026-03-02T10:15:00+00:00",
    }
    base.update(changes)
    return base


def test_canonical_json_is_sorted_compact_utf8() -> None:
    assert (
        canonical_json({"b": 1, "a": [True, None, "é"]}) == '{"a":[true,null,"é"],"b":1}'.encode()
    )
    assert canonical_json({"a": 1, "b": 2}) == canonical_json({"b": 2, "a": 1})
    with pytest.raises(ValueError):
        canonical_json({"x": math.nan})


def test_payload_hash_ignores_key_order_only() -> None:
    assert payload_sha256({"a": 1, "b": [1, 2]}) == payload_sha256({"b": [1, 2], "a": 1})
    assert payload_sha256({"a": 1, "b": [1, 2]}) != payload_sha256({"a": 1, "b": [2, 1]})
    assert len(payload_sha256("x")) == 64


def test_digest_is_the_same_for_the_same_operation_however_written() -> None:
    raw = _op()
    same_instant = {**raw, "device_time": "2026-03-02T11:15:00+01:00"}
    reordered_payload = {**raw, "payload": {"tags": {"year": "4"}, "text": raw["payload"]["text"]}}
    digest = Operation.model_validate(raw).digest()
    assert Operation.model_validate(reordered_payload).digest() == digest
    assert Operation.model_validate(same_instant).digest() == digest
    later = {**raw, "device_time": "2026-03-02T10:15:01+00:00"}
    assert Operation.model_validate(later).digest() != digest
    changed = {**raw, "payload": {"text": "something else"}}
    assert Operation.model_validate(changed).digest() != digest


def test_device_time_is_kept_in_utc() -> None:
    # A time without a zone is display-only data: taken as UTC rather than blocking the queue.
    naive = Operation.model_validate(_op(device_time="2026-03-02T10:15:00"))
    assert naive.device_time == datetime(2026, 3, 2, 10, 15, tzinfo=UTC)
    aware = Operation.model_validate(_op(device_time=datetime(2026, 3, 2, tzinfo=UTC)))
    assert aware.device_time.utcoffset() == timedelta(0)
    other_zone = datetime(2026, 3, 2, 1, tzinfo=timezone(timedelta(hours=1)))
    assert Operation.model_validate(_op(device_time=other_zone)).device_time == aware.device_time


@pytest.mark.parametrize(
    "changes",
    [
        {"unknown": 1},
        {"device_seq": 0},
        {"device_seq": "one"},
        {"op_id": "123"},
        {"entity": "school"},
        {"kind": "update"},
        {"entity_id": ""},
        {"entity_id": "has space"},
        {"entity_id": "x" * 129},
        {"review_id": "../other"},
        {"payload": {"text": "a" * MAX_PAYLOAD_BYTES}},
        {"payload": {"text": "nul \x00 inside"}},
        {"payload": {"k\x00": 1}},
        {"payload": {"x": math.inf}},
        {"kind": "set", "entity": "evidence_note"},
        {"kind": "set", "entity": "field_value", "payload": {"value": 1}, "base_version": 0},
        {
            "kind": "set",
            "entity": "field_value",
            "field": "value",
            "payload": {"v": 1},
            "base_version": 0,
        },
        {"kind": "set", "entity": "field_value", "field": "value", "payload": {"value": 1}},
        {
            "kind": "resolve",
            "entity": "field_value",
            "field": "value",
            "payload": {"value": 1},
            "base_version": 1,
        },
        {"kind": "submit", "entity": "review", "entity_id": "someone-else", "payload": {}},
        {"kind": "retract", "entity": "signed_report"},
        {"kind": "append", "entity": "field_value"},
        {"base_version": -1},
        {"kind": "set", "entity": "review", "entity_id": REVIEW, "payload": {"state": "draft"}},
        {
            "kind": "set",
            "entity": "review",
            "entity_id": REVIEW,
            "field": "state",
            "payload": {"phase": "draft"},
        },
        {
            "kind": "set",
            "entity": "review",
            "entity_id": "other",
            "field": "state",
            "payload": {"state": "draft"},
        },
        {"kind": "append", "entity": "review", "entity_id": REVIEW, "payload": {"review": {}}},
        {
            "kind": "set",
            "entity": "field_value",
            "field": "",
            "payload": {"value": 1},
            "base_version": 0,
        },
        {
            "kind": "set",
            "entity": "field_value",
            "field": "f" * 201,
            "payload": {"value": 1},
            "base_version": 0,
        },
    ],
)
def test_invalid_operations_are_refused(changes: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        Operation.model_validate(_op(**changes))


def test_valid_operations_of_every_kind() -> None:
    set_op = Operation.model_validate(
        _op(
            kind="set",
            entity="field_value",
            field="value",
            payload={"value": {"rich": ["text"]}},
            base_version=0,
        )
    )
    assert set_op.kind is OpKind.SET
    chained = Operation.model_validate(
        _op(
            kind="set",
            entity="field_value",
            field="value",
            payload={"value": "x"},
            parent_op_id=str(uuid.uuid4()),
        )
    )
    assert chained.base_version is None
    resolve = Operation.model_validate(
        _op(
            kind="resolve",
            entity="field_value",
            field="value",
            payload={"conflict_id": "c1", "value": None},
            base_version=3,
        )
    )
    assert resolve.payload == {"conflict_id": "c1", "value": None}
    submit = Operation.model_validate(
        _op(kind="submit", entity="review", entity_id=REVIEW, payload={})
    )
    assert submit.entity is Entity.REVIEW
    with pytest.raises(ValidationError):
        submit.device_seq = 5  # type: ignore[misc]  # messages are immutable


def test_operations_shaped_like_the_laptop_outbox() -> None:
    started = Operation.model_validate(
        _op(
            entity="review",
            entity_id=REVIEW,
            payload={"review": {"visit_id": "v1"}, "framework_snapshot": "x" * 200_000},
        )
    )
    assert started.kind is OpKind.APPEND
    state = Operation.model_validate(
        _op(
            kind="set", entity="review", entity_id=REVIEW, field="state", payload={"state": "draft"}
        )
    )
    assert state.base_version is None
    field = Operation.model_validate(
        _op(
            kind="set",
            entity="field_value",
            entity_id=REVIEW,
            field="quality_of_education.strengths",
            base_version=0,
            payload={"value": "Phonics", "version": 1, "author_id": "p1"},
        )
    )
    assert field.field == "quality_of_education.strengths"
    submit = Operation.model_validate(
        _op(
            kind="submit",
            entity="review",
            entity_id=REVIEW,
            field="state",
            payload={"state": "ready_for_sign_off"},
        )
    )
    assert submit.kind is OpKind.SUBMIT


def test_every_kind_names_its_entities() -> None:
    assert set(KIND_ENTITIES) == set(OpKind)
    assert Entity.SIGNED_REPORT not in KIND_ENTITIES[OpKind.RETRACT]
    assert KIND_ENTITIES[OpKind.SET] == {Entity.FIELD_VALUE, Entity.REVIEW}


def test_push_request_order_and_bounds() -> None:
    ops = [_op(device_seq=i + 1) for i in range(3)]
    assert (
        len(PushRequest.model_validate({"protocol_version": 1, "operations": ops}).operations) == 3
    )
    with pytest.raises(ValidationError, match="increasing device_seq"):
        PushRequest.model_validate({"protocol_version": 1, "operations": ops[::-1]})
    twice = [ops[0], {**ops[0], "device_seq": 9}]
    with pytest.raises(ValidationError, match="appears twice"):
        PushRequest.model_validate({"protocol_version": 1, "operations": twice})
    mixed = [ops[0], {**ops[1], "review_id": "another-review"}]
    with pytest.raises(ValidationError, match="same review"):
        PushRequest.model_validate({"protocol_version": 1, "operations": mixed})
    with pytest.raises(ValidationError):
        PushRequest.model_validate({"protocol_version": 1, "operations": []})
    too_many = [_op(device_seq=i + 1) for i in range(MAX_BATCH + 1)]
    with pytest.raises(ValidationError):
        PushRequest.model_validate({"protocol_version": 1, "operations": too_many})


def test_results_and_changes_round_trip_as_json() -> None:
    result = OpResult(op_id=uuid.uuid4(), status=ResultStatus.ACCEPTED, server_seq=4, version=2)
    assert OpResult.model_validate_json(result.model_dump_json()) == result
    change = Change.model_validate(
        {
            "server_seq": 1,
            "kind": "conflict",
            "entity": "field_value",
            "entity_id": "f",
            "field": "value",
            "op_id": str(uuid.uuid4()),
            "author_id": "p",
            "device_id": "d",
            "device_time": "2026-03-02T10:15:00Z",
            "payload": {"id": "c"},
            "conflict_id": "c",
        }
    )
    assert Change.model_validate_json(change.model_dump_json()) == change


def test_enrol_request_refuses_control_characters_and_extras() -> None:
    good = {
        "code": "ABCD-EFGH-JKMN-PQRS",
        "device_name": "Laptop",
        "protocol_version": 1,
        "client_schema_version": 1,
    }
    assert EnrolRequest.model_validate(good).device_name == "Laptop"
    for bad in ({"device_name": "a\x07b"}, {"code": "short"}, {"extra": 1}, {"device_name": ""}):
        with pytest.raises(ValidationError):
            EnrolRequest.model_validate({**good, **bad})


@pytest.mark.parametrize(
    "payload",
    [
        {"text": "Year 4", "tags": {"year": "4"}, "n": [1.5, -0.0, 10**30, None, True]},
        {"é": "ü\u2028", "z": {"b": "a backslash then u0000: \\u0000"}},
        {},
        "just a string",
        [1, 2, 3],
    ],
)
def test_digest_with_known_payload_json_is_the_digest_of_the_whole_operation(
    payload: Any,
) -> None:
    for raw in (_op(payload=payload), _op(payload=payload, device_time="2026-03-02T10:15:00")):
        op = Operation.model_validate(raw)
        whole = hashlib.sha256(canonical_json(op.model_dump(mode="json"))).hexdigest()
        assert op.digest() == whole
        assert op.digest(canonical_json(op.payload)) == whole
    field_set = Operation.model_validate(
        _op(
            entity="field_value", entity_id=REVIEW, field="leadership.strengths", kind="set",
            payload={"value": "Clear vision"}, parent_op_id=str(uuid.uuid4()), base_version=None,
        )
    )  # fmt: skip
    whole = hashlib.sha256(canonical_json(field_set.model_dump(mode="json"))).hexdigest()
    assert field_set.digest() == whole


def test_nul_is_refused_wherever_it_hides_but_its_spelling_in_text_is_not() -> None:
    for payload in ({"text": "a\x00b"}, {"a\x00": 1}, ["\x00"], {"x": [{"y": "\x00"}]}):
        with pytest.raises(ValidationError, match="NUL"):
            Operation.model_validate(_op(payload=payload))
    typed = Operation.model_validate(_op(payload={"text": "C:\\u0000 is typed, not a NUL"}))
    assert typed.payload == {"text": "C:\\u0000 is typed, not a NUL"}


def test_a_caller_that_knows_the_payload_json_skips_encoding_it_but_not_the_checks() -> None:
    payload = {"text": "Year 4"}
    known = {CANONICAL_PAYLOAD: canonical_json(payload)}
    raw = _op(payload=payload)
    assert (
        Operation.model_validate(raw, context=known).digest()
        == Operation.model_validate(raw).digest()
    )
    too_big = {CANONICAL_PAYLOAD: b"x" * (MAX_PAYLOAD_BYTES + 1)}
    with pytest.raises(ValidationError, match="limit"):
        Operation.model_validate(_op(payload=payload), context=too_big)
    with pytest.raises(ValidationError, match="NUL"):
        Operation.model_validate(
            _op(payload={"t": "\x00"}), context={CANONICAL_PAYLOAD: canonical_json({"t": "\x00"})}
        )


@pytest.mark.parametrize(
    "payload", [{"when": datetime(2026, 3, 2, tzinfo=UTC)}, {1: "one"}, ("a", "b"), {"s": {1, 2}}]
)
def test_a_payload_built_in_python_must_be_plain_json(payload: Any) -> None:
    with pytest.raises(ValidationError, match="payload must be plain JSON"):
        Operation.model_validate({**_op(), "payload": payload})


def test_a_payload_parsed_from_a_body_is_checked_for_size_and_nul_as_before() -> None:
    body = PushRequest(protocol_version=1, operations=[Operation.model_validate(_op())])
    raw = body.model_dump_json()
    assert PushRequest.model_validate_json(raw).operations[0].payload == _op()["payload"]
    with pytest.raises(ValidationError, match="NUL"):
        PushRequest.model_validate_json(raw.replace("Year 4", "Year\\u0000 4", 1))


def test_a_payload_with_half_a_surrogate_pair_is_refused_as_such() -> None:
    with pytest.raises(ValidationError, match="valid Unicode"):
        Operation.model_validate({**_op(), "payload": {"text": "broken \ud800 paste"}})
    body = PushRequest(protocol_version=1, operations=[Operation.model_validate(_op())])
    raw = body.model_dump_json().replace("Year 4", "Year \\ud800 4", 1)
    with pytest.raises(ValidationError):
        PushRequest.model_validate_json(raw)
