# Longer than 600 lines because each pushed operation kind is applied here under the same lock and
# results (A8).
"""Applying pushed operations exactly once, and reading the change log back (A8).

A push runs in one write transaction with the review row locked, so ``server_seq`` values
commit in order and a pull cursor never skips a row. Each operation gets its own result;
a refused operation never stops the ones after it. Results (except ``retry``) are stored in
``applied_op`` so a replay returns the same answer and changes nothing.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from reviewer_app.domain.canonical import canonical_json, sha256_hex
from reviewer_app.domain.ids import new_id
from reviewer_app.domain.record_kinds import Entity, OpKind
from reviewer_app.domain.review_rules import may_withdraw, withdraw_refusal
from reviewer_app.domain.wording import file_size
from reviewer_app.server import models
from reviewer_app.server.access import (
    Restriction,
    ReviewAccess,
    restriction_for,
)
from reviewer_app.server.database import EncodedJSON, insert_rows, is_postgresql
from reviewer_app.server.device_limits import review_file_bytes
from reviewer_app.server.enrolment import Caller, utc_now
from reviewer_app.server.http_errors import ApiError
from reviewer_app.server.record_checks import RecordChecks
from reviewer_app.server.report_sharing import ReportFilter, summary_rows
from reviewer_app.server.signed_reports import LongTermSeal, ReportChecker
from reviewer_app.server.visibility import ReviewVisibility
from reviewer_app.sync.protocol import (
    Change,
    ChangeKind,
    ChangesPage,
    ConflictCandidate,
    ConflictRecord,
    ConflictStatus,
    Operation,
    OpResult,
    PushRequest,
    PushResponse,
    RejectReason,
    ResultStatus,
    RetryReason,
)

log = logging.getLogger(__name__)

#: Checks a signed report's PDF bytes (see :mod:`reviewer_app.server.signed_reports`).
ReportVerifier = ReportChecker

#: Payload keys that name the author of a record; they must be the caller.
_AUTHOR_KEYS = ("author_id", "created_by")


def lock_review(session: Session, review_id: str) -> models.Review | None:
    """The review row, locked against other writers until the transaction ends."""
    statement = select(models.Review).where(models.Review.id == review_id)
    if is_postgresql(session.get_bind()):  # type: ignore[arg-type]
        statement = statement.with_for_update()
    return session.exec(statement).first()


def lock_visit(session: Session, visit_id: str) -> models.Visit | None:
    """The visit row, locked so two laptops starting its review at once take turns."""
    statement = select(models.Visit).where(models.Visit.id == visit_id)
    if is_postgresql(session.get_bind()):  # type: ignore[arg-type]
        statement = statement.with_for_update()
    return session.exec(statement).first()


#: A stored record (ORM row) or one added by the current batch (a row about to be inserted).
_RecordLike = models.Record | dict[str, Any]


def _get(record: _RecordLike, name: str) -> Any:
    return record[name] if isinstance(record, dict) else getattr(record, name)


def _mark_retracted(session: Session, record: _RecordLike) -> None:
    if isinstance(record, dict):
        record["retracted"] = True
    else:
        record.retracted = True
        session.add(record)


class _Push:
    """One push: the locked review, the caller and their access."""

    def __init__(
        self,
        session: Session,
        review: models.Review,
        caller: Caller,
        access: ReviewAccess,
        blob_reader: Callable[[str], bytes | None],
        verify_report: ReportVerifier | None,
        encoded_payloads: dict[int, tuple[Any, bytes]] | None = None,
        review_file_limit: int | None = None,
        long_term: LongTermSeal | None = None,
    ) -> None:
        self.session = session
        self.long_term = long_term
        #: Operations the server adds itself (long-term versions), kept for ``id()`` lookups.
        self.server_ops: list[Operation] = []
        #: The most bytes of files the review's attachments may refer to (None: no limit),
        #: and what they refer to so far (read at the first attachment, then kept current).
        self.review_file_limit = review_file_limit
        self.review_files: tuple[set[str], int] | None = None
        self.review = review
        self.caller = caller
        self.access = access
        self.restriction = restriction_for(session, caller.person, review.framework_id)
        self.blob_reader = blob_reader
        self.verify_report = verify_report
        # Batch state: rows are inserted in bulk at the end (one statement per table), and
        # lookups of this batch's own records and results go through these dictionaries.
        self.prior: dict[str, models.AppliedOp] = {}
        #: Each operation's id as text, by ``id(op)`` (filled by :meth:`prefetch`).
        self.op_keys: dict[int, str] = {}
        self.records: dict[tuple[str, str], _RecordLike | None] = {}
        self.record_rows: list[dict[str, Any]] = []
        self.batch_versions: dict[str, int | None] = {}
        self.change_rows: list[dict[str, Any]] = []
        self.applied_rows: list[dict[str, Any]] = []
        self.person_of_device: dict[str, str | None] = {}
        #: Canonical JSON of each operation's payload, by ``id(op)``: encoded once per batch
        #: (the operations live as long as the batch), used by the record hash and the digest.
        self.encoded: dict[int, bytes] = {}
        #: The same, by ``id(op.payload)``, as validating the request found them (see
        #: :data:`~reviewer_app.sync.protocol.ENCODED_PAYLOADS`).
        self.validated = encoded_payloads or {}
        #: The review's counter, kept here during the batch (an ORM attribute is slow to bump)
        #: and stored on the locked review row by :meth:`finish`.
        self.last_seq = review.last_seq
        self.now = utc_now()
        #: Each record checked against the shared schema and the review's framework.
        self.checks = RecordChecks(session, review, self.record)

    def canonical_payload(self, op: Operation) -> bytes:
        encoded = self.encoded.get(id(op))
        if encoded is None:
            known = self.validated.get(id(op.payload))
            if known is not None and known[0] is op.payload:
                encoded = known[1]
            else:
                encoded = canonical_json(op.payload)
            self.encoded[id(op)] = encoded
        return encoded

    def stored_payload(self, op: Operation) -> EncodedJSON:
        """The payload as its JSON columns take it: the canonical JSON already encoded."""
        return EncodedJSON(self.canonical_payload(op).decode("utf-8"))

    def prefetch(self, operations: list[Operation]) -> None:
        """Load, in two queries, the earlier results and records this batch may touch."""
        self.op_keys.update((id(op), str(op.op_id)) for op in operations)
        op_ids = list(self.op_keys.values())
        for prior in self.session.exec(
            select(models.AppliedOp).where(col(models.AppliedOp.op_id).in_(op_ids))
        ):
            self.prior[prior.op_id] = prior
        wanted = {(op.entity.value, op.entity_id) for op in operations}
        for op in operations:
            if isinstance(op.payload, dict) and isinstance(op.payload.get("supersedes"), str):
                wanted.add((op.entity.value, str(op.payload["supersedes"])))
        entities = {entity for entity, _entity_id in wanted}
        entity_ids = {entity_id for _entity, entity_id in wanted}
        self.records.update(dict.fromkeys(wanted))  # absent unless found below
        # Entity and id both named, so the lookup walks the primary key (review, entity, id)
        # rather than every record of the review.
        for record in self.session.exec(
            select(models.Record).where(
                models.Record.review_id == self.review.id,
                col(models.Record.entity).in_(sorted(entities)),
                col(models.Record.entity_id).in_(sorted(entity_ids)),
            )
        ):
            self.records[(record.entity, record.entity_id)] = record

    def record(self, entity: str, entity_id: str) -> _RecordLike | None:
        key = (entity, entity_id)
        if key not in self.records:
            self.records[key] = self.session.get(models.Record, (self.review.id, entity, entity_id))
        return self.records[key]

    def add_record(
        self,
        op: Operation,
        seq: int,
        *,
        retracted: bool = False,
        blob_sha256: str | None = None,
        digest: str | None = None,
    ) -> None:
        """A new append-only record of this batch (inserted with the others at the end)."""
        row = {
            "review_id": self.review.id,
            "entity": op.entity.value,
            "entity_id": op.entity_id,
            "author_id": self.caller.person.id,
            "op_id": self.op_keys[id(op)],
            "payload_sha256": digest or sha256_hex(self.canonical_payload(op)),
            "payload": self.stored_payload(op),
            "blob_sha256": blob_sha256,
            "retracted": retracted,
            "server_seq": seq,
        }
        self.record_rows.append(row)
        self.records[(op.entity.value, op.entity_id)] = row

    def finish(self) -> None:
        """Store the review's new counter and insert the batch's rows."""
        if self.review.last_seq != self.last_seq:
            self.review.last_seq = self.last_seq
            self.session.add(self.review)
        self.write_rows()

    def write_rows(self) -> None:
        """Insert the batch's change-log, record and applied-op rows (a statement per table)."""
        connection = self.session.connection()
        insert_rows(connection, models.ChangeLog.__table__, self.change_rows)  # type: ignore[attr-defined]
        insert_rows(connection, models.Record.__table__, self.record_rows)  # type: ignore[attr-defined]
        insert_rows(connection, models.AppliedOp.__table__, self.applied_rows)  # type: ignore[attr-defined]

    # -- results --------------------------------------------------------------------------

    @staticmethod
    def rejected(op: Operation, reason: RejectReason, message: str) -> OpResult:
        return OpResult(
            op_id=op.op_id, status=ResultStatus.REJECTED, reason=reason.value, message=message
        )

    def _log(
        self,
        op: Operation,
        kind: ChangeKind,
        payload: Any,
        *,
        version: int | None = None,
        conflict_id: str | None = None,
    ) -> int:
        self.last_seq += 1
        self.change_rows.append(
            {
                "review_id": self.review.id,
                "server_seq": self.last_seq,
                "kind": kind.value,
                "entity": op.entity.value,
                "entity_id": op.entity_id,
                "field": op.field,
                "version": version,
                "op_id": self.op_keys[id(op)],
                "author_id": self.caller.person.id,
                "device_id": self.caller.device.id,
                "device_time": op.device_time,
                "conflict_id": conflict_id,
                "payload": self.stored_payload(op) if payload is op.payload else payload,
            }
        )
        return self.last_seq

    # -- dispatch -------------------------------------------------------------------------

    def apply(self, op: Operation) -> OpResult:
        op_key = self.op_keys[id(op)]
        prior = self.prior.get(op_key)
        if prior is not None:
            return self._replay(op, prior)
        result = self._apply_new(op)
        if result.status is not ResultStatus.RETRY:
            self.batch_versions[op_key] = result.version
            self.applied_rows.append(
                {
                    "op_id": op_key,
                    "review_id": self.review.id,
                    "device_id": self.caller.device.id,
                    "op_sha256": op.digest(self.canonical_payload(op)),
                    "result": _result_json(result, op_key),
                    "server_seq": result.server_seq,
                    "version": result.version,
                    "applied_at": self.now,
                }
            )
        return result

    def _replay(self, op: Operation, prior: models.AppliedOp) -> OpResult:
        if prior.device_id not in self.person_of_device:
            device = self.session.get(models.Device, prior.device_id)
            self.person_of_device[prior.device_id] = device.person_id if device else None
        if self.person_of_device[prior.device_id] != self.caller.person.id:
            # Someone else's operation id: refuse the whole batch, change nothing.
            raise ApiError(
                409,
                "conflict",
                f"Operation {op.op_id} was already sent by another reviewer's laptop; "
                "this batch was refused and nothing was changed.",
            )
        if prior.op_sha256 != op.digest(self.canonical_payload(op)):
            return self.rejected(
                op,
                RejectReason.OP_ID_REUSED,
                f"Operation {op.op_id} was already applied with different content; "
                "the new content was not applied.",
            )
        return OpResult.model_validate(prior.result)

    def _apply_new(self, op: Operation) -> OpResult:
        if op.review_id != self.review.id:
            return self.rejected(op, RejectReason.INVALID_PAYLOAD, "Wrong review for this push.")
        if not self.access.may_write:
            return self.rejected(
                op, RejectReason.NOT_ALLOWED, "Only the visit's team may change this review."
            )
        if self.restriction.hides(op.entity.value, op.field, op.payload):
            return self.rejected(
                op,
                RejectReason.NOT_ALLOWED,
                "Only safeguarding roles may record this part of the review.",
            )
        if self.review.locked and op.entity is not Entity.SIGNED_REPORT:
            return self.rejected(
                op,
                RejectReason.REVIEW_LOCKED,
                "This review is signed and can no longer change; make an amendment instead.",
            )
        if isinstance(op.payload, dict):
            for key in _AUTHOR_KEYS:
                if key in op.payload and op.payload[key] != self.caller.person.id:
                    return self.rejected(
                        op,
                        RejectReason.NOT_ALLOWED,
                        "A change can only be sent by the person who made it.",
                    )
        problem = self.checks.problem(op)
        if problem is not None:
            return self.rejected(op, RejectReason.INVALID_PAYLOAD, problem)
        handlers = {
            OpKind.APPEND: self._append,
            OpKind.RETRACT: self._retract,
            OpKind.SET: self._set,
            OpKind.RESOLVE: self._resolve,
            OpKind.SUBMIT: self._submit,
        }
        return handlers[op.kind](op)

    # -- append-only records --------------------------------------------------------------

    def _append(self, op: Operation) -> OpResult:
        payload = op.payload
        if not isinstance(payload, dict):
            return self.rejected(op, RejectReason.INVALID_PAYLOAD, "A record must be an object.")
        if op.entity is Entity.REVIEW:
            started = payload.get("review")
            if not isinstance(started, dict) or started.get("visit_id") != self.review.visit_id:
                return self.rejected(
                    op, RejectReason.INVALID_PAYLOAD, "This review belongs to another visit."
                )
        if (
            op.entity is Entity.JUDGEMENT
            and payload.get("agreed") is True
            and not self.access.is_lead
        ):
            return self.rejected(
                op, RejectReason.LEAD_ONLY, "Only the lead reviewer sets the agreed judgement."
            )
        existing = self.record(op.entity.value, op.entity_id)
        digest = sha256_hex(self.canonical_payload(op))
        if existing is not None:
            # Sent again (its answer was lost): the same record is the same answer.
            if _get(existing, "payload_sha256") == digest:
                return _accepted(op, _get(existing, "server_seq"))
            return self.rejected(
                op,
                RejectReason.ALREADY_EXISTS,
                f"Record {op.entity_id} already exists with other content; records never change "
                "after they are saved (add a correction instead).",
            )
        blob_sha: str | None = None
        complete = False
        if op.entity in (Entity.ATTACHMENT, Entity.SIGNED_REPORT):
            refusal_or_sha = self._check_blob(op, payload)
            if isinstance(refusal_or_sha, OpResult):
                return refusal_or_sha
            blob_sha = refusal_or_sha
        if op.entity is Entity.SIGNED_REPORT:
            assert blob_sha is not None
            checked = self._check_signed_report(op, payload, blob_sha)
            if isinstance(checked, OpResult):
                return checked
            complete = checked
        seq = self._log(op, ChangeKind.APPEND, payload)
        self.add_record(op, seq, blob_sha256=blob_sha, digest=digest)
        if complete:
            # Locked at the last planned signature only: earlier signers' versions leave the
            # review open for the later signers (and their state changes).
            self.review.locked = True
            self.session.add(self.review)
            assert blob_sha is not None
            self._add_long_term_version(op, payload, self.blob_reader(blob_sha) or b"")
        return _accepted(op, seq)

    def _add_long_term_version(self, op: Operation, payload: dict[str, Any], pdf: bytes) -> None:
        """After the last signature: the trust's long-term version, as a record of its own."""
        from reviewer_app.server.signed_reports import long_term_version

        made = long_term_version(pdf, payload, self.long_term, self.now) if self.long_term else None
        if made is None:
            return
        record, sha, size = made
        if self.session.get(models.Blob, sha) is None:
            self.session.add(models.Blob(sha256=sha, size=size, stored_at=self.now))
        sealed = Operation.model_construct(
            op_id=uuid.uuid4(),
            device_seq=op.device_seq,
            review_id=op.review_id,
            entity=Entity.SIGNED_REPORT,
            entity_id=new_id(),
            field=None,
            kind=OpKind.APPEND,
            payload=record,
            base_version=None,
            parent_op_id=None,
            device_time=self.now,
        )
        self.server_ops.append(sealed)
        key = self.op_keys[id(sealed)] = str(sealed.op_id)
        seq = self._log(sealed, ChangeKind.APPEND, record)
        self.add_record(sealed, seq, blob_sha256=sha)
        accepted = _accepted(sealed, seq)
        self.applied_rows.append(
            {
                "op_id": key,
                "review_id": self.review.id,
                "device_id": self.caller.device.id,
                "op_sha256": sealed.digest(self.canonical_payload(sealed)),
                "result": _result_json(accepted, key),
                "server_seq": seq,
                "version": None,
                "applied_at": self.now,
            }
        )

    def _check_signed_report(
        self, op: Operation, payload: dict[str, Any], sha: str
    ) -> OpResult | bool:
        """The refusal of a signed version, else whether it completes its report."""
        from reviewer_app.server.signed_reports import Refusal, check_version

        if self.verify_report is None:
            return self.rejected(
                op,
                RejectReason.BAD_SIGNATURE,
                "The signed report was refused: this trust server has no certificate authority "
                "to check signatures against, so the trust admin must set one up first.",
            )
        checked = check_version(
            self.session,
            self.review,
            self.caller.person,
            payload,
            self.blob_reader(sha) or b"",
            self.verify_report,
            self.blob_reader,
            self.record_rows,
        )
        if isinstance(checked, Refusal):
            log.info("Signed report %s refused for review %s", sha[:12], self.review.id)
            return self.rejected(op, checked.reason, checked.message)
        return checked.complete

    def _check_blob(self, op: Operation, payload: dict[str, Any]) -> OpResult | str:
        sha = payload.get("sha256")
        if not isinstance(sha, str) or len(sha) != 64 or sha.strip("0123456789abcdef"):
            return self.rejected(
                op, RejectReason.INVALID_PAYLOAD, "The record does not name its file's SHA-256."
            )
        blob = self.session.get(models.Blob, sha)
        if blob is None:
            return OpResult(
                op_id=op.op_id,
                status=ResultStatus.RETRY,
                reason=RetryReason.BLOB_MISSING.value,
                message=sha,
            )
        if op.entity is Entity.ATTACHMENT and self.review_file_limit is not None:
            return self._count_file(op, blob)
        return sha

    def _count_file(self, op: Operation, blob: models.Blob) -> OpResult | str:
        """The file's SHA-256 when the review may hold it too, else the refusal."""
        if self.review_files is None:
            held = self.session.exec(
                select(models.Record.blob_sha256).where(
                    models.Record.review_id == self.review.id,
                    models.Record.entity == Entity.ATTACHMENT.value,
                )
            ).all()
            total = review_file_bytes(self.session, self.review.id)
            self.review_files = ({sha for sha in held if sha}, total)
        shas, total = self.review_files
        if blob.sha256 in shas:
            return blob.sha256
        limit = self.review_file_limit or 0
        if total + blob.size > limit:
            return self.rejected(
                op,
                RejectReason.REVIEW_FILES_FULL,
                f"This review's files already take {file_size(total)} of the {file_size(limit)} "
                f"the trust server keeps for one review, so this file ({file_size(blob.size)}) "
                "was not added; keep it on the laptop or ask the trust admin.",
            )
        shas.add(blob.sha256)
        self.review_files = (shas, total + blob.size)
        return blob.sha256

    def _retract(self, op: Operation) -> OpResult:
        """Withdraw a record: named directly, or by a tombstone record that supersedes it."""
        payload = op.payload if isinstance(op.payload, dict) else {}
        named = self.record(op.entity.value, op.entity_id)
        target_id = op.entity_id
        if named is None and isinstance(payload.get("supersedes"), str):
            target_id = str(payload["supersedes"])
        target = self.record(op.entity.value, target_id)
        if target is None:
            return self.rejected(
                op, RejectReason.UNKNOWN_RECORD, f"There is no record {target_id} to withdraw."
            )
        author = str(_get(target, "author_id"))
        if not may_withdraw(author, self.caller.person.id, is_lead=self.access.is_lead):
            return self.rejected(op, RejectReason.NOT_ALLOWED, withdraw_refusal("this record"))
        _mark_retracted(self.session, target)
        seq = self._log(op, ChangeKind.RETRACT, op.payload)
        if target_id != op.entity_id:
            # Keep the tombstone itself as an append-only record, so a resend is recognised.
            self.add_record(op, seq, retracted=True)
        return _accepted(op, seq)

    def _submit(self, op: Operation) -> OpResult:
        seq = self._log(op, ChangeKind.SUBMIT, op.payload)
        return _accepted(op, seq)

    # -- shared versioned fields ----------------------------------------------------------

    def _field_key(self, op: Operation) -> tuple[str, str, str, str]:
        return (self.review.id, op.entity.value, op.entity_id, op.field or "")

    def _open_conflict(self, op: Operation) -> models.Conflict | None:
        return self.session.exec(
            select(models.Conflict).where(
                models.Conflict.review_id == self.review.id,
                models.Conflict.entity == op.entity.value,
                models.Conflict.entity_id == op.entity_id,
                models.Conflict.field == (op.field or ""),
                models.Conflict.status == ConflictStatus.OPEN.value,
            )
        ).first()

    def _candidate(self, op: Operation, base: int | None) -> dict[str, Any]:
        assert isinstance(op.payload, dict)
        return ConflictCandidate(
            op_id=op.op_id,
            value=op.payload["value"],
            author_id=self.caller.person.id,
            device_id=self.caller.device.id,
            device_time=op.device_time,
            base_version=base,
        ).model_dump(mode="json")

    def _set(self, op: Operation) -> OpResult:
        assert isinstance(op.payload, dict)
        if op.entity is Entity.REVIEW:
            # The review's state is an event in the log, not a shared text: no versions.
            seq = self._log(op, ChangeKind.SET, op.payload)
            return _accepted(op, seq)
        base: int | None = op.base_version
        if op.parent_op_id is not None:
            parent_id = str(op.parent_op_id)
            if parent_id in self.batch_versions:
                base = self.batch_versions[parent_id]
            else:
                parent = self.session.get(models.AppliedOp, parent_id)
                if parent is None or parent.review_id != self.review.id:
                    return self.rejected(
                        op, RejectReason.UNKNOWN_PARENT, "The edit this one follows never arrived."
                    )
                base = parent.version
            # A parent that became a conflict candidate (no version) keeps this edit there too.
        state = self.session.get(models.FieldState, self._field_key(op))
        current = state.version if state is not None else 0
        conflict = self._open_conflict(op)
        if conflict is None and base == current:
            return self._write_field(op, state, op.payload["value"], ChangeKind.SET)
        if conflict is None:
            conflict = models.Conflict(
                id=new_id(),
                review_id=self.review.id,
                entity=op.entity.value,
                entity_id=op.entity_id,
                field=op.field or "",
                base_version=current,
                candidates=[self._current_candidate(state)],
            )
        candidates = [
            c
            for c in conflict.candidates
            if op.parent_op_id is None or c.get("op_id") != str(op.parent_op_id)
        ]
        conflict.candidates = [*candidates, self._candidate(op, base)]
        self.session.add(conflict)
        record = conflict_record(conflict)
        seq = self._log(
            op, ChangeKind.CONFLICT, record.model_dump(mode="json"), conflict_id=conflict.id
        )
        return OpResult(
            op_id=op.op_id, status=ResultStatus.CONFLICT, conflict_id=conflict.id, server_seq=seq
        )

    @staticmethod
    def _current_candidate(state: models.FieldState | None) -> dict[str, Any]:
        if state is None:
            return {"op_id": None, "value": None, "author_id": "", "device_id": None,
                    "device_time": None, "base_version": None}  # fmt: skip
        return ConflictCandidate(
            op_id=state.op_id,
            value=state.value,
            author_id=state.author_id,
            device_id=state.device_id,
            device_time=state.device_time,
            base_version=state.version - 1,
        ).model_dump(mode="json")

    def _write_field(
        self,
        op: Operation,
        state: models.FieldState | None,
        value: Any,
        kind: ChangeKind,
        conflict_id: str | None = None,
    ) -> OpResult:
        if state is None:
            review_id, entity, entity_id, field = self._field_key(op)
            state = models.FieldState(
                review_id=review_id,
                entity=entity,
                entity_id=entity_id,
                field=field,
                author_id=self.caller.person.id,
            )
        state.value = value
        state.version += 1
        state.author_id = self.caller.person.id
        state.device_id = self.caller.device.id
        state.device_time = op.device_time
        state.op_id = str(op.op_id)
        self.session.add(state)
        seq = self._log(op, kind, op.payload, version=state.version, conflict_id=conflict_id)
        return _accepted(op, seq, state.version)

    def _resolve(self, op: Operation) -> OpResult:
        assert isinstance(op.payload, dict)
        if not self.access.is_lead:
            return self.rejected(op, RejectReason.LEAD_ONLY, "Only the lead reviewer resolves.")
        conflict = self.session.get(models.Conflict, str(op.payload["conflict_id"]))
        if conflict is None or (conflict.review_id, conflict.entity, conflict.entity_id,
                                conflict.field) != self._field_key(op):  # fmt: skip
            return self.rejected(op, RejectReason.UNKNOWN_CONFLICT, "There is no such conflict.")
        state = self.session.get(models.FieldState, self._field_key(op))
        current = state.version if state is not None else 0
        if conflict.status != ConflictStatus.OPEN.value or op.base_version != current:
            return self.rejected(
                op,
                RejectReason.STALE_RESOLVE,
                "This conflict was already resolved or the field changed; sync and look again.",
            )
        conflict.status = ConflictStatus.RESOLVED.value
        conflict.resolved_by = self.caller.person.id
        conflict.resolution_op_id = str(op.op_id)
        self.session.add(conflict)
        return self._write_field(
            op, state, op.payload["value"], ChangeKind.RESOLVE, conflict_id=conflict.id
        )


