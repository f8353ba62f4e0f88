"""What one laptop may take of the trust server: files, request rates (issue 14, items 5-6).

A laptop with a bug, or a stolen device token, must not be able to fill the server's disk or
keep it busy for everyone else. So each device has

* a storage quota: the files it uploaded that no record uses yet, and the sizes its uploads in
  progress declared (a file a record uses counts against its review's limit instead);
* rate limits on enrolment (per client address: there is no device yet), pushes, pulls and
  file uploads, answered ``429`` with ``Retry-After`` (see :mod:`.sync_rate_limits`);
* and every review has a limit on the total size of its attached files.

The operator sets them with ``reviewer-app-server serve`` options; the handshake publishes them
(``SyncLimits``) so a laptop can tell the reviewer before they reach one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlmodel import Session, col, func, select

from reviewer_app.domain.record_kinds import Entity
from reviewer_app.server import models
from reviewer_app.server.blob_store import BlobStore
from reviewer_app.sync.protocol import (
    DEFAULT_DEVICE_QUOTA_BYTES,
    DEFAULT_PARTIAL_UPLOAD_HOURS,
    DEFAULT_PULLS_PER_MINUTE,
    DEFAULT_PUSHES_PER_MINUTE,
    DEFAULT_REVIEW_FILE_BYTES,
    SyncLimits,
)

_MB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class DeviceLimits:
    """The operator's limits (``serve --device-quota-mb`` and the like)."""

    #: Files one laptop may hold on the server that no record uses yet (uploads in progress
    #: count with the size they declared).
    device_quota_bytes: int = DEFAULT_DEVICE_QUOTA_BYTES
    #: Total size of the files attached to one review.
    review_file_bytes: int = DEFAULT_REVIEW_FILE_BYTES
    #: Hours an upload in progress is kept without a new chunk.
    partial_upload_hours: int = DEFAULT_PARTIAL_UPLOAD_HOURS
    #: Requests per minute and device.
    pushes_per_minute: int = DEFAULT_PUSHES_PER_MINUTE
    pulls_per_minute: int = DEFAULT_PULLS_PER_MINUTE
    file_requests_per_minute: int = 1200
    #: Enrolments per minute from one address (a school's training session shares one).
    enrolments_per_minute: int = 30

    def published(self) -> SyncLimits:
        """The limits as the handshake tells laptops."""
        return SyncLimits(
            device_quota_bytes=self.device_quota_bytes,
            max_review_file_bytes=self.review_file_bytes,
            partial_upload_hours=self.partial_upload_hours,
            pushes_per_minute=self.pushes_per_minute,
            pulls_per_minute=self.pulls_per_minute,
        )


def unused_file_bytes(session: Session, device_id: str) -> int:
    """Bytes of the complete files ``device_id`` uploaded that no record refers to."""
    used = select(models.Record.blob_sha256).where(col(models.Record.blob_sha256).is_not(None))
    total = session.exec(
        select(func.coalesce(func.sum(models.Blob.size), 0)).where(
            models.Blob.device_id == device_id, col(models.Blob.sha256).not_in(used)
        )
    ).one()
    return int(total)


def remove_unused_files(
    session: Session, blobs: BlobStore, older_than: timedelta
) -> list[models.Blob]:
    """Remove complete files no record refers to, stored longer ago than ``older_than``: the
    files of changes the server refused, or of laptops that never sent their changes. A laptop
    whose change still needs one uploads it again (the server answers the change ``retry``).
    The caller commits; the files leave the disk first (a file without its row is harmless)."""
    used = select(models.Record.blob_sha256).where(col(models.Record.blob_sha256).is_not(None))
    cutoff = datetime.now(UTC) - older_than
    unused = session.exec(
        select(models.Blob).where(
            col(models.Blob.sha256).not_in(used), col(models.Blob.stored_at) < cutoff
        )
    ).all()
    for blob in unused:
        blobs.path(blob.sha256).unlink(missing_ok=True)
        session.delete(blob)
    return list(unused)


def device_usage(session: Session, blobs: BlobStore, device_id: str) -> int:
    """What counts against the device's quota now (see the module docstring)."""
    return unused_file_bytes(session, device_id) + blobs.reserved_bytes(device_id)


def review_file_bytes(session: Session, review_id: str) -> int:
    """Total size of the distinct files the review's attachments refer to."""
    shas = (
        select(models.Record.blob_sha256)
        .where(
            models.Record.review_id == review_id,
            models.Record.entity == Entity.ATTACHMENT.value,
            col(models.Record.blob_sha256).is_not(None),
        )
        .distinct()
    )
    total = session.exec(
        select(func.coalesce(func.sum(models.Blob.size), 0)).where(
            col(models.Blob.sha256).in_(shas)
        )
    ).one()
    return int(total)
