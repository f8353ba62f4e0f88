"""A note changed and re-linked on one laptop (a correction that supersedes it, as the editor's
note dialog stores it) arrives changed and re-linked on the other laptop through the real server
on loopback, with its history kept on both; an undo of the change (another correction) travels
the same way."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sync_world import Laptop, LiveServer, build_world_with_framework

from reviewer_app.services.framework_catalogue import installed_library

MakeLaptop = Callable[[str], Laptop]


def test_a_changed_and_relinked_note_reaches_the_other_laptop_with_its_history(
    server: LiveServer, laptop: MakeLaptop, tmp_path: Path
) -> None:
    world = build_world_with_framework(server, tmp_path / "starter", "learning-walk")
    first, second, *_ = (c.id for c in installed_library().latest("learning-walk").criteria())
    lead, peer = laptop("lead"), laptop("peer")
    lead.enrol(world.lead)
    peer.enrol(world.peer)
    peer.sync.sync_now()
    lead.sync.sync_now()

    note = peer.reviews.add_note(
        world.review, "Pupils explain thier reasoning", criterion_ids=(first,)
    )
    peer.sync.sync_now()
    lead.sync.sync_now()
    assert [(n.id, n.criterion_ids) for n in lead.reviews.notes(world.review)] == [
        (note.id, (first,))
    ]

    # Changed and re-linked on the peer's laptop: a correction superseding the note.
    changed = peer.reviews.add_note(
        world.review,
        "Pupils explain their reasoning",
        criterion_ids=(first, second),
        supersedes=note.id,
    )
    pushed = peer.sync.sync_now()
    assert (pushed.pushed, pushed.accepted) == (1, 1)
    lead.sync.sync_now()
    (shown,) = lead.reviews.notes(world.review)
    assert (shown.id, shown.text, shown.criterion_ids, shown.author_id) == (
        changed.id,
        "Pupils explain their reasoning",
        (first, second),
        world.peer,
    )
    assert shown.supersedes == note.id
    history = {n.id: n for n in lead.reviews.notes(world.review, include_history=True)}
    assert set(history) == {note.id, changed.id}
    assert history[note.id].text == "Pupils explain thier reasoning"

    # Undone on the peer's laptop (Ctrl+Z stores the earlier words as a new correction).
    undone = peer.reviews.add_note(
        world.review,
        note.text,
        criterion_ids=note.criterion_ids,
        supersedes=changed.id,
    )
    peer.sync.sync_now()
    lead.sync.sync_now()
    (shown,) = lead.reviews.notes(world.review)
    assert (shown.id, shown.text, shown.criterion_ids) == (undone.id, note.text, (first,))
    chain = lead.reviews.notes(world.review, include_history=True)
    assert {n.id for n in chain} == {note.id, changed.id, undone.id}
    # The peer's own laptop agrees.
    assert [n.id for n in peer.reviews.notes(world.review)] == [undone.id]
