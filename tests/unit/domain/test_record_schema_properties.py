"""Property: no malformed record of any kind passes the shared schema, and each refusal is a
sentence naming the field at fault (issue 14, proof)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reviewer_app.domain.record_kinds import Entity, OpKind
from reviewer_app.domain.record_schema import SCHEMAS, RecordError, check_payload

AT = "2026-03-02T10:00:00+00:00"
#: A valid record of each (operation kind, record kind), as a laptop sends it.
VALID: dict[tuple[OpKind, Entity], dict[str, Any]] = {
    (OpKind.APPEND, Entity.EVIDENCE_NOTE): {
        "id": "e1", "review_id": "r1", "author_id": "p1", "text": "t", "captured_at": AT},
    (OpKind.RETRACT, Entity.EVIDENCE_NOTE): {
        "id": "e1", "review_id": "r1", "author_id": "p1", "text": "", "captured_at": AT,
        "supersedes": "n0", "retracted": True},
    (OpKind.APPEND, Entity.ATTACHMENT): {
        "id": "e1", "review_id": "r1", "sha256": "a" * 64, "filename": "f.jpg",
        "media_type": "image/jpeg", "size": 1, "author_id": "p1", "added_at": AT},
    (OpKind.APPEND, Entity.JUDGEMENT): {
        "id": "e1", "review_id": "r1", "criterion_id": "c1", "author_id": "p1",
        "level_key": "good", "created_at": AT},
    (OpKind.APPEND, Entity.ACTION): {
        "id": "e1", "review_id": "r1", "school_id": "s1", "text": "t", "owner": "o",
        "due": "2026-04-01", "priority": "high", "created_by": "p1", "created_at": AT},
    (OpKind.APPEND, Entity.ACTION_FOLLOW_UP): {
        "id": "e1", "action_id": "a1", "review_id": "r1", "outcome": "met", "evidence": "",
        "author_id": "p1", "recorded_at": AT},
    (OpKind.APPEND, Entity.REVIEW): {
        "review": {"id": "r1", "visit_id": "v1", "framework_id": "f", "framework_version": "1",
                   "framework_hash": ""}, "framework_snapshot": "{}"},
    (OpKind.APPEND, Entity.SIGNED_REPORT): {"sha256": "b" * 64},
    (OpKind.RETRACT, Entity.ATTACHMENT): {"id": "e1"},
    (OpKind.RETRACT, Entity.JUDGEMENT): {"id": "e1"},
    (OpKind.RETRACT, Entity.ACTION): {"id": "e1"},
    (OpKind.RETRACT, Entity.ACTION_FOLLOW_UP): {"id": "e1"},
    (OpKind.SET, Entity.FIELD_VALUE): {"value": "x", "version": 1, "author_id": "p1",
                                       "updated_at": AT},
    (OpKind.SET, Entity.REVIEW): {"state": "draft"},
    (OpKind.RESOLVE, Entity.FIELD_VALUE): {"conflict_id": "c1", "value": 3},
    (OpKind.SUBMIT, Entity.REVIEW): {"state": "ready_for_sign_off"},
}  # fmt: skip
KINDS = sorted(VALID, key=str)
#: Values of the wrong type for any field of any record (no field takes a dict of dicts).
WRONG = st.one_of(
    st.just({"nested": {"deeper": 1}}),
    st.lists(st.dictionaries(st.text(max_size=3), st.integers()), min_size=1, max_size=2),
    st.floats(allow_nan=False),
    st.text(alphabet="\x00\x01\x07", min_size=1, max_size=3),
)


def _entity_id(kind: tuple[OpKind, Entity]) -> str:
    return "r1" if kind[1] is Entity.REVIEW else "e1"


def _check(kind: tuple[OpKind, Entity], payload: Any) -> Any:
    return check_payload(kind[0], kind[1], _entity_id(kind), "r1", payload)


def test_every_pushable_kind_has_a_schema_and_a_valid_example() -> None:
    assert set(VALID) == set(SCHEMAS)
    for kind in KINDS:
        _check(kind, VALID[kind])


@settings(max_examples=300, deadline=None)
@given(kind=st.sampled_from(KINDS), data=st.data())
def test_a_record_with_a_field_dropped_or_of_the_wrong_type_is_refused(
    kind: tuple[OpKind, Entity], data: st.DataObject
) -> None:
    payload = dict(VALID[kind])
    field = data.draw(st.sampled_from(sorted(payload)))
    required = SCHEMAS[kind].model_fields[field].is_required()
    how = data.draw(st.sampled_from(["wrong type", "unknown field", *(["drop"] * required)]))
    if how == "drop":
        del payload[field]
    elif how == "unknown field":
        payload[data.draw(st.text(min_size=1, max_size=8).filter(lambda k: k not in payload))] = 1
    else:
        payload[field] = data.draw(WRONG)
        if kind == (OpKind.SET, Entity.FIELD_VALUE) and field == "value":
            return  # a shared field's value is any JSON
        if kind == (OpKind.RESOLVE, Entity.FIELD_VALUE) and field == "value":
            return
    with pytest.raises(RecordError) as refused:
        _check(kind, payload)
    assert refused.value.message.endswith(".")
    assert len(refused.value.message) < 600


@settings(max_examples=100, deadline=None)
@given(kind=st.sampled_from(KINDS), payload=st.one_of(st.none(), st.integers(), st.text(),
                                                      st.lists(st.integers())))  # fmt: skip
def test_a_record_that_is_not_an_object_is_refused(
    kind: tuple[OpKind, Entity], payload: Any
) -> None:
    with pytest.raises(RecordError, match="not a JSON object"):
        _check(kind, payload)
