# Longer than 600 lines because the capture bar, notes and files models live with the panel (to
# split: models/notes.py).
"""Evidence: the quick-capture bar, the notes list (model/view, fine with thousands of notes)
and the photos and files strip with a viewer.

The capture bar takes one line with tokens (``#y5 #maths @criterion +P7``, see
``domain.quick_capture``): Tab completes the token under the cursor (again to cycle), Enter
saves the note with the time it was typed, Escape clears (after asking). Notes without an
``@`` token are linked to the criterion the reviewer is on, which the bar shows.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QRect,
    QSize,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QFont, QFontMetrics, QIcon, QKeyEvent, QPainter, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from reviewer_app.domain.quick_capture import (
    CaptureVocabulary,
    ParsedCapture,
    completions,
    describe_tags,
    parse_capture,
    possible_names,
)
from reviewer_app.domain.record_kinds import Entity
from reviewer_app.domain.review import Attachment, EvidenceNote
from reviewer_app.gui.discard_guard import ask_to_discard
from reviewer_app.gui.review_editor.draft_signals import follow_records
from reviewer_app.gui.screen_fit import fit_window

if TYPE_CHECKING:
    from reviewer_app.services.review_draft import DraftChange, ReviewDraft

NoteRole = Qt.ItemDataRole.UserRole + 1
AttachmentRole = Qt.ItemDataRole.UserRole + 2


class QuickCaptureBar(QLineEdit):
    """One line for a timestamped, tagged note, entirely from the keyboard.

    Signals:
        captured(object): Enter on a line that parses (a ``ParsedCapture``).
        hint_changed(str): what the hint under the bar should say (completions or problems).
    """

    captured = Signal(object)
    hint_changed = Signal(str)

    def __init__(self, vocabulary: CaptureVocabulary, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.vocabulary = vocabulary
        self.setObjectName("quickCapture")
        self.setPlaceholderText("Type a note… #y5 #maths #room:14 @criterion, Enter to save")
        self.setAccessibleName("New evidence note")
        self.setAccessibleDescription(
            "Type what you saw. Tag it with #year, #subject, #room:name or #pupil group, link "
            "criteria with @ and their name; Tab completes a tag, Enter saves the note."
        )
        self._cycle: tuple[int, int, list[str], int] | None = None
        self._warned_line: str | None = None  # a line that seemed to name someone, shown once
        #: The open "Discard what you typed?" question, if any (Escape on a typed line).
        self.discard_question: QMessageBox | None = None
        self.textEdited.connect(self._text_edited)

    def _discard(self) -> None:
        self.clear()
        self.hint_changed.emit("")
        self.setFocus()

    def _token_at_cursor(self) -> tuple[int, int, str]:
        text = self.text()
        cursor = self.cursorPosition()
        start = text.rfind(" ", 0, cursor) + 1
        end = text.find(" ", cursor)
        end = len(text) if end < 0 else end
        return start, end, text[start:end]

    def _text_edited(self, _text: str) -> None:
        self._cycle = None
        _start, _end, token = self._token_at_cursor()
        options = completions(token, self.vocabulary) if token[:1] in ("#", "@") else []
        if options:
            self.hint_changed.emit("Tab: " + "  ·  ".join(self.shown(o) for o in options[:6]))
        else:
            self.hint_changed.emit("")

    def complete(self) -> bool:
        """Complete (or cycle) the token under the cursor. False when there is nothing to do."""
        if self._cycle is not None:
            start, end, options, index = self._cycle
            index = (index + 1) % len(options)
        else:
            start, end, token = self._token_at_cursor()
            options = completions(token, self.vocabulary)
            if not options:
                return False
            index = 0
        choice = options[index]
        text = self.text()
        suffix = "" if choice.endswith(":") else " "
        rest = text[end:]
        if suffix and rest.startswith(" "):
            suffix = ""
        new_text = text[:start] + choice + suffix + rest
        self.setText(new_text)
        self.setCursorPosition(start + len(choice) + len(suffix))
        self._cycle = (start, start + len(choice), options, index)
        self.hint_changed.emit(
            "Tab: "
            + "  ·  ".join(
                f"[{self.shown(o)}]" if i == index else self.shown(o)
                for i, o in enumerate(options[:6])
            )
        )
        return True

    def shown(self, option: str) -> str:
        """A completion as the person reads it: a criterion by its title, a tag as typed."""
        if option.startswith("@"):
            title = next(
                (c.title for c in self.vocabulary.criteria if c.criterion_id == option[1:]), None
            )
            if title is not None:
                return title
        return option

    def event(self, event) -> bool:
        if (
            event.type() == event.Type.KeyPress
            and event.key() == Qt.Key.Key_Tab
            and not event.modifiers()
            and self.complete()
        ):
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.submit()
            return
        if event.key() == Qt.Key.Key_Escape and self.text():
            # Escape clears the line, after asking: a note typed and lost is gone for good.
            if self.discard_question is None or not self.discard_question.isVisible():
                self.discard_question = ask_to_discard(
                    self, "The note in the capture bar has not been saved.", self._discard
                )
            return
        super().keyPressEvent(event)

    def submit(self) -> ParsedCapture | None:
        """Parse the line; emit ``captured`` and clear when it parses, else say what is wrong."""
        parsed = parse_capture(self.text(), self.vocabulary)
        if parsed.problems:
            self.hint_changed.emit("Not saved: " + " ".join(parsed.problems))
            return None
        if not parsed.text:
            self.hint_changed.emit("Type what you saw before pressing Enter.")
            return None
        names = possible_names(parsed.text, self.vocabulary)
        if names and self._warned_line != self.text():
            # Not refused outright (a scheme or a place can look like a name), but never
            # saved without the reviewer seeing the warning and choosing to save it.
            self._warned_line = self.text()
            self.hint_changed.emit(
                "Not saved yet: "
                + ", ".join(f"“{n}”" for n in names)
                + (" looks" if len(names) == 1 else " look")
                + " like a person's name. Pupils are recorded only as references such as +P7, "
                "and staff by their role. Change it, or press Enter again to save it as typed."
            )
            return None
        self._warned_line = None
        self.captured.emit(parsed)
        self.clear()
        self.hint_changed.emit("")
        return parsed


class NotesModel(QAbstractListModel):
    """The review's evidence notes, newest first."""

    def __init__(
        self,
        name_of: Callable[[str], str],
        criterion_title: Callable[[str], str],
        describe: Callable[[dict[str, str]], str],
        parent=None,
    ) -> None:
        super().__init__(parent)
        self._notes: list[EvidenceNote] = []
        self._name_of = name_of
        self._criterion_title = criterion_title
        self._describe = describe

    def set_notes(self, notes: Sequence[EvidenceNote]) -> None:
        self.beginResetModel()
        self._notes = sorted(notes, key=lambda n: (n.captured_at, n.id), reverse=True)
        self.endResetModel()

    def add(self, note: EvidenceNote) -> None:
        self.beginInsertRows(QModelIndex(), 0, 0)
        self._notes.insert(0, note)
        self.endInsertRows()

    def remove(self, note_id: str) -> None:
        for row, note in enumerate(self._notes):
            if note.id == note_id:
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._notes[row]
                self.endRemoveRows()
                return

    def notes(self) -> list[EvidenceNote]:
        return list(self._notes)

    def draft_changed(self, draft: ReviewDraft, change: DraftChange) -> None:
        """Add and remove the notes a change names (all of them, once read)."""
        if change.touches(Entity.EVIDENCE_NOTE):
            shown = {n.id for n in self._notes}
            follow_records(
                draft.ctx.notes,
                change,
                shown,
                add=self.add,
                remove=self.remove,
                reset=self.set_notes,
            )

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self._notes)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        note = self._notes[index.row()]
        if role == NoteRole:
            return note
        if role == Qt.ItemDataRole.DisplayRole:
            return note.text
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{self.meta(note)}. {note.text}. {self.detail(note)}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return note.text
        return None

    def meta(self, note: EvidenceNote) -> str:
        when = note.captured_at.astimezone()
        return f"{when:%H:%M} · {when.day} {when:%b} · {self._name_of(note.author_id)}"

    def detail(self, note: EvidenceNote) -> str:
        parts = []
        if note.tags:
            parts.append(self._describe(dict(note.tags)))
        if note.criterion_ids:
            parts.append(
                "Supports: " + "; ".join(self._criterion_title(c) for c in note.criterion_ids)
            )
        if note.pupil_refs:
            parts.append("Pupils: " + ", ".join(note.pupil_refs))
        if note.attachment_ids:
            count = len(note.attachment_ids)
            parts.append(f"{count} file" + ("" if count == 1 else "s"))
        return " · ".join(parts)


