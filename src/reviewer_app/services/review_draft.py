"""The review being edited, without Qt: what the editor holds between the store and its widgets.

:class:`ReviewDraft` holds the records of the open review (each under the id the store keeps it
by), the person's changes before the store has them, what a pull brings, and what the editor
draws from them: the levels shown and who proposed what (:func:`levels_shown`), progress, the
lock and the banner's reason (:func:`lock_banner`). Undo is ``services.edit_history``.

:class:`SharedFields` keeps, for every shared answer, the value last written or read
(``committed``), the version the next write is based on, the writes still on their way and
the conflicts waiting for the person. It decides what a write's answer and a pulled value mean:

- a write is based on the version the editor last saw; the store refuses it when the field
  moved on since (``ReviewRecords.write_field``). Moved on by this person (their own write
  renumbered by a sync), it is written again on the new version; by someone else, it is a
  conflict, and nothing more is written until the person keeps theirs or uses the other.
- a value pulled from the trust server is shown at once, unless the person is typing in that
  field (or a write of theirs is on its way): then it is a conflict, never a silent swap.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import Enum
from typing import TYPE_CHECKING, Any

from reviewer_app.domain.carry_forward import carried_note, is_carried_forward
from reviewer_app.domain.ids import new_id
from reviewer_app.domain.review import (
    Action,
    ActionFollowUp,
    Attachment,
    EvidenceNote,
    FieldValue,
    FollowUpOutcome,
    Judgement,
    Review,
    ReviewState,
    agreed_judgement,
    current_judgements,
)
from reviewer_app.domain.review_progress import ReviewProgress, is_answered
from reviewer_app.domain.review_rules import may_withdraw, withdraw_refusal
from reviewer_app.services.review_records import FieldWrite

if TYPE_CHECKING:
    from reviewer_app.services.review_session import ReviewContext


@dataclass(frozen=True, slots=True)
class PendingWrite:
    """A write of ``value`` to ``field_id`` based on ``expected_version``."""

    field_id: str
    value: Any
    expected_version: int
    #: The value the editor showed at ``expected_version`` (what the person changed).
    based_on: Any

    @property
    def stored(self) -> Any:
        """The value as stored: an unanswered field is stored as None (False and 0 count)."""
        value = self.value
        return value if is_answered(value) or value in (False, 0) else None


class Arrival(Enum):
    """What a value read from the store (after a pull) means for the open editor."""

    UNCHANGED = "unchanged"  # the editor shows it already
    SHOW = "show"  # show it in place
    CONFLICT = "conflict"  # the person was typing there: show both
    IGNORED = "ignored"  # a conflict is open: the box shows the newest


def same_value(a: Any, b: Any) -> bool:
    """Equal as answers (unanswered is unanswered, whatever its form)."""
    if not is_answered(a) and a not in (False, 0) and not is_answered(b) and b not in (False, 0):
        return True
    return bool(a == b)


class SharedFields:
    """The shared answers of one open review, as the editor holds them."""

    def __init__(self, me: str, fields: Mapping[str, FieldValue]) -> None:
        self.me = me
        self.committed: dict[str, Any] = {k: v.value for k, v in fields.items()}
        self._base: dict[str, int] = {k: v.version for k, v in fields.items()}
        self._in_flight: Counter[str] = Counter()
        #: Open conflicts: the colleague's newer value, by field.
        self.conflicts: dict[str, FieldValue] = {}

    def base_version(self, field_id: str) -> int:
        return self._base.get(field_id, 0)

    def in_flight(self, field_id: str) -> bool:
        return self._in_flight[field_id] > 0

    def begin_write(self, field_id: str, value: Any) -> PendingWrite:
        """The person's value is to be written: on the version the editor last saw."""
        expected = self._base.get(field_id, 0)
        pending = PendingWrite(field_id, value, expected, self.committed.get(field_id))
        self.committed[field_id] = value
        self._base[field_id] = expected + 1  # the store's next version once this lands
        self._in_flight[field_id] += 1
        return pending

    def written(
        self, pending: PendingWrite, result: FieldWrite
    ) -> PendingWrite | FieldValue | None:
        """A write's answer: None when saved; a write to make again (the field was only
        renumbered, or changed by this person); or the colleague's newer value (a conflict)."""
        field_id = pending.field_id
        self._in_flight[field_id] -= 1
        if result.written is not None:
            return None
        newer = result.newer
        if newer is None:  # the field is gone (cannot happen for a shared answer): write anew
            self._base[field_id] = 0
            return self.begin_write(field_id, pending.value)
        if field_id in self.conflicts or not self._is_own(newer, pending.based_on):
            self.conflicts[field_id] = newer
            return newer
        # This person's own text, renumbered by a sync: write it again on the new version,
        # unless a later write of the field is on its way (it is written again in turn).
        self._base[field_id] = newer.version
        if self.in_flight(field_id):
            return None
        self._base[field_id] = newer.version + 1
        self._in_flight[field_id] += 1
        return PendingWrite(field_id, pending.value, newer.version, newer.value)

    def _is_own(self, newer: FieldValue, based_on: Any) -> bool:
        return newer.author_id == self.me or same_value(newer.value, based_on)

    def arrived(self, stored: FieldValue, *, typing: bool) -> Arrival:
        """A value read from the store after a pull. ``typing``: the person has typed in that
        field and it is not written yet."""
        field_id = stored.field_id
        if field_id in self.conflicts:
            if stored.author_id != self.me:
                self.conflicts[field_id] = stored
            return Arrival.IGNORED
        busy = typing or self.in_flight(field_id)
        if same_value(stored.value, self.committed.get(field_id)):
            if not busy:
                self._base[field_id] = stored.version
            return Arrival.UNCHANGED
        if busy:
            if stored.author_id == self.me:
                return Arrival.IGNORED
            self.conflicts[field_id] = stored
            return Arrival.CONFLICT
        self.committed[field_id] = stored.value
        self._base[field_id] = stored.version
        return Arrival.SHOW

    def keep_mine(self, field_id: str, value: Any) -> PendingWrite:
        """The person keeps their value: written as the successor of the colleague's."""
        newer = self.conflicts.pop(field_id)
        self._base[field_id] = newer.version
        self.committed[field_id] = newer.value
        return self.begin_write(field_id, value)

    def use_theirs(self, field_id: str) -> FieldValue:
        """The person takes the colleague's value (nothing is written)."""
        newer = self.conflicts.pop(field_id)
        self._base[field_id] = newer.version
        self.committed[field_id] = newer.value
        return newer


