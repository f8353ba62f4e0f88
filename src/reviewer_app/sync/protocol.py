# Longer than 600 lines because it is the wire format: every message and its validation, kept
# together on purpose.
"""The sync wire protocol: the messages a laptop and the trust server exchange.

Design (shared/reference/sync-and-signing.md, A8): each local change becomes an
:class:`Operation` whose ``op_id`` is its idempotency key; the server orders operations per
review (``server_seq``) and answers each one with an :class:`OpResult`; devices pull
:class:`Change` rows since their cursor. No correctness depends on laptop clocks: ``device_time``
is for display only.

Compatibility: the server is a strict reader, the laptop a tolerant one. Every model forbids
unknown fields and bounds its sizes, so a hostile or garbled request is refused before it reaches
the database. A laptop reads the server's answers with :data:`ANSWER_EXTRA` (see
:func:`read_answer`): a field it does not know is ignored, the fields it knows are checked as
strictly as ever. So a laptop one release older than its trust server keeps syncing:

* adding a field to a server answer (at any depth) is compatible, and needs no version change;
  give it a default in the model, since an older server does not send it;
* adding an optional field to a request is compatible only once every server in use accepts it
  (servers update first);
* removing or renaming a field of an answer, changing a field's type or meaning, adding a value
  to an enum an answer carries (``ChangeKind``, ``Entity``...), or making a request field
  required is not: it raises :data:`PROTOCOL_VERSION`, and :data:`MIN_PROTOCOL_VERSION` when
  the server stops serving laptops that speak the older one.

:data:`PROTOCOL_VERSION` changes only for the incompatible kind; ``docs/sync-server.md``
(Compatibility) says the same for people running a trust server.

Record kinds and operation kinds are the one vocabulary of
:mod:`reviewer_app.domain.record_kinds`; :func:`~reviewer_app.domain.canonical.canonical_json`
and :meth:`Operation.digest` give the exact bytes both sides hash, so "the same operation" means
the same thing everywhere.
"""

from __future__ import annotations

import itertools
import re
import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Annotated, Any, Final, Literal, TypeAlias, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    JsonValue,
    ValidationInfo,
    field_validator,
    model_validator,
)

from reviewer_app.domain.canonical import canonical_json, canonical_text, sha256_hex
from reviewer_app.domain.record_kinds import REVIEW_STATE_FIELD, Entity, OpKind

#: Version of this message format. A server refuses a client that speaks a newer one. Raised
#: only by an incompatible change (module docstring): a new field in an answer is not one.
PROTOCOL_VERSION = 1
#: Oldest message format a server still syncs with: an app older than this must be updated
#: (the handshake answers 426 with where to get the current app). Raised only when the server
#: stops understanding old laptops; a new app version alone never refuses anyone.
MIN_PROTOCOL_VERSION = 1
#: Oldest laptop store schema the server still accepts (the handshake's ``client_schema_version``).
MIN_CLIENT_SCHEMA_VERSION = 1

#: At most this many operations in one push. A push costs a transaction, a durable commit and
#: the caller's access checks whatever its size, so batches are as large as a pull page.
MAX_BATCH = 1000
#: At most this many changes in one pull page.
MAX_PULL_LIMIT = 1000
DEFAULT_PULL_LIMIT = 500
#: The largest pull cursor (``since``) a server takes: far beyond any review's sequence, and
#: below the databases' 64-bit integers, so a larger one is a 422 rather than an overflow.
MAX_CURSOR = 2**62
#: Canonical JSON of one operation's payload may not exceed this many bytes.
MAX_PAYLOAD_BYTES = 1024 * 1024  # a review's framework snapshot travels in one payload
#: A request body (other than a blob chunk) may not exceed this many bytes.
MAX_REQUEST_BYTES = 16 * 1024 * 1024
#: A laptop stops filling a push once its operations' payloads reach this many bytes (half the
#: request limit, leaving room for the rest of each operation), so a run of long notes or
#: framework snapshots travels in several pushes instead of one the server must refuse.
MAX_BATCH_PAYLOAD_BYTES = MAX_REQUEST_BYTES // 2
#: One blob (photo, signed report) may not exceed this many bytes.
MAX_BLOB_BYTES = 256 * 1024 * 1024
#: One blob upload request (a whole blob or one chunk) may not exceed this many bytes.
MAX_BLOB_CHUNK_BYTES = 8 * 1024 * 1024
#: Defaults of the limits a trust's operator sets (``reviewer-app-server serve`` options):
#: files one laptop may hold that no record uses yet, files attached to one review, hours an
#: unfinished upload is kept, and requests per minute and device.
DEFAULT_DEVICE_QUOTA_BYTES = 4 * 1024**3
DEFAULT_REVIEW_FILE_BYTES = 2 * 1024**3
DEFAULT_PARTIAL_UPLOAD_HOURS = 24
DEFAULT_PUSHES_PER_MINUTE = 120
DEFAULT_PULLS_PER_MINUTE = 1200

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$")


