"""Canonical JSON: the one byte form the outbox stores, the wire carries and both sides hash."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reviewer_app.domain.canonical import (
    canonical_json,
    canonical_sha256,
    canonical_text,
    sha256_hex,
    to_json_value,
)
from reviewer_app.domain.review import Priority


def test_keys_are_sorted_without_spaces_and_text_is_kept_as_typed() -> None:
    value = {"b": [1, 2], "a": "Year 5 – café", "c": {"z": None, "y": True}}
    assert canonical_text(value) == '{"a":"Year 5 – café","b":[1,2],"c":{"y":true,"z":null}}'
    assert canonical_json(value) == canonical_text(value).encode("utf-8")


@pytest.mark.parametrize("number", [math.nan, math.inf, -math.inf])
def test_numbers_json_cannot_hold_are_refused(number: float) -> None:
    with pytest.raises(ValueError):
        canonical_json({"score": number})


def test_the_hash_is_taken_over_the_canonical_bytes() -> None:
    one = {"value": "Pupils read widely", "version": 2}
    reordered = {"version": 2, "value": "Pupils read widely"}
    assert canonical_sha256(one) == canonical_sha256(reordered) == sha256_hex(canonical_json(one))
    assert canonical_sha256(one) != canonical_sha256({**one, "version": 3})


@dataclass(frozen=True)
class _Record:
    id: str
    priority: Priority
    due: date
    at: datetime
    tags: frozenset[str]
    ids: tuple[str, ...]


def test_domain_values_become_plain_json() -> None:
    record = _Record(
        id="a1",
        priority=Priority.HIGH,
        due=date(2025, 3, 7),
        at=datetime(2025, 3, 7, 9, 30, tzinfo=timezone(timedelta(hours=1))),
        tags=frozenset({"reading", "maths", "behaviour"}),
        ids=("n2", "n1"),
    )
    assert to_json_value(record) == {
        "id": "a1",
        "priority": Priority.HIGH.value,
        "due": "2025-03-07",
        "at": "2025-03-07T09:30:00+01:00",
        "tags": ["behaviour", "maths", "reading"],
        "ids": ["n2", "n1"],
    }


def test_a_value_json_has_no_form_for_is_named() -> None:
    with pytest.raises(TypeError, match="complex"):
        to_json_value({"x": 1j})


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@given(json_values)
def test_canonical_json_reads_back_as_the_same_value(value: object) -> None:
    assert json.loads(canonical_json(value)) == value
    assert canonical_json(json.loads(canonical_json(value))) == canonical_json(value)


def test_sets_are_ordered_the_same_whatever_their_insertion_order() -> None:
    first = to_json_value(
        {"ids": {datetime(2025, 1, 2, tzinfo=UTC), datetime(2025, 1, 1, tzinfo=UTC)}}
    )
    assert first == {"ids": ["2025-01-01T00:00:00+00:00", "2025-01-02T00:00:00+00:00"]}