@dataclass(frozen=True, slots=True)
class LevelsShown:
    """What a criterion's card shows: the person's level, the agreed one, the others'."""

    #: The level the person's own control shows (the agreed one for a single reviewer).
    own: str | None
    agreed: str | None
    #: The other reviewers' proposals: their name -> the level's label.
    proposals: dict[str, str]
    #: "Agreed by … at … on …" on a team visit, else "".
    agreed_by: str
    #: Why the agreed level is carried forward from an earlier review ("" when it is not).
    carried_forward: str
    #: The lead may confirm a carried-forward level as theirs.
    may_confirm: bool


def levels_shown(ctx: ReviewContext, criterion_id: str) -> LevelsShown:
    """The levels a criterion's card shows, from the judgements the editor holds."""
    cid = criterion_id
    current = current_judgements(j for j in ctx.judgements if j.criterion_id == cid)
    agreed = agreed_judgement(ctx.judgements, cid)
    mine = current.get((cid, ctx.me.id, False))
    if ctx.is_team_visit:
        own = mine.level_key if mine else None
    else:
        own = agreed.level_key if agreed else None
        if own is None:
            own = mine.level_key if mine else None
    scale = ctx.framework.scale_for(ctx.framework.criterion(cid))
    proposals: dict[str, str] = {}
    for (criterion_id_, author, is_agreed), judgement in current.items():
        level = judgement.level_key
        if criterion_id_ != cid or is_agreed or level is None or author == ctx.me.id:
            continue
        label = scale.level(level).label if scale is not None and scale.has_level(level) else level
        proposals[ctx.name_of(author)] = label
    agreed_by = ""
    if agreed is not None and ctx.is_team_visit:
        when = agreed.created_at.astimezone()
        agreed_by = (
            f"Agreed by {ctx.name_of(agreed.author_id)} at {when:%H:%M} on {when.day} {when:%b}"
        )
    carried = ""
    if agreed is not None and is_carried_forward(agreed) and agreed.carried_forward_from:
        carried = carried_note(agreed.carried_forward_from)
    return LevelsShown(
        own,
        agreed.level_key if agreed else None,
        proposals,
        agreed_by,
        carried,
        may_confirm=ctx.is_lead and not ctx.read_only,
    )


