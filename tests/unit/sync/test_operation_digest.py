"""The digest written out field by field is the digest of the operation's canonical JSON."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from reviewer_app.domain.canonical import canonical_json, sha256_hex
from reviewer_app.domain.record_kinds import OpKind
from reviewer_app.sync.protocol import DIGEST_FIELDS, KIND_ENTITIES, Operation

_IDS = st.from_regex(r"\A[A-Za-z0-9][A-Za-z0-9._:-]{0,20}\Z")
#: Text a payload may hold: no NUL, no half surrogate pairs (both refused, tested elsewhere).
_TEXT = st.characters(codec="utf-8", exclude_characters="\x00")
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(_TEXT, max_size=12),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(_TEXT, max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)
_TIMES = st.datetimes(
    min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30),
    timezones=st.sampled_from([UTC, timezone(timedelta(hours=1)), timezone(timedelta(hours=-5))]),
)  # fmt: skip


@st.composite
def _operations(draw: st.DrawFn) -> Operation:
    kind = draw(st.sampled_from([OpKind.APPEND, OpKind.RETRACT, OpKind.SUBMIT]))
    entity = draw(st.sampled_from(sorted(KIND_ENTITIES[kind])))
    review_id = draw(_IDS)
    entity_id = review_id if entity.value == "review" else draw(_IDS)
    payload = draw(_JSON)
    if kind is OpKind.APPEND and entity.value == "review":
        payload = {"review": {"visit_id": draw(_IDS)}}
    return Operation(
        op_id=uuid.UUID(int=draw(st.integers(0, 2**128 - 1))),
        device_seq=draw(st.integers(1, 2**62)),
        review_id=review_id,
        entity=entity,
        entity_id=entity_id,
        field=draw(st.none() | st.text("abcdefghij._", min_size=1, max_size=12)),
        kind=kind,
        payload=payload,
        base_version=draw(st.none() | st.integers(0, 2**62)),
        parent_op_id=draw(st.none() | st.uuids()),
        device_time=draw(_TIMES),
    )


@given(_operations())
def test_the_digest_is_the_hash_of_the_whole_operations_canonical_json(op: Operation) -> None:
    expected = sha256_hex(canonical_json(op.model_dump(mode="json")))
    assert op.digest() == expected
    assert op.digest(canonical_json(op.payload)) == expected


def test_the_digest_writes_out_every_field_of_the_operation() -> None:
    # A field added to Operation must be added to the digest too (or this fails).
    assert tuple(sorted(Operation.model_fields)) == DIGEST_FIELDS
