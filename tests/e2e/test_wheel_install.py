"""The wheel, installed into a fresh virtual environment outside the source tree, is the whole
app: nothing may work only from a checkout (frameworks, resources, migrations, fonts, entry
points). Builds with ``uv build``, installs with ``uv venv`` + ``uv pip install``, then runs the
installed commands from an empty folder the way a person or an IT script would.

Kept quick: the dependencies are pinned to ``uv.lock`` (so uv finds them in its cache, as
``uv sync`` left them), and nothing but the package index is reached.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from reviewer_app import __version__, debug
from reviewer_app.gui.startup_probe import PREFIX

pytestmark = [pytest.mark.slow, pytest.mark.e2e, pytest.mark.timeout(900)]

ROOT = Path(__file__).resolve().parents[2]


def _uv(*args: str | Path, cwd: Path) -> str:
    uv = shutil.which("uv")
    assert uv is not None, "uv is needed to build the wheel"
    done = subprocess.run(
        [uv, *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 0, f"uv {args[0]} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def test_the_wheel_installs_into_a_fresh_venv_and_runs_outside_the_source_tree(
    tmp_path: Path,
) -> None:
    dist = tmp_path / "dist"
    _uv("build", "--wheel", "--sdist", "--out-dir", dist, ROOT, cwd=tmp_path)
    (wheel,) = dist.glob("reviewer_app-*.whl")
    (sdist,) = dist.glob("reviewer_app-*.tar.gz")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    for shipped in (
        "reviewer_app/_data/frameworks/two-day-peer-review@2.yaml",
        "reviewer_app/_data/resources/fonts/DejaVuSans.ttf",
        "reviewer_app/storage/migrations/env.py",
    ):
        assert shipped in names, f"the wheel lacks {shipped}"
    with tarfile.open(sdist) as archive:
        members = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    assert {"frameworks/two-day-peer-review@2.yaml", "resources/fonts/DejaVuSans.ttf"} <= members

    constraints = tmp_path / "constraints.txt"
    _uv("export", "--frozen", "--no-dev", "--no-emit-project", "--no-hashes", "--quiet",
        "--output-file", constraints, cwd=ROOT)  # fmt: skip
    venv = tmp_path / "fresh venv"
    _uv("venv", "--python", sys.executable, "--quiet", venv, cwd=tmp_path)
    python = venv / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")
    _uv("pip", "install", "--python", python, "--constraints", constraints, wheel, cwd=tmp_path)
    bin_dir = python.parent

    elsewhere = tmp_path / "somewhere else"
    elsewhere.mkdir()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"PYTHONPATH", "VIRTUAL_ENV", "REVIEWER_DATA_DIR"}
    }
    env.update({"QT_QPA_PLATFORM": "offscreen", "HOME": str(elsewhere)})

    def installed(*args: str, extra: dict[str, str] | None = None) -> str:
        done = subprocess.run(
            [str(bin_dir / args[0]), *args[1:]],
            cwd=elsewhere,
            env={**env, **(extra or {})},
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        assert done.returncode == 0, f"{' '.join(args)}:\n{done.stdout}\n{done.stderr}"
        return done.stdout

    assert installed("reviewer-app", "--version").strip() == f"reviewer-app {__version__}"
    assert installed("reviewer-app-server", "--version").strip() == (
        f"reviewer-app-server {__version__}"
    )
    about = json.loads(installed("reviewer-app", "about", "--json", "--data-dir", "data"))
    site = Path(about["frameworks"]).resolve()
    assert venv.resolve() in site.parents, f"frameworks came from {site}, not the venv"
    assert ROOT not in site.parents
    checked = installed("reviewer-app", "frameworks", "check")
    assert "error" not in checked.lower()

    shown = installed(
        "reviewer-app",
        "--demo",
        "--no-crash-dialog",
        "--data-dir",
        "data",
        extra={debug.ENV: debug.EXIT_AFTER_SHOW},
    )
    probe = next(line for line in shown.splitlines() if line.startswith(PREFIX))
    window = json.loads(probe.removeprefix(PREFIX))
    assert len(window["schools"]) >= 6
    assert window["title"] == "Reviewer · Demo store"
