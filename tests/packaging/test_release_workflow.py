"""The GitHub Actions workflow that builds the installers on every tag: valid for GitHub (checked
offline against the workflow schema check-jsonschema vendors), and wired to the real scripts."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = ROOT / ".github" / "workflows" / "release-builds.yml"


def _lint(path: Path) -> subprocess.CompletedProcess[str]:
    linter = shutil.which("check-jsonschema", path=str(Path(sys.executable).parent))
    assert linter is not None, "check-jsonschema is a dev dependency: run uv sync"
    return subprocess.run(
        [linter, "--builtin-schema", "vendor.github-workflows", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _workflow() -> dict[Any, Any]:
    loaded: dict[Any, Any] = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    return loaded


def test_the_workflow_passes_githubs_schema() -> None:
    result = _lint(WORKFLOW)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_linter_catches_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    text = WORKFLOW.read_text(encoding="utf-8").replace("runs-on: windows-2022", "run-on: windows")
    broken.write_text(text, encoding="utf-8")
    result = _lint(broken)
    assert result.returncode == 1
    assert "windows" in result.stdout


def test_it_runs_on_every_tag_and_builds_and_checks_every_platform() -> None:
    workflow = _workflow()
    triggers = workflow[True]  # YAML 1.1 reads the key "on" as true
    assert triggers["push"]["tags"] == ["v*"]
    jobs = workflow["jobs"]
    smoke = {
        "linux": "smoke_test.py --deb",
        "windows": "smoke_test.py --windows-installer",
        "macos": "smoke_test.py --dmg",
    }
    for name, installed_check in smoke.items():
        runs = "\n".join(step.get("run", "") for step in jobs[name]["steps"])
        assert "packaging/build.py" in runs, name
        assert "packaging/smoke_test.py\n" in runs + "\n", f"{name}: the app folder is smoke-tested"
        assert installed_check in runs, name
        uploads = [s for s in jobs[name]["steps"] if s.get("uses", "").startswith("actions/upload")]
        assert uploads, f"{name} uploads nothing"
        assert uploads[0]["with"]["if-no-files-found"] == "error"
    assert {"linux", "windows", "macos"} <= set(jobs["release"]["needs"])


def test_the_smoke_test_options_the_workflow_uses_exist() -> None:
    helped = subprocess.run(
        [sys.executable, str(ROOT / "packaging" / "smoke_test.py"), "--help"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for option in ("--deb", "--windows-installer", "--dmg"):
        assert option in helped


@pytest.mark.parametrize("platform", ["linux", "windows", "macos"])
def test_each_platform_build_freezes_then_packs(platform: str) -> None:
    plan = subprocess.run(
        [sys.executable, str(ROOT / "packaging" / "build.py"), "--dry-run", "--platform", platform],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "PyInstaller" in plan
    packed = {
        "linux": ["reviewer-app_", ".deb with dpkg-deb", "-linux-"],
        "windows": ["ISCC", "/DAppVersion=", "windows-x64-setup", "reviewer.iss"],
        "macos": [".dmg", "Not signed or notarised: REVIEWER_MACOS_SIGN_IDENTITY is not set"],
    }[platform]
    for words in packed:
        assert words in plan, plan