def _accepted(op: Operation, server_seq: int, version: int | None = None) -> OpResult:
    """An ``accepted`` answer, built without validation (every value is the server's own)."""
    return OpResult.model_construct(
        op_id=op.op_id, status=ResultStatus.ACCEPTED, server_seq=server_seq, version=version
    )


def _result_json(result: OpResult, op_id: str) -> dict[str, Any]:
    """``result.model_dump(mode="json")``, written out: it is stored for every operation."""
    return {
        "op_id": op_id,
        "status": result.status.value,
        "server_seq": result.server_seq,
        "version": result.version,
        "conflict_id": result.conflict_id,
        "reason": result.reason,
        "message": result.message,
    }


def conflict_record(conflict: models.Conflict) -> ConflictRecord:
    """The wire form of a stored conflict."""
    return ConflictRecord(
        id=conflict.id,
        review_id=conflict.review_id,
        entity=Entity(conflict.entity),
        entity_id=conflict.entity_id,
        field=conflict.field,
        base_version=conflict.base_version,
        status=ConflictStatus(conflict.status),
        candidates=[ConflictCandidate.model_validate(c) for c in conflict.candidates],
        resolved_by=conflict.resolved_by,
        resolution_op_id=conflict.resolution_op_id,
    )


def apply_push(
    session: Session,
    review: models.Review,
    caller: Caller,
    access: ReviewAccess,
    request: PushRequest,
    *,
    blob_reader: Callable[[str], bytes | None],
    verify_report: ReportVerifier | None = None,
    encoded_payloads: dict[int, tuple[Any, bytes]] | None = None,
    long_term: LongTermSeal | None = None,
    review_file_limit: int | None = None,
) -> PushResponse:
    """Apply a batch to a review the caller's transaction has locked (:func:`lock_review`).

    ``encoded_payloads`` holds ``(payload, canonical JSON)`` by ``id(payload)`` for the payloads
    of ``request``, when validating it produced them (see ``protocol.ENCODED_PAYLOADS``).
    With ``long_term``, the last planned signature of a report also brings the trust's
    long-term version of it (:func:`~reviewer_app.server.signed_reports.long_term_version`).
    """
    push = _Push(
        session, review, caller, access, blob_reader, verify_report, encoded_payloads,
        review_file_limit, long_term,
    )  # fmt: skip
    push.prefetch(request.operations)
    results = [push.apply(op) for op in request.operations]
    push.finish()
    caller.device.last_seen_at = utc_now()
    session.add(caller.device)
    accepted = sum(r.status is ResultStatus.ACCEPTED for r in results)
    log.info(
        "Push to review %s from device %s: %d operations, %d accepted, last_seq %d",
        review.id,
        caller.device.id,
        len(results),
        accepted,
        review.last_seq,
    )
    return PushResponse(review_id=review.id, results=results, last_seq=review.last_seq)


