"""What reviewers capture during a visit, shaped so several laptops can merge without loss.

The record kinds follow the sync design (shared/reference/sync-and-signing.md, A8):

* **append-only** records (:class:`EvidenceNote`, :class:`Attachment`, :class:`Judgement`
  proposals, :class:`ActionFollowUp`): never edited; a correction is a new record that
  ``supersedes`` the old one, a deletion is a record with ``retracted=True``;
* **single-owner** values: the *agreed* judgement per criterion (``Judgement.agreed``), set only by
  the visit's lead reviewer;
* **shared mutable** values (:class:`FieldValue`): free text and structured answers co-written by
  the team, carrying a ``version`` so that a stale write is a conflict, never a silent overwrite.

Every record names its author. Times are the device's clock, for display and audit only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import TypeAlias

JSONValue: TypeAlias = str | int | float | bool | list["JSONValue"] | dict[str, "JSONValue"] | None


class ReviewState(StrEnum):
    """Lifecycle: draft, ready for sign-off, signed; a signed review changes only by amendment."""

    DRAFT = "draft"
    READY_FOR_SIGN_OFF = "ready_for_sign_off"
    SIGNED = "signed"
    SUPERSEDED = "superseded"  # a signed review that an amendment has replaced (kept intact)

    @property
    def label(self) -> str:
        return {
            ReviewState.DRAFT: "Draft",
            ReviewState.READY_FOR_SIGN_OFF: "Ready for sign-off",
            ReviewState.SIGNED: "Signed",
            ReviewState.SUPERSEDED: "Signed (amended since)",
        }[self]

    @property
    def is_locked(self) -> bool:
        return self in (ReviewState.SIGNED, ReviewState.SUPERSEDED)


@dataclass(frozen=True, slots=True)
class Review:
    """The record of one visit against one framework, frozen to the framework it began with.

    ``framework_hash`` is the content hash of the framework snapshot kept with the review, so a
    review renders the same after ``frameworks/`` changes. ``amends`` points at the signed review
    that this one amends (the signed one stays intact and visible).
    """

    id: str
    visit_id: str
    framework_id: str
    framework_version: str
    framework_hash: str
    state: ReviewState = ReviewState.DRAFT
    created_at: datetime | None = None
    amends: str | None = None
    amendment_reason: str = ""


@dataclass(frozen=True, slots=True)
class Judgement:
    """A rating of one criterion on the framework's scale, by one reviewer.

    ``agreed=False``: the author's own proposal (several per criterion are expected).
    ``agreed=True``: the team's agreed judgement, which only the lead reviewer sets.
    The newest record per (criterion, author, agreed) is the current one.
    ``level_key`` is ``None`` when a judgement is withdrawn.
    """

    id: str
    review_id: str
    criterion_id: str
    author_id: str
    level_key: str | None
    created_at: datetime
    rationale: str = ""
    agreed: bool = False
    #: The day of the school's signed review this agreed judgement was carried forward from
    #: (to be confirmed by the lead); None for a judgement made or confirmed in this review.
    carried_forward_from: date | None = None


@dataclass(frozen=True, slots=True)
class FieldValue:
    """A shared, mutable answer: free text (strengths, even better if...) or structured data.

    ``field_id`` is the framework's id for the field (for per-criterion fields,
    ``"<criterion_id>.<field>"``). ``version`` is the version this value was written over plus one;
    the server uses it to detect a stale write.
    """

    review_id: str
    field_id: str
    value: JSONValue
    version: int
    author_id: str
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class EvidenceNote:
    """A timestamped observation. Append-only: corrections supersede, deletions retract.

    ``tags`` maps a tag kind from the framework's evidence settings (year group, subject, room,
    pupil group) to a value. ``pupil_refs`` are pseudonymous references, never names.
    """

    id: str
    review_id: str
    author_id: str
    text: str
    captured_at: datetime
    criterion_ids: tuple[str, ...] = ()
    tags: Mapping[str, str] = field(default_factory=dict)
    attachment_ids: tuple[str, ...] = ()
    pupil_refs: tuple[str, ...] = ()
    supersedes: str | None = None
    retracted: bool = False


@dataclass(frozen=True, slots=True)
class Attachment:
    """A photo or file, stored encrypted in the store's blob area under its SHA-256."""

    id: str
    review_id: str
    sha256: str
    filename: str
    media_type: str
    size: int
    author_id: str
    added_at: datetime
    retracted: bool = False


class Priority(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @property
    def label(self) -> str:
        return self.value.capitalize()


@dataclass(frozen=True, slots=True)
class Action:
    """A next step agreed at a visit, followed up at the school's later visits."""

    id: str
    review_id: str
    school_id: str
    text: str
    owner: str
    due: date | None
    priority: Priority
    created_by: str
    created_at: datetime
    criterion_id: str | None = None
    retracted: bool = False


class FollowUpOutcome(StrEnum):
    MET = "met"
    PARTLY_MET = "partly_met"
    NOT_MET = "not_met"

    @property
    def label(self) -> str:
        return {"met": "Met", "partly_met": "Partly met", "not_met": "Not met"}[self.value]


@dataclass(frozen=True, slots=True)
class ActionFollowUp:
    """How an earlier visit's action stood when checked at a later visit (``review_id``)."""

    id: str
    action_id: str
    review_id: str
    outcome: FollowUpOutcome
    evidence: str
    author_id: str
    recorded_at: datetime


def current_notes(notes: Iterable[EvidenceNote]) -> list[EvidenceNote]:
    """The notes a reader should see: superseded and retracted ones removed, oldest first."""
    all_notes = list(notes)
    superseded = {n.supersedes for n in all_notes if n.supersedes}
    retracted = {n.supersedes for n in all_notes if n.retracted and n.supersedes}
    visible = [
        n for n in all_notes if n.id not in superseded and not n.retracted and n.id not in retracted
    ]
    return sorted(visible, key=lambda n: (n.captured_at, n.id))


def current_judgements(
    judgements: Iterable[Judgement],
) -> dict[tuple[str, str, bool], Judgement]:
    """The newest judgement per (criterion, author, agreed)."""
    newest: dict[tuple[str, str, bool], Judgement] = {}
    for j in sorted(judgements, key=lambda j: (j.created_at, j.id)):
        newest[(j.criterion_id, j.author_id, j.agreed)] = j
    return newest


def agreed_judgement(judgements: Iterable[Judgement], criterion_id: str) -> Judgement | None:
    """The team's agreed judgement for a criterion, if the lead has set one."""
    agreed = [j for j in judgements if j.criterion_id == criterion_id and j.agreed]
    if not agreed:
        return None
    newest = max(agreed, key=lambda j: (j.created_at, j.id))
    return newest if newest.level_key is not None else None
