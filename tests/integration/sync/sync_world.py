"""Test world for sync: the real server on loopback, laptops with real encrypted stores.

* :class:`LiveServer`: uvicorn serving the real app in a thread on a free port (SQLite, or the
  database named).
* :class:`MemoryKeyring`: an in-memory keyring backend (``keyring.set_keyring``), so device
  tokens and store keys never touch a real keyring.
* :class:`FaultyTransport`: wraps httpx's real transport and injects the faults the design
  names: a request dropped before the server sees it, a response dropped after the server
  committed, duplicate delivery.
* :class:`Laptop`: a Workspace on its own store plus its SyncService.
"""

from __future__ import annotations

import shutil
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import keyring
import uvicorn
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from keyring_backends import MemoryKeyring
from reviewer_app.paths import AppPaths, frameworks_dir
from reviewer_app.server import administration as adm
from reviewer_app.server.app import create_app, server_context
from reviewer_app.server.blob_store import BlobStore
from reviewer_app.server.database import create_server_engine, migrate, write_session
from reviewer_app.server.device_limits import DeviceLimits
from reviewer_app.server.enrolment import issue_code
from reviewer_app.server.trust_authority import TrustAuthority
from reviewer_app.services import enrolment
from reviewer_app.services.framework_catalogue import installed_library
from reviewer_app.services.review_session import open_review
from reviewer_app.services.sync_service import SyncService
from reviewer_app.services.workspace import Workspace
from reviewer_app.sync.client import RetryPolicy, SyncClient
from reviewer_app.sync.protocol import AppRelease, LaptopPolicy

UNLIMITED_RATES = DeviceLimits(
    enrolments_per_minute=10**6,
    pushes_per_minute=10**6,
    pulls_per_minute=10**6,
    file_requests_per_minute=10**6,
)


@dataclass
class LiveServer:
    """The real server app under uvicorn in a thread on a free loopback port (SQLite).

    Stopped and started again, it serves the same database on the same port (a server that
    went away and came back, as the laptops see it).
    """

    folder: Path
    engine: Engine = field(init=False)
    base_url: str = ""
    port: int = 0
    _server: uvicorn.Server | None = None
    _thread: threading.Thread | None = None
    extra_routes: Callable[[Any], None] | None = None
    #: The app version the server publishes (as ``serve --app-version`` sets it).
    app_release: AppRelease | None = None
    #: The trust's rules for laptops (as ``serve --idle-lock-minutes`` sets them).
    laptop_policy: LaptopPolicy | None = None
    #: The server's database (a SQLite file in ``folder`` unless told).
    database_url: str | None = None
    #: The trust CA (``serve --ca-dir``): certificates at enrolment, signed reports checked.
    authority: TrustAuthority | None = None
    #: What one laptop may take (``serve --device-quota-mb`` and the like); by default no
    #: request rates are counted (tests sync far faster than laptops do).
    limits: DeviceLimits | None = None

    def start(self) -> None:
        url = self.database_url or f"sqlite:///{self.folder / 'server.sqlite3'}"
        self.engine = create_server_engine(url)
        migrate(self.engine)
        (self.folder / "blobs").mkdir(exist_ok=True)
        app = create_app(
            server_context(
                self.engine,
                BlobStore(self.folder / "blobs"),
                self.authority,
                self.app_release,
                self.laptop_policy,
                self.limits or UNLIMITED_RATES,
            )
        )
        if self.extra_routes is not None:
            self.extra_routes(app)
        config = uvicorn.Config(
            app,
            host="127.0.0.1",
            port=self.port,
            log_config=None,
            access_log=False,
            lifespan="off",
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="uvicorn", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 120  # a loaded machine may take long to start a thread
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)
        self.port = self._server.servers[0].sockets[0].getsockname()[1]
        self.base_url = f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(timeout=20)
        self.engine.dispose()

    def reset(self) -> None:
        """Empty every table and the blob folder."""
        with self.engine.begin() as connection:
            for table in reversed(SQLModel.metadata.sorted_tables):
                connection.execute(table.delete())
        blobs = self.folder / "blobs"
        for child in blobs.iterdir():
            if child.is_dir():
                shutil.rmtree(child)
            else:
                child.unlink()
        (blobs / "partial").mkdir()

    def code_for(self, person_id: str) -> str:
        with write_session(self.engine) as session:
            return issue_code(session, person_id)


#: The passphrase of the trust CA of :func:`ca_live_server`.
CA_PASSPHRASE = b"the trust admin's CA passphrase"


