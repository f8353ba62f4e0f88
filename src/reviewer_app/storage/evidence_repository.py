"""Evidence notes and attachments in the local store, each change queued for sync.

Notes are append-only: a correction is a new note that ``supersedes`` the old one, a deletion a
note with ``retracted=True``. Their criteria, tags, attachments and pupil references live in
child tables so they can be queried (for example, every note on one criterion).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement
from sqlalchemy import select as sa_select
from sqlmodel import col, select

from reviewer_app.domain.errors import NotFoundError
from reviewer_app.domain.record_kinds import Entity, OpKind
from reviewer_app.domain.review import Attachment, EvidenceNote
from reviewer_app.storage.outbox import OutboxRecorder
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

#: Ids per ``IN (...)`` lookup: well under SQLite's limit on bound parameters.
_IN_CHUNK = 500
_INSERT_NOTE = (
    "INSERT INTO evidence_note (id, review_id, author_id, text, captured_at, supersedes, "
    "retracted) VALUES (?, ?, ?, ?, ?, ?, ?)"
)
_INSERT_CRITERION = "INSERT INTO note_criterion (note_id, position, criterion_id) VALUES (?, ?, ?)"
_INSERT_TAG = "INSERT INTO note_tag (note_id, kind, value) VALUES (?, ?, ?)"
_INSERT_ATTACHMENT = (
    "INSERT INTO note_attachment (note_id, position, attachment_id) VALUES (?, ?, ?)"
)
_INSERT_PUPIL = "INSERT INTO note_pupil (note_id, position, pupil_ref) VALUES (?, ?, ?)"


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
        # A withdrawal is its own tombstone record (``retracted=True``, ``supersedes`` the note):
        # queued as ``retract`` under the tombstone's id; the sync engine sends it as an append.
        kind = OpKind.RETRACT if note.retracted else OpKind.APPEND
        self._queue(note.review_id, Entity.EVIDENCE_NOTE, note.id, kind, note, note.captured_at)

    def add_notes(self, notes: Sequence[EvidenceNote]) -> int:
        """Append many notes at once, as :meth:`add_note` would one by one; returns how many
        were new.

        For pulled pages: one lookup of the ids already stored and one multi-row INSERT per
        table, instead of a lookup, two flushes and a statement per row for each note. Notes
        already stored (or repeated in ``notes``) are skipped. Writes that are queued for sync
        go one by one, since each takes the next outbox sequence number.
        """
        if self._record_ops:
            before = len(notes)
            for note in notes:
                self.add_note(note)
            return before
        fresh: dict[str, EvidenceNote] = {}
        for note in notes:
            fresh.setdefault(note.id, note)
        ids = list(fresh)
        for start in range(0, len(ids), _IN_CHUNK):
            chunk = ids[start : start + _IN_CHUNK]
            for (known,) in self._session.connection().execute(
                sa_select(col(EvidenceNoteRow.id)).where(col(EvidenceNoteRow.id).in_(chunk))
            ):
                fresh.pop(known, None)
        if not fresh:
            return 0
        note_rows: list[tuple[object, ...]] = []
        criteria: list[tuple[object, ...]] = []
        tags: list[tuple[object, ...]] = []
        attachments: list[tuple[object, ...]] = []
        pupils: list[tuple[object, ...]] = []
        for note in fresh.values():
            note_rows.append(
                (note.id, note.review_id, note.author_id, note.text, to_text(note.captured_at),
                 note.supersedes, note.retracted)
            )  # fmt: skip
            criteria += [(note.id, i, c) for i, c in enumerate(note.criterion_ids)]
            tags += [(note.id, k, v) for k, v in note.tags.items()]
            attachments += [(note.id, i, a) for i, a in enumerate(note.attachment_ids)]
            pupils += [(note.id, i, p) for i, p in enumerate(note.pupil_refs)]
        self._session.flush()  # ORM writes of this transaction go first, in order
        connection = self._session.connection()
        # Plain executemany on the driver: SQLAlchemy's per-row parameter handling would cost
        # more than the inserts themselves (the store is always SQLite, qmark style).
        for sql, rows in (
            (_INSERT_NOTE, note_rows),
            (_INSERT_CRITERION, criteria),
            (_INSERT_TAG, tags),
            (_INSERT_ATTACHMENT, attachments),
            (_INSERT_PUPIL, pupils),
        ):
            if rows:
                connection.exec_driver_sql(sql, rows)
        return len(note_rows)

    def notes(self, review_id: str) -> list[EvidenceNote]:
        """Every note record of the review (superseded and retracted included), oldest first.

        :func:`reviewer_app.domain.review.current_notes` picks what a reader should see.
        """
        return self._load(col(EvidenceNoteRow.review_id) == review_id)

    def get_note(self, note_id: str) -> EvidenceNote | None:
        found = self._load(col(EvidenceNoteRow.id) == note_id)
        return found[0] if found else None

    def _load(self, which: ColumnElement[bool]) -> list[EvidenceNote]:
        """Notes matching ``which`` with their child rows: five queries, whatever the count.

        Plain column selects (no ORM objects) joined on the note filter: a review with 1,500
        notes loads in a few tens of milliseconds.
        """
        note_id = col(EvidenceNoteRow.id)
        # Seven columns: more than sqlmodel's typed select() takes, so a Core select.
        notes = (
            self._session.connection()
            .execute(
                sa_select(
                    note_id,
                    col(EvidenceNoteRow.review_id),
                    col(EvidenceNoteRow.author_id),
                    col(EvidenceNoteRow.text),
                    col(EvidenceNoteRow.captured_at),
                    col(EvidenceNoteRow.supersedes),
                    col(EvidenceNoteRow.retracted),
                )
                .where(which)
                .order_by(col(EvidenceNoteRow.captured_at), note_id)
            )
            .all()
        )
        if not notes:
            return []
        criteria: dict[str, list[str]] = {}
        for owner, value in self._session.exec(
            select(NoteCriterionRow.note_id, NoteCriterionRow.criterion_id)
            .join(EvidenceNoteRow, note_id == NoteCriterionRow.note_id)
            .where(which)
            .order_by(col(NoteCriterionRow.note_id), col(NoteCriterionRow.position))
        ):
            criteria.setdefault(owner, []).append(value)
        attachments: dict[str, list[str]] = {}
        for owner, value in self._session.exec(
            select(NoteAttachmentRow.note_id, NoteAttachmentRow.attachment_id)
            .join(EvidenceNoteRow, note_id == NoteAttachmentRow.note_id)
            .where(which)
            .order_by(col(NoteAttachmentRow.note_id), col(NoteAttachmentRow.position))
        ):
            attachments.setdefault(owner, []).append(value)
        pupils: dict[str, list[str]] = {}
        for owner, value in self._session.exec(
            select(NotePupilRow.note_id, NotePupilRow.pupil_ref)
            .join(EvidenceNoteRow, note_id == NotePupilRow.note_id)
            .where(which)
            .order_by(col(NotePupilRow.note_id), col(NotePupilRow.position))
        ):
            pupils.setdefault(owner, []).append(value)
        tags: dict[str, dict[str, str]] = {}
        for owner, kind, value in self._session.exec(
            select(NoteTagRow.note_id, NoteTagRow.kind, NoteTagRow.value)
            .join(EvidenceNoteRow, note_id == NoteTagRow.note_id)
            .where(which)
            .order_by(col(NoteTagRow.note_id), col(NoteTagRow.kind))
        ):
            tags.setdefault(owner, {})[kind] = value
        return [
            EvidenceNote(
                id=id_,
                review_id=review_id,
                author_id=author_id,
                text=text,
                captured_at=from_text(captured_at),
                criterion_ids=tuple(criteria.get(id_, ())),
                tags=tags.get(id_, {}),
                attachment_ids=tuple(attachments.get(id_, ())),
                pupil_refs=tuple(pupils.get(id_, ())),
                supersedes=supersedes,
                retracted=retracted,
            )
            for id_, review_id, author_id, text, captured_at, supersedes, retracted in notes
        ]

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
