"""Evidence notes and attachments in the local store, each change queued for sync.

Notes are append-only: a correction is a new note that ``supersedes`` the old one, a deletion a
note with ``retracted=True``. Their criteria, tags, attachments and pupil references live in
child tables so they can be queried (for example, every note on one criterion).
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import col, select

from reviewer_app.domain.errors import NotFoundError
from reviewer_app.domain.review import Attachment, EvidenceNote
from reviewer_app.storage.outbox import Entity, OpKind, OutboxRecorder
from reviewer_app.storage.review_rows import attachment_from_row, from_text, to_text
from reviewer_app.storage.tables import (
    AttachmentRow,
    BlobRow,
    EvidenceNoteRow,
    NoteAttachmentRow,
    NoteCriterionRow,
    NotePupilRow,
    NoteTagRow,
)


class EvidenceRepository(OutboxRecorder):
    """Evidence notes and attachments, within the caller's session."""

    # ---------------------------------------------------------------- evidence notes

    def add_note(self, note: EvidenceNote) -> None:
        """Append a note; a note with ``retracted=True`` is queued as a ``retract``."""
        if self._session.get(EvidenceNoteRow, note.id) is not None:
            return
        self._session.add(
            EvidenceNoteRow(
                id=note.id,
                review_id=note.review_id,
                author_id=note.author_id,
                text=note.text,
                captured_at=to_text(note.captured_at),
                supersedes=note.supersedes,
                retracted=note.retracted,
            )
        )
        self._session.flush()
        for position, criterion_id in enumerate(note.criterion_ids):
            self._session.add(
                NoteCriterionRow(note_id=note.id, position=position, criterion_id=criterion_id)
            )
        for kind, value in note.tags.items():
            self._session.add(NoteTagRow(note_id=note.id, kind=kind, value=value))
        for position, attachment_id in enumerate(note.attachment_ids):
            self._session.add(
                NoteAttachmentRow(note_id=note.id, position=position, attachment_id=attachment_id)
            )
        for position, ref in enumerate(note.pupil_refs):
            self._session.add(NotePupilRow(note_id=note.id, position=position, pupil_ref=ref))
        self._session.flush()
        kind = OpKind.RETRACT if note.retracted else OpKind.APPEND
        self._queue(note.review_id, Entity.EVIDENCE_NOTE, note.id, kind, note, note.captured_at)

    def notes(self, review_id: str) -> list[EvidenceNote]:
        """Every note record of the review (superseded and retracted included), oldest first.

        :func:`reviewer_app.domain.review.current_notes` picks what a reader should see.
        """
        rows = list(
            self._session.exec(
                select(EvidenceNoteRow)
                .where(EvidenceNoteRow.review_id == review_id)
                .order_by(col(EvidenceNoteRow.captured_at), col(EvidenceNoteRow.id))
            )
        )
        return self._notes(rows)

    def get_note(self, note_id: str) -> EvidenceNote | None:
        row = self._session.get(EvidenceNoteRow, note_id)
        return None if row is None else self._notes([row])[0]

    def _notes(self, rows: list[EvidenceNoteRow]) -> list[EvidenceNote]:
        ids = [r.id for r in rows]
        criteria: dict[str, list[NoteCriterionRow]] = {i: [] for i in ids}
        tags: dict[str, dict[str, str]] = {i: {} for i in ids}
        attachments: dict[str, list[NoteAttachmentRow]] = {i: [] for i in ids}
        pupils: dict[str, list[NotePupilRow]] = {i: [] for i in ids}
        if ids:
            for c in self._session.exec(
                select(NoteCriterionRow).where(col(NoteCriterionRow.note_id).in_(ids))
            ):
                criteria[c.note_id].append(c)
            for t in self._session.exec(
                select(NoteTagRow)
                .where(col(NoteTagRow.note_id).in_(ids))
                .order_by(col(NoteTagRow.kind))
            ):
                tags[t.note_id][t.kind] = t.value
            for a in self._session.exec(
                select(NoteAttachmentRow).where(col(NoteAttachmentRow.note_id).in_(ids))
            ):
                attachments[a.note_id].append(a)
            for p in self._session.exec(
                select(NotePupilRow).where(col(NotePupilRow.note_id).in_(ids))
            ):
                pupils[p.note_id].append(p)

        return [
            EvidenceNote(
                id=r.id,
                review_id=r.review_id,
                author_id=r.author_id,
                text=r.text,
                captured_at=from_text(r.captured_at),
                criterion_ids=tuple(c.criterion_id for c in sorted(criteria[r.id], key=_pos)),
                tags=tags[r.id],
                attachment_ids=tuple(a.attachment_id for a in sorted(attachments[r.id], key=_pos)),
                pupil_refs=tuple(p.pupil_ref for p in sorted(pupils[r.id], key=_pos)),
                supersedes=r.supersedes,
                retracted=r.retracted,
            )
            for r in rows
        ]

    def notes_for_criterion(self, review_id: str, criterion_id: str) -> list[EvidenceNote]:
        """Note records of the review linked to one criterion, oldest first."""
        linked = select(NoteCriterionRow.note_id).where(
            NoteCriterionRow.criterion_id == criterion_id
        )
        rows = list(
            self._session.exec(
                select(EvidenceNoteRow)
                .where(EvidenceNoteRow.review_id == review_id, col(EvidenceNoteRow.id).in_(linked))
                .order_by(col(EvidenceNoteRow.captured_at), col(EvidenceNoteRow.id))
            )
        )
        return self._notes(rows)

    # ---------------------------------------------------------------- attachments

    def add_attachment(self, attachment: Attachment) -> None:
        """Record an attachment whose content is already stored (see :mod:`.blobs`)."""
        if self._session.get(AttachmentRow, attachment.id) is not None:
            return
        blob = self._session.get(BlobRow, attachment.sha256)
        if blob is None:
            raise NotFoundError(f"The content of attachment {attachment.filename} is missing.")
        self._session.add(
            AttachmentRow(
                id=attachment.id,
                review_id=attachment.review_id,
                sha256=attachment.sha256,
                filename=attachment.filename,
                media_type=attachment.media_type,
                size=attachment.size,
                author_id=attachment.author_id,
                added_at=to_text(attachment.added_at),
                retracted=attachment.retracted,
            )
        )
        self._session.flush()
        self._queue(
            attachment.review_id, Entity.ATTACHMENT, attachment.id, OpKind.APPEND,
            attachment, attachment.added_at,
        )  # fmt: skip

    def retract_attachment(self, attachment_id: str, device_time: datetime) -> Attachment:
        """Mark an attachment withdrawn (its content stays until nothing refers to it)."""
        row = self._session.get(AttachmentRow, attachment_id)
        if row is None:
            raise NotFoundError(f"There is no attachment with id {attachment_id}.")
        row.retracted = True
        self._session.add(row)
        self._session.flush()
        self._queue(
            row.review_id, Entity.ATTACHMENT, row.id, OpKind.RETRACT, {"id": row.id}, device_time
        )
        return attachment_from_row(row)

    def get_attachment(self, attachment_id: str) -> Attachment | None:
        row = self._session.get(AttachmentRow, attachment_id)
        return None if row is None else attachment_from_row(row)

    def attachments(self, review_id: str) -> list[Attachment]:
        rows = self._session.exec(
            select(AttachmentRow)
            .where(AttachmentRow.review_id == review_id)
            .order_by(col(AttachmentRow.added_at), col(AttachmentRow.id))
        )
        return [attachment_from_row(r) for r in rows]


def _pos(item: NoteCriterionRow | NoteAttachmentRow | NotePupilRow) -> int:
    return item.position