def ca_live_server(folder: Path) -> LiveServer:
    """A server with a real trust CA folder (as ``serve --ca-dir --ca-passphrase-file``)."""
    from reviewer_app.reports.ca import CaFolder

    CaFolder.create(folder / "ca", "Oak Learning Trust", CA_PASSPHRASE)
    return LiveServer(folder, authority=TrustAuthority(folder / "ca", CA_PASSPHRASE))


WALK = "learning_walk"
#: An installed framework (``frameworks/two-day-peer-review.yaml``), for worlds on a real one.
PEER_REVIEW = "two-day-peer-review"


@dataclass(frozen=True)
class World:
    """One trust, one school, a two-day visit (a learning walk unless told otherwise) led by
    ``lead`` with two peers."""

    trust: str
    school: str
    lead: str
    peer: str
    peer2: str
    visit: str
    review: str


def build_world(
    server: LiveServer,
    *,
    framework_id: str = WALK,
    framework_title: str = "Learning walk",
    with_review: bool = True,
) -> World:
    """The world on the server. ``with_review=False`` leaves the review to be started by a
    laptop, as the app does (``World.review`` is then empty)."""
    with write_session(server.engine) as s:
        trust = adm.create_trust(s, "Oak Learning Trust").id
        school = adm.create_school(s, trust, urn="100001", name="Ash Primary", phase="primary").id
        adm.add_framework(s, framework_id, title=framework_title)
        lead = adm.create_person(
            s, trust, name="Lee Lead", email="lee@oak.example", roles=["lead_reviewer"]
        ).id
        peer = adm.create_person(
            s, trust, name="Pat Peer", email="pat@oak.example", roles=["peer_reviewer"]
        ).id
        peer2 = adm.create_person(
            s, trust, name="Sam Second", email="sam@oak.example", roles=["peer_reviewer"]
        ).id
        for person in (lead, peer, peer2):
            adm.assign(s, person, school)
        visit = adm.create_visit(
            s,
            school,
            framework_id,
            start=date(2026, 3, 2),
            end=date(2026, 3, 3),
            team=[(lead, "lead_reviewer"), (peer, "peer_reviewer"), (peer2, "peer_reviewer")],
        ).id
        review = adm.create_review(s, visit).id if with_review else ""
    return World(trust, school, lead, peer, peer2, visit, review)


def build_world_with_framework(server: LiveServer, folder: Path, framework_id: str) -> World:
    """The world with the visit on an installed framework (from ``frameworks/``), its review
    started as the app starts it: opened on a laptop of the lead's (in ``folder``), frozen to the
    framework, and pushed with its snapshot, which every laptop that pulls the review holds."""
    framework = installed_library().latest(framework_id)
    world = build_world(
        server, framework_id=framework.id, framework_title=framework.title, with_review=False
    )
    starter = Laptop(folder, server)
    try:
        starter.enrol(world.lead)
        starter.sync.sync_now()  # brings the visit
        review = open_review(starter.workspace, world.visit, with_notes=False).review
        starter.sync.sync_now()
    finally:
        starter.close()
    return replace(world, review=review.id)


@dataclass(frozen=True)
class CatalogueWorld:
    """Reviews started on the server by the trust admin, on frameworks from the real catalogue.

    ``walk_review`` is on the installed learning walk; ``missing_review`` on a framework the
    server knows but no laptop has installed. ``sam`` is assigned to the school but is on
    neither visit's team.
    """

    school: str
    lead: str
    peer: str
    sam: str
    walk_visit: str
    walk_review: str
    missing_visit: str
    missing_review: str


INSTALLED_WALK = "learning-walk"
NOT_INSTALLED = "ofsted-deep-dive"


def build_catalogue_world(server: LiveServer) -> CatalogueWorld:
    with write_session(server.engine) as s:
        trust = adm.create_trust(s, "Oak Learning Trust").id
        school = adm.create_school(s, trust, urn="100001", name="Ash Primary", phase="primary").id
        adm.import_frameworks(s, frameworks_dir())
        adm.add_framework(s, NOT_INSTALLED, title="Ofsted deep dive")
        lead = adm.create_person(
            s, trust, name="Lee Lead", email="lee@oak.example", roles=["lead_reviewer"]
        ).id
        peer = adm.create_person(
            s, trust, name="Pat Peer", email="pat@oak.example", roles=["peer_reviewer"]
        ).id
        sam = adm.create_person(
            s, trust, name="Sam Head", email="sam@oak.example", roles=["lead_reviewer"]
        ).id
        for person in (lead, peer, sam):
            adm.assign(s, person, school)
        team = [(lead, "lead_reviewer"), (peer, "peer_reviewer")]
        visits, reviews = [], []
        for framework, day in ((INSTALLED_WALK, 2), (NOT_INSTALLED, 9)):
            start = date(2026, 3, day)
            visit = adm.create_visit(s, school, framework, start=start, end=start, team=team).id
            visits.append(visit)
            reviews.append(adm.create_review(s, visit).id)
    return CatalogueWorld(school, lead, peer, sam, visits[0], reviews[0], visits[1], reviews[1])


