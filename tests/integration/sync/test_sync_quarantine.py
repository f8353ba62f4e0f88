"""A laptop never lets one pulled record stop its sync (issue 14, item 3).

Every kind of malformed record is written straight into the server's store, as a buggy older
client (or a server before the record schema) would have left it. The team's laptops still sync:
everything else applies, the cursor moves past the bad records, and each one is set aside with
where it came from and why, shown by the sync summary and status. SQLite and PostgreSQL.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator

import pytest
from sync_world import Laptop, LiveServer, World

from reviewer_app.services.sync_service import summarise
from support.malformed_records import MALFORMED, plant_malformed
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


def test_malformed_records_are_set_aside_and_every_laptop_still_syncs(
    world: World,
    laptop: Callable[[str], Laptop],
    server: LiveServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="reviewer_app.server")
    lead, peer = laptop("lead"), laptop("peer")
    lead.enrol(world.lead)
    peer.enrol(world.peer)
    lead.sync.sync_now()
    peer.sync.sync_now()
    lead.reviews.add_note(world.review, "Before the bad records")
    lead.sync.sync_now()
    bad = plant_malformed(server.engine, world.review, world.school, world.peer2)
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
    # The sync panel names the author (a colleague this laptop knows) instead of their id;
    # the laptop is not this one, whose name only the trust server holds.
    shown = peer.sync.set_aside_named(world.review)
    assert [n.entry for n in shown] == aside
    assert all(" from Sam Second on another laptop: " in n.line for n in shown)
    assert shown[0].line.startswith("An evidence note from Sam Second")
    assert not any(world.peer2 in n.line or "old-laptop" in n.line for n in shown)
    assert peer.sync.status().set_aside == len(MALFORMED)
    assert "could not be stored and were set aside" in summarise(result)
    # The trust server was told, per change: which laptop, whose, and why (not the content).
    assert all(entry.reported for entry in aside)
    told = [r.getMessage() for r in caplog.records if "set aside change" in r.getMessage()]
    assert len([line for line in told if f"(person {world.peer})" in line]) == len(MALFORMED)
    assert len([line for line in told if f"(person {world.lead})" in line]) == len(MALFORMED)

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
