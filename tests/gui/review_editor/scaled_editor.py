"""Open the review editor on the demo store in this process, page by page, and report what is
clipped. Run as a subprocess with ``QT_SCALE_FACTOR`` set (Qt reads it once, at start-up), by
``test_readable_when_scaled.py`` and to make the editor screenshots in ``docs/screenshots/``:

    QT_SCALE_FACTOR=1.5 uv run python tests/gui/review_editor/scaled_editor.py OUT learning-walk

Prints one JSON object: ``{"clipped": [...], "pages": n, "size": [w, h]}``. With ``--shot NAME``
it saves the first section (or ``--page``, or ``--criterion``) as ``OUT/NAME.png``. With
``--fixture-trust`` it opens the tests' own trust (``tests/support/fixture_trust.py``), not
the demo, as ``test_readable_when_scaled.py`` does, so improving the demo never breaks it. The
editor screenshots in ``docs/screenshots/`` are the demo's St Aidan's reviews:

    S="uv run python tests/gui/review_editor/scaled_editor.py docs/screenshots"
    A="--school St_Aidan's_CE_Primary_School --size 1440x900"
    $S learning-walk $A --criterion climate-routines --shot editor-learning-walk
    QT_SCALE_FACTOR=1.5 $S learning-walk $A --criterion climate-routines \
        --shot editor-learning-walk-150
    $S safeguarding-audit $A --criterion scr-complete --shot editor-safeguarding-audit
    $S two-day-peer-review $A --page area-inclusion --shot editor-two-day-peer-review
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")

from PySide6.QtCore import QEventLoop, QPoint, QRect
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QWidget,
)

from reviewer_app.app import make_application
from reviewer_app.demo.demo_trust import open_demo_workspace
from reviewer_app.domain.visits import VisitStatus
from reviewer_app.gui import theme
from reviewer_app.gui.review_editor import ReviewEditor
from reviewer_app.gui.tasks import TaskRunner
from reviewer_app.paths import AppPaths
from reviewer_app.services.workspace import Workspace

#: Who opens which demo review (the lead of each visit).
CASES = {
    "learning-walk": ("Sarah Okafor", "St Aidan's CE Primary School", None),
    "safeguarding-audit": ("Rachel Hughes", "Meadowbank Special School", VisitStatus.PLANNED),
    "two-day-peer-review": ("David Brennan", "Northfield Academy", VisitStatus.PLANNED),
}
#: The same on the tests' own trust (names from ``tests/support/fixture_trust.py``).
FIXTURE_CASES = {
    "learning-walk": ("Lee Lead", "Cedar Park High School", VisitStatus.IN_PROGRESS),
    "safeguarding-audit": ("Dana Lock", "Willow Special School", VisitStatus.PLANNED),
    "two-day-peer-review": ("Lee Lead", "Cedar Park High School", VisitStatus.PLANNED),
}
#: The strands a learning walk looks at (the demo's walk has two), so its look-fors are shown.
WALK_STRANDS = ["climate", "adaptive-and-responsive"]
#: A 1920 x 1080 laptop screen at 150% is 1280 x 720 in logical pixels.
WINDOW = (1280, 720)


def settle(seconds: float = 0.05) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)


def wait_until(condition, timeout: float = 15.0) -> None:
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise SystemExit("timed out waiting for the editor")
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)


def name(widget: QWidget) -> str:
    text = ""
    if isinstance(widget, QLabel | QAbstractButton):
        text = widget.text()
    return f"{type(widget).__name__} {widget.objectName() or widget.accessibleName()!r} {text!r}"


def clipped_widgets(editor: ReviewEditor, page: QWidget) -> list[str]:
    """Visible widgets of the page and the evidence panel that cannot show all they hold."""
    found: list[str] = []
    for area in (page, editor.nav, editor.evidence.notes_view):
        if isinstance(area, QAbstractScrollArea) and area.horizontalScrollBar().isVisible():
            found.append(f"{name(area)} needs scrolling sideways")
    for widget in [*page.findChildren(QWidget), *editor.evidence.findChildren(QWidget)]:
        if not widget.isVisible() or widget.width() == 0:
            continue
        size = widget.size()
        if isinstance(widget, QLabel) and widget.text() and widget.pixmap().isNull():
            if widget.wordWrap():
                needed = widget.heightForWidth(size.width())
                if needed > size.height() + 1:
                    found.append(f"{name(widget)} is cut off at the bottom")
            elif widget.sizeHint().width() > size.width() + 1:
                found.append(f"{name(widget)} is cut off at the side")
        elif isinstance(widget, QAbstractButton | QLineEdit | QComboBox):
            hint = widget.minimumSizeHint()
            if hint.width() > size.width() + 1 or hint.height() > size.height() + 1:
                found.append(f"{name(widget)} is squeezed below its minimum size")
        if isinstance(widget, QAbstractScrollArea):
            continue
        # Nothing sticks out past the right edge of the window.
        right = widget.mapTo(editor, QPoint(size.width(), 0)).x()
        if right > editor.width() + 1 and not _inside_scrolled_area(widget, editor):
            found.append(f"{name(widget)} runs past the window's right edge")
    return found


def _inside_scrolled_area(widget: QWidget, editor: ReviewEditor) -> bool:
    parent = widget.parentWidget()
    while parent is not None and parent is not editor:
        if isinstance(parent, QAbstractScrollArea):
            visible = parent.viewport().rect()
            top_left = widget.mapTo(parent.viewport(), QPoint(0, 0))
            return not QRect(top_left, widget.size()).intersects(visible)
        parent = parent.parentWidget()
    return False


def open_editor(
    workspace: Workspace,
    tasks: TaskRunner,
    framework_id: str,
    school_name: str | None = None,
    size: tuple[int, int] = WINDOW,
    cases: dict[str, tuple[str, str, VisitStatus | None]] = CASES,
) -> ReviewEditor:
    person_name, default_school, status = cases[framework_id]
    if school_name is not None:
        status = None
    school_name = school_name or default_school
    from support.identity import act_as

    person = next(p for p in workspace.list_people() if p.name == person_name)
    act_as(workspace, person)
    school = next(s for s in workspace.list_schools(school_name) if s.name == school_name)
    visit = next(
        v
        for v in workspace.visits_for_school(school.id)
        if v.framework_id == framework_id and (status is None or v.status is status)
    )
    if framework_id == "learning-walk" and cases is not CASES:
        from reviewer_app.services.review_session import open_review

        review = open_review(workspace, visit.id, with_notes=False).review
        workspace.reviews.set_field(review.id, "focus-strands", WALK_STRANDS)
    editor = ReviewEditor(workspace, tasks, visit.id)
    editor.resize(*size)
    editor.show()
    wait_until(lambda: editor.ctx is not None and editor.notes_ready and tasks.pending == 0)
    return editor


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("framework", choices=sorted(CASES))
    parser.add_argument("--shot", help="save the first section as OUT/SHOT.png")
    parser.add_argument("--page", help="with --shot: show this page (a nav key) instead")
    parser.add_argument("--criterion", help="with --shot: go to this criterion")
    parser.add_argument("--school", help="a demo school (_ for spaces) instead of the usual")
    parser.add_argument("--size", default="x".join(map(str, WINDOW)), help="window, WxH")
    parser.add_argument(
        "--fixture-trust", action="store_true", help="the tests' own trust, not the demo"
    )
    args = parser.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).parents[2]))  # tests/, for support/
    cases = CASES
    opening = open_demo_workspace
    if args.fixture_trust:
        from support.fixture_trust import open_fixture_workspace

        cases, opening = FIXTURE_CASES, open_fixture_workspace
    app = make_application()
    theme.apply(app)
    with tempfile.TemporaryDirectory() as folder:
        paths = AppPaths.from_base(Path(folder)).ensure()
        workspace = opening(paths)
        tasks = TaskRunner()
        try:
            school = args.school.replace("_", " ") if args.school else None
            width, height = (int(n) for n in args.size.split("x"))
            editor = open_editor(workspace, tasks, args.framework, school, (width, height), cases)
            first = editor.nav.currentRow()
            settle(0.3)
            wait_until(lambda: tasks.pending == 0)
            if args.page:
                editor.show_page(args.page)
            if args.criterion:
                editor.go_to_criterion(args.criterion)
            if args.shot:
                editor.evidence.scope.setCurrentIndex(1)  # "All evidence"
            editor.grab()  # thumbnails are read when first painted
            settle(0.3)
            wait_until(lambda: tasks.pending == 0)
            settle(0.3)
            if args.shot:
                args.out.mkdir(parents=True, exist_ok=True)
                editor.grab().save(str(args.out / f"{args.shot}.png"))
            clipped: list[str] = []
            pages = 0
            for row, key in enumerate(editor.nav_keys):
                if editor.nav.item(row).isHidden():
                    continue
                editor.nav.setCurrentRow(row)
                settle()
                pages += 1
                page = editor.stack.currentWidget()
                clipped += [f"{key}: {problem}" for problem in clipped_widgets(editor, page)]
            editor.nav.setCurrentRow(first)
            result = {
                "clipped": sorted(set(clipped)),
                "pages": pages,
                "size": [editor.width(), editor.height()],
                "scale": os.environ.get("QT_SCALE_FACTOR", "1"),
                "device_pixel_ratio": editor.devicePixelRatioF(),
            }
            editor.close()
        finally:
            tasks.shutdown()
            workspace.close()
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