def read_changes(
    session: Session,
    review: models.Review,
    since: int,
    limit: int,
    visibility: ReviewVisibility | None = None,
    *,
    summary_only: bool = False,
    reports: ReportFilter | None = None,
) -> ChangesPage:
    """Change-log rows after ``since``, oldest first, at most ``limit``.

    Rows ``visibility`` hides (restricted parts, and whatever refers to them) are left out of
    the page; ``next_cursor`` still moves past them. With ``summary_only`` (a reader off the
    team of a review shared with the school only, or oversight) only the judgement summary is
    in the page, with the signed reports ``reports`` lets through (:mod:`.report_sharing`).
    """
    table = models.ChangeLog.__table__  # type: ignore[attr-defined]
    # Core rows and unvalidated models: the data was validated on the way in, and a pull page
    # is the hottest path of a sync.
    rows = (
        session.connection()
        .execute(
            sa.select(table)
            .where(table.c.review_id == review.id, table.c.server_seq > since)
            .order_by(table.c.server_seq)
            .limit(limit + 1)
        )
        .mappings()
        .all()
    )
    has_more = len(rows) > limit
    page: Sequence[Mapping[Any, Any]] = rows[:limit]
    next_cursor = page[-1]["server_seq"] if page else since
    if visibility is not None and (visibility.hidden or visibility.restriction):
        page = [r for r in page if not visibility.hides(r["entity"], r["entity_id"], r["field"])]
    if summary_only:
        page = summary_rows(page, reports)
    changes = [
        Change.model_construct(
            server_seq=row["server_seq"],
            kind=ChangeKind(row["kind"]),
            entity=Entity(row["entity"]),
            entity_id=row["entity_id"],
            field=row["field"],
            version=row["version"],
            op_id=uuid.UUID(row["op_id"]),
            author_id=row["author_id"],
            device_id=row["device_id"],
            device_time=row["device_time"],
            payload=row["payload"],
            conflict_id=row["conflict_id"],
        )
        for row in page
    ]
    return ChangesPage.model_construct(
        review_id=review.id, changes=changes, next_cursor=next_cursor, has_more=has_more
    )


def list_conflicts(
    session: Session,
    review: models.Review,
    *,
    only_open: bool,
    restriction: Restriction | None = None,
) -> list[ConflictRecord]:
    """The review's conflicts (open ones only, or all), oldest first, less hidden fields."""
    statement = select(models.Conflict).where(models.Conflict.review_id == review.id)
    if only_open:
        statement = statement.where(models.Conflict.status == ConflictStatus.OPEN.value)
    conflicts = session.exec(statement.order_by(col(models.Conflict.id)))
    return [
        conflict_record(c)
        for c in conflicts
        if restriction is None or not restriction.hides_field(c.field)
    ]