class NoteFilter(QSortFilterProxyModel):
    """Shows the notes of one criterion (or all) that contain the search words."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.criterion_id: str | None = None
        self.words: list[str] = []

    def set_criterion(self, criterion_id: str | None) -> None:
        if criterion_id == self.criterion_id:
            return
        self.beginFilterChange()
        self.criterion_id = criterion_id
        self.endFilterChange()

    def set_search(self, text: str) -> None:
        self.beginFilterChange()
        self.words = text.casefold().split()
        self.endFilterChange()

    def filterAcceptsRow(self, row: int, parent) -> bool:
        if self.criterion_id is None and not self.words:
            return True
        note: EvidenceNote = self.sourceModel().index(row, 0, parent).data(NoteRole)
        if self.criterion_id is not None and self.criterion_id not in note.criterion_ids:
            return False
        if self.words:
            haystack = (note.text + " " + " ".join(note.tags.values())).casefold()
            return all(word in haystack for word in self.words)
        return True


class NoteDelegate(QStyledItemDelegate):
    """Paints a note in three lines: time and author, the text, tags and criteria."""

    def __init__(self, model: NotesModel, parent=None) -> None:
        super().__init__(parent)
        self.model = model

    def sizeHint(self, option: QStyleOptionViewItem, index) -> QSize:
        line = QFontMetrics(option.font).lineSpacing()
        return QSize(240, 3 * line + 18)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index) -> None:
        note: EvidenceNote = index.data(NoteRole)
        painter.save()
        style = option.widget.style() if option.widget else None
        if style is not None:
            style.drawPrimitive(
                QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, option.widget
            )
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        palette = option.palette
        text_colour = palette.highlightedText().color() if selected else palette.text().color()
        muted = palette.placeholderText().color() if not selected else text_colour
        rect: QRect = option.rect.adjusted(10, 6, -10, -6)
        line = QFontMetrics(option.font).lineSpacing()
        small = QFont(option.font)
        small.setPointSizeF(max(7.0, option.font.pointSizeF() * 0.88))
        painter.setFont(small)
        painter.setPen(muted)
        painter.drawText(
            QRect(rect.left(), rect.top(), rect.width(), line),
            Qt.AlignmentFlag.AlignLeft,
            self.model.meta(note),
        )
        painter.setFont(option.font)
        painter.setPen(text_colour)
        metrics = QFontMetrics(option.font)
        painter.drawText(
            QRect(rect.left(), rect.top() + line, rect.width(), line),
            Qt.AlignmentFlag.AlignLeft,
            metrics.elidedText(note.text, Qt.TextElideMode.ElideRight, rect.width()),
        )
        painter.setFont(small)
        painter.setPen(muted)
        detail = QFontMetrics(small).elidedText(
            self.model.detail(note), Qt.TextElideMode.ElideRight, rect.width()
        )
        painter.drawText(
            QRect(rect.left(), rect.top() + 2 * line + 2, rect.width(), line),
            Qt.AlignmentFlag.AlignLeft,
            detail,
        )
        painter.restore()


class AttachmentsModel(QAbstractListModel):
    """Photos and files as thumbnails; a thumbnail is read from the store when first shown.

    ``load_thumbnail(attachment, done)`` reads and scales off the GUI thread and calls
    ``done(attachment_id, QImage or None)`` on it.
    """

    def __init__(self, load_thumbnail: Callable[[Attachment], None], parent=None) -> None:
        super().__init__(parent)
        self._items: list[Attachment] = []
        self._icons: dict[str, QIcon] = {}
        self._asked: set[str] = set()
        self._waiting: list[Attachment] = []
        self._load = load_thumbnail

    def _load_waiting(self) -> None:
        waiting, self._waiting = self._waiting, []
        for item in waiting:
            self._load(item)

    def set_attachments(self, attachments: Sequence[Attachment]) -> None:
        self.beginResetModel()
        self._items = list(attachments)
        self.endResetModel()

    def add(self, attachment: Attachment) -> None:
        row = len(self._items)
        self.beginInsertRows(QModelIndex(), row, row)
        self._items.append(attachment)
        self.endInsertRows()

    def remove(self, attachment_id: str) -> None:
        for row, item in enumerate(self._items):
            if item.id == attachment_id:
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._items[row]
                self.endRemoveRows()
                return

    def attachments(self) -> list[Attachment]:
        return list(self._items)

    def draft_changed(self, draft: ReviewDraft, change: DraftChange) -> None:
        """Add and remove the photos and files a change names."""
        if change.touches(Entity.ATTACHMENT) and change.record_ids:
            shown = {a.id for a in self._items}
            follow_records(
                draft.ctx.attachments,
                change,
                shown,
                add=self.add,
                remove=self.remove,
                reset=self.set_attachments,
            )

    def thumbnail_ready(self, attachment_id: str, pixmap: QPixmap | None) -> None:
        if pixmap is None or pixmap.isNull():
            return
        self._icons[attachment_id] = QIcon(pixmap)
        for row, item in enumerate(self._items):
            if item.id == attachment_id:
                index = self.index(row, 0)
                self.dataChanged.emit(index, index, [Qt.ItemDataRole.DecorationRole])

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self._items)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        item = self._items[index.row()]
        if role == AttachmentRole:
            return item
        if role == Qt.ItemDataRole.DisplayRole:
            return item.filename
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{item.filename}, {item.size // 1024 or 1} KB"
        if role == Qt.ItemDataRole.DecorationRole:
            icon = self._icons.get(item.id)
            if icon is None and item.media_type.startswith("image/") and item.id not in self._asked:
                self._asked.add(item.id)
                # Read after this paint: forty photos must not slow the first screen down.
                if not self._waiting:
                    QTimer.singleShot(0, self, self._load_waiting)
                self._waiting.append(item)
            # Every item has a picture, or the uniform item size taken from a file without one
            # squeezes every thumbnail into a line of text.
            return icon if icon is not None else self._file_icon()
        return None

    def thumbnail(self, attachment_id: str) -> QIcon | None:
        """The photo's own thumbnail, once read (None for a file, or a photo still loading)."""
        return self._icons.get(attachment_id)

    def _file_icon(self) -> QIcon:
        return QApplication.style().standardIcon(QStyle.StandardPixmap.SP_FileIcon)