class FaultyTransport(httpx.BaseTransport):
    """The real transport with faults injected on demand.

    Queue faults with :meth:`inject`: ``drop_request`` (raise before sending; the server never
    sees it), ``drop_response`` (send, let the server commit, then raise as if the line broke),
    ``duplicate`` (send the same request twice; answer with the second response).
    ``match`` limits a fault to requests whose path contains it.
    """

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.faults: deque[tuple[str, str]] = deque()
        self.injected: list[tuple[str, str]] = []
        self.sent: list[tuple[str, str, bytes]] = []

    def inject(self, fault: str, match: str = "") -> None:
        self.faults.append((fault, match))

    def _take(self, request: httpx.Request) -> str | None:
        for index, (fault, match) in enumerate(self.faults):
            if match in request.url.path:
                del self.faults[index]
                self.injected.append((fault, request.url.path))
                return fault
        return None

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        fault = self._take(request)
        body = request.read()
        if fault == "drop_request":
            raise httpx.ConnectError("injected: request dropped", request=request)
        self.sent.append((request.method, request.url.path, body))
        response = self.inner.handle_request(request)
        if fault == "drop_response":
            response.read()
            response.close()
            raise httpx.ReadError("injected: response dropped", request=request)
        if fault == "duplicate":
            response.read()
            response.close()
            again = httpx.Request(
                request.method, request.url, headers=request.headers, content=body
            )
            self.sent.append((request.method, request.url.path, body))
            response = self.inner.handle_request(again)
        return response

    def close(self) -> None:
        self.inner.close()


FAST_RETRY = RetryPolicy(attempts=3, initial_wait=0.01, max_wait=0.05, deadline=5)


class Laptop:
    """One reviewer's laptop: a real encrypted store, the sync service, a faulty line."""

    def __init__(self, folder: Path, server: LiveServer, *, retry: RetryPolicy = FAST_RETRY):
        self.folder = folder
        self.server = server
        self.transport = FaultyTransport()
        self.retry = retry
        self.clients: list[SyncClient] = []
        self.paths = AppPaths.from_base(folder)
        self.workspace = Workspace.open(self.paths)
        self.sync = SyncService(
            self.workspace.store,
            self.workspace.lane,
            client_factory=self.client_for,
            paths=self.paths,
        )

    def client_for(self, url: str, token: str | None) -> SyncClient:
        client = _KeepOpenClient(url, token, transport=self.transport, retry=self.retry)
        self.clients.append(client)
        return client

    def enrol(self, person_id: str) -> enrolment.Enrolment:
        done = enrolment.enrol(
            self.workspace.store,
            self.workspace.lane,
            self.server.base_url,
            self.server.code_for(person_id),
            device_name=self.folder.name,
            client_factory=self.client_for,
            paths=self.paths,
        )
        self.workspace.reload_identity()
        return done

    @property
    def reviews(self) -> Any:
        return self.workspace.reviews

    def count(self, table: type, **where: str) -> int:
        """Rows of a store table on this laptop (those whose columns equal ``where``)."""
        from sqlmodel import select

        with self.workspace.store.reading() as session:
            query = select(table)
            for name, value in where.items():
                query = query.where(getattr(table, name) == value)
            return len(session.exec(query).all())

    def close(self) -> None:
        self.workspace.close()
        self.transport.close()


class _KeepOpenClient(SyncClient):
    """A client whose ``close`` leaves the shared faulty transport open for the next session."""

    def close(self) -> None:
        pass


def serve_on(backend: str, folder: Path) -> Iterator[LiveServer]:
    """The real server on ``backend`` ("sqlite", or "postgres": a throwaway database), for a
    module fixture parametrized with ``support.throwaway_postgres.BACKENDS``."""
    from support.throwaway_postgres import ThrowawayPostgres, postgres_base_url

    postgres: ThrowawayPostgres | None = None
    url = None
    if backend == "postgres":
        postgres = ThrowawayPostgres(postgres_base_url())
        postgres.create()
        url = postgres.url
    server = LiveServer(folder, database_url=url)
    server.start()
    try:
        yield server
    finally:
        server.stop()
        if postgres is not None:
            postgres.drop()


def use_memory_keyring() -> Callable[[], None]:
    """Install a fresh :class:`MemoryKeyring`; returns a function that restores the old one."""
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    return lambda: keyring.set_keyring(previous)
