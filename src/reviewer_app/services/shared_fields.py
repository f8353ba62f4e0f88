"""The shared answers of one open review, as the editor holds them (no Qt).

:class:`SharedFields` keeps, for every shared answer, the value last written or read
(``committed``), the version the next write is based on, the writes still on their way and
the conflicts waiting for the person. It decides what a write's answer and a pulled value mean:

- a write is based on the version the editor last saw; the store refuses it when the field
  moved on since (``ReviewRecords.write_field``). Moved on by this person (their own write
  renumbered by a sync), it is written again on the new version; by someone else, it is a
  conflict, and nothing more is written until the person keeps theirs or uses the other.
- a value pulled from the trust server is shown at once, unless the person is typing in that
  field (or a write of theirs is on its way): then it is a conflict, never a silent swap.

``services.review_draft.ReviewDraft`` holds one and publishes what it decides.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

from reviewer_app.domain.review import FieldValue
from reviewer_app.domain.review_progress import is_answered
from reviewer_app.services.review_records import FieldWrite


@dataclass(frozen=True, slots=True)
class PendingWrite:
    """A write of ``value`` to ``field_id`` based on ``expected_version``."""

    field_id: str
    value: Any
    expected_version: int
    #: The value the editor showed at ``expected_version`` (what the person changed).
    based_on: Any

    @property
    def stored(self) -> Any:
        """The value as stored: an unanswered field is stored as None (False and 0 count)."""
        value = self.value
        return value if is_answered(value) or value in (False, 0) else None


class Arrival(Enum):
    """What a value read from the store (after a pull) means for the open editor."""

    UNCHANGED = "unchanged"  # the editor shows it already
    SHOW = "show"  # show it in place
    CONFLICT = "conflict"  # the person was typing there: show both
    IGNORED = "ignored"  # a conflict is open: the box shows the newest


def same_value(a: Any, b: Any) -> bool:
    """Equal as answers (unanswered is unanswered, whatever its form)."""
    if not is_answered(a) and a not in (False, 0) and not is_answered(b) and b not in (False, 0):
        return True
    return bool(a == b)


class SharedFields:
    """The shared answers of one open review, as the editor holds them."""

    def __init__(self, me: str, fields: Mapping[str, FieldValue]) -> None:
        self.me = me
        self.committed: dict[str, Any] = {k: v.value for k, v in fields.items()}
        self._base: dict[str, int] = {k: v.version for k, v in fields.items()}
        self._in_flight: Counter[str] = Counter()
        #: Open conflicts: the colleague's newer value, by field.
        self.conflicts: dict[str, FieldValue] = {}

    def base_version(self, field_id: str) -> int:
        return self._base.get(field_id, 0)

    def in_flight(self, field_id: str) -> bool:
        return self._in_flight[field_id] > 0

    def begin_write(self, field_id: str, value: Any) -> PendingWrite:
        """The person's value is to be written: on the version the editor last saw."""
        expected = self._base.get(field_id, 0)
        pending = PendingWrite(field_id, value, expected, self.committed.get(field_id))
        self.committed[field_id] = value
        self._base[field_id] = expected + 1  # the store's next version once this lands
        self._in_flight[field_id] += 1
        return pending

    def written(
        self, pending: PendingWrite, result: FieldWrite
    ) -> PendingWrite | FieldValue | None:
        """A write's answer: None when saved; a write to make again (the field was only
        renumbered, or changed by this person); or the colleague's newer value (a conflict)."""
        field_id = pending.field_id
        self._in_flight[field_id] -= 1
        if result.written is not None:
            return None
        newer = result.newer
        if newer is None:  # the field is gone (cannot happen for a shared answer): write anew
            self._base[field_id] = 0
            return self.begin_write(field_id, pending.value)
        if field_id in self.conflicts or not self._is_own(newer, pending.based_on):
            self.conflicts[field_id] = newer
            return newer
        # This person's own text, renumbered by a sync: write it again on the new version,
        # unless a later write of the field is on its way (it is written again in turn).
        self._base[field_id] = newer.version
        if self.in_flight(field_id):
            return None
        self._base[field_id] = newer.version + 1
        self._in_flight[field_id] += 1
        return PendingWrite(field_id, pending.value, newer.version, newer.value)

    def _is_own(self, newer: FieldValue, based_on: Any) -> bool:
        return newer.author_id == self.me or same_value(newer.value, based_on)

    def arrived(self, stored: FieldValue, *, typing: bool) -> Arrival:
        """A value read from the store after a pull. ``typing``: the person has typed in that
        field and it is not written yet."""
        field_id = stored.field_id
        if field_id in self.conflicts:
            if stored.author_id != self.me:
                self.conflicts[field_id] = stored
            return Arrival.IGNORED
        busy = typing or self.in_flight(field_id)
        if same_value(stored.value, self.committed.get(field_id)):
            if not busy:
                self._base[field_id] = stored.version
            return Arrival.UNCHANGED
        if busy:
            if stored.author_id == self.me:
                return Arrival.IGNORED
            self.conflicts[field_id] = stored
            return Arrival.CONFLICT
        self.committed[field_id] = stored.value
        self._base[field_id] = stored.version
        return Arrival.SHOW

    def keep_mine(self, field_id: str, value: Any) -> PendingWrite:
        """The person keeps their value: written as the successor of the colleague's."""
        newer = self.conflicts.pop(field_id)
        self._base[field_id] = newer.version
        self.committed[field_id] = newer.value
        return self.begin_write(field_id, value)

    def use_theirs(self, field_id: str) -> FieldValue:
        """The person takes the colleague's value (nothing is written)."""
        newer = self.conflicts.pop(field_id)
        self._base[field_id] = newer.version
        self.committed[field_id] = newer.value
        return newer
