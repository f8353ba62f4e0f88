"""The real trust server on loopback, against SQLite and PostgreSQL.

Each backend gets one server per test session (uvicorn in a thread on a free port) and one
throwaway database: a SQLite file, or a PostgreSQL database created on the server named by
``REVIEWER_TEST_POSTGRES_URL`` and dropped afterwards. Between tests every table and the blob
folder are emptied, so each test starts from nothing.

PostgreSQL tests are marked ``postgres``. Without ``REVIEWER_TEST_POSTGRES_URL`` they are
skipped with the reason; with it set but the server unreachable they fail.
"""

from __future__ import annotations

import itertools
import shutil
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
import uvicorn
from cryptography import x509
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

from reviewer_app.reports.ca import CaFolder
from reviewer_app.reports.keys import SigningCredentials, credentials, generate_signing_key
from reviewer_app.server import administration as adm
from reviewer_app.server.app import create_app, server_context
from reviewer_app.server.blob_store import BlobStore
from reviewer_app.server.database import create_server_engine, migrate, write_session
from reviewer_app.server.device_limits import DeviceLimits
from reviewer_app.server.enrolment import issue_code
from reviewer_app.server.trust_authority import TrustAuthority
from reviewer_app.sync.protocol import MIN_CLIENT_SCHEMA_VERSION, PROTOCOL_VERSION
from support.demo_views import DEMO_TODAY
from support.laptop_records import laptop_record, note_payload
from support.sample_reports import SAMPLE_SIGNERS
from support.throwaway_postgres import (
    BACKENDS,
    ThrowawayPostgres,
    postgres_base_url,
)

#: The shared test server counts no request rates: its tests enrol and push far faster than
#: laptops do (the rate-limit tests start their own server with small limits).
UNLIMITED_RATES = DeviceLimits(
    enrolments_per_minute=10**6,
    pushes_per_minute=10**6,
    pulls_per_minute=10**6,
    file_requests_per_minute=10**6,
)


@dataclass
class LiveServer:
    """uvicorn serving the app in a thread on a free loopback port."""

    backend: str
    engine: Engine
    blob_root: Path
    authority: TrustAuthority | None = None
    base_url: str = ""
    limits: DeviceLimits = UNLIMITED_RATES
    _server: uvicorn.Server | None = None
    _thread: threading.Thread | None = None

    def start(self) -> None:
        context = server_context(
            self.engine, BlobStore(self.blob_root), self.authority, limits=self.limits
        )
        app = create_app(context)
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
        self.base_url = f"http://127.0.0.1:{port}"

    def stop(self) -> None:
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(timeout=20)

    def reset(self) -> None:
        """Empty every table and the blob folder."""
        with self.engine.begin() as connection:
            for table in reversed(SQLModel.metadata.sorted_tables):
                connection.execute(table.delete())
        for child in self.blob_root.iterdir():
            if child.is_dir():
                shutil.rmtree(child)
            else:
                child.unlink()
        (self.blob_root / "partial").mkdir()


CA_PASSPHRASE = b"correct horse battery staple"


@dataclass(frozen=True)
class ServerTrust:
    """The trust CA the test server uses (a real ``reviewer-app ca`` folder), and signers."""

    folder: Path
    signers: dict[str, SigningCredentials]
    crl: x509.CertificateRevocationList
    passphrase: bytes = CA_PASSPHRASE

    @property
    def root(self) -> x509.Certificate:
        return CaFolder(self.folder).root_certificate()


@pytest.fixture(scope="session")
def server_trust(tmp_path_factory: pytest.TempPathFactory) -> ServerTrust:
    """A CA folder for "Oak Learning Trust" with certificates for the sample report's signers."""
    folder = tmp_path_factory.mktemp("trust-ca") / "ca"
    ca_folder = CaFolder.create(folder, "Oak Learning Trust", CA_PASSPHRASE)
    root = ca_folder.root_certificate()
    signers = {}
    for name, role in SAMPLE_SIGNERS:
        key = generate_signing_key()
        email = f"{name.split()[-1].lower()}@oak.example"
        cert = ca_folder.issue(
            CA_PASSPHRASE, key.public_key(), name=name, email=email, roles=[role]
        )
        signers[name] = credentials(key, cert, [root])
    crl = x509.load_pem_x509_crl(ca_folder.crl_path.read_bytes())
    return ServerTrust(folder=folder, signers=signers, crl=crl)


@pytest.fixture(params=BACKENDS)
def fresh_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database for one test: a SQLite file, or a throwaway PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
        return
    postgres = ThrowawayPostgres(postgres_base_url())
    postgres.create()
    try:
        yield postgres.url
    finally:
        postgres.drop()


