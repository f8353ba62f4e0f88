"""The trust server's HTTP API (FastAPI). :func:`create_app` builds it around an engine.

Endpoints (all JSON bodies are :mod:`reviewer_app.sync.protocol` models; every error is an
``ErrorBody``):

* ``GET /health``: liveness, the protocol versions accepted and the app version the trust rolls
  out (:mod:`.app_release`); no token needed.
* ``POST /enrol``: a one-time code for a device token (and a certificate when available).
* ``POST /handshake``: versions check, who the device is, which visits and reviews it may read.
* ``PUT /reviews/{review_id}``: start the review of a visit (team members; idempotent).
* ``POST /reviews/{review_id}/push``: apply up to ``MAX_BATCH`` (1000) operations exactly once.
* ``GET /reviews/{review_id}/changes?since=N&limit=M``: the change log after a cursor.
* ``GET /reviews/{review_id}/conflicts?state=open|all``: conflict records.
* ``HEAD|PUT|GET /blobs/{sha256}``: content-addressed files (see :mod:`.blob_routes`).
* ``POST /school-categories/push``, ``GET /schools/{school_id}/categories``: schools' agreed
  categories (see :mod:`.category_routes`).
* ``POST /visits/push``: visits planned or changed on laptops (see :mod:`.visit_routes`).
* ``/console/...``: the trust console for the trust's staff (HTML; see :mod:`.console`).
* ``GET /framework-library``: the trust's own frameworks for this laptop (see
  :mod:`.library_routes`).

Every endpoint except health and enrol needs ``Authorization: Bearer <device token>``.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, Query, Request, Response
from fastapi import Path as PathParam
from fastapi.concurrency import run_in_threadpool
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from reviewer_app import __version__
from reviewer_app.domain.errors import ReviewerError
from reviewer_app.server import http_errors, models
from reviewer_app.server.access import (
    ReviewAccess,
    readable_visits,
    restriction_for,
    review_access,
    visit_access,
    within_visit,
)
from reviewer_app.server.app_release import health_fields
from reviewer_app.server.auth_first import AuthenticateFirst
from reviewer_app.server.blob_store import BlobStore
from reviewer_app.server.body_limit import BodySizeLimit
from reviewer_app.server.cadence import meetings_held
from reviewer_app.server.console.settings import ConsoleSettings
from reviewer_app.server.database import write_session
from reviewer_app.server.device_activity import record_sync
from reviewer_app.server.device_limits import DeviceLimits
from reviewer_app.server.enrolment import (
    Caller,
    authenticate,
    check_versions,
    enrol_response,
    person_info,
    redeem_code,
    utc_now,
)
from reviewer_app.server.framework_library import library_digest
from reviewer_app.server.http_errors import ApiError
from reviewer_app.server.operations import (
    list_conflicts,
    read_changes,
)
from reviewer_app.server.push_body import PUSH_SCHEMA, PushBody, document_push_body, push_body
from reviewer_app.server.report_sharing import overseen_reports, summary_only
from reviewer_app.server.request_context import (
    BearerDep,
    CallerDep,
    ServerContext,
    SessionDep,
    authorization_header,
    context_of,
)
from reviewer_app.server.restricted_reads import log_pull
from reviewer_app.server.retention import laptop_keep_days
from reviewer_app.server.retention_purge import purged_reviews
from reviewer_app.server.review_pushes import NOT_FOUND as _NOT_FOUND
from reviewer_app.server.review_pushes import receive_push, start_review
from reviewer_app.server.school_categories import category_feeds
from reviewer_app.server.signed_reports import LongTermSeal
from reviewer_app.server.sync_rate_limits import SyncRateLimits
from reviewer_app.server.trust_authority import CertificateRequestError, TrustAuthority
from reviewer_app.server.visibility import ReviewVisibility
from reviewer_app.server.visit_sync import colleagues, plannable_schools
from reviewer_app.sync.protocol import (
    DEFAULT_PULL_LIMIT,
    MAX_CURSOR,
    MAX_PULL_LIMIT,
    PROTOCOL_VERSION,
    AppRelease,
    ChangesPage,
    ConflictRecord,
    CreateReviewRequest,
    EnrolRequest,
    EnrolResponse,
    ErrorBody,
    HandshakeRequest,
    HandshakeResponse,
    LaptopPolicy,
    PurgedReview,
    PushResponse,
    ReviewSummary,
    SetAsideReport,
    TrustPublication,
    VisitInfo,
    VisitMember,
)

log = logging.getLogger(__name__)

ReviewId = Annotated[str, PathParam(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$")]

#: The refusals every route may answer, documented with the body they carry.
_REFUSALS = {
    401: "No device token, or one the server does not accept",
    422: "The request is not valid (the message names what)",
    429: "Too many requests from this laptop; wait Retry-After seconds",
}


def _database_usable(engine: Engine) -> bool:
    """Whether the database answers a query (a health check; never raises)."""
    import sqlalchemy as sa

    try:
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except Exception:  # any failure means the same: not usable now
        log.info("Health check: the database does not answer")
        return False
    return True


def _readable_review(session: Session, caller: Caller, review_id: str) -> models.Review:
    review = session.get(models.Review, review_id)
    if review is None or not review_access(session, caller.person, review).may_read:
        # The same answer for "absent" and "not yours": existence is not disclosed.
        raise ApiError(404, "not_found", _NOT_FOUND.format(id=review_id))
    return review


def _summary(session: Session, review: models.Review, access: ReviewAccess) -> ReviewSummary:
    visit = session.get(models.Visit, review.visit_id)
    assert visit is not None
    return ReviewSummary(
        review_id=review.id,
        visit_id=review.visit_id,
        school_id=visit.school_id,
        framework_id=review.framework_id,
        last_seq=review.last_seq,
        may_write=access.may_write,
        is_lead=access.is_lead,
        locked=review.locked,
        summary_only=summary_only(session, review, access),
    )


def _visit_info(session: Session, visit: models.Visit) -> VisitInfo:
    school = session.get(models.School, visit.school_id)
    assert school is not None
    team = session.exec(
        select(models.VisitReviewer, models.Person)
        .join(models.Person, col(models.Person.id) == col(models.VisitReviewer.person_id))
        .where(models.VisitReviewer.visit_id == visit.id)
        .order_by(col(models.Person.name))
    ).all()
    return VisitInfo(
        visit_id=visit.id,
        school_id=school.id,
        school_name=school.name,
        school_urn=school.urn,
        framework_id=visit.framework_id,
        planned_start=visit.planned_start.isoformat(),
        planned_end=visit.planned_end.isoformat(),
        team=[VisitMember(person_id=p.id, name=p.name, role=m.role) for m, p in team],
    )


def _trust_publication(context: ServerContext) -> TrustPublication | None:
    """The trust root and current CRL every laptop keeps (``None`` without a trust CA)."""
    if context.trust_published is None:
        return None
    try:
        root_pem, crl_pem = context.trust_published()
    except (OSError, ReviewerError) as exc:
        log.error("Trust CA folder unreadable: %s", exc)
        return None
    return TrustPublication(root_pem=root_pem, crl_pem=crl_pem)


def create_app(context: ServerContext, console: ConsoleSettings | None = None) -> FastAPI:
    """The server's FastAPI application around ``context``, with the trust console."""
    from reviewer_app.server import (
        api_v1,
        blob_routes,
        category_routes,
        library_routes,
        visit_routes,
    )
    from reviewer_app.server import console as trust_console

    app = FastAPI(
        title="Reviewer trust server",
        version=__version__,
        description="Sync, enrolment and attachments for the Reviewer desktop app.",
        # Every refusal is an ErrorBody (FastAPI would document its own 422 shape).
        responses={
            status: {"model": ErrorBody, "description": words}
            for status, words in _REFUSALS.items()
        },
    )
    app.state.context = context
    http_errors.install(app)
    app.add_middleware(AuthenticateFirst)
    app.add_middleware(SyncRateLimits, limits=context.limits)  # before auth: costs no query
    app.add_middleware(BodySizeLimit)
    app.add_middleware(http_errors.CatchAll)  # outermost: a fault anywhere is a logged 500

    @app.get("/health", tags=["server"])
    def health(response: Response) -> dict[str, Any]:
        """Whether the server can serve: its database answers and its blob folder takes files
        (503 naming what is not usable); also the protocol versions and the current app."""
        checks = {"database": _database_usable(context.engine), "blobs": context.blobs.usable()}
        if not all(checks.values()):
            response.status_code = 503
        status = "ok" if all(checks.values()) else "unavailable"
        return {"status": status, "checks": checks, **health_fields(context.app_release)}

    @app.post("/enrol", response_model=EnrolResponse, tags=["enrolment"])
    def enrol(body: EnrolRequest, request: Request) -> EnrolResponse:
        """Exchange a one-time enrolment code for a device token (shown only this once)."""
        ctx = context_of(request)
        with write_session(ctx.engine) as session:
            enrolled = redeem_code(session, body)
            certificate_pem = ca_pem = None
            if body.certificate_request_pem and ctx.issue_certificate is not None:
                try:
                    certificate_pem, ca_pem = ctx.issue_certificate(
                        person_info(session, enrolled.person), body.certificate_request_pem
                    )
                except CertificateRequestError as exc:
                    # Rolls back: the code stays usable for a corrected request.
                    raise ApiError(422, "invalid_request", exc.message) from exc
                except ReviewerError as exc:
                    log.error("Certificate authority unusable: %s", exc.message)
                    raise ApiError(
                        503,
                        "server_error",
                        "The trust server cannot issue certificates right now, so this laptop "
                        "was not enrolled; ask your trust admin, then use the same code again.",
                    ) from exc
            return enrol_response(
                session, enrolled, certificate_pem=certificate_pem, ca_certificate_pem=ca_pem
            )

    @app.post("/handshake", response_model=HandshakeResponse, tags=["sync"])
    def handshake(
        body: HandshakeRequest, request: Request, session: SessionDep, caller: CallerDep
    ) -> Any:
        """Check versions; list the visits and reviews this device may read with their last_seq."""
        check_versions(body.protocol_version, body.client_schema_version, context.app_release)
        next_token = record_sync(
            context_of(request).engine,
            caller.device.id,
            request.headers.get("user-agent"),
            caller.came_with_previous,
        )
        visits = readable_visits(session, caller.person)
        reviews: list[ReviewSummary] = []
        for visit in visits:
            access = visit_access(session, caller.person, visit)
            for review in session.exec(
                select(models.Review)
                .where(models.Review.visit_id == visit.id)
                .order_by(col(models.Review.id))
            ):
                if within_visit(access, review).may_read:
                    reviews.append(_summary(session, review, access))
        return HandshakeResponse(
            protocol_version=PROTOCOL_VERSION,
            server_time=utc_now(),
            device_id=caller.device.id,
            person=person_info(session, caller.person),
            visits=[_visit_info(session, v) for v in visits],
            reviews=reviews,
            school_categories=category_feeds(session, caller.person),
            app_release=context.app_release,
            laptop_policy=context.laptop_policy.model_copy(
                update={"keep_signed_days": laptop_keep_days(session, caller.person.trust_id)}
            ),
            framework_library=library_digest(session, caller.person, caller.device.id),
            trust=_trust_publication(context),
            colleagues=colleagues(session, caller.person),
            schools=plannable_schools(session, caller.person),
            meetings=meetings_held(session, caller.person),
            trust_frameworks=sorted(session.exec(select(models.Framework.id)).all()),
            limits=context.limits.published(),
            device_token=next_token,
            purged=[
                PurgedReview(review_id=r, visit_id=v, reason=why)
                for r, v, why in purged_reviews(session, caller.person.trust_id)
            ],
        )

    @app.post(
        "/timestamp",
        response_class=Response,
        responses={200: {"content": {"application/timestamp-reply": {}}}},
        tags=["signing"],
    )
    async def timestamp(request: Request, caller: CallerDep) -> Response:
        """RFC 3161 time-stamping for enrolled laptops (body: a DER TimeStampReq)."""
        from reviewer_app.reports.timestamping import (
            QUERY_TYPE,
            REPLY_TYPE,
            TimeStampRequestError,
            rejection,
        )

        ctx = context_of(request)
        if ctx.timestamp is None:
            raise ApiError(
                404, "not_found", "This trust server does not run a time-stamping service."
            )
        if request.headers.get("content-type", "").split(";")[0].strip() != QUERY_TYPE:
            raise ApiError(415, "invalid_request", f"Send the request as {QUERY_TYPE}.")
        body = await request.body()
        if len(body) > 4096:
            raise ApiError(413, "too_large", "A time-stamp request is a few hundred bytes.")
        try:
            answer = await run_in_threadpool(ctx.timestamp, body)
        except TimeStampRequestError as exc:
            return Response(rejection(exc.message), status_code=400, media_type=REPLY_TYPE)
        log.info("Time-stamp issued for device %s", caller.device.id)
        return Response(answer, media_type=REPLY_TYPE)

    @app.put("/reviews/{review_id}", response_model=ReviewSummary, tags=["sync"])
    def create_review(
        review_id: ReviewId,
        body: CreateReviewRequest,
        request: Request,
        response: Response,
        credentials: BearerDep,
    ) -> Any:
        """Start the review of a visit; sending the same request again changes nothing."""
        ctx = context_of(request)
        with write_session(ctx.engine) as session:
            caller = authenticate(session, authorization_header(credentials))
            review, access, created = start_review(session, caller, review_id, body)
            response.status_code = 201 if created else 200
            return _summary(session, review, access)

    @app.post(
        "/reviews/{review_id}/push",
        response_class=Response,
        responses={200: {"model": PushResponse, "description": "One result per operation"}},
        openapi_extra=PUSH_SCHEMA,
        tags=["sync"],
    )
    def push(
        review_id: ReviewId,
        pushed: Annotated[PushBody, Depends(push_body)],
        request: Request,
        credentials: BearerDep,
    ) -> Any:
        """Apply a batch of operations in one transaction; one result per operation."""
        ctx = context_of(request)
        body = pushed.request
        if body.operations[0].review_id != review_id:
            raise ApiError(
                422, "invalid_request", "The operations belong to another review than the URL's."
            )
        with write_session(ctx.engine) as session:
            caller = authenticate(session, authorization_header(credentials))
            response = receive_push(session, ctx, caller, review_id, body, pushed.encoded)
        # Serialised here, after the commit: the answer describes what is stored.
        return Response(response.model_dump_json(), media_type="application/json")

    @app.get(
        "/reviews/{review_id}/changes",
        response_class=Response,
        responses={200: {"model": ChangesPage, "description": "One page of changes"}},
        tags=["sync"],
    )
    def changes(
        review_id: ReviewId,
        request: Request,
        session: SessionDep,
        caller: CallerDep,
        since: Annotated[int, Query(ge=0, le=MAX_CURSOR)] = 0,
        limit: Annotated[int, Query(ge=1, le=MAX_PULL_LIMIT)] = DEFAULT_PULL_LIMIT,
    ) -> Any:
        """Changes after cursor ``since``, oldest first; keep ``next_cursor`` for next time."""
        review = _readable_review(session, caller, review_id)
        access = review_access(session, caller.person, review)
        restriction = restriction_for(
            session, caller.person, review.framework_id, oversight=access.oversight
        )
        visibility = ReviewVisibility(session, caller.person, review, restriction)
        page = read_changes(
            session,
            review,
            since,
            limit,
            visibility,
            summary_only=summary_only(session, review, access),
            reports=overseen_reports(session, caller.person, review, access),
        )
        log_pull(context_of(request).engine, caller.person, caller.device, review, page)
        return Response(page.model_dump_json(), media_type="application/json")

    @app.post("/reviews/{review_id}/set-aside", status_code=204, tags=["sync"])
    def set_aside(
        review_id: ReviewId, body: SetAsideReport, session: SessionDep, caller: CallerDep
    ) -> Response:
        """A laptop reports the changes of a review it could not apply (kept aside there).

        Logged for the operator with the device, the person, the place in the log and the
        laptop's reason (never the record's content); the records stay as they are.
        """
        review = _readable_review(session, caller, review_id)
        for record in body.records[:50]:
            log.info(
                "Device %s (person %s) set aside change %d of review %s: %s",
                caller.device.id,
                caller.person.id,
                record.server_seq,
                review.id,
                record.reason,
            )
        if len(body.records) > 50:
            log.info("... and %d more changes of review %s", len(body.records) - 50, review.id)
        return Response(status_code=204)

    @app.get("/reviews/{review_id}/conflicts", response_model=list[ConflictRecord], tags=["sync"])
    def conflicts(
        review_id: ReviewId,
        session: SessionDep,
        caller: CallerDep,
        state: Literal["open", "all"] = "open",
    ) -> Any:
        """The review's conflicts, for the lead reviewer's panel."""
        review = _readable_review(session, caller, review_id)
        if summary_only(session, review, review_access(session, caller.person, review)):
            return []  # shared with the school only: the body is not this reader's
        restriction = restriction_for(session, caller.person, review.framework_id)
        return list_conflicts(session, review, only_open=state == "open", restriction=restriction)

    blob_routes.register(app)
    category_routes.register(app)
    visit_routes.register(app)
    trust_console.install(app, console)
    library_routes.register(app)
    api_v1.register(app)
    document_push_body(app)
    return app


