"""Hypothesis state machine: three laptops, the real server over real HTTP, injected faults.

Each example starts from an empty server (with the trust's certificate authority) and one
two-day peer review (lead + two peers, started on the lead's laptop as the app starts it),
three real SQLCipher stores in a temporary folder, each enrolled with a certificate from the
trust, and the real server under uvicorn on loopback. Rules capture records and edit shared
fields on any laptop, sync with faults injected into httpx's real transport (request dropped,
response dropped after the server committed, duplicate delivery), crash a laptop half-way
through applying a pulled page (the local transaction rolls back), replay an old batch, and let
the lead resolve conflicts. Visits are planned on laptops (by the lead, which the server
accepts; by a peer, which it refuses) and moved by the lead. The lead marks the review ready for
sign-off (capture stops there, as it does for a team); then any laptop may sign the school's
report when the framework lets it (the peers in any order, the lead last), each signed version
travelling as a ``signed_report`` record through the same faulty syncs; two peers signing the
same version before syncing race, and the server keeps the first.

Checked after every step: no operation is applied twice (one change-log row per op id at most),
every acknowledged operation is on the server, pull cursors never move back, a replayed batch
changes nothing, every acknowledged visit is on the server and no refused one ever is; the
server's signed versions only ever add one signature to the one before, one signer per place,
and the review is locked exactly when the last planned signature is there.
Checked at the end, after a fault-free sync of every laptop: every laptop holds
exactly what the server holds, every note ever captured is there once, and no edit was silently
overwritten (two answered writes of one field from the same base: at most one accepted, the
others conflicts, and the server has a conflict record for that field); every laptop of the team
holds each accepted visit as the lead last saved it, and each refused one waits once in its
planner's Needs attention; every laptop holds exactly the signed versions the server holds
(a signature that lost a race is gone, and waits once in its signer's Needs attention) and is
locked when the server is.
"""

from __future__ import annotations

import itertools
import json
import tempfile
from collections import Counter
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlmodel import Session, col, select
from sync_world import (
    FAST_RETRY,
    PEER_REVIEW,
    Laptop,
    LiveServer,
    World,
    build_world_with_framework,
)

from reviewer_app.domain.errors import ReviewerError
from reviewer_app.domain.ids import new_id
from reviewer_app.domain.organisation import Role
from reviewer_app.domain.review import ReviewState
from reviewer_app.domain.visits import Visit, VisitReviewer
from reviewer_app.server import models
from reviewer_app.services import enrolment
from reviewer_app.services.report_service import ReportService
from reviewer_app.services.sync_apply import ChangeApplier, StoreApplier
from reviewer_app.storage.outbox import OpState
from reviewer_app.storage.tables import OutboxRow, SignedReportRow, SyncStateRow
from reviewer_app.sync.client import SyncClientError
from reviewer_app.sync.protocol import ChangesPage
from support.photos import photo_bytes

FIELDS = ("inclusion-strengths", "achievement-strengths")
LEVELS = ("strong_standard", "exceptional", None)
AUDIENCE = "school_facing"
#: Capture steps before a signer may ask for sign-off (the lead may still mark it ready earlier).
CAPTURES_BEFORE_SIGN_OFF = 8
PEOPLE = ("lead", "peer", "peer2")
FAULTS = ("drop_request", "drop_response", "duplicate")
PATHS = ("/handshake", "/push", "/visits", "/changes", "/blobs", "")
PHOTOS = (photo_bytes("display board"), photo_bytes("reading corner"))


class InjectedCrashError(Exception):
    """The laptop 'lost power' half-way through applying a page."""


