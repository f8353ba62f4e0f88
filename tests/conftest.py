"""Suite-wide discipline (after qutebrowser): Qt runs offscreen, warnings are errors (pyproject),
Qt warnings fail GUI tests (pytest-qt ``qt_log_level_fail``), and an unexpected log record at
WARNING or above fails the test that caused it.

A test that expects a warning says so with the ``expected_log`` fixture.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Never let a test reach a real keyring or a person's real data folders.
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"

TESTS_DIR = Path(__file__).parent

# Property tests check what is generated, not how fast: on a loaded machine (CI, or eight
# engineers on two cores) Hypothesis's per-example deadline and "too slow" health check fail
# tests that are right. A test's own @settings still wins for what it sets.
settings.register_profile("suite", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "suite"))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests under tests/gui/ are GUI tests, so ``pytest -m 'not gui'`` is the fast loop."""
    gui_dir = TESTS_DIR / "gui"
    e2e_dir = TESTS_DIR / "e2e"
    browser_dir = TESTS_DIR / "browser"
    for item in items:
        path = Path(str(item.path))
        if gui_dir in path.parents:
            item.add_marker(pytest.mark.gui)
        if browser_dir in path.parents:
            item.add_marker(pytest.mark.browser)
        if e2e_dir in path.parents:
            item.add_marker(pytest.mark.e2e)


#: How long pytest-qt's waits wait when a test names no timeout (milliseconds). pytest-qt's
#: own 5 s is less than a background read or a live server's answer can take on a loaded
#: machine (CI, or several engineers on two cores); a wait still returns as soon as it is met.
QT_WAIT_MS = 20_000


def _patient_qt_waits() -> None:
    from pytestqt.qtbot import QtBot

    for name in ("waitSignal", "waitSignals", "waitUntil", "waitExposed", "waitActive",
                 "waitCallback"):  # fmt: skip
        defaults = getattr(QtBot, name).__kwdefaults__
        if defaults and defaults.get("timeout") == 5000:
            defaults["timeout"] = QT_WAIT_MS


_patient_qt_waits()


#: No test begins this close to the end of a day (seconds).
DAY_END_MARGIN = 120.0


def _seconds_to_midnight(now: datetime) -> float:
    midnight = datetime.combine(now.date() + timedelta(days=1), datetime.min.time())
    return (midnight - now).total_seconds()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """A test reads the day (``date.today()``) when it is set up and the app reads it again
    later; begun in the last moments of a day, the two are different days and a right test
    fails (CI's nightly run may pass midnight). So no test, nor the fixtures set up for it,
    begins in the last two minutes of a day: it waits for the new day. Runs before fixtures."""
    left = _seconds_to_midnight(datetime.now())
    if left < DAY_END_MARGIN:
        time.sleep(left + 1.0)


@pytest.fixture
def today() -> date:
    """The day the test runs on (read at set-up, never within two minutes of midnight)."""
    return date.today()


class _LogFail(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


class ExpectedLog:
    """Declares log records a test expects, so they do not fail it."""

    def __init__(self) -> None:
        self.patterns: list[tuple[int, str]] = []

    def __call__(self, level: int, substring: str) -> None:
        self.patterns.append((level, substring))

    def allows(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return any(record.levelno == lvl and sub in message for lvl, sub in self.patterns)


@pytest.fixture
def expected_log() -> ExpectedLog:
    return ExpectedLog()


@pytest.fixture(autouse=True)
def _fail_on_unexpected_log(expected_log: ExpectedLog) -> Iterator[None]:
    # Depending on expected_log (rather than looking it up at teardown) keeps it alive until
    # this check has run: pytest tears fixtures down in reverse order of set-up.
    handler = _LogFail()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield
    finally:
        root.removeHandler(handler)
    unexpected = [r for r in handler.records if not expected_log.allows(r)]
    if unexpected:
        lines = "\n".join(f"{r.levelname} {r.name}: {r.getMessage()}" for r in unexpected)
        pytest.fail(f"unexpected log records at WARNING or above:\n{lines}", pytrace=False)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A fresh ``--data-dir`` for one test."""
    folder = tmp_path / "reviewer-data"
    folder.mkdir()
    return folder
