"""Never lose work: edit through the real editor in the real app, wait until the saved indicator
says saved, kill the process with SIGKILL, start it again and find every change shown as saved.

The app runs as a subprocess on its own ``--data-dir`` with the editor's test-only script mode (the
debug switch ``editor-script``), which drives the editor's own widgets and prints a checkpoint line
each time the saved indicator says everything is saved.
"""

from __future__ import annotations

import json
import os
import selectors
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

PREFIX = "reviewer-editor: "
VISIT = {"school": "Brookside High School", "framework": "learning-walk", "status": "in_progress"}

SAVED_STEPS = [
    {"field": "focus-strands", "value": ["climate", "review"]},
    {"field": "rooms-visited", "value": 5},
    {"checkpoint": "visit-fields"},
    {"rate": "climate-routines", "key": 1},
    {"rate": "review-retrieval", "key": 2},
    {"note": "Pupils settle within a minute #y5 #maths @climate-routines"},
    {"checkpoint": "judgements-and-note"},
    {
        "action": {
            "text": "Share the Year 5 start-of-lesson routine",
            "owner": "Deputy headteacher",
            "due": "2030-01-31",
            "priority": "high",
        }
    },
    {"field": "strengths-seen", "value": "Calm, purposeful starts in every room."},
    {"checkpoint": "action-and-text"},
]
# Typed after the last checkpoint: may or may not be saved when the process is killed.
UNCONFIRMED_STEPS = [{"field": "areas-to-explore", "value": "Retrieval in Year 3."}]


def _environment(script: Path) -> dict[str, str]:
    return {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
        "REVIEWER_DEBUG": f"editor-script={script},editor-trace",
    }


def _command(data_dir: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "reviewer_app",
        "--demo",
        "--no-crash-dialog",
        "--data-dir",
        str(data_dir),
    ]


def _read_until(process: subprocess.Popen[str], wanted: str, timeout: float) -> list[dict]:
    """Editor lines until one contains ``wanted`` (parsed JSON payloads)."""
    assert process.stdout is not None
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + timeout
    seen: list[dict] = []
    while time.monotonic() < deadline:
        if not selector.select(timeout=0.5):
            if process.poll() is not None:
                break
            continue
        line = process.stdout.readline()
        if not line:
            break
        if line.startswith(PREFIX):
            payload = json.loads(line.removeprefix(PREFIX))
            seen.append(payload)
            if wanted in json.dumps(payload):
                return seen
    raise AssertionError(f"the app never printed {wanted!r}; it printed {seen}")


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_every_change_shown_as_saved_survives_sigkill(tmp_path: Path, data_dir: Path) -> None:
    script = tmp_path / "edit.json"
    script.write_text(json.dumps({"visit": VISIT, "steps": SAVED_STEPS + UNCONFIRMED_STEPS}))
    process = subprocess.Popen(
        _command(data_dir),
        env=_environment(script),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        lines = _read_until(process, "action-and-text", timeout=120)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        assert process.stdout is not None
        process.stdout.close()
    assert process.returncode == -signal.SIGKILL
    checkpoints = [line for line in lines if "checkpoint" in line]
    assert [c["checkpoint"] for c in checkpoints] == [
        "visit-fields",
        "judgements-and-note",
        "action-and-text",
    ]
    assert all(c["indicator"].startswith("All changes saved at") for c in checkpoints)

    # Start again on the same data folder and read what the editor shows.
    dump_script = tmp_path / "dump.json"
    dump_script.write_text(json.dumps({"visit": VISIT, "dump": True}))
    again = subprocess.run(
        _command(data_dir),
        env=_environment(dump_script),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert again.returncode == 0, again.stderr[-2000:]
    dump = next(
        json.loads(line.removeprefix(PREFIX))["dump"]
        for line in again.stdout.splitlines()
        if line.startswith(PREFIX) and '"dump"' in line
    )
    assert dump["fields"]["focus-strands"] == ["climate", "review"]
    assert dump["fields"]["rooms-visited"] == 5
    assert dump["fields"]["strengths-seen"] == "Calm, purposeful starts in every room."
    # The lead on a team visit proposes with the number keys ("own" view).
    assert dump["levels"]["climate-routines"]["own"] == "seen"
    assert dump["levels"]["review-retrieval"]["own"] == "partly_seen"
    assert dump["notes"] == ["Pupils settle within a minute"]
    assert dump["actions"] == ["Share the Year 5 start-of-lesson routine"]
    assert dump["state"] == "draft"