def _check_id(value: str) -> str:
    if not _ID.match(value):
        raise ValueError("must be 1 to 128 letters, digits, '.', '_', ':' or '-'")
    return value


def _check_sha256(value: str) -> str:
    if not _SHA256.match(value):
        raise ValueError("must be a SHA-256 digest as 64 lowercase hexadecimal digits")
    return value


def _check_text(value: str) -> str:
    if any(ord(c) < 32 and c not in "\t\n\r" for c in value):
        raise ValueError("must not contain control characters")
    return value


#: Text without control characters (PostgreSQL refuses NUL; nobody types them).
SafeText: TypeAlias = Annotated[str, AfterValidator(_check_text)]
#: A record identifier (UUIDv7 strings in practice; framework field ids contain dots).
RecordId: TypeAlias = Annotated[str, AfterValidator(_check_id)]
#: A lowercase hex SHA-256 digest.
Sha256Hex: TypeAlias = Annotated[str, AfterValidator(_check_sha256)]
ShortText: TypeAlias = Annotated[SafeText, Field(max_length=200)]


class _Message(BaseModel):
    """Base of every wire message: unknown fields are an error (except in an answer a laptop
    reads with :data:`ANSWER_EXTRA`), values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_max_length=MAX_PAYLOAD_BYTES)


#: How a laptop reads the server's answers (``model_validate_json(..., extra=ANSWER_EXTRA)``):
#: fields it does not know, at any depth, are dropped, so a newer server's additions do not stop
#: an older laptop. Never used on the server, which refuses what it does not know.
ANSWER_EXTRA: Final = "ignore"

_M = TypeVar("_M", bound=BaseModel)


def read_answer(model: type[_M], data: str | bytes) -> _M:
    """``data``, an answer of the trust server, read as ``model`` the way a laptop reads it:
    unknown fields ignored, known fields validated as strictly as ever."""
    return model.model_validate_json(data, extra=ANSWER_EXTRA)


#: Longest ``field`` name (framework field ids are ``<criterion_id>.<field>``).
MAX_FIELD_LENGTH = 200


#: Entities each operation kind applies to on the wire. ``school_category`` is in none: categories
#: travel by their own endpoints, never as a pushed operation.
KIND_ENTITIES: dict[OpKind, frozenset[Entity]] = {
    OpKind.APPEND: frozenset(
        {
            Entity.REVIEW,  # the review itself, started on a laptop (with its framework snapshot)
            Entity.EVIDENCE_NOTE,
            Entity.ATTACHMENT,
            Entity.JUDGEMENT,
            Entity.ACTION,
            Entity.ACTION_FOLLOW_UP,
            Entity.SIGNED_REPORT,
        }
    ),
    OpKind.RETRACT: frozenset(
        {
            Entity.EVIDENCE_NOTE,
            Entity.ATTACHMENT,
            Entity.JUDGEMENT,
            Entity.ACTION,
            Entity.ACTION_FOLLOW_UP,
        }
    ),
    OpKind.SET: frozenset({Entity.FIELD_VALUE, Entity.REVIEW}),
    OpKind.RESOLVE: frozenset({Entity.FIELD_VALUE}),
    OpKind.SUBMIT: frozenset({Entity.REVIEW}),
}
#: The record kinds a push may carry (school categories travel by their own endpoints).
PUSHED_ENTITIES: frozenset[Entity] = frozenset().union(*KIND_ENTITIES.values())


def _plain_json(value: Any) -> bool:
    """Whether ``value`` is made only of the types JSON decodes to."""
    if value is None or isinstance(value, str | bool | int | float):
        return True
    if isinstance(value, list):
        return all(_plain_json(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain_json(v) for k, v in value.items())
    return False


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


#: The six bytes JSON spells a NUL character with (``json.dumps`` escapes every control character).
_ESCAPED_NUL = b"\\u0000"

#: Context key of :meth:`Operation.model_validate`: the payload's canonical JSON, already known
#: to the caller (the laptop's outbox stores it), so validation need not encode it again.
CANONICAL_PAYLOAD = "canonical_payload"

#: Context key of :meth:`PushRequest.model_validate_json` on the server: a dict that validation
#: fills with ``(payload, canonical JSON)`` keyed by ``id(payload)``, so the push that follows
#: need not encode the payloads again. The payload is kept in the entry so that its id cannot
#: be reused by another object; a reader checks ``entry[0] is op.payload``.
ENCODED_PAYLOADS = "encoded_payloads"


def payload_sha256(payload: JsonValue) -> str:
    """SHA-256 of an operation payload's canonical JSON."""
    return sha256_hex(canonical_json(payload))