@pytest.fixture(scope="module", params=BACKENDS)
def demo_database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A database holding the demo trust and its history (seeded once per module and backend,
    anchored on 7 December 2026); tests read it and roll back what they change."""
    from reviewer_app.paths import frameworks_dir
    from reviewer_app.server.demo_trust import seed_demo_trust

    postgres: ThrowawayPostgres | None = None
    if request.param == "postgres":
        postgres = ThrowawayPostgres(postgres_base_url())
        postgres.create()
        url = postgres.url
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'server.sqlite3'}"
    engine = create_server_engine(url)
    try:
        migrate(engine)
        with write_session(engine) as session:
            assert seed_demo_trust(session, frameworks_dir(), today=DEMO_TODAY)
    finally:
        engine.dispose()
    try:
        yield url
    finally:
        if postgres is not None:
            postgres.drop()


@pytest.fixture
def demo(demo_database_url: str) -> Iterator[Session]:
    """The demo trust's database; what a test changes is rolled back."""
    engine = create_server_engine(demo_database_url)
    try:
        with Session(engine) as session:
            yield session
            session.rollback()
    finally:
        engine.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def live_server(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    server_trust: ServerTrust,
) -> Iterator[LiveServer]:
    """One running server per backend for the whole session."""
    folder = tmp_path_factory.mktemp(f"server-{request.param}")
    postgres: ThrowawayPostgres | None = None
    if request.param == "postgres":
        postgres = ThrowawayPostgres(postgres_base_url())
        postgres.create()
        url = postgres.url
    else:
        url = f"sqlite:///{folder / 'server.sqlite3'}"
    engine = create_server_engine(url)
    try:
        migrate(engine)
        authority = TrustAuthority(folder=server_trust.folder, passphrase=CA_PASSPHRASE)
        live = LiveServer(
            backend=request.param, engine=engine, blob_root=folder / "blobs", authority=authority
        )
        live.start()
        try:
            yield live
        finally:
            live.stop()
    finally:
        engine.dispose()
        if postgres is not None:
            postgres.drop()


def now() -> str:
    return datetime.now(UTC).isoformat()


@dataclass
class Device:
    """An enrolled laptop as the server sees it: token, HTTP client, its own device_seq."""

    id: str
    person_id: str
    token: str
    http: httpx.Client
    _seq: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def op(
        self,
        review_id: str,
        kind: str,
        entity: str,
        entity_id: str,
        payload: Any,
        *,
        raw: bool = False,
        **extra: Any,
    ) -> dict[str, Any]:
        """A wire operation from this device, with the next device_seq.

        The record of an ``append`` (or a ``retract`` by id) gets the fields the test leaves
        out as a laptop would fill them (:func:`laptop_record`); ``raw=True`` sends ``payload``
        exactly as given (for malformed records).
        """
        if not raw and isinstance(payload, dict):
            payload = laptop_record(kind, entity, entity_id, review_id, self.person_id, payload)
        op: dict[str, Any] = {
            "op_id": str(uuid.uuid4()),
            "device_seq": next(self._seq),
            "review_id": review_id,
            "entity": entity,
            "entity_id": entity_id,
            "kind": kind,
            "payload": payload,
            "device_time": now(),
        }
        if kind in ("set", "resolve") and entity == "field_value":
            op["field"] = "quality_of_education.strengths"
        op.update(extra)
        return op

    def note(
        self, review_id: str, text: str = "Pupils explained their reasoning"
    ) -> dict[str, Any]:
        note_id = str(uuid.uuid4())
        return self.op(
            review_id,
            "append",
            "evidence_note",
            note_id,
            note_payload(note_id, review_id, self.person_id, text),
        )

    def push(self, review_id: str, ops: list[dict[str, Any]]) -> httpx.Response:
        return self.http.post(
            f"/reviews/{review_id}/push",
            json={"protocol_version": PROTOCOL_VERSION, "operations": ops},
        )

    def pull(self, review_id: str, since: int = 0, limit: int = 500) -> httpx.Response:
        return self.http.get(
            f"/reviews/{review_id}/changes", params={"since": since, "limit": limit}
        )

    def pull_all(self, review_id: str) -> list[dict[str, Any]]:
        changes: list[dict[str, Any]] = []
        cursor = 0
        while True:
            page = self.pull(review_id, cursor).json()
            changes.extend(page["changes"])
            cursor = page["next_cursor"]
            if not page["has_more"]:
                return changes

    def handshake(self) -> httpx.Response:
        return self.http.post(
            "/handshake",
            json={
                "protocol_version": PROTOCOL_VERSION,
                "client_schema_version": MIN_CLIENT_SCHEMA_VERSION,
            },
        )


