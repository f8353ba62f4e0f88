"""Open every top-level window and dialog of the app on one simulated laptop screen, and report
how each sits on it. Run as a subprocess (Qt reads the screen and the scale once, at start-up),
by ``test_windows_fit_the_screen.py`` and to make the screenshots in ``docs/screenshots/``:

    uv run python tests/gui/windows_on_screen.py 1366x768
    uv run python tests/gui/windows_on_screen.py 1920x1080@150 --shots docs/screenshots

The screen is the offscreen platform's, configured with a JSON file (``configfile=``); 150% is
``QT_SCALE_FACTOR=1.5``, which this script sets before Qt starts. Prints one JSON object:
``{"screen": ..., "available": [x, y, w, h], "windows": {name: {...}}}`` where each window
has its frame when opened, its frame when made as small as it goes, and its problems.

Message boxes, input dialogs and file dialogs are opened as the app opens them: those it opens
without blocking are looked at like any dialog; those it opens with ``exec`` (Qt's static
functions) are looked at while open, from a timer inside their event loop (:class:`Blocking`).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Qt reads the platform and the scale when the application starts (in main), not at import.
from PySide6.QtWidgets import QWidget

SCREENS = {"1366x768": (1366, 768, 1.0), "1920x1080@150": (1920, 1080, 1.5)}


def configure_screen(name: str, folder: Path) -> None:
    """Set the offscreen platform's one screen (before Qt starts)."""
    width, height, scale = SCREENS[name]
    config = folder / "screen.json"
    screen = {"name": "Laptop", "x": 0, "y": 0, "width": width, "height": height}
    config.write_text(json.dumps({"screens": [{**screen, "logicalDpi": 96, "dpr": 1}]}))
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={config}"
    os.environ["QT_SCALE_FACTOR"] = str(scale)
    os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")


def settle(seconds: float = 0.05) -> None:
    from PySide6.QtCore import QEventLoop
    from PySide6.QtWidgets import QApplication

    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)


def wait_until(condition: Callable[[], Any], timeout: float = 20.0, what: str = "") -> Any:
    from PySide6.QtCore import QEventLoop
    from PySide6.QtWidgets import QApplication

    end = time.monotonic() + timeout
    while not (found := condition()):
        if time.monotonic() > end:
            raise SystemExit(f"timed out waiting for {what or 'a window'}")
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
    return found


def rect(r: Any) -> list[int]:
    return [r.x(), r.y(), r.width(), r.height()]


def mnemonic(text: str) -> str | None:
    """The letter after a single ``&`` (``&&`` is a literal ampersand)."""
    match = re.search(r"(?<!&)&([^&\s])", text.replace("&&", ""))
    return match.group(1).lower() if match else None