class Operation(_Message):
    """One change made on a laptop, as it travels to the server.

    The shapes match the laptop store's outbox (``reviewer_app.storage.outbox``):

    * ``append``: ``entity_id`` is the new record's id, ``payload`` the record's fields. An
      ``append`` of entity ``review`` (``entity_id`` = ``review_id``, payload
      ``{"review": {...visit_id, framework_id...}, "framework_snapshot": ...}``) starts the
      review on the server when it is the first operation pushed for it.
    * ``retract``: ``entity_id`` names an earlier record (attachment, action), or is a new
      tombstone record whose ``payload["supersedes"]`` names the note it withdraws.
    * ``set`` of a shared field: ``entity`` ``field_value``, ``entity_id`` the review id,
      ``field`` the framework field id, ``payload`` ``{"value": ..., ...}``; ``base_version``
      is the server version the edit was made over (0 for a field never set), or
      ``parent_op_id`` names this device's earlier unacknowledged ``set`` of the same field.
    * ``set`` of the review's state: ``entity`` ``review``, ``field`` ``"state"``,
      ``payload`` ``{"state": ...}`` (no version: it is an event, not a shared text).
    * ``resolve`` (lead reviewer only): like a field ``set`` with ``payload``
      ``{"conflict_id": ..., "value": ...}`` and ``base_version`` the field's current version.
    * ``submit``: ``entity`` ``review``, ``entity_id`` the review id ("my part is done").

    ``device_time`` is for display only; a time without a zone is taken as UTC.
    """

    op_id: uuid.UUID
    device_seq: int = Field(ge=1, le=2**62)
    review_id: RecordId
    entity: Entity
    entity_id: RecordId
    field: Annotated[SafeText, Field(min_length=1, max_length=MAX_FIELD_LENGTH)] | None = None
    kind: OpKind
    #: Any JSON value. Checked by :meth:`_payload_is_bounded` rather than typed ``JsonValue``,
    #: whose check calls back into Python for every value in the payload: a payload parsed
    #: from a request body is JSON already, and only one built in Python is walked.
    payload: Any
    base_version: int | None = Field(default=None, ge=0, le=2**62)
    parent_op_id: uuid.UUID | None = None
    device_time: datetime

    @field_validator("device_time")
    @classmethod
    def _in_utc(cls, value: datetime) -> datetime:
        # One instant, one spelling: the digest must not depend on the laptop's time zone.
        # A naive time is taken as UTC rather than refused: it is display-only, and refusing
        # it would block the laptop's queue for a cosmetic reason.
        if value.utcoffset() is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    @field_validator("payload")
    @classmethod
    def _payload_is_bounded(cls, value: Any, info: ValidationInfo) -> Any:
        known = info.context.get(CANONICAL_PAYLOAD) if isinstance(info.context, dict) else None
        if isinstance(known, bytes):
            data = known  # decoded from these bytes by the caller: JSON already
        else:
            if info.mode == "python" and not _plain_json(value):
                raise ValueError(
                    "payload must be plain JSON: objects with text keys, lists, text, numbers, "
                    "true, false or null"
                )
            try:
                data = canonical_json(value)
            except UnicodeEncodeError as exc:
                raise ValueError(
                    "payload text must be valid Unicode (it holds half of a surrogate pair)"
                ) from exc
            except ValueError as exc:
                raise ValueError("payload must be plain JSON (no NaN or infinity)") from exc
            encoded = info.context.get(ENCODED_PAYLOADS) if isinstance(info.context, dict) else None
            if isinstance(encoded, dict):
                encoded[id(value)] = (value, data)  # the value kept: its id stays its own
        if len(data) > MAX_PAYLOAD_BYTES:
            raise ValueError(f"payload is {len(data)} bytes; the limit is {MAX_PAYLOAD_BYTES}")
        # A NUL anywhere is spelled \u0000 in the JSON; only then is the slow walk needed (the
        # six characters can also be typed, as a backslash and "u0000").
        if _ESCAPED_NUL in data and _has_nul(value):
            raise ValueError("payload must not contain NUL characters")
        return value

    @model_validator(mode="after")
    def _kind_fits_entity(self) -> Operation:
        if self.entity not in KIND_ENTITIES[self.kind]:
            raise ValueError(f"a '{self.kind}' operation cannot apply to '{self.entity}'")
        payload = self.payload if isinstance(self.payload, dict) else None
        if self.entity is Entity.REVIEW and self.entity_id != self.review_id:
            raise ValueError("an operation on the review needs entity_id equal to review_id")
        if self.entity is Entity.REVIEW and self.kind is OpKind.SET:
            if self.field != REVIEW_STATE_FIELD or payload is None:
                raise ValueError("a 'set' of the review names field 'state' with a payload")
            if not isinstance(payload.get("state"), str):
                raise ValueError("a 'set' of the review needs a payload with 'state'")
        elif self.kind in (OpKind.SET, OpKind.RESOLVE):
            if not self.field:
                raise ValueError(f"a '{self.kind}' operation needs the field's name")
            if payload is None or "value" not in payload:
                raise ValueError(f"a '{self.kind}' operation needs a payload with 'value'")
            if self.base_version is None and self.parent_op_id is None:
                raise ValueError(f"a '{self.kind}' operation needs base_version or parent_op_id")
        if self.kind is OpKind.APPEND and self.entity is Entity.REVIEW:
            review = payload.get("review") if payload is not None else None
            if not isinstance(review, dict) or not isinstance(review.get("visit_id"), str):
                raise ValueError("an 'append' of the review needs payload.review.visit_id")
        if self.kind is OpKind.RESOLVE and (
            not isinstance(self.payload, dict)
            or not isinstance(self.payload.get("conflict_id"), str)
        ):
            raise ValueError("a 'resolve' operation needs a payload with 'conflict_id'")
        return self

    def digest(self, canonical_payload: bytes | None = None) -> str:
        """SHA-256 of the operation's canonical JSON: the fingerprint behind exactly-once.

        Two deliveries of one ``op_id`` are the same operation only when their digests match.
        The bytes are those of ``canonical_json(self.model_dump(mode="json"))`` (a test holds
        the two to the same bytes), written out field by field because every pushed operation
        is hashed; a caller that already holds the payload's canonical JSON passes it.
        """
        if canonical_payload is None:
            canonical_payload = canonical_json(self.payload)
        head = canonical_text(
            {
                "base_version": self.base_version,
                "device_seq": self.device_seq,
                "device_time": _json_utc(self.device_time),
                "entity": self.entity.value,
                "entity_id": self.entity_id,
                "field": self.field,
                "kind": self.kind.value,
                "op_id": str(self.op_id),
                "parent_op_id": None if self.parent_op_id is None else str(self.parent_op_id),
            }
        )
        tail = canonical_text(self.review_id)
        return sha256_hex(
            f'{head[:-1]},"payload":'.encode()
            + canonical_payload
            + f',"review_id":{tail}}}'.encode()
        )


