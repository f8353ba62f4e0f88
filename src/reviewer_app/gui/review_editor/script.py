"""Test-only script mode: drive the real editor widgets from a JSON file.

The file is named by the debug switch ``editor-script=FILE`` (``reviewer_app/debug.py``).

The end-to-end test starts the real app with a script that opens a visit, makes edits through
the editor's own widgets (the rating control's number keys, field controls, the capture bar,
the actions form) and prints ``reviewer-editor: {"checkpoint": name}`` each time the saved
indicator says everything so far is saved. With ``"dump": true`` the script instead prints what
the editor shows (``{"dump": {...}}``) and quits. Script shape::

    {"visit": {"school": "Brookside High School", "framework": "learning-walk",
               "status": "in_progress"},
     "steps": [{"field": "focus-strands", "value": ["climate"]},
               {"rate": "climate-routines", "key": 1},
               {"note": "Calm start #y5 @climate-routines"},
               {"action": {"text": "...", "owner": "...", "due": "2026-12-01"}},
               {"checkpoint": "first"}],
     "dump": false}
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from reviewer_app.domain.review import Priority
from reviewer_app.gui.review_editor.actions_page import ActionsPage
from reviewer_app.gui.review_editor.save_queue import TRACE_PREFIX
from reviewer_app.gui.review_editor.section_page import SectionPage

if TYPE_CHECKING:
    from reviewer_app.gui.main_window import MainWindow
    from reviewer_app.gui.review_editor.editor import ReviewEditor


def emit(payload: dict[str, Any]) -> None:
    sys.stdout.write(TRACE_PREFIX + json.dumps(payload) + "\n")
    sys.stdout.flush()


def editor_dump(editor: ReviewEditor) -> dict[str, Any]:
    """What the editor shows, read from its widgets (every section page is built first)."""
    ctx = editor.ctx
    assert ctx is not None
    fields: dict[str, Any] = {}
    levels: dict[str, Any] = {}
    for key in editor.nav_keys:
        page = editor.page(key)
        if isinstance(page, SectionPage):
            for stored_id, field_editor in page.field_editors.items():
                value = field_editor.value()
                if value not in (None, "", []):
                    fields[stored_id] = value
            for cid, card in page.cards.items():
                shown = {
                    "own": card.rating.level() if card.rating else None,
                    "agreed": card.agreed.level() if card.agreed else None,
                }
                if any(shown.values()):
                    levels[cid] = shown
    return {
        "review_id": ctx.review.id,
        "state": ctx.review.state.value,
        "fields": fields,
        "levels": levels,
        "notes": sorted(
            editor.notes_model.index(r, 0).data() for r in range(editor.notes_model.rowCount())
        ),
        "actions": sorted(a.text for a in editor.actions_model.actions()),
        "attachments": sorted(a.filename for a in editor.attachments_model.attachments()),
    }


class EditorScript(QObject):
    """Runs one script against the real main window and editor."""

    def __init__(self, window: MainWindow, path: str) -> None:
        super().__init__(window)
        self.window = window
        self.script = json.loads(Path(path).read_text(encoding="utf-8"))
        self.editor: ReviewEditor | None = None
        self._steps: Iterator[dict[str, Any]] = iter(self.script.get("steps", []))
        window.schools_loaded.connect(self._start)

    def _start(self, _count: int) -> None:
        self.window.schools_loaded.disconnect(self._start)
        wanted = self.script["visit"]
        workspace = self.window.workspace
        assert workspace is not None  # schools_loaded is emitted only once a store is attached
        school = next(
            s for s in workspace.list_schools(wanted["school"]) if s.name == wanted["school"]
        )
        visit = next(
            v
            for v in workspace.visits_for_school(school.id)
            if v.framework_id == wanted["framework"]
            and v.status.value == wanted.get("status", v.status.value)
        )
        self.editor = self.window.open_visit(visit.id)
        assert self.editor is not None
        self.editor.review_loaded.connect(self._loaded)

    def _loaded(self) -> None:
        assert self.editor is not None
        if self.script.get("dump"):
            if not self.editor.notes_ready:
                self.editor.notes_loaded.connect(lambda _n: self._loaded())
                return
            emit({"dump": editor_dump(self.editor)})
            QApplication.quit()
            return
        QTimer.singleShot(0, self._next)

    def _next(self) -> None:
        step = next(self._steps, None)
        if step is None:
            emit({"script": "done"})
            return
        if "checkpoint" in step:
            self._wait_saved(step["checkpoint"])
            return
        self._run(step)
        QTimer.singleShot(20, self._next)

    def _wait_saved(self, name: str) -> None:
        editor = self.editor
        assert editor is not None
        if editor.saver.idle and editor.saved_indicator.property("state") == "saved":
            emit({"checkpoint": name, "indicator": editor.saved_indicator.text()})
            QTimer.singleShot(0, self._next)
        else:
            QTimer.singleShot(25, lambda: self._wait_saved(name))

    def _run(self, step: dict[str, Any]) -> None:
        editor = self.editor
        assert editor is not None
        assert editor.ctx is not None
        if "field" in step:
            stored_id = step["field"]
            section = _section_of_field(editor, stored_id)
            page = editor.show_page(section)
            assert isinstance(page, SectionPage)
            field_editor = page.field_editors[stored_id]
            field_editor.set_value(step["value"])
            field_editor.edited.emit(field_editor.value())
        elif "rate" in step:
            card = editor.go_to_criterion(step["rate"])
            target = card.agreed if step.get("agreed") and card.agreed is not None else card.rating
            assert target is not None
            QTest.keyClick(target, Qt.Key(Qt.Key.Key_0 + int(step["key"])))
        elif "note" in step:
            capture = editor.evidence.capture
            capture.setFocus()
            capture.setText(step["note"])
            QTest.keyClick(capture, Qt.Key.Key_Return)
        elif "action" in step:
            spec = step["action"]
            page = editor.show_page("__actions__")
            assert isinstance(page, ActionsPage)
            page.fill(
                spec["text"],
                spec.get("owner", ""),
                date.fromisoformat(spec["due"]) if spec.get("due") else None,
                Priority(spec.get("priority", "medium")),
                spec.get("criterion"),
            )
            page.add_button.click()


def _section_of_field(editor: ReviewEditor, stored_id: str) -> str:
    ctx = editor.ctx
    assert ctx is not None
    framework = ctx.framework
    if any(spec.id == stored_id for spec in framework.fields):
        return "__visit__"
    for section in framework.sections:
        if any(spec.id == stored_id for spec in section.fields):
            return section.id
        for criterion in section.criteria:
            if stored_id.startswith(criterion.id + "."):
                return section.id
    raise KeyError(stored_id)
