"""Every read of restricted safeguarding detail by a laptop's pull is in the audit log: who,
which laptop, which review, how many items; pulls that carry none, and other people's pulls
(which leave restricted parts out), are not logged."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from sqlmodel import col, select

from reviewer_app.server import administration as adm
from reviewer_app.server import models

if TYPE_CHECKING:
    from conftest import Harness, World

FRAMEWORKS = Path(__file__).resolve().parents[3] / "frameworks"
TERMLY = "half-termly-core-visit"


def _reads(server: Harness) -> list[models.AuditEvent]:
    with server.session() as session:
        return list(
            session.exec(
                select(models.AuditEvent)
                .where(models.AuditEvent.action == "restricted.read")
                .order_by(col(models.AuditEvent.id))  # oldest first: PostgreSQL keeps no order
            ).all()
        )


def test_pulls_of_restricted_detail_are_logged_with_names(server: Harness, world: World) -> None:
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
    peer = server.enrol(world.peer, "Pat's laptop")  # a safeguarding role
    lead = server.enrol(world.lead, "Lee's laptop")  # not
    open_note = lead.note(review, "Corridors calm at lunch")
    assert lead.push(review, [open_note]).status_code == 200
    assert peer.pull(review).status_code == 200
    assert _reads(server) == []  # nothing restricted in it yet

    scr = peer.op(
        review,
        "append",
        "judgement",
        "j-scr",
        {"criterion_id": "scr-check", "level_key": "met", "author_id": world.peer},
    )
    assert peer.push(review, [scr]).json()["results"][0]["status"] == "accepted"
    assert lead.pull(review).status_code == 200  # the lead does not receive it: not logged
    assert _reads(server) == []
    assert peer.pull(review).status_code == 200
    (event,) = _reads(server)
    assert event.actor_id == world.peer
    assert event.via == "laptop"
    assert event.subject_id == review
    assert event.trust_id == world.trust
    assert event.summary == (
        "Pat Peer received 1 restricted safeguarding item of the Half-termly core visit review "
        "at Ash Primary (14 Sep 2026) on the laptop Pat's laptop"
    )

    # A whole safeguarding audit is restricted: every item of the DSL's pull counts.
    dsl = server.enrol(world.dsl, "Dee's laptop")
    assert (
        dsl.push(world.audit_review, [dsl.note(world.audit_review, "SCR checked")]).status_code
        == 200
    )
    assert dsl.pull(world.audit_review).status_code == 200
    latest = _reads(server)[-1]
    assert latest.actor_id == world.dsl
    assert "1 restricted safeguarding item of the Safeguarding audit review" in latest.summary
