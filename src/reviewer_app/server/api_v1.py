"""The read-only data API for Power BI, Excel and the like (issue 17 item 6; docs/data-api.md).

* ``GET /api/v1/``: the datasets and their columns.
* ``GET /api/v1/{dataset}?from=YYYY-MM-DD&to=YYYY-MM-DD&page=1&page_size=500``: one page of
  rows (``judgements``, ``actions``, ``categories``, ``visits``), the same rows the console's
  downloads give the same person.

Every request carries a person's API token (``Authorization: Bearer rvw_...``, made in the
console under Data out); it reads what that person may see in the console, no more.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import FastAPI, Query, Request
from fastapi.security import HTTPAuthorizationCredentials

from reviewer_app.domain.errors import NotFoundError, ValidationError
from reviewer_app.server.data_export import DATASETS, dataset, parse_day, person_for_token
from reviewer_app.server.database import write_session
from reviewer_app.server.http_errors import ApiError
from reviewer_app.server.request_context import BearerDep, context_of
from reviewer_app.server.trust_picture import Viewer

MAX_PAGE_SIZE = 5000
_UNAUTHENTICATED = (
    "This API needs your API token (Authorization: Bearer ...): make one in the trust console "
    "under Data out."
)


def _token(credentials: HTTPAuthorizationCredentials | None) -> str | None:
    return credentials.credentials if credentials is not None else None


def register(app: FastAPI) -> None:
    """Add the data API's endpoints to ``app``."""

    @app.get("/api/v1/", tags=["data"])
    @app.get("/api/v1", tags=["data"], include_in_schema=False)
    def index(request: Request, credentials: BearerDep) -> Any:
        """The datasets this API serves, their columns and what the date filter applies to."""
        with write_session(context_of(request).engine) as session:
            if person_for_token(session, _token(credentials)) is None:
                raise ApiError(401, "unauthenticated", _UNAUTHENTICATED)
        return {
            "datasets": [
                {
                    "name": d.key,
                    "url": f"/api/v1/{d.key}",
                    "columns": list(d.columns),
                    "date_filter": d.dated_by,
                }
                for d in DATASETS.values()
            ]
        }

    @app.get("/api/v1/{name}", tags=["data"])
    def rows(
        name: str,
        request: Request,
        credentials: BearerDep,
        start: Annotated[str | None, Query(alias="from")] = None,
        end: Annotated[str | None, Query(alias="to")] = None,
        page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
        page_size: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 500,
    ) -> Any:
        """One page of a dataset's rows, filtered by date (``from`` and ``to`` inclusive)."""
        with write_session(context_of(request).engine) as session:
            person = person_for_token(session, _token(credentials))
            if person is None:
                raise ApiError(401, "unauthenticated", _UNAUTHENTICATED)
            try:
                data = dataset(name)
                first, last = parse_day(start, "from"), parse_day(end, "to")
            except NotFoundError as exc:
                raise ApiError(404, "not_found", exc.message) from None
            except ValidationError as exc:
                raise ApiError(422, "invalid_request", exc.message) from None
            if first and last and first > last:
                raise ApiError(422, "invalid_request", "The 'from' date is after the 'to' date.")
            found = data.rows(session, Viewer.of(session, person), first, last)
        total = len(found)
        pages = max(1, -(-total // page_size))
        chunk = found[(page - 1) * page_size : page * page_size]
        query = {k: v for k, v in (("from", start), ("to", end)) if v}
        following = None
        if page < pages:
            wanted = {**query, "page": page + 1, "page_size": page_size}
            params = "&".join(f"{k}={v}" for k, v in wanted.items())
            following = f"/api/v1/{name}?{params}"
        return {
            "dataset": name,
            "columns": list(data.columns),
            "from": start or None,
            "to": end or None,
            "page": page,
            "page_size": page_size,
            "pages": pages,
            "total": total,
            "next": following,
            "data": chunk,
        }
