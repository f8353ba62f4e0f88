"""Restricted parts of an open framework (a single central record check inside a termly visit)
reach only safeguarding roles: the server withholds them from everyone else's pulls and refuses
their writes."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reviewer_app.server import administration as adm
from reviewer_app.server import models

if TYPE_CHECKING:
    from conftest import Harness, World

FRAMEWORKS = Path(__file__).resolve().parents[3] / "frameworks"
TERMLY = "half-termly-core-visit"


def test_restricted_parts_reach_only_safeguarding_roles(server: Harness, world: World) -> None:
    with server.admin() as session:
        adm.import_frameworks(session, FRAMEWORKS)
        visit = adm.create_visit(
            session,
            world.school_a,
            TERMLY,
            start=date(2026, 9, 14),
            end=date(2026, 9, 14),
            team=[(world.lead, "lead_reviewer"), (world.peer, "peer_reviewer")],
        ).id
        review = adm.create_review(session, visit).id
    with server.session() as session:
        restricted = session.get(models.RestrictedItem, (TERMLY, "criterion", "scr-check"))
        assert restricted is not None

    peer = server.enrol(world.peer)  # holds a safeguarding role
    peer_tablet = server.enrol(world.peer, "Tablet")
    lead = server.enrol(world.lead)  # does not
    scr_field = "scr-check.records-sampled"
    secret = [
        peer.op(
            review,
            "append",
            "judgement",
            "j-scr",
            {"criterion_id": "scr-check", "level_key": "met", "author_id": world.peer},
        ),
        peer.op(
            review, "set", "field_value", review, {"value": 40}, field=scr_field, base_version=0
        ),
        peer.op(
            review,
            "append",
            "evidence_note",
            "n-scr",
            {
                "text": "2 gaps in rows R7, R9",
                "criterion_ids": ["scr-check"],
                "author_id": world.peer,
            },
        ),
    ]
    ordinary = [
        peer.op(
            review,
            "append",
            "evidence_note",
            "n-walk",
            {
                "text": "Calm corridors",
                "criterion_ids": ["joint-learning-walk"],
                "author_id": world.peer,
            },
        ),
        peer.op(
            review,
            "set",
            "field_value",
            review,
            {"value": "Good"},
            field="joint-learning-walk.notes",
            base_version=0,
        ),
    ]
    results = peer.push(review, secret + ordinary).json()["results"]
    assert [r["status"] for r in results] == ["accepted"] * 5
    clash = peer_tablet.op(
        review, "set", "field_value", review, {"value": 41}, field=scr_field, base_version=0
    )
    assert peer_tablet.push(review, [clash]).json()["results"][0]["status"] == "conflict"

    everything = [c["op_id"] for c in peer.pull_all(review)]
    assert len(everything) == 6
    seen_by_lead = lead.pull_all(review)
    assert [c["op_id"] for c in seen_by_lead] == [op["op_id"] for op in ordinary]
    page = lead.pull(review, since=0, limit=500).json()
    assert page["next_cursor"] == 6  # the cursor moves past what is withheld
    assert lead.http.get(f"/reviews/{review}/conflicts").json() == []
    assert len(peer.http.get(f"/reviews/{review}/conflicts").json()) == 1

    attempt = lead.op(
        review, "set", "field_value", review, {"value": 0}, field=scr_field, base_version=1
    )
    result = lead.push(review, [attempt]).json()["results"][0]
    assert (result["status"], result["reason"]) == ("rejected", "not_allowed")
    assert "safeguarding" in result["message"]


def test_files_attached_only_to_restricted_notes_reach_only_safeguarding_roles(
    server: Harness, world: World
) -> None:
    with server.admin() as session:
        adm.import_frameworks(session, FRAMEWORKS)
        visit = adm.create_visit(
            session,
            world.school_a,
            TERMLY,
            start=date(2026, 9, 14),
            end=date(2026, 9, 14),
            team=[(world.lead, "lead_reviewer"), (world.peer, "peer_reviewer")],
        ).id
        review = adm.create_review(session, visit).id
    peer = server.enrol(world.peer)  # holds a safeguarding role
    lead = server.enrol(world.lead)  # does not

    def attach(key: str, data: bytes, criteria: list[str]) -> tuple[str, list[dict[str, Any]]]:
        sha = hashlib.sha256(data).hexdigest()
        assert peer.http.put(f"/blobs/{sha}", content=data).status_code in (200, 201)
        ops = [
            peer.op(review, "append", "attachment", f"a-{key}", {"sha256": sha, "filename": key}),
            peer.op(
                review,
                "append",
                "evidence_note",
                f"n-{key}",
                {
                    "text": f"See {key}",
                    "criterion_ids": criteria,
                    "attachment_ids": [f"a-{key}"],
                    "author_id": world.peer,
                },
            ),
        ]
        return sha, ops

    scr_sha, scr_ops = attach("scr", b"rows R7 and R9 of the SCR", ["scr-check"])
    walk_sha, walk_ops = attach("walk", b"a calm corridor", ["joint-learning-walk"])
    results = peer.push(review, scr_ops + walk_ops).json()["results"]
    assert [r["status"] for r in results] == ["accepted"] * 4

    assert peer.http.get(f"/blobs/{scr_sha}").content == b"rows R7 and R9 of the SCR"
    assert lead.http.get(f"/blobs/{walk_sha}").content == b"a calm corridor"
    refused = lead.http.get(f"/blobs/{scr_sha}")
    assert refused.status_code == 404  # the same answer as for a file that does not exist
    # Nor does the attachment's record (its file name) reach the lead's laptop.
    pulled = {c["entity_id"] for c in lead.pull_all(review)}
    assert "a-walk" in pulled
    assert "a-scr" not in pulled
    assert "a-scr" in {c["entity_id"] for c in peer.pull_all(review)}

    # The same file cited by an open note too is no longer secret to the lead.
    _, again = attach("scr-open", b"rows R7 and R9 of the SCR", ["joint-learning-walk"])
    assert [r["status"] for r in peer.push(review, again).json()["results"]] == ["accepted"] * 2
    assert lead.http.get(f"/blobs/{scr_sha}").status_code == 200
