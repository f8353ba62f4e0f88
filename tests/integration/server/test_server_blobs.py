"""Blobs: by content hash, skipped when known, resumable after a dropped connection."""

from __future__ import annotations

import hashlib
import os
import socket
import time
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from conftest import Device, Harness, World


def _blob(size: int) -> tuple[bytes, str]:
    data = os.urandom(size)
    return data, hashlib.sha256(data).hexdigest()


def _head(device: Device, sha: str) -> tuple[int, int]:
    response = device.http.head(f"/blobs/{sha}")
    return response.status_code, int(response.headers["Upload-Offset"])


def _put_chunk(device: Device, sha: str, data: bytes, start: int, end: int):  # type: ignore[no-untyped-def]
    return device.http.put(
        f"/blobs/{sha}",
        content=data[start : end + 1],
        headers={"Content-Range": f"bytes {start}-{end}/{len(data)}"},
    )


def test_whole_upload_then_skip_when_known(server: Harness, world: World) -> None:
    lead = server.enrol(world.lead)
    data, sha = _blob(10_000)
    assert _head(lead, sha) == (404, 0)
    first = lead.http.put(f"/blobs/{sha}", content=data)
    assert first.status_code == 201
    assert first.json() == {"sha256": sha, "size": 10_000, "received": 10_000, "complete": True}
    assert _head(lead, sha) == (200, 10_000)
    again = lead.http.put(f"/blobs/{sha}", content=data)
    assert again.status_code == 200
    assert server.count("blob") == 1


def test_content_that_does_not_match_its_hash_is_discarded(server: Harness, world: World) -> None:
    lead = server.enrol(world.lead)
    data, sha = _blob(5_000)
    response = lead.http.put(f"/blobs/{sha}", content=data + b"tampered")
    assert response.status_code == 422
    assert response.json()["error"] == "bad_blob"
    assert _head(lead, sha) == (404, 0)
    assert server.count("blob") == 0


def test_chunked_upload_resumes_after_a_dropped_connection(server: Harness, world: World) -> None:
    lead = server.enrol(world.lead)
    data, sha = _blob(300_000)
    assert _put_chunk(lead, sha, data, 0, 99_999).status_code == 202
    assert _head(lead, sha) == (404, 100_000)

    # The line drops half-way through the second chunk.
    url = urlsplit(server.live.base_url)
    with socket.create_connection((url.hostname, url.port)) as raw:
        head = (
            f"PUT /blobs/{sha} HTTP/1.1\r\nHost: {url.netloc}\r\n"
            f"Authorization: Bearer {lead.token}\r\n"
            f"Content-Range: bytes 100000-199999/{len(data)}\r\n"
            "Content-Length: 100000\r\n\r\n"
        ).encode()
        raw.sendall(head + data[100_000:150_000])
    time.sleep(0.3)

    # Only whole chunks are kept: the server still holds exactly the first one.
    assert _head(lead, sha) == (404, 100_000)
    wrong = _put_chunk(lead, sha, data, 150_000, 199_999)
    assert wrong.status_code == 409
    assert wrong.headers["Upload-Offset"] == "100000"
    assert _put_chunk(lead, sha, data, 100_000, 199_999).status_code == 202
    done = _put_chunk(lead, sha, data, 200_000, 299_999)
    assert done.status_code == 201
    assert done.json()["complete"] is True

    note = lead.op(
        world.walk_review,
        "append",
        "attachment",
        "att-1",
        {"sha256": sha, "filename": "display.jpg", "author_id": world.lead},
    )
    assert lead.push(world.walk_review, [note]).json()["results"][0]["status"] == "accepted"
    downloaded = lead.http.get(f"/blobs/{sha}")
    assert downloaded.status_code == 200
    assert downloaded.content == data


def test_bad_content_range_is_refused(server: Harness, world: World) -> None:
    lead = server.enrol(world.lead)
    data, sha = _blob(1000)
    for header in ("bytes 0-10/1000", "bytes=0-999/1000", "bytes 10-5/1000", "items 0-999/1000"):
        response = lead.http.put(f"/blobs/{sha}", content=data, headers={"Content-Range": header})
        assert response.status_code == 400, header
    assert lead.http.put("/blobs/NOT-A-HASH", content=data).status_code == 422
    assert _head(lead, sha) == (404, 0)


def test_attachment_before_its_blob_asks_for_a_retry(server: Harness, world: World) -> None:
    lead = server.enrol(world.lead)
    data, sha = _blob(2_000)
    attach = lead.op(
        world.walk_review, "append", "attachment", "att-2", {"sha256": sha, "filename": "x.jpg"}
    )
    result = lead.push(world.walk_review, [attach]).json()["results"][0]
    assert (result["status"], result["reason"], result["message"]) == ("retry", "blob_missing", sha)
    assert server.count("applied_op") == 0  # nothing stored: the same op may come again
    lead.http.put(f"/blobs/{sha}", content=data)
    result = lead.push(world.walk_review, [attach]).json()["results"][0]
    assert result["status"] == "accepted"


def test_blob_download_needs_read_access(server: Harness, world: World) -> None:
    lead = server.enrol(world.lead)
    outsider = server.enrol(world.outsider)
    data, sha = _blob(1_000)
    lead.http.put(f"/blobs/{sha}", content=data)
    # Uploaded but not yet referenced by any review: nobody may fetch it.
    assert lead.http.get(f"/blobs/{sha}").status_code == 404
    attach = lead.op(world.walk_review, "append", "attachment", "att-3", {"sha256": sha})
    lead.push(world.walk_review, [attach])
    assert lead.http.get(f"/blobs/{sha}").status_code == 200
    assert outsider.http.get(f"/blobs/{sha}").status_code == 404


def test_a_partial_upload_declaring_another_size_blocks_no_one(
    server: Harness, world: World
) -> None:
    data, sha = _blob(20_000)
    faulty = server.enrol(world.peer, "Faulty laptop")
    honest = server.enrol(world.lead)
    header = {"Content-Range": "bytes 0-99/999999"}  # a size the file can never have
    assert faulty.http.put(f"/blobs/{sha}", content=data[:100], headers=header).status_code == 202
    whole = honest.http.put(f"/blobs/{sha}", content=data)
    assert whole.status_code == 201, whole.text
    assert _head(honest, sha) == (200, len(data))  # held whole, for every laptop
