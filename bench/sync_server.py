"""Benchmark: the trust server alone, pushing and pulling 10,000 operations on loopback.

The issue's figure (sync against raw HTTP, laptops with real stores) is ``bench/sync.py``; this
one leaves the laptop out (the protocol client sends ready-made operations and discards pulled
pages) to show the server's own cost, on SQLite or on PostgreSQL. Its raw floor is stricter than
``bench/sync.py``'s: the very same request bodies posted to a route that does not even parse
them, and the very same response bodies fetched, so the ratio is everything the protocol,
validation, exactly-once bookkeeping and the database cost on top of moving the bytes. Also
shows that a sync with nothing to do is one handshake round trip, whatever the review's size.

    uv run python bench/sync_server.py [--ops 10000] [--postgres postgresql+psycopg://...]
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import httpx
import sqlalchemy as sa
import uvicorn
from fastapi import Request, Response
from sqlalchemy.engine import make_url

from reviewer_app.domain.record_kinds import Entity, OpKind
from reviewer_app.server import administration as adm
from reviewer_app.server.app import create_app, server_context
from reviewer_app.server.blob_store import BlobStore
from reviewer_app.server.database import create_server_engine, migrate, write_session
from reviewer_app.server.device_limits import DeviceLimits
from reviewer_app.server.enrolment import issue_code
from reviewer_app.sync.client import SyncClient
from reviewer_app.sync.protocol import (
    MAX_BATCH,
    MAX_PULL_LIMIT,
    MIN_CLIENT_SCHEMA_VERSION,
    PROTOCOL_VERSION,
    EnrolRequest,
    Operation,
    PushRequest,
)


def _serve(app: object) -> tuple[uvicorn.Server, str]:
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_config=None, access_log=False)  # type: ignore[arg-type]
    server = uvicorn.Server(config)
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    return server, f"http://127.0.0.1:{port}"


def _operations(review_id: str, author_id: str, count: int) -> list[Operation]:
    """Evidence notes as a laptop sends them (the shared record schema's fields)."""
    now = datetime.now(UTC)
    ops = []
    for i in range(count):
        note_id = str(uuid.uuid4())
        ops.append(
            Operation(
                op_id=uuid.uuid4(),
                device_seq=i + 1,
                review_id=review_id,
                entity=Entity.EVIDENCE_NOTE,
                entity_id=note_id,
                kind=OpKind.APPEND,
                payload={
                    "id": note_id,
                    "review_id": review_id,
                    "author_id": author_id,
                    "captured_at": now.isoformat(),
                    "text": f"Observation {i}: pupils explained their reasoning to a partner.",
                    "criterion_ids": ["quality_of_education"],
                    "tags": {"year": "5", "subject": "maths"},
                },
                device_time=now,
            )
        )
    return ops


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ops", type=int, default=10_000)
    parser.add_argument("--postgres", default=None, help="PostgreSQL server URL (else SQLite)")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="bench-sync-"))
    database = None
    if args.postgres:
        database = f"bench_sync_{uuid.uuid4().hex[:8]}"
        admin = sa.create_engine(args.postgres, isolation_level="AUTOCOMMIT")
        with admin.connect() as c:
            c.execute(sa.text(f'CREATE DATABASE "{database}"'))
        url = make_url(args.postgres).set(database=database).render_as_string(hide_password=False)
    else:
        url = f"sqlite:///{folder / 'server.sqlite3'}"
    engine = create_server_engine(url)
    migrate(engine)
    with write_session(engine) as s:
        trust = adm.create_trust(s, "Bench Trust").id
        school = adm.create_school(s, trust, urn="900001", name="Bench School", phase="primary").id
        adm.add_framework(s, "learning_walk")
        lead = adm.create_person(
            s, trust, name="Bench Lead", email="lead@bench.example", roles=["lead_reviewer"]
        ).id
        adm.assign(s, lead, school)
        visit = adm.create_visit(
            s,
            school,
            "learning_walk",
            start=date(2026, 1, 5),
            end=date(2026, 1, 5),
            team=[(lead, "lead_reviewer")],
        ).id
        review = adm.create_review(s, visit).id
        empty_review = adm.create_review(s, visit).id
        code = issue_code(s, lead)

    # A benchmark pushes far faster than a laptop: no request rates are counted.
    unlimited = DeviceLimits(pushes_per_minute=10**6, pulls_per_minute=10**6)
    app = create_app(server_context(engine, BlobStore(folder / "blobs"), None, limits=unlimited))
    pages: dict[int, bytes] = {}

    @app.post("/bench/discard", include_in_schema=False)
    async def discard(request: Request) -> Response:
        await request.body()
        return Response(b'{"ok":true}', media_type="application/json")

    @app.get("/bench/page/{index}", include_in_schema=False)
    def page(index: int) -> Response:
        return Response(pages[index], media_type="application/json")

    uvicorn_server, base = _serve(app)
    try:
        with SyncClient(base) as anonymous:
            token = anonymous.enrol(
                EnrolRequest(
                    code=code,
                    device_name="bench",
                    protocol_version=PROTOCOL_VERSION,
                    client_schema_version=MIN_CLIENT_SCHEMA_VERSION,
                )
            ).device_token
        ops = _operations(review, lead, args.ops)
        batches = [ops[i : i + MAX_BATCH] for i in range(0, len(ops), MAX_BATCH)]
        bodies = [
            PushRequest(protocol_version=PROTOCOL_VERSION, operations=b).model_dump_json()
            for b in batches
        ]
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        with (
            httpx.Client(base_url=base, headers=headers, timeout=120) as raw,
            SyncClient(base, token) as client,
        ):
            raw.post("/bench/discard", content=bodies[0])  # warm the connection
            client.handshake(MIN_CLIENT_SCHEMA_VERSION)
            start = time.perf_counter()
            client.handshake(MIN_CLIENT_SCHEMA_VERSION)
            hello_empty = time.perf_counter() - start
            start = time.perf_counter()
            for body in bodies:
                raw.post("/bench/discard", content=body)
            raw_push = time.perf_counter() - start

            start = time.perf_counter()
            for batch in batches:
                client.push(review, batch)
            push = time.perf_counter() - start

            # Record the pull pages' exact bytes, then time raw transfer of them.
            cursor, index = 0, 0
            while True:
                response = raw.get(
                    f"/reviews/{review}/changes", params={"since": cursor, "limit": MAX_PULL_LIMIT}
                )
                pages[index] = response.content
                body = response.json()
                cursor, index = body["next_cursor"], index + 1
                if not body["has_more"]:
                    break
            start = time.perf_counter()
            for i in range(index):
                raw.get(f"/bench/page/{i}")
            raw_pull = time.perf_counter() - start

            start = time.perf_counter()
            cursor, pulled = 0, 0
            while True:
                result = client.pull(review, cursor, MAX_PULL_LIMIT)
                pulled += len(result.changes)
                cursor = result.next_cursor
                if not result.has_more:
                    break
            pull = time.perf_counter() - start
            assert pulled == args.ops, pulled

            start = time.perf_counter()
            hello = client.handshake(MIN_CLIENT_SCHEMA_VERSION)
            hello_full = time.perf_counter() - start
            seqs = {r.review_id: r.last_seq for r in hello.reviews}
            assert seqs[review] == args.ops
            assert seqs[empty_review] == 0
    finally:
        uvicorn_server.should_exit = True
        engine.dispose()
        if database is not None:
            with admin.connect() as c:
                c.execute(sa.text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))

    backend = "PostgreSQL" if args.postgres else "SQLite"
    n = args.ops
    print(f"sync server on loopback, {backend}, {n} operations in batches of {MAX_BATCH}")
    print(f"  raw HTTP, same push bodies : {n / raw_push:9.0f} ops/s")
    print(f"  push (validated, applied)  : {n / push:9.0f} ops/s   {raw_push / push:6.1%} of raw")
    print(f"  raw HTTP, same pull bodies : {n / raw_pull:9.0f} ops/s")
    print(f"  pull                       : {n / pull:9.0f} ops/s   {raw_pull / pull:6.1%} of raw")
    print("  nothing to do = 1 round trip (the handshake lists every review's last_seq):")
    print(f"    handshake, review empty  : {hello_empty * 1000:7.1f} ms")
    print(f"    handshake, {n} ops     : {hello_full * 1000:7.1f} ms")
    print("  (issue 6's figure against raw HTTP is bench/sync.py; this is the server alone)")


if __name__ == "__main__":
    main()
