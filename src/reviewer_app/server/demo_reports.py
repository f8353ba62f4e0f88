"""Signed reports for the trust server's demo (``serve --demo``), and its demo trust CA.

The demo server's trust CA is a demo CA in the data folder (:func:`demo_authority`, its key
under the public :data:`~reviewer_app.demo.trust_data.DEMO_CA_PASSPHRASE`): laptops enrolling
on the demo server get their certificates from it, the console exports its root like a real
one, and every signature arriving is checked against it.

Every signed review of the demo (:mod:`.demo_history`) gets its reports signed as the desktop
demo signs them (the school's report of every visit; the full internal report of the
safeguarding audits and of the two-day peer reviews): the report is built from the review's
records on the server by the report builder the laptops use
(:mod:`reviewer_app.reports.review_report`), and each member of the visit's team signs in turn
in the framework's order, with a certificate from the demo CA. Each signed version then
arrives through the road a laptop's push takes (:func:`.review_pushes.receive_push`, sent from
the signer's demo laptop, a device of theirs on the server): the server checks it
(:mod:`.signed_reports`: signatures against the CA, the plan, the next-version rule), keeps
it, locks the review at its last signature and adds the trust's long-term version. Nothing
here writes a signed-report record itself.

A signature costs about half a second and the demo holds some seventy signed reviews, so the
server signs them in a background thread once it answers (:func:`sign_in_background`), newest
visit first, stopping between reviews when the server stops. A review whose reports the server
holds already is left as it is, so a restart on the same data folder signs only what is left.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import secrets
import threading
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlmodel import Session, col, select

from reviewer_app.demo.trust_data import (
    DEMO_AUDIENCES,
    DEMO_CA_PASSPHRASE,
    DEMO_DEFAULT_AUDIENCES,
    DEMO_TRUST_NAME,
)
from reviewer_app.domain.ids import new_id
from reviewer_app.domain.record_kinds import Entity, OpKind
from reviewer_app.domain.review import ReviewState
from reviewer_app.server import models
from reviewer_app.server.console.settings import DemoSigning
from reviewer_app.server.request_context import ServerContext
from reviewer_app.server.signed_reports import LONG_TERM_KEY
from reviewer_app.server.trust_authority import TrustAuthority

if TYPE_CHECKING:
    from cryptography import x509

    from reviewer_app.reports.keys import SigningCredentials

log = logging.getLogger(__name__)

#: The demo trust CA's folder in the server's data folder.
DEMO_CA_FOLDER = "demo-trust-ca"
#: The name of the demo laptop each signer sends their signatures from.
DEMO_LAPTOP = "Demo laptop"


def demo_authority(data_dir: Path) -> TrustAuthority:
    """The demo server's trust CA (made in the data folder on first start)."""
    from reviewer_app.reports.ca import CaFolder

    folder = data_dir / DEMO_CA_FOLDER
    if not CaFolder(folder).root_cert_path.is_file():
        CaFolder.create(folder, DEMO_TRUST_NAME, DEMO_CA_PASSPHRASE)
        log.info("Demo trust CA made in %s", folder)
    return TrustAuthority(folder=folder.resolve(), passphrase=DEMO_CA_PASSPHRASE)


def signed_review_ids(session: Session) -> list[str]:
    """The reviews the server holds as signed (their last state change), newest visit first."""
    states = session.exec(
        select(models.ChangeLog.review_id, models.ChangeLog.payload)
        .where(
            models.ChangeLog.entity == Entity.REVIEW.value,
            col(models.ChangeLog.kind).in_((OpKind.SUBMIT.value, OpKind.SET.value)),
        )
        .order_by(col(models.ChangeLog.review_id), col(models.ChangeLog.server_seq))
    ).all()
    last: dict[str, Any] = {}
    for review_id, payload in states:
        last[review_id] = payload.get("state") if isinstance(payload, dict) else None
    signed = {r for r, state in last.items() if state == ReviewState.SIGNED.value}
    rows = session.exec(
        select(col(models.Review.id), col(models.Visit.planned_start))
        .join(models.Visit, col(models.Visit.id) == col(models.Review.visit_id))
        .where(col(models.Review.id).in_(signed))
    ).all()
    newest_first = sorted(rows, key=lambda r: (r[1], r[0]), reverse=True)
    return [review_id for review_id, _start in newest_first]


def held_signatures(session: Session, review_id: str) -> dict[str, tuple[int, int, str]]:
    """The newest signed version the server holds of each of the review's reports, by
    audience: (signatures on it, signatures required, its file's SHA-256)."""
    held: dict[str, tuple[int, int, str]] = {}
    for record in session.exec(
        select(models.Record).where(
            models.Record.review_id == review_id,
            models.Record.entity == Entity.SIGNED_REPORT.value,
        )
    ):
        payload = record.payload if isinstance(record.payload, dict) else {}
        if payload.get(LONG_TERM_KEY):
            continue
        audience = str(payload.get("audience", ""))
        count, required = int(payload.get("signer_count", 0)), int(payload.get("required_count", 0))
        if count > held.get(audience, (0, 0, ""))[0]:
            held[audience] = (count, required, record.blob_sha256 or "")
    return held


