"""Data out (issue 17 item 6): CSV and XLSX downloads of the trust's judgements, actions,
categories and visits, and the person's own API tokens for ``/api/v1/`` (docs/data-api.md).

The rows are what the person may see on the oversight pages (:mod:`..data_export`); each
download is recorded in the audit log.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from sqlmodel import Session
from starlette.responses import Response

from reviewer_app.domain.errors import NotFoundError, ReviewerError, ValidationError
from reviewer_app.server import audit
from reviewer_app.server.console.auth import (
    ConsoleUser,
    FormDep,
    PageNotFound,
    console_action,
    console_page,
    text,
)
from reviewer_app.server.console.web import redirect, render, secure_headers
from reviewer_app.server.data_export import (
    DATASETS,
    create_token,
    dataset,
    parse_day,
    person_tokens,
    revoke_token,
    to_csv,
    to_xlsx,
)
from reviewer_app.server.trust_picture import Viewer

router = APIRouter()

_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _page(
    request: Request, session: Session, user: ConsoleUser, status: int = 200, **extra: object
) -> Response:
    query = request.query_params
    dates = {k: query[k] for k in ("from", "to") if query.get(k)}
    return render(
        request,
        "oversight/data.html",
        {
            "datasets": list(DATASETS.values()),
            "start": query.get("from", ""),
            "end": query.get("to", ""),
            "tokens": person_tokens(session, user.person),
            "base_url": str(request.base_url).rstrip("/"),
            "query": f"?{urlencode(dates)}" if dates else "",
            **extra,
        },
        user=user,
        status=status,
    )


@router.get("/console/data")
def data_page(request: Request) -> Response:
    with console_page(request, allow=None) as (session, user):
        return _page(request, session, user)


@router.get("/console/data/{name}.{kind}")
def download(request: Request, name: str, kind: str) -> Response:
    with console_page(request, allow=None) as (session, user):
        if kind not in _TYPES:
            raise PageNotFound("Downloads come as .csv or .xlsx.")
        try:
            data = dataset(name)
            start = parse_day(request.query_params.get("from"), "from")
            end = parse_day(request.query_params.get("to"), "to")
        except NotFoundError as exc:
            raise PageNotFound(exc.message) from None
        except ValidationError as exc:
            return _page(request, session, user, date_error=exc.message, status=400)
        rows = data.rows(session, Viewer.of(session, user.person), start, end)
        body = to_csv(data, rows) if kind == "csv" else to_xlsx(data, rows)
        span = f" from {start or 'the start'} to {end or 'today'}" if start or end else ""
        audit.record(
            session,
            user.actor,
            "data.download",
            f"{user.person.name} downloaded {len(rows)} rows of {data.title.lower()}{span} "
            f"as {kind.upper()}",
            trust_id=user.trust.id,
        )
        stamp = date.today().isoformat()
        return secure_headers(
            Response(
                body,
                media_type=_TYPES[kind],
                headers={"Content-Disposition": f'attachment; filename="{name}-{stamp}.{kind}"'},
            )
        )


@router.post("/console/data/tokens")
def new_token(request: Request, form: FormDep) -> Response:
    with console_action(request, form, allow=None) as (session, user):
        try:
            row, token = create_token(session, user.person, text(form, "name"))
        except ReviewerError as exc:
            return _page(request, session, user, token_error=exc.message, status=400)
        audit.record(
            session,
            user.actor,
            "api_token.create",
            f"{user.person.name} made the API token '{row.name}'",
            trust_id=user.trust.id,
            subject_id=row.id,
        )
        return _page(request, session, user, new_token=token, new_token_name=row.name)


@router.post("/console/data/tokens/{token_id}/revoke")
def revoke(request: Request, token_id: str, form: FormDep) -> Response:
    with console_action(request, form, allow=None) as (session, user):
        try:
            row = revoke_token(session, user.person, token_id)
        except NotFoundError as exc:
            raise PageNotFound(exc.message) from None
        audit.record(
            session,
            user.actor,
            "api_token.revoke",
            f"{user.person.name} revoked the API token '{row.name}'",
            trust_id=user.trust.id,
            subject_id=row.id,
        )
        return redirect("/console/data", user=user, flash=f"The token '{row.name}' is revoked.")
