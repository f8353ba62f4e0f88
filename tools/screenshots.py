"""Render screenshots of the real app on the demo store into ``docs/screenshots/``.

Runs offscreen (no display needed) on a fresh temporary data folder, so the pictures show exactly
what ``reviewer-app --demo`` shows on a first start. Extend it by adding a function to SHOTS::

    uv run python tools/screenshots.py                 # every screenshot
    uv run python tools/screenshots.py main-window     # just one
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from reviewer_app import logging_setup
from reviewer_app.app import Shell, make_application, start_shell
from reviewer_app.demo.demo_trust import open_demo_workspace
from reviewer_app.gui import theme
from reviewer_app.paths import AppPaths
from reviewer_app.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"
#: The school shown on the main window picture: primary with early years, several visits.
FEATURED_SCHOOL = "Oakfield Primary Academy"


def wait_until(condition: Callable[[], bool], timeout_ms: int = 10_000) -> None:
    """Run the event loop until ``condition()`` holds (background loads have arrived)."""
    loop = QEventLoop()
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: loop.quit() if condition() else None)
    deadline = QTimer()
    deadline.setSingleShot(True)
    deadline.timeout.connect(loop.quit)
    timer.start()
    deadline.start(timeout_ms)
    loop.exec()
    if not condition():
        raise SystemExit("the app did not finish loading in time")


def settle() -> None:
    """Let layouts and pending paints finish."""
    for _ in range(5):
        QApplication.processEvents()


def pause(seconds: float) -> None:
    """Keep the event loop running (QPdfView renders its pages on a thread of its own)."""
    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()


def save(widget: QWidget, name: str) -> Path:
    settle()
    path = OUT / f"{name}.png"
    widget.grab().save(str(path))
    print(f"wrote {path.relative_to(ROOT)}")
    return path


def _featured(shell: Shell) -> None:
    window = shell.window
    school = next(s for s in window.schools_model.schools() if s.name == FEATURED_SCHOOL)
    window.select_school(school.id)
    wait_until(lambda: window.school_page.visits_model.rowCount() > 0)


def shot_main_window(shell: Shell) -> None:
    _featured(shell)
    save(shell.window, "main-window")


def shot_new_visit_dialog(shell: Shell) -> None:
    _featured(shell)
    dialog = shell.window.open_new_visit()
    if dialog is None:
        raise SystemExit("New visit is not available (no visit kinds installed?)")
    ui = dialog.ui
    ui.kindCombo.setCurrentIndex(max(0, ui.kindCombo.findText("Learning walk")))
    ui.personCombo.setCurrentIndex(0)
    dialog.add_selected_reviewer()
    save(dialog, "new-visit-dialog")
    dialog.reject()


def shot_my_work(shell: Shell) -> None:
    window = shell.window
    window.my_work_action.trigger()
    page = window.my_work_page
    wait_until(lambda: "coming up" in page.summary.text())
    save(window, "my-work")


def shot_settings_dialog(shell: Shell) -> None:
    dialog = shell.window.open_settings()
    if dialog is None:
        raise SystemExit("Settings are not available before the store is open")
    dialog.ui.serverEdit.setText("https://reviews.northfield-trust.example")
    save(dialog, "settings-dialog")
    dialog.reject()


def _open_editor(shell: Shell, school_name: str, framework_id: str, status: str):
    """Open the review editor on one of the school's visits, as the demo's person."""
    workspace = shell.workspace
    school = next(s for s in workspace.list_schools() if s.name == school_name)
    visit = next(
        v
        for v in workspace.visits_for_school(school.id)
        if v.framework_id == framework_id and v.status.value == status
    )
    editor = shell.window.open_visit(visit.id)
    if editor is None:
        raise SystemExit("the review editor did not open")
    wait_until(lambda: editor.ctx is not None and editor.tasks.pending == 0)
    return editor


def shot_report_preview(shell: Shell) -> None:
    """Ctrl+P in the editor on St Aidan's two-day peer review (filled in by the demo)."""
    editor = _open_editor(shell, "St Aidan's CE Primary School", "two-day-peer-review", "signed")
    dialog = editor.reports.preview()
    assert dialog is not None
    dialog.resize(980, 900)
    wait_until(lambda: dialog.preview.page_count > 0 and editor.tasks.pending == 0, 30_000)
    pause(1.5)
    save(dialog, "report-preview")
    dialog.close()
    editor.close()


