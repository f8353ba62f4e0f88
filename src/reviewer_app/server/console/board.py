"""The board pack in the console (issue 17): choose a term, download its PDF. For the central
team (trust admins); the pack shows safeguarding as counts only."""

from __future__ import annotations

from datetime import date, timedelta

from fastapi import APIRouter, Request
from starlette.responses import Response

from reviewer_app.domain.errors import ReviewerError
from reviewer_app.server.board_pack import (
    Term,
    board_pack_pdf,
    current_term,
    parse_term,
    record_made,
)
from reviewer_app.server.console.auth import PageNotFound, console_page
from reviewer_app.server.console.web import render, secure_headers

router = APIRouter()


def recent_terms(today: date, count: int = 6) -> list[Term]:
    """The current term and the ones before it, newest first."""
    terms = [current_term(today)]
    while len(terms) < count:
        terms.append(current_term(terms[-1].start - timedelta(days=1)))
    return terms


@router.get("/console/board-pack")
def board_pack_page(request: Request) -> Response:
    with console_page(request) as (_session, user):
        return render(
            request,
            "oversight/board_pack.html",
            {"terms": recent_terms(date.today()), "today": date.today()},
            user=user,
        )


@router.get("/console/board-pack/{term}.pdf")
def board_pack_file(request: Request, term: str) -> Response:
    from starlette.responses import Response as StarletteResponse

    with console_page(request) as (session, user):
        try:
            chosen = parse_term(term)
            data = board_pack_pdf(session, user.trust.id, chosen.key, date.today())
        except ReviewerError as exc:
            raise PageNotFound(str(exc)) from exc
        record_made(session, user.actor, user.trust.id, chosen, "downloaded from the console")
        name = f"Board pack {chosen.label}.pdf"
        return secure_headers(
            StarletteResponse(
                data,
                media_type="application/pdf",
                headers={"Content-Disposition": f'attachment; filename="{name}"'},
            )
        )
