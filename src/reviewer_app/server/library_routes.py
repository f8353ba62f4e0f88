"""The endpoint laptops fetch the trust's framework library from (see
:mod:`.framework_library` and :mod:`reviewer_app.sync.library_protocol`).

* ``GET /framework-library``: every document of the trust's library this laptop may use.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Response

from reviewer_app.server.framework_library import library_for
from reviewer_app.server.request_context import CallerDep, SessionDep
from reviewer_app.sync.library_protocol import FrameworkLibraryPage


def register(app: FastAPI) -> None:
    """Add the framework-library endpoint to ``app``."""

    @app.get(
        "/framework-library",
        response_class=Response,
        responses={200: {"model": FrameworkLibraryPage, "description": "The trust's library"}},
        tags=["sync"],
    )
    def framework_library(session: SessionDep, caller: CallerDep) -> Any:
        """The trust's frameworks, scales, schemes, profiles, overlays and vocabulary that
        this laptop may use (published; drafts when opted in; retired ones by name)."""
        page = library_for(session, caller.person, caller.device.id)
        return Response(page.model_dump_json(), media_type="application/json")