def fully_signed(session: Session, review_id: str, framework_id: str) -> bool:
    """Whether the server holds every demo report of the review with its last signature."""
    held = held_signatures(session, review_id)
    return all(
        a in held and held[a][0] >= held[a][1]
        for a in DEMO_AUDIENCES.get(framework_id, DEMO_DEFAULT_AUDIENCES)
    )


def _waiting(session: Session, review_ids: list[str]) -> list[str]:
    frameworks = dict(
        session.exec(
            select(col(models.Review.id), col(models.Review.framework_id)).where(
                col(models.Review.id).in_(review_ids)
            )
        ).all()
    )
    return [r for r in review_ids if not fully_signed(session, r, frameworks[r])]


class DemoSigner:
    """Signs the demo's signed reviews' reports, one review at a time."""

    def __init__(
        self, context: ServerContext, authority: TrustAuthority, state: DemoSigning | None = None
    ) -> None:
        self.context = context
        self.authority = authority
        self.state = state or DemoSigning()
        self._credentials: dict[str, SigningCredentials] = {}

    def sign_all(
        self, should_stop: Callable[[], bool] = lambda: False, limit: int | None = None
    ) -> int:
        """Sign every signed review's reports not held yet (at most ``limit`` reviews), newest
        visit first, stopping between reviews once ``should_stop()``; returns how many signed
        versions the server kept."""
        with Session(self.context.engine) as session:
            review_ids = signed_review_ids(session)
            waiting = _waiting(session, review_ids)
        total = len(review_ids)
        done = total - len(waiting)
        self.state.progress(done, total)
        kept = 0
        for review_id in waiting[:limit] if limit is not None else waiting:
            if should_stop():
                log.info("Demo reports: stopped with %d of %d reviews signed", done, total)
                return kept
            kept += self.sign_review(review_id)
            done += 1
            self.state.progress(done, total)
        self.state.progress(done, total, finished=done >= total)
        log.info("Demo reports: %d of %d signed reviews have their reports", done, total)
        return kept

    def sign_review(self, review_id: str, signatures: int | None = None) -> int:
        """Sign one review's reports, each version received as a laptop's push; returns how
        many versions the server kept. A report the server holds with its last signature is
        left as it is; one a stopped server left part-signed is signed on from the version held
        (so it stays the next version of the same file). ``signatures``: stop after that many,
        as a server stopped in the middle of a review does."""
        from reviewer_app.reports.review_report import build_report_draft, report_audience
        from reviewer_app.reports.signing import prepare_and_render, sign_report
        from reviewer_app.server.review_content import review_content

        with Session(self.context.engine) as session:
            held = held_signatures(session, review_id)
            row = session.get(models.Review, review_id)
            if row is None or fully_signed(session, review_id, row.framework_id):
                return 0
            content = review_content(session, review_id)
            people = {p.name: p for p in session.exec(select(models.Person)).all()}
        draft, _withheld = build_report_draft(content, may_see_restricted=True)
        framework = content.framework
        root, crls = self._trust_material()
        kept = 0
        for audience in DEMO_AUDIENCES.get(framework.id, DEMO_DEFAULT_AUDIENCES):
            document = draft.for_audience(report_audience(framework, audience))
            slots = document.signing_order
            signed, _required, sha = held.get(audience, (0, 0, ""))
            if signed >= len(slots):
                continue
            pdf = (self.context.blobs.read(sha) if signed else None) or prepare_and_render(document)
            for number, slot in enumerate(slots, 1):
                if number <= signed:
                    continue
                if signatures is not None and kept >= signatures:
                    return kept
                person = people[slot.person_name]
                pdf = sign_report(
                    pdf,
                    self._signer(person),
                    field_name=slot.field_name,
                    trust_roots=(root,),
                    crls=crls,
                )
                record = {
                    "review_id": review_id,
                    "report_id": document.report_id,
                    "audience": audience,
                    "size": len(pdf),
                    "data_hash": document.data_hash(),
                    "signer_count": number,
                    "required_count": len(slots),
                    "signer_name": slot.person_name,
                    "author_id": person.id,
                    "signed_at": datetime.now(UTC).isoformat(),
                }
                self._send(person, review_id, pdf, record)
                kept += 1
        return kept

    def _trust_material(
        self,
    ) -> tuple[x509.Certificate, tuple[x509.CertificateRevocationList, ...]]:
        from cryptography import x509

        from reviewer_app.reports.ca import CaFolder

        folder = CaFolder(self.authority.folder)
        crls: tuple[x509.CertificateRevocationList, ...] = ()
        if folder.crl_path.is_file():
            crls = (x509.load_pem_x509_crl(folder.crl_path.read_bytes()),)
        return folder.root_certificate(), crls

    def _signer(self, person: models.Person) -> SigningCredentials:
        """The person's signing key and a certificate for it from the demo CA (once a run)."""
        from reviewer_app.reports.ca import CaFolder
        from reviewer_app.reports.keys import credentials, generate_signing_key

        if person.id not in self._credentials:
            key = generate_signing_key()
            cert = CaFolder(self.authority.folder).issue(
                DEMO_CA_PASSPHRASE, key.public_key(), name=person.name, email=person.email, roles=()
            )
            self._credentials[person.id] = credentials(key, cert)
        return self._credentials[person.id]

    def _send(
        self, person: models.Person, review_id: str, pdf: bytes, record: dict[str, Any]
    ) -> None:
        """Upload the version and push its record from the signer's demo laptop, as the
        laptop's sync does; a refusal is an error (the demo's reports must all verify)."""
        from reviewer_app.server.database import write_session
        from reviewer_app.server.enrolment import Caller
        from reviewer_app.server.review_pushes import receive_push
        from reviewer_app.sync.protocol import (
            PROTOCOL_VERSION,
            Operation,
            PushRequest,
            ResultStatus,
        )

        sha = hashlib.sha256(pdf).hexdigest()
        self.context.blobs.put(sha, pdf)
        with write_session(self.context.engine) as session:
            device = _demo_laptop(session, person)
            if session.get(models.Blob, sha) is None:
                session.add(
                    models.Blob(
                        sha256=sha, size=len(pdf), stored_at=datetime.now(UTC),
                        uploaded_by=person.id, device_id=device.id,
                    )
                )  # fmt: skip
                session.flush()
            operation = Operation(
                op_id=uuid.uuid4(),
                device_seq=1,
                review_id=review_id,
                entity=Entity.SIGNED_REPORT,
                entity_id=new_id(),
                kind=OpKind.APPEND,
                payload={**record, "sha256": sha},
                device_time=datetime.now(UTC),
            )
            signer = session.get(models.Person, person.id)
            assert signer is not None
            request = PushRequest(protocol_version=PROTOCOL_VERSION, operations=[operation])
            answer = receive_push(session, self.context, Caller(device, signer), review_id, request)
        result = answer.results[0]
        if result.status is not ResultStatus.ACCEPTED:
            raise RuntimeError(f"The demo's signed report was not kept: {result.message}")


