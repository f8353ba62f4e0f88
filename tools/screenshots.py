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
from reviewer_app.gui import theme
from reviewer_app.paths import AppPaths
from reviewer_app.services.workspace import Workspace
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


def shot_settings_dialog(shell: Shell) -> None:
    dialog = shell.window.open_settings()
    if dialog is None:
        raise SystemExit("Settings are not available before the store is open")
    dialog.ui.nameEdit.setText("Sarah Okafor")
    dialog.ui.emailEdit.setText("sarah.okafor@northfield-trust.example")
    save(dialog, "settings-dialog")
    dialog.reject()


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
    "new-visit-dialog": shot_new_visit_dialog,
    "settings-dialog": shot_settings_dialog,
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
            workspace = Workspace.open(paths, demo=True)
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
