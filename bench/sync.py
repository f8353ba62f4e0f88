"""Sync throughput on loopback against raw HTTP, measured in the same run.

    uv run python bench/sync.py [--operations 10000]

The real trust server (uvicorn, SQLite) runs in its own process, as it does in use (another
machine), with three extra trivial routes; laptops with real encrypted stores run in this one:

* **push**: a laptop with N queued evidence notes syncs; the push stage is timed from the
  engine's progress reports. Baseline: httpx posting the *same* request bodies (batches of
  ``MAX_BATCH`` operations) to ``POST /bench/echo``, which only parses the JSON.
* **storage floor**: the rows that push stored (change log, record, stored answer per operation),
  read back and written straight to a copy of the server's database as it was before the push,
  with ``sqlite3``, in the same batches, each committed as the server commits. No HTTP, no
  validation, no logic: what durable storage alone costs.
* **pull**: a second laptop pulls the N changes (pages of 1000) and applies them. Baseline:
  httpx fetching a body of the same size (a real changes page) from ``GET /bench/page`` as often.
* **empty sync**: round trips and time of a sync with nothing to do on a small and a large store.

Prints operations per second for each, and sync throughput as a percentage of raw HTTP
(target: at least 25%). The raw baselines and the floor are the best of three runs; the sync
is timed once.

Why push cannot reach 25% of raw HTTP here: the storage floor line shows it. On the shared
2-core machine (a disk flush costs 7-17 ms) the push's rows alone, written with nothing else,
come to 23,000 ops/s, 27% of raw HTTP (86,000 ops/s with 1000-operation bodies); a push must
also carry its bytes, so even a push with free validation, hashing and logic would reach
1 / (1/23,000 + 1/86,000) = about 18,000 ops/s, 21% of raw. The target would need giving up
durability (``synchronous=FULL``) or the exactly-once bookkeeping the issue asks for.

Measured (10,000 operations; other work on the machine moves every figure by 2-3x):

* first rounds (server in the same process): pull about 1% -> 6-11% of raw (notes of a pulled
  page inserted together); push 1.5-6%, 2,000-2,600 ops/s.
* this round: server in its own process; the laptop reads and encodes the next batch while the
  current one travels; ``MAX_BATCH`` 200 -> 1000 (a push's transaction, access checks and disk
  flush are paid per batch); the record lookup of a batch walks the primary key (it read every
  record of the review per batch, so a push slowed as the review grew); operation digests
  written out rather than dumped by pydantic; accepted answers built without re-validation;
  rows inserted with the driver's ``executemany``; payloads checked without pydantic's
  ``JsonValue`` walk; each pulled page stored while the next is fetched. Server CPU per
  pushed operation (the server code timed alone, in process: validation, access, apply,
  commit, answer): about 270-300 -> 200 us. End to end: push 2,600-3,300 ops/s, 2.4-6% of raw
  HTTP, whose own rate doubled with the larger bodies; pull 7,200-7,500 ops/s, 7-15%.
* a sync with nothing to do: one round trip, small store or large.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import shutil
import sqlite3
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import date, datetime
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import httpx
import keyring
import uvicorn
from fastapi import Request, Response
from keyring.backend import KeyringBackend

from reviewer_app.domain.ids import new_id
from reviewer_app.domain.review import EvidenceNote
from reviewer_app.paths import AppPaths
from reviewer_app.server import administration as adm
from reviewer_app.server.app import create_app
from reviewer_app.server.blob_store import BlobStore
from reviewer_app.server.database import create_server_engine, migrate, write_session
from reviewer_app.server.device_limits import DeviceLimits
from reviewer_app.server.enrolment import issue_code
from reviewer_app.server.request_context import ServerContext
from reviewer_app.services import enrolment
from reviewer_app.services.sync_service import SyncService
from reviewer_app.services.workspace import Workspace
from reviewer_app.storage.evidence_repository import EvidenceRepository
from reviewer_app.sync.protocol import MAX_BATCH, MAX_PULL_LIMIT, PROTOCOL_VERSION, PushRequest
from reviewer_app.sync.session_types import SyncProgress


class _MemoryKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.secrets.pop((service, username), None)


class _Server:
    """The trust server in its own process (as it is in use: another machine), on loopback.

    This process keeps an engine on the same SQLite file to set up the trust's world.
    """

    def __init__(self, folder: Path) -> None:
        self.engine = create_server_engine(f"sqlite:///{folder / 'server.sqlite3'}")
        migrate(self.engine)
        (folder / "blobs").mkdir()
        context = multiprocessing.get_context("spawn")
        parent, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(folder, child), daemon=True)
        self.process.start()
        if not parent.poll(60):
            raise RuntimeError("the bench server did not start within 60 s")
        self.url: str = parent.recv()

    def stop(self) -> None:
        self.process.terminate()
        self.process.join(timeout=20)
        self.engine.dispose()


def _serve(folder: Path, report: Connection) -> None:
    """Child process: the real server app plus two baseline routes, until terminated."""
    engine = create_server_engine(f"sqlite:///{folder / 'server.sqlite3'}")
    # A benchmark syncs far faster than laptops do: no request rates are counted.
    unlimited = DeviceLimits(pushes_per_minute=10**6, pulls_per_minute=10**6)
    app = create_app(
        ServerContext(engine=engine, blobs=BlobStore(folder / "blobs"), limits=unlimited)
    )
    page_body = [b"{}"]

    @app.post("/bench/echo")
    async def echo(request: Request) -> dict[str, Any]:
        body = json.loads(await request.body())
        return {"received": len(body["operations"])}

    @app.put("/bench/page")
    async def keep_page(request: Request) -> dict[str, Any]:
        page_body[0] = await request.body()
        return {"bytes": len(page_body[0])}

    @app.get("/bench/page")
    def page() -> Response:
        return Response(page_body[0], media_type="application/json")

    config = uvicorn.Config(
        app, host="127.0.0.1", port=0, log_config=None, access_log=False, lifespan="off"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    report.send(f"http://127.0.0.1:{port}")
    thread.join()


def _world(server: _Server) -> tuple[str, str, str]:
    with write_session(server.engine) as s:
        trust = adm.create_trust(s, "Bench Trust").id
        school = adm.create_school(s, trust, urn="100001", name="Bench Primary", phase="primary").id
        adm.add_framework(s, "learning_walk")
        lead = adm.create_person(s, trust, name="Lee", email="lee@bench.example").id
        peer = adm.create_person(s, trust, name="Pat", email="pat@bench.example").id
        for person in (lead, peer):
            adm.assign(s, person, school)
        visit = adm.create_visit(
            s, school, "learning_walk", start=date(2026, 1, 5), end=date(2026, 1, 6),
            team=[(lead, "lead_reviewer"), (peer, "peer_reviewer")],
        ).id  # fmt: skip
        review = adm.create_review(s, visit).id
    return lead, peer, review


def _laptop(folder: Path, server: _Server, person: str) -> tuple[Workspace, SyncService]:
    workspace = Workspace.open(AppPaths.from_base(folder))
    with write_session(server.engine) as s:
        code = issue_code(s, person)
    enrolment.enrol(workspace.store, workspace.lane, server.url, code, device_name=folder.name)
    workspace.reload_identity()
    return workspace, SyncService(workspace.store, workspace.lane)


def _queue_notes(workspace: Workspace, review: str, author: str, count: int) -> None:
    def write() -> None:
        with workspace.store.writing() as session:
            repo = EvidenceRepository(session)
            now = datetime.now().astimezone()
            for index in range(count):
                repo.add_note(
                    EvidenceNote(
                        id=new_id(), review_id=review, author_id=author, captured_at=now,
                        text=f"Observation {index}: pupils explained their reasoning clearly.",
                        criterion_ids=("leadership",),
                    )
                )  # fmt: skip

    workspace.lane.call(write)


def _timed_sync(service: SyncService) -> tuple[dict[str, float], Any]:
    marks: dict[str, float] = {}

    def progress(step: SyncProgress) -> None:
        marks.setdefault(step.stage, time.perf_counter())

    start = time.perf_counter()
    result = service.sync_now(progress)
    marks["end"] = time.perf_counter()
    marks["start"] = start
    return marks, result


def _snapshot(database: Path, copy: Path) -> None:
    """A consistent copy of a live SQLite database (the backup API)."""
    with sqlite3.connect(database) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    source.close()
    target.close()


#: The tables a push writes, and which rows of each belong to one review.
_PUSH_TABLES = ("change_log", "record", "applied_op")


def _storage_floor(server_db: Path, before_push: Path, scratch: Path, review: str) -> float:
    """Seconds to write the rows the push stored, with nothing else: no HTTP, no validation.

    The rows are read back from the server's database and inserted with ``sqlite3`` into a copy
    of that database as it was before the push (same schema, indexes and foreign keys), in the
    push's batches, each committed as the server commits (WAL, ``synchronous=FULL``). Best of
    three runs.
    """
    with sqlite3.connect(server_db) as server:
        rows = {
            table: server.execute(
                f"SELECT * FROM {table} WHERE review_id = ? ORDER BY rowid", (review,)
            ).fetchall()
            for table in _PUSH_TABLES
        }
    server.close()
    count = len(rows["applied_op"])

    def once() -> float:
        scratch.unlink(missing_ok=True)
        shutil.copyfile(before_push, scratch)
        database = sqlite3.connect(scratch, isolation_level=None)
        for pragma in ("foreign_keys = ON", "journal_mode = WAL", "synchronous = FULL"):
            database.execute(f"PRAGMA {pragma}")
        start = time.perf_counter()
        for first in range(0, count, MAX_BATCH):
            database.execute("BEGIN IMMEDIATE")
            for table in _PUSH_TABLES:
                batch = rows[table][first : first + MAX_BATCH]
                marks = ", ".join("?" * len(batch[0]))
                database.executemany(f"INSERT INTO {table} VALUES ({marks})", batch)
            database.execute("COMMIT")
        seconds = time.perf_counter() - start
        database.close()
        return seconds

    return _best(3, once)


def _rate(count: int, seconds: float) -> float:
    return count / seconds if seconds > 0 else float("inf")


def _best(runs: int, fn: Callable[[], float]) -> float:
    return min(fn() for _ in range(runs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--operations", type=int, default=10_000)
    args = parser.parse_args()
    count: int = args.operations
    keyring.set_keyring(_MemoryKeyring())
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "server").mkdir()
        server = _Server(root / "server")
        try:
            lead, peer, review = _world(server)
            pusher, push_service = _laptop(root / "pusher", server, peer)
            puller, pull_service = _laptop(root / "puller", server, lead)
            small, small_service = _laptop(root / "small", server, lead)
            push_service.sync_now()
            pull_service.sync_now()

            before_push = root / "before-push.sqlite3"
            _snapshot(root / "server" / "server.sqlite3", before_push)
            _queue_notes(pusher, review, peer, count)
            bodies = []
            after = 0
            while batch := push_service.outbox.pending_operations(review, after, MAX_BATCH):
                body = PushRequest(protocol_version=PROTOCOL_VERSION, operations=batch)
                bodies.append(body.model_dump_json().encode())
                after = batch[-1].device_seq

            marks, pushed = _timed_sync(push_service)
            assert pushed.accepted == count, pushed
            push_seconds = marks["pull"] - marks["push"]

            with httpx.Client(base_url=server.url) as raw:

                def raw_push() -> float:
                    start = time.perf_counter()
                    for body in bodies:
                        raw.post(
                            "/bench/echo", content=body,
                            headers={"Content-Type": "application/json"},
                        ).raise_for_status()  # fmt: skip
                    return time.perf_counter() - start

                raw_push_seconds = _best(3, raw_push)
                floor_seconds = _storage_floor(
                    root / "server" / "server.sqlite3", before_push, root / "floor.sqlite3", review
                )

                marks, pulled = _timed_sync(pull_service)
                assert pulled.pulled == count, pulled
                pull_seconds = marks["end"] - marks["pull"]
                pages = -(-count // MAX_PULL_LIMIT)
                url, device = enrolment.enrolled_server(puller.store) or ("", "")
                token = enrolment.device_token(url, device)
                page_body = raw.get(
                    f"/reviews/{review}/changes",
                    params={"since": 0, "limit": MAX_PULL_LIMIT},
                    headers={"Authorization": f"Bearer {token}"},
                ).content
                raw.put("/bench/page", content=page_body).raise_for_status()

                def raw_pull() -> float:
                    start = time.perf_counter()
                    for _ in range(pages):
                        raw.get("/bench/page").json()
                    return time.perf_counter() - start

                raw_pull_seconds = _best(3, raw_pull)

            small_service.sync_now()
            _, quiet_small = _timed_sync(small_service)
            small_marks, _ = _timed_sync(small_service)
            _, quiet_large = _timed_sync(push_service)
            large_marks, _ = _timed_sync(push_service)

            push_rate, raw_push_rate = _rate(count, push_seconds), _rate(count, raw_push_seconds)
            pull_rate, raw_pull_rate = _rate(count, pull_seconds), _rate(count, raw_pull_seconds)
            print(f"sync bench: {count} operations on loopback (SQLite server, SQLCipher stores)")
            print(
                f"push  {push_rate:8.0f} ops/s ({push_seconds:.2f} s, {len(bodies)} batches)   "
                f"raw HTTP {raw_push_rate:8.0f} ops/s   ratio {push_rate / raw_push_rate:6.1%}"
            )
            floor_rate = _rate(count, floor_seconds)
            # The push must at least write its rows and carry its bytes: the two times add up.
            ceiling = floor_rate / (floor_rate + raw_push_rate)
            print(
                f"      storage floor {floor_rate:8.0f} ops/s ({floor_rate / raw_push_rate:.1%} of "
                f"raw HTTP): the push's own rows written straight to SQLite, durably, in its "
                f"batches; with the raw HTTP time added, {ceiling:.1%} of raw HTTP is the most "
                "any durable push could reach on this machine"
            )
            print(
                f"pull  {pull_rate:8.0f} ops/s ({pull_seconds:.2f} s, {pages} pages)      "
                f"raw HTTP {raw_pull_rate:8.0f} ops/s   ratio {pull_rate / raw_pull_rate:6.1%}"
            )
            print(
                f"empty sync: small store {quiet_small.round_trips} round trip "
                f"({(small_marks['end'] - small_marks['start']) * 1000:.0f} ms); "
                f"store with {count} notes {quiet_large.round_trips} round trip "
                f"({(large_marks['end'] - large_marks['start']) * 1000:.0f} ms)"
            )
            for workspace in (pusher, puller, small):
                workspace.close()
        finally:
            server.stop()


if __name__ == "__main__":
    main()