def _demo_laptop(session: Session, person: models.Person) -> models.Device:
    """The person's demo laptop on the server (enrolled the first time it is needed)."""
    device_id = f"demo-laptop-{person.id}"[:64]
    device = session.get(models.Device, device_id)
    if device is None:
        # Its token is thrown away: nobody syncs with it, it only names where signatures came from.
        token = hashlib.sha256(secrets.token_bytes(32)).hexdigest()
        device = models.Device(
            id=device_id,
            person_id=person.id,
            name=DEMO_LAPTOP,
            token_sha256=token,
            enrolled_at=datetime.now(UTC),
        )
        session.add(device)
        session.flush()
    return device


def sign_in_background(
    signer: DemoSigner, ready: Callable[[], bool], stop: threading.Event
) -> threading.Thread:
    """Sign the demo's reports on a thread once ``ready()`` (the server answers), until done or
    ``stop`` is set (between reviews)."""

    def run() -> None:
        while not ready():
            if stop.wait(0.2):
                return
        try:
            signer.sign_all(stop.is_set)
        except Exception:
            log.exception("Signing the demo's reports failed")

    thread = threading.Thread(target=run, name="demo-reports", daemon=True)
    thread.start()
    return thread


def start_demo_signing(
    app: Any, authority: TrustAuthority, state: DemoSigning, host: str, port: int
) -> tuple[threading.Event, threading.Thread]:
    """Sign the demo's reports on a thread once ``app`` answers on ``host``:``port``. When the
    server shuts down, the thread is stopped after the review it is signing and waited for
    (the app's shutdown), so the server's process never ends in the middle of a push; set the
    event to stop it sooner."""
    import socket

    local = {"0.0.0.0": "127.0.0.1", "": "127.0.0.1", "::": "::1"}.get(host, host)  # noqa: S104

    def answers() -> bool:
        try:
            with socket.create_connection((local, port), timeout=1):
                return True
        except OSError:
            return False

    stop = threading.Event()
    signer = DemoSigner(app.state.context, authority, state)
    thread = sign_in_background(signer, answers, stop)
    running = app.router.lifespan_context

    @contextlib.asynccontextmanager
    async def lifespan(started: Any) -> AsyncIterator[Any]:
        async with running(started) as value:
            yield value
        stop.set()
        await asyncio.to_thread(thread.join, 120)

    app.router.lifespan_context = lifespan
    return stop, thread