def key_clashes(window: Any) -> list[str]:
    """Alt+letter used twice in the window as it is now, a menu with two items on one letter,
    or one key sequence on two actions."""
    from PySide6.QtGui import QAction, QShortcut
    from PySide6.QtWidgets import QAbstractButton, QGroupBox, QLabel, QMainWindow, QTabBar

    problems: list[str] = []
    letters: dict[str, list[str]] = {}

    def claim(letter: str | None, what: str) -> None:
        if letter:
            letters.setdefault(letter, []).append(what)

    if isinstance(window, QMainWindow):
        menus = [a.menu() for a in window.menuBar().actions() if a.menu() is not None]
        for action in window.menuBar().actions():
            claim(mnemonic(action.text()), f"menu {action.text()!r}")
        for menu in menus:
            inside: dict[str, list[str]] = {}
            for item in menu.actions():
                letter = mnemonic(item.text())
                if letter and item.isVisible():
                    inside.setdefault(letter, []).append(item.text())
            problems += [
                f"menu {menu.title()!r}: Alt+{k.upper()} on {v}"
                for k, v in inside.items()
                if len(v) > 1
            ]
    for widget in window.findChildren(QWidget):
        if widget.window() is not window or not widget.isVisibleTo(window):
            continue
        if isinstance(widget, QAbstractButton):
            claim(mnemonic(widget.text()), f"button {widget.text()!r}")
        elif isinstance(widget, QLabel) and widget.buddy() is not None:
            claim(mnemonic(widget.text()), f"label {widget.text()!r}")
        elif isinstance(widget, QGroupBox):
            claim(mnemonic(widget.title()), f"group {widget.title()!r}")
        elif isinstance(widget, QTabBar):
            for i in range(widget.count()):
                claim(mnemonic(widget.tabText(i)), f"tab {widget.tabText(i)!r}")
    problems += [f"Alt+{k.upper()} on {v}" for k, v in letters.items() if len(v) > 1]

    keys: dict[str, list[str]] = {}
    actions = {id(a): a for a in window.findChildren(QAction)}
    actions.update({id(a): a for a in window.actions()})
    for action in actions.values():
        for sequence in action.shortcuts():
            keys.setdefault(sequence.toString(), []).append(action.text() or "?")
    for shortcut in window.findChildren(QShortcut):
        owner = shortcut.parent()
        if isinstance(owner, QWidget) and owner is not window and not owner.isVisibleTo(window):
            continue  # on a hidden part (a file dialog's list view while it shows details)
        for sequence in shortcut.keys():  # noqa: SIM118 - a QShortcut's key sequences
            keys.setdefault(sequence.toString(), []).append("a shortcut")
    problems += [f"{k} on {sorted(set(v))}" for k, v in keys.items() if len(v) > 1 and k]
    for sequence, owners in keys.items():
        taken = re.fullmatch(r"Alt\+([A-Z])", sequence)
        if taken and taken.group(1).lower() in letters:
            problems.append(f"{sequence} is {owners} and {letters[taken.group(1).lower()]}")
    return problems


def default_button(window: Any) -> str:
    """The button Enter presses in a dialog ("" when none is set, or not a dialog)."""
    from PySide6.QtWidgets import QDialog, QPushButton

    if not isinstance(window, QDialog):
        return ""
    for button in window.findChildren(QPushButton):
        if button.isDefault() and button.isVisibleTo(window) and button.window() is window:
            return button.text().replace("&", "")
    return ""


def shortcuts_of(window: Any) -> list[str]:
    """Every key sequence on the window's actions (what Help > Keyboard shortcuts must list)."""
    from PySide6.QtGui import QAction

    actions = {id(a): a for a in window.findChildren(QAction)}
    actions.update({id(a): a for a in window.actions()})
    return sorted({s.toString() for a in actions.values() for s in a.shortcuts() if s.toString()})


#: Words that look like ids but are the platform's or a person's, never ours.
_PATH = re.compile(r"\S*[/\\]\S*|\S+@\S+")
_SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
_UUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b")


