"""Start-up stays fast: importing the command line pulls in neither Qt nor the heavy libraries."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("PySide6", "reportlab", "pyhanko", "fastapi", "httpx", "sqlalchemy")


def test_cli_and_app_modules_import_nothing_heavy() -> None:
    code = (
        "import sys, reviewer_app.cli, reviewer_app.app\n"
        f"print(','.join(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == ""
