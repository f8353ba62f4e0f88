"""Content-addressed files (photos, signed reports) on the server's disk, uploaded resumably.

Why ``Content-Range`` chunks and not one long request: a dropped connection then costs at most
one chunk. The server appends a chunk only when all of it has arrived and it starts exactly
where the stored part ends, so the part on disk is always a correct prefix; ``HEAD`` reports
how much is there (``Upload-Offset``) and the client carries on from that offset. When the last
byte arrives the SHA-256 is checked before the blob becomes visible; a mismatch discards it.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from reviewer_app.sync.protocol import MAX_BLOB_BYTES


class BlobError(Exception):
    """An upload the store refuses; ``code`` is the API error code, ``offset`` what it holds."""

    def __init__(self, code: str, message: str, offset: int = 0) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.offset = offset


@dataclass(frozen=True, slots=True)
class ChunkOutcome:
    received: int
    total: int
    complete: bool


class BlobStore:
    """Blobs under ``root/ab/abcdef...``; uploads in progress under ``root/partial``."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.partial_dir = root / "partial"
        self.partial_dir.mkdir(parents=True, exist_ok=True)
        self._locks: dict[str, threading.Lock] = {}
        self._locks_guard = threading.Lock()

    def _lock(self, sha256: str) -> threading.Lock:
        with self._locks_guard:
            return self._locks.setdefault(sha256, threading.Lock())

    def path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def _part(self, sha256: str) -> Path:
        return self.partial_dir / f"{sha256}.part"

    def _meta(self, sha256: str) -> Path:
        return self.partial_dir / f"{sha256}.json"

    def has(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def usable(self) -> bool:
        """Whether files can be written to the folder now (a health check; never raises)."""
        probe = self.partial_dir / f".health-{os.getpid()}-{threading.get_ident()}"
        try:
            probe.write_bytes(b"ok")
            probe.unlink()
        except OSError:
            return False
        return True

    def read(self, sha256: str) -> bytes | None:
        """The blob's bytes, or ``None`` when the store does not hold it."""
        path = self.path(sha256)
        return path.read_bytes() if path.is_file() else None

    def received(self, sha256: str) -> int:
        """Bytes held for ``sha256``: its size when complete, else the part uploaded so far."""
        if self.has(sha256):
            return self.path(sha256).stat().st_size
        part = self._part(sha256)
        return part.stat().st_size if part.is_file() else 0

    def put_chunk(self, sha256: str, start: int, total: int, data: bytes) -> ChunkOutcome:
        """Store ``data`` at ``start`` of a blob of ``total`` bytes; check the hash at the end."""
        if total > MAX_BLOB_BYTES:
            raise BlobError("too_large", f"A file may be at most {MAX_BLOB_BYTES} bytes.")
        if start + len(data) > total:
            raise BlobError("invalid_request", "The chunk runs past the end of the file.")
        with self._lock(sha256):
            if self.has(sha256):
                size = self.received(sha256)
                return ChunkOutcome(received=size, total=size, complete=True)
            meta = self._meta(sha256)
            part = self._part(sha256)
            held = part.stat().st_size if part.is_file() else 0
            if held and meta.is_file():
                declared = int(json.loads(meta.read_text(encoding="utf-8"))["total"])
                if declared != total and start == 0:
                    # Another upload of this file declared another size: it can never complete
                    # (the content must hash to the name), so an upload from the start replaces
                    # it rather than leaving the file blocked for everyone.
                    part.unlink()
                    meta.unlink(missing_ok=True)
                    held = 0
                elif declared != total:
                    raise BlobError(
                        "offset_mismatch",
                        f"This upload was started with a size of {declared} bytes, not {total}.",
                        held,
                    )
            if start != held:
                raise BlobError(
                    "offset_mismatch",
                    f"The server holds {held} bytes of this file; send the rest from there.",
                    held,
                )
            meta.write_text(json.dumps({"total": total}), encoding="utf-8")
            with part.open("ab") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            held += len(data)
            if held < total:
                return ChunkOutcome(received=held, total=total, complete=False)
            return self._finish(sha256, part, meta, total)

    def _finish(self, sha256: str, part: Path, meta: Path, total: int) -> ChunkOutcome:
        digest = hashlib.sha256()
        with part.open("rb") as handle:
            for block in iter(lambda: handle.read(1024 * 1024), b""):
                digest.update(block)
        if digest.hexdigest() != sha256:
            part.unlink()
            meta.unlink(missing_ok=True)
            raise BlobError(
                "bad_blob",
                "The file's content does not match its SHA-256, so it was discarded; "
                "upload it again from the start.",
            )
        target = self.path(sha256)
        target.parent.mkdir(parents=True, exist_ok=True)
        part.replace(target)
        meta.unlink(missing_ok=True)
        return ChunkOutcome(received=total, total=total, complete=True)
