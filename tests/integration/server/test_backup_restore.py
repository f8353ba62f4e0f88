"""The backup and restore of docs/deploy.md, done as it says on PostgreSQL: a server in use is
backed up (``pg_dump`` of the database, then ``tar`` of the blob folder), restored into a fresh
database and blob folder, served again, and laptops sync from the restored server: the one that
was enrolled keeps working with its token, and a newly enrolled one receives the review's note
and photo."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from server_process import free_port, run, serving
from sqlalchemy.engine import make_url

from keyring_backends import MemoryKeyring, keyring_in_use
from reviewer_app.paths import AppPaths, frameworks_dir
from reviewer_app.server import administration as adm
from reviewer_app.server.database import create_server_engine, migrate, write_session
from reviewer_app.server.enrolment import issue_code
from reviewer_app.services import enrolment
from reviewer_app.services.review_session import open_review
from reviewer_app.services.sync_service import SyncService
from reviewer_app.services.workspace import Workspace
from support.photos import photo_bytes
from support.throwaway_postgres import ThrowawayPostgres, postgres_base_url

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


def libpq_url(sqlalchemy_url: str) -> str:
    """The database URL for ``pg_dump`` and ``pg_restore`` (no ``+psycopg`` driver part)."""
    return (
        make_url(sqlalchemy_url).set(drivername="postgresql").render_as_string(hide_password=False)
    )


@pytest.fixture
def databases() -> Iterator[tuple[ThrowawayPostgres, ThrowawayPostgres]]:
    base = postgres_base_url()
    used, fresh = ThrowawayPostgres(base), ThrowawayPostgres(base)
    used.create()
    fresh.create()
    try:
        yield used, fresh
    finally:
        used.drop()
        fresh.drop()


@pytest.fixture
def memory_keyring() -> Iterator[None]:
    with keyring_in_use(MemoryKeyring()):
        yield


class LaptopStore:
    def __init__(self, folder: Path) -> None:
        self.workspace = Workspace.open(AppPaths.from_base(folder))
        self.sync = SyncService(self.workspace.store, self.workspace.lane)

    def enrol(self, server: str, code: str, name: str) -> None:
        enrolment.enrol(self.workspace.store, self.workspace.lane, server, code, device_name=name)
        self.workspace.reload_identity()


def test_a_backup_restored_into_a_fresh_server_syncs_laptops(
    tmp_path: Path,
    databases: tuple[ThrowawayPostgres, ThrowawayPostgres],
    memory_keyring: None,
) -> None:
    used, fresh = databases
    old_dir, new_dir = tmp_path / "server", tmp_path / "restored"
    old = ["--data-dir", str(old_dir), "--database-url", used.url]
    new = ["--data-dir", str(new_dir), "--database-url", fresh.url]
    day = date.today() + timedelta(days=1)
    # The server in use is set up in this process (the admin commands have tests of their own):
    # every reviewer-app-server start costs seconds on a loaded machine, and this test is about
    # the backup, the restore and the migrate and serve that follow, which run as processes.
    engine = create_server_engine(used.url)
    migrate(engine)
    with write_session(engine) as session:
        trust = adm.create_trust(session, "Oak Learning Trust").id
        school = adm.create_school(
            session, trust, urn="145218", name="Oakfield Primary Academy", phase="primary"
        ).id
        adm.import_frameworks(session, frameworks_dir())
        people = {
            key: adm.create_person(
                session, trust, name=name, email=f"{key}@oak.example", roles=[role]
            ).id
            for key, name, role in (
                ("lee", "Lee Lead", "lead_reviewer"),
                ("pat", "Pat Peer", "peer_reviewer"),
            )
        }
        for person in people.values():
            adm.assign(session, person, school)
        visit = adm.create_visit(
            session, school, "learning-walk", start=day, end=day,
            team=[(people["lee"], "lead_reviewer"), (people["pat"], "peer_reviewer")],
        ).id  # fmt: skip
        lee_code = issue_code(session, people["lee"])
    engine.dispose()
    photo = photo_bytes("phonics display", "PNG")

    port = free_port()
    lee = LaptopStore(tmp_path / "lee")
    pat = LaptopStore(tmp_path / "pat")
    try:
        with serving(*old, "serve", port=port) as (url, _printed):
            lee.enrol(url, lee_code, "Lee's")
            lee.sync.sync_now()
            review = open_review(lee.workspace, visit).review.id
            lee.workspace.reviews.add_note(review, "Phonics groups were well matched")
            lee.workspace.reviews.add_attachment(review, "display.png", "image/png", photo)
            assert lee.sync.sync_now().accepted >= 2

        # Back up as docs/deploy.md says: the database first, then the blob folder.
        dump, blobs = tmp_path / "reviewer.dump", tmp_path / "reviewer-blobs.tar.gz"
        subprocess.run(
            ["pg_dump", "--format=custom", f"--file={dump}", libpq_url(used.url)],
            check=True,
            timeout=120,
        )
        subprocess.run(["tar", "-C", str(old_dir), "-czf", str(blobs), "blobs"], check=True)
        shutil.rmtree(old_dir)  # the old machine is gone

        # Restore into a fresh, empty database and data folder.
        subprocess.run(
            ["pg_restore", "--no-owner", f"--dbname={libpq_url(fresh.url)}", str(dump)],
            check=True,
            timeout=120,
        )
        new_dir.mkdir()
        subprocess.run(["tar", "-C", str(new_dir), "-xzf", str(blobs)], check=True)
        migrated = run(*new, "migrate").stdout
        assert "up to date" in migrated

        with serving(*new, "serve", port=port) as (url, _printed):
            # The laptop enrolled before the backup keeps its token and syncs.
            lee.workspace.reviews.add_note(review, "Written after the restore")
            assert lee.sync.sync_now().accepted == 1
            # A laptop enrolled on the restored server receives the note and the photo.
            pat.enrol(url, run(*new, "admin", "issue-code", people["pat"]).stdout.strip(), "Pat's")
            pat.sync.sync_now()
            notes = {n.text for n in pat.workspace.reviews.notes(review)}
            assert notes == {"Phonics groups were well matched", "Written after the restore"}
            (attachment,) = pat.workspace.reviews.attachments(review)
            assert pat.workspace.reviews.attachment_data(attachment) == photo
    finally:
        lee.workspace.close()
        pat.workspace.close()
