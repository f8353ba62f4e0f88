"""What a sync brings into the review open in the editor, shown in place.

The change feed names what changed (``domain.changes.ReviewChanges``); the change bridge brings
the notice onto the GUI thread, and this reads those kinds of record again on a reader thread
and merges them into the review being edited (``ReviewDraft``), which publishes what changed:
the widgets that show a shared answer (or a conflict box where the person is typing), a
criterion card's levels, the notes and files, the actions, the follow-up rows, the review's
state and lock redraw it in place. Nothing is rebuilt, so the focus and the scroll position
stay where they were; a short notice in the status bar says who changed what. The editor's own
writes are not read back (it shows them already).
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
from reviewer_app.services.review_draft import change_notice
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
        draft = self.edits.draft
        if draft is None or ctx is not draft.ctx:
            return  # the editor was rebuilt meanwhile: it read everything afresh
        # Each merge publishes what changed; the widgets redraw it (a page not built yet is
        # drawn from the draft when it is).
        told: list[tuple[str, str]] = []
        for stored_id in self.edits.fields_arrived(ctx, found.fields):
            told.append((found.fields[stored_id].author_id, ctx.framework.field_title(stored_id)))
        if found.judgements is not None:
            new = draft.judgements_arrived(found.judgements)
            titles = {c.id: c.title for c in ctx.framework.criteria()}
            told += [
                (j.author_id, f"the judgement on {titles.get(j.criterion_id, '?')}") for j in new
            ]
        if found.notes is not None:
            added, gone = draft.notes_arrived(found.notes)
            told += [(n.author_id, "an evidence note") for n in added]
            told += [("", "an evidence note was withdrawn") for _ in gone]
        if found.attachments is not None:
            added_files, _gone_files = draft.attachments_arrived(found.attachments)
            told += [(a.author_id, a.filename) for a in added_files]
        if found.actions is not None:
            added_actions, gone_actions = draft.actions_arrived(found.actions)
            told += [(a.created_by, f"the action “{a.text}”") for a in added_actions]
            told += [("", f"the action “{a.text}” was withdrawn") for a in gone_actions]
        if found.follow_ups is not None:
            saver = self.edits.saver
            typing = lambda action_id: saver.waiting(f"follow-up:{action_id}")  # noqa: E731
            for follow_up in draft.follow_ups_arrived(found.follow_ups, typing):
                told.append((follow_up.author_id, "a follow-up of an earlier action"))
        if found.review is not None and draft.review_arrived(found.review):
            told.append(("", f"the review is now {found.review.state.label.lower()}"))
        if told:
            self.view.show_notice(change_notice(told, ctx.name_of))
