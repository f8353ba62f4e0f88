"""Sync for the GUI and the ``sync`` command: run a session, report status, handle conflicts.

:class:`SyncService` wires the Qt-free engine (:func:`reviewer_app.sync.engine.run`) to the real
store through :class:`~.sync_outbox.StoreOutbox` and :class:`~.sync_apply.StoreApplier`. It may
be called from a worker thread; store writes go through the writer lane.

Conflicts are data: :meth:`SyncService.open_conflicts` lists them (both versions, authors and
times) and :meth:`SyncService.resolve_conflict` lets the lead reviewer settle one as a
``resolve`` operation, queued like every other change.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, func, select

from reviewer_app.domain.errors import NotFoundError, PermissionDeniedError
from reviewer_app.domain.record_kinds import Entity, OpKind
from reviewer_app.domain.review import JSONValue
from reviewer_app.paths import AppPaths
from reviewer_app.services import app_updates, enrolment, upload_waits
from reviewer_app.services.app_updates import AppUpdate
from reviewer_app.services.category_sync import StoreCategories
from reviewer_app.services.enrolment import ClientFactory, NotEnrolledError
from reviewer_app.services.framework_catalogue import installed_library
from reviewer_app.services.offline_timestamps import StoreTrustedTime
from reviewer_app.services.sync_apply import (
    StoreApplier,
    stored_conflicts,
)
from reviewer_app.services.sync_outbox import StoreOutbox
from reviewer_app.services.sync_quarantine import (
    NamedSetAside,
    SetAside,
    mark_reported,
    named,
    set_aside_records,
)
from reviewer_app.services.trust_library import TrustLibrary
from reviewer_app.services.upload_waits import WaitingFile
from reviewer_app.services.visit_sync import StoreVisits
from reviewer_app.services.writer_lane import WriterLane
from reviewer_app.storage import outbox as store_outbox
from reviewer_app.storage.local_settings import IDLE_LOCK_MINUTES, get_setting, set_setting
from reviewer_app.storage.organisation_repository import OrganisationRepository
from reviewer_app.storage.review_repository import ReviewRepository
from reviewer_app.storage.store import Store
from reviewer_app.storage.tables import OutboxRow
from reviewer_app.storage.visit_repository import VisitRepository
from reviewer_app.sync import engine
from reviewer_app.sync.client import (
    ReEnrolRequiredError,
    RetryPolicy,
    SyncClient,
    SyncClientError,
)
from reviewer_app.sync.protocol import (
    MAX_BATCH,
    PROTOCOL_VERSION,
    ConflictRecord,
    ConflictStatus,
    SetAsideRecord,
    SetAsideReport,
)
from reviewer_app.sync.session_types import CancelCheck, ProgressCallback, SyncResult

log = logging.getLogger(__name__)

LAST_SYNC_AT = "sync.last_sync_at"
#: A reachability probe that answers at once: one try, a short deadline.
QUICK_PROBE = RetryPolicy(attempts=1, initial_wait=0.1, max_wait=0.1, deadline=5.0)
LAST_SYNC_SUMMARY = "sync.last_sync_summary"


@dataclass(frozen=True, slots=True)
class SyncStatus:
    """What the status bar shows."""

    enrolled: bool
    server_url: str | None
    last_synced_at: datetime | None
    pending: int
    needs_attention: int
    open_conflicts: int
    #: Pulled records set aside because this laptop could not apply them.
    set_aside: int = 0
    #: A newer app the trust server published at the last sync (said quietly), if any.
    update: AppUpdate | None = None
    #: Files that could not be uploaded yet, with the reason (:mod:`.upload_waits`).
    files_waiting: tuple[WaitingFile, ...] = ()


def summarise(result: SyncResult) -> str:
    """One sentence about a finished session, for the command line and the status bar."""
    if result.nothing_to_do:
        return "Already up to date."
    parts = [f"sent {result.pushed} change{'s' if result.pushed != 1 else ''}"]
    if result.time_stamped:
        parts.append(
            f"{result.time_stamped} signature{'s' if result.time_stamped != 1 else ''} made "
            "offline time-stamped by the trust"
        )
    if result.conflicts:
        parts.append(f"{result.conflicts} became conflicts for the lead reviewer")
    if result.rejected:
        parts.append(f"{result.rejected} refused (see Needs attention)")
    if result.retry_later:
        parts.append(f"{result.retry_later} wait for the next sync")
    parts.append(f"received {result.pulled}")
    if result.set_aside:
        parts.append(
            f"{result.set_aside} received record{'s' if result.set_aside != 1 else ''} could not "
            "be stored and were set aside (see Set aside in the sync panel)"
        )
    if result.signed_reports_not_kept:
        parts.append(
            f"{result.signed_reports_not_kept} signed report(s) received could not be kept "
            "(the Sign report dialog says why)"
        )
    if result.frameworks_received:
        parts.append(f"the trust's framework library updated ({result.frameworks_received} in use)")
    if result.frameworks_refused:
        parts.append(
            f"{len(result.frameworks_refused)} framework file(s) refused (see 'reviewer-app "
            "frameworks list')"
        )
    if result.files_waiting:
        count = len(result.files_waiting)
        parts.append(f"{count} file{'s' if count != 1 else ''} wait{'' if count != 1 else 's'} "
                     "to be sent (see Files waiting)")  # fmt: skip
    if result.blobs_uploaded or result.blobs_downloaded:
        parts.append(f"{result.blobs_uploaded} files up, {result.blobs_downloaded} down")
    text = ", ".join(parts)
    return text[0].upper() + text[1:] + "."


class SyncService:
    """Sync with the trust server this store is enrolled with."""

    def __init__(
        self,
        store: Store,
        lane: WriterLane,
        *,
        client_factory: ClientFactory = enrolment.default_client_factory,
        current_person_id: str | None = None,
        paths: AppPaths | None = None,
    ) -> None:
        self._store = store
        #: Where the trust root and revocation list are kept as files (for ``verify``).
        self._paths = paths
        self._lane = lane
        self._client_factory = client_factory
        self.outbox = StoreOutbox(store, lane)
        self.applier = StoreApplier(store, lane)
        self.categories = StoreCategories(store, lane)
        #: Visits planned or changed on this laptop (the stage before the reviews' push).
        self.visits = StoreVisits(store, lane)
        #: The trust's framework library (the stage after categories).
        self.library = TrustLibrary(store, lane, installed_library)
        #: Signatures made offline, time-stamped by the trust before the push.
        self.stamps = StoreTrustedTime(store, lane)
        self._person_id = current_person_id

    # ---------------------------------------------------------------- syncing

    def enrolled(self) -> tuple[str, str] | None:
        return enrolment.enrolled_server(self._store)

    def sync_now(
        self, progress: ProgressCallback | None = None, cancel: CancelCheck | None = None
    ) -> SyncResult:
        """Run one session. Raises a :class:`~reviewer_app.sync.client.SyncClientError` subclass
        (offline, re-enrol, update the app) with everything done so far kept."""
        server = self.enrolled()
        if server is None:
            raise NotEnrolledError(
                "This laptop is not enrolled with a trust server yet.",
                hint="Run 'reviewer-app enrol SERVER_URL CODE' with your trust admin's code.",
            )
        url, device_id = server
        token = enrolment.device_token(url, device_id, self._store)
        if not token:
            raise NotEnrolledError(
                "This laptop's device token is missing from the system keyring.",
                hint="Enrol again with a new code from your trust admin.",
            )
        set_aside_before = self.applier.set_aside_count
        with self._client_factory(url, token) as client:
            if cancel is not None:
                client.cancelled = cancel  # a cancelled sync stops retrying at once
            try:
                result = engine.run(
                    self.outbox, self.applier, client, progress, cancel,
                    categories=self.categories, library=self.library, visits=self.visits,
                    tokens=_KeptToken(self._store, self._lane, url, device_id),
                    stamps=self.stamps,
                )  # fmt: skip
            except ReEnrolRequiredError as refused:
                if refused.code == "device_revoked":
                    self._wipe_revoked()
                raise
            if not result.cancelled:
                self._report_set_aside(client)
        result.set_aside = self.applier.set_aside_count - set_aside_before
        if not result.cancelled:
            self._remember(result)
        return result

    def _wipe_revoked(self) -> None:
        """The trust revoked this laptop (or deactivated its person): nothing may stay on it.
        Every review goes, unsent changes included (no longer anyone's to send from here)."""
        from reviewer_app.services.local_expiry import remove_all_reviews

        def write() -> list[str]:
            with self._store.writing() as session:
                return remove_all_reviews(session, self._person_id)

        self.applier.removed = self._lane.call(write)

    def _keep_trust(self, result: SyncResult) -> None:
        """Keep the trust root and revocation list the server published (every sync)."""
        trust = result.trust
        if trust is None:
            return
        with self._store.writing() as session:
            set_setting(session, enrolment.CA_CERTIFICATE_PEM, trust.root_pem)
            if trust.crl_pem:
                set_setting(session, enrolment.TRUST_CRL_PEM, trust.crl_pem)
        if self._paths is None:
            return
        try:
            enrolment.keep_trust_file(
                self._paths.config / enrolment.TRUST_ROOT_FILE, trust.root_pem
            )
            if trust.crl_pem:
                enrolment.keep_trust_file(
                    self._paths.cache / enrolment.TRUST_CRL_FILE, trust.crl_pem
                )
        except OSError as exc:
            log.warning("The trust root or revocation list could not be saved: %s", exc.strerror)

    def server_reachable(self, cancel: CancelCheck | None = None, *, quick: bool = False) -> bool:
        """True when the enrolled server answers its health probe (``cancel`` stops its
        retries; ``quick``: one try, no retries, for telling the person at once)."""
        server = self.enrolled()
        if server is None:
            return False
        try:
            with self._client_factory(server[0], None) as client:
                if quick:
                    client.retry = QUICK_PROBE
                if cancel is not None:
                    client.cancelled = cancel
                return client.health().get("status") == "ok"
        except SyncClientError:
            return False

    def _remember(self, result: SyncResult) -> None:
        # The trust root and revocation list first: received signed reports are checked again
        # with them before the summary is written.
        self._lane.call(self._keep_trust, result)
        result.signed_reports_not_kept = self._lane.call(self._check_refused_reports)
        when = (result.server_time or datetime.now().astimezone()).isoformat()

        def write() -> None:
            with self._store.writing() as session:
                set_setting(session, LAST_SYNC_AT, when)
                set_setting(session, LAST_SYNC_SUMMARY, summarise(result))
                app_updates.remember_release(session, result.app_release)
                if result.limits is not None:
                    upload_waits.remember_limits(session, result.limits)
                if result.laptop_policy is not None:
                    set_setting(
                        session, IDLE_LOCK_MINUTES, str(result.laptop_policy.idle_lock_minutes)
                    )

        self._lane.call(write)

    def _check_refused_reports(self) -> int:
        from reviewer_app.services import signed_report_sync

        with self._store.writing() as session:
            return signed_report_sync.retry_refused(session)

    def status(self) -> SyncStatus:
        """Enrolment, last successful sync, queue sizes and open conflicts."""
        server = self.enrolled()
        with self._store.reading() as session:
            last = get_setting(session, LAST_SYNC_AT)
            counts = dict(
                session.exec(
                    select(OutboxRow.state, func.count()).group_by(col(OutboxRow.state))
                ).all()
            )
            waiting = _resolutions_waiting(session)
            update = app_updates.available_update(session)
            set_aside = len(set_aside_records(session))
            files_waiting = tuple(upload_waits.waiting_files(session))
            open_conflicts = [
                c
                for c in stored_conflicts(session)
                if c.status is ConflictStatus.OPEN and c.id not in waiting
            ]
        return SyncStatus(
            enrolled=server is not None,
            server_url=server[0] if server else None,
            last_synced_at=datetime.fromisoformat(last) if last else None,
            pending=counts.get(store_outbox.OpState.PENDING.value, 0),
            needs_attention=counts.get(store_outbox.OpState.REJECTED.value, 0),
            open_conflicts=len(open_conflicts),
            update=update,
            set_aside=set_aside,
            files_waiting=files_waiting,
        )

    def _report_set_aside(self, client: SyncClient) -> None:
        """Tell the server what this laptop set aside and has not reported yet (a failure to
        tell it never fails the sync: it is told next time)."""
        waiting = [e for e in self.set_aside() if not e.reported]
        by_review: dict[str, list[SetAside]] = {}
        for entry in waiting:
            by_review.setdefault(entry.review_id, []).append(entry)
        told: list[SetAside] = []
        for review_id, entries in by_review.items():
            report = SetAsideReport(
                protocol_version=PROTOCOL_VERSION,
                records=[
                    SetAsideRecord(server_seq=e.server_seq, reason=e.reason)
                    for e in entries[:MAX_BATCH]
                ],
            )
            try:
                client.report_set_aside(review_id, report)
            except SyncClientError as exc:
                log.info("Could not report set-aside records of review %s yet: %s", review_id, exc)
                continue
            told.extend(entries[:MAX_BATCH])
        if told:

            def write() -> None:
                with self._store.writing() as session:
                    mark_reported(session, told)

            self._lane.call(write)

    def set_aside(self, review_id: str | None = None) -> list[SetAside]:
        """Pulled records this laptop could not apply, with where they came from and why."""
        with self._store.reading() as session:
            return set_aside_records(session, review_id)

    def set_aside_named(self, review_id: str | None = None) -> list[NamedSetAside]:
        """:meth:`set_aside` with the names of the people and laptops they came from, where this
        laptop knows them (for the sync panel; the ids stay in each entry)."""
        with self._store.reading() as session:
            own = get_setting(session, enrolment.DEVICE_ID)
            return named(session, set_aside_records(session, review_id), own)

    def needs_attention(self) -> list[store_outbox.OutboxOp]:
        """Changes the server refused or turned into conflicts, oldest first."""
        with self._store.reading() as session:
            return store_outbox.ops_needing_attention(session)

    # ---------------------------------------------------------------- conflicts

    def open_conflicts(self, review_id: str | None = None) -> list[ConflictRecord]:
        """Open conflicts (as last pulled), oldest first: field, candidates, authors, times.

        A conflict the lead has resolved on this laptop is left out while the decision waits
        to be sent.
        """
        with self._store.reading() as session:
            records = stored_conflicts(session)
            waiting = _resolutions_waiting(session)
        return sorted(
            (
                c
                for c in records
                if c.status is ConflictStatus.OPEN
                and c.id not in waiting
                and (review_id is None or c.review_id == review_id)
            ),
            key=lambda c: c.id,
        )

    def conflict(self, conflict_id: str) -> ConflictRecord:
        for record in self.open_conflicts():
            if record.id == conflict_id:
                return record
        raise NotFoundError(
            "That conflict is not open on this laptop any more.",
            hint="Sync to see the latest state.",
        )

    def resolve_conflict(self, conflict_id: str, value: JSONValue, person_id: str) -> None:
        """Settle an open conflict with ``value`` (one candidate's, or a merged text).

        Only the visit's lead reviewer may; the decision is queued as a ``resolve`` operation
        over the field's current server version and sent with the next sync.
        """
        record = self.conflict(conflict_id)

        def write() -> None:
            with self._store.writing() as session:
                reviews = ReviewRepository(session, record_ops=False)
                review = reviews.get_review(record.review_id)
                visit = VisitRepository(session).get_visit(review.visit_id) if review else None
                if visit is None:
                    raise NotFoundError("The review of this conflict is not on this laptop.")
                if visit.lead.person_id != person_id:
                    raise PermissionDeniedError(
                        "Only the visit's lead reviewer can resolve a conflict.",
                        hint="Ask the lead reviewer to choose between the versions.",
                    )
                field_id = record.field
                base = reviews.field_server_version(record.review_id, field_id)
                now = datetime.now().astimezone()
                reviews.set_field(record.review_id, field_id, value, person_id, now)
                store_outbox.record_op(
                    session,
                    review_id=record.review_id,
                    entity=Entity.FIELD_VALUE,
                    entity_id=record.review_id,
                    kind=OpKind.RESOLVE,
                    payload={"conflict_id": conflict_id, "value": value},
                    device_time=now,
                    field=field_id,
                    base_version=base,
                )

        self._lane.call(write)
        log.info("Conflict %s resolved locally; queued for sync", conflict_id)

    def refused_visit_sentences(self, result: SyncResult) -> list[str]:
        """A sentence for each visit the server refused in ``result``: which visit, why, what
        to do, and that its review is kept."""
        sentences = []
        with self._store.reading() as session:
            visits = VisitRepository(session)
            schools = OrganisationRepository(session)
            for visit_id, reason in result.refused_visits:
                visit = visits.get_visit(visit_id)
                school = schools.get_school(visit.school_id) if visit is not None else None
                what = (
                    f"the visit to {school.name} on {visit.planned_start:%-d %B %Y}"
                    if visit is not None and school is not None
                    else f"visit {visit_id}"
                )
                sentences.append(
                    f"The trust did not accept {what}. {reason} Its review is kept on this "
                    "laptop; its changes are sent once the trust accepts the visit."
                )
        return sentences

    def last_summary(self) -> str | None:
        with self._store.reading() as session:
            return get_setting(session, LAST_SYNC_SUMMARY)


class _KeptToken:
    """:class:`reviewer_app.sync.engine.TokenPort`: a rotated device token, kept where the
    enrolment kept the first."""

    def __init__(self, store: Store, lane: WriterLane, url: str, device_id: str) -> None:
        self._store, self._lane, self._url, self._device_id = store, lane, url, device_id

    def keep(self, token: str) -> bool:
        return enrolment.keep_rotated_token(
            self._store, self._lane, self._url, self._device_id, token
        )


def _resolutions_waiting(session: Session) -> set[str]:
    """Conflict ids with a ``resolve`` queued on this laptop and not yet answered."""
    payloads = session.exec(
        select(OutboxRow.payload).where(
            OutboxRow.kind == OpKind.RESOLVE.value,
            OutboxRow.state == store_outbox.OpState.PENDING.value,
        )
    ).all()
    return {str(json.loads(p).get("conflict_id")) for p in payloads}


def decode_value(text: str) -> JSONValue:
    """A conflict value typed on the command line: JSON when it parses, else plain text."""
    try:
        value: JSONValue = json.loads(text)
    except ValueError:
        return text
    return value