#: The fields :meth:`Operation.digest` writes out, in their canonical (sorted) order.
DIGEST_FIELDS = (
    "base_version", "device_seq", "device_time", "entity", "entity_id", "field", "kind",
    "op_id", "parent_op_id", "payload", "review_id",
)  # fmt: skip


def _json_utc(value: datetime) -> str:
    """A UTC time as pydantic writes it in JSON: ISO 8601 ending in ``Z``."""
    text = value.astimezone(UTC).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _check_batch(operations: Sequence[Operation | CategoryOperation | VisitOperation]) -> None:
    """A pushed batch is in strictly increasing device order and names each op_id once."""
    seqs = [op.device_seq for op in operations]
    if any(b <= a for a, b in itertools.pairwise(seqs)):
        raise ValueError("operations must be in strictly increasing device_seq order")
    if len({op.op_id for op in operations}) != len(operations):
        raise ValueError("an op_id appears twice in one batch")


class PushRequest(_Message):
    """``POST /reviews/{review_id}/push``: up to :data:`MAX_BATCH` operations in device order."""

    protocol_version: int
    operations: Annotated[list[Operation], Field(min_length=1, max_length=MAX_BATCH)]

    @model_validator(mode="after")
    def _ordered(self) -> PushRequest:
        _check_batch(self.operations)
        if len({op.review_id for op in self.operations}) != 1:
            raise ValueError("every operation in a batch must belong to the same review")
        return self


class ResultStatus(StrEnum):
    ACCEPTED = "accepted"
    CONFLICT = "conflict"
    REJECTED = "rejected"
    RETRY = "retry"


class RejectReason(StrEnum):
    """Why the server refused one operation. The rest of the batch is unaffected."""

    OP_ID_REUSED = "op_id_reused"  # same op_id, different content
    NOT_ALLOWED = "not_allowed"  # the reviewer may not do this (lead-only, not on the team)
    LEAD_ONLY = "lead_only"
    UNKNOWN_RECORD = "unknown_record"  # retract of a record the server has never seen
    ALREADY_EXISTS = "already_exists"  # append of an id that holds a different record
    UNKNOWN_PARENT = "unknown_parent"  # parent_op_id not applied
    STALE_RESOLVE = "stale_resolve"  # resolve with an out-of-date base_version
    UNKNOWN_CONFLICT = "unknown_conflict"
    INVALID_PAYLOAD = "invalid_payload"
    REVIEW_LOCKED = "review_locked"  # the review is signed; changes need an amendment
    BAD_SIGNATURE = "bad_signature"  # a signed report that does not verify
    #: A signature made on a version someone else signed first: sync, then sign the newer one.
    STALE_SIGNATURE = "stale_signature"
    OUT_OF_ORDER = "out_of_order"  # a later signature before the server has the earlier ones
    #: The review's attached files would pass the server's total for one review.
    REVIEW_FILES_FULL = "review_files_full"


class RetryReason(StrEnum):
    BLOB_MISSING = "blob_missing"  # upload the blob named in ``message``, then push again


