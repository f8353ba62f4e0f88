"""Quick capture does not trip a reviewer: `@` suggestions name criteria by their titles, typing
goes on (and is kept) while a large photo is stored, with a line saying so, thumbnails are
readable with their file names, and a photo still waiting for "the next note" when the review
closes is saved with a note of its own."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QPushButton

from reviewer_app.domain.visits import VisitStatus
from support.fixture_trust import CEDAR, LEAD

SCHOOL = CEDAR


def _large_photo(folder: Path) -> Path:
    """A real photo of several megabytes (noise does not compress), as from a phone."""
    image = QImage(1800, 1200, QImage.Format.Format_RGB32)
    image.fill(QColor("#3C9A5F"))
    noise = os.urandom(1800 * 1200 * 4)
    image = QImage(noise, 1800, 1200, QImage.Format.Format_RGB32).copy()
    path = folder / "hall-display.png"
    assert image.save(str(path))
    return path


def test_at_suggestions_name_criteria_by_their_titles(drive, qtbot) -> None:
    shell = drive.start(LEAD)
    editor = drive.open(
        shell, drive.visit(shell, SCHOOL, "learning-walk", status=VisitStatus.IN_PROGRESS)
    )
    capture = editor.evidence.capture
    titles = {c.criterion_id: c.title for c in capture.vocabulary.criteria}
    drive.activate(editor)
    qtbot.keyClick(editor, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(capture, "Calm start @ada")
    hint = editor.evidence.hint.text()
    assert hint.startswith("Tab: ")
    assert titles["adaptive-access"] in hint
    assert "adaptive-access" not in hint, "no internal id on screen"
    qtbot.keyClick(capture, Qt.Key.Key_Tab)
    # Tab completes the first suggestion; the hint marks it by its title.
    chosen = capture.text().split("@", 1)[1].strip()
    assert editor.evidence.hint.text().startswith(f"Tab: [{titles[chosen]}]")
    assert "@" not in editor.evidence.hint.text()


def test_typing_goes_on_while_a_large_photo_is_stored_and_a_waiting_photo_is_kept_on_close(
    drive, photo, tmp_path, qtbot
) -> None:
    shell = drive.start(LEAD)
    visit = drive.visit(shell, SCHOOL, "learning-walk", status=VisitStatus.IN_PROGRESS)
    editor = drive.open(shell, visit)
    records = shell.workspace.reviews
    review_id = editor.ctx.review.id
    large = _large_photo(tmp_path)
    assert large.stat().st_size > 5_000_000

    drive.activate(editor)
    qtbot.keyClick(editor, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    capture = editor.evidence.capture
    drive.drop_on(capture, [large])
    # The file is stored off the GUI thread: the line says so and the keyboard stays live.
    assert editor.evidence.pending_label.text().startswith("Saving hall-display.png…")
    qtbot.keyClicks(capture, "Year 5 reading corner is inviting")
    assert capture.text() == "Year 5 reading corner is inviting"
    drive.wait_saved(editor)
    assert capture.text() == "Year 5 reading corner is inviting", "nothing typed was lost"
    assert editor.evidence.pending_label.text() == "1 file goes with the next note"
    qtbot.keyClick(capture, Qt.Key.Key_Return)
    drive.wait_saved(editor)
    note = next(n for n in records.notes(review_id) if n.text.startswith("Year 5 reading"))
    assert len(note.attachment_ids) == 1

    # Thumbnails are readable pictures with their file names under them.
    view = editor.evidence.attachments_view
    qtbot.waitUntil(lambda: view.model().rowCount() > 0)
    row = view.model().rowCount() - 1
    photo_id = view.model().attachments()[row].id
    view.model().index(row, 0).data(Qt.ItemDataRole.DecorationRole)
    qtbot.waitUntil(lambda: view.model().thumbnail(photo_id) is not None)
    qtbot.wait(50)
    rect = view.visualRect(view.model().index(row, 0))
    assert view.iconSize().width() >= 96
    assert view.iconSize().height() >= 72
    assert rect.height() >= view.iconSize().height() + view.fontMetrics().height()
    assert view.viewport().height() >= rect.height()
    assert view.model().index(row, 0).data() == "hall-display.png"
    editor.evidence.grab().save(str(tmp_path / "evidence-panel.png"))

    # A photo attached and the review closed before any note: it is kept with a note of its own.
    wall = photo("working-wall.png", "#1F5FAD")
    drive.drop_on(capture, [wall])
    drive.wait_saved(editor)
    assert editor.evidence.pending_label.text() == "1 file goes with the next note"
    editor.close()
    qtbot.waitUntil(
        lambda: any(n.text == "Photo attached: working-wall.png" for n in records.notes(review_id)),
        timeout=10_000,
    )
    kept = next(n for n in records.notes(review_id) if n.text == "Photo attached: working-wall.png")
    stored = {a.id: a.filename for a in records.attachments(review_id)}
    assert [stored[i] for i in kept.attachment_ids] == ["working-wall.png"]


def test_a_note_is_changed_and_relinked_as_a_correction_that_keeps_its_history(
    drive, qtbot
) -> None:
    from reviewer_app.gui.review_editor.note_dialog import NoteDialog

    shell = drive.start(LEAD)
    editor = drive.open(
        shell, drive.visit(shell, SCHOOL, "learning-walk", status=VisitStatus.IN_PROGRESS)
    )
    records = shell.workspace.reviews
    review_id = editor.ctx.review.id
    drive.capture(editor, "Pupils explain thier reasoning @adaptive-access")
    drive.wait_saved(editor)
    original = next(n for n in records.notes(review_id) if n.text.startswith("Pupils explain"))

    # F2 on the note in the list opens it; the criteria are listed by title, ticked as linked.
    view = editor.evidence.notes_view
    editor.evidence.scope.setCurrentIndex(1)  # "All evidence"
    row = next(
        r
        for r in range(view.model().rowCount())
        if view.model().index(r, 0).data().startswith("Pupils explain")
    )
    view.setFocus()
    view.setCurrentIndex(view.model().index(row, 0))
    qtbot.keyClick(view, Qt.Key.Key_F2)
    dialog = editor.findChild(NoteDialog)
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    titles = {c.id: c.title for c in editor.ctx.framework.criteria()}
    items = [dialog.criteria_list.item(r) for r in range(dialog.criteria_list.count())]
    assert [i.text() for i in items] == list(titles.values())
    ticked = [i.text() for i in items if i.checkState() == Qt.CheckState.Checked]
    assert ticked == [titles["adaptive-access"]]

    dialog.text_edit.setFocus()
    dialog.text_edit.selectAll()
    qtbot.keyClicks(dialog.text_edit, "Pupils explain their reasoning")
    other = next(i for i in items if i.checkState() != Qt.CheckState.Checked)
    dialog.criteria_list.setFocus()
    dialog.criteria_list.setCurrentItem(other)
    qtbot.keyClick(dialog.criteria_list, Qt.Key.Key_Space)
    assert other.checkState() == Qt.CheckState.Checked
    other_id = other.data(Qt.ItemDataRole.UserRole)
    save = next(b for b in dialog.findChildren(QPushButton) if b.text() == "&Save changes")
    qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    drive.wait_saved(editor)

    current = [n for n in records.notes(review_id) if n.text.startswith("Pupils explain")]
    assert [n.text for n in current] == ["Pupils explain their reasoning"]
    corrected = current[0]
    assert corrected.supersedes == original.id
    assert set(corrected.criterion_ids) == {"adaptive-access", other_id}
    # History kept: the first wording is still in the store, superseded.
    history = records.notes(review_id, include_history=True)
    assert original.id in {n.id for n in history}
    # The list shows the changed note once, and not the old one.
    shown = [
        view.model().index(r, 0).data()
        for r in range(view.model().rowCount())
        if view.model().index(r, 0).data().startswith("Pupils explain")
    ]
    assert shown == ["Pupils explain their reasoning"]

    # Ctrl+Z stores the first wording and links again, as a new correction (history grows);
    # Ctrl+Shift+Z stores the change again.
    def shown_texts() -> list[str]:
        return [
            view.model().index(r, 0).data()
            for r in range(view.model().rowCount())
            if view.model().index(r, 0).data().startswith("Pupils explain")
        ]

    drive.activate(editor)
    assert editor.undo_action.text() == "&Undo change an evidence note"
    qtbot.keyClick(editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    drive.wait_saved(editor)
    current = [n for n in records.notes(review_id) if n.text.startswith("Pupils explain")]
    assert [(n.text, n.criterion_ids) for n in current] == [(original.text, original.criterion_ids)]
    assert current[0].supersedes == corrected.id
    assert current[0].id not in (original.id, corrected.id)
    qtbot.waitUntil(lambda: shown_texts() == [original.text], timeout=20_000)

    qtbot.keyClick(
        editor,
        Qt.Key.Key_Z,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    drive.wait_saved(editor)
    redone = [n for n in records.notes(review_id) if n.text.startswith("Pupils explain")]
    assert [n.text for n in redone] == ["Pupils explain their reasoning"]
    assert set(redone[0].criterion_ids) == {"adaptive-access", other_id}
    assert redone[0].supersedes == current[0].id
    qtbot.waitUntil(lambda: shown_texts() == ["Pupils explain their reasoning"], timeout=20_000)
    history = records.notes(review_id, include_history=True)
    assert len([n for n in history if n.text.startswith("Pupils explain")]) == 4
