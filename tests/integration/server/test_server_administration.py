"""Trust admin functions: frameworks from the files, and refusals that name the problem."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from reviewer_app.domain.errors import NotFoundError, ValidationError
from reviewer_app.server import administration as adm
from reviewer_app.server import models

if TYPE_CHECKING:
    from conftest import Harness, World

FRAMEWORKS = Path(__file__).resolve().parents[3] / "frameworks"


def test_frameworks_are_registered_with_the_access_their_files_set(server: Harness) -> None:
    with server.admin() as session:
        registered = {f.id: f.safeguarding for f in adm.import_frameworks(session, FRAMEWORKS)}
    assert registered["safeguarding-audit"] is True
    assert registered["learning-walk"] is False
    assert registered["two-day-peer-review"] is False
    with server.session() as session:
        audit = session.get(models.Framework, "safeguarding-audit")
        assert audit is not None
        assert audit.title


def test_a_broken_frameworks_folder_registers_nothing(server: Harness, tmp_path: Path) -> None:
    (tmp_path / "broken.yaml").write_text("kind: framework\nid: broken\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="have problems"), server.admin() as session:
        adm.import_frameworks(session, tmp_path)
    assert server.count("framework") == 0


def test_refusals_name_what_is_wrong(server: Harness, world: World) -> None:
    with server.admin() as session:
        other_trust = adm.create_trust(session, "Elm Trust").id
        stranger = adm.create_person(session, other_trust, name="Sam", email="sam@elm.example").id
    with pytest.raises(ValidationError, match="different trusts"), server.admin() as session:
        adm.assign(session, stranger, world.school_a)
    with pytest.raises(ValidationError, match="already exists"), server.admin() as session:
        adm.create_person(session, world.trust, name="Lee Again", email="lee@oak.example")
    with pytest.raises(ValidationError, match="at most one lead"), server.admin() as session:
        adm.create_visit(
            session,
            world.school_a,
            "learning_walk",
            start=date(2026, 5, 1),
            end=date(2026, 5, 1),
            team=[(world.lead, "lead_reviewer"), (world.dsl, "lead_reviewer")],
        )
    with pytest.raises(ValidationError, match="not a role on a visit team"), server.admin() as s:
        adm.create_visit(
            s,
            world.school_a,
            "learning_walk",
            start=date(2026, 5, 1),
            end=date(2026, 5, 1),
            team=[(world.lead, "trust_admin")],
        )
    with pytest.raises(NotFoundError, match="no framework"), server.admin() as session:
        adm.create_visit(
            session,
            world.school_a,
            "unknown",
            start=date(2026, 5, 1),
            end=date(2026, 5, 1),
            team=[(world.lead, "lead_reviewer")],
        )
    with pytest.raises(ValidationError, match="not a school phase"), server.admin() as session:
        adm.create_school(session, world.trust, urn="123456", name="X", phase="kindergarten")
    # Roles can be granted and taken away again, idempotently.
    with server.admin() as session:
        adm.grant_role(session, world.observer, "safeguarding_lead")
        adm.grant_role(session, world.observer, "safeguarding_lead")
    observer = server.enrol(world.observer)
    readable = {r["review_id"] for r in observer.handshake().json()["reviews"]}
    assert readable == {world.walk_review, world.audit_review}
    with server.admin() as session:
        adm.revoke_role(session, world.observer, "safeguarding_lead")
        adm.unassign(session, world.observer, world.school_a)
    assert observer.handshake().json()["reviews"] == []
