"""``reviewer-app export`` / ``import``: JSON bundles move reviews between machines, once."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlmodel import Session, select
from sync_world import Laptop, World

from reviewer_app.cli import main
from reviewer_app.server import models
from support.photos import photo_bytes

MakeLaptop = Callable[[str], Laptop]
PHOTO = photo_bytes("phonics display")


def _cli(*args: str) -> int:
    """The command, with the bundle passphrase given as scripts give it."""
    return main(list(args))


@pytest.fixture(autouse=True)
def bundle_passphrase(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REVIEWER_BUNDLE_PASSPHRASE", "moving laptops today")


def test_bundle_moves_unsent_work_to_another_laptop_exactly_once(
    world: World, laptop: MakeLaptop, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old, new, lead = laptop("old"), laptop("new"), laptop("lead")
    for device, person in ((old, world.peer), (new, world.peer), (lead, world.lead)):
        device.enrol(person)
        device.sync.sync_now()
    photo = old.reviews.add_attachment(world.review, "display.jpg", "image/jpeg", PHOTO)
    note = old.reviews.add_note(world.review, "Phonics display in use", attachment_ids=(photo.id,))
    old.reviews.set_field(world.review, "leadership.strengths", "Clear vision")
    old.workspace.close()  # the command opens the store itself
    bundle = tmp_path / "review.json"
    assert _cli("export", str(bundle), "--data-dir", str(old.folder)) == 0
    assert "3 unsent change(s)" in capsys.readouterr().out

    new.workspace.close()
    assert _cli("import", str(bundle), "--data-dir", str(new.folder)) == 0
    assert "3 change(s) will be sent" in capsys.readouterr().out
    assert _cli("import", str(bundle), "--data-dir", str(new.folder)) == 0
    assert capsys.readouterr().out.startswith(
        "Imported 0 new review(s), 0 record(s), 0 file(s) and 0 signed report(s)"
    )

    # Both laptops send the same operations; the server applies each once.
    new_again = Laptop(new.folder, new.server)
    old_again = Laptop(old.folder, old.server)
    try:
        assert new_again.sync.sync_now().accepted == 3
        assert old_again.sync.sync_now().accepted == 3  # replays: the stored answers
        with Session(new.server.engine) as session:
            ops = session.exec(select(models.ChangeLog.op_id)).all()
        assert len(ops) == 3
        assert max(Counter(ops).values()) == 1
        (got,) = new_again.reviews.notes(world.review)
        assert got.id == note.id
        (attachment,) = new_again.reviews.attachments(world.review)
        assert new_again.reviews.attachment_data(attachment) == PHOTO

        # Another reviewer's bundle is for reading: their changes are not sent from here.
        lead.workspace.close()
        assert _cli("import", str(bundle), "--data-dir", str(lead.folder)) == 0
        assert "3 unsent change(s) belong to another reviewer" in capsys.readouterr().out
    finally:
        new_again.close()
        old_again.close()


def test_a_damaged_bundle_is_refused_in_a_sentence(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cut = tmp_path / "cut.json"
    cut.write_text('{"format": "reviewer-bundle", "version": 1, "reviews": [', encoding="utf-8")
    assert _cli("import", str(cut), "--data-dir", str(data_dir)) == 1
    err = capsys.readouterr().err
    assert "is not a Reviewer bundle: line 1" in err
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"hello": "world"}), encoding="utf-8")
    assert _cli("import", str(other), "--data-dir", str(data_dir)) == 1
    assert "is not a Reviewer bundle." in capsys.readouterr().err


def test_a_restore_into_a_new_folder_queues_the_unsent_changes_again(
    world: World, laptop: MakeLaptop, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = laptop("old")
    old.enrol(world.peer)
    old.sync.sync_now()
    old.reviews.add_note(world.review, "Written on the train, never sent")
    old.reviews.set_field(world.review, "leadership.strengths", "Shared vision")
    old.workspace.close()
    bundle = tmp_path / "backup.reviewer"
    assert _cli("export", str(bundle), "--data-dir", str(old.folder)) == 0
    capsys.readouterr()

    fresh = tmp_path / "new laptop"  # a folder no store has used: not enrolled
    assert _cli("import", str(bundle), "--data-dir", str(fresh)) == 0
    out = capsys.readouterr().out
    assert "(a restore)" in out
    assert "2 change(s) will be sent at the next sync" in out
    assert "belong to another reviewer" not in out
    from reviewer_app.paths import AppPaths
    from reviewer_app.services.workspace import Workspace
    from reviewer_app.storage.tables import OutboxRow

    with Workspace.open(AppPaths.from_base(fresh)) as restored:
        assert restored.current_person.id == world.peer
        with restored.store.reading() as session:
            assert len(session.exec(select(OutboxRow)).all()) == 2
