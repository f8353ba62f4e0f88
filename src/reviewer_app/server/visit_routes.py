"""The endpoint for visits planned or changed on laptops (see :mod:`.visit_sync`).

* ``POST /visits/push``: up to ``MAX_BATCH`` visits, each answered exactly once. Accepted visits
  reach their team's laptops with the handshake.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request, Response

from reviewer_app.server.database import write_session
from reviewer_app.server.enrolment import authenticate, check_versions
from reviewer_app.server.request_context import BearerDep, authorization_header, context_of
from reviewer_app.server.visit_sync import apply_visit_push
from reviewer_app.sync.protocol import VisitPushRequest, VisitPushResponse


def register(app: FastAPI) -> None:
    """Add the visit endpoint to ``app``."""

    @app.post(
        "/visits/push",
        response_class=Response,
        responses={200: {"model": VisitPushResponse, "description": "One result each"}},
        tags=["sync"],
    )
    def push_visits(body: VisitPushRequest, request: Request, credentials: BearerDep) -> Any:
        """Record visits planned or changed on a laptop; a refused one never stops the rest."""
        with write_session(context_of(request).engine) as session:
            caller = authenticate(session, authorization_header(credentials))
            check_versions(body.protocol_version, 1)
            response = apply_visit_push(session, caller, body)
        return Response(response.model_dump_json(), media_type="application/json")