@dataclass
class Harness:
    """A clean server for one test, with admin access and enrolment."""

    live: LiveServer
    clients: list[httpx.Client] = field(default_factory=list)

    @property
    def backend(self) -> str:
        return self.live.backend

    @property
    def engine(self) -> Engine:
        return self.live.engine

    def client(self, headers: dict[str, str] | None = None) -> httpx.Client:
        client = httpx.Client(base_url=self.live.base_url, headers=headers or {}, timeout=30)
        self.clients.append(client)
        return client

    def admin(self) -> Any:
        return write_session(self.engine)

    def session(self) -> Session:
        return Session(self.engine)

    def same_device(self, device: Device) -> Device:
        """The same laptop over a second connection (for a duplicate delivery racing the first)."""
        return Device(
            id=device.id,
            person_id=device.person_id,
            token=device.token,
            http=self.client({"Authorization": f"Bearer {device.token}"}),
        )

    def code_for(self, person_id: str) -> str:
        with self.admin() as session:
            return issue_code(session, person_id)

    def enrol(self, person_id: str, name: str = "Laptop") -> Device:
        response = self.client().post(
            "/enrol",
            json={
                "code": self.code_for(person_id),
                "device_name": name,
                "protocol_version": PROTOCOL_VERSION,
                "client_schema_version": MIN_CLIENT_SCHEMA_VERSION,
            },
        )
        assert response.status_code == 200, response.text
        body = response.json()
        token = body["device_token"]
        return Device(
            id=body["device_id"],
            person_id=person_id,
            token=token,
            http=self.client({"Authorization": f"Bearer {token}"}),
        )

    def count(self, table: str) -> int:
        with self.engine.connect() as connection:
            return int(connection.execute(sa.text(f"SELECT COUNT(*) FROM {table}")).scalar_one())

    def close(self) -> None:
        for client in self.clients:
            client.close()


@pytest.fixture
def server(live_server: LiveServer) -> Iterator[Harness]:
    """The session's server, emptied for this test."""
    live_server.reset()
    harness = Harness(live_server)
    try:
        yield harness
    finally:
        harness.close()


@dataclass(frozen=True)
class World:
    """One trust, two schools, an ordinary and a safeguarding framework, five people.

    School A has a learning walk (lead ``lead``, peer ``peer``) and a safeguarding audit
    (lead ``dsl``, peer ``peer``), each with a review. ``outsider`` reviews school B only.
    """

    trust: str
    school_a: str
    school_b: str
    lead: str
    peer: str
    dsl: str
    outsider: str
    observer: str  # assigned to school A, on no team
    walk_visit: str
    walk_review: str
    audit_visit: str
    audit_review: str


WALK = "learning_walk"
AUDIT = "safeguarding_audit"


def build_world(harness: Harness) -> World:
    with harness.admin() as s:
        trust = adm.create_trust(s, "Oak Learning Trust").id
        school_a = adm.create_school(s, trust, urn="100001", name="Ash Primary", phase="primary").id
        school_b = adm.create_school(
            s, trust, urn="100002", name="Birch Academy", phase="secondary"
        ).id
        adm.add_framework(s, WALK, title="Learning walk")
        adm.add_framework(s, AUDIT, title="Safeguarding audit", safeguarding=True)
        lead = adm.create_person(
            s, trust, name="Lee Lead", email="lee@oak.example", roles=["lead_reviewer"]
        ).id
        peer = adm.create_person(
            s,
            trust,
            name="Pat Peer",
            email="pat@oak.example",
            roles=["peer_reviewer", "safeguarding_lead"],
        ).id
        dsl = adm.create_person(
            s, trust, name="Dee Dsl", email="dee@oak.example", roles=["safeguarding_lead"]
        ).id
        outsider = adm.create_person(
            s,
            trust,
            name="Owen Out",
            email="owen@oak.example",
            roles=["lead_reviewer", "safeguarding_lead"],
        ).id
        observer = adm.create_person(
            s, trust, name="Obi Obs", email="obi@oak.example", roles=["improvement_partner"]
        ).id
        for person in (lead, peer, dsl, observer):
            adm.assign(s, person, school_a)
        adm.assign(s, outsider, school_b)
        walk_visit = adm.create_visit(
            s,
            school_a,
            WALK,
            start=date(2026, 3, 2),
            end=date(2026, 3, 3),
            team=[(lead, "lead_reviewer"), (peer, "peer_reviewer")],
        ).id
        audit_visit = adm.create_visit(
            s,
            school_a,
            AUDIT,
            start=date(2026, 3, 9),
            end=date(2026, 3, 9),
            team=[(dsl, "lead_reviewer"), (peer, "peer_reviewer")],
        ).id
        walk_review = adm.create_review(s, walk_visit).id
        audit_review = adm.create_review(s, audit_visit).id
    return World(
        trust=trust,
        school_a=school_a,
        school_b=school_b,
        lead=lead,
        peer=peer,
        dsl=dsl,
        outsider=outsider,
        observer=observer,
        walk_visit=walk_visit,
        walk_review=walk_review,
        audit_visit=audit_visit,
        audit_review=audit_review,
    )


@pytest.fixture
def world(server: Harness) -> World:
    return build_world(server)
