"""The trust's vocabulary in the capture bar: a core visit (whose framework lists year groups
but no subjects) takes the bar's own example tags, and "Y1" or a phonics scheme is never taken
for a person's name; a real name still is."""

from __future__ import annotations

from PySide6.QtCore import Qt

from reviewer_app.domain.visits import VisitStatus
from support.fixture_trust import ALDER, PARTNER

SCHOOL = ALDER


def test_the_capture_bar_speaks_the_trusts_words(drive, qtbot) -> None:
    shell = drive.start(PARTNER)
    visit = drive.visit(shell, SCHOOL, "half-termly-core-visit", status=VisitStatus.PLANNED)
    editor = drive.open(shell, visit)
    assert not any(k.key == "subject" for k in editor.ctx.framework.evidence.tags)
    capture = editor.evidence.capture
    drive.activate(editor)
    capture.setFocus()
    qtbot.keyClicks(capture, "In Y1 the Little Wandle sounds were secure #y5 #maths #ks2 #hall")
    qtbot.keyClick(capture, Qt.Key.Key_Return)
    drive.wait_saved(editor)
    assert capture.text() == ""
    note = next(n for n in editor.notes_model.notes() if n.text.startswith("In Y1"))
    assert dict(note.tags) == {
        "year_group": "Year 5",
        "subject": "Mathematics",
        "key_stage": "Key stage 2",
        "place": "Hall",
    }
    # A real name still stops the note until the reviewer chooses.
    qtbot.keyClicks(capture, "Read with Y1 and Mrs Patel #y1")
    qtbot.keyClick(capture, Qt.Key.Key_Return)
    assert "“Mrs Patel” looks like a person's name" in editor.evidence.hint.text()
    assert capture.text() == "Read with Y1 and Mrs Patel #y1"
