"""Carrying answers forward to a review on a newer version: only unchanged criteria, their
fields when defined the same, each counting as missing until confirmed."""

from __future__ import annotations

from datetime import UTC, date, datetime

from reviewer_app.domain.carry_forward import (
    answers_to_carry,
    carried_note,
    is_carried_forward,
    unconfirmed,
)
from reviewer_app.domain.frameworks import load_library
from reviewer_app.domain.review import Judgement
from reviewer_app.domain.review_progress import review_progress
from reviewer_app.paths import frameworks_dir

LIBRARY = load_library(frameworks_dir())


def _agreed(
    criterion: str, level: str, carried_from: date | None = None, minute: int = 0
) -> Judgement:
    when = datetime(2025, 9, 15, 10, minute, tzinfo=UTC)
    return Judgement(
        f"j-{criterion}-{minute}", "r1", criterion, "lead", level, when, "", agreed=True,
        carried_forward_from=carried_from,
    )  # fmt: skip


def test_only_unchanged_criteria_are_carried_with_their_fields() -> None:
    v1 = LIBRARY.get("half-termly-core-visit", "1")
    v2 = LIBRARY.get("half-termly-core-visit", "2")
    judgements = [
        _agreed("development-plan-agreed", "on_track"),  # unchanged
        _agreed("ht-performance-management-final", "on_track"),  # reworded in version 2
        _agreed("last-ofsted-category", "category_2"),  # its scale gained a level
        _agreed("direction", "in_line"),  # unchanged
    ]
    carried = answers_to_carry(v1, judgements, {"half-term": "autumn-1"}, v2)
    assert carried.levels == {"development-plan-agreed": "on_track", "direction": "in_line"}
    assert carried.fields == {}  # a visit-level field is the visit's own, never carried


def test_a_carried_answer_is_missing_until_confirmed() -> None:
    walk = LIBRARY.get("half-termly-core-visit", "2")
    note = carried_note(date(2025, 9, 15))
    assert note == "Carried forward from the signed review of 15 September 2025: confirm."
    carried = _agreed("direction", "in_line", date(2025, 9, 15))
    assert is_carried_forward(carried)
    # The mark is a field of its own: a rationale that happens to say the words is not one.
    assert not is_carried_forward(
        Judgement("j-x", "r1", "direction", "lead", "in_line", carried.created_at, note, True)
    )
    assert unconfirmed([carried]) == {"direction"}
    progress = review_progress(
        walk, levels={"direction": "in_line"}, fields=[], school_facts={}, roles=[],
        unconfirmed=unconfirmed([carried]),
    )  # fmt: skip
    assert "“How the school is moving (a / b / cc)” was carried forward: confirm it" in [
        m.message.split(": ", 1)[1] for m in progress.missing if m.target_id == "direction"
    ]
    confirmed = _agreed("direction", "in_line", minute=5)
    assert unconfirmed([carried, confirmed]) == frozenset()
    assert not is_carried_forward(confirmed)
