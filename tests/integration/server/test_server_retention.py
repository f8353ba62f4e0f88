"""Retention on the trust server (issue 20, item 2), on SQLite and PostgreSQL: the dry run lists
what the schedule says must go and why; apply purges exactly those rows and files, keeps what a
legal hold covers, and leaves signed tombstones that verify (and stop verifying when edited).
Driven through ``reviewer-app-server admin retention`` where a user would."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from reviewer_app.server import models
from reviewer_app.server import retention as schedule
from reviewer_app.server import retention_purge as purge
from reviewer_app.server.audit import Actor

if TYPE_CHECKING:
    from conftest import Harness, World

#: The walk (March 2026) is due after 31 August 2032 (6 years); the audit after 2036 (10).
AFTER_THE_WALK = date(2032, 9, 2)
ME = Actor(name="Dana DPO", via="command line")
SERVER = str(Path(sys.executable).parent / "reviewer-app-server")


def _with_a_photo(server: Harness, world: World) -> str:
    lead = server.enrol(world.lead)
    data = os.urandom(4000)
    sha = hashlib.sha256(data).hexdigest()
    assert lead.http.put(f"/blobs/{sha}", content=data).status_code == 201
    ops = [
        lead.note(world.walk_review, "Year 4 maths: strong reasoning"),
        lead.op(
            world.walk_review,
            "append",
            "attachment",
            "photo-1",
            {"sha256": sha, "filename": "wall.jpg", "size": len(data)},
        ),
    ]
    response = lead.push(world.walk_review, ops)
    assert response.status_code == 200, response.text
    dsl = server.enrol(world.dsl)
    assert dsl.push(world.audit_review, [dsl.note(world.audit_review)]).status_code == 200
    return sha


def _rows_of(session: Session, review_id: str) -> int:
    return sum(
        len(session.exec(select(t).where(t.review_id == review_id)).all())
        for t in (models.Record, models.ChangeLog, models.AppliedOp, models.FieldState)
    )


def test_dry_run_lists_then_apply_purges_exactly_that_with_a_signed_tombstone(
    server: Harness, world: World, tmp_path: Path
) -> None:
    sha = _with_a_photo(server, world)
    blob_file = server.live.blob_root / sha[:2] / sha
    assert blob_file.is_file()
    key = purge.TombstoneKey(tmp_path / "retention")

    with server.admin() as s:
        listed = schedule.plan(s, world.trust, AFTER_THE_WALK)
        lines = listed.lines()
    [due] = listed.due
    assert due.visit_id == world.walk_visit
    assert due.review_ids == (world.walk_review,)
    assert due.files == (sha,)
    assert any(
        "Ash Primary: Learning walk visit of 03 March 2026" in line
        and "Reviews with Learning walk: 6 years" in line
        for line in lines
    )
    with server.session() as s:  # the dry run changed nothing
        assert s.get(models.Review, world.walk_review) is not None
        assert _rows_of(s, world.walk_review) > 0

    with server.admin() as s:
        purged = purge.apply(s, world.trust, key, today=AFTER_THE_WALK, actor=ME)
    assert purge.remove_files(server.live.blob_root, purged.files) == []
    assert purged.files == [sha]
    # The visit's tombstone (the enrolment codes of 2026 have gone by 2032 too, in their own).
    [tombstone] = [t for t in purged.tombstones if t.kind == "visit"]
    assert [t.kind for t in purged.tombstones if t.kind != "visit"] == ["sign-in records"]

    with server.session() as s:
        assert s.get(models.Review, world.walk_review) is None
        assert s.get(models.Visit, world.walk_visit) is None
        assert _rows_of(s, world.walk_review) == 0
        assert s.get(models.Blob, sha) is None
        # The safeguarding audit is not due (10 years) and keeps everything.
        assert s.get(models.Review, world.audit_review) is not None
        assert _rows_of(s, world.audit_review) > 0
        [stored] = [t for t in purge.tombstones(s, world.trust) if t.kind == "visit"]
        assert stored.id == tombstone.id
        assert stored.review_ids == [world.walk_review]
        assert stored.content["files"] == [sha]
        assert stored.content["rows"] == due.rows
        assert stored.purged_by == "Dana DPO"
        assert "Year 4 maths" not in str(stored.content)  # never content
        assert key.verifies(stored)
        assert purge.purged_reviews(s, world.trust) == [
            (world.walk_review, world.walk_visit, due.why)
        ]
    assert not blob_file.exists()

    # An edited tombstone no longer verifies.
    with server.engine.begin() as connection:
        connection.execute(sa.update(models.RetentionTombstone).values(rule="Reviews: 1 year"))
    with server.session() as s:
        assert not any(key.verifies(t) for t in purge.tombstones(s, world.trust))


def test_a_legal_hold_keeps_a_school_until_it_is_lifted(
    server: Harness, world: World, tmp_path: Path
) -> None:
    key = purge.TombstoneKey(tmp_path / "retention")
    with server.admin() as s:
        hold = schedule.place_hold(
            s, world.trust, school_id=world.school_a, reason="Local authority inquiry", actor=ME
        )
        hold_id = hold.id
    with server.admin() as s:
        listed = schedule.plan(s, world.trust, AFTER_THE_WALK)
        assert listed.due == []
        [kept] = listed.held
        assert "Local authority inquiry" in kept.held_by[0]
        purged = purge.apply(s, world.trust, key, today=AFTER_THE_WALK, actor=ME)
    assert purged.tombstones == []
    assert purged.kept_by_holds == 1
    with server.session() as s:
        assert s.get(models.Review, world.walk_review) is not None
    with server.admin() as s:
        schedule.lift_hold(s, hold_id, actor=ME)
    with server.admin() as s:
        purged = purge.apply(s, world.trust, key, today=AFTER_THE_WALK, actor=ME)
    assert [t.subject_id for t in purged.tombstones] == [world.walk_visit]


def test_a_hold_on_one_review_and_a_framework_period(server: Harness, world: World) -> None:
    with server.admin() as s:
        schedule.set_rule(s, world.trust, "framework:safeguarding_audit", 2, actor=ME)
        schedule.place_hold(
            s, world.trust, review_id=world.walk_review, reason="Subject access request", actor=ME
        )
    with server.admin() as s:
        listed = schedule.plan(s, world.trust, date(2028, 9, 1))
        assert [d.visit_id for d in listed.due] == [world.audit_visit]
        assert "Reviews with Safeguarding audit: 2 years" in listed.due[0].why
        listed = schedule.plan(s, world.trust, AFTER_THE_WALK)
        assert [d.visit_id for d in listed.held] == [world.walk_visit]


def test_bad_periods_and_scopes_are_refused_by_name(server: Harness, world: World) -> None:
    from reviewer_app.domain.errors import ReviewerError

    with server.admin() as s:
        with pytest.raises(ReviewerError, match="'pupil files' is not something"):
            schedule.set_rule(s, world.trust, "pupil files", 6)
        with pytest.raises(ReviewerError, match="laptop copies of 0 days is out of range"):
            schedule.set_rule(s, world.trust, "laptop copies", 0)
        with pytest.raises(ReviewerError, match="no framework nope"):
            schedule.set_rule(s, world.trust, "framework:nope", 3)
        with pytest.raises(ReviewerError, match="needs its reason"):
            schedule.place_hold(s, world.trust, school_id=world.school_a, reason="  ")


def test_the_command_line_dry_run_apply_and_verify(
    server: Harness, world: World, tmp_path: Path
) -> None:
    """The documented commands as real processes, on the test server's database and blobs."""
    sha = _with_a_photo(server, world)
    data_dir = server.live.blob_root.parent
    url = server.engine.url.render_as_string(hide_password=False)
    base = [SERVER, "--data-dir", str(data_dir), "--database-url", url, "admin", "retention"]
    today = ["--today", AFTER_THE_WALK.isoformat()]

    def run(*args: str) -> str:
        done = subprocess.run([*base, *args], capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        return done.stdout

    try:
        out = run("apply", "--dry-run", *today)
        assert "Ash Primary: Learning walk visit of 03 March 2026 (1 review(s)" in out
        assert "1 file(s)" in out
        assert "Nothing was deleted (a dry run)." in out
        with server.session() as s:
            assert s.get(models.Review, world.walk_review) is not None

        assert "Purged under Reviews with Learning walk: 6 years" in run("apply", *today)
        assert not (server.live.blob_root / sha[:2] / sha).exists()
        assert "signature verifies" in run("tombstones", "--verify")
        with server.session() as s:
            actions = s.exec(select(models.AuditEvent.action)).all()
        assert "retention.purged" in actions
    finally:
        for leftover in (data_dir / "retention").glob("*"):
            leftover.unlink()


def test_old_audit_entries_and_sign_in_records_go_and_the_recent_stay(
    server: Harness, world: World, tmp_path: Path
) -> None:
    from reviewer_app.server.enrolment import issue_code

    key = purge.TombstoneKey(tmp_path / "retention")
    with server.admin() as s:
        issue_code(s, world.lead)
        issue_code(s, world.peer)
    long_ago = datetime(2019, 1, 1, tzinfo=UTC)
    with server.engine.begin() as connection:
        connection.execute(
            sa.update(models.EnrolmentCode)
            .where(models.EnrolmentCode.person_id == world.lead)
            .values(expires_at=long_ago)
        )
        old_event = connection.execute(sa.select(sa.func.min(models.AuditEvent.id))).scalar_one()
        connection.execute(
            sa.update(models.AuditEvent)
            .where(models.AuditEvent.id == old_event)
            .values(at=long_ago)
        )
    events_before = server.count("audit_event")
    today = date(2026, 12, 7)
    with server.admin() as s:
        listed = schedule.plan(s, world.trust, today)
        assert listed.due == []
        words = {d.scope: d.rows for d in listed.dated}
        assert words == {"audit log": {"audit_event": 1}, "sign-in records": {"enrolment_code": 1}}
        assert "1 audit log entries from before 07 December 2020: Audit log: 6 years" in "\n".join(
            listed.lines()
        )
        purged = purge.apply(s, world.trust, key, today=today, actor=ME)
    assert sorted(t.kind for t in purged.tombstones) == ["audit log", "sign-in records"]
    assert server.count("enrolment_code") == 1  # the peer's, still in date
    # One old entry gone, one entry about the purge added.
    assert server.count("audit_event") == events_before
    with server.session() as s:
        assert (
            s.exec(select(models.AuditEvent).where(models.AuditEvent.id == old_event)).first()
            is None
        )
        assert all(key.verifies(t) for t in purge.tombstones(s, world.trust))
