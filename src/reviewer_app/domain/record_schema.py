"""The one schema of every record kind that travels, shared by the laptop and the trust server.

A record's payload is its domain dataclass as JSON (:func:`~reviewer_app.domain.canonical.
to_json_value`). The models here say what such a payload must hold: required fields, types,
sizes and the shape of ids. The trust server checks every pushed operation against them before
it stores anything (``server.operations``), and the laptop reads pulled records back into domain
objects through them (``services.sync_records``), so both sides mean the same thing by "a
judgement" or "a note".

Beyond the shape, :func:`framework_problem` checks a record against the framework the review is
frozen to (criteria that belong to it, levels of the criterion's scale, fields it defines): the
"per framework version" half of the schema, since a review keeps the framework text it began
with.

:func:`check_payload` is the entry point: the model for an operation's kind and entity, or a
:class:`RecordError` whose message is one sentence naming the field at fault.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, TypeVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    JsonValue,
    StrictBool,
    StrictInt,
    StringConstraints,
    ValidationError,
)

from reviewer_app.domain.frameworks.framework import Framework
from reviewer_app.domain.record_kinds import REVIEW_STATE_FIELD, Entity, OpKind
from reviewer_app.domain.review import (
    Action,
    ActionFollowUp,
    Attachment,
    EvidenceNote,
    FollowUpOutcome,
    Judgement,
    Priority,
    ReviewState,
)

#: The longest free text of one record (a note, a rationale, a follow-up's evidence).
MAX_RECORD_TEXT = 100_000
#: The longest short text (a filename, a tag, an owner's name).
MAX_SHORT_TEXT = 500
#: At most this many criteria, tags, attachments or pupil references on one record.
MAX_RECORD_ITEMS = 200
#: The longest framework copy a review may be frozen to (in characters).
MAX_SNAPSHOT_CHARS = 1024 * 1024
#: The largest file an attachment may name (as the wire's blob limit).
MAX_ATTACHMENT_BYTES = 256 * 1024 * 1024

_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$"


def _no_control_characters(value: Any) -> Any:
    if isinstance(value, str) and any(ord(c) < 32 and c not in "\t\n\r" for c in value):
        raise ValueError("must not contain control characters")
    return value


def _iso_time(value: Any) -> Any:
    """A time as the laptop writes it: ISO 8601 text (no numbers, which pydantic would take)."""
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str):
        raise ValueError("must be a time in ISO 8601 text")
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise ValueError("must be a time in ISO 8601 text") from None


def _iso_date(value: Any) -> Any:
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise ValueError("must be a date in ISO 8601 text (YYYY-MM-DD)")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError("must be a date in ISO 8601 text (YYYY-MM-DD)") from None


RecordId = Annotated[str, StringConstraints(pattern=_ID_PATTERN)]
#: A framework's criterion or level key, a tag kind.
Key = Annotated[
    str,
    StringConstraints(min_length=1, max_length=200),
    BeforeValidator(_no_control_characters),
]
ShortText = Annotated[
    str, StringConstraints(max_length=MAX_SHORT_TEXT), BeforeValidator(_no_control_characters)
]
LongText = Annotated[
    str, StringConstraints(max_length=MAX_RECORD_TEXT), BeforeValidator(_no_control_characters)
]
Sha256 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
Time = Annotated[datetime, BeforeValidator(_iso_time)]
Day = Annotated[date, BeforeValidator(_iso_date)]


class RecordError(ValueError):
    """A payload that is not a record of its kind; ``message`` is one sentence for a person."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class _Record(BaseModel):
    """Base of every record schema: unknown fields are refused, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=False)


class EvidenceNoteRecord(_Record):
    """:class:`~reviewer_app.domain.review.EvidenceNote`; a withdrawal is a note with
    ``retracted`` true that ``supersedes`` the withdrawn one."""

    id: RecordId
    review_id: RecordId
    author_id: RecordId
    text: LongText
    captured_at: Time
    criterion_ids: list[Key] = Field(default_factory=list, max_length=MAX_RECORD_ITEMS)
    tags: dict[Key, ShortText] = Field(default_factory=dict, max_length=MAX_RECORD_ITEMS)
    attachment_ids: list[RecordId] = Field(default_factory=list, max_length=MAX_RECORD_ITEMS)
    pupil_refs: list[ShortText] = Field(default_factory=list, max_length=MAX_RECORD_ITEMS)
    supersedes: RecordId | None = None
    retracted: StrictBool = False

    def to_domain(self) -> EvidenceNote:
        return EvidenceNote(
            id=self.id,
            review_id=self.review_id,
            author_id=self.author_id,
            text=self.text,
            captured_at=self.captured_at,
            criterion_ids=tuple(self.criterion_ids),
            tags=dict(self.tags),
            attachment_ids=tuple(self.attachment_ids),
            pupil_refs=tuple(self.pupil_refs),
            supersedes=self.supersedes,
            retracted=self.retracted,
        )


class AttachmentRecord(_Record):
    """:class:`~reviewer_app.domain.review.Attachment`: a file named by its SHA-256."""

    id: RecordId
    review_id: RecordId
    sha256: Sha256
    filename: Annotated[ShortText, StringConstraints(min_length=1)]
    media_type: Annotated[ShortText, StringConstraints(min_length=1)]
    size: StrictInt = Field(ge=0, le=MAX_ATTACHMENT_BYTES)
    author_id: RecordId
    added_at: Time
    retracted: StrictBool = False

    def to_domain(self) -> Attachment:
        return Attachment(**dict(self))


class JudgementRecord(_Record):
    """:class:`~reviewer_app.domain.review.Judgement` (``level_key`` None: withdrawn)."""

    id: RecordId
    review_id: RecordId
    criterion_id: Key
    author_id: RecordId
    level_key: Key | None
    created_at: Time
    rationale: LongText = ""
    agreed: StrictBool = False
    #: The day of the signed review an agreed answer was carried forward from (to confirm).
    carried_forward_from: Day | None = None

    def to_domain(self) -> Judgement:
        return Judgement(**dict(self))


class ActionRecord(_Record):
    """:class:`~reviewer_app.domain.review.Action`."""

    id: RecordId
    review_id: RecordId
    school_id: RecordId
    text: LongText
    owner: ShortText
    due: Day | None
    priority: Priority
    created_by: RecordId
    created_at: Time
    criterion_id: Key | None = None
    retracted: StrictBool = False

    def to_domain(self) -> Action:
        return Action(**dict(self))


class ActionFollowUpRecord(_Record):
    """:class:`~reviewer_app.domain.review.ActionFollowUp`: how an earlier action stood."""

    id: RecordId
    action_id: RecordId
    review_id: RecordId
    outcome: FollowUpOutcome
    evidence: LongText
    author_id: RecordId
    recorded_at: Time

    def to_domain(self) -> ActionFollowUp:
        return ActionFollowUp(**dict(self))


class ReviewRecord(_Record):
    """:class:`~reviewer_app.domain.review.Review` as its own record carries it."""

    id: RecordId
    visit_id: RecordId
    framework_id: Key
    framework_version: ShortText
    framework_hash: ShortText
    state: ReviewState = ReviewState.DRAFT
    created_at: Time | None = None
    amends: RecordId | None = None
    amendment_reason: LongText = ""


class ReviewStart(_Record):
    """The review's own record: the review and the framework text it is frozen to."""

    review: ReviewRecord
    framework_snapshot: Annotated[
        str,
        StringConstraints(max_length=MAX_SNAPSHOT_CHARS),
        BeforeValidator(_no_control_characters),
    ]


