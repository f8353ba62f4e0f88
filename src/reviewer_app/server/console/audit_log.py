"""The audit log page and its CSV export."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Request
from starlette.responses import Response

from reviewer_app.server.audit import ACTION_GROUPS, events, to_csv
from reviewer_app.server.console.auth import console_page
from reviewer_app.server.console.web import render, secure_headers

router = APIRouter()

PAGE_SIZE = 100


def _actions(request: Request) -> tuple[str, tuple[str, ...]]:
    group = request.query_params.get("group", "")
    return (group, ACTION_GROUPS[group]) if group in ACTION_GROUPS else ("", ())


@router.get("/console/audit")
def audit_page(request: Request) -> Response:
    with console_page(request) as (session, user):
        group, actions = _actions(request)
        try:
            page = max(1, int(request.query_params.get("page", "1")))
        except ValueError:
            page = 1
        rows = events(
            session,
            user.trust.id,
            actions=actions,
            limit=PAGE_SIZE + 1,
            offset=(page - 1) * PAGE_SIZE,
        )
        return render(
            request,
            "audit/list.html",
            {
                "rows": rows[:PAGE_SIZE],
                "more": len(rows) > PAGE_SIZE,
                "page": page,
                "group": group,
                "groups": list(ACTION_GROUPS),
            },
            user=user,
        )


@router.get("/console/audit.csv")
def audit_csv(request: Request) -> Response:
    with console_page(request) as (session, user):
        _group, actions = _actions(request)
        body = to_csv(events(session, user.trust.id, actions=actions, limit=None))
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M")
    response = Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="audit-log-{stamp}.csv"'},
    )
    return secure_headers(response)
