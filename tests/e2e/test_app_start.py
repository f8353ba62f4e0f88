"""The real ``reviewer-app`` command, started as a separate process (offscreen)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from reviewer_app import debug
from reviewer_app.gui.startup_probe import PREFIX


def _start(data_dir: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, debug.ENV: debug.EXIT_AFTER_SHOW, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "reviewer_app",
            "--no-crash-dialog",
            "--data-dir",
            str(data_dir),
            *extra,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )


def _probe(result: subprocess.CompletedProcess[str]) -> dict:
    line = next(line for line in result.stdout.splitlines() if line.startswith(PREFIX))
    return json.loads(line.removeprefix(PREFIX))


def test_demo_opens_on_the_seeded_trust_without_a_passphrase(data_dir: Path) -> None:
    result = _start(data_dir, "--demo")
    assert result.returncode == 0, result.stderr
    shown = _probe(result)
    assert len(shown["schools"]) >= 6
    assert shown["status"] == f"Demo store · {len(shown['schools'])} schools"
    assert shown["title"] == "Reviewer · Demo store"
    assert (data_dir / "data" / "demo.db").is_file()
    assert (data_dir / "logs" / "reviewer.log").is_file()
    assert "Traceback" not in result.stderr


def test_a_file_that_is_not_a_store_gives_a_sentence_not_a_traceback(data_dir: Path) -> None:
    store = data_dir / "data" / "demo.db"
    store.parent.mkdir(parents=True)
    store.write_bytes(b"these are my notes, not a database" * 200)
    before = store.read_bytes()
    result = _start(data_dir, "--demo")
    assert result.returncode == 1
    assert result.stderr.startswith("reviewer-app: ")
    assert str(store) in result.stderr
    assert "Traceback" not in result.stderr
    assert store.read_bytes() == before


def test_a_second_start_shows_the_schools_from_the_quick_look_then_opens_fully(
    data_dir: Path,
) -> None:
    first = _probe(_start(data_dir, "--demo"))
    assert first["first_look"] is False  # a new demo store: created and seeded by the Workspace
    result = _start(data_dir, "--demo")
    assert result.returncode == 0, result.stderr
    second = _probe(result)
    assert second["first_look"] is True
    assert second["schools"] == first["schools"]
    assert second["status"] == first["status"]
    assert second["window_ns"] <= second["shown_ns"] <= second["ready_ns"]
    log = (data_dir / "logs" / "reviewer.log").read_text(encoding="utf-8")
    assert log.count("store opened (demo key, created=False)") == 1  # the full open ran too
