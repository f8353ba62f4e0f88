"""Data out on the demo trust, on SQLite and PostgreSQL: the console's CSV and XLSX downloads
and the read-only API (``/api/v1/``, per-person tokens, paginated, filtered by date) give the
same rows; a person who is not a safeguarding lead finds no safeguarding data in any of them."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook
from sqlmodel import Session, select

from console_support import ConsoleServer, Staff, csrf_of, signed_in
from reviewer_app.server import models
from reviewer_app.server.data_export import DATASETS, create_token
from reviewer_app.server.database import create_server_engine
from reviewer_app.server.demo_trust import DEMO_PASSWORD


@pytest.fixture(scope="module")
def demo_server(
    demo_database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ConsoleServer]:
    server = ConsoleServer(demo_database_url, tmp_path_factory.mktemp("data-out")).start()
    try:
        yield server
    finally:
        server.stop()


def _staff(server: ConsoleServer, first: str) -> tuple[Staff, str]:
    """A demo console sign-in and a fresh API token of theirs."""
    engine = create_server_engine(server.database_url)
    try:
        with Session(engine) as session:
            person = session.exec(
                select(models.Person).where(models.Person.email.startswith(first))  # type: ignore[attr-defined]
            ).one()
            _row, token = create_token(session, person, "Tests")
            session.commit()
            return Staff(person.email, person.id, DEMO_PASSWORD, person.totp_secret), token
    finally:
        engine.dispose()


def _api_rows(server: ConsoleServer, token: str, name: str, **params: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    url: str | None = f"/api/v1/{name}"
    query: dict[str, str] | None = {**params, "page_size": "7"}
    with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {token}"}) as http:
        while url:
            answer = http.get(url, params=query)
            assert answer.status_code == 200, answer.text
            page = answer.json()
            assert page["columns"] == list(DATASETS[name].columns)
            assert len(page["data"]) <= 7
            rows.extend(page["data"])
            url, query = page["next"], None
        assert len(rows) == page["total"]
    return rows


def _as_text(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> list[list[str]]:
    return [[str(row.get(c, "")) for c in columns] for row in rows]


@pytest.mark.parametrize("first", ["rachel.hughes", "sarah.okafor"])
def test_csv_xlsx_and_the_api_agree(demo_server: ConsoleServer, first: str) -> None:
    staff, token = _staff(demo_server, first)
    with closing(signed_in(demo_server, staff)) as console:
        for name, data in DATASETS.items():
            dates = {"from": "2025-09-01", "to": "2026-08-31"}
            api = _as_text(_api_rows(demo_server, token, name, **dates), data.columns)
            assert api, name
            got = console.get(f"/console/data/{name}.csv", params=dates)
            assert got.status_code == 200
            assert got.headers["content-type"].startswith("text/csv")
            table = list(csv.reader(io.StringIO(got.content.decode("utf-8-sig"))))
            assert table[0] == list(data.columns)
            assert table[1:] == api, name
            book = console.get(f"/console/data/{name}.xlsx", params=dates)
            assert book.status_code == 200
            sheet = load_workbook(io.BytesIO(book.content), read_only=True).active
            assert sheet is not None
            cells = [
                ["" if v is None else str(v) for v in row]
                for row in sheet.iter_rows(values_only=True)
            ]
            assert cells[0] == list(data.columns)
            assert cells[1:] == api, name
            dated = {"judgements": "visit_end", "actions": "due", "categories": "agreed_on",
                     "visits": "visit_end"}[name]  # fmt: skip
            for row in api:
                assert "2025-09-01" <= row[data.columns.index(dated)] <= "2026-08-31"


def test_no_safeguarding_data_for_others_anywhere(demo_server: ConsoleServer) -> None:
    _lead, lead_token = _staff(demo_server, "rachel.hughes")
    reviewer, token = _staff(demo_server, "sarah.okafor")
    shown = {n: _api_rows(demo_server, lead_token, n) for n in ("judgements", "actions", "visits")}
    seen = {n: _api_rows(demo_server, token, n) for n in ("judgements", "actions", "visits")}
    assert any(r["criterion_id"] == "safeguarding" for r in shown["judgements"])
    assert any(r["framework_id"] == "safeguarding-audit" for r in shown["judgements"])
    assert any(r["framework_id"] == "safeguarding-audit" for r in shown["actions"])
    assert any(r["framework_id"] == "safeguarding-audit" for r in shown["visits"])
    for rows in seen.values():
        for row in rows:
            assert row["framework_id"] != "safeguarding-audit", row
            assert row.get("criterion_id") != "safeguarding", row
            assert row.get("theme") != "Safeguarding", row
    with closing(signed_in(demo_server, reviewer)) as console:
        for name in DATASETS:
            text = console.get(f"/console/data/{name}.csv").text.lower()
            assert "safeguarding-audit" not in text
            assert ",safeguarding," not in text
        for page in ("/console/overview", "/console/actions", "/console/reports"):
            html = console.get(page).text
            assert "Not met" not in html or page != "/console/overview"
            assert 'tag-red">Safeguarding' not in html


def test_the_api_refuses_without_a_good_token_and_explains_bad_input(
    demo_server: ConsoleServer,
) -> None:
    staff, token = _staff(demo_server, "sarah.okafor")
    with httpx.Client(base_url=demo_server.url) as http:
        assert http.get("/api/v1/judgements").status_code == 401
        wrong = http.get("/api/v1/judgements", headers={"Authorization": "Bearer rvw_nope"})
        assert wrong.status_code == 401
        assert "Data out" in wrong.json()["message"]
        good = {"Authorization": f"Bearer {token}"}
        assert http.get("/api/v1/", headers=good).json()["datasets"][0]["name"] == "judgements"
        bad = http.get("/api/v1/judgements", params={"from": "1st May"}, headers=good)
        assert bad.status_code == 422
        assert "YYYY-MM-DD" in bad.json()["message"]
        assert http.get("/api/v1/pupils", headers=good).status_code == 404
        backwards = http.get(
            "/api/v1/visits", params={"from": "2026-09-01", "to": "2026-01-01"}, headers=good
        )
        assert backwards.status_code == 422
    # Revoked in the console: refused from then on.
    with closing(signed_in(demo_server, staff)) as console:
        page = console.get("/console/data").text
        assert "Tests" in page
        engine = create_server_engine(demo_server.database_url)
        with Session(engine) as session:
            row = session.exec(
                select(models.ApiToken).where(
                    models.ApiToken.token_sha256 == hashlib.sha256(token.encode()).hexdigest()
                )
            ).one()
            token_id = row.id
        engine.dispose()
        done = console.post(
            f"/console/data/tokens/{token_id}/revoke", data={"csrf_token": csrf_of(page)}
        )
        assert done.status_code == 303
    refused = httpx.get(
        f"{demo_server.url}/api/v1/visits", headers={"Authorization": f"Bearer {token}"}
    )
    assert refused.status_code == 401


def test_a_person_makes_a_token_in_the_console_and_it_reads_the_api(
    demo_server: ConsoleServer, tmp_path: Path
) -> None:
    staff, _token = _staff(demo_server, "mark.ellison")
    with closing(signed_in(demo_server, staff)) as console:
        page = console.get("/console/data").text
        made = console.post(
            "/console/data/tokens", data={"csrf_token": csrf_of(page), "name": "Power BI"}
        )
        assert made.status_code == 200
        token = re.search(r'id="new-token">(rvw_[^<]+)<', made.text)
        assert token
        empty = console.post(
            "/console/data/tokens", data={"csrf_token": csrf_of(page), "name": " "}
        )
        assert empty.status_code == 400
        assert "Give the token a name" in empty.text
    answer = httpx.get(
        f"{demo_server.url}/api/v1/categories",
        headers={"Authorization": f"Bearer {token.group(1)}"},
    )
    assert answer.status_code == 200
    assert answer.json()["total"] > 0


def test_every_dataset_holds_only_the_schools_assigned_to_the_reader(demo: Session) -> None:
    """The same school rule as the pages: a reviewer's rows come from the schools assigned to
    them, and from none once they are assigned to none."""
    from reviewer_app.server.trust_picture import visible_schools
    from support.demo_views import viewer_of

    peer = viewer_of(demo, "priya.natarajan")
    assignments = demo.exec(
        select(models.Assignment).where(models.Assignment.person_id == peer.person.id)
    ).all()
    urns = {s.id: s.urn for s in demo.exec(select(models.School)).all()}
    kept = sorted(assignments, key=lambda a: urns[a.school_id])[0]
    for assignment in assignments:
        if assignment is not kept:
            demo.delete(assignment)
    demo.flush()
    assert [s.id for s in visible_schools(demo, peer)] == [kept.school_id]
    for name, data in DATASETS.items():
        rows = data.rows(demo, peer, None, None)
        assert rows, name  # the demo has something of every dataset at every school
        assert {r["school_urn"] for r in rows} == {urns[kept.school_id]}, name
    demo.delete(kept)
    demo.flush()
    for name, data in DATASETS.items():
        assert data.rows(demo, peer, None, None) == [], name


def test_a_token_reads_with_its_owners_roles_today_and_stops_when_they_leave(
    demo_server: ConsoleServer,
) -> None:
    """A token carries no rights of its own: the API answers with its owner's roles and schools
    as they are at each request, and not at all once the owner is deactivated."""
    from reviewer_app.server import administration as adm
    from reviewer_app.server.database import write_session

    engine = create_server_engine(demo_server.database_url)
    try:
        with write_session(engine) as session:
            trust = session.exec(select(models.Trust)).one()
            person = adm.create_person(
                session, trust.id, name="Dana Shaw", email="dana.shaw@northfield-trust.example",
                roles=["lead_reviewer", "safeguarding_lead"],
            )  # fmt: skip
            for school in session.exec(select(models.School)).all():
                adm.assign(session, person.id, school.id)
            _row, token = create_token(session, person, "Power BI")
            person_id = person.id

        def criteria() -> set[str]:
            return {r["criterion_id"] for r in _api_rows(demo_server, token, "judgements")}

        assert "safeguarding" in criteria()
        with write_session(engine) as session:
            adm.revoke_role(session, person_id, "safeguarding_lead")
        assert criteria()  # still a lead reviewer
        assert "safeguarding" not in criteria()
        with write_session(engine) as session:
            adm.deactivate_person(session, person_id)
        refused = httpx.get(
            f"{demo_server.url}/api/v1/judgements", headers={"Authorization": f"Bearer {token}"}
        )
        assert refused.status_code == 401
    finally:
        engine.dispose()