def shot_sign_report_dialog(shell: Shell) -> None:
    """Sign report… on Riverside's learning walk, filled in and ready for its signatures."""
    editor = _open_editor(
        shell, "Riverside All-Through Academy", "learning-walk", "ready_for_sign_off"
    )
    assert editor.ctx is not None
    dialog = editor.reports.sign()
    assert dialog is not None
    wait_until(lambda: dialog.status is not None and editor.tasks.pending == 0, 30_000)
    save(dialog, "sign-report-dialog")
    dialog.close()
    editor.close()


def shot_sign_report_dialog_signed(shell: Shell) -> None:
    """Sign report… on St Aidan's two-day peer review, signed by its three reviewers in order."""
    from reviewer_app.domain.organisation import Person

    # Switching who uses the laptop is test support, not product code (Workspace has no door).
    sys.path.insert(0, str(ROOT / "tests"))
    from support.identity import act_as

    workspace = shell.workspace
    david: Person = next(p for p in workspace.list_people() if p.name == "David Brennan")
    act_as(workspace, david)
    editor = _open_editor(shell, "St Aidan's CE Primary School", "two-day-peer-review", "signed")
    dialog = editor.reports.sign()
    assert dialog is not None
    wait_until(lambda: dialog.status is not None and editor.tasks.pending == 0, 60_000)
    save(dialog, "sign-report-dialog-signed")
    dialog.close()
    editor.close()


def _categorised(shell: Shell, name: str) -> None:
    window = shell.window
    school = next(s for s in window.schools_model.schools() if s.name == name)
    window.select_school(school.id)
    page = window.school_page
    wait_until(
        lambda: (
            page.category_panel.overview is not None
            and page.category_panel.overview.school_id == school.id
            and shell.tasks.pending == 0
        )
    )


def shot_school_categorisation(shell: Shell) -> None:
    _categorised(shell, "Harrow Lane Primary School")
    save(shell.window, "school-categorisation")


def shot_categorise_dialog(shell: Shell) -> None:
    _categorised(shell, "St Aidan's CE Primary School")
    page = shell.window.school_page
    page.open_categorise()
    wait_until(lambda: page.categorise_dialog is not None and shell.tasks.pending == 0)
    dialog = page.categorise_dialog
    assert dialog is not None
    dialog.rationale_edit.setPlainText(
        "Agreed with the CEO after the peer review: strong areas, but leaders' self-evaluation "
        "only partly confirmed."
    )
    save(dialog, "school-categorisation-dialog")
    dialog.reject()


SHOTS: dict[str, Callable[[Shell], None]] = {
    "school-categorisation": shot_school_categorisation,
    "school-categorisation-dialog": shot_categorise_dialog,
    "main-window": shot_main_window,
    "my-work": shot_my_work,
    "new-visit-dialog": shot_new_visit_dialog,
    "settings-dialog": shot_settings_dialog,
    "report-preview": shot_report_preview,
    "sign-report-dialog": shot_sign_report_dialog,
    "sign-report-dialog-signed": shot_sign_report_dialog_signed,
}


def main(argv: list[str]) -> int:
    wanted = argv or list(SHOTS)
    OUT.mkdir(parents=True, exist_ok=True)
    app = make_application()
    theme.apply(app)
    with tempfile.TemporaryDirectory() as tmp:
        paths = AppPaths.from_base(Path(tmp)).ensure()
        logging_setup.configure(paths.log_file)
        for name in wanted:
            workspace = open_demo_workspace(paths)  # the demo trust's schools and visits
            shell = start_shell(paths, demo=True, workspace=workspace, settings=Settings())
            window = shell.window
            window.resize(1180, 740)
            window.show()
            wait_until(
                lambda s=shell: s.window.schools_model.rowCount() > 0 and s.tasks.pending == 0
            )
            SHOTS[name](shell)
            shell.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