def visible_texts(window: Any) -> list[str]:
    """What a person reads in the window now: titles, labels, buttons, menus, list rows."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import (
        QAbstractButton,
        QAbstractItemView,
        QComboBox,
        QFileDialog,
        QGroupBox,
        QLabel,
        QLineEdit,
        QMainWindow,
        QTabBar,
    )

    texts = [window.windowTitle()]
    files = isinstance(window, QFileDialog)  # its lists and boxes show the person's files
    if isinstance(window, QMainWindow):
        for action in window.menuBar().actions():
            texts.append(action.text())
            if action.menu() is not None:
                texts += [a.text() for a in action.menu().actions()]
    for widget in window.findChildren(QWidget):
        if widget.window() is not window or not widget.isVisibleTo(window):
            continue
        texts += [widget.accessibleName(), widget.toolTip(), widget.accessibleDescription()]
        if files and isinstance(widget, QAbstractItemView | QComboBox | QLineEdit):
            continue
        if isinstance(widget, QLabel):
            texts.append(re.sub(r"<[^>]+>", " ", widget.text()))
        elif isinstance(widget, QAbstractButton):
            texts.append(widget.text())
        elif isinstance(widget, QLineEdit):
            texts.append(widget.placeholderText())
        elif isinstance(widget, QGroupBox):
            texts.append(widget.title())
        elif isinstance(widget, QTabBar):
            texts += [widget.tabText(i) for i in range(widget.count())]
        elif isinstance(widget, QComboBox):
            texts += [widget.itemText(i) for i in range(widget.count())]
        elif isinstance(widget, QAbstractItemView) and widget.model() is not None:
            model = widget.model()
            root = widget.rootIndex()
            try:
                columns = model.columnCount(root)
            except TypeError:  # a list widget's model keeps it private: one column
                columns = 1
            for row in range(min(model.rowCount(root), 200)):
                for column in range(columns):
                    value = model.data(model.index(row, column, root), Qt.ItemDataRole.DisplayRole)
                    if isinstance(value, str):
                        texts.append(value)
            for column in range(columns):
                header = model.headerData(column, Qt.Orientation.Horizontal)
                if isinstance(header, str):
                    texts.append(header)
    return [t for t in texts if t]


#: Lower-case words that are also acronyms in the frameworks (SEND) but plain English too.
ENGLISH = {"send", "us", "it", "am", "pm", "ok", "art", "pe", "re"}


def internal_words(texts: list[str], known: Known) -> list[str]:
    """Ids and keys shown as words: snake_case, an id of ours with a hyphen, a UUID, an
    acronym written in lower case as a key would be (``dsl colleague``)."""
    found = set()
    for text in texts:
        plain = _PATH.sub(" ", text.replace("&", ""))
        quoted = text[:80]
        found.update(f"{m!r} in {quoted!r}" for m in _SNAKE.findall(plain))
        found.update(f"{m!r} in {quoted!r}" for m in _UUID.findall(plain))
        for word in re.findall(r"[\w-]+", plain):
            if word in known.keys:
                found.add(f"{word!r} in {quoted!r}")
            elif word.islower() and word.upper() in known.acronyms:
                found.add(f"{word!r} (the acronym {word.upper()}) in {quoted!r}")
    return sorted(found)


@dataclass(frozen=True)
class Known:
    #: Our ids and keys with a hyphen or an underscore.
    keys: frozenset[str]
    #: Acronyms the frameworks use (DSL, SCR), unless they are English words as well.
    acronyms: frozenset[str]


def known_words(workspace: Any) -> Known:
    """Our ids and keys with a hyphen or an underscore, less those the frameworks' own wording
    uses as words (``self-evaluation``); the acronyms in that wording."""
    from reviewer_app.domain.organisation import Role

    keys: set[str] = {role.value for role in Role}
    words: set[str] = set()

    def walk(value: Any, key: str = "") -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, str(k))
        elif isinstance(value, list | tuple):
            for v in value:
                walk(v, key)
        elif isinstance(value, str):
            if key == "id" or key.endswith(("_id", "role", "key")):
                keys.add(value)
            else:
                words.update(re.findall(r"[\w-]+", value))

    library = workspace.library()
    for framework_id in library.framework_ids:
        walk(library.latest(framework_id).model_dump(mode="json"))
    acronyms = {w for w in words if len(w) > 1 and w.isalpha() and w.isupper()}
    acronyms -= {w.upper() for w in words if w.islower()} | {w.upper() for w in ENGLISH}
    return Known(frozenset(k for k in keys - words if "-" in k or "_" in k), frozenset(acronyms))


def inspect(window: Any, known: Known) -> dict[str, Any]:
    """Where ``window`` opened and how small it can be made, against its screen; the key
    clashes and internal words in it; on each of its pages (the editor's sections)."""
    from PySide6.QtCore import QSize

    settle(0.1)
    area = window.screen().availableGeometry()
    opened = window.frameGeometry()
    problems = []
    if not area.contains(opened):
        problems.append(f"opens at {rect(opened)}, outside the screen's area {rect(area)}")
    width = height = 0
    clashes: set[str] = set()
    words: set[str] = set()
    nav = getattr(window, "nav", None)
    rows = [r for r in range(nav.count()) if not nav.item(r).isHidden()] if nav else [None]
    tallest = ""
    for row in rows:
        if row is not None:
            nav.setCurrentRow(row)
            settle(0.05)
        page = nav.item(row).data(257) if row is not None else ""  # the title (TITLE_ROLE)
        clashes.update(f"{page}: {c}" if page else c for c in key_clashes(window))
        words.update(internal_words(visible_texts(window), known))
        size = window.size()
        window.resize(QSize(1, 1))  # as small as its minimum sizes let it be
        settle(0.05)
        frame = window.frameGeometry()
        if frame.height() > height:
            tallest = page
        width, height = max(width, frame.width()), max(height, frame.height())
        window.resize(size)
    if width > area.width() or height > area.height():
        problems.append(
            f"cannot be made smaller than {width}x{height} ({tallest or 'its only page'}), "
            f"more than the screen's {area.width()}x{area.height()}"
        )
    return {
        "opened": rect(opened),
        "default_button": default_button(window),
        "smallest": [width, height],
        "problems": problems,
        "key_clashes": sorted(clashes),
        "internal_words": sorted(words),
        "shortcuts": shortcuts_of(window),
    }


@dataclass
class Blocking:
    """A dialog the app opens with ``exec`` (a static QFileDialog, QMessageBox or QInputDialog
    function): ``trigger`` opens it and returns only once it is answered, so it is inspected
    while open (from a timer inside its event loop) and then rejected."""

    trigger: Callable[[], Any]


def while_open(blocking: Blocking, handle: Callable[[Any], None]) -> bool:
    """Run ``blocking.trigger``; ``handle`` the file dialog, message box or input dialog it
    opens, then reject it. False when none opened."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QFileDialog, QInputDialog, QMessageBox

    kinds = (QFileDialog, QMessageBox, QInputDialog)
    before = {id(w) for w in QApplication.topLevelWidgets() if w.isVisible()}
    handled: list[Any] = []
    end = time.monotonic() + 20

    def poll() -> None:
        found = next(
            (
                w
                for w in QApplication.topLevelWidgets()
                if isinstance(w, kinds) and w.isVisible() and id(w) not in before
            ),
            None,
        )
        if found is None:
            if time.monotonic() < end:
                QTimer.singleShot(50, poll)
            return
        handled.append(found)
        try:
            handle(found)
        finally:
            found.reject()

    QTimer.singleShot(50, poll)
    blocking.trigger()
    return bool(handled)


@dataclass(frozen=True)
class Cast:
    """Who uses the laptop and where: the lead of a planned two-day peer review at ``school``,
    and a safeguarding lead with a planned safeguarding audit at ``audit_school``."""

    lead: str
    school: str
    safeguarding_lead: str
    audit_school: str


#: The demo (for the screenshots in docs/).
DEMO_CAST = Cast(
    "David Brennan", "Northfield Academy", "Rachel Hughes", "Meadowbank Special School"
)


def fixture_cast() -> Cast:
    """The tests' own trust (``tests/support/fixture_trust.py``)."""
    from support import fixture_trust as ft

    return Cast(ft.LEAD, ft.CEDAR, ft.SAFEGUARDING_LEAD, ft.WILLOW)


class Session:
    """The app on a store of the demo or the tests' own trust, as the lead of a two-day peer
    review."""

    def __init__(self, folder: Path, *, fixture_trust: bool = False) -> None:
        from reviewer_app.app import make_application, start_shell
        from reviewer_app.gui import theme
        from reviewer_app.paths import AppPaths
        from reviewer_app.settings import Settings

        if fixture_trust:
            sys.path.insert(0, str(Path(__file__).parents[1]))  # tests/, for support/
            from support.fixture_trust import open_fixture_workspace as opening

            self.cast = fixture_cast()
        else:
            from reviewer_app.demo.demo_trust import open_demo_workspace as opening

            self.cast = DEMO_CAST
        self.app = make_application()
        theme.apply(self.app)
        self.paths = AppPaths.from_base(folder).ensure()
        workspace = opening(self.paths)
        lead = next(p for p in workspace.list_people() if p.name == self.cast.lead)
        workspace.set_identity(workspace.trust.name, lead)
        self.workspace = workspace
        self.shell = start_shell(self.paths, demo=True, workspace=workspace, settings=Settings())
        self.window = self.shell.window
        self.window.show()
        wait_until(
            lambda: self.window.schools_model.rowCount() > 0 and self.shell.tasks.pending == 0,
            what="the schools",
        )
        school = next(s for s in workspace.list_schools() if s.name == self.cast.school)
        self.school = school
        self.window.select_school(school.id)
        wait_until(lambda: self.window.current_visit() is not None or self._visits_shown())
        self.editor: Any = None
        #: Editors opened besides the main one (closed at the end).
        self.extra: list[Any] = []
        #: What to close once the window just opened has been looked at (its parent dialog).
        self.cleanups: list[Callable[[], None]] = []

    def _visits_shown(self) -> bool:
        page = self.window._school_page
        return page is not None and page.visits_view.model().rowCount() > 0

    def open_editor(self) -> Any:
        """The lead's two-day peer review (the largest framework)."""
        if self.editor is None:
            self.editor = self.open_review(self.cast.lead, self.cast.school, "two-day-peer-review")
        return self.editor

    def open_review(
        self, person: str, school_name: str, framework_id: str, status: Any = None
    ) -> Any:
        """A planned review of ``school_name`` opened by ``person`` (this laptop's user now)."""
        from reviewer_app.domain.visits import VisitStatus

        status = status or VisitStatus.PLANNED
        workspace = self.workspace
        who = next(p for p in workspace.list_people() if p.name == person)
        workspace.set_identity(workspace.trust.name, who)
        school = next(s for s in workspace.list_schools() if s.name == school_name)
        visit = next(
            v
            for v in workspace.visits_for_school(school.id)
            if v.framework_id == framework_id and v.status is status
        )
        editor = self.window.open_visit(visit.id)
        wait_until(lambda: editor.ctx is not None and editor.notes_ready, what="the editor")
        return editor

    def close(self) -> None:
        self.shell.close()


def dialog_of(kind: type, parent: Any) -> Any:
    """The visible top-level dialog of ``kind`` (opened without blocking)."""
    from PySide6.QtWidgets import QApplication

    return wait_until(
        lambda: next(
            (w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()),
            None,
        ),
        what=kind.__name__,
    )


def openers(session: Session) -> dict[str, Callable[[], Any]]:
    """How each window is opened, the way a person opens it where there is a way."""
    from PySide6.QtGui import QColor, QImage

    window = session.window

    def editor() -> Any:
        return session.open_editor()

    def preview() -> Any:
        dialog = session.open_editor().reports.preview()
        wait_until(lambda: dialog.preview.page_count > 0, 60, "the report preview")
        return dialog

    def sign() -> Any:
        from reviewer_app.gui.review_editor.sign_dialog import SignReportDialog

        session.open_editor().reports.sign()
        return dialog_of(SignReportDialog, window)

    def attachment() -> Any:
        from datetime import UTC, datetime

        from PySide6.QtCore import QBuffer, QByteArray, QIODevice

        from reviewer_app.domain.review import Attachment
        from reviewer_app.gui.review_editor.evidence_panel import AttachmentViewer

        image = QImage(3000, 2000, QImage.Format.Format_RGB32)  # a phone photo's size
        image.fill(QColor("#3C9A5F"))
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG")
        photo = Attachment(
            id="a1",
            review_id="r1",
            author_id="p1",
            filename="Reading corner.png",
            media_type="image/png",
            size=data.size(),
            sha256="0" * 64,
            added_at=datetime.now(UTC),
        )
        viewer = AttachmentViewer(
            photo, bytes(data.data()), session.cast.lead, session.open_editor()
        )
        viewer.show()
        return viewer

    def safeguarding_audit() -> Any:
        editor = session.open_review(
            session.cast.safeguarding_lead, session.cast.audit_school, "safeguarding-audit"
        )
        session.extra.append(editor)
        return editor

    def safeguarding_sign() -> Any:
        from reviewer_app.gui.review_editor.sign_dialog import SignReportDialog

        session.extra[-1].reports.sign()
        dialog = dialog_of(SignReportDialog, window)
        wait_until(lambda: dialog.status is not None, 60, "the signing order")
        return dialog

    def my_work() -> Any:
        """The main window's My work page (Ctrl+M), once its lists are read."""
        window.show_my_work()
        page = window.my_work_page
        wait_until(
            lambda: window.tasks.pending == 0 and not page.summary.text().startswith("Reading"),
            what="My work",
        )
        return window

    def change_note() -> Any:
        from datetime import UTC, datetime

        from reviewer_app.domain.review import EvidenceNote

        editor = session.open_editor()
        criteria = list(editor.ctx.framework.criteria())
        note = EvidenceNote(
            id="n1",
            review_id=editor.ctx.review.id,
            author_id=editor.ctx.me.id,
            text="Pupils settled quickly; the reading corner was in use all lesson.",
            captured_at=datetime.now(UTC),
            criterion_ids=(criteria[0].id,),
        )
        return editor.edit_note(note)

    def new_visit() -> Any:
        return window.open_new_visit()

    def visit_kinds() -> Any:
        """The New visit dialog with its visit kinds open, "Learn" typed (the closest match)."""
        dialog = window.open_new_visit()
        wait_until(dialog.isVisible, what="New visit")
        combo = dialog.ui.kindCombo
        combo.setFocus()
        combo.showPopup()
        wait_until(lambda: combo.view().isVisible(), what="the visit kinds")
        combo.view().keyboardSearch("Learn")
        session.cleanups.append(combo.hidePopup)
        return dialog

    def settings() -> Any:
        return window.open_settings()

    def categorise() -> Any:
        from reviewer_app.gui.dialogs.categorise_dialog import CategoriseDialog

        page = window.school_page
        wait_until(lambda: page.category_panel.overview is not None, what="the category")
        page.open_categorise()
        return dialog_of(CategoriseDialog, window)

    def verify() -> Any:
        from reviewer_app.gui.verify_dialog import VerifyReportDialog

        window.open_verify_report()
        return dialog_of(VerifyReportDialog, window)

    def conflicts() -> Any:
        wait_until(lambda: window.sync is not None, what="sync")
        return window.sync.open_conflicts()

    def enrol() -> Any:
        from reviewer_app.gui.dialogs.enrol_dialog import EnrolDialog

        dialog = EnrolDialog(lambda url, code: None, window.tasks, server_url="", parent=window)
        dialog.open()
        return dialog

    def passphrase(create: bool) -> Callable[[], Any]:
        def open_it() -> Any:
            from reviewer_app.gui.dialogs.passphrase import PassphraseDialog, PassphraseMode

            mode = PassphraseMode.CREATE if create else PassphraseMode.UNLOCK
            dialog = PassphraseDialog(mode, session.paths.store_file)
            dialog.open()
            return dialog

        return open_it

    def about() -> Any:
        return window.open_about()

    def crash_report() -> Any:
        from reviewer_app.gui.crash_report_dialog import CrashReportDialog

        report = "\n".join(f'  File "reviewer_app/x.py", line {n}, in f' for n in range(200))
        dialog = CrashReportDialog(
            "Reviewer hit a problem", "What happened.", report, session.paths.log_file, window
        )
        dialog.open()
        return dialog

    def unlock() -> Any:
        privacy = window.privacy
        privacy.lock()
        return privacy.dialog

    def shortcuts() -> Any:
        return window.open_keyboard_shortcuts()

    # Message boxes, input dialogs and file dialogs: each opened as the app opens it.
    def discard_question() -> Any:
        dialog = window.open_new_visit()
        wait_until(dialog.isVisible, what="New visit")
        dialog.ui.startDate.setDate(dialog.ui.startDate.date().addDays(3))  # a choice made
        dialog.reject()  # Escape
        session.cleanups.append(lambda: (dialog.discard_question.reject(), dialog.done(0)))
        return dialog.discard_question

    def attach_files() -> Any:
        return session.open_editor().choose_files()

    def export_report() -> Any:
        dialog = session.open_editor().reports.preview()
        wait_until(lambda: dialog.preview.page_count > 0, 60, "the report preview")
        session.cleanups.append(dialog.close)
        return Blocking(dialog.preview._choose_export_path)

    def export_failed() -> Any:
        dialog = session.open_editor().reports.preview()
        wait_until(lambda: dialog.preview.page_count > 0, 60, "the report preview")
        session.cleanups.append(dialog.close)
        return Blocking(lambda: dialog.preview.tell_export_failed("/media/usb/report.pdf"))

    def choose_report_to_verify() -> Any:
        from reviewer_app.gui.verify_dialog import VerifyReportDialog

        window.open_verify_report()
        dialog = dialog_of(VerifyReportDialog, window)
        session.cleanups.append(dialog.close)
        return Blocking(dialog._choose)

    def export_signed_report() -> Any:
        from reviewer_app.gui.review_editor.sign_dialog import SignReportDialog

        session.open_editor().reports.sign()
        dialog = dialog_of(SignReportDialog, window)
        session.cleanups.append(dialog.close)
        return Blocking(lambda: dialog.ask_export_path(f"{session.cast.school} peer review.pdf"))

    def amendment_reason() -> Any:
        return Blocking(session.open_editor().redraw.ask_amendment_reason)

    def merged_text_first() -> Any:
        panel = window.sync.open_conflicts()
        session.cleanups.append(panel.close)
        return Blocking(panel.panel.ask_for_merged_text)

    def enrol_again() -> Any:
        wait_until(lambda: window.sync is not None, what="sync")
        return window.sync.ask_to_reenrol("The trust server no longer recognises this laptop.")

    def sync_notice() -> Any:
        wait_until(lambda: window.sync is not None, what="sync")
        window.sync._tell("Connected", "This laptop is enrolled with Oak Learning Partnership.")
        return window.sync.notice

    def files_waiting() -> Any:
        wait_until(lambda: window.sync is not None, what="sync")
        return window.sync.status_widget.show_files_waiting()

    def set_aside() -> Any:
        wait_until(lambda: window.sync is not None, what="sync")
        return window.sync.status_widget.show_set_aside()

    def bundle_passphrase() -> Any:
        from reviewer_app.gui import bundle_opening

        bundle_opening._ask_passphrase(window, Path("Ash Primary reviews.rvb"), "")
        return window.bundle_passphrase

    def bundle_imported() -> Any:
        from PySide6.QtWidgets import QMessageBox

        from reviewer_app.gui import bundle_opening

        sentence = "2 reviews of Ash Primary imported from Ash Primary reviews.rvb."
        bundle_opening._tell(window, QMessageBox.Icon.Information, "Reviews imported", sentence)
        return window.bundle_message

    def cannot_open() -> Any:
        from reviewer_app.app import fatal_box

        box = fatal_box("The store could not be opened: the disk is full. Free some space.")
        box.open()
        return box

    found: dict[str, Callable[[], Any]] = {
        "main window": lambda: window,
        "my work": my_work,
        "review editor": editor,
        "report preview": preview,
        "sign report": sign,
        "photo viewer": attachment,
        "safeguarding audit": safeguarding_audit,
        "sign the safeguarding audit": safeguarding_sign,
        "change a note": change_note,
        "new visit": new_visit,
        "visit kinds drop-down": visit_kinds,
        "settings": settings,
        "categorise": categorise,
        "verify report": verify,
        "conflicts": conflicts,
        "connect to trust server": enrol,
        "choose a passphrase": passphrase(True),
        "enter the passphrase": passphrase(False),
        "about": about,
        "crash report": crash_report,
        "locked": unlock,
    }
    if hasattr(window, "open_keyboard_shortcuts"):
        found["keyboard shortcuts"] = shortcuts
    found.update(
        {
            "discard what you typed": discard_question,
            "attach photos or files": attach_files,
            "export report": export_report,
            "export report failed": export_failed,
            "choose a report to verify": choose_report_to_verify,
            "export a signed report": export_signed_report,
            "amendment reason": amendment_reason,
            "write the merged text first": merged_text_first,
            "enrol again": enrol_again,
            "sync notice": sync_notice,
            "files waiting": files_waiting,
            "records set aside": set_aside,
            "bundle passphrase": bundle_passphrase,
            "bundle imported": bundle_imported,
            "cannot open": cannot_open,
        }
    )
    return found


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("screen", choices=sorted(SCREENS))
    parser.add_argument("--shots", type=Path, help="save the editor, preview and new visit here")
    parser.add_argument("--only", action="append", help="just these windows (repeatable)")
    parser.add_argument(
        "--fixture-trust", action="store_true", help="the tests' own trust, not the demo"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        configure_screen(args.screen, Path(folder))
        data = Path(folder) / "data"
        data.mkdir()
        session = Session(data, fixture_trust=args.fixture_trust)
        try:
            result = run(session, args)
        finally:
            session.close()
    print(json.dumps(result))
    return 0


SHOTS = {
    "review editor": "editor",
    "report preview": "report-preview",
    "new visit": "new-visit",
    "visit kinds drop-down": "drop-down",
    "change a note": "note-dialog",
}


def grab_with_popup(window: Any) -> Any:
    """The window as a person sees it: with the drop-down list open over it, if one is."""
    from PySide6.QtCore import QPoint, QRect
    from PySide6.QtGui import QColor, QPainter, QPixmap
    from PySide6.QtWidgets import QApplication

    shot = window.grab()
    popup = QApplication.activePopupWidget()
    if popup is None or popup.window() is window:
        return shot
    at = popup.mapToGlobal(QPoint(0, 0)) - window.mapToGlobal(QPoint(0, 0))
    area = QRect(QPoint(0, 0), window.size()).united(QRect(at, popup.size()))
    ratio = shot.devicePixelRatio()
    canvas = QPixmap(area.size() * ratio)
    canvas.setDevicePixelRatio(ratio)
    canvas.fill(QColor("#FFFFFF"))
    painter = QPainter(canvas)
    painter.drawPixmap(-area.topLeft(), shot)
    painter.drawPixmap(at - area.topLeft(), popup.grab())
    painter.end()
    return canvas


def run(session: Session, args: argparse.Namespace) -> dict[str, Any]:
    from PySide6.QtGui import QGuiApplication

    windows: dict[str, Any] = {}
    known = known_words(session.workspace)
    suffix = "1366x768" if args.screen == "1366x768" else "150"
    for name, open_window in openers(session).items():
        if args.only and name not in args.only:
            continue
        opened = open_window()

        def look(window: Any, name: str = name) -> None:
            settle(0.3)
            if args.shots and name in SHOTS:
                args.shots.mkdir(parents=True, exist_ok=True)
                grab_with_popup(window).save(str(args.shots / f"{SHOTS[name]}-{suffix}.png"))
            windows[name] = {"title": window.windowTitle(), **inspect(window, known)}

        if isinstance(opened, Blocking):
            if not while_open(opened, look):
                windows[name] = {"problems": ["did not open"]}
        elif opened is None:
            windows[name] = {"problems": ["did not open"]}
        else:
            look(opened)
        for cleanup in session.cleanups:
            cleanup()
        session.cleanups.clear()
        if isinstance(opened, QWidget):
            if name == "locked":
                session.window.privacy.unlock(None)
                opened.accept()
            elif opened not in (session.window, session.editor, *session.extra):
                opened.close()
        settle(0.05)
    screen = QGuiApplication.primaryScreen()
    return {
        "screen": args.screen,
        "available": rect(screen.availableGeometry()),
        "scale": screen.devicePixelRatio(),
        "windows": windows,
    }


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
