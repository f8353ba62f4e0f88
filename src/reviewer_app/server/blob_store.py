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
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from reviewer_app.sync.protocol import MAX_BLOB_BYTES


class BlobError(Exception):
    """An upload the store refuses; ``code`` is the API error code, ``offset`` what it holds."""

    def __init__(self, code: str, message: str, offset: int = 0) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.offset = offset


#: How long an upload in progress is kept without a new chunk before it counts as abandoned.
PARTIAL_LIFETIME = timedelta(hours=24)
#: Uploads sweep abandoned parts at most this often (seconds).
_SWEEP_EVERY = 300.0


@dataclass(frozen=True, slots=True)
class PartialUpload:
    """A laptop's upload in progress: whose, which file, how far, and when it last grew."""

    device_id: str
    sha256: str
    received: int
    total: int
    touched_at: float


@dataclass(frozen=True, slots=True)
class ChunkOutcome:
    received: int
    total: int
    complete: bool


class BlobStore:
    """Blobs under ``root/ab/abcdef...``; uploads in progress under ``root/partial/<device>``."""

    def __init__(self, root: Path, partial_lifetime: timedelta = PARTIAL_LIFETIME) -> None:
        self.root = root
        self.partial_dir = root / "partial"
        self.partial_dir.mkdir(parents=True, exist_ok=True)
        self.partial_lifetime = partial_lifetime
        self._locks: dict[tuple[str, str], threading.Lock] = {}
        self._locks_guard = threading.Lock()
        self._last_sweep = 0.0

    def _lock(self, device_id: str, sha256: str) -> threading.Lock:
        with self._locks_guard:
            return self._locks.setdefault((device_id, sha256), threading.Lock())

    def path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def _device_dir(self, device_id: str) -> Path:
        # Device ids are the server's own (UUIDs); anything else never names a folder.
        if not device_id or not device_id.replace("-", "").isalnum():
            raise BlobError("invalid_request", "This laptop's device id cannot name an upload.")
        return self.partial_dir / device_id

    def _part(self, device_id: str, sha256: str) -> Path:
        return self._device_dir(device_id) / f"{sha256}.part"

    def _meta(self, device_id: str, sha256: str) -> Path:
        return self._device_dir(device_id) / f"{sha256}.json"

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

    def received(self, sha256: str, device_id: str) -> int:
        """Bytes held for ``sha256``: its size when complete, else what ``device_id`` has
        uploaded of it so far (another laptop's part is not this one's to resume)."""
        if self.has(sha256):
            return self.path(sha256).stat().st_size
        part = self._part(device_id, sha256)
        return part.stat().st_size if part.is_file() else 0

    def partials(self, device_id: str | None = None) -> list[PartialUpload]:
        """Uploads in progress (of one laptop, or of all), oldest first."""
        found: list[PartialUpload] = []
        folders = [self.partial_dir / device_id] if device_id else self.partial_dir.iterdir()
        for folder in folders:
            if not folder.is_dir():
                continue
            for meta in folder.glob("*.json"):
                part = meta.with_suffix(".part")
                try:
                    total = int(json.loads(meta.read_text(encoding="utf-8"))["total"])
                    stat = part.stat()
                except (OSError, ValueError, KeyError, TypeError):
                    continue  # half-written or being removed: the sweep deals with it
                found.append(
                    PartialUpload(folder.name, meta.stem, stat.st_size, total, stat.st_mtime)
                )
        return sorted(found, key=lambda p: p.touched_at)

    def reserved_bytes(self, device_id: str) -> int:
        """The sizes the laptop's uploads in progress declared (what they will take)."""
        return sum(p.total for p in self.partials(device_id))

    def expire_partials(self, older_than: timedelta | None = None) -> list[PartialUpload]:
        """Remove uploads in progress untouched for ``older_than`` (default: the store's
        lifetime); returns what was removed. Safe while uploads arrive."""
        cutoff = time.time() - (older_than or self.partial_lifetime).total_seconds()
        removed = []
        for upload in self.partials():
            if upload.touched_at > cutoff:
                continue
            with self._lock(upload.device_id, upload.sha256):
                part = self._part(upload.device_id, upload.sha256)
                try:
                    if part.stat().st_mtime > cutoff:
                        continue  # a chunk arrived meanwhile
                except OSError:
                    continue
                part.unlink(missing_ok=True)
                self._meta(upload.device_id, upload.sha256).unlink(missing_ok=True)
            removed.append(upload)
        for folder in self.partial_dir.iterdir():
            if folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()
        self._last_sweep = time.monotonic()
        return removed

    def sweep_due(self) -> bool:
        """Whether a few minutes passed since the last sweep (then the next one starts now)."""
        if time.monotonic() - self._last_sweep < _SWEEP_EVERY:
            return False
        self._last_sweep = time.monotonic()
        return True

    def put_chunk(
        self, sha256: str, start: int, total: int, data: bytes, device_id: str
    ) -> ChunkOutcome:
        """Store ``data`` at ``start`` of ``device_id``'s upload of a blob of ``total`` bytes;
        check the hash at the end."""
        if total > MAX_BLOB_BYTES:
            raise BlobError("too_large", f"A file may be at most {MAX_BLOB_BYTES} bytes.")
        if start + len(data) > total:
            raise BlobError("invalid_request", "The chunk runs past the end of the file.")
        with self._lock(device_id, sha256):
            meta = self._meta(device_id, sha256)
            part = self._part(device_id, sha256)
            if self.has(sha256):
                # Complete already (another laptop finished it): this laptop's part is moot.
                part.unlink(missing_ok=True)
                meta.unlink(missing_ok=True)
                size = self.path(sha256).stat().st_size
                return ChunkOutcome(received=size, total=size, complete=True)
            held = part.stat().st_size if part.is_file() else 0
            if held and meta.is_file():
                declared = int(json.loads(meta.read_text(encoding="utf-8"))["total"])
                if declared != total and start == 0:
                    # This laptop starts its upload again with another size: the old part
                    # could never complete (the content must hash to the name).
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
            part.parent.mkdir(parents=True, exist_ok=True)
            meta.write_text(json.dumps({"total": total}), encoding="utf-8")
            with part.open("ab") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            held += len(data)
            if held < total:
                return ChunkOutcome(received=held, total=total, complete=False)
            return self._finish(sha256, part, meta, total)

    def put(self, sha256: str, data: bytes) -> None:
        """Keep a whole file the server made itself (a report's long-term version)."""
        if hashlib.sha256(data).hexdigest() != sha256:
            raise BlobError("bad_blob", "The file's content does not match its SHA-256.")
        if self.has(sha256):
            return
        target = self.path(sha256)
        target.parent.mkdir(parents=True, exist_ok=True)
        part = target.with_name(f"{sha256}.server-part")
        with part.open("wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        part.replace(target)

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
        part.replace(target)  # atomic: two laptops finishing together leave the same bytes
        meta.unlink(missing_ok=True)
        return ChunkOutcome(received=total, total=total, complete=True)
