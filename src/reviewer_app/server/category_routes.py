"""Endpoints for schools' agreed categories (see :mod:`.school_categories`).

* ``POST /school-categories/push``: up to 200 categories, each answered exactly once.
* ``GET /schools/{school_id}/categories?since=N&limit=M``: a school's categories after a cursor,
  to people assigned to the school.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import FastAPI, Query, Request, Response
from fastapi import Path as PathParam

from reviewer_app.server.database import write_session
from reviewer_app.server.enrolment import authenticate, check_versions
from reviewer_app.server.http_errors import ApiError
from reviewer_app.server.request_context import (
    BearerDep,
    CallerDep,
    SessionDep,
    authorization_header,
    context_of,
)
from reviewer_app.server.school_categories import (
    apply_category_push,
    may_read_school,
    read_category_page,
)
from reviewer_app.sync.protocol import (
    DEFAULT_PULL_LIMIT,
    MAX_CURSOR,
    MAX_PULL_LIMIT,
    CategoryPushRequest,
    CategoryPushResponse,
    SchoolCategoryPage,
)

SchoolId = Annotated[str, PathParam(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$")]


def register(app: FastAPI) -> None:
    """Add the school-category endpoints to ``app``."""

    @app.post(
        "/school-categories/push",
        response_class=Response,
        responses={200: {"model": CategoryPushResponse, "description": "One result each"}},
        tags=["sync"],
    )
    def push_categories(body: CategoryPushRequest, request: Request, credentials: BearerDep) -> Any:
        """Record agreed categories in one transaction; a refused one never stops the rest."""
        with write_session(context_of(request).engine) as session:
            caller = authenticate(session, authorization_header(credentials))
            check_versions(body.protocol_version, 1)
            response = apply_category_push(session, caller, body)
        return Response(response.model_dump_json(), media_type="application/json")

    @app.get(
        "/schools/{school_id}/categories",
        response_class=Response,
        responses={200: {"model": SchoolCategoryPage, "description": "One page of categories"}},
        tags=["sync"],
    )
    def school_categories(
        school_id: SchoolId,
        session: SessionDep,
        caller: CallerDep,
        since: Annotated[int, Query(ge=0, le=MAX_CURSOR)] = 0,
        limit: Annotated[int, Query(ge=1, le=MAX_PULL_LIMIT)] = DEFAULT_PULL_LIMIT,
    ) -> Any:
        """The school's agreed categories after cursor ``since``, oldest first."""
        if not may_read_school(session, caller.person, school_id):
            raise ApiError(
                404, "not_found", f"There is no school {school_id} that this laptop may see."
            )
        page = read_category_page(session, school_id, since, limit)
        return Response(page.model_dump_json(), media_type="application/json")
