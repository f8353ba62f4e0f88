"""The first visit to a school, planned on a laptop (issue 13, item 1), against the real server
on loopback; each laptop its own store, every step through the documented commands.

At sync a laptop receives the schools its person may plan visits for (a lead reviewer's or
improvement partner's assigned schools; every school of the trust for a trust admin), with their
name, URN and phase, so ``reviewer-app visit plan`` works for a school that has no visit yet and
the server accepts the visit. A school the person is not assigned to never reaches their laptop,
nor does a peer reviewer (who plans nothing) receive schools beyond their visits'. Unassignment
removes no school from a laptop. The team may take anyone assigned to the school, though they
are on no visit this laptop holds (the handshake's colleagues).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session, select
from sync_world import PEER_REVIEW, Laptop, LiveServer, build_world

from reviewer_app.cli import main
from reviewer_app.domain.organisation import Phase, School
from reviewer_app.server import administration as adm
from reviewer_app.server import models
from reviewer_app.server.database import write_session
from reviewer_app.server.visit_sync import plannable_schools


def _enrolled(folder: Path, server: LiveServer, person: str) -> str:
    device = Laptop(folder, server)
    try:
        device.enrol(person)
    finally:
        device.close()
    return str(folder)


def _schools(folder: str, server: LiveServer) -> dict[str, School]:
    device = Laptop(Path(folder), server)
    try:
        return {s.urn: s for s in device.workspace.list_schools()}
    finally:
        device.close()


def test_the_first_visit_to_an_assigned_school_is_planned_on_the_laptop(
    server: LiveServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    world = build_world(
        server, framework_id=PEER_REVIEW, framework_title="Two-day peer review", with_review=False
    )
    with write_session(server.engine) as s:
        birch = adm.create_school(
            s, world.trust, urn="100002", name="Birch Secondary", phase="secondary",
            local_authority="Kent",
        ).id  # fmt: skip
        cedar = adm.create_school(s, world.trust, urn="100003", name="Cedar Primary",
                                  phase="primary").id  # fmt: skip
        bea = adm.create_person(
            s, world.trust, name="Bea Birch", email="bea@oak.example", roles=["peer_reviewer"]
        ).id
        for person in (world.lead, world.peer, bea):
            adm.assign(s, person, birch)
        adm.assign(s, world.peer2, cedar)
        admin = adm.create_person(
            s, world.trust, name="Ada Admin", email="ada@oak.example", roles=["trust_admin"]
        )
    lee = _enrolled(tmp_path / "lee", server, world.lead)
    pat = _enrolled(tmp_path / "pat", server, world.peer)
    assert main(["sync", "--quiet", "--data-dir", lee]) == 0
    assert main(["sync", "--quiet", "--data-dir", pat]) == 0

    # The lead's laptop knows Birch (no visit there yet) with its phase, and not Cedar.
    held = _schools(lee, server)
    assert set(held) == {"100001", "100002"}
    assert held["100002"].name == "Birch Secondary"
    assert held["100002"].phase is Phase.SECONDARY
    assert held["100002"].local_authority == "Kent"
    # A peer reviewer plans nothing: only the school of their visit.
    assert set(_schools(pat, server)) == {"100001"}
    # A trust admin may plan for every school of the trust; a peer for none.
    with Session(server.engine) as session:
        people = {p.id: p for p in (session.get(models.Person, i) for i in (admin.id, world.peer))}
        assert [x.urn for x in plannable_schools(session, people[admin.id])] == [
            "100001", "100002", "100003"
        ]  # fmt: skip
        assert plannable_schools(session, people[world.peer]) == []

    capsys.readouterr()
    plan = ["visit", "plan", "--school", "100002", "--framework", PEER_REVIEW,
            "--start", "2026-06-01", "--end", "2026-06-02", "--lead", "Lee Lead",
            "--member", "Pat Peer:peer_reviewer",
            "--member", "Bea Birch:peer_reviewer"]  # fmt: skip
    assert main([*plan, "--data-dir", lee]) == 0
    said = capsys.readouterr().out
    assert "The trust will accept this visit to Birch Secondary." in said
    visit_id = said.split(": visit ")[1].split(".")[0]
    assert main(["sync", "--data-dir", lee]) == 0
    assert "refused" not in capsys.readouterr().out.lower()
    with Session(server.engine) as session:
        visit = session.get(models.Visit, visit_id)
        assert visit is not None
        assert visit.school_id == birch
        assert str(visit.planned_start) == "2026-06-01"
        team = session.exec(
            select(models.VisitReviewer.person_id).where(models.VisitReviewer.visit_id == visit_id)
        ).all()
        assert set(team) == {world.lead, world.peer, bea}

    # A school the lead is not assigned to is not on the laptop: the command says so.
    assert main([*plan[:3], "100003", *plan[4:], "--data-dir", lee]) == 1
    assert "There is no school '100003' on this laptop." in capsys.readouterr().err

    # Unassigned from Birch, the lead's laptop keeps the school (its visit needs it).
    with write_session(server.engine) as s:
        adm.unassign(s, world.lead, birch)
    assert main(["sync", "--quiet", "--data-dir", lee]) == 0
    assert "100002" in _schools(lee, server)
