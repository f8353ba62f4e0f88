"""Icons and styles from ``resources/``, found through Qt search paths.

Why search paths rather than a compiled ``.qrc``: ``resources/`` already ships as plain files in
the wheel and the frozen build (``paths.resources_dir()`` finds it in a checkout, a wheel or a
PyInstaller bundle), and the report renderer reads its fonts and logos from the same folder
without Qt. Registering ``icons:`` and ``styles:`` prefixes keeps one source of truth, avoids a
multi-megabyte generated Python module in git, and an edited SVG shows at the next start with no
build step. Code and ``.ui`` files refer to ``icons:name.svg``.
"""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import QDir
from PySide6.QtGui import QColor, QFont, QIcon, QPalette, QPixmap
from PySide6.QtWidgets import QApplication, QStyleFactory, QWidget

from reviewer_app.gui.drop_downs import DropDownStyle
from reviewer_app.paths import resources_dir

#: Colour and size tokens used by ``resources/styles/*.qss`` as ``{{name}}``.
TOKENS: dict[str, str] = {
    "text": "#1d2b36",
    "muted": "#5b6b79",
    "window": "#f5f7fa",
    "surface": "#ffffff",
    "surface_alt": "#f8fafc",
    "sidebar": "#eef2f6",
    "hover": "#eef3f8",
    "border": "#dde3ea",
    "border_strong": "#c3ccd6",
    "accent": "#1f6f8b",
    "accent_dark": "#165569",
    "accent_soft": "#dcecf2",
    "focus_ring": "#f2b84b",
    "danger": "#b42318",
    "danger_soft": "#fdeceb",
    "danger_border": "#f4b8b3",
    "font_size": "10",
    "font_size_small": "9",
    "font_size_subheading": "12",
    "font_size_heading": "15",
    "font_size_title": "18",
}

#: Visit status -> (text colour, background colour) for status chips.
STATUS_COLOURS: dict[str, tuple[str, str]] = {
    "planned": ("#1e4e8c", "#e0ebfa"),
    "in_progress": ("#8a4b00", "#fdf0d9"),
    "ready_for_sign_off": ("#5b2d8e", "#efe6fa"),
    "waiting_for_signatures": ("#7a2e5a", "#f8e4ef"),
    # The person's own signature is awaited: the one chip filled in a strong colour.
    "your_turn": ("#ffffff", "#5b2d8e"),
    "signed": ("#1c6b3f", "#dff3e7"),
    "cancelled": ("#55606b", "#eceff2"),
}

_TOKEN = re.compile(r"\{\{(\w+)\}\}")


def register_search_paths(root: Path | None = None) -> None:
    """Make ``icons:`` and ``styles:`` resolve into ``resources/``."""
    base = root or resources_dir()
    QDir.setSearchPaths("icons", [str(base / "icons")])
    QDir.setSearchPaths("styles", [str(base / "styles")])


def icon(name: str) -> QIcon:
    """An icon from ``resources/icons/<name>.svg``."""
    return QIcon(f"icons:{name}.svg")


def pixmap(name: str, size: int) -> QPixmap:
    """A crisp pixmap of an icon at ``size`` logical pixels."""
    return icon(name).pixmap(size, size)


def stylesheet(root: Path | None = None) -> str:
    """The application style sheet: every ``styles/*.qss`` in name order, tokens filled in.

    An unknown token is a programming error in a .qss file, so it raises rather than rendering
    an invalid sheet that Qt would silently ignore.
    """
    folder = (root or resources_dir()) / "styles"
    parts = [path.read_text(encoding="utf-8") for path in sorted(folder.glob("*.qss"))]

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in TOKENS:
            raise KeyError(f"unknown style token {{{{{name}}}}} in resources/styles")
        return TOKENS[name]

    return _TOKEN.sub(fill, "\n".join(parts))


def apply(app: QApplication) -> None:
    """Give the whole application Reviewer's look: Fusion, a light palette, the style sheet."""
    register_search_paths()
    fusion = QStyleFactory.create("Fusion")
    if fusion is not None:
        app.setStyle(DropDownStyle(fusion))
    palette = app.palette()
    palette.setColor(QPalette.ColorRole.Window, QColor(TOKENS["window"]))
    palette.setColor(QPalette.ColorRole.Base, QColor(TOKENS["surface"]))
    palette.setColor(QPalette.ColorRole.AlternateBase, QColor(TOKENS["surface_alt"]))
    palette.setColor(QPalette.ColorRole.Text, QColor(TOKENS["text"]))
    palette.setColor(QPalette.ColorRole.WindowText, QColor(TOKENS["text"]))
    palette.setColor(QPalette.ColorRole.ButtonText, QColor(TOKENS["text"]))
    palette.setColor(QPalette.ColorRole.Highlight, QColor(TOKENS["accent"]))
    palette.setColor(QPalette.ColorRole.PlaceholderText, QColor(TOKENS["muted"]))
    app.setPalette(palette)
    font = QFont(app.font())
    font.setPointSizeF(float(TOKENS["font_size"]))
    app.setFont(font)
    app.setWindowIcon(icon("reviewer"))
    app.setStyleSheet(stylesheet())


def set_role(widget: QWidget, role: str) -> None:
    """Set the ``role`` property the style sheet keys on, and re-polish so it shows at once."""
    widget.setProperty("role", role)
    refresh_style(widget)


def set_invalid(widget: QWidget, invalid: bool) -> None:
    """Mark an input as invalid (red border) or valid again."""
    widget.setProperty("invalid", "true" if invalid else "false")
    refresh_style(widget)


def refresh_style(widget: QWidget) -> None:
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