class OpResult(_Message):
    """The server's answer to one operation.

    ``accepted``: applied as ``server_seq`` (and for ``set``/``resolve`` the field's new
    ``version``). ``conflict``: kept as a candidate of conflict ``conflict_id`` (the field's
    value is unchanged). ``rejected``: refused for ``reason``; final. ``retry``: not applied,
    nothing stored; send it again once the cause (``blob_missing``) is fixed.
    """

    op_id: uuid.UUID
    status: ResultStatus
    server_seq: int | None = None
    version: int | None = None
    conflict_id: str | None = None
    reason: str | None = None
    message: str = ""


class PushResponse(_Message):
    review_id: str
    results: list[OpResult]
    #: The review's highest ``server_seq`` after this push.
    last_seq: int


class ChangeKind(StrEnum):
    """What a change-log row records (the op kinds, plus conflict events)."""

    APPEND = "append"
    RETRACT = "retract"
    SET = "set"
    RESOLVE = "resolve"
    SUBMIT = "submit"
    CONFLICT = "conflict"  # a conflict opened or gained a candidate; payload is the record


class Change(_Message):
    """One row of a review's change log, as pulled.

    Apply idempotently: a change with ``server_seq`` at or below the stored cursor is already
    applied. For ``set``/``resolve`` ``version`` is the field's new version.
    """

    server_seq: int
    kind: ChangeKind
    entity: Entity
    entity_id: str
    field: str | None = None
    version: int | None = None
    op_id: uuid.UUID
    author_id: str
    device_id: str
    device_time: datetime
    payload: JsonValue
    conflict_id: str | None = None


class ChangesPage(_Message):
    """``GET /reviews/{review_id}/changes?since=N&limit=M``."""

    review_id: str
    changes: list[Change]
    #: Store this as the cursor once the changes are applied (same local transaction).
    next_cursor: int
    has_more: bool


