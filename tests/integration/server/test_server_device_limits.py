"""What one laptop may take of the trust server (issue 14, items 5-6): its own unfinished
uploads, which expire; a storage quota; a total of files per review; request rates answered
429 with Retry-After; device tokens that rotate at every sync and lapse when a laptop stays
away. Against the real server on loopback, SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
from sqlmodel import Session

from reviewer_app.server import models
from reviewer_app.server.device_limits import DeviceLimits, unused_file_bytes
from reviewer_app.server.enrolment import utc_now

if TYPE_CHECKING:
    from conftest import Device, Harness, World

SERVER = str(Path(sys.executable).parent / "reviewer-app-server")


def _blob(size: int) -> tuple[bytes, str]:
    data = os.urandom(size)
    return data, hashlib.sha256(data).hexdigest()


def _chunk(device: Device, sha: str, data: bytes, start: int, end: int) -> httpx.Response:
    return device.http.put(
        f"/blobs/{sha}",
        content=data[start : end + 1],
        headers={"Content-Range": f"bytes {start}-{end}/{len(data)}"},
    )


def _offset(device: Device, sha: str) -> int:
    return int(device.http.head(f"/blobs/{sha}").headers["Upload-Offset"])


@contextmanager
def _server_with(server: Harness, limits: DeviceLimits) -> Iterator[str]:
    """A second server over the same database and files, with ``limits``; its address."""
    # The session server's own class (``conftest`` may name another directory's module here).
    other = type(server.live)(
        backend=server.backend,
        engine=server.engine,
        blob_root=server.live.blob_root,
        authority=server.live.authority,
        limits=limits,
    )
    other.start()
    try:
        yield other.base_url
    finally:
        other.stop()


def _as(server: Harness, device: Device, base_url: str) -> httpx.Client:
    """``device`` talking to the server at ``base_url`` (closed with the test's harness)."""
    client = httpx.Client(
        base_url=base_url, headers={"Authorization": f"Bearer {device.token}"}, timeout=30
    )
    server.clients.append(client)
    return client


def _admin(server: Harness, *args: str) -> str:
    """``reviewer-app-server admin ...`` on the test server's database and files."""
    url = server.engine.url.render_as_string(hide_password=False)
    done = subprocess.run(
        [SERVER, "--data-dir", str(server.live.blob_root.parent), "--database-url", url,
         "admin", *args],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_an_unfinished_upload_is_the_laptops_own_and_another_completes_the_file(
    server: Harness, world: World
) -> None:
    first = server.enrol(world.lead, "First laptop")
    second = server.enrol(world.peer, "Second laptop")
    data, sha = _blob(30_000)
    assert _chunk(first, sha, data, 0, 9_999).status_code == 202
    assert _offset(first, sha) == 10_000
    # The second laptop neither sees nor trips over the first one's part.
    assert _offset(second, sha) == 0
    refused = _chunk(second, sha, data, 10_000, 19_999)
    assert (refused.status_code, refused.headers["Upload-Offset"]) == (409, "0")
    assert second.http.put(f"/blobs/{sha}", content=data).status_code == 201
    # The first laptop carries on and finds the file complete; its part is gone.
    carry_on = _chunk(first, sha, data, 10_000, 19_999)
    assert carry_on.status_code == 200
    assert carry_on.json()["complete"] is True
    assert not list((server.live.blob_root / "partial").glob(f"*/{sha}.part"))


def test_abandoned_uploads_are_listed_and_cleaned_from_the_command_line(
    server: Harness, world: World
) -> None:
    laptop = server.enrol(world.lead)
    stale_data, stale = _blob(20_000)
    fresh_data, fresh = _blob(20_000)
    assert _chunk(laptop, stale, stale_data, 0, 4_999).status_code == 202
    assert _chunk(laptop, fresh, fresh_data, 0, 4_999).status_code == 202
    part = server.live.blob_root / "partial" / laptop.id / f"{stale}.part"
    two_days_ago = time.time() - 2 * 86_400
    os.utime(part, (two_days_ago, two_days_ago))

    listed = _admin(server, "uploads")
    assert f"{laptop.id}\t{stale[:12]}…\t5000 of 20000 bytes" in listed
    assert fresh[:12] in listed

    cleaned = _admin(server, "clean-uploads")
    assert stale[:12] in cleaned
    assert fresh[:12] not in cleaned
    assert "Removed 1 unfinished upload(s) and 0 file(s) no record uses." in cleaned
    assert _offset(laptop, stale) == 0  # starts again from nothing
    assert _offset(laptop, fresh) == 5_000
    assert _chunk(laptop, stale, stale_data, 0, 19_999).status_code == 201


def test_files_no_record_uses_are_cleaned_and_free_the_laptops_quota(
    server: Harness, world: World
) -> None:
    laptop = server.enrol(world.lead)
    used, used_sha = _blob(10_000)
    unused, unused_sha = _blob(20_000)
    for data, sha in ((used, used_sha), (unused, unused_sha)):
        assert laptop.http.put(f"/blobs/{sha}", content=data).status_code == 201
    attach = laptop.op(world.walk_review, "append", "attachment", "att-u", {"sha256": used_sha})
    assert laptop.push(world.walk_review, [attach]).status_code == 200
    with Session(server.engine) as session:
        assert unused_file_bytes(session, laptop.id) == 20_000

    kept = _admin(server, "clean-uploads")  # both are younger than a day
    assert "and 0 file(s) no record uses." in kept
    cleaned = _admin(server, "clean-uploads", "--hours", "0")
    assert f"{laptop.id}\t{unused_sha[:12]}…\t20000 bytes, unused" in cleaned
    assert used_sha[:12] not in cleaned
    with Session(server.engine) as session:
        assert unused_file_bytes(session, laptop.id) == 0
    assert laptop.http.head(f"/blobs/{unused_sha}").status_code == 404
    assert laptop.http.get(f"/blobs/{used_sha}").content == used


def test_a_laptop_past_its_quota_waits_until_a_record_uses_its_files(
    server: Harness, world: World
) -> None:
    laptop = server.enrol(world.lead)
    with _server_with(server, DeviceLimits(device_quota_bytes=50_000)) as base:
        http = _as(server, laptop, base)
        limits = http.post(
            "/handshake", json={"protocol_version": 1, "client_schema_version": 1}
        ).json()["limits"]
        assert limits["device_quota_bytes"] == 50_000
        one, one_sha = _blob(30_000)
        two, two_sha = _blob(30_000)
        assert http.put(f"/blobs/{one_sha}", content=one).status_code == 201
        refused = http.put(f"/blobs/{two_sha}", content=two)
        assert refused.status_code == 413
        assert refused.json()["error"] == "quota_exceeded"
        assert "no record uses yet" in refused.json()["message"]
        assert _offset(laptop, two_sha) == 0  # nothing kept
        # Another laptop has its own quota.
        other = server.enrol(world.peer)
        assert _as(server, other, base).put(f"/blobs/{two_sha}", content=two).status_code == 201
        three, three_sha = _blob(30_000)
        attach = laptop.op(world.walk_review, "append", "attachment", "att-q", {"sha256": one_sha})
        assert laptop.push(world.walk_review, [attach]).json()["results"][0]["status"] == (
            "accepted"
        )
        assert http.put(f"/blobs/{three_sha}", content=three).status_code == 201


def test_a_review_holds_files_up_to_its_total(server: Harness, world: World) -> None:
    lead = server.enrol(world.lead)
    with _server_with(server, DeviceLimits(review_file_bytes=50_000)) as base:
        http = _as(server, lead, base)
        shas = []
        for _ in range(2):
            data, sha = _blob(30_000)
            assert http.put(f"/blobs/{sha}", content=data).status_code == 201
            shas.append(sha)
        ops = [
            lead.op(world.walk_review, "append", "attachment", "att-1", {"sha256": shas[0]}),
            lead.op(world.walk_review, "append", "attachment", "att-2", {"sha256": shas[1]}),
            # The same file again (another note's photo) takes no more room.
            lead.op(world.walk_review, "append", "attachment", "att-3", {"sha256": shas[0]}),
        ]
        pushed = http.post(
            f"/reviews/{world.walk_review}/push", json={"protocol_version": 1, "operations": ops}
        ).json()["results"]
        assert [r["status"] for r in pushed] == ["accepted", "rejected", "accepted"]
        assert pushed[1]["reason"] == "review_files_full"
        assert "29 KB of the 49 KB the trust server keeps for one review" in pushed[1]["message"]
        # Still full at the next push.
        other = lead.op(world.walk_review, "append", "attachment", "att-4", {"sha256": shas[1]})
        again = http.post(
            f"/reviews/{world.walk_review}/push",
            json={"protocol_version": 1, "operations": [other]},
        ).json()["results"][0]
        assert again["reason"] == "review_files_full"


def test_rates_beyond_the_limits_are_answered_429_with_retry_after(
    server: Harness, world: World
) -> None:
    busy = server.enrol(world.lead)
    calm = server.enrol(world.peer)
    limits = DeviceLimits(pushes_per_minute=2, pulls_per_minute=3, enrolments_per_minute=2)
    with _server_with(server, limits) as base:
        http = _as(server, busy, base)
        body = {"protocol_version": 1, "operations": [busy.note(world.walk_review)]}
        answers = [http.post(f"/reviews/{world.walk_review}/push", json=body) for _ in range(3)]
        assert [a.status_code for a in answers] == [200, 200, 429]
        refused = answers[2]
        assert refused.json()["error"] == "rate_limited"
        assert 1 <= int(refused.headers["Retry-After"]) <= 60
        assert "at most 2 sends of changes" in refused.json()["message"]
        # Another laptop has its own allowance; pulls are counted apart from pushes.
        calm_http = _as(server, calm, base)
        body = {"protocol_version": 1, "operations": [calm.note(world.walk_review)]}
        assert calm_http.post(f"/reviews/{world.walk_review}/push", json=body).status_code == 200
        pulls = [http.get(f"/reviews/{world.walk_review}/changes") for _ in range(4)]
        assert [p.status_code for p in pulls] == [200, 200, 200, 429]
        # Enrolment is counted per address (there is no device yet).
        anonymous = server.client()
        anonymous.base_url = httpx.URL(base)
        enrol = {
            "code": "NOT-A-CODE",
            "device_name": "Laptop",
            "protocol_version": 1,
            "client_schema_version": 1,
        }
        tries = [anonymous.post("/enrol", json=enrol).status_code for _ in range(3)]
        assert tries == [400, 400, 429]


def test_device_tokens_rotate_at_every_handshake_without_locking_a_laptop_out(
    server: Harness, world: World
) -> None:
    laptop = server.enrol(world.lead)
    first = laptop.token

    def handshake(token: str) -> httpx.Response:
        client = server.client({"Authorization": f"Bearer {token}"})
        return client.post("/handshake", json={"protocol_version": 1, "client_schema_version": 1})

    second = handshake(first).json()["device_token"]
    assert second
    assert second != first
    # The answer may have been lost: the token the laptop came with still works...
    third = handshake(first).json()["device_token"]
    assert third not in (first, second)
    assert handshake(second).status_code == 401  # ...and the lost one never will
    # The laptop kept the newest: from then on the one before it is the only spare.
    fourth = handshake(third).json()["device_token"]
    refused = handshake(first)
    assert (refused.status_code, refused.json()["error"]) == (401, "unauthenticated")
    assert handshake(fourth).status_code == 200
    with server.session() as session:
        device = session.get(models.Device, laptop.id)
        assert device is not None
        assert device.token_issued_at is not None
        assert first not in (device.token_sha256, device.previous_token_sha256)


def test_a_laptop_away_longer_than_the_trust_allows_enrols_again_and_keeps_its_work(
    server: Harness, world: World
) -> None:
    laptop = server.enrol(world.lead)
    note = laptop.note(world.walk_review)
    with Session(server.engine) as session:
        device = session.get(models.Device, laptop.id)
        assert device is not None
        device.last_seen_at = utc_now() - timedelta(days=91)
        session.add(device)
        session.commit()
    refused = laptop.push(world.walk_review, [note])
    assert (refused.status_code, refused.json()["error"]) == (401, "token_expired")
    assert "more than 90 days" in refused.json()["message"]
    assert "nothing on this laptop is lost" in refused.json()["message"]
    assert server.count("applied_op") == 0

    # Enrolled again (a new device for the same person), the kept change is accepted.
    again = server.enrol(world.lead, "Same laptop, enrolled again")
    result = again.push(world.walk_review, [note]).json()["results"][0]
    assert result["status"] == "accepted"

    devices = _admin(server, "list-devices", "--person", world.lead)
    assert f"{laptop.id}\t{world.lead}\tLaptop\t" in devices
    assert sorted(line.rsplit("\t", 1)[1] for line in devices.splitlines()) == [
        "active",
        "lapsed",
    ]
    # The trust can let its laptops keep access however long they are away.
    assert "keep their access" in _admin(server, "device-idle-days", "0")
    assert laptop.handshake().status_code == 200
    assert "for 30 days must enrol again" in _admin(
        server, "device-idle-days", "30", "--trust", world.trust
    )
    with Session(server.engine) as session:
        trust = session.get(models.Trust, world.trust)
        assert trust is not None
        assert trust.device_idle_days == 30