class Withdrawal(_Record):
    """A ``retract`` of a record named by its id (attachments, actions, judgements)."""

    id: RecordId


class FieldWrite(_Record):
    """A ``set`` of a shared field: the new value and who wrote it over which version."""

    value: JsonValue
    version: StrictInt | None = Field(default=None, ge=0, le=2**62)
    author_id: RecordId | None = None
    updated_at: Time | None = None


class StateChange(_Record):
    """A ``set``/``submit`` of the review's state."""

    state: ReviewState


class Resolution(_Record):
    """The lead's ``resolve`` of a conflict: the value the field takes."""

    conflict_id: RecordId
    value: JsonValue


class SignedReportRecord(_Record):
    """A signed PDF report, uploaded as a blob and named by its SHA-256."""

    sha256: Sha256
    id: RecordId | None = None
    review_id: RecordId | None = None
    size: StrictInt | None = Field(default=None, ge=0, le=MAX_ATTACHMENT_BYTES)
    audience: Key | None = None
    author_id: RecordId | None = None
    signed_at: Time | None = None
    #: What the PDF says about itself (the server checks each against the PDF on arrival).
    report_id: ShortText | None = None
    data_hash: ShortText | None = None
    signer_count: StrictInt | None = Field(default=None, ge=1, le=100)
    required_count: StrictInt | None = Field(default=None, ge=1, le=100)
    signer_name: ShortText | None = None