class ConflictStatus(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"


class ConflictCandidate(_Message):
    """One value that competes for a field: who wrote it, on which device, when (device clock)."""

    op_id: uuid.UUID | None
    value: JsonValue
    author_id: str
    device_id: str | None
    device_time: datetime | None
    #: The version the author's edit was based on.
    base_version: int | None


class ConflictRecord(_Message):
    """Two or more writes to a shared field from the same base: kept, shown, resolved by the lead.

    ``candidates[0]`` is the value the field held when the conflict opened.
    """

    id: str
    review_id: str
    entity: Entity
    entity_id: str
    field: str
    base_version: int
    status: ConflictStatus
    candidates: list[ConflictCandidate]
    resolved_by: str | None = None
    resolution_op_id: uuid.UUID | None = None


class PersonInfo(_Message):
    id: str
    trust_id: str
    name: str
    email: str
    roles: list[str]
    #: The trust's name as its server knows it (the laptop names reports and screens with it);
    #: empty from a server that does not send it.
    trust_name: ShortText = ""


class EnrolRequest(_Message):
    """``POST /enrol``: a one-time code from the trust admin, exchanged for a device token."""

    code: Annotated[SafeText, Field(min_length=8, max_length=64)]
    device_name: Annotated[SafeText, Field(min_length=1, max_length=100)]
    protocol_version: int
    client_schema_version: int
    #: A PEM certificate signing request for the reviewer's signing key (EC P-256), when the
    #: laptop wants the trust to certify it. Name, e-mail and roles come from the trust's records.
    certificate_request_pem: Annotated[SafeText, Field(max_length=8192)] | None = None


class EnrolResponse(_Message):
    """The device token is shown once; keep it in the OS keyring. The server stores a hash.

    ``certificate_pem``/``ca_certificate_pem`` are set when a certificate request was sent and
    the server may issue; otherwise they are ``None`` (sign with a self-issued certificate).
    """

    device_id: str
    device_token: str
    person: PersonInfo
    certificate_pem: str | None = None
    ca_certificate_pem: str | None = None


class TrustPublication(_Message):
    """The trust's root certificate and its current revocation list (PEM), in every handshake.

    Laptops keep both, refreshed at every sync, and embed them when signing so reports verify
    offline. ``crl_pem`` is ``None`` when the trust has published none.
    """

    root_pem: str
    crl_pem: str | None = None


class HandshakeRequest(_Message):
    """``POST /handshake``: the first call of every sync session."""

    protocol_version: int
    client_schema_version: int


class LaptopPolicy(_Message):
    """How the trust wants its laptops to guard what is on screen and on disk.

    Set on the trust server (``reviewer-app-server serve --idle-lock-minutes N``) and published
    in the handshake; a laptop keeps it and applies it from then on.
    """

    #: Minutes without input before the app locks and asks for the store's passphrase.
    idle_lock_minutes: int = Field(default=10, ge=1, le=240)
    #: Days a laptop keeps a review that is synced and signed, counted from its last signature
    #: (the trust's retention schedule, ``laptop copies``); ``None``: keep it.
    keep_signed_days: int | None = Field(default=None, ge=1, le=3650)


class PurgedReview(_Message):
    """A review the trust deleted under its retention schedule (a signed tombstone on the
    server); a laptop holding a copy removes it."""

    review_id: str
    visit_id: str
    #: The rule, in words ("Reviews: 6 years after the end of the academic year of ...").
    reason: Annotated[SafeText, Field(max_length=500)]


class AppRelease(_Message):
    """The desktop app version the trust rolls out, and where to get it.

    Set on the trust server (``reviewer-app-server serve --app-version``) and published in
    ``GET /health`` and the handshake; a laptop with an older version says so quietly.
    """

    version: Annotated[SafeText, Field(min_length=1, max_length=64)]
    download_url: Annotated[SafeText, Field(max_length=2048)] | None = None


class ReviewSummary(_Message):
    """A review this device may read, with its newest ``server_seq``.

    A client pulls only reviews whose ``last_seq`` is above its cursor, so a sync with nothing
    to do costs one round trip.
    """

    review_id: str
    visit_id: str
    school_id: str
    framework_id: str
    last_seq: int
    may_write: bool
    is_lead: bool
    locked: bool
    #: The reader receives the judgement summary only (the school shares the report with the
    #: school only and the reader is off the team). When it turns false (shared with the trust
    #: after all), the laptop drops its summary copy and pulls the review again from the start.
    summary_only: bool = False


class VisitMember(_Message):
    person_id: str
    name: str
    role: str


class VisitInfo(_Message):
    visit_id: str
    school_id: str
    school_name: str
    school_urn: str
    framework_id: str
    planned_start: str
    planned_end: str
    team: list[VisitMember]


class PlannableSchool(_Message):
    """A school this device's person may plan visits for (handshake): a lead reviewer's or
    improvement partner's assigned schools, every school of the trust for a trust admin."""

    school_id: str
    name: str
    urn: str
    #: A DfE phase (``domain.organisation.Phase`` values); the kinds of visit that suit it.
    phase: str
    local_authority: str = ""


class Colleague(_Message):
    """Someone assigned to a school this device may read (handshake)."""

    person_id: str
    name: str
    roles: list[str]
    #: The schools (of those this device may read) the person is assigned to.
    school_ids: list[str]


class MeetingHeld(_Message):
    """The last meeting of one kind held with a school, as the trust console recorded it
    (handshake): what a laptop needs to count a CEO 1:1 or a progress meeting towards the
    school's support cadence (:func:`~reviewer_app.domain.school_category.support_due`). The
    note's text stays on the server."""

    school_id: str
    #: The meeting's name as the school's cadence has it ("CEO 1:1").
    activity: str = Field(max_length=200)
    held_on: date


class SyncLimits(_Message):
    """The limits a trust server enforces (``docs/sync-server.md``, Limits)."""

    #: Operations in one push.
    max_batch: int = MAX_BATCH
    #: Changes in one pull page.
    max_pull_limit: int = MAX_PULL_LIMIT
    #: Canonical JSON bytes of one record (operation payload).
    max_record_bytes: int = MAX_PAYLOAD_BYTES
    #: Bytes of one request body (other than a file chunk).
    max_request_bytes: int = MAX_REQUEST_BYTES
    #: Bytes of one file (a photo, a signed report).
    max_file_bytes: int = MAX_BLOB_BYTES
    #: Bytes of one file upload request (a whole file or one chunk).
    max_file_chunk_bytes: int = MAX_BLOB_CHUNK_BYTES
    #: The largest pull cursor (``since``).
    max_cursor: int = MAX_CURSOR
    #: Bytes of files one laptop may hold on the server that no record uses yet.
    device_quota_bytes: int = DEFAULT_DEVICE_QUOTA_BYTES
    #: Bytes of the files attached to one review, all together.
    max_review_file_bytes: int = DEFAULT_REVIEW_FILE_BYTES
    #: Hours an unfinished upload is kept without a new chunk.
    partial_upload_hours: int = DEFAULT_PARTIAL_UPLOAD_HOURS
    #: Pushes and pulls per minute from one laptop (beyond: 429 with ``Retry-After``).
    pushes_per_minute: int = DEFAULT_PUSHES_PER_MINUTE
    pulls_per_minute: int = DEFAULT_PULLS_PER_MINUTE


class HandshakeResponse(_Message):
    protocol_version: int
    server_time: datetime
    device_id: str
    person: PersonInfo
    visits: list[VisitInfo]
    reviews: list[ReviewSummary]
    #: Schools this device may read that have agreed categories, with their newest ``server_seq``.
    school_categories: list[SchoolCategoryFeed] = []
    #: The app version the trust rolls out, when its server publishes one.
    app_release: AppRelease | None = None
    #: The trust's rules for its laptops' screens (``None``: an older server; defaults apply).
    laptop_policy: LaptopPolicy | None = None
    #: Digest of the trust's framework library as this device receives it ("" when the trust
    #: has none); see :mod:`reviewer_app.sync.library_protocol`.
    framework_library: str = ""
    #: The trust root and current revocation list, when the server has a trust CA.
    trust: TrustPublication | None = None
    #: The people of the schools this device may read, with their trust roles and which of
    #: those schools they are assigned to: what a laptop needs to tell, before a visit is
    #: planned, whether the trust will accept it (:mod:`reviewer_app.server.visit_sync`).
    colleagues: list[Colleague] = []
    #: The schools this device's person may plan visits for, so the first visit to one can be
    #: planned on the laptop (laptops keep a school once received; unassignment removes nothing).
    schools: list[PlannableSchool] = []
    #: The last meeting of each kind held with each school this device's person may see (the
    #: console's Cadence board counts them); ``None`` from a server that does not send them, so
    #: the laptop can tell "no meeting recorded" from "not told".
    meetings: list[MeetingHeld] | None = None
    #: The frameworks the trust plans visits with (ids): a visit on another is refused.
    trust_frameworks: list[str] = []
    #: What this server accepts (sizes and counts), so a laptop can tell the reviewer before
    #: they hit a limit.
    limits: SyncLimits = SyncLimits()
    #: This laptop's next device token (tokens rotate at every sync): the laptop keeps it and
    #: uses it from then on; the one it came with works until it does.
    device_token: str | None = None
    #: Reviews of the trust deleted under its retention schedule: laptops remove their copies.
    purged: list[PurgedReview] = []


class CreateReviewRequest(_Message):
    """``PUT /reviews/{review_id}``: a team member starts the review of a visit (idempotent)."""

    visit_id: RecordId
    framework_id: RecordId
    framework_version: ShortText
    framework_hash: ShortText


class BlobStatus(_Message):
    """Answer to a blob upload: how many bytes the server holds and whether it is complete."""

    sha256: str
    size: int
    received: int
    complete: bool


class SetAsideRecord(_Message):
    """A pulled change a laptop could not apply and set aside, and why."""

    server_seq: int = Field(ge=1, le=MAX_CURSOR)
    reason: Annotated[SafeText, Field(max_length=500)]


class SetAsideReport(_Message):
    """``POST /reviews/{review_id}/set-aside``: what this laptop set aside of a review, so the
    trust hears of a faulty laptop's records (answered 204; safe to repeat)."""

    protocol_version: int
    records: Annotated[list[SetAsideRecord], Field(min_length=1, max_length=MAX_BATCH)]


class ErrorBody(_Message):
    """Every 4xx/5xx body: a machine code and a sentence a reviewer can act on."""

    error: str
    message: str
    detail: list[dict[str, JsonValue]] | None = None


ErrorCode: TypeAlias = Literal[
    "invalid_request",
    "too_large",
    "unauthenticated",
    "device_revoked",
    "forbidden",
    "not_found",
    "upgrade_required",
    "conflict",
    "bad_blob",
    "offset_mismatch",
    "code_invalid",
    "server_error",
    "quota_exceeded",
    "rate_limited",
    "token_expired",
]


# ---------------------------------------------------------------- school categories
#
# A school's agreed category belongs to a school, not a review, so it travels by its own pair of
# endpoints: ``POST /school-categories/push`` (a batch of :class:`CategoryOperation`, answered
# one :class:`OpResult` each, exactly once by ``op_id``) and
# ``GET /schools/{school_id}/categories?since=N&limit=M`` (a :class:`SchoolCategoryPage`). The
# server numbers each school's categories (``server_seq``); the handshake names each readable
# school's newest number, so a device pulls only the schools it is behind on. Categories are
# append-only history: there is nothing to conflict over.

#: Longest rationale or suggestion text of a category.
MAX_CATEGORY_TEXT = 20_000
#: At most this many outcomes behind one category's suggestion.
MAX_CATEGORY_BASIS = 500

Label: TypeAlias = Annotated[SafeText, Field(max_length=500)]
Key: TypeAlias = Annotated[SafeText, Field(min_length=1, max_length=200)]
LongText: TypeAlias = Annotated[SafeText, Field(max_length=MAX_CATEGORY_TEXT)]


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.utcoffset() is None else value.astimezone(UTC)


class CategoryOutcome(_Message):
    """A criterion's agreed level in a review, as a suggestion rested on it."""

    criterion_id: Key
    level_key: Key
    framework_id: ShortText = ""
    label: Label = ""
    level_label: Label = ""


class CategoryBasis(_Message):
    """One outcome behind the suggestion, with the review and visit date it came from."""

    outcome: CategoryOutcome
    review_id: Annotated[SafeText, Field(max_length=128)] = ""
    visit_date: date | None = None


class SchoolCategoryRecord(_Message):
    """An agreed category, field for field the laptop's ``SchoolCategory`` (append-only)."""

    id: RecordId
    school_id: RecordId
    scheme_id: RecordId
    scheme_version: ShortText
    level_key: Key
    level_label: Label
    agreed_on: date
    agreed_by: RecordId
    rationale: Annotated[SafeText, Field(min_length=1, max_length=MAX_CATEGORY_TEXT)]
    recorded_at: datetime
    suggested_level_key: Key | None = None
    suggestion: LongText = ""
    based_on: Annotated[list[CategoryBasis], Field(max_length=MAX_CATEGORY_BASIS)] = []

    @field_validator("recorded_at")
    @classmethod
    def _recorded_in_utc(cls, value: datetime) -> datetime:
        return _utc(value)

    @field_validator("rationale")
    @classmethod
    def _rationale_said(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must say why the school is in this category")
        return value


class _SchoolOperation(_Message):
    """A record of a school's (an agreed category, a visit) on its way to the server, outside
    any review; ``op_id`` makes it exactly-once."""

    op_id: uuid.UUID
    device_seq: int = Field(ge=1, le=2**62)
    device_time: datetime

    @field_validator("device_time")
    @classmethod
    def _in_utc(cls, value: datetime) -> datetime:
        return _utc(value)

    def digest(self) -> str:
        """SHA-256 of the operation's canonical JSON (same op_id, same digest: a replay)."""
        return sha256_hex(canonical_json(self.model_dump(mode="json")))


class CategoryOperation(_SchoolOperation):
    """One agreed category on its way to the server."""

    category: SchoolCategoryRecord


class CategoryPushRequest(_Message):
    """``POST /school-categories/push``: up to :data:`MAX_BATCH` categories in device order.

    A batch may name several schools; each operation is judged on its own.
    """

    protocol_version: int
    operations: Annotated[list[CategoryOperation], Field(min_length=1, max_length=MAX_BATCH)]

    @model_validator(mode="after")
    def _ordered(self) -> CategoryPushRequest:
        _check_batch(self.operations)
        return self


class CategoryPushResponse(_Message):
    """One result per operation, in the request's order (``server_seq`` is the school's)."""

    results: list[OpResult]


class SchoolCategoryChange(_Message):
    """One category in a school's feed, with who sent it (and their name, for laptops that
    have never met them)."""

    server_seq: int
    op_id: uuid.UUID
    author_id: str
    author_name: str
    device_id: str
    category: SchoolCategoryRecord


class SchoolCategoryPage(_Message):
    """``GET /schools/{school_id}/categories?since=N&limit=M``: store ``next_cursor`` with the
    categories, in one local transaction."""

    school_id: str
    changes: list[SchoolCategoryChange]
    next_cursor: int
    has_more: bool


class SchoolCategoryFeed(_Message):
    """A school this device may read, with its newest category ``server_seq`` (handshake)."""

    school_id: str
    school_name: str
    school_urn: str
    last_seq: int


# ---------------------------------------------------------------- visits
#
# A visit planned (or changed) on a laptop belongs to a school, not a review, so it travels by
# its own endpoint: ``POST /visits/push`` (a batch of :class:`VisitOperation`, answered one
# :class:`OpResult` each, exactly once by ``op_id``). The server accepts a visit when its sender
# may plan visits for the school (a lead reviewer or improvement partner assigned to it, or a
# trust admin) and refuses it with a reason otherwise; team members' laptops receive accepted
# visits in the handshake (``HandshakeResponse.visits``), like visits planned on the console.

#: The roles a person may hold on a visit's team (``domain.visits.VISIT_ROLES``).
VisitRole: TypeAlias = Literal[
    "lead_reviewer", "peer_reviewer", "improvement_partner", "safeguarding_lead"
]
#: At most this many people on one visit's team.
MAX_VISIT_TEAM = 50


class VisitTeamMember(_Message):
    person_id: RecordId
    role: VisitRole


class VisitRecord(_Message):
    """A visit as planned: school, framework, planned dates, the team and its lead."""

    id: RecordId
    school_id: RecordId
    framework_id: RecordId
    planned_start: date
    planned_end: date
    team: Annotated[list[VisitTeamMember], Field(min_length=1, max_length=MAX_VISIT_TEAM)]

    @model_validator(mode="after")
    def _coherent(self) -> VisitRecord:
        if self.planned_end < self.planned_start:
            raise ValueError("the visit ends before it starts")
        people = [m.person_id for m in self.team]
        if len(set(people)) != len(people):
            raise ValueError("the same person is on the team twice")
        if sum(m.role == "lead_reviewer" for m in self.team) > 1:
            raise ValueError("a visit has at most one lead reviewer")
        return self


class VisitOperation(_SchoolOperation):
    """One new or changed visit on its way to the server."""

    visit: VisitRecord


class VisitPushRequest(_Message):
    """``POST /visits/push``: up to :data:`MAX_BATCH` visits in device order."""

    protocol_version: int
    operations: Annotated[list[VisitOperation], Field(min_length=1, max_length=MAX_BATCH)]

    @model_validator(mode="after")
    def _ordered(self) -> VisitPushRequest:
        _check_batch(self.operations)
        return self


class VisitPushResponse(_Message):
    """One result per operation, in the request's order."""

    results: list[OpResult]


HandshakeResponse.model_rebuild()
