"""Records as they travel between laptops: a judgement's JSON (what the outbox sends and the
server hands to the team's other laptops) reads back as the same judgement, the carried-forward
mark included; a record from a laptop before the mark existed reads as unmarked."""

from __future__ import annotations

from datetime import UTC, date, datetime

from reviewer_app.domain.canonical import to_json_value
from reviewer_app.domain.carry_forward import is_carried_forward
from reviewer_app.domain.review import Judgement
from reviewer_app.services.sync_records import judgement_from_json

WHEN = datetime(2026, 9, 14, 9, 30, tzinfo=UTC)


def test_a_judgement_survives_the_trip_with_its_carried_forward_mark() -> None:
    carried = Judgement(
        "j1", "r1", "policy-published", "p1", "met", WHEN, agreed=True,
        carried_forward_from=date(2025, 9, 15),
    )  # fmt: skip
    payload = to_json_value(carried)
    assert isinstance(payload, dict)
    assert payload["carried_forward_from"] == "2025-09-15"
    back = judgement_from_json(payload)
    assert back == carried
    assert is_carried_forward(back)
    confirmed = Judgement("j2", "r1", "policy-published", "p1", "met", WHEN, agreed=True)
    assert judgement_from_json(to_json_value(confirmed)) == confirmed  # type: ignore[arg-type]


def test_a_judgement_from_before_the_mark_reads_as_unmarked() -> None:
    old = {
        "id": "j3", "review_id": "r1", "criterion_id": "c", "author_id": "p1",
        "level_key": "met", "created_at": WHEN.isoformat(), "rationale": "", "agreed": True,
    }  # fmt: skip
    judgement = judgement_from_json(old)
    assert judgement.carried_forward_from is None
    assert not is_carried_forward(judgement)