R = TypeVar("R", bound=_Record)

#: The schema of each (operation kind, record kind) a laptop may push.
SCHEMAS: dict[tuple[OpKind, Entity], type[_Record]] = {
    (OpKind.APPEND, Entity.REVIEW): ReviewStart,
    (OpKind.APPEND, Entity.EVIDENCE_NOTE): EvidenceNoteRecord,
    (OpKind.APPEND, Entity.ATTACHMENT): AttachmentRecord,
    (OpKind.APPEND, Entity.JUDGEMENT): JudgementRecord,
    (OpKind.APPEND, Entity.ACTION): ActionRecord,
    (OpKind.APPEND, Entity.ACTION_FOLLOW_UP): ActionFollowUpRecord,
    (OpKind.APPEND, Entity.SIGNED_REPORT): SignedReportRecord,
    (OpKind.RETRACT, Entity.EVIDENCE_NOTE): EvidenceNoteRecord,
    (OpKind.RETRACT, Entity.ATTACHMENT): Withdrawal,
    (OpKind.RETRACT, Entity.JUDGEMENT): Withdrawal,
    (OpKind.RETRACT, Entity.ACTION): Withdrawal,
    (OpKind.RETRACT, Entity.ACTION_FOLLOW_UP): Withdrawal,
    (OpKind.SET, Entity.FIELD_VALUE): FieldWrite,
    (OpKind.SET, Entity.REVIEW): StateChange,
    (OpKind.RESOLVE, Entity.FIELD_VALUE): Resolution,
    (OpKind.SUBMIT, Entity.REVIEW): StateChange,
}

#: How a person calls each record kind, for messages.
LABELS: dict[Entity, str] = {
    Entity.REVIEW: "review",
    Entity.EVIDENCE_NOTE: "evidence note",
    Entity.ATTACHMENT: "attachment",
    Entity.JUDGEMENT: "judgement",
    Entity.ACTION: "action",
    Entity.ACTION_FOLLOW_UP: "action follow-up",
    Entity.SIGNED_REPORT: "signed report",
    Entity.FIELD_VALUE: "answer",
    Entity.SCHOOL_CATEGORY: "school category",
}


def _describe(error: ValidationError) -> str:
    first = error.errors(include_url=False, include_context=False, include_input=False)[0]
    where = ".".join(str(part) for part in first["loc"]) or "payload"
    message = str(first["msg"])
    message = message.removeprefix("Value error, ")
    return f"{where}: {message}"


def parse_record(model: type[R], payload: Any, label: str) -> R:
    """``payload`` read as ``model``, or :class:`RecordError` naming the field at fault."""
    if not isinstance(payload, dict):
        raise RecordError(f"The {label} is not a JSON object.")
    try:
        return model.model_validate(payload)
    except ValidationError as exc:
        raise RecordError(f"The {label} is not valid ({_describe(exc)}).") from None
    except (ValueError, TypeError, OverflowError) as exc:  # a value pydantic could not read
        raise RecordError(f"The {label} is not valid ({exc}).") from None


