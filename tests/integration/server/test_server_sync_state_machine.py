"""A Hypothesis state machine: three laptops and the real server over loopback HTTP, with faults.

Laptops add notes and edit one shared field offline, then sync through :class:`SyncClient`
over a transport that can lose the request, lose the answer after the server committed, or
deliver a request twice; a laptop can crash while applying a pulled page (its local
transaction rolls back) or send an old batch again. After every step: no operation is in the
review's change log twice, ``server_seq`` has no gaps, cursors only move forward. At the end,
after a fault-free sync of everyone: every operation was applied exactly once, every laptop
holds exactly the server's change log, and every edit of the shared field was either applied in
version order or kept as a conflict candidate, never silently overwritten.

This exercises the server, the protocol and the HTTP client; the laptop here is a small model
(an outbox list and a replica of the change log), not the encrypted store.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import httpx
import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from reviewer_app.server import administration as adm
from reviewer_app.sync.client import RetryPolicy, ServerUnreachableError, SyncClient
from reviewer_app.sync.protocol import (
    MIN_CLIENT_SCHEMA_VERSION,
    PROTOCOL_VERSION,
    ChangeKind,
    EnrolRequest,
    Operation,
    ResultStatus,
)

if TYPE_CHECKING:
    from conftest import Harness, World

FIELD = "quality_of_education.strengths"
#: No retries inside the client: every fault reaches the laptop, which syncs again later.
NO_RETRY = RetryPolicy(attempts=1, initial_wait=0.01, max_wait=0.01, deadline=10)
FAULTS = (None, "drop_request", "drop_response", "duplicate")
TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=30)


class Faults(httpx.BaseTransport):
    """Real HTTP to the server, except for the one fault armed for the next request."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.armed: str | None = None

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        fault, self.armed = self.armed, None
        if fault == "drop_request":
            raise httpx.ConnectError("request lost (injected)", request=request)
        request.read()
        if fault == "duplicate":
            first = self.inner.handle_request(request)  # delivered twice; the first answer lost
            first.read()
            first.close()
        response = self.inner.handle_request(request)
        if fault == "drop_response":
            response.read()
            response.close()
            raise httpx.ReadError("answer lost after the server committed", request=request)
        return response

    def close(self) -> None:
        self.inner.close()


@dataclass
class Laptop:
    """What a laptop keeps: an outbox, the answers it got, a cursor and a replica of the log."""

    name: str
    person_id: str
    client: SyncClient
    faults: Faults
    seq: int = 0
    outbox: list[Operation] = field(default_factory=list)
    sent: list[list[Operation]] = field(default_factory=list)
    answers: dict[str, dict[str, Any]] = field(default_factory=dict)
    cursor: int = 0
    replica: list[dict[str, Any]] = field(default_factory=list)
    field_version: int = 0
    cursors_seen: list[int] = field(default_factory=list)

    def new_op(self, review: str, **fields: Any) -> Operation:
        self.seq += 1
        body = {
            "op_id": str(uuid.uuid4()),
            "device_seq": self.seq,
            "review_id": review,
            "device_time": datetime.now(UTC).isoformat(),
            **fields,
        }
        return Operation.model_validate(body)

    def pending_set(self) -> Operation | None:
        sets = [op for op in self.outbox if op.kind.value == "set"]
        return sets[-1] if sets else None


def _enrol(server: Harness, person_id: str, name: str) -> Laptop:
    faults = Faults()
    with SyncClient(server.live.base_url, retry=NO_RETRY) as anonymous:
        token = anonymous.enrol(
            EnrolRequest(
                code=server.code_for(person_id),
                device_name=name,
                protocol_version=PROTOCOL_VERSION,
                client_schema_version=MIN_CLIENT_SCHEMA_VERSION,
            )
        ).device_token
    client = SyncClient(server.live.base_url, token, retry=NO_RETRY, transport=faults)
    return Laptop(name=name, person_id=person_id, client=client, faults=faults)


