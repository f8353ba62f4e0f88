"""``reviewer-app visit plan`` and ``visit list`` (issue 13, item 1), against the real server on
loopback; each laptop its own store, every step through the documented commands.

The lead plans a two-day peer review with the command, which says before anything is stored
that the trust will accept it; it reaches the server at the lead's sync and a team member's
laptop at theirs. A peer may not plan visits: the command says so, with what to do, and
stores nothing (so nothing waits to be refused at a sync).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session
from sync_world import PEER_REVIEW, Laptop, LiveServer, build_world_with_framework

from reviewer_app.cli import main
from reviewer_app.server import models


def _enrolled(folder: Path, server: LiveServer, person: str) -> str:
    device = Laptop(folder, server)
    try:
        device.enrol(person)
    finally:
        device.close()
    return str(folder)


def test_a_visit_planned_with_the_command_reaches_the_team(
    server: LiveServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    world = build_world_with_framework(server, tmp_path / "starter", PEER_REVIEW)
    lee = _enrolled(tmp_path / "lee", server, world.lead)
    pat = _enrolled(tmp_path / "pat", server, world.peer)
    assert main(["sync", "--quiet", "--data-dir", lee]) == 0
    capsys.readouterr()
    plan = ["visit", "plan", "--school", "100001", "--framework", PEER_REVIEW,
            "--start", "2026-06-01", "--end", "2026-06-02", "--lead", "Lee Lead",
            "--member", "Pat Peer:peer_reviewer"]  # fmt: skip
    assert main([*plan, "--data-dir", lee]) == 0
    said = capsys.readouterr().out
    assert "The trust will accept this visit to Ash Primary." in said
    visit_id = said.split(": visit ")[1].split(".")[0]
    assert main(["sync", "--quiet", "--data-dir", lee]) == 0
    with Session(server.engine) as session:
        held = session.get(models.Visit, visit_id)
        assert held is not None
        assert str(held.planned_end) == "2026-06-02"

    assert main(["sync", "--quiet", "--data-dir", pat]) == 0
    capsys.readouterr()
    assert main(["visit", "list", "--data-dir", pat]) == 0
    listed = capsys.readouterr().out
    assert visit_id in listed
    assert "1 June 2026 to 2 June 2026  Ash Primary  Two-day peer review" in listed

    # A peer may not plan: said before anything is stored, with what to do.
    assert main([*plan, "--data-dir", pat]) == 1
    refused = capsys.readouterr().err
    assert "only a lead reviewer or improvement partner assigned to Ash Primary" in refused
    assert "Ask your lead reviewer to plan it." in refused
    assert "Nothing was stored." in refused
    assert main(["visit", "list", "--data-dir", pat]) == 0
    assert capsys.readouterr().out == listed
    assert main(["sync", "--data-dir", pat]) == 0
    assert "refused" not in capsys.readouterr().out.lower()

    # Bad input names the thing at fault.
    assert main([*plan[:-2], "--member", "Nobody Here:peer_reviewer", "--data-dir", lee]) == 1
    assert "There is nobody called 'Nobody Here' on this laptop." in capsys.readouterr().err
