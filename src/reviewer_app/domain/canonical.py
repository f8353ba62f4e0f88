"""Canonical JSON: the one byte form of a value that the laptop stores, the wire carries and
both sides hash.

Sorted keys, no spaces, UTF-8 (non-ASCII kept as it is), and no NaN or infinity (JSON has
none: a value that holds one is refused when it is written, not when the server reads it). The
outbox's payloads, the protocol's operation digests, a framework's content hash and a report's
data hash are all these bytes, so "the same value" means the same thing everywhere.

:func:`to_json_value` turns domain objects (dataclasses, enums, dates, tuples, sets) into the
plain JSON data these functions take.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Mapping
from datetime import date, datetime
from enum import Enum
from typing import Any

from reviewer_app.domain.review import JSONValue

#: ``json.dumps(value, sort_keys=True, ...)`` builds an encoder on every call; one is enough
#: (it keeps no state between calls), and the bytes are the same.
_ENCODER = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
)


def canonical_text(value: Any) -> str:
    """Plain JSON data as canonical JSON text (what a TEXT column stores).

    Raises ValueError for a float that is not finite, TypeError for a value that is not JSON.
    """
    return _ENCODER.encode(value)


def canonical_json(value: Any) -> bytes:
    """Plain JSON data as canonical JSON bytes (what is hashed and sent)."""
    return _ENCODER.encode(value).encode("utf-8")


def sha256_hex(data: bytes) -> str:
    """Lowercase hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def canonical_sha256(value: Any) -> str:
    """SHA-256 (hex) of plain JSON data's canonical bytes."""
    return sha256_hex(canonical_json(value))


def to_json_value(value: object) -> JSONValue:
    """A domain value (dataclass, enum, date, tuple, frozenset...) as plain JSON data.

    Enums by value, dates and datetimes in ISO 8601 with their offset, tuples as lists, mappings
    as objects with text keys, sets as lists in canonical order.
    """
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Enum):
        return to_json_value(value.value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_json_value(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): to_json_value(v) for k, v in value.items()}
    if isinstance(value, frozenset | set):
        return sorted((to_json_value(v) for v in value), key=canonical_json)
    if isinstance(value, list | tuple):
        return [to_json_value(v) for v in value]
    raise TypeError(f"cannot turn {type(value).__name__} into JSON")
