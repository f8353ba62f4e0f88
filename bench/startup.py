"""Start-up time of the app against a bare PySide6 window, started the same way in the same run.

Both are separate processes started with the same Python and the offscreen platform; each prints
the wall-clock time at which its window has painted with its list filled (the app through the
``exit-after-show`` debug switch, see ``gui/startup_probe.py``), then quits. Time is measured from
just before the process is spawned. Runs alternate between the two; medians are compared.

Both run with Python's bytecode cache, as an installed app does from its second start: this
machine sets ``PYTHONDONTWRITEBYTECODE=1``, which would make every start compile every module
(ours, PySide6's support code, SQLAlchemy...) from source. The cache is kept under the run's
temporary folder (``PYTHONPYCACHEPREFIX``), so nothing is written into the environment; the
untimed warm-up start fills it. ``--no-bytecode-cache`` measures with compilation on every start.

    uv run python bench/startup.py [--runs 7] [--no-bytecode-cache]

Target (issue 2): the app at most 3x the bare window.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PREFIX = "reviewer-probe: "
TARGET_RATIO = 3.0

BARE_WINDOW = r"""
import json, sys, time
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QListWidget, QMainWindow

app = QApplication(sys.argv[:1])
window = QMainWindow()
schools = QListWidget()
schools.addItems([f"School {n}" for n in range(7)])
window.setCentralWidget(schools)

class FirstPaint(QObject):
    done = False
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint and not self.done:
            self.done = True
            QTimer.singleShot(0, report)
        return False

def report():
    print("PREFIX" + json.dumps({"shown_ns": time.time_ns()}), flush=True)
    app.quit()

probe = FirstPaint()
schools.viewport().installEventFilter(probe)
window.resize(1120, 720)
window.show()
app.exec()
""".replace("PREFIX", PREFIX)


_PYCACHE: Path | None = None


def _env() -> dict[str, str]:
    env = dict(os.environ)
    if _PYCACHE is not None:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(_PYCACHE)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["REVIEWER_DEBUG"] = "exit-after-show"
    env.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
    return env


def time_to_shown(command: list[str]) -> tuple[float, dict[str, object]]:
    """Seconds from spawning ``command`` to its window painted with data, and the probe line.

    The probe's ``window_ns`` (first paint, before the data) becomes ``window_s``, its
    ``ready_ns`` (the full Workspace open behind the first screen, and idle) ``ready_s``.
    """
    started = time.time_ns()
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=120, env=_env(), check=False
    )
    if result.returncode != 0:
        raise SystemExit(f"{command} failed:\n{result.stderr}")
    line = next((x for x in result.stdout.splitlines() if x.startswith(PREFIX)), None)
    if line is None:
        raise SystemExit(f"{command} printed no probe line:\n{result.stdout}\n{result.stderr}")
    probe = json.loads(line.removeprefix(PREFIX))
    probe["window_s"] = (int(probe.get("window_ns") or probe["shown_ns"]) - started) / 1e9
    probe["ready_s"] = (int(probe.get("ready_ns") or probe["shown_ns"]) - started) / 1e9
    return (int(probe["shown_ns"]) - started) / 1e9, probe


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="timed runs of each (default 7)")
    parser.add_argument(
        "--no-bytecode-cache",
        action="store_true",
        help="compile every module from source on every start (PYTHONDONTWRITEBYTECODE)",
    )
    args = parser.parse_args(argv)
    global _PYCACHE
    with tempfile.TemporaryDirectory() as tmp:
        _PYCACHE = None if args.no_bytecode_cache else Path(tmp) / "pycache"
        bare_script = Path(tmp) / "bare_window.py"
        bare_script.write_text(BARE_WINDOW, encoding="utf-8")
        data_dir = Path(tmp) / "data"
        bare = [sys.executable, str(bare_script)]
        app = [sys.executable, "-m", "reviewer_app", "--demo", "--no-crash-dialog",
               "--data-dir", str(data_dir)]  # fmt: skip
        # Warm-up (not timed): the first app start creates and seeds the demo store, and both
        # warm the operating system's file cache.
        _, probe = time_to_shown(app)
        time_to_shown(bare)
        bare_times: list[float] = []
        app_times: list[float] = []
        window_times: list[float] = []
        ready_times: list[float] = []
        first_looks = 0
        for _ in range(args.runs):
            bare_times.append(time_to_shown(bare)[0])
            seconds, probe = time_to_shown(app)
            app_times.append(seconds)
            window_times.append(float(probe["window_s"]))  # type: ignore[arg-type]
            ready_times.append(float(probe["ready_s"]))  # type: ignore[arg-type]
            first_looks += bool(probe.get("first_look"))
    bare_median = statistics.median(bare_times)
    app_median = statistics.median(app_times)
    ratio = app_median / bare_median
    print(f"schools shown by the app: {len(probe['schools'])}")  # type: ignore[arg-type]
    print(f"bare PySide6 window: median {bare_median * 1000:.0f} ms over {args.runs} runs "
          f"({', '.join(f'{t * 1000:.0f}' for t in bare_times)})")  # fmt: skip
    print(f"reviewer-app --demo: median {app_median * 1000:.0f} ms over {args.runs} runs "
          f"({', '.join(f'{t * 1000:.0f}' for t in app_times)})")  # fmt: skip
    window_median = statistics.median(window_times)
    print(f"reviewer-app window on screen (store still opening): median {window_median * 1000:.0f}"
          f" ms ({window_median / bare_median:.2f}x the bare window)")  # fmt: skip
    ready_median = statistics.median(ready_times)
    print(f"reviewer-app full Workspace open behind it: median {ready_median * 1000:.0f} ms "
          f"({ready_median / bare_median:.2f}x the bare window)")  # fmt: skip
    print(f"schools first shown from the quick read-only look: {first_looks} of {args.runs} runs")
    try:
        load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
        print(f"load average (1, 5, 15 min): {load} on {os.cpu_count()} CPUs")
    except OSError:
        pass
    cache = "off (compiled on every start)" if args.no_bytecode_cache else "on (warmed up)"
    print(f"bytecode cache: {cache}")
    verdict = "within" if ratio <= TARGET_RATIO else "OVER"
    print(f"ratio app/bare, schools list populated: {ratio:.2f}x "
          f"({verdict} the {TARGET_RATIO:g}x target)")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
