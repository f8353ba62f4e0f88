"""The shared answers of an open review, without Qt: writes on a version, what a refused write
means, and what a pulled value does to a field the person is (or is not) typing in."""

from __future__ import annotations

from datetime import UTC, datetime

from reviewer_app.domain.review import FieldValue
from reviewer_app.services.review_records import FieldWrite
from reviewer_app.services.shared_fields import Arrival, PendingWrite, SharedFields

ME, PAT = "lee", "pat"
FIELD = "strengths"


def value(text: str, version: int, author: str) -> FieldValue:
    return FieldValue("review", FIELD, text, version, author, datetime(2026, 12, 7, tzinfo=UTC))


def test_writes_are_based_on_the_version_last_seen_and_chain_one_after_another() -> None:
    fields = SharedFields(ME, {FIELD: value("Pat's text.", 3, PAT)})
    first = fields.begin_write(FIELD, "Pat's text. Lee")
    second = fields.begin_write(FIELD, "Pat's text. Lee agrees.")
    assert (first.expected_version, second.expected_version) == (3, 4)
    assert second.based_on == "Pat's text. Lee"
    assert fields.written(first, FieldWrite(value(first.value, 4, ME))) is None
    assert fields.in_flight(FIELD)
    assert fields.written(second, FieldWrite(value(second.value, 5, ME))) is None
    assert not fields.in_flight(FIELD)
    assert fields.base_version(FIELD) == 5


def test_a_write_refused_because_a_colleague_changed_the_field_is_a_conflict() -> None:
    fields = SharedFields(ME, {})
    pending = fields.begin_write(FIELD, "Lee's draft.")
    newer = value("Pat's text.", 1, PAT)
    assert fields.written(pending, FieldWrite(None, newer)) == newer
    assert fields.conflicts == {FIELD: newer}
    # Keeping mine writes it as the successor of Pat's version.
    again = fields.keep_mine(FIELD, "Lee's draft!")
    assert again == PendingWrite(FIELD, "Lee's draft!", 1, "Pat's text.")
    assert fields.conflicts == {}


def test_a_write_refused_because_a_sync_renumbered_my_own_text_is_written_again() -> None:
    fields = SharedFields(ME, {FIELD: value("Lee's text.", 7, ME)})
    pending = fields.begin_write(FIELD, "Lee's text, longer.")
    renumbered = value("Lee's text.", 2, ME)  # the server's numbering, after a sync
    retry = fields.written(pending, FieldWrite(None, renumbered))
    assert retry == PendingWrite(FIELD, "Lee's text, longer.", 2, "Lee's text.")
    assert fields.conflicts == {}
    assert fields.base_version(FIELD) == 3


def test_only_the_last_of_several_refused_writes_is_written_again() -> None:
    fields = SharedFields(ME, {FIELD: value("A", 7, ME)})
    first, second = fields.begin_write(FIELD, "AB"), fields.begin_write(FIELD, "ABC")
    renumbered = value("A", 2, ME)
    assert fields.written(first, FieldWrite(None, renumbered)) is None
    retry = fields.written(second, FieldWrite(None, renumbered))
    assert isinstance(retry, PendingWrite)
    assert (retry.value, retry.expected_version) == ("ABC", 2)


def test_a_pulled_value_is_shown_unless_the_person_is_typing_there() -> None:
    fields = SharedFields(ME, {})
    assert fields.arrived(value("Pat's text.", 1, PAT), typing=False) is Arrival.SHOW
    assert fields.committed[FIELD] == "Pat's text."
    assert fields.base_version(FIELD) == 1
    assert fields.arrived(value("Pat's text.", 1, PAT), typing=False) is Arrival.UNCHANGED

    assert fields.arrived(value("Pat's second text.", 2, PAT), typing=True) is Arrival.CONFLICT
    assert fields.base_version(FIELD) == 1  # a write of the typing is still refused
    assert fields.arrived(value("Pat's third.", 3, PAT), typing=True) is Arrival.IGNORED
    assert fields.conflicts[FIELD].value == "Pat's third."
    newest = fields.use_theirs(FIELD)
    assert newest.value == "Pat's third."
    assert (fields.committed[FIELD], fields.base_version(FIELD)) == ("Pat's third.", 3)


def test_a_pulled_value_under_a_write_on_its_way_is_a_conflict() -> None:
    fields = SharedFields(ME, {})
    fields.begin_write(FIELD, "Lee's draft.")
    assert fields.arrived(value("Pat's text.", 1, PAT), typing=False) is Arrival.CONFLICT


def test_unanswered_is_unanswered_whatever_its_form() -> None:
    fields = SharedFields(ME, {FIELD: value("", 1, PAT)})
    assert fields.arrived(value(None, 2, PAT), typing=False) is Arrival.UNCHANGED  # type: ignore[arg-type]
    assert fields.base_version(FIELD) == 2