def create_app_from_settings(
    database_url: str,
    blob_dir: Path,
    authority: TrustAuthority | None = None,
    app_release: AppRelease | None = None,
    console: ConsoleSettings | None = None,
    laptop_policy: LaptopPolicy | None = None,
    limits: DeviceLimits | None = None,
) -> FastAPI:
    """Build the app from a database URL, a blob folder, the trust CA and the app version the
    trust rolls out (migrating first)."""
    from datetime import timedelta

    from reviewer_app.server.database import create_server_engine, migrate

    engine = create_server_engine(database_url)
    migrate(engine)
    limits = limits or DeviceLimits()
    blobs = BlobStore(blob_dir, timedelta(hours=limits.partial_upload_hours))
    context = server_context(engine, blobs, authority, app_release, laptop_policy, limits)
    return create_app(context, console)


def server_context(
    engine: Engine,
    blobs: BlobStore,
    authority: TrustAuthority | None,
    app_release: AppRelease | None = None,
    laptop_policy: LaptopPolicy | None = None,
    limits: DeviceLimits | None = None,
) -> ServerContext:
    """The endpoints' shared context; signed reports and certificates need ``authority``."""
    return ServerContext(
        engine=engine,
        blobs=blobs,
        verify_report=authority.check_report if authority else None,
        issue_certificate=authority.issue if authority and authority.can_issue else None,
        trust_published=authority.published if authority else None,
        timestamp=authority.timestamp if authority and authority.can_timestamp else None,
        long_term=(
            LongTermSeal(authority.seal_long_term, blobs.put)
            if authority and authority.can_timestamp
            else None
        ),
        app_release=app_release,
        laptop_policy=laptop_policy or LaptopPolicy(),
        limits=limits or DeviceLimits(),
    )
