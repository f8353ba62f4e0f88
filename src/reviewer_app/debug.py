"""Debug switches: the probes and drivers that automated runs (the end-to-end tests, the
benchmarks) use to watch and drive the real app. Off in normal use; nothing else reads them.

Switched on with ``reviewer-app --debug NAME[=VALUE]`` (repeatable), or, for a process started
by a test or a benchmark, with ``REVIEWER_DEBUG="NAME[=VALUE],..."``. The switches:

``exit-after-show``
    ``gui/startup_probe.py``: report when the window is on screen with its data, then quit.
``editor-trace``
    ``gui/review_editor/save_queue.py``: a line on stdout each time everything is saved.
``editor-script=FILE``
    ``gui/review_editor/script.py``: drive the editor's widgets from a JSON file.

Standard library only: it is read while the app starts.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

#: The environment variable a test or benchmark sets for a process it starts.
ENV = "REVIEWER_DEBUG"
EXIT_AFTER_SHOW = "exit-after-show"
EDITOR_TRACE = "editor-trace"
EDITOR_SCRIPT = "editor-script"
#: Each switch, and whether it takes a value.
SWITCHES = {EXIT_AFTER_SHOW: False, EDITOR_TRACE: False, EDITOR_SCRIPT: True}

_on: dict[str, str] | None = None


def parse(words: Iterable[str]) -> dict[str, str]:
    """``NAME`` or ``NAME=VALUE`` words as switches (ValueError names a wrong one)."""
    found: dict[str, str] = {}
    for word in words:
        name, has_value, value = word.strip().partition("=")
        if not name:
            continue
        if name not in SWITCHES:
            known = ", ".join(sorted(SWITCHES))
            raise ValueError(f"'{name}' is not a debug switch (they are: {known}).")
        if SWITCHES[name] and not (has_value and value):
            raise ValueError(f"The debug switch '{name}' needs a value: {name}=...")
        if not SWITCHES[name] and has_value:
            raise ValueError(f"The debug switch '{name}' takes no value.")
        found[name] = value
    return found


def switch_on(words: Iterable[str]) -> None:
    """Switch on ``words`` (from ``--debug``), with any named in the environment."""
    global _on
    _on = {**_from_environment(), **parse(words)}


def _from_environment() -> dict[str, str]:
    return parse(os.environ.get(ENV, "").split(","))


def is_on(name: str) -> bool:
    return name in _switches()


def value(name: str) -> str | None:
    """The value of a switch that is on (``editor-script``'s file), else None."""
    return _switches().get(name)


def _switches() -> dict[str, str]:
    global _on
    if _on is None:
        _on = _from_environment()
    return _on
