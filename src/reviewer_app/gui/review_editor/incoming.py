"""What a sync brings into the review open in the editor, shown in place.

The change feed names what changed (``domain.changes.ReviewChanges``); this reads those kinds
of record again on a reader thread and redraws only what they touch: a shared answer (or a
conflict box where the person is typing, see ``writes.py``), a criterion card's levels, the
notes and files, the actions, the follow-up rows, the review's state and lock. Nothing is
rebuilt, so the focus and the scroll position stay where they were; a short notice in the
status bar says who changed what. The editor's own writes are not read back (it shows them
already).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from reviewer_app.domain.record_kinds import Entity
from reviewer_app.domain.review import (
    Action,
    ActionFollowUp,
    Attachment,
    EvidenceNote,
    FieldValue,
    Judgement,
    Review,
)
from reviewer_app.services.review_session import evidence_notes

if TYPE_CHECKING:
    from reviewer_app.domain.changes import ReviewChanges
    from reviewer_app.gui.review_editor.view import EditorView
    from reviewer_app.gui.review_editor.writes import EditorChanges
    from reviewer_app.services.review_session import ReviewContext


@dataclass(slots=True)
class Arrived:
    """The records of the kinds a notice named, as the store has them now."""

    review: Review | None = None
    fields: dict[str, FieldValue] = field(default_factory=dict)
    judgements: list[Judgement] | None = None
    notes: list[EvidenceNote] | None = None
    attachments: list[Attachment] | None = None
    actions: list[Action] | None = None
    follow_ups: list[ActionFollowUp] | None = None


class IncomingChanges:
    """Reads and shows, in one open review (its :class:`EditorView` and the records its
    :class:`EditorChanges` hold), what the change feed announces."""

    def __init__(self, view: EditorView, edits: EditorChanges) -> None:
        self.view = view
        self.edits = edits

    def review_changed(self, changes: ReviewChanges) -> None:
        ctx = self.edits.ctx
        if ctx is None or self.view.is_closed or changes.review_id != ctx.review.id:
            return
        if not changes.pulled:
            return  # this laptop's own writes: the editor shows them already
        workspace, review = self.edits.workspace, ctx.review
        reviews, kinds, wanted = workspace.reviews, changes.kinds, changes.fields
        notes_ready = self.view.notes_ready

        def read() -> Arrived:
            found = Arrived()
            if Entity.REVIEW in kinds or Entity.SIGNED_REPORT in kinds:
                found.review = reviews.get_review(review.id)
            if Entity.FIELD_VALUE in kinds:
                values = reviews.field_values(review.id)
                found.fields = {k: v for k, v in values.items() if k in wanted}
            if Entity.JUDGEMENT in kinds:
                found.judgements = reviews.judgements(review.id)
            if Entity.EVIDENCE_NOTE in kinds and notes_ready:
                found.notes = evidence_notes(workspace, review)
            if Entity.ATTACHMENT in kinds:
                found.attachments = reviews.attachments(review.id)
            if Entity.ACTION in kinds:
                found.actions = reviews.actions(review.id)
            if Entity.ACTION_FOLLOW_UP in kinds:
                found.follow_ups = reviews.follow_ups(review.id)
            return found

        self.edits.tasks.run(
            read, on_done=lambda found: self._arrived(ctx, found), context=self.edits.saver
        )

    def _arrived(self, ctx: ReviewContext, found: Arrived) -> None:
        if ctx is not self.edits.ctx:
            return  # the editor was rebuilt meanwhile: it read everything afresh
        told: list[tuple[str, str]] = []
        for stored_id in self.edits.fields_arrived(ctx, found.fields):
            told.append((found.fields[stored_id].author_id, ctx.framework.field_title(stored_id)))
        if found.judgements is not None:
            told += self._judgements(ctx, found.judgements)
        if found.notes is not None:
            told += self._notes(ctx, found.notes)
        if found.attachments is not None:
            told += self._attachments(ctx, found.attachments)
        if found.actions is not None:
            told += self._actions(ctx, found.actions)
        if found.follow_ups is not None:
            told += self._follow_ups(ctx, found.follow_ups)
        if found.review is not None and found.review != ctx.review:
            ctx.review = found.review
            self.view.update_lock()
            told.append(("", f"the review is now {found.review.state.label.lower()}"))
        if told:
            self.view.refresh_progress()
            self._tell(ctx, told)

    # ------------------------------------------------------------------ records

    def _judgements(self, ctx: ReviewContext, stored: list[Judgement]) -> list[tuple[str, str]]:
        known = {j.id for j in ctx.judgements}
        new = [j for j in stored if j.id not in known]
        if not new:
            return []
        ctx.judgements.extend(new)
        ctx.judgements.sort(key=lambda j: (j.created_at, j.id))
        titles = {c.id: c.title for c in ctx.framework.criteria()}
        for criterion_id in {j.criterion_id for j in new}:
            self.view.show_levels(criterion_id)  # a page not built is drawn when it is
        return [(j.author_id, f"the judgement on {titles.get(j.criterion_id, '?')}") for j in new]

    def _notes(self, ctx: ReviewContext, stored: list[EvidenceNote]) -> list[tuple[str, str]]:
        view = self.view
        shown = {n.id for n in view.notes_shown()}
        current = {n.id for n in stored}
        added = [n for n in stored if n.id not in shown]
        gone = [n for n in view.notes_shown() if n.id not in current]
        for note in added:
            view.note_added(note)
        for note in gone:
            view.note_removed(note.id)
        if not added and not gone:
            return []
        ctx.notes = view.notes_shown()
        view.notes_changed()
        told = [(n.author_id, "an evidence note") for n in added]
        return told + [("", "an evidence note was withdrawn") for _ in gone]

    def _attachments(self, ctx: ReviewContext, stored: list[Attachment]) -> list[tuple[str, str]]:
        shown = {a.id for a in ctx.attachments}
        current = {a.id for a in stored}
        added = [a for a in stored if a.id not in shown]
        for attachment in added:
            self.view.attachment_added(attachment)
        for attachment in [a for a in ctx.attachments if a.id not in current]:
            self.view.attachment_removed(attachment.id)
        ctx.attachments[:] = list(stored)
        return [(a.author_id, a.filename) for a in added]

    def _actions(self, ctx: ReviewContext, stored: list[Action]) -> list[tuple[str, str]]:
        view = self.view
        shown = {a.id for a in view.actions_shown()}
        current = {a.id for a in stored}
        added = [a for a in stored if a.id not in shown]
        gone = [a for a in view.actions_shown() if a.id not in current]
        for action in added:
            view.action_added(action)
        for action in gone:
            view.action_removed(action.id)
        ctx.actions[:] = view.actions_shown()
        told = [(a.created_by, f"the action “{a.text}”") for a in added]
        return told + [("", f"the action “{a.text}” was withdrawn") for a in gone]

    def _follow_ups(
        self, ctx: ReviewContext, stored: list[ActionFollowUp]
    ) -> list[tuple[str, str]]:
        known = {f.id for f in ctx.follow_ups}
        new = [f for f in stored if f.id not in known]
        if not new:
            return []
        ctx.follow_ups[:] = sorted([*ctx.follow_ups, *new], key=lambda f: (f.recorded_at, f.id))
        told = []
        for follow_up in new:
            action_id = follow_up.action_id
            if not self.edits.saver.waiting(f"follow-up:{action_id}"):
                self.view.show_follow_up(action_id, follow_up.outcome, follow_up.evidence)
            told.append((follow_up.author_id, "a follow-up of an earlier action"))
        return told

    # ------------------------------------------------------------------ notice

    def _tell(self, ctx: ReviewContext, changes: list[tuple[str, str]]) -> None:
        """A short notice of who changed what (in the status bar, for a while)."""
        by_person: dict[str, list[str]] = {}
        for author_id, what in changes:
            by_person.setdefault(author_id, []).append(what)
        parts = []
        for author_id, whats in by_person.items():
            if author_id:
                parts.append(f"{ctx.name_of(author_id)} changed {', '.join(whats)}")
            else:
                parts.append(", ".join(whats))
        text = "; ".join(parts)
        self.view.show_notice(f"{text[:1].upper()}{text[1:]}.")