def lock_banner(ctx: ReviewContext) -> str:
    """Why the review cannot be changed, or what it is (an amendment), in a sentence; or ""."""
    review = ctx.review
    if not ctx.visit.is_team_member(ctx.me.id):
        return "You are not on this visit's team, so you can read this review but not change it."
    if review.state is ReviewState.SIGNED:
        return (
            "Signed and locked. A correction is made as an amendment, which keeps this "
            "signed version intact."
        )
    if review.state is ReviewState.SUPERSEDED:
        return "This is the signed version, kept intact. It has been replaced by an amendment."
    if review.amends:
        amended = ctx.amended_review
        when = f" on {amended.created_at:%-d %B %Y}" if amended and amended.created_at else ""
        return (
            f"Amendment of the review signed{when}. Reason: {review.amendment_reason} "
            "(the signed version stays visible from the sign-off check)."
        )
    return ""


def _now() -> datetime:
    return datetime.now().astimezone()


def _not_withdrawn(refusal: str) -> str:
    """'Not withdrawn: only …' from the rule's sentence."""
    return f"Not withdrawn: {refusal[:1].lower()}{refusal[1:]}"


class ReviewDraft:
    """The review being edited, as the editor holds it: every record under the id the store
    keeps it by, shown before the store has it (optimistic), the shared answers' versions
    (:class:`SharedFields`), and what the editor draws from them: the levels shown and who
    proposed what, progress, the lock and the banner's reason.

    Each method changes the records held and returns what a caller needs to write or show;
    nothing here writes to the store or knows a widget. ``clock`` is when a record is made.
    """

    def __init__(self, ctx: ReviewContext, *, clock: Callable[[], datetime] = _now) -> None:
        self.ctx = ctx
        self.fields = SharedFields(ctx.me.id, ctx.fields)
        self._clock = clock
        #: Files attached since the last note: the next note links them.
        self.pending_attachments: list[str] = []

    # ------------------------------------------------------------------ what is shown

    @property
    def read_only(self) -> bool:
        return self.ctx.read_only

    def progress(self) -> ReviewProgress:
        return self.ctx.progress()

    def levels_shown(self, criterion_id: str) -> LevelsShown:
        return levels_shown(self.ctx, criterion_id)

    def lock_banner(self) -> str:
        return lock_banner(self.ctx)

    # ------------------------------------------------------------------ shared answers

    def field_label(self, stored_id: str) -> str:
        for sid, spec in self.ctx.framework.all_fields():
            if sid == stored_id:
                return spec.label
        return stored_id

    def field_typed(self, stored_id: str, value: Any) -> FieldValue:
        """The person's value, held at once (progress follows it) before it is written."""
        ctx = self.ctx
        old = ctx.fields.get(stored_id)
        typed = FieldValue(
            review_id=ctx.review.id,
            field_id=stored_id,
            value=value,
            version=(old.version if old else 0) + 1,
            author_id=ctx.me.id,
            updated_at=self._clock(),
        )
        ctx.fields[stored_id] = typed
        return typed

    def field_arrived(self, stored: FieldValue, *, typing: bool) -> Arrival:
        """A value read after a pull (see :meth:`SharedFields.arrived`); held when shown."""
        arrival = self.fields.arrived(stored, typing=typing)
        if arrival is Arrival.SHOW:
            self.ctx.fields[stored.field_id] = stored
        return arrival

    def use_theirs(self, stored_id: str) -> FieldValue:
        """In a conflict, the colleague's value is taken (nothing is written)."""
        newer = self.fields.use_theirs(stored_id)
        self.ctx.fields[stored_id] = newer
        return newer

    # ------------------------------------------------------------------ judgements

    def writes_agreed(self, agreed_control: bool) -> bool:
        """A level chosen on the agreed row, or by the single reviewer, is the agreed one."""
        return agreed_control or not self.ctx.is_team_visit

    def level_of(self, criterion_id: str, *, agreed: bool) -> str | None:
        """The agreed level, or the person's own proposal, as it stands."""
        ctx = self.ctx
        found = [
            j
            for j in ctx.judgements
            if j.criterion_id == criterion_id
            and j.agreed == agreed
            and (agreed or j.author_id == ctx.me.id)
        ]
        if not found:
            return None
        return max(found, key=lambda j: (j.created_at, j.id)).level_key

    def carried_to_confirm(self, criterion_id: str) -> tuple[str, date] | None:
        """The level carried forward from an earlier review and not confirmed yet, with the
        date it comes from; None when there is none."""
        agreed = agreed_judgement(self.ctx.judgements, criterion_id)
        if (
            agreed is None
            or not is_carried_forward(agreed)
            or agreed.level_key is None
            or agreed.carried_forward_from is None
        ):
            return None
        return agreed.level_key, agreed.carried_forward_from

    def judge(
        self,
        criterion_id: str,
        level: str | None,
        *,
        agreed: bool,
        rationale: str = "",
        carried_forward_from: date | None = None,
    ) -> Judgement:
        """A judgement by the person, held under the id the store will keep it by."""
        ctx = self.ctx
        judgement = Judgement(
            new_id(),
            ctx.review.id,
            criterion_id,
            ctx.me.id,
            level,
            self._clock(),
            rationale,
            agreed=agreed,
            carried_forward_from=carried_forward_from,
        )
        ctx.judgements.append(judgement)
        return judgement

    def judgements_arrived(self, stored: list[Judgement]) -> list[Judgement]:
        """Judgements read after a pull: those not held yet, now held (in order)."""
        known = {j.id for j in self.ctx.judgements}
        new = [j for j in stored if j.id not in known]
        if new:
            self.ctx.judgements.extend(new)
            self.ctx.judgements.sort(key=lambda j: (j.created_at, j.id))
        return new

    # ------------------------------------------------------------------ notes and files

    def notes_read(self, notes: list[EvidenceNote]) -> None:
        """The notes, read after the first section is on screen; those saved meanwhile kept."""
        known = {n.id for n in notes}
        self.ctx.notes = list(notes) + [n for n in self.ctx.notes if n.id not in known]

    def note_saved(self, note: EvidenceNote) -> None:
        self.ctx.notes.append(note)

    def note_withdrawn(self, note_id: str) -> None:
        self.ctx.notes[:] = [n for n in self.ctx.notes if n.id != note_id]

    def note_refusal(self, note: EvidenceNote) -> str | None:
        """Why the person may not withdraw a note, or None when they may. Undoing a
        withdrawal captures the note again, so it is its author's alone."""
        ctx = self.ctx
        if may_withdraw(note.author_id, ctx.me.id, is_lead=False):
            return None
        refusal = withdraw_refusal("their note", ctx.name_of(note.author_id), lead_may=False)
        return _not_withdrawn(refusal)

    def notes_arrived(
        self, stored: list[EvidenceNote]
    ) -> tuple[list[EvidenceNote], list[EvidenceNote]]:
        """The notes read after a pull: (added, withdrawn) against those held, now held."""
        return _merge(self.ctx.notes, stored)

    def take_pending_attachments(self) -> tuple[str, ...]:
        """The files the next note links (and none wait any more)."""
        taken, self.pending_attachments = tuple(self.pending_attachments), []
        return taken

    def attachment_saved(self, attachment: Attachment) -> None:
        self.ctx.attachments.append(attachment)
        self.pending_attachments.append(attachment.id)

    def attachment_withdrawn(self, attachment_id: str) -> None:
        self.ctx.attachments[:] = [a for a in self.ctx.attachments if a.id != attachment_id]
        if attachment_id in self.pending_attachments:
            self.pending_attachments.remove(attachment_id)

    def attachments_arrived(
        self, stored: list[Attachment]
    ) -> tuple[list[Attachment], list[Attachment]]:
        """The files read after a pull: (added, withdrawn), now held."""
        return _merge(self.ctx.attachments, stored)

    # ------------------------------------------------------------------ actions

    def action_saved(self, action: Action) -> None:
        self.ctx.actions.append(action)

    def action_withdrawn(self, action_id: str) -> None:
        self.ctx.actions[:] = [a for a in self.ctx.actions if a.id != action_id]

    def action_refusal(self, action: Action) -> str | None:
        """Why the person may not withdraw an action (its author or the lead may), or None."""
        ctx = self.ctx
        if may_withdraw(action.created_by, ctx.me.id, is_lead=ctx.is_lead):
            return None
        return _not_withdrawn(withdraw_refusal("this action", ctx.name_of(action.created_by)))

    def actions_arrived(self, stored: list[Action]) -> tuple[list[Action], list[Action]]:
        """The actions read after a pull: (added, withdrawn), now held."""
        return _merge(self.ctx.actions, stored)

    def last_follow_up(self, action_id: str) -> tuple[FollowUpOutcome, str] | None:
        """How an earlier action stands (outcome and evidence), as last recorded."""
        earlier = [f for f in self.ctx.follow_ups if f.action_id == action_id]
        return (earlier[-1].outcome, earlier[-1].evidence) if earlier else None

    def follow_up(self, action_id: str, outcome: FollowUpOutcome, evidence: str) -> ActionFollowUp:
        """How an earlier action stands, recorded by the person (held under its id)."""
        ctx = self.ctx
        follow_up = ActionFollowUp(
            new_id(), action_id, ctx.review.id, outcome, evidence, ctx.me.id, self._clock()
        )
        ctx.follow_ups.append(follow_up)
        return follow_up

    def follow_ups_arrived(self, stored: list[ActionFollowUp]) -> list[ActionFollowUp]:
        """Follow-ups read after a pull: those not held yet, now held (in order)."""
        known = {f.id for f in self.ctx.follow_ups}
        new = [f for f in stored if f.id not in known]
        if new:
            merged = sorted([*self.ctx.follow_ups, *new], key=lambda f: (f.recorded_at, f.id))
            self.ctx.follow_ups[:] = merged
        return new

    # ------------------------------------------------------------------ the review

    def reopen_if_ready(self) -> Review | None:
        """After a change: a review marked ready goes back to draft. Returns the ready review
        (for the store to reopen), or None when it was not ready."""
        ready = self.ctx.review
        if ready.state is not ReviewState.READY_FOR_SIGN_OFF:
            return None
        self.ctx.review = replace(ready, state=ReviewState.DRAFT)
        return ready

    def review_arrived(self, review: Review) -> bool:
        """The review read again (its state may have moved): True when it changed."""
        if review == self.ctx.review:
            return False
        self.ctx.review = review
        return True


def _merge(held: list[Any], stored: list[Any]) -> tuple[list[Any], list[Any]]:
    """Make ``held`` (records with ids) what the store has: (added, removed)."""
    shown = {r.id for r in held}
    current = {r.id for r in stored}
    added = [r for r in stored if r.id not in shown]
    gone = [r for r in held if r.id not in current]
    held[:] = [r for r in held if r.id in current] + added
    return added, gone


def change_notice(changes: list[tuple[str, str]], name_of: Callable[[str], str]) -> str:
    """A short notice of who changed what: ``changes`` are (author id, what) pairs, an empty
    author for what nobody in particular did ("Pat Lee changed the judgement on Reading; an
    evidence note was withdrawn.")."""
    by_person: dict[str, list[str]] = {}
    for author_id, what in changes:
        by_person.setdefault(author_id, []).append(what)
    parts = []
    for author_id, whats in by_person.items():
        if author_id:
            parts.append(f"{name_of(author_id)} changed {', '.join(whats)}")
        else:
            parts.append(", ".join(whats))
    text = "; ".join(parts)
    return f"{text[:1].upper()}{text[1:]}."
