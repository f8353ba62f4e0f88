"""``/health`` says whether the database and the blob folder are usable (issue 14, item 6)."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import sqlalchemy as sa

from reviewer_app.server.app import create_app, server_context
from reviewer_app.server.blob_store import BlobStore

if TYPE_CHECKING:
    from conftest import Harness


def test_health_checks_the_database_and_the_blob_folder(server: Harness) -> None:
    client = server.client()
    body = client.get("/health").json()
    assert (body["status"], body["checks"]) == ("ok", {"database": True, "blobs": True})

    partial = server.live.blob_root / "partial"
    shutil.rmtree(partial)
    partial.write_text("not a folder")  # the blob folder can no longer take files
    try:
        response = client.get("/health")
        assert response.status_code == 503
        assert response.json()["checks"] == {"database": True, "blobs": False}
        assert response.json()["status"] == "unavailable"
    finally:
        partial.unlink()
        partial.mkdir()
    assert client.get("/health").status_code == 200


def test_health_says_when_the_database_does_not_answer(tmp_path: Path) -> None:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'missing' / 'server.sqlite3'}")
    app = create_app(server_context(engine, BlobStore(tmp_path / "blobs"), None))

    async def ask() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://server") as client:
            return await client.get("/health")

    response = asyncio.run(ask())
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": False, "blobs": True}
