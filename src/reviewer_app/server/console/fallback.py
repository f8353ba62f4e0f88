"""Any other path under ``/console``: a "page not found" page (not the API's JSON)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from reviewer_app.server.console.auth import PageNotFound

router = APIRouter()


@router.api_route("/console/{rest:path}", methods=["GET", "POST"])
def not_found(request: Request, rest: str) -> Response:
    raise PageNotFound("There is no such page in the trust console. Check the address.")
