"""The test suite's own discipline, checked by running pytest on small example tests.

The examples run under the project's real pytest configuration (pyproject.toml) and a copy of
the real tests/conftest.py, so these fail if a warning, a Qt warning or an unexpected log record
stops failing tests, or if GUI tests stop being marked ``gui``.
"""

from __future__ import annotations

import inspect
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

EXAMPLES = """
import logging
import warnings

from PySide6.QtCore import qWarning


def test_qt_warning(qtbot):
    qWarning("something Qt did not like")


def test_python_warning():
    warnings.warn("deprecated thing", DeprecationWarning, stacklevel=1)


def test_unexpected_log_warning():
    logging.getLogger("reviewer_app.example").warning("disk nearly full")


def test_expected_log_warning(expected_log):
    expected_log(logging.WARNING, "disk nearly full")
    logging.getLogger("reviewer_app.example").warning("disk nearly full")


def test_quiet():
    assert True
"""


def _run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    suite = tmp_path / "tests"
    (suite / "gui").mkdir(parents=True)
    shutil.copy(ROOT / "tests" / "conftest.py", suite / "conftest.py")
    (suite / "gui" / "test_examples.py").write_text(EXAMPLES, encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-c", str(ROOT / "pyproject.toml"),
         "--rootdir", str(tmp_path), "-p", "no:randomly", "-q", "-rA", str(suite), *args],
        capture_output=True, text=True, timeout=300, cwd=tmp_path, check=False,
    )  # fmt: skip


def test_warnings_qt_warnings_and_unexpected_logs_fail_tests(tmp_path: Path) -> None:
    result = _run(tmp_path)
    out = result.stdout
    assert result.returncode == 1, out
    assert "FAILED tests/gui/test_examples.py::test_qt_warning" in out
    assert "FAILED tests/gui/test_examples.py::test_python_warning" in out
    # The log check runs at teardown, so the test is reported as an error there.
    assert "ERROR tests/gui/test_examples.py::test_unexpected_log_warning" in out
    assert "unexpected log records at WARNING or above" in out
    assert "ERROR tests/gui/test_examples.py::test_expected_log_warning" not in out
    assert "PASSED tests/gui/test_examples.py::test_quiet" in out


def test_gui_tests_are_marked_so_the_fast_loop_skips_them(tmp_path: Path) -> None:
    result = _run(tmp_path, "-m", "not gui")
    assert result.returncode == 5, result.stdout  # 5: every test deselected
    assert "5 deselected" in result.stdout


def test_test_module_names_are_unique_across_folders() -> None:
    # The test folders have no __init__.py, so pytest imports each module by its bare name: two
    # modules with one name in different folders make the second an "import file mismatch"
    # error in a whole-suite run (each passes alone, so nobody sees it before CI).
    seen: dict[str, list[str]] = {}
    for module in sorted((ROOT / "tests").rglob("test_*.py")):
        seen.setdefault(module.name, []).append(str(module.relative_to(ROOT)))
    clashes = {name: paths for name, paths in seen.items() if len(paths) > 1}
    assert not clashes, f"test modules sharing a name (rename one of each): {clashes}"


def test_qt_waits_without_a_timeout_are_patient_on_a_loaded_machine() -> None:
    # tests/conftest.py raises pytest-qt's 5 s default: a background read or a live server's
    # answer can take longer than that on CI's two busy cores.
    from pytestqt.qtbot import QtBot

    for wait in (QtBot.waitSignal, QtBot.waitSignals, QtBot.waitUntil, QtBot.waitExposed):
        assert inspect.signature(wait).parameters["timeout"].default == 20_000
