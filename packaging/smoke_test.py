"""Smoke test of the frozen desktop build: run the real executable the way a person would.

    python packaging/smoke_test.py [build/dist/reviewer]

Each check runs the frozen ``reviewer-app`` in a fresh data folder, offscreen, and fails with a
sentence naming what broke. Checks: the version; the main window opens on the demo store and shows
its schools (the start-up probe); the bundled frameworks pass their own check; a demo review's
report exports as a PDF with its fonts embedded; the demo trust root verifies it; a copy with one
byte changed fails verification. Needs poppler's ``pdffonts`` for the fonts check.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROBE = "reviewer-probe: "


class SmokeTestError(Exception):
    """A check of the frozen app failed; the message says which and how."""


def run(
    app: Path, *args: str, data: Path, expect: int = 0, env: dict[str, str] | None = None
) -> str:
    full_env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", **(env or {})}
    done = subprocess.run(
        [str(app), *args],
        capture_output=True,
        text=True,
        timeout=180,
        env=full_env,
        cwd=data,
    )
    if done.returncode != expect:
        raise SmokeTestError(
            f"`reviewer-app {' '.join(args)}` exited {done.returncode}, expected {expect}:\n"
            f"{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
        )
    return done.stdout


def check(app_dir: Path) -> list[str]:
    app = app_dir / ("reviewer-app.exe" if sys.platform == "win32" else "reviewer-app")
    if not app.exists():
        raise SmokeTestError(f"There is no frozen app at {app}: run packaging/build.py first.")
    passed: list[str] = []
    with tempfile.TemporaryDirectory(prefix="reviewer-smoke-") as tmp:
        data = Path(tmp)
        store = ["--demo", "--data-dir", str(data / "store")]

        out = run(app, "--version", data=data)
        if not out.startswith("reviewer-app "):
            raise SmokeTestError(f"--version printed {out!r}")
        passed.append(f"version: {out.strip()}")

        out = run(app, *store, data=data, env={"REVIEWER_EXIT_AFTER_SHOW": "1"})
        lines = [line for line in out.splitlines() if line.startswith(PROBE)]
        if not lines:
            raise SmokeTestError(f"The main window never reported itself on screen:\n{out[-2000:]}")
        shown = json.loads(lines[-1][len(PROBE) :])
        if not shown["schools"]:
            raise SmokeTestError(
                f"The main window opened on the demo store with no schools: {shown}"
            )
        passed.append(f"main window on the demo store with {len(shown['schools'])} schools")

        run(app, "frameworks", "check", data=data)
        passed.append("bundled frameworks pass their check")

        bundle = data / "bundle.json"
        run(app, "export", str(bundle), *store, data=data)
        reviews = json.loads(bundle.read_text(encoding="utf-8"))["reviews"]
        signed = [r for r in reviews if r["review"]["state"] == "signed"]
        if not signed:
            raise SmokeTestError("The demo store exported no signed review.")
        visit_id = signed[0]["visit"]["id"]
        pdf = data / "report.pdf"
        run(app, "report", "export", visit_id, "--out", str(pdf), *store, data=data)
        if not pdf.read_bytes().startswith(b"%PDF-"):
            raise SmokeTestError(f"{pdf} is not a PDF")
        if shutil.which("pdffonts"):
            fonts = subprocess.run(
                ["pdffonts", str(pdf)], capture_output=True, text=True, check=True
            ).stdout.splitlines()[2:]
            if not fonts or any(line.split()[-5] != "yes" for line in fonts):
                raise SmokeTestError(f"The report's fonts are not all embedded:\n{fonts}")
        passed.append(f"demo report exported ({pdf.stat().st_size // 1024} KiB, fonts embedded)")

        root = data / "demo-root.pem"
        run(app, "report", "demo-root", "--out", str(root), *store, data=data)
        out = run(app, "verify", str(pdf), "--trust-root", str(root), data=data)
        passed.append("the signed demo report verifies: " + out.splitlines()[0])

        tampered = data / "tampered.pdf"
        body = bytearray(pdf.read_bytes())
        middle = len(body) // 3
        body[middle] = body[middle] ^ 0x01
        tampered.write_bytes(bytes(body))
        run(app, "verify", str(tampered), "--trust-root", str(root), data=data, expect=1)
        passed.append("a report with one byte changed fails verification")
    return passed


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    app_dir = Path(args[0]) if args else ROOT / "build" / "dist" / "reviewer"
    try:
        passed = check(app_dir)
    except SmokeTestError as failure:
        print(f"FROZEN BUILD SMOKE TEST FAILED: {failure}", file=sys.stderr)
        return 1
    for line in passed:
        print(f"ok  {line}")
    print(f"{len(passed)} passed, 0 failed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
