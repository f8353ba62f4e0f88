"""The console refuses whoever may not: anonymous requests, a lower role, a forged or replayed
CSRF token, an admin of another trust; sign-in throttling holds under a burst; and no password,
authenticator secret, one-time link or enrolment code outlives its use in a response or a log.

Every console route is found from the app itself, so a page added later is checked too.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import httpx
import pytest
from sqlmodel import Session, select

from console_support import (
    PASSWORD,
    ConsoleServer,
    Staff,
    code_now,
    csrf_of,
    enrol_laptop,
    enrol_staff,
    sign_in_password,
    signed_in,
)
from reviewer_app.server import administration as adm
from reviewer_app.server import models
from reviewer_app.server.console import PUBLIC_PREFIXES
from reviewer_app.server.enrolment import issue_code
from reviewer_app.sync.protocol import MIN_CLIENT_SCHEMA_VERSION, PROTOCOL_VERSION

#: Console pages anyone signed in may open (the rest are for trust admins).
#: Pages for everyone signed in (the oversight pages show each person what their roles allow).
EVERYONE = {
    "/console",
    "/console/",
    "/console/account",
    "/console/overview",
    "/console/reviews/{review_id}",
    "/console/actions",
    "/console/reports",
    "/console/reports/{review_id}/{report_id}",
    "/console/journey/{school_id}",
    "/console/data",
    "/console/data/{name}.{kind}",
    "/console/data/tokens",
    "/console/data/tokens/{token_id}/revoke",
    "/console/reports/trust-root",  # the trust's root certificate is public to everyone signed in
    "/console/reports/trust-root.cer",
    "/console/cadence",
}
#: Pages for trust admins and lead reviewers (meeting notes on the cadence board).
NOTE_TAKERS = {"/console/cadence/meetings/new"}


@dataclass
class TwoTrusts:
    server: ConsoleServer
    admin: Staff  # trust A's admin
    reviewer: Staff  # trust A's lead reviewer (a lower role)
    other_admin: Staff  # trust B's admin
    ids: dict[str, str]  # sample ids of trust A for route parameters


@pytest.fixture
def console(tmp_path: Path) -> Iterator[ConsoleServer]:
    server = ConsoleServer(f"sqlite:///{tmp_path / 'server.sqlite3'}", tmp_path).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def trusts(console: ConsoleServer) -> TwoTrusts:
    with console.admin() as s:  # type: ignore[attr-defined]
        oak = adm.create_trust(s, "Oak Learning Trust").id
        elm = adm.create_trust(s, "Elm Academies").id
        school = adm.create_school(s, oak, urn="100001", name="Ash Primary", phase="primary").id
        adm.add_framework(s, "learning-walk", title="Learning walk")
        pat = adm.create_person(
            s, oak, name="Pat Peer", email="pat@oak.example", roles=["peer_reviewer"]
        ).id
        adm.assign(s, pat, school)
        visit = adm.create_visit(
            s,
            school,
            "learning-walk",
            start=date(2026, 3, 2),
            end=date(2026, 3, 2),
            team=[(pat, "lead_reviewer")],
        ).id
        review = adm.create_review(s, visit).id
        code = issue_code(s, pat)
    enrolled = enrol_laptop(console, code)
    admin = enrol_staff(console, "ann.admin@oak.example", ["trust_admin"], trust_id=oak)
    reviewer = enrol_staff(console, "lee.lead@oak.example", ["lead_reviewer"], trust_id=oak)
    other = enrol_staff(console, "eve.admin@elm.example", ["trust_admin"], trust_id=elm)
    return TwoTrusts(
        server=console,
        admin=admin,
        reviewer=reviewer,
        other_admin=other,
        ids={
            "school_id": school,
            "person_id": pat,
            "visit_id": visit,
            "review_id": review,
            "report_id": "no-such-report",
            "name": "no-such-dataset",
            "kind": "csv",
            "token_id": "no-such-token",
            "device_id": enrolled["device_id"],
            "token": "not-a-real-link",
            "doc_id": "learning-walk",
            "version": "2",
            "rest": "no-such-page",
            "term": "2026-autumn",
            "hold_id": "no-such-hold",
        },
    )


def console_routes(server: ConsoleServer) -> list[tuple[str, str]]:
    """(method, path template) of every console route behind sign-in."""
    from reviewer_app.server.app import create_app, server_context
    from reviewer_app.server.blob_store import BlobStore

    assert server.engine is not None
    app = create_app(server_context(server.engine, BlobStore(server.folder / "b2"), None))
    found = []
    for route in _flattened(app.routes):
        path = getattr(route, "path", "")
        if not path.startswith("/console") or path.startswith(PUBLIC_PREFIXES):
            continue
        for method in sorted(getattr(route, "methods", None) or ()):
            if method != "HEAD":
                found.append((method, path))
    assert len(found) > 30, found
    return found


def _flattened(routes: list[object]) -> Iterator[object]:
    # FastAPI keeps an included router's routes inside it.
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            yield from _flattened(inner.routes)
        else:
            yield route


def fill(template: str, ids: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)(?::path)?\}", lambda m: ids[m.group(1)], template)


def audit_count(server: ConsoleServer) -> int:
    assert server.engine is not None
    with Session(server.engine) as session:
        return len(session.exec(select(models.AuditEvent)).all())


def state(server: ConsoleServer) -> tuple[object, ...]:
    """Everything an admin action could change, to prove a refused one changed nothing."""
    assert server.engine is not None
    with Session(server.engine) as session:
        return (
            *tuple(
                sorted(repr(row.model_dump()) for row in session.exec(select(model)).all())
                for model in (
                    models.School,
                    models.Assignment,
                    models.PersonRole,
                    models.Visit,
                    models.EnrolmentCode,
                    models.Framework,
                    models.Trust,
                )
            ),
            sorted(
                (p.id, p.name, p.email, p.active, p.totp_secret)
                for p in session.exec(select(models.Person))
            ),
            sorted((d.id, d.revoked_at) for d in session.exec(select(models.Device))),
        )


def test_every_console_route_refuses_an_anonymous_request(trusts: TwoTrusts) -> None:
    server = trusts.server
    before = state(server)
    with httpx.Client(base_url=server.url) as anonymous:
        for method, template in console_routes(server):
            response = anonymous.request(method, fill(template, trusts.ids), data={"x": "1"})
            if template == "/console/{rest:path}":
                assert response.status_code == 404  # an unknown page is no page, for anyone
            elif method == "GET":
                assert response.status_code == 303, (method, template)
                assert response.headers["location"].startswith("/console/sign-in")
            else:
                assert response.status_code == 401, (method, template, response.status_code)
                assert "Sign in" in response.text
    assert state(server) == before


def test_every_admin_route_refuses_a_lead_reviewer(trusts: TwoTrusts) -> None:
    server = trusts.server
    before = state(server)
    with closing(signed_in(server, trusts.reviewer)) as http:
        csrf = csrf_of(http.get("/console").text)
        for method, template in console_routes(server):
            path = fill(template, trusts.ids)
            response = http.request(method, path, data={"csrf_token": csrf, "name": "Hacked"})
            if template in NOTE_TAKERS:  # the lead may: the nonsense form is refused as such
                assert response.status_code in (200, 400), (method, template)
                assert "for a trust admin" not in response.text
                continue
            if template in EVERYONE or template == "/console/{rest:path}":
                assert response.status_code in (200, 303, 404), (method, template)
                continue
            assert response.status_code == 403, (method, template, response.status_code)
            assert "for a trust admin" in response.text
    assert state(server) == before


def test_a_forged_or_replayed_csrf_token_changes_nothing(trusts: TwoTrusts) -> None:
    server = trusts.server
    # A token from a session that has ended (signed out) is replayed in a new session.
    with closing(signed_in(server, trusts.admin)) as old:
        replayed = csrf_of(old.get("/console").text)
        old.post("/console/sign-out", data={"csrf_token": replayed})
    before = state(server)
    events = audit_count(server)
    with closing(signed_in(server, trusts.admin)) as http:
        for method, template in console_routes(server):
            if method != "POST" or template == "/console/{rest:path}":
                continue
            path = fill(template, trusts.ids)
            for token in ("forged-token", replayed, ""):
                response = http.post(path, data={"csrf_token": token, "name": "Changed"})
                assert response.status_code == 403, (template, token, response.status_code)
                assert "was not sent from this session" in response.text
        # The same form with the session's own token works (the check is not refusing all).
        csrf = csrf_of(http.get("/console/people").text)
        done = http.post(
            f"/console/people/{trusts.ids['person_id']}/edit",
            data={"csrf_token": csrf, "name": "Pat Peerless", "email": "pat@oak.example"},
        )
        assert done.status_code == 303
    after = state(server)
    assert after != before
    assert audit_count(server) == events + 2  # the sign-in and the one real edit


def test_an_admin_of_another_trust_sees_and_changes_nothing_of_this_trust(
    trusts: TwoTrusts,
) -> None:
    server = trusts.server
    before = state(server)
    with closing(signed_in(server, trusts.other_admin)) as http:
        csrf = csrf_of(http.get("/console").text)
        for method, template in console_routes(server):
            if not re.search(r"\{(school_id|person_id|visit_id|device_id|review_id)\}", template):
                continue
            path = fill(template, trusts.ids)
            response = http.request(method, path, data={"csrf_token": csrf, "name": "Hacked"})
            assert response.status_code == 404, (method, template, response.status_code)
        # Lists show only their own trust, and ids of this trust in forms are refused.
        for page in ("/console/schools", "/console/people", "/console/devices", "/console/audit"):
            text = http.get(page).text
            assert "Ash Primary" not in text
            assert "Pat Peer" not in text
        refused = http.post(
            "/console/enrolment", data={"csrf_token": csrf, "person_id": trusts.ids["person_id"]}
        )
        assert refused.status_code == 404
    assert state(server) == before


def test_sign_in_throttling_holds_under_a_burst_of_wrong_passwords(trusts: TwoTrusts) -> None:
    server, admin = trusts.server, trusts.admin
    statuses, texts = [], []
    with httpx.Client(base_url=server.url) as http:
        for _ in range(25):  # a bounded burst from loopback
            response = sign_in_password(http, admin.email, "wrong password!")
            statuses.append(response.status_code)
            texts.append(response.text)
        right = sign_in_password(http, admin.email, PASSWORD)
    assert statuses[:4] == [400] * 4
    assert "locked after 5 failed sign-ins" in texts[4]
    assert 429 in statuses
    assert "Too many sign-in attempts" in texts[statuses.index(429)]
    assert all(s in (400, 429) for s in statuses)
    # The right password does not get in during the lockout.
    assert right.status_code in (400, 429)
    assert "/console/sign-in/code" not in right.headers.get("location", "")
    # Many addresses' worth of emails from one address are limited too.
    with httpx.Client(base_url=server.url) as http:
        results = [
            sign_in_password(http, f"nobody{n}@oak.example", "x" * 12).status_code
            for n in range(25)
        ]
    assert 429 in results


def test_session_cookies_are_httponly_strict_and_end_when_idle(trusts: TwoTrusts) -> None:
    server = trusts.server
    http = signed_in(server, trusts.reviewer)
    try:
        cookie = next(c for c in http.cookies.jar if c.name == "reviewer-console")
        assert cookie.has_nonstandard_attr("HttpOnly")
        assert cookie.get_nonstandard_attr("SameSite", "").lower() == "strict"
        assert http.get("/console/account").status_code == 200
        assert server.engine is not None
        with Session(server.engine) as session:
            for row in session.exec(select(models.ConsoleSession)):
                row.last_seen_at = row.last_seen_at.replace(year=2000)
                session.add(row)
            session.commit()
        expired = http.get("/console/account")
        assert expired.status_code == 303
        assert expired.headers["location"].startswith("/console/sign-in")
    finally:
        http.close()


def test_no_secret_outlives_its_use_in_responses_or_logs(
    console: ConsoleServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    bodies: list[str] = []

    def keep(response: httpx.Response) -> None:
        response.read()
        bodies.append(response.text + "\n" + repr(dict(response.headers)))

    with console.admin() as s:  # type: ignore[attr-defined]
        trust = adm.create_trust(s, "Oak Learning Trust").id
        pat = adm.create_person(s, trust, name="Pat Peer", email="pat@oak.example").id
    link = console.setup_link("ann.admin@oak.example", ["trust_admin"], trust_id=trust)
    token = link.rsplit("/", 1)[1]
    with httpx.Client(base_url=console.url, event_hooks={"response": [keep]}) as http:
        page = http.get(link)
        http.post(
            link,
            data={"csrf_token": csrf_of(page.text), "password": PASSWORD, "confirmation": PASSWORD},
        )
        bodies.clear()  # the link page itself may show the token before it is used
        assert http.get(link).status_code == 404  # used: gone
        sign_in_password(http, "ann.admin@oak.example", PASSWORD)
        setup = http.get("/console/sign-in/authenticator")
        secret = re.search(r'<span class="secret"[^>]*>([A-Z2-7 ]+)</span>', setup.text)
        assert secret
        totp_secret = secret.group(1).replace(" ", "")
        http.post(
            "/console/sign-in/authenticator",
            data={"csrf_token": csrf_of(setup.text), "code": code_now(totp_secret)},
        )
        bodies.clear()  # the set-up page showed the secret while it was being set up
        csrf = csrf_of(http.get("/console/people").text)
        issued = http.post("/console/enrolment", data={"csrf_token": csrf, "person_id": pat})
        code = re.search(r'id="enrol-code">([A-Z0-9-]+)<', issued.text)
        assert code
        enrolled = httpx.post(
            f"{console.url}/enrol",
            json={
                "code": code.group(1),
                "device_name": "Pat's laptop",
                "protocol_version": PROTOCOL_VERSION,
                "client_schema_version": MIN_CLIENT_SCHEMA_VERSION,
            },
        )
        assert enrolled.status_code == 200
        bodies.clear()
        for page_path in (
            "/console",
            "/console/people",
            f"/console/people/{pat}",
            "/console/enrolment",
            "/console/devices",
            "/console/audit",
            "/console/audit.csv",
            "/console/account",
        ):
            assert http.get(page_path).status_code == 200
        http.post("/console/sign-out", data={"csrf_token": csrf})
        sign_in_password(http, "ann.admin@oak.example", PASSWORD)
    everything = "\n".join(bodies)
    logs = "\n".join(
        f"{r.name} {r.getMessage()} {r.args!r}"
        for r in caplog.records
        if not r.name.startswith(("httpx", "httpcore"))  # this test's own client, not the server
    )
    for secret_value in (PASSWORD, totp_secret, code.group(1), code.group(1).replace("-", "")):
        assert secret_value not in everything
        assert secret_value not in logs
    # A set-up link is dead once used (its path may sit in an access log): never shown again.
    assert token not in everything
