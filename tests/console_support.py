"""The trust console on a real server for tests: uvicorn on loopback, staff who sign in through
the console's own pages (set-up link, password, authenticator), and HTTP clients holding their
session. Shared by the console's HTTP tests and its browser tests."""

from __future__ import annotations

import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pyotp
import uvicorn
from sqlalchemy.engine import Engine

from reviewer_app.server.app import create_app, server_context
from reviewer_app.server.blob_store import BlobStore
from reviewer_app.server.console.settings import ConsoleSettings
from reviewer_app.server.console_users import create_console_user
from reviewer_app.server.database import create_server_engine, migrate, write_session
from reviewer_app.server.staff_accounts import person_by_email
from reviewer_app.server.trust_authority import TrustAuthority
from reviewer_app.sync.protocol import MIN_CLIENT_SCHEMA_VERSION, PROTOCOL_VERSION
from support.laptop_records import laptop_record

PASSWORD = "correct horse battery staple"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_LINK = re.compile(r"(/console/set-password/\S+)")
_SECRET = re.compile(r'<span class="secret"[^>]*>([A-Z2-7 ]+)</span>')


def csrf_of(html: str) -> str:
    found = _CSRF.search(html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


def code_now(secret: str) -> str:
    return str(pyotp.TOTP(secret).now())


@dataclass
class ConsoleServer:
    """The trust server (sync API and console) in a thread on a free loopback port."""

    database_url: str
    folder: Path
    settings: ConsoleSettings = field(default_factory=ConsoleSettings)
    url: str = ""
    engine: Engine | None = None
    _server: uvicorn.Server | None = None
    _thread: threading.Thread | None = None
    #: The trust CA (``serve --ca-dir``), when the test needs one.
    authority: TrustAuthority | None = None

    def start(self) -> ConsoleServer:
        self.engine = create_server_engine(self.database_url)
        migrate(self.engine)
        app = create_app(
            server_context(self.engine, BlobStore(self.folder / "blobs"), self.authority),
            self.settings,
        )
        config = uvicorn.Config(
            app, host="127.0.0.1", port=0, log_config=None, access_log=False, lifespan="off"
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="uvicorn", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 120  # a loaded machine may take long to start a thread
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)
        port = self._server.servers[0].sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        return self

    def stop(self) -> None:
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(timeout=20)
        if self.engine is not None:
            self.engine.dispose()

    def admin(self) -> object:
        assert self.engine is not None
        return write_session(self.engine)

    def setup_link(self, email: str, roles: list[str], **kwargs: object) -> str:
        """What ``admin create-console-user`` prints, as a path on this server."""
        assert self.engine is not None
        with write_session(self.engine) as session:
            message = create_console_user(
                session,
                email,
                roles=roles,
                server_url=self.url,
                **kwargs,  # type: ignore[arg-type]
            )
        found = _LINK.search(message)
        assert found, message
        return found.group(1)

    def person_id(self, email: str) -> str:
        assert self.engine is not None
        with write_session(self.engine) as session:
            person = person_by_email(session, email)
            assert person is not None
            return person.id


@dataclass
class Staff:
    """A person who can sign in to the console, and what they sign in with."""

    email: str
    person_id: str
    password: str
    totp_secret: str | None


def enrol_laptop(
    server: ConsoleServer, code: str, device_name: str = "Pat's laptop"
) -> dict[str, str]:
    """Enrol a laptop with an enrolment code, as the app does; the server's answer (its
    ``device_id`` and ``device_token`` among others)."""
    answer = httpx.post(
        f"{server.url}/enrol",
        json={
            "code": code,
            "device_name": device_name,
            "protocol_version": PROTOCOL_VERSION,
            "client_schema_version": MIN_CLIENT_SCHEMA_VERSION,
        },
    )
    assert answer.status_code == 200, answer.text
    enrolled: dict[str, str] = answer.json()
    return enrolled


def enrol_staff(server: ConsoleServer, email: str, roles: list[str], **kwargs: object) -> Staff:
    """Make someone a console user the way a real one becomes one: the set-up link, a password,
    and (for roles that need it) an authenticator set up from the page's key."""
    link = server.setup_link(email, roles, **kwargs)
    with httpx.Client(base_url=server.url, timeout=30) as http:
        page = http.get(link)
        assert page.status_code == 200, page.text
        done = http.post(
            link,
            data={"csrf_token": csrf_of(page.text), "password": PASSWORD, "confirmation": PASSWORD},
        )
        assert done.status_code == 303, done.text
        secret = None
        response = sign_in_password(http, email, PASSWORD)
        if response.headers["location"] == "/console/sign-in/authenticator":
            page = http.get("/console/sign-in/authenticator")
            found = _SECRET.search(page.text)
            assert found, "the set-up page shows no key"
            secret = found.group(1).replace(" ", "")
            finished = http.post(
                "/console/sign-in/authenticator",
                data={"csrf_token": csrf_of(page.text), "code": code_now(secret)},
            )
            assert finished.status_code == 200, finished.text
    return Staff(
        email=email, person_id=server.person_id(email), password=PASSWORD, totp_secret=secret
    )


def sign_in_password(http: httpx.Client, email: str, password: str) -> httpx.Response:
    form = http.get("/console/sign-in")
    return http.post(
        "/console/sign-in",
        data={"csrf_token": csrf_of(form.text), "email": email, "password": password},
    )


def signed_in(server: ConsoleServer, staff: Staff) -> httpx.Client:
    """An HTTP client with a fully signed-in console session of ``staff``."""
    http = httpx.Client(base_url=server.url, timeout=30)
    response = sign_in_password(http, staff.email, staff.password)
    assert response.status_code == 303, response.text
    if response.headers["location"] == "/console/sign-in/code":
        assert staff.totp_secret is not None
        page = http.get("/console/sign-in/code")
        response = http.post(
            "/console/sign-in/code",
            data={"csrf_token": csrf_of(page.text), "code": code_now(staff.totp_secret)},
        )
        assert response.status_code == 303, response.text
    assert response.headers["location"] == "/console"
    return http


def push_signed_copy(
    server: ConsoleServer, token: str, person: str, review: str, pdf: bytes, record: dict[str, Any]
) -> None:
    """Upload one signature's copy of a report and push its record, as the signer's laptop
    does; the server must accept it."""
    auth = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=server.url, headers=auth, timeout=60) as http:
        assert http.put(f"/blobs/{record['sha256']}", content=pdf).status_code in (200, 201)
        report = str(uuid.uuid4())
        op = {
            "op_id": str(uuid.uuid4()), "device_seq": 1, "review_id": review,
            "entity": "signed_report", "entity_id": report, "kind": "append",
            "payload": laptop_record("append", "signed_report", report, review, person, record),
            "device_time": "2026-03-02T16:00:00+00:00",
        }  # fmt: skip
        body = {"protocol_version": PROTOCOL_VERSION, "operations": [op]}
        answer = http.post(f"/reviews/{review}/push", json=body)
        assert answer.status_code == 200, answer.text
        result = answer.json()["results"][0]
        assert result["status"] == "accepted", result
