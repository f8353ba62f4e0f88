"""The review being edited, without Qt: what the editor holds between the store and its widgets.

:class:`ReviewDraft` holds the records of the open review (each under the id the store keeps it
by), the person's changes before the store has them, what a pull brings, and what the editor
draws from them: the levels shown and who proposed what (:func:`levels_shown`), progress, the
lock and the banner's reason (:func:`lock_banner`). Undo is ``services.edit_history``.

:class:`~reviewer_app.services.shared_fields.SharedFields` keeps the shared answers' versions,
the writes on their way and the conflicts, and decides what a write's answer and a pulled value
mean (a conflict, never a silent swap, when the person is typing there).

Every change to what the draft holds is published to its listeners as a :class:`DraftChange`
(record kinds, record ids, fields, criteria): the editor's widgets subscribe (through one Qt
adapter, ``gui/review_editor/draft_signals.py``) and each redraws only what a change names. The
draft lives on the GUI thread; what a sync brings reaches it there through the change bridge.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from reviewer_app.domain.carry_forward import carried_note, is_carried_forward
from reviewer_app.domain.ids import new_id
from reviewer_app.domain.record_kinds import Entity
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
from reviewer_app.domain.review_progress import ReviewProgress
from reviewer_app.domain.review_rules import may_withdraw, withdraw_refusal
from reviewer_app.services.review_records import FieldWrite
from reviewer_app.services.shared_fields import Arrival, PendingWrite, SharedFields

if TYPE_CHECKING:
    from reviewer_app.services.review_session import ReviewContext


@dataclass(frozen=True, slots=True)
class DraftChange:
    """What changed in the review being edited, for the widgets that show it.

    ``kinds`` are the kinds of record that changed; ``record_ids`` the records added, changed or
    withdrawn (a listener reads them from the draft: one not held any more was withdrawn).
    ``fields`` are the shared answers whose value a widget must show (not those the person is
    typing: their widget shows it already); ``conflicts`` those whose conflict opened, moved on
    or closed; ``criteria`` those whose levels changed; ``follow_ups`` the earlier actions whose
    follow-up row must show a new outcome. ``reread``: the whole kind was read afresh.
    """

    kinds: frozenset[Entity]
    record_ids: frozenset[str] = frozenset()
    fields: frozenset[str] = frozenset()
    conflicts: frozenset[str] = frozenset()
    criteria: frozenset[str] = frozenset()
    follow_ups: frozenset[str] = frozenset()
    reread: bool = False

    @classmethod
    def of(
        cls,
        kind: Entity,
        records: Iterable[str] = (),
        *,
        fields: Iterable[str] = (),
        conflicts: Iterable[str] = (),
        criteria: Iterable[str] = (),
        follow_ups: Iterable[str] = (),
        reread: bool = False,
    ) -> DraftChange:
        return cls(
            frozenset({kind}),
            frozenset(records),
            frozenset(fields),
            frozenset(conflicts),
            frozenset(criteria),
            frozenset(follow_ups),
            reread,
        )

    def touches(self, *kinds: Entity) -> bool:
        """True when a record of any of ``kinds`` changed."""
        return any(kind in self.kinds for kind in kinds)


#: What the progress (counts, visibility, the sign-off check) is drawn from.
PROGRESS_KINDS = (
    Entity.FIELD_VALUE,
    Entity.JUDGEMENT,
    Entity.EVIDENCE_NOTE,
    Entity.ACTION,
    Entity.ACTION_FOLLOW_UP,
    Entity.REVIEW,
)

DraftListener = Callable[["ReviewDraft", DraftChange], None]


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
        #: Names of the files being stored now (read and encrypted on the writer lane).
        self.saving_files: set[str] = set()
        self._listeners: list[DraftListener] = []

    # ------------------------------------------------------------------ listeners

    def listen(self, listener: DraftListener) -> Callable[[], None]:
        """Hear every change from now on (on the thread that makes it: the GUI's); returns a
        function that stops it."""
        self._listeners.append(listener)

        def stop() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return stop

    def _publish(self, change: DraftChange) -> None:
        for listener in list(self._listeners):
            listener(self, change)

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
        # The field the person typed in shows it already: only what follows from it redraws.
        self._publish(DraftChange.of(Entity.FIELD_VALUE))
        return typed

    def field_set(self, stored_id: str, value: Any) -> FieldValue:
        """A value the person did not type there (undo, redo): held and shown in its field."""
        typed = self.field_typed(stored_id, value)
        self._publish(DraftChange.of(Entity.FIELD_VALUE, fields=[stored_id]))
        return typed

    def field_arrived(self, stored: FieldValue, *, typing: bool) -> Arrival:
        """A value read after a pull (see :meth:`SharedFields.arrived`); held when shown."""
        field_id = stored.field_id
        arrival = self.fields.arrived(stored, typing=typing)
        if arrival is Arrival.SHOW:
            self.ctx.fields[field_id] = stored
            self._publish(DraftChange.of(Entity.FIELD_VALUE, fields=[field_id]))
        elif arrival in (Arrival.CONFLICT, Arrival.IGNORED) and field_id in self.fields.conflicts:
            self._publish(DraftChange.of(Entity.FIELD_VALUE, conflicts=[field_id]))
        return arrival

    def field_written(
        self, pending: PendingWrite, result: FieldWrite
    ) -> PendingWrite | FieldValue | None:
        """A write's answer (see :meth:`SharedFields.written`); a conflict is published."""
        outcome = self.fields.written(pending, result)
        if isinstance(outcome, FieldValue):
            self._publish(DraftChange.of(Entity.FIELD_VALUE, conflicts=[pending.field_id]))
        return outcome

    def keep_mine(self, stored_id: str, value: Any) -> PendingWrite:
        """In a conflict, the person keeps the value in their field: written over the
        colleague's (the conflict closes)."""
        self.field_typed(stored_id, value)
        pending = self.fields.keep_mine(stored_id, value)
        self._publish(DraftChange.of(Entity.FIELD_VALUE, conflicts=[stored_id]))
        return pending

    def use_theirs(self, stored_id: str) -> FieldValue:
        """In a conflict, the colleague's value is taken (nothing is written)."""
        newer = self.fields.use_theirs(stored_id)
        self.ctx.fields[stored_id] = newer
        self._publish(DraftChange.of(Entity.FIELD_VALUE, fields=[stored_id], conflicts=[stored_id]))
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
        self._publish(DraftChange.of(Entity.JUDGEMENT, [judgement.id], criteria=[criterion_id]))
        return judgement

    def judgements_arrived(self, stored: list[Judgement]) -> list[Judgement]:
        """Judgements read after a pull: those not held yet, now held (in order)."""
        known = {j.id for j in self.ctx.judgements}
        new = [j for j in stored if j.id not in known]
        if new:
            self.ctx.judgements.extend(new)
            self.ctx.judgements.sort(key=lambda j: (j.created_at, j.id))
            criteria = {j.criterion_id for j in new}
            self._publish(DraftChange.of(Entity.JUDGEMENT, [j.id for j in new], criteria=criteria))
        return new

    # ------------------------------------------------------------------ notes and files

    def notes_read(self, notes: list[EvidenceNote]) -> None:
        """The notes, read after the first section is on screen; those saved meanwhile kept."""
        known = {n.id for n in notes}
        self.ctx.notes = list(notes) + [n for n in self.ctx.notes if n.id not in known]
        self._publish(DraftChange.of(Entity.EVIDENCE_NOTE, reread=True))

    def note_saved(self, note: EvidenceNote) -> None:
        self.ctx.notes.append(note)
        self._publish(DraftChange.of(Entity.EVIDENCE_NOTE, [note.id]))

    def note_withdrawn(self, note_id: str) -> None:
        self.ctx.notes[:] = [n for n in self.ctx.notes if n.id != note_id]
        self._publish(DraftChange.of(Entity.EVIDENCE_NOTE, [note_id]))

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
        return self._merged(Entity.EVIDENCE_NOTE, self.ctx.notes, stored)

    def _merged(
        self, kind: Entity, held: list[Any], stored: list[Any]
    ) -> tuple[list[Any], list[Any]]:
        added, gone = _merge(held, stored)
        if added or gone:
            self._publish(DraftChange.of(kind, [r.id for r in added + gone]))
        return added, gone

    def take_pending_attachments(self) -> tuple[str, ...]:
        """The files the next note links (and none wait any more)."""
        taken, self.pending_attachments = tuple(self.pending_attachments), []
        if taken:
            self._publish(DraftChange.of(Entity.ATTACHMENT))
        return taken

    def file_saving(self, name: str) -> None:
        """A file is being read and stored (the line under the files says so)."""
        self.saving_files.add(name)
        self._publish(DraftChange.of(Entity.ATTACHMENT))

    def file_done(self, name: str) -> None:
        """A file has been stored, or could not be."""
        self.saving_files.discard(name)
        self._publish(DraftChange.of(Entity.ATTACHMENT))

    def attachment_saved(self, attachment: Attachment) -> None:
        self.ctx.attachments.append(attachment)
        self.pending_attachments.append(attachment.id)
        self._publish(DraftChange.of(Entity.ATTACHMENT, [attachment.id]))

    def attachment_withdrawn(self, attachment_id: str) -> None:
        self.ctx.attachments[:] = [a for a in self.ctx.attachments if a.id != attachment_id]
        if attachment_id in self.pending_attachments:
            self.pending_attachments.remove(attachment_id)
        self._publish(DraftChange.of(Entity.ATTACHMENT, [attachment_id]))

    def attachments_arrived(
        self, stored: list[Attachment]
    ) -> tuple[list[Attachment], list[Attachment]]:
        """The files read after a pull: (added, withdrawn), now held."""
        return self._merged(Entity.ATTACHMENT, self.ctx.attachments, stored)

    # ------------------------------------------------------------------ actions

    def action_saved(self, action: Action) -> None:
        self.ctx.actions.append(action)
        self._publish(DraftChange.of(Entity.ACTION, [action.id]))

    def action_withdrawn(self, action_id: str) -> None:
        self.ctx.actions[:] = [a for a in self.ctx.actions if a.id != action_id]
        self._publish(DraftChange.of(Entity.ACTION, [action_id]))

    def action_refusal(self, action: Action) -> str | None:
        """Why the person may not withdraw an action (its author or the lead may), or None."""
        ctx = self.ctx
        if may_withdraw(action.created_by, ctx.me.id, is_lead=ctx.is_lead):
            return None
        return _not_withdrawn(withdraw_refusal("this action", ctx.name_of(action.created_by)))

    def actions_arrived(self, stored: list[Action]) -> tuple[list[Action], list[Action]]:
        """The actions read after a pull: (added, withdrawn), now held."""
        return self._merged(Entity.ACTION, self.ctx.actions, stored)

    def last_follow_up(self, action_id: str) -> tuple[FollowUpOutcome, str] | None:
        """How an earlier action stands (outcome and evidence), as last recorded."""
        earlier = [f for f in self.ctx.follow_ups if f.action_id == action_id]
        return (earlier[-1].outcome, earlier[-1].evidence) if earlier else None

    def follow_up(
        self, action_id: str, outcome: FollowUpOutcome, evidence: str, *, typed: bool = True
    ) -> ActionFollowUp:
        """How an earlier action stands, recorded by the person (held under its id). ``typed``:
        its row shows it already (else, as for undo, the row is redrawn)."""
        ctx = self.ctx
        follow_up = ActionFollowUp(
            new_id(), action_id, ctx.review.id, outcome, evidence, ctx.me.id, self._clock()
        )
        ctx.follow_ups.append(follow_up)
        shown = () if typed else (action_id,)
        self._publish(DraftChange.of(Entity.ACTION_FOLLOW_UP, [follow_up.id], follow_ups=shown))
        return follow_up

    def follow_ups_arrived(
        self, stored: list[ActionFollowUp], typing: Callable[[str], bool] = lambda _a: False
    ) -> list[ActionFollowUp]:
        """Follow-ups read after a pull: those not held yet, now held (in order). A row the
        person is typing in (``typing(action_id)``) is not redrawn under their fingers."""
        known = {f.id for f in self.ctx.follow_ups}
        new = [f for f in stored if f.id not in known]
        if new:
            merged = sorted([*self.ctx.follow_ups, *new], key=lambda f: (f.recorded_at, f.id))
            self.ctx.follow_ups[:] = merged
            rows = {f.action_id for f in new if not typing(f.action_id)}
            change = DraftChange.of(Entity.ACTION_FOLLOW_UP, [f.id for f in new], follow_ups=rows)
            self._publish(change)
        return new

    # ------------------------------------------------------------------ the review

    def reopen_if_ready(self) -> Review | None:
        """After a change: a review marked ready goes back to draft. Returns the ready review
        (for the store to reopen), or None when it was not ready."""
        ready = self.ctx.review
        if ready.state is not ReviewState.READY_FOR_SIGN_OFF:
            return None
        self.review_arrived(replace(ready, state=ReviewState.DRAFT))
        return ready

    def review_arrived(self, review: Review) -> bool:
        """The review read again, or as a write left it (its state may have moved): True
        when it changed."""
        if review == self.ctx.review:
            return False
        self.ctx.review = review
        self._publish(DraftChange.of(Entity.REVIEW, [review.id]))
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
