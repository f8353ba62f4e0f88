"""Start-up stays fast: what the first screen needs pulls in none of the heavy libraries."""

from __future__ import annotations

import subprocess
import sys

HEAVY = (
    "PySide6",
    "reportlab",
    "pyhanko",
    "fastapi",
    "httpx",
    "sqlalchemy",
    "jinja2",
    "argon2",
    "segno",
)
#: The storage stack the full Workspace needs, and the quick first look must not.
STORAGE_STACK = ("sqlalchemy", "sqlmodel", "alembic", "pydantic", "PySide6")


def _imported(modules: str, names: tuple[str, ...]) -> str:
    code = (
        f"import sys, {modules}\n"
        f"print(','.join(sorted({{m.split('.')[0] for m in sys.modules}} & set({names!r}))))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    return result.stdout.strip()


def test_cli_and_app_modules_import_nothing_heavy() -> None:
    assert _imported("reviewer_app.cli, reviewer_app.app", HEAVY) == ""


def test_the_quick_first_look_imports_no_storage_stack() -> None:
    assert _imported("reviewer_app.storage.quick_read", STORAGE_STACK) == ""


def test_the_window_and_the_store_opener_import_no_storage_stack() -> None:
    """What runs before the first paint: Qt yes, the storage stack and pydantic no."""
    modules = (
        "reviewer_app.gui.main_window, reviewer_app.gui.store_opening, "
        "reviewer_app.gui.startup_probe, reviewer_app.gui.crash, reviewer_app.gui.theme"
    )
    assert _imported(modules, STORAGE_STACK[:-1]) == ""