class AttachmentViewer(QDialog):
    """A photo at a readable size, or a file's name and size, with its author and time."""

    def __init__(self, attachment: Attachment, data: bytes, author: str, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(attachment.filename)
        self.setAccessibleName(f"Viewer for {attachment.filename}")
        layout = QVBoxLayout(self)
        image = QPixmap()
        if attachment.media_type.startswith("image/") and image.loadFromData(data):
            picture = QLabel()
            picture.setPixmap(
                image.scaled(
                    900,
                    640,
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
                if image.width() > 900 or image.height() > 640
                else image
            )
            picture.setAccessibleName(f"Photo {attachment.filename}")
            scroll = QScrollArea()
            scroll.setWidget(picture)
            scroll.setWidgetResizable(True)
            layout.addWidget(scroll, 1)
        else:
            layout.addWidget(QLabel(f"{attachment.filename} ({attachment.media_type})"))
        added = attachment.added_at.astimezone()
        caption = QLabel(
            f"Added by {author} at {added:%H:%M} on {added.day} {added:%B %Y} · "
            f"{len(data) // 1024 or 1} KB, stored encrypted"
        )
        caption.setProperty("role", "muted")
        layout.addWidget(caption)
        close = QPushButton("Close")
        close.clicked.connect(self.accept)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignRight)
        fit_window(self, "attachmentViewer", (760, 560))


class EvidencePanel(QWidget):
    """The evidence side of the editor: capture bar, hint, filters, notes and attachments.

    Signals:
        attach_requested(): the person asked to attach files (file dialog).
        attachment_opened(object): open the viewer on an ``Attachment``.
        note_retract_requested(object): withdraw the chosen ``EvidenceNote``.
        note_edit_requested(object): change the chosen ``EvidenceNote`` (F2 or Enter on it, or
            a double-click).
    """

    attach_requested = Signal()
    attachment_opened = Signal(object)
    note_retract_requested = Signal(object)
    note_edit_requested = Signal(object)

    def __init__(
        self,
        vocabulary: CaptureVocabulary,
        notes_model: NotesModel,
        attachments_model: AttachmentsModel,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("evidencePanel")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 14, 14, 14)
        layout.setSpacing(8)
        title = QLabel("Evidence")
        title.setProperty("role", "subheading")
        layout.addWidget(title)
        self.capture = QuickCaptureBar(vocabulary)
        layout.addWidget(self.capture)
        self.link_label = QLabel()
        self.link_label.setProperty("role", "muted")
        self.link_label.setWordWrap(True)
        layout.addWidget(self.link_label)
        self.hint = QLabel()
        self.hint.setObjectName("captureHint")
        self.hint.setWordWrap(True)
        self.hint.setProperty("role", "hint")
        self.hint.hide()
        self.capture.hint_changed.connect(self.show_hint)
        layout.addWidget(self.hint)

        row = QHBoxLayout()
        self.scope = QComboBox()
        self.scope.setAccessibleName("Which notes to show")
        self.scope.setAccessibleDescription(
            "The notes linked to the criterion you are on, or all the review's notes."
        )
        self.scope.addItem("This criterion", "criterion")
        self.scope.addItem("All notes", "all")
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search notes")
        self.search.setAccessibleName("Search the evidence notes")
        self.search.setAccessibleDescription(
            "Type words to show only the notes, and their tags, that contain them."
        )
        self.search.setClearButtonEnabled(True)
        row.addWidget(self.scope)
        row.addWidget(self.search, 1)
        layout.addLayout(row)

        self.notes_model = notes_model
        self.filter = NoteFilter(self)
        self.filter.setSourceModel(notes_model)
        self.notes_view = QListView()
        self.notes_view.setObjectName("notesList")
        self.notes_view.setAccessibleName("Evidence notes, newest first")
        self.notes_view.setAccessibleDescription(
            "Each note with its time, author, tags and the criteria it supports. F2 or Enter "
            "changes the chosen note of yours and the criteria it supports; Delete withdraws "
            "it; Ctrl+Z brings it back."
        )
        self.notes_view.setModel(self.filter)
        self.notes_view.setItemDelegate(NoteDelegate(notes_model, self.notes_view))
        self.notes_view.setUniformItemSizes(True)
        self.notes_view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.notes_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.notes_view.installEventFilter(self)
        self.notes_view.activated.connect(
            lambda index: self.note_edit_requested.emit(index.data(NoteRole))
        )
        layout.addWidget(self.notes_view, 1)
        self.count_label = QLabel()
        self.count_label.setProperty("role", "muted")
        layout.addWidget(self.count_label)

        files_row = QHBoxLayout()
        files_title = QLabel("Photos and files")
        files_title.setProperty("role", "fieldLabel")
        files_row.addWidget(files_title)
        files_row.addStretch(1)
        self.attach_button = QPushButton("Attach…")
        self.attach_button.setAccessibleName("Attach photos or files")
        self.attach_button.setAccessibleDescription(
            "Opens the file dialog (Ctrl+Shift+A). Files can also be dropped anywhere on the "
            "window. They are stored encrypted and go with the next note."
        )
        self.attach_button.setToolTip(
            "Attach photos or files (Ctrl+Shift+A), or drop them on the window"
        )
        self.attach_button.clicked.connect(self.attach_requested)
        files_row.addWidget(self.attach_button)
        layout.addLayout(files_row)
        self.pending_label = QLabel()
        self.pending_label.setProperty("role", "muted")
        self.pending_label.hide()
        layout.addWidget(self.pending_label)
        self.attachments_view = QListView()
        self.attachments_view.setObjectName("attachmentsList")
        self.attachments_view.setAccessibleName("Photos and files, stored encrypted")
        self.attachments_view.setAccessibleDescription(
            "Thumbnails of the review's photos and files; Enter opens the chosen one."
        )
        self.attachments_view.setModel(attachments_model)
        self.attachments_view.setViewMode(QListView.ViewMode.IconMode)
        self.attachments_view.setFlow(QListView.Flow.LeftToRight)
        self.attachments_view.setWrapping(False)
        # Big enough to tell one photo from another, with the file name on two lines under it;
        # the strip is as tall as one row of them plus its scroll bar.
        line = self.attachments_view.fontMetrics().lineSpacing()
        self.attachments_view.setIconSize(QSize(112, 84))
        self.attachments_view.setGridSize(QSize(132, 84 + 2 * line + 14))
        self.attachments_view.setWordWrap(True)
        self.attachments_view.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.attachments_view.setUniformItemSizes(True)
        self.attachments_view.setFixedHeight(84 + 2 * line + 14 + 22)
        self.attachments_view.setMovement(QListView.Movement.Static)
        self.attachments_view.activated.connect(
            lambda index: self.attachment_opened.emit(index.data(AttachmentRole))
        )
        layout.addWidget(self.attachments_view)

        self.scope.currentIndexChanged.connect(lambda _i: self._scope_changed())
        self.search.textChanged.connect(self._search_changed)
        self.filter.rowsInserted.connect(lambda *_: self.update_count())
        self.filter.rowsRemoved.connect(lambda *_: self.update_count())
        self.filter.modelReset.connect(self.update_count)
        self.current_criterion: str | None = None
        self.update_count()

    def show_hint(self, text: str) -> None:
        self.hint.setText(text)
        self.hint.setVisible(bool(text))
        self.hint.setProperty("problem", text.startswith(("Not saved", "Not withdrawn")))
        self.hint.style().polish(self.hint)

    def set_current_criterion(self, criterion_id: str | None, title: str) -> None:
        self.current_criterion = criterion_id
        if criterion_id:
            self.link_label.setText(f"New notes support: {title} (add @ to choose others)")
        else:
            self.link_label.setText("New notes are not linked to a criterion (add @ to link one)")
        self._scope_changed()

    def _scope_changed(self) -> None:
        everything = self.scope.currentData() == "all" or self.current_criterion is None
        self.filter.set_criterion(None if everything else self.current_criterion)
        self.update_count()

    def _search_changed(self, text: str) -> None:
        self.filter.set_search(text)
        self.update_count()

    def update_count(self) -> None:
        shown, total = self.filter.rowCount(), self.notes_model.rowCount()
        self.count_label.setText(
            f"{total} note" + ("" if total == 1 else "s")
            if shown == total
            else f"Showing {shown} of {total} notes"
        )

    def draft_changed(self, draft: ReviewDraft, change: DraftChange) -> None:
        """The count of notes, the files waiting for the next note, and the lock."""
        if change.touches(Entity.EVIDENCE_NOTE):
            self.update_count()
        if change.touches(Entity.ATTACHMENT):
            self.set_pending_files(len(draft.pending_attachments), draft.saving_files)
        if change.touches(Entity.REVIEW):
            self.capture.setEnabled(not draft.read_only)
            self.attach_button.setEnabled(not draft.read_only)

    def set_pending_files(self, count: int, saving: Collection[str] = ()) -> None:
        """Say which files are being stored now (a large photo takes a moment; typing goes on
        meanwhile) and how many wait for the next note."""
        parts = []
        if saving:
            parts.append("Saving " + ", ".join(sorted(saving)) + "…")
        if count:
            goes = "file goes" if count == 1 else "files go"
            parts.append(f"{count} {goes} with the next note")
        self.pending_label.setText(" · ".join(parts))
        self.pending_label.setVisible(bool(parts))

    def eventFilter(self, watched, event) -> bool:
        # On the chosen note: Delete withdraws it, F2 opens it to change.
        keys = {
            Qt.Key.Key_Delete: self.note_retract_requested,
            Qt.Key.Key_F2: self.note_edit_requested,
        }
        if watched is self.notes_view and event.type() == event.Type.KeyPress:
            signal = keys.get(event.key())
            index = self.notes_view.currentIndex()
            if signal is not None and index.isValid():
                signal.emit(index.data(NoteRole))
                return True
        return super().eventFilter(watched, event)


def now_text() -> str:
    return f"{datetime.now():%H:%M}"


__all__ = [
    "AttachmentViewer",
    "AttachmentsModel",
    "EvidencePanel",
    "NotesModel",
    "QuickCaptureBar",
    "describe_tags",
]
