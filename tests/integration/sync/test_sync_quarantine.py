"""A laptop never lets one pulled record stop its sync (issue 14, item 3).

Every kind of malformed record is written straight into the server's store, as a buggy older
client (or a server before the record schema) would have left it. The team's laptops still sync:
everything else applies, the cursor moves past the bad records, and each one is set aside with
where it came from and why, shown by the sync summary and status. SQLite and PostgreSQL.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sync_world import Laptop, LiveServer, World

from reviewer_app.server import models
from reviewer_app.server.database import write_session
from reviewer_app.services.sync_service import summarise
from support.throwaway_postgres import BACKENDS, ThrowawayPostgres, postgres_base_url


@pytest.fixture(scope="module", params=BACKENDS)
def live_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    postgres: ThrowawayPostgres | None = None
    url = None
    if request.param == "postgres":
        postgres = ThrowawayPostgres(postgres_base_url())
        postgres.create()
        url = postgres.url
    server = LiveServer(tmp_path_factory.mktemp("quarantine-server"), database_url=url)
    server.start()
    try:
        yield server
    finally:
        server.stop()
        if postgres is not None:
            postgres.drop()


AT = "2026-03-02T10:00:00+00:00"

#: (what is wrong, change kind, entity, payload) for every kind of record a pull can bring.
MALFORMED: list[tuple[str, str, str, Any]] = [
    ("a note without its text", "append", "evidence_note", {"id": "X", "review_id": "R",
                                                            "author_id": "A", "captured_at": AT}),
    ("a note that is a list", "append", "evidence_note", ["not", "a", "note"]),
    ("a note of another review", "append", "evidence_note", {"id": "X", "review_id": "other",
                                                             "author_id": "A", "text": "t",
                                                             "captured_at": AT}),
    ("a note with a number for a time", "append", "evidence_note",
     {"id": "X", "review_id": "R", "author_id": "A", "text": "t", "captured_at": 17}),
    ("a withdrawal that is not a note", "retract", "evidence_note", {"supersedes": 5}),
    ("an attachment without its file", "append", "attachment",
     {"id": "X", "review_id": "R", "sha256": "0" * 64, "filename": "f.jpg",
      "media_type": "image/jpeg", "size": 3, "author_id": "A", "added_at": AT}),
    ("an attachment with a text size", "append", "attachment",
     {"id": "X", "review_id": "R", "size": "big"}),
    ("a judgement without a criterion", "append", "judgement",
     {"id": "X", "review_id": "R", "author_id": "A", "level_key": "x", "created_at": AT}),
    ("an action with an unknown priority", "append", "action",
     {"id": "X", "review_id": "R", "school_id": "S", "text": "t", "owner": "o", "due": None,
      "priority": "urgent", "created_by": "A", "created_at": AT}),
    ("a follow-up of no action", "append", "action_follow_up",
     {"id": "X", "action_id": "nowhere", "review_id": "R", "outcome": "met", "evidence": "",
      "author_id": "A", "recorded_at": AT}),
    ("a follow-up without an outcome", "append", "action_follow_up",
     {"id": "X", "review_id": "R"}),
    ("a conflict that is not one", "conflict", "field_value", {"id": 3}),
    ("a signed report naming no file", "append", "signed_report", "report"),
]  # fmt: skip


def _plant(server: LiveServer, world: World, person: str) -> list[str]:
    """Write every malformed record into the server's store; returns their entity ids."""
    ids = []
    with write_session(server.engine) as session:
        review = session.get(models.Review, world.review)
        assert review is not None
        for _what, kind, entity, payload in MALFORMED:
            entity_id = f"bad-{uuid.uuid4()}"
            if isinstance(payload, dict):
                payload = {k: (entity_id if v == "X" else world.review if v == "R" else
                               person if v == "A" else world.school if v == "S" else v)
                           for k, v in payload.items()}  # fmt: skip
            review.last_seq += 1
            session.add(
                models.ChangeLog(
                    review_id=review.id, server_seq=review.last_seq, kind=kind, entity=entity,
                    entity_id=entity_id, field="f" if entity == "field_value" else None,
                    op_id=str(uuid.uuid4()), author_id=person, device_id="old-laptop",
                    device_time=datetime.now(UTC), payload=payload,
                )
            )  # fmt: skip
            ids.append(entity_id)
        session.add(review)
    return ids


def test_malformed_records_are_set_aside_and_every_laptop_still_syncs(
    world: World, laptop: Callable[[str], Laptop], server: LiveServer
) -> None:
    lead, peer = laptop("lead"), laptop("peer")
    lead.enrol(world.lead)
    peer.enrol(world.peer)
    lead.sync.sync_now()
    peer.sync.sync_now()
    lead.reviews.add_note(world.review, "Before the bad records")
    lead.sync.sync_now()
    bad = _plant(server, world, world.peer2)
    lead.reviews.add_note(world.review, "After the bad records")
    lead.sync.sync_now()

    result = peer.sync.sync_now()
    assert result.set_aside == len(MALFORMED)
    texts = sorted(n.text for n in peer.reviews.notes(world.review))
    assert texts == ["After the bad records", "Before the bad records"]
    aside = peer.sync.set_aside(world.review)
    assert [a.entity_id for a in aside] == bad
    for (what, _kind, entity, _payload), entry in zip(MALFORMED, aside, strict=True):
        assert entry.entity == entity, what
        assert (entry.author_id, entry.device_id) == (world.peer2, "old-laptop"), what
        assert entry.reason.endswith("."), what
        assert world.review in entry.description
    assert peer.sync.status().set_aside == len(MALFORMED)
    assert "could not be stored and were set aside" in summarise(result)

    # The next sync goes on from past them: nothing is set aside twice, new work arrives.
    lead.reviews.add_note(world.review, "Later still")
    lead.sync.sync_now()
    again = peer.sync.sync_now()
    assert again.set_aside == 0
    assert "Later still" in {n.text for n in peer.reviews.notes(world.review)}
    assert len(peer.sync.set_aside()) == len(MALFORMED)
    # The lead's own laptop, which pulled them too, still syncs as well.
    assert lead.sync.sync_now().set_aside == 0
    assert len(lead.sync.set_aside(world.review)) == len(MALFORMED)