def check_payload(
    kind: OpKind, entity: Entity, entity_id: str, review_id: str, payload: Any
) -> _Record:
    """The pushed operation's payload as its schema, checked against the operation itself.

    Refuses with :class:`RecordError` a payload of the wrong shape, one whose ``id`` is not the
    operation's record id, or one that names another review.
    """
    model = SCHEMAS.get((kind, entity))
    # A note is withdrawn by a tombstone note, or (older laptops) named by its id.
    if (
        model is EvidenceNoteRecord
        and kind is OpKind.RETRACT
        and (not isinstance(payload, dict) or "supersedes" not in payload)
    ):
        model = Withdrawal
    label = LABELS.get(entity, str(entity))
    if model is None:
        raise RecordError(f"A '{kind}' of a {label} is not something a laptop may send.")
    record = parse_record(model, payload, label)
    own_id = getattr(record, "id", None)
    if isinstance(record, ReviewStart):
        own_id = record.review.id
    if own_id is not None and own_id != entity_id and kind is not OpKind.RETRACT:
        raise RecordError(f"The {label}'s id is not the record id of its operation.")
    if isinstance(record, Withdrawal) and record.id != entity_id:
        raise RecordError(f"The withdrawal names {record.id}, not the {label} {entity_id}.")
    if (
        isinstance(record, EvidenceNoteRecord)
        and kind is OpKind.RETRACT
        and (not record.retracted or record.supersedes is None)
    ):
        raise RecordError(
            "A withdrawal of a note must be a note marked retracted that supersedes it."
        )
    if isinstance(record, EvidenceNoteRecord) and kind is OpKind.APPEND and record.retracted:
        raise RecordError("A new evidence note cannot arrive already withdrawn.")
    other = getattr(record, "review_id", None)
    if other is not None and other != review_id:
        raise RecordError(f"The {label} names review {other}, not the review it was sent to.")
    if isinstance(record, StateChange) and kind is OpKind.SET and entity is not Entity.REVIEW:
        raise RecordError(f"Only the review's {REVIEW_STATE_FIELD} is set this way.")
    return record


def framework_problem(
    record: _Record, framework: Framework, field: str | None = None
) -> str | None:
    """Why ``record`` does not fit the framework its review is frozen to, or None.

    Criteria must be the framework's; a judgement's level must be on its criterion's scale; a
    field written must be one the framework defines.
    """
    criteria = {c.id: c for c in framework.criteria()}
    named: list[str] = []
    if isinstance(record, EvidenceNoteRecord):
        named = list(record.criterion_ids)
    elif isinstance(record, JudgementRecord | ActionRecord) and record.criterion_id is not None:
        named = [record.criterion_id]
    for criterion_id in named:
        if criterion_id not in criteria:
            return (
                f"Criterion '{criterion_id}' is not part of the framework "
                f"{framework.reference} this review uses."
            )
    if isinstance(record, JudgementRecord) and record.level_key is not None:
        criterion = criteria[record.criterion_id]
        try:
            scale = framework.scale_for(criterion)
        except KeyError:
            scale = None
        if scale is None:
            return f"Criterion '{record.criterion_id}' is not rated, so it takes no judgement."
        if record.level_key not in {level.key for level in scale.levels}:
            return (
                f"Level '{record.level_key}' is not on the scale of criterion "
                f"'{record.criterion_id}'."
            )
    if (
        isinstance(record, FieldWrite | Resolution)
        and field is not None
        and field not in {stored for stored, _spec in framework.all_fields()}
    ):
        return f"The framework {framework.reference} has no field '{field}'."
    return None


def framework_of_snapshot(snapshot_text: str) -> Framework | None:
    """The framework a review's snapshot text holds, or None when it cannot be read."""
    import json

    try:
        data = json.loads(snapshot_text)
        if not isinstance(data, dict):
            return None
        return Framework.from_snapshot(data)
    except Exception:  # any unreadable copy is the same answer: no framework to check against
        return None


__all__ = [
    "SCHEMAS",
    "ActionFollowUpRecord",
    "ActionRecord",
    "AttachmentRecord",
    "EvidenceNoteRecord",
    "FieldWrite",
    "JudgementRecord",
    "RecordError",
    "Resolution",
    "ReviewRecord",
    "ReviewStart",
    "SignedReportRecord",
    "StateChange",
    "Withdrawal",
    "check_payload",
    "framework_of_snapshot",
    "framework_problem",
    "parse_record",
]