class CrashingApplier(StoreApplier):
    """Applies half a page inside the transaction, then crashes when armed."""

    armed = False

    def apply_changes(self, session: Any, review_id: str, page: ChangesPage) -> None:
        if not self.armed or not page.changes:
            super().apply_changes(session, review_id, page)
            return
        self.armed = False
        applier = ChangeApplier(session, review_id)
        for change in page.changes[: max(1, len(page.changes) // 2)]:
            applier.apply(change)
        session.flush()
        raise InjectedCrashError


#: What the runs exercised, over every example (the test checks each fault really happened).
SEEN: Counter[str] = Counter()


class SyncMachine(RuleBasedStateMachine):
    server: LiveServer
    root: Path

    def __init__(self) -> None:
        super().__init__()
        self.server.reset()
        self.folder = Path(tempfile.mkdtemp(dir=self.root))
        self.world: World = build_world_with_framework(
            self.server, self.folder / "starter", PEER_REVIEW
        )
        self.laptops: dict[str, Laptop] = {}
        self.appliers: dict[str, CrashingApplier] = {}
        for name in PEOPLE:
            laptop = Laptop(self.folder / name, self.server, retry=FAST_RETRY)
            laptop.enrol(getattr(self.world, name))
            applier = CrashingApplier(laptop.workspace.store, laptop.workspace.lane)
            laptop.sync.applier = applier
            laptop.sync.sync_now()  # the review arrives with its visit
            self.laptops[name] = laptop
            self.appliers[name] = applier
        self.notes: set[str] = set()
        self.counter = itertools.count()
        self.cursors: dict[str, int] = dict.fromkeys(PEOPLE, 0)
        self.resolving: set[str] = set()
        #: Visits planned on laptops: accepted ones (the lead's) by id with their planned start,
        #: and refused ones (a peer's) by id with their planner.
        self.visits: dict[str, date] = {}
        self.refused: dict[str, str] = {}
        #: The lead marked the review ready for sign-off: capture has stopped, signing is open.
        self.ready = False
        #: Capture steps so far (signing rules wait for a few, so conflicts happen first).
        self.captured = 0

    # ---------------------------------------------------------------- capturing

    @precondition(lambda self: not self.ready)
    @rule(who=st.sampled_from(PEOPLE))
    def add_note(self, who: str) -> None:
        self.captured += 1
        note = self.laptops[who].reviews.add_note(self.world.review, f"note {next(self.counter)}")
        self.notes.add(note.id)

    @precondition(lambda self: not self.ready)
    @rule(who=st.sampled_from(PEOPLE), level=st.sampled_from(LEVELS))
    def propose(self, who: str, level: str | None) -> None:
        self.captured += 1
        self.laptops[who].reviews.propose_judgement(self.world.review, "inclusion", level)

    @precondition(lambda self: not self.ready)
    @rule(who=st.sampled_from(PEOPLE), field=st.sampled_from(FIELDS))
    def set_field(self, who: str, field: str) -> None:
        self.captured += 1
        self.laptops[who].reviews.set_field(
            self.world.review, field, f"{who} wrote {next(self.counter)}"
        )

    @precondition(lambda self: not self.ready)
    @rule(
        first=st.sampled_from(PEOPLE), second=st.sampled_from(PEOPLE), field=st.sampled_from(FIELDS)
    )
    def edit_offline_on_two_laptops_then_sync(self, first: str, second: str, field: str) -> None:
        people = tuple(dict.fromkeys((first, second)))
        for who in people:
            self.set_field(who, field)
        for who in people:
            self.sync(who, [])

    @precondition(lambda self: not self.ready)
    @rule(who=st.sampled_from(PEOPLE), photo=st.sampled_from(PHOTOS))
    def add_photo(self, who: str, photo: bytes) -> None:
        self.captured += 1
        self.laptops[who].reviews.add_attachment(
            self.world.review, "photo.jpg", "image/jpeg", photo
        )

    # ---------------------------------------------------------------- visits

    @rule(who=st.sampled_from(PEOPLE), day=st.integers(min_value=1, max_value=28))
    def plan_visit(self, who: str, day: int) -> None:
        """A visit to the school with the whole team; only the lead may plan it."""
        w = self.world
        team = (
            VisitReviewer(w.lead, Role.LEAD_REVIEWER),
            VisitReviewer(w.peer, Role.PEER_REVIEWER),
            VisitReviewer(w.peer2, Role.PEER_REVIEWER),
        )
        start = date(2026, 6, day)
        visit = Visit(new_id(), w.school, PEER_REVIEW, start, start, reviewers=team)
        self.laptops[who].workspace.save_visit(visit)
        if who == "lead":
            self.visits[visit.id] = start
        else:
            self.refused[visit.id] = who

    @rule(pick=st.integers(min_value=0, max_value=50), day=st.integers(min_value=1, max_value=28))
    def lead_moves_a_visit(self, pick: int, day: int) -> None:
        if not self.visits:
            return
        visit_id = sorted(self.visits)[pick % len(self.visits)]
        workspace = self.laptops["lead"].workspace
        visit = workspace.get_visit(visit_id)
        start = date(2026, 7, day)
        workspace.save_visit(replace(visit, planned_start=start, planned_end=start))
        self.visits[visit_id] = start

    # ---------------------------------------------------------------- signing

    @precondition(lambda self: not self.ready)
    @rule()
    def lead_marks_ready_for_sign_off(self) -> None:
        """Capture stops: everything reaches everyone, the lead settles the open conflicts,
        then marks the review ready."""
        self._sync_everyone()
        lead = self.laptops["lead"]
        while any(c.id not in self.resolving for c in lead.sync.open_conflicts()):
            self.lead_resolves(merge=True)
        self._sync_everyone()
        self.laptops["lead"].reviews.set_state(self.world.review, ReviewState.READY_FOR_SIGN_OFF)
        self.ready = True

    @precondition(lambda self: self.ready or self.captured >= CAPTURES_BEFORE_SIGN_OFF)
    @rule(who=st.sampled_from(PEOPLE))
    def sign(self, who: str) -> None:
        """Sign the school's report on this laptop, if the framework lets this person now (the
        first wish to sign asks the lead to end capture and mark the review ready)."""
        if not self.ready:
            self.lead_marks_ready_for_sign_off()
        laptop = self.laptops[who]
        try:
            ReportService(laptop.workspace, laptop.paths).sign(self.world.visit, AUDIENCE)
        except ReviewerError:  # not this person's turn here, or not ready here yet: said
            SEEN["signing refused"] += 1
        else:
            SEEN["signed"] += 1

    @precondition(lambda self: self.ready or self.captured >= CAPTURES_BEFORE_SIGN_OFF)
    @rule(
        who=st.sampled_from(PEOPLE),
        faults=st.lists(st.tuples(st.sampled_from(FAULTS), st.sampled_from(PATHS)), max_size=2),
    )
    def sync_sign_and_sync(self, who: str, faults: list[tuple[str, str]]) -> None:
        """A signer's round: receive the signatures so far, sign, send (faults on the way)."""
        if not self.ready:
            self.lead_marks_ready_for_sign_off()
        self.sync(who, [])
        self.sign(who)
        self.sync(who, faults)

    # ---------------------------------------------------------------- syncing with faults

    @rule(
        who=st.sampled_from(PEOPLE),
        faults=st.lists(st.tuples(st.sampled_from(FAULTS), st.sampled_from(PATHS)), max_size=3),
    )
    def sync(self, who: str, faults: list[tuple[str, str]]) -> None:
        laptop = self.laptops[who]
        for fault, path in faults:
            laptop.transport.inject(fault, path)
        try:
            result = laptop.sync.sync_now()
            SEEN["conflicts"] += result.conflicts
            SEEN["visits refused"] += len(result.refused_visits)
        except SyncClientError:
            SEEN["sync failed"] += 1  # offline for now: everything is kept for the next sync
        SEEN.update(fault for fault, _path in laptop.transport.injected)
        laptop.transport.injected.clear()
        laptop.transport.faults.clear()

    @rule(who=st.sampled_from(PEOPLE))
    def sync_while_offline(self, who: str) -> None:
        laptop = self.laptops[who]
        pending = laptop.sync.status().pending
        for _ in range(FAST_RETRY.attempts):
            laptop.transport.inject("drop_request")
        try:
            laptop.sync.sync_now()
        except SyncClientError:
            SEEN["sync failed"] += 1
        else:
            raise AssertionError("a sync with every request dropped cannot succeed")
        finally:
            laptop.transport.faults.clear()
            laptop.transport.injected.clear()
        assert laptop.sync.status().pending == pending, "an offline sync must lose nothing"

    @rule(who=st.sampled_from(PEOPLE))
    def crash_mid_apply(self, who: str) -> None:
        laptop = self.laptops[who]
        before = self._cursor(who)
        self.appliers[who].armed = True
        try:
            laptop.sync.sync_now()
        except InjectedCrashError:
            SEEN["crash mid-apply"] += 1
            assert self._cursor(who) == before, "a crashed page must leave the cursor alone"
        self.appliers[who].armed = False

    @rule(who=st.sampled_from(PEOPLE), pick=st.integers(min_value=0, max_value=50))
    def replay_old_batch(self, who: str, pick: int) -> None:
        laptop = self.laptops[who]
        pushes = [(p, body) for method, p, body in laptop.transport.sent if p.endswith("/push")]
        if not pushes:
            return
        path, body = pushes[pick % len(pushes)]
        before = self._server_counts()
        server_info = enrolment.enrolled_server(laptop.workspace.store)
        assert server_info is not None
        token = enrolment.device_token(*server_info)
        response = httpx.post(
            self.server.base_url + path,
            content=body,
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        assert response.status_code == 200, response.text
        if path.startswith("/reviews/"):  # a visit's answer may be a refusal, replayed as such
            # So may a signature that lost a race; nothing else of a review is ever refused.
            entities = {o["op_id"]: o["entity"] for o in json.loads(body)["operations"]}
            refused = {
                entities[r["op_id"]]
                for r in response.json()["results"]
                if r["status"] == "rejected"
            }
            assert refused <= {"signed_report"}, refused
        assert self._server_counts() == before, "a replayed batch must change nothing"
        SEEN["stale batch replayed"] += 1

    @precondition(lambda self: not self.ready)
    @rule(merge=st.booleans())
    def lead_resolves(self, merge: bool) -> None:
        lead = self.laptops["lead"]
        waiting = [c for c in lead.sync.open_conflicts() if c.id not in self.resolving]
        if not waiting:
            return
        conflict = waiting[0]
        value = "merged by the lead" if merge else conflict.candidates[-1].value
        lead.sync.resolve_conflict(conflict.id, value, self.world.lead)
        self.resolving.add(conflict.id)
        SEEN["resolved"] += 1

    # ---------------------------------------------------------------- invariants

    def _cursor(self, who: str) -> int:
        with self.laptops[who].workspace.store.reading() as session:
            row = session.get(SyncStateRow, self.world.review)
            return 0 if row is None else row.pull_cursor

    def _server_counts(self) -> tuple[Any, ...]:
        with Session(self.server.engine) as session:
            return (
                len(session.exec(select(models.ChangeLog.server_seq)).all()),
                len(session.exec(select(models.AppliedOp.op_id)).all()),
                len(session.exec(select(models.Record.entity_id)).all()),
                len(session.exec(select(models.AppliedVisitOp.op_id)).all()),
                sorted(session.exec(select(models.Visit.id, models.Visit.planned_start)).all()),
            )

    @invariant()
    def applied_at_most_once_and_acked_ops_are_on_the_server(self) -> None:
        with Session(self.server.engine) as session:
            logged = Counter(session.exec(select(models.ChangeLog.op_id)).all())
            applied = set(session.exec(select(models.AppliedOp.op_id)).all())
        assert not [op for op, n in logged.items() if n > 1], "an operation was applied twice"
        for laptop in self.laptops.values():
            with laptop.workspace.store.reading() as session:
                acked = session.exec(
                    select(OutboxRow.op_id).where(
                        OutboxRow.state == OpState.ACKED.value,
                        col(OutboxRow.entity).not_in(("review", "visit")),  # visits: below
                    )
                ).all()
            assert set(acked) <= applied

    @invariant()
    def acked_visits_are_on_the_server_and_refused_ones_never(self) -> None:
        with Session(self.server.engine) as session:
            held = set(session.exec(select(models.Visit.id)).all())
        assert not held & set(self.refused), "a refused visit reached the server"
        for laptop in self.laptops.values():
            with laptop.workspace.store.reading() as session:
                acked = session.exec(
                    select(OutboxRow.entity_id).where(
                        OutboxRow.state == OpState.ACKED.value, OutboxRow.entity == "visit"
                    )
                ).all()
            assert set(acked) <= held

    @invariant()
    def signed_versions_add_one_signature_at_a_time(self) -> None:
        """Each version the server holds carries the signatures of the one before and at most
        one more; one signer per place (a race has one winner); locked at the last one only."""
        with Session(self.server.engine) as session:
            records = session.exec(
                select(models.Record)
                .where(
                    models.Record.review_id == self.world.review,
                    models.Record.entity == "signed_report",
                )
                .order_by(col(models.Record.server_seq))
            ).all()
            review = session.get(models.Review, self.world.review)
        assert review is not None
        count, signers = 0, {}
        for record in records:
            payload = record.payload
            assert payload["signer_count"] in (count, count + 1), "a signature was skipped"
            count = payload["signer_count"]
            assert signers.setdefault(count, payload["signer_name"]) == payload["signer_name"]
            required = payload["required_count"]
        assert review.locked == (count > 0 and count == required)

    @invariant()
    def cursors_never_move_back(self) -> None:
        for who in PEOPLE:
            now = self._cursor(who)
            assert now >= self.cursors[who]
            self.cursors[who] = now

    # ---------------------------------------------------------------- the end

    def _sync_everyone(self) -> None:
        for _ in range(2):  # the lead's resolutions go up, then reach everyone
            for laptop in self.laptops.values():
                laptop.sync.sync_now()

    def teardown(self) -> None:
        try:
            self._sync_everyone()
            self._check_convergence()
            self._check_signed_versions()
            self._check_no_silent_overwrite()
        finally:
            for laptop in self.laptops.values():
                laptop.close()

    def _server_state(self) -> dict[str, Any]:
        review = self.world.review
        with Session(self.server.engine) as session:
            records = session.exec(select(models.Record).where(models.Record.review_id == review))
            by_entity: dict[str, set[tuple[str, bool]]] = {}
            for r in records:
                by_entity.setdefault(r.entity, set()).add((r.entity_id, r.retracted))
            fields = {
                f.field: (f.value, f.version)
                for f in session.exec(
                    select(models.FieldState).where(models.FieldState.review_id == review)
                )
            }
        return {"records": by_entity, "fields": fields}

    def _check_convergence(self) -> None:
        server = self._server_state()
        review = self.world.review
        assert {n for n, _ in server["records"].get("evidence_note", set())} == self.notes
        with Session(self.server.engine) as session:
            planned = dict(
                session.exec(
                    select(models.Visit.id, models.Visit.planned_start).where(
                        col(models.Visit.id).in_(sorted(self.visits))
                    )
                ).all()
            )
        assert planned == self.visits, "the server holds each visit as the lead last saved it"
        SEEN["visits accepted"] += len(planned)
        with Session(self.server.engine) as session:
            signed = set(
                session.exec(
                    select(models.Record.entity_id).where(models.Record.entity == "signed_report")
                ).all()
            )
        for who, laptop in self.laptops.items():
            assert laptop.sync.status().pending == 0, who
            refused = sorted(v for v, planner in self.refused.items() if planner == who)
            attention = laptop.sync.needs_attention()
            visits = [op.entity_id for op in attention if op.entity.value == "visit"]
            assert sorted(visits) == refused, who  # each once
            # Beside those, only signatures that lost a race, each once, none on the server.
            lost = [op.entity_id for op in attention if op.entity.value == "signed_report"]
            assert len(lost) == len(set(lost)), who
            assert not set(lost) & signed, who
            assert laptop.sync.status().needs_attention == len(refused) + len(lost), (
                who,
                [(op.entity, op.kind, op.field, op.state, op.last_error) for op in attention],
            )
            SEEN["signatures that lost a race"] += len(lost)
            for visit_id, start in self.visits.items():
                assert laptop.workspace.get_visit(visit_id).planned_start == start, who
            reviews = laptop.reviews
            notes = {(n.id, n.retracted) for n in reviews.notes(review, include_history=True)}
            attachments = {
                (a.id, a.retracted) for a in reviews.attachments(review, include_retracted=True)
            }
            judgements = {(j.id, False) for j in reviews.judgements(review)}
            assert notes == server["records"].get("evidence_note", set()), who
            assert attachments == server["records"].get("attachment", set()), who
            assert judgements == server["records"].get("judgement", set()), who
            fields = {
                f.field_id: (f.value, f.version)
                for f in reviews.field_values(review).values()
                if f.value is not None
            }
            assert fields == server["fields"], who
            for attachment in reviews.attachments(review):
                assert reviews.attachment_data(attachment) in PHOTOS

    def _check_signed_versions(self) -> None:
        """Every laptop holds exactly the server's signed versions, and its lock."""
        with Session(self.server.engine) as session:
            held = set(
                session.exec(
                    select(models.Record.entity_id).where(
                        models.Record.review_id == self.world.review,
                        models.Record.entity == "signed_report",
                    )
                ).all()
            )
            review = session.get(models.Review, self.world.review)
        assert review is not None
        SEEN["fully signed"] += review.locked
        for who, laptop in self.laptops.items():
            with laptop.workspace.store.reading() as session:
                kept = set(session.exec(select(SignedReportRow.id)).all())
            assert kept == held, who
            state = laptop.reviews.get_review(self.world.review).state
            assert (state is ReviewState.SIGNED) == review.locked, who

    def _check_no_silent_overwrite(self) -> None:
        with Session(self.server.engine) as session:
            versions = {a.op_id: a.version for a in session.exec(select(models.AppliedOp)).all()}
            conflicts = session.exec(select(models.Conflict)).all()
        conflicted_fields = {c.field for c in conflicts}
        groups: dict[tuple[str, int], list[str]] = {}
        for laptop in self.laptops.values():
            with laptop.workspace.store.reading() as session:
                rows = session.exec(
                    select(OutboxRow).where(
                        OutboxRow.entity == "field_value", OutboxRow.kind == "set"
                    )
                ).all()
            for row in rows:
                if row.parent_op_id is not None:
                    base = versions.get(row.parent_op_id)
                    if base is None:
                        continue  # follows an edit that became a conflict candidate
                else:
                    base = row.base_version or 0
                groups.setdefault((row.field or "", base), []).append(row.state)
        for (field, _base), states in groups.items():
            if len(states) < 2:
                continue
            assert states.count(OpState.ACKED.value) <= 1, f"silent overwrite of {field}"
            assert set(states) <= {OpState.ACKED.value, OpState.CONFLICT.value}
            assert field in conflicted_fields, f"no conflict kept for {field}"


@pytest.mark.slow
@pytest.mark.timeout(900)  # about 3 minutes on two idle cores; far more when they are shared
def test_sync_state_machine(ca_server: LiveServer, tmp_path: Path) -> None:
    SyncMachine.server = ca_server
    SyncMachine.root = tmp_path
    run_state_machine_as_test(
        SyncMachine,
        settings=settings(
            # Signing joined the rules (a trust CA, certificates, PDFs per example): fewer
            # examples keep its time.
            max_examples=8,
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
            print_blob=True,
            derandomize=True,  # the same bounded examples on every run: a stable CI time
            # No shrinking: a failure reports its full step list at once instead of spending
            # minutes on a shorter one (pytest's timeout would cut that short anyway).
            phases=[Phase.explicit, Phase.reuse, Phase.generate],
        ),
    )
    print(dict(SEEN))
    # A signature losing a race is counted too; its own test is deterministic.
    for seen in (
        *FAULTS,
        "sync failed",
        "crash mid-apply",
        "stale batch replayed",
        "conflicts",
        "visits accepted",
        "visits refused",
        "signed",
        "signing refused",
        "fully signed",
    ):
        assert SEEN[seen] > 0, f"the runs never exercised: {seen}"
    assert SEEN["resolved"] > 0
