"""``/blobs/{sha256}``: upload by content hash, skip known blobs, resume after a dropped line.

* ``HEAD``: 200 when the server holds the whole blob, else 404; either way the
  ``Upload-Offset`` header says how many bytes it holds for this laptop (resume from there).
  An upload in progress belongs to the laptop that began it: another laptop's part is
  neither shown nor blocking, and either laptop completing the file completes it for all.
  A new upload is refused (413 ``quota_exceeded``) when it would take the laptop past its
  quota (:mod:`.device_limits`).
* ``PUT``: the body is the whole blob, or one chunk named by
  ``Content-Range: bytes START-END/TOTAL``. START must equal the bytes already held (else 409
  with ``Upload-Offset``). Answers 202 (chunk kept, more expected), 201 (blob complete and
  hash-checked), 200 (already held; nothing written); the body is a ``BlobStatus``.
  A hash mismatch discards the upload (422).
* ``GET``: the blob, to a device that may read a review referring to it. A file attached only
  to notes about restricted parts (a single central record check inside a termly visit) goes
  only to safeguarding roles, like the notes themselves.
"""

from __future__ import annotations

import logging
import re
from typing import Annotated, Any

from fastapi import FastAPI, Request, Response
from fastapi import Path as PathParam
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select
from starlette.requests import ClientDisconnect

from reviewer_app.domain.record_kinds import Entity
from reviewer_app.domain.wording import file_size
from reviewer_app.server import models
from reviewer_app.server.access import review_access
from reviewer_app.server.blob_store import BlobError, BlobStore
from reviewer_app.server.database import write_session
from reviewer_app.server.device_limits import device_usage, remove_unused_files
from reviewer_app.server.enrolment import Caller, utc_now
from reviewer_app.server.http_errors import ApiError
from reviewer_app.server.report_sharing import overseen_reports, summary_only
from reviewer_app.server.request_context import CallerDep, ServerContext
from reviewer_app.server.visibility import ReviewVisibility
from reviewer_app.sync.protocol import BlobStatus, ErrorBody

log = logging.getLogger(__name__)

Sha256Path = Annotated[str, PathParam(pattern=r"^[0-9a-f]{64}$")]
_RANGE = re.compile(r"^bytes (\d{1,15})-(\d{1,15})/(\d{1,15})$")
_STATUS_OF = {"too_large": 413, "invalid_request": 400, "offset_mismatch": 409, "bad_blob": 422}


def _sweep(context: ServerContext) -> None:
    """Remove abandoned uploads, and complete files no record has used for as long."""
    store = context.blobs
    for gone in store.expire_partials():
        log.info(
            "Abandoned upload of blob %s… by device %s removed (%d of %d bytes)",
            gone.sha256[:12], gone.device_id, gone.received, gone.total,
        )  # fmt: skip
    with write_session(context.engine) as session:
        unused = remove_unused_files(session, store, store.partial_lifetime)
    for blob in unused:
        log.info("Blob %s… (%d bytes) removed: no record used it", blob.sha256[:12], blob.size)


def check_quota(context: ServerContext, caller: Caller, sha256: str, total: int) -> None:
    """Refuse (413 ``quota_exceeded``) a new upload that would take the laptop past its quota.

    Only a new upload is weighed (one this laptop has no part of): its declared size plus the
    laptop's unused files and other uploads in progress.
    """
    store = context.blobs
    if store.has(sha256) or store.received(sha256, caller.device.id):
        return
    quota = context.limits.device_quota_bytes
    with Session(context.engine) as session:
        used = device_usage(session, store, caller.device.id)
    if used + total > quota:
        log.info(
            "Device %s refused a new upload of %d bytes: %d of its quota of %d in use",
            caller.device.id, total, used, quota,
        )  # fmt: skip
        raise ApiError(
            413,
            "quota_exceeded",
            f"This laptop already holds {file_size(used)} of files on the trust server that no "
            f"record uses yet, and may hold {file_size(quota)}; this file ({file_size(total)}) "
            "waits until the changes that use the others are sent.",
        )


def _register_blob(request: Request, sha256: str, size: int, caller: Caller) -> bool:
    """Record a complete blob in the database; ``True`` when this call added it."""
    engine = request.app.state.context.engine
    with Session(engine) as session:
        if session.get(models.Blob, sha256) is not None:
            return False
        session.add(
            models.Blob(
                sha256=sha256,
                size=size,
                stored_at=utc_now(),
                uploaded_by=caller.person.id,
                device_id=caller.device.id,
            )
        )
        try:
            session.commit()
        except IntegrityError:  # another upload of the same blob finished first
            session.rollback()
            return False
        return True


def _signed_reports_of(session: Session, review_id: str, sha256: str) -> list[dict[str, Any]]:
    """The payloads of the review's signed-report records whose PDF is ``sha256``."""
    payloads = session.exec(
        select(models.Record.payload).where(
            models.Record.review_id == review_id,
            models.Record.entity == Entity.SIGNED_REPORT.value,
            models.Record.blob_sha256 == sha256,
        )
    ).all()
    return [p for p in payloads if isinstance(p, dict)]


