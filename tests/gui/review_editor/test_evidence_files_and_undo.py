"""Photos and files reach a review by drag and drop (a real QDropEvent with file URLs) and by
the file dialog, are stored encrypted and content-addressed, shown as thumbnails and opened in
the viewer from the keyboard; undo and redo work across the editor, for notes, ratings, fields,
withdrawals and actions, even when the undo comes before the write has landed."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit, QListView

from reviewer_app.domain.review import Priority, ReviewState
from reviewer_app.domain.visits import VisitStatus
from reviewer_app.gui.review_editor.actions_page import ActionsPage
from reviewer_app.gui.review_editor.evidence_panel import AttachmentViewer
from support.fixture_trust import CEDAR, LEAD, PEER

SCHOOL = CEDAR


def test_photos_and_files_dropped_on_the_editor(drive, photo, tmp_path, qtbot) -> None:
    shell = drive.start(LEAD)
    visit = drive.visit(shell, SCHOOL, "learning-walk", status=VisitStatus.IN_PROGRESS)
    editor = drive.open(shell, visit)
    records = shell.workspace.reviews
    review_id = editor.ctx.review.id
    before = len(records.attachments(review_id))

    wall = photo("working-wall.png", "#1F5FAD")
    board = photo("whiteboard.png", "#C0392B")
    plan = tmp_path / "lesson-plan.pdf"
    plan.write_bytes(b"%PDF-1.4\n% lesson plan (invented)\n")

    # Dropped on the notes list (which takes no drops itself): the drop reaches the editor.
    entered, dropped = drive.drop_on(editor.evidence.notes_view.viewport(), [wall, plan])
    assert (entered, dropped) == (True, True)
    # Dropped on the capture bar: attached, not pasted in as a path.
    capture = editor.evidence.capture
    entered, dropped = drive.drop_on(capture, [board])
    assert (entered, dropped) == (True, True)
    assert capture.text() == ""
    drive.wait_saved(editor)

    stored = records.attachments(review_id)[before:]
    assert [(a.filename, a.media_type) for a in stored] == [
        ("working-wall.png", "image/png"),
        ("lesson-plan.pdf", "application/pdf"),
        ("whiteboard.png", "image/png"),
    ]
    assert records.attachment_data(stored[0]) == wall.read_bytes()
    assert records.attachment_data(stored[1]) == plan.read_bytes()
    # Encrypted at rest: the photo's bytes are nowhere in the store's file.
    store_files = list(drive.paths.data.glob("*.db"))
    assert store_files
    marker = wall.read_bytes()[-64:]
    assert all(marker not in f.read_bytes() for f in store_files)
    # Content-addressed: dropping the same photo again stores no second copy of its content.
    drive.drop_on(editor.evidence.notes_view.viewport(), [wall])
    drive.wait_saved(editor)
    again = records.attachments(review_id)[-1]
    assert again.sha256 == stored[0].sha256

    # The next note carries the files dropped since the last note.
    assert "4 files go with the next note" in editor.evidence.pending_label.text()
    drive.capture(editor, "Working wall and plan for the Year 5 unit #y5 @adaptive-access")
    drive.wait_saved(editor)
    note = next(n for n in records.notes(review_id) if n.text.startswith("Working wall"))
    assert len(note.attachment_ids) == 4
    assert not editor.evidence.pending_label.isVisible()

    # Thumbnails for photos (read off the GUI thread), a plain file picture for the PDF.
    model = editor.attachments_model
    rows = {model.index(r, 0).data(): model.index(r, 0) for r in range(model.rowCount())}
    ids = {a.filename: a.id for a in stored}
    for name in ("working-wall.png", "whiteboard.png"):
        rows[name].data(Qt.ItemDataRole.DecorationRole)
    qtbot.waitUntil(
        lambda: (
            model.thumbnail(ids["working-wall.png"]) is not None
            and model.thumbnail(ids["whiteboard.png"]) is not None
        ),
        timeout=10_000,
    )
    icon = rows["working-wall.png"].data(Qt.ItemDataRole.DecorationRole)
    assert icon.pixmap(72, 72).toImage().pixelColor(36, 36).name() == "#1f5fad"
    assert model.thumbnail(ids["lesson-plan.pdf"]) is None
    assert rows["lesson-plan.pdf"].data(Qt.ItemDataRole.DecorationRole) is not None

    # The viewer, from the keyboard: Enter on a thumbnail.
    view = editor.evidence.attachments_view
    view.setFocus()
    view.setCurrentIndex(rows["whiteboard.png"])
    qtbot.keyClick(view, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: editor.findChild(AttachmentViewer) is not None, timeout=10_000)
    viewer = editor.findChild(AttachmentViewer)
    assert viewer.windowTitle() == "whiteboard.png"
    picture = next(
        label
        for label in viewer.findChildren(type(editor.banner))
        if label.pixmap() is not None and not label.pixmap().isNull()
    )
    assert (picture.pixmap().width(), picture.pixmap().height()) == (320, 240)
    assert picture.pixmap().toImage().pixelColor(10, 10).name() == "#c0392b"
    assert any(
        f"Added by {LEAD}" in label.text() for label in viewer.findChildren(type(editor.banner))
    )
    viewer.accept()

    # A file that cannot be read is not attached, and the indicator says so in words.
    entered, dropped = drive.drop_on(editor.evidence.notes_view.viewport(), [tmp_path])
    qtbot.waitUntil(lambda: editor.saved_indicator.property("state") == "failed", timeout=10_000)
    assert editor.saved_indicator.text() == (
        f"Not saved: {tmp_path.name} could not be read, so it was not attached."
    )


def test_no_drops_on_a_signed_review(drive, photo) -> None:
    shell = drive.start(LEAD)
    visit = drive.visit(shell, SCHOOL, "learning-walk", status=VisitStatus.IN_PROGRESS)
    editor = drive.open(shell, visit)
    shell.workspace.reviews.set_state(editor.ctx.review.id, ReviewState.SIGNED)
    editor.close()
    editor = drive.open(shell, visit)
    count = editor.attachments_model.rowCount()
    entered, dropped = drive.drop_on(editor.evidence.notes_view.viewport(), [photo("late.png")])
    assert (entered, dropped) == (False, False)
    assert editor.attachments_model.rowCount() == count
    assert editor.choose_files() is None


def test_files_chosen_in_the_file_dialog(drive, photo, tmp_path, qtbot) -> None:
    shell = drive.start(LEAD)
    visit = drive.visit(shell, SCHOOL, "learning-walk", status=VisitStatus.IN_PROGRESS)
    editor = drive.open(shell, visit)
    records = shell.workspace.reviews
    review_id = editor.ctx.review.id
    before = len(records.attachments(review_id))
    folder = tmp_path / "from-the-phone"
    folder.mkdir()
    photo("corridor.png").rename(folder / "corridor.png")
    (folder / "timetable.csv").write_text("day,room\nMonday,14\n", encoding="utf-8")

    # Ctrl+Shift+A opens the dialog without blocking the editor; type the names, Enter.
    qtbot.keyClick(
        editor,
        Qt.Key.Key_A,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    qtbot.waitUntil(lambda: editor.findChild(QFileDialog, "attachDialog") is not None)
    dialog = editor.findChild(QFileDialog, "attachDialog")
    assert dialog.isVisible()
    dialog.setDirectory(str(folder))
    listing = dialog.findChild(QListView, "listView")
    # The folder is read in the background; wait until its files are listed.
    qtbot.waitUntil(lambda: listing.model().rowCount(listing.rootIndex()) == 2, timeout=10_000)
    name_box = dialog.findChild(QLineEdit, "fileNameEdit")
    name_box.setFocus()
    qtbot.keyClicks(name_box, '"corridor.png" "timetable.csv"')
    assert name_box.text() == '"corridor.png" "timetable.csv"'
    qtbot.keyClick(name_box, Qt.Key.Key_Return)
    drive.wait_saved(editor)
    stored = records.attachments(review_id)[before:]
    assert [(a.filename, a.media_type) for a in stored] == [
        ("corridor.png", "image/png"),
        ("timetable.csv", "text/csv"),
    ]
    # The next time, the dialog opens in the folder used last.
    drive.activate(editor)
    dialog = editor.choose_files()
    assert Path(dialog.directory().absolutePath()) == folder
    dialog.reject()


def test_undo_and_redo_across_the_editor(drive, qtbot) -> None:
    shell = drive.start(LEAD)
    visit = drive.visit(shell, SCHOOL, "learning-walk", status=VisitStatus.IN_PROGRESS)
    editor = drive.open(shell, visit)
    records = shell.workspace.reviews
    review_id = editor.ctx.review.id

    def undo() -> None:
        drive.activate(editor)
        qtbot.keyClick(editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)

    def redo() -> None:
        drive.activate(editor)
        qtbot.keyClick(
            editor,
            Qt.Key.Key_Z,
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
        )

    def note_texts() -> list[str]:
        return [n.text for n in records.notes(review_id)]

    def shown_texts() -> list[str]:
        return [n.text for n in editor.notes_model.notes()]

    def agreed_level(criterion_id: str) -> str | None:
        agreed = [j for j in records.judgements(review_id) if j.agreed]
        found = [j for j in agreed if j.criterion_id == criterion_id]
        return max(found, key=lambda j: (j.created_at, j.id)).level_key if found else None

    # Three changes in three places: an agreed rating, a note, a field.
    drive.set_field(editor, "focus-strands", ["climate"])
    drive.wait_saved(editor)
    control = drive.rate(editor, "climate-routines", 2, agreed=True)
    drive.wait_saved(editor)
    drive.capture(editor, "Calm start in every room #y5 @climate-routines")
    drive.wait_saved(editor)
    drive.set_field(editor, "school-priority", "Oracy")
    drive.wait_saved(editor)
    assert editor.undo_action.text().startswith("&Undo change “")

    # Ctrl+Z three times undoes them newest first, each in the store and on screen.
    undo()
    drive.wait_saved(editor)
    assert drive.field(editor, "school-priority").value() == ""
    assert "Calm start in every room" in note_texts()
    undo()
    drive.wait_saved(editor)
    assert "Calm start in every room" not in note_texts()
    assert "Calm start in every room" not in shown_texts()
    assert editor.card("climate-routines").evidence_button.text() == "No evidence yet"
    assert agreed_level("climate-routines") == "partly_seen"
    undo()
    drive.wait_saved(editor)
    assert agreed_level("climate-routines") is None
    assert control.level() is None
    assert not any(b.isChecked() for b in control.buttons.values())

    # Ctrl+Shift+Z redoes them in order.
    redo()
    drive.wait_saved(editor)
    assert agreed_level("climate-routines") == "partly_seen"
    assert control.level() == "partly_seen"
    redo()
    drive.wait_saved(editor)
    assert note_texts().count("Calm start in every room") == 1
    assert shown_texts().count("Calm start in every room") == 1
    redo()
    drive.wait_saved(editor)
    assert drive.field(editor, "school-priority").value() == "Oracy"
    assert records.field_values(review_id)["school-priority"].value == "Oracy"

    # An undo straight after Enter, before the note has been written, still withdraws it.
    drive.capture(editor, "Quick undo before the save lands @climate-routines")
    undo()
    drive.wait_saved(editor)
    assert "Quick undo before the save lands" not in note_texts()
    assert "Quick undo before the save lands" not in shown_texts()
    redo()
    drive.wait_saved(editor)
    assert note_texts().count("Quick undo before the save lands") == 1

    # Withdrawing a note (Delete in the list), undone and redone: no copy is left behind.
    view = editor.evidence.notes_view
    editor.evidence.scope.setCurrentIndex(1)  # "All evidence"
    row = next(
        r
        for r in range(view.model().rowCount())
        if view.model().index(r, 0).data() == "Quick undo before the save lands"
    )
    view.setFocus()
    view.setCurrentIndex(view.model().index(row, 0))
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    drive.wait_saved(editor)
    assert "Quick undo before the save lands" not in note_texts()
    undo()
    drive.wait_saved(editor)
    assert note_texts().count("Quick undo before the save lands") == 1
    redo()
    drive.wait_saved(editor)
    assert "Quick undo before the save lands" not in note_texts()
    assert "Quick undo before the save lands" not in shown_texts()

    # Someone else's note is theirs to withdraw: Delete says so and keeps it.
    drive.records_as(shell, PEER).add_note(review_id, "The peer's note on seating")
    editor.load()
    drive.wait_loaded(editor)
    drive.activate(editor)
    editor.evidence.scope.setCurrentIndex(1)  # "All evidence"
    view = editor.evidence.notes_view
    row = next(
        r
        for r in range(view.model().rowCount())
        if view.model().index(r, 0).data() == "The peer's note on seating"
    )
    view.setFocus()
    view.setCurrentIndex(view.model().index(row, 0))
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    drive.wait_saved(editor)
    assert "The peer's note on seating" in note_texts()
    assert editor.evidence.hint.text() == (f"Not withdrawn: only {PEER} can withdraw their note.")

    # An action added, withdrawn with Delete, the withdrawal undone and redone.
    page = editor.show_page("__actions__")
    assert isinstance(page, ActionsPage)
    page.fill(
        "Share the routine", "Maths lead", date.today() + timedelta(days=7), Priority.LOW, None
    )
    page.add_button.click()
    drive.wait_saved(editor)
    page.view.setFocus()
    page.view.selectRow(0)
    qtbot.keyClick(page.view, Qt.Key.Key_Delete)
    drive.wait_saved(editor)
    assert records.actions(review_id) == []
    undo()
    drive.wait_saved(editor)
    assert [a.text for a in records.actions(review_id)] == ["Share the routine"]
    redo()
    drive.wait_saved(editor)
    assert records.actions(review_id) == []
    assert editor.actions_model.rowCount() == 0


def test_rating_by_number_keys(drive, qtbot) -> None:
    shell = drive.start(LEAD)
    visit = drive.visit(shell, SCHOOL, "learning-walk", status=VisitStatus.IN_PROGRESS)
    editor = drive.open(shell, visit)
    records = shell.workspace.reviews
    review_id = editor.ctx.review.id
    drive.set_field(editor, "focus-strands", ["climate"])

    def mine(criterion_id: str) -> str | None:
        found = [
            j
            for j in records.judgements(review_id)
            if j.criterion_id == criterion_id and not j.agreed and j.author_id == editor.ctx.me.id
        ]
        return max(found, key=lambda j: (j.created_at, j.id)).level_key if found else None

    # On the rating control: plain number keys; 0 and Delete clear; a number past the scale
    # does nothing.
    card = editor.go_to_criterion("climate-routines")
    control = card.rating
    assert QApplication.focusWidget() is control
    qtbot.keyClick(control, Qt.Key.Key_3)
    assert control.level() == "not_seen"
    qtbot.keyClick(control, Qt.Key.Key_9)
    assert control.level() == "not_seen"
    qtbot.keyClick(control, Qt.Key.Key_0)
    assert control.level() is None
    qtbot.keyClick(control, Qt.Key.Key_1)
    drive.wait_saved(editor)
    assert mine("climate-routines") == "seen"
    qtbot.keyClick(control, Qt.Key.Key_Delete)
    drive.wait_saved(editor)
    assert mine("climate-routines") is None

    # Anywhere in the window, Alt+number rates the criterion the reviewer is on: here with
    # the keyboard in the capture bar after F8 moved to the next criterion.
    drive.activate(editor)
    qtbot.keyClick(editor, Qt.Key.Key_F8)
    assert editor.current_criterion == "climate-planning"
    qtbot.keyClick(editor, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is editor.evidence.capture
    qtbot.keyClick(editor.evidence.capture, Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)
    drive.wait_saved(editor)
    assert mine("climate-planning") == "partly_seen"
    assert editor.card("climate-planning").rating.level() == "partly_seen"
    assert editor.evidence.capture.text() == ""
    # On the agreed row (the lead), Alt+number sets the agreed judgement.
    card = editor.card("climate-planning")
    card.agreed.setFocus()
    qtbot.keyClick(card.agreed, Qt.Key.Key_1, Qt.KeyboardModifier.AltModifier)
    drive.wait_saved(editor)
    assert card.agreed.level() == "seen"


def test_a_note_that_seems_to_name_someone_waits_for_a_second_enter(drive, qtbot) -> None:
    """Pupils only as pseudonymous references: a line that looks like it names a person is
    not saved on the first Enter; the hint says why and how (+P7, staff by role)."""
    shell = drive.start(LEAD)
    visit = drive.visit(shell, CEDAR, "two-day-peer-review")
    editor = drive.open(shell, visit)
    records = shell.workspace.reviews
    review_id = editor.ctx.review.id
    capture = editor.evidence.capture
    drive.capture(editor, "Jane Smith explained her plan to Mrs Patel #day-1 @inclusion")
    drive.wait_saved(editor)
    hint = editor.evidence.hint
    assert hint.isVisible()
    assert hint.text().startswith("Not saved yet: “Jane Smith”, “Mrs Patel” look like")
    assert "+P7" in hint.text()
    assert capture.text() == "Jane Smith explained her plan to Mrs Patel #day-1 @inclusion"
    assert not any(n.text.startswith("Jane Smith") for n in records.notes(review_id))

    # Changed to a reference and a role: saved on the first Enter.
    capture.clear()
    qtbot.keyClicks(capture, "+P7 explained their plan to the SENCO #day-1 @inclusion")
    qtbot.keyClick(capture, Qt.Key.Key_Return)
    drive.wait_saved(editor)
    saved = next(n for n in records.notes(review_id) if "explained their plan" in n.text)
    assert saved.pupil_refs == ("P7",)
    assert saved.text == "explained their plan to the SENCO"
    assert not hint.isVisible()

    # A scheme the trust's vocabulary lists is never taken for a name: saved at once.
    qtbot.keyClicks(capture, "Little Wandle phonics taught well #day-2 @inclusion")
    qtbot.keyClick(capture, Qt.Key.Key_Return)
    drive.wait_saved(editor)
    assert any(n.text == "Little Wandle phonics taught well" for n in records.notes(review_id))
    assert capture.text() == ""

    # One it does not list looks like a name: the reviewer sees the warning and saves it with
    # a second Enter.
    qtbot.keyClicks(capture, "Oxford Reading Tree books matched #day-2 @inclusion")
    qtbot.keyClick(capture, Qt.Key.Key_Return)
    assert "“Oxford Reading Tree” looks like a person's name" in hint.text()
    qtbot.keyClick(capture, Qt.Key.Key_Return)
    drive.wait_saved(editor)
    assert any(n.text == "Oxford Reading Tree books matched" for n in records.notes(review_id))
    assert capture.text() == ""