def _machine(server: Harness, world: World) -> type[RuleBasedStateMachine]:
    class SyncMachine(RuleBasedStateMachine):
        """Three laptops (lead, lead's tablet, peer) on a fresh review of the learning walk."""

        @initialize()
        def start(self) -> None:
            with server.admin() as session:
                self.review = adm.create_review(session, world.walk_visit).id
            self.laptops = [
                _enrol(server, world.lead, "lead laptop"),
                _enrol(server, world.lead, "lead tablet"),
                _enrol(server, world.peer, "peer laptop"),
            ]
            self.all_ops: dict[str, Operation] = {}

        def teardown(self) -> None:
            laptops = getattr(self, "laptops", [])
            try:
                if laptops:
                    self._converge()
            finally:
                for laptop in laptops:
                    laptop.client.close()

        # -- offline work ---------------------------------------------------------------

        def _queue(self, laptop: Laptop, op: Operation) -> None:
            laptop.outbox.append(op)
            self.all_ops[str(op.op_id)] = op

        @rule(who=st.integers(0, 2), text=TEXT)
        def add_note(self, who: int, text: str) -> None:
            laptop = self.laptops[who]
            note_id = str(uuid.uuid4())
            payload = {"id": note_id, "text": text, "author_id": laptop.person_id}
            self._queue(
                laptop,
                laptop.new_op(
                    self.review,
                    entity="evidence_note",
                    entity_id=note_id,
                    kind="append",
                    payload=payload,
                ),
            )

        @rule(who=st.integers(0, 2), text=TEXT)
        def edit_field(self, who: int, text: str) -> None:
            laptop = self.laptops[who]
            parent = laptop.pending_set()
            chain: dict[str, Any] = (
                {"parent_op_id": str(parent.op_id)}
                if parent is not None
                else {"base_version": laptop.field_version}
            )
            op = laptop.new_op(
                self.review,
                entity="field_value",
                entity_id=self.review,
                field=FIELD,
                kind="set",
                payload={"value": text},
                **chain,
            )
            self._queue(laptop, op)

        # -- syncing with faults --------------------------------------------------------

        @rule(who=st.integers(0, 2), fault=st.sampled_from(FAULTS))
        def push(self, who: int, fault: str | None) -> None:
            laptop = self.laptops[who]
            if not laptop.outbox:
                return
            batch = list(laptop.outbox[:200])
            laptop.faults.armed = fault
            try:
                response = laptop.client.push(self.review, batch)
            except ServerUnreachableError:
                return  # the laptop keeps its outbox and tries again later
            laptop.sent.append(batch)
            for result in response.results:
                key = str(result.op_id)
                if result.status is ResultStatus.RETRY:
                    continue
                laptop.answers[key] = result.model_dump(mode="json")
                laptop.outbox = [op for op in laptop.outbox if str(op.op_id) != key]

        @rule(who=st.integers(0, 2), fault=st.sampled_from(FAULTS), crash=st.booleans())
        def pull(self, who: int, fault: str | None, crash: bool) -> None:
            laptop = self.laptops[who]
            laptop.faults.armed = fault
            try:
                page = laptop.client.pull(self.review, laptop.cursor, limit=7)
            except ServerUnreachableError:
                return
            if crash:
                return  # the local transaction rolled back: neither changes nor cursor kept
            self._apply(laptop, page.changes, page.next_cursor)

        @staticmethod
        def _apply(laptop: Laptop, changes: list[Any], next_cursor: int) -> None:
            for change in changes:
                if change.server_seq <= laptop.cursor:
                    continue
                laptop.replica.append(change.model_dump(mode="json"))
                if change.kind in (ChangeKind.SET, ChangeKind.RESOLVE) and change.version:
                    laptop.field_version = max(laptop.field_version, change.version)
            laptop.cursor = max(laptop.cursor, next_cursor)
            laptop.cursors_seen.append(laptop.cursor)

        @rule(who=st.integers(0, 2), which=st.integers(0, 50))
        def replay_old_batch(self, who: int, which: int) -> None:
            laptop = self.laptops[who]
            if not laptop.sent:
                return
            batch = laptop.sent[which % len(laptop.sent)]
            before = self._log_rows()
            try:
                response = laptop.client.push(self.review, batch)
            except ServerUnreachableError:
                return
            for result in response.results:
                stored = laptop.answers.get(str(result.op_id))
                if stored is not None:
                    assert result.model_dump(mode="json") == stored
            # Ops answered before change nothing now.
            answered = {str(op.op_id) for op in batch} & set(laptop.answers)
            after = [r for r in self._log_rows() if r[1] in answered]
            assert after == [r for r in before if r[1] in answered]

        @rule()
        def lead_resolves(self) -> None:
            lead = self.laptops[0]
            try:
                conflicts = lead.client.conflicts(self.review)
            except ServerUnreachableError:
                return
            for conflict in conflicts:
                value = conflict.candidates[-1].value
                op = lead.new_op(
                    self.review,
                    entity="field_value",
                    entity_id=self.review,
                    field=FIELD,
                    kind="resolve",
                    base_version=conflict.base_version,
                    payload={"conflict_id": conflict.id, "value": value},
                )
                self._queue(lead, op)

        # -- invariants -----------------------------------------------------------------

        def _log_rows(self) -> list[tuple[int, str]]:
            with server.engine.connect() as connection:
                rows = connection.execute(
                    sa.text(
                        "SELECT server_seq, op_id FROM change_log WHERE review_id = :r "
                        "ORDER BY server_seq"
                    ),
                    {"r": getattr(self, "review", "")},
                ).all()
            return [(int(seq), str(op_id)) for seq, op_id in rows]

        @invariant()
        def log_has_no_duplicates_or_gaps(self) -> None:
            rows = self._log_rows()
            seqs = [seq for seq, _ in rows]
            assert seqs == list(range(1, len(rows) + 1))
            op_ids = [op_id for _, op_id in rows]
            assert len(op_ids) == len(set(op_ids)), "an operation was applied twice"

        @invariant()
        def cursors_only_move_forward(self) -> None:
            for laptop in getattr(self, "laptops", []):
                assert laptop.cursors_seen == sorted(laptop.cursors_seen)

        # -- the end --------------------------------------------------------------------

        def _converge(self) -> None:
            for _round in range(3):
                for laptop in self.laptops:
                    laptop.faults.armed = None
                    while laptop.outbox:
                        before = len(laptop.outbox)
                        self.push(self.laptops.index(laptop), None)
                        assert len(laptop.outbox) < before, "an operation never got an answer"
            for laptop in self.laptops:
                while True:
                    page = laptop.client.pull(self.review, laptop.cursor, limit=50)
                    self._apply(laptop, page.changes, page.next_cursor)
                    if not page.has_more:
                        break
            rows = self._log_rows()
            server_ops = [op_id for _, op_id in rows]
            answered = {k: v for laptop in self.laptops for k, v in laptop.answers.items()}
            # Exactly once: every operation got a final answer, and each is logged once.
            assert set(answered) == set(self.all_ops)
            for op_id, answer in answered.items():
                if answer["status"] in ("accepted", "conflict"):
                    assert server_ops.count(op_id) == 1, answer
                else:
                    assert server_ops.count(op_id) == 0, answer
            # Convergence: every laptop holds exactly the server's change log.
            for laptop in self.laptops:
                assert [c["op_id"] for c in laptop.replica] == server_ops, laptop.name
            # No silent overwrite: accepted edits of the field form one chain of versions.
            versions = sorted(
                a["version"]
                for k, a in answered.items()
                if a["status"] == "accepted" and self.all_ops[k].field == FIELD
            )
            assert versions == list(range(1, len(versions) + 1))
            for op_id, answer in answered.items():
                if self.all_ops[op_id].kind.value == "set":
                    assert answer["status"] in ("accepted", "conflict"), answer

    return SyncMachine


@pytest.mark.slow
def test_laptops_converge_exactly_once_despite_faults(server: Harness, world: World) -> None:
    run_state_machine_as_test(
        _machine(server, world),
        settings=settings(
            max_examples=15,
            stateful_step_count=40,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