def may_download(session: Session, person: models.Person, sha256: str) -> bool:
    """Whether ``person`` may have the blob: some review they may read refers to it, and there
    it is not attached only to notes they may not see (nor a signed report of it withheld)."""
    review_ids = session.exec(
        select(models.Record.review_id).where(models.Record.blob_sha256 == sha256)
    ).all()
    for review_id in sorted(set(review_ids)):
        review = session.get(models.Review, review_id)
        access = review_access(session, person, review) if review is not None else None
        if review is None or access is None or not access.may_read:
            continue
        reports = overseen_reports(session, person, review, access)
        if reports is not None:  # oversight: the signed reports it lets through, no other file
            if any(reports(p) for p in _signed_reports_of(session, review_id, sha256)):
                return True
            continue
        if summary_only(session, review, access):
            continue  # shared with the school only: no files for readers off the team
        hidden = ReviewVisibility(session, person, review).hidden_attachments()
        attachment_ids = session.exec(
            select(models.Record.entity_id).where(
                models.Record.review_id == review_id,
                models.Record.entity == Entity.ATTACHMENT.value,
                models.Record.blob_sha256 == sha256,
            )
        ).all()
        if any(a not in hidden for a in attachment_ids) or not attachment_ids:
            return True
    return False


def _parse_range(header: str | None, body_length: int) -> tuple[int, int]:
    if header is None:
        return 0, body_length
    match = _RANGE.match(header.strip())
    if match is None:
        raise ApiError(
            400, "invalid_request", "Content-Range must look like 'bytes START-END/TOTAL'."
        )
    start, end, total = (int(g) for g in match.groups())
    if end < start or end >= total or end - start + 1 != body_length:
        raise ApiError(
            400,
            "invalid_request",
            f"Content-Range {header} does not match the {body_length} bytes sent.",
        )
    return start, total


def register(app: FastAPI) -> None:
    """Add the blob endpoints to ``app``."""

    def store_of(request: Request) -> BlobStore:
        blobs: BlobStore = request.app.state.context.blobs
        return blobs

    @app.head("/blobs/{sha256}", tags=["blobs"], responses={404: {"description": "Not held"}})
    def blob_head(sha256: Sha256Path, request: Request, caller: CallerDep) -> Response:
        """200 if the server holds the blob, 404 if not; ``Upload-Offset`` = bytes held."""
        store = store_of(request)
        complete = store.has(sha256)
        received = store.received(sha256, caller.device.id)
        if complete:
            _register_blob(request, sha256, received, caller)
        return Response(
            status_code=200 if complete else 404,
            headers={"Upload-Offset": str(received), "Blob-Complete": str(complete).lower()},
        )

    @app.put(
        "/blobs/{sha256}",
        tags=["blobs"],
        response_model=BlobStatus,
        status_code=201,
        responses={
            200: {"model": BlobStatus, "description": "Already held"},
            202: {"model": BlobStatus, "description": "Chunk kept; send the next one"},
            409: {"model": ErrorBody, "description": "Wrong offset; see Upload-Offset"},
            413: {"model": ErrorBody, "description": "File too large, or the laptop's quota"},
            422: {"model": ErrorBody, "description": "Content does not match the hash"},
        },
    )
    async def blob_put(
        sha256: Sha256Path, request: Request, response: Response, caller: CallerDep
    ) -> Any:
        """Upload a blob, whole or as one ``Content-Range`` chunk of it."""
        store = store_of(request)
        try:
            body = await request.body()
        except ClientDisconnect:
            # The line dropped mid-chunk: nothing is kept, the client resumes from HEAD.
            log.info("Upload of blob %s… interrupted; partial chunk discarded", sha256[:12])
            return Response(status_code=400)
        start, total = _parse_range(request.headers.get("content-range"), len(body))
        context: ServerContext = request.app.state.context
        if store.sweep_due():
            await run_in_threadpool(_sweep, context)
        already = await run_in_threadpool(store.has, sha256)
        try:
            if start == 0:
                await run_in_threadpool(check_quota, context, caller, sha256, total)
            outcome = await run_in_threadpool(
                store.put_chunk, sha256, start, total, body, caller.device.id
            )
        except BlobError as exc:
            raise ApiError(
                _STATUS_OF.get(exc.code, 400),
                exc.code,  # type: ignore[arg-type]
                exc.message,
                headers={"Upload-Offset": str(exc.offset)},
            ) from exc
        if outcome.complete:
            await run_in_threadpool(_register_blob, request, sha256, outcome.total, caller)
            response.status_code = 200 if already else 201
        else:
            response.status_code = 202
        response.headers["Upload-Offset"] = str(outcome.received)
        return BlobStatus(
            sha256=sha256,
            size=outcome.total,
            received=outcome.received,
            complete=outcome.complete,
        )

    @app.get("/blobs/{sha256}", tags=["blobs"], response_class=FileResponse)
    def blob_get(sha256: Sha256Path, request: Request, caller: CallerDep) -> Any:
        """Download a blob that a review you may read refers to."""
        store = store_of(request)
        engine = request.app.state.context.engine
        with Session(engine) as session:
            allowed = may_download(session, caller.person, sha256)
        if not allowed or not store.has(sha256):
            raise ApiError(404, "not_found", f"There is no file {sha256[:12]}… for you.")
        return FileResponse(store.path(sha256), media_type="application/octet-stream")
