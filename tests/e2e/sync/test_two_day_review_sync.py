"""End to end: a two-day peer review captured on laptops, one offline, synced to the real server.

The trust server runs as a subprocess (``reviewer-app-server serve``); each laptop syncs with
``reviewer-app sync`` in a subprocess of its own, against its own encrypted store. Reviewers
capture through the same services the editor uses. Day one: Pat works online; Sam's laptop is
offline (the server is down when Sam tries) and Sam edits the strengths text Pat also edited.
Day two: both sync, the conflict is kept, Lee (the lead) sees both versions with authors and
times and resolves it; everyone syncs; the server holds exactly what every laptop holds.

Signing on each signer's own laptop, through sync, is ``test_signing_journey.py``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from e2e_world import Laptop, Server, reviewer_app
from sqlmodel import Session, create_engine, select

from reviewer_app.domain.review import agreed_judgement, current_notes
from reviewer_app.server import administration as adm
from reviewer_app.server import models
from reviewer_app.server.database import create_server_engine, write_session
from reviewer_app.server.enrolment import issue_code
from reviewer_app.services.sync_service import SyncService
from reviewer_app.services.workspace import Workspace
from support.photos import photo_bytes

HERE = Path(__file__).parent
FIELD = "leadership.strengths"
PHOTO = photo_bytes("year 5 writing display")


def _server_view(database_url: str, review_id: str) -> dict[str, Any]:
    engine = create_engine(database_url)
    try:
        with Session(engine) as session:
            records = session.exec(
                select(models.Record).where(models.Record.review_id == review_id)
            ).all()
            fields = session.exec(
                select(models.FieldState).where(models.FieldState.review_id == review_id)
            ).all()
            open_conflicts = session.exec(
                select(models.Conflict).where(models.Conflict.status == "open")
            ).all()
    finally:
        engine.dispose()
    view: dict[str, Any] = {"fields": {f.field: (f.value, f.version) for f in fields}}
    for record in records:
        view.setdefault(record.entity, set()).add((record.entity_id, record.retracted))
    view["open_conflicts"] = len(open_conflicts)
    return view


def _laptop_view(workspace: Workspace, review_id: str) -> dict[str, Any]:
    reviews = workspace.reviews
    view: dict[str, Any] = {
        "fields": {
            f.field_id: (f.value, f.version) for f in reviews.field_values(review_id).values()
        },
        "evidence_note": {
            (n.id, n.retracted) for n in reviews.notes(review_id, include_history=True)
        },
        "attachment": {
            (a.id, a.retracted) for a in reviews.attachments(review_id, include_retracted=True)
        },
        "judgement": {(j.id, False) for j in reviews.judgements(review_id)},
    }
    return view


@pytest.mark.slow
@pytest.mark.timeout(900)  # two laptops and a server restart, each a process start under load
def test_two_day_review_on_two_laptops_one_offline(
    tmp_path: Path, server: Server, keyring_file: Path
) -> None:
    engine = create_server_engine(server.database_url)
    with write_session(engine) as s:
        trust = adm.create_trust(s, "Oak Learning Trust").id
        school = adm.create_school(s, trust, urn="123456", name="Ash Primary", phase="primary").id
        adm.add_framework(s, "peer_review", title="Peer review")
        lee = adm.create_person(s, trust, name="Lee Lead", email="lee@oak.example",
                                roles=["lead_reviewer"]).id  # fmt: skip
        pat = adm.create_person(s, trust, name="Pat Peer", email="pat@oak.example",
                                roles=["peer_reviewer"]).id  # fmt: skip
        sam = adm.create_person(s, trust, name="Sam Second", email="sam@oak.example",
                                roles=["peer_reviewer"]).id  # fmt: skip
        for person in (lee, pat, sam):
            adm.assign(s, person, school)
        visit = adm.create_visit(
            s, school, "peer_review", start=date(2026, 5, 11), end=date(2026, 5, 12),
            team=[(lee, "lead_reviewer"), (pat, "peer_reviewer"), (sam, "peer_reviewer")],
        ).id  # fmt: skip
        review = adm.create_review(s, visit).id
        codes = {p: issue_code(s, p) for p in (lee, pat, sam)}
    engine.dispose()

    laptops = {p: Laptop(tmp_path / name) for p, name in ((lee, "lee"), (pat, "pat"), (sam, "sam"))}
    for person, laptop in laptops.items():
        enrolled = reviewer_app(
            "enrol", server.url, codes[person], "--data-dir", str(laptop.folder)
        )
        assert enrolled.returncode == 0, enrolled.stderr
        first = laptop.sync()
        assert first.returncode == 0, first.stderr
    lee_laptop, pat_laptop, sam_laptop = laptops[lee], laptops[pat], laptops[sam]

    # Day one. Pat is online all day.
    with pat_laptop.workspace() as ws:
        photo = ws.reviews.add_attachment(review, "display.jpg", "image/jpeg", PHOTO)
        ws.reviews.add_note(review, "Year 5 writing shows clear progression",
                            attachment_ids=(photo.id,), criterion_ids=("leadership",))  # fmt: skip
        ws.reviews.propose_judgement(review, "leadership", "good", "Consistent approach")
        ws.reviews.set_field(review, FIELD, "Leaders know the school well.")
    synced = pat_laptop.sync()
    assert synced.returncode == 0, synced.stderr
    assert "Sent 4 changes" in synced.stdout

    # Sam has no connection in the hall: the server is out of reach when Sam tries.
    with sam_laptop.workspace() as ws:
        ws.reviews.add_note(review, "Pupils in the library could name their reading targets")
        ws.reviews.add_attachment(review, "same-display.jpg", "image/jpeg", PHOTO)
        ws.reviews.propose_judgement(review, "leadership", "outstanding", "Exceptional CPD")
        ws.reviews.set_field(review, FIELD, "Leaders have built a culture of reading.")
    server.stop()
    offline = sam_laptop.sync()
    assert offline.returncode == 1
    assert "cannot be reached" in offline.stderr
    assert "Traceback" not in offline.stderr
    server.start()

    # Day two: Sam's laptop is back online; both sync; the edits overlap.
    sam_synced = sam_laptop.sync()
    assert sam_synced.returncode == 0, sam_synced.stderr
    assert "1 became conflicts" in sam_synced.stdout
    assert pat_laptop.sync().returncode == 0
    lead_synced = lee_laptop.sync()
    assert "1 conflict(s) wait for the lead reviewer" in lead_synced.stdout

    with lee_laptop.workspace() as ws:
        service = SyncService(ws.store, ws.lane)
        (conflict,) = service.open_conflicts(review)
        shown = {(c.value, c.author_id) for c in conflict.candidates}
        assert shown == {
            ("Leaders know the school well.", pat),
            ("Leaders have built a culture of reading.", sam),
        }
        assert all(c.device_time is not None for c in conflict.candidates)
        service.resolve_conflict(
            conflict.id,
            "Leaders know the school well and have built a culture of reading.",
            ws.current_person.id,
        )
        ws.reviews.agree_judgement(review, "leadership", "good", "Agreed at the team meeting")
    assert lee_laptop.sync().returncode == 0
    for laptop in (pat_laptop, sam_laptop, lee_laptop):
        assert laptop.sync().returncode == 0

    server_view = _server_view(server.database_url, review)
    assert server_view.pop("open_conflicts") == 0
    assert server_view["fields"][FIELD] == (
        "Leaders know the school well and have built a culture of reading.", 2
    )  # fmt: skip
    assert len(server_view["evidence_note"]) == 2
    assert len(server_view["attachment"]) == 2
    assert len(server_view["judgement"]) == 3
    for person, laptop in laptops.items():
        with laptop.workspace() as ws:
            assert _laptop_view(ws, review) == server_view, person
            agreed = agreed_judgement(ws.reviews.judgements(review), "leadership")
            assert agreed is not None
            assert (agreed.level_key, agreed.author_id) == ("good", lee)
            notes = current_notes(ws.reviews.notes(review))
            assert {n.author_id for n in notes} == {pat, sam}
            for attachment in ws.reviews.attachments(review):
                assert ws.reviews.attachment_data(attachment) == PHOTO
            assert SyncService(ws.store, ws.lane).status().open_conflicts == 0
