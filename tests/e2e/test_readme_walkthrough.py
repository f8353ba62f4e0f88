"""The README's set-up, followed as written by a newcomer on a fresh machine.

What runs: every ``sh`` block of README.md is read from the file (nothing here restates it).
The blocks under "Prerequisites" are the set-up: they run with ``bash -e`` in a fresh copy of
the project (the files git tracks, no ``.venv``), with a new empty ``HOME`` and the ``PATH`` of a
fresh Debian machine (no uv, no pyenv), as the user running the tests (root in CI) and, when that
is root, again as an unprivileged user (``sudo`` only where needed). Only ``apt-get`` commands
are skipped: they change the machine itself, and ``.ci/run`` installs the same packages (a test
below holds the two lists together); every skipped command is checked to run through ``$SUDO``.
The set-up installs uv with pipx from PyPI into the new ``HOME``, exactly as the README says.

Then the README's two commands, from their blocks: each ``reviewer-app`` command runs with
``REVIEWER_DEBUG=exit-after-show`` (the app quits once its window is on screen with the demo
schools, the start-up probe) and a timeout: ``uv run reviewer-app --demo`` offscreen, and the
README's ``xvfb-run -a`` line on a real X server, with no display in the environment. Each
``pytest`` command runs exactly as written, but ``PYTEST_ADDOPTS`` names one small test file, so
the README's command line, configuration and plugins (``-n auto`` included) are what run, while the
suite does not recurse into itself (this test is part of it) or double CI's time.

What differs from a truly fresh machine, and why: uv's package cache is the machine's
(``UV_CACHE_DIR``), so the first ``uv run`` installs the locked packages from it instead of
downloading several hundred megabytes again; what gets installed is the same (``uv.lock``). The
machine's network settings (proxy and certificate-authority variables) are kept, as a login
shell on that machine would have them; nothing else of the test run's environment is.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from reviewer_app import debug
from reviewer_app.gui.startup_probe import PREFIX

pytestmark = [pytest.mark.slow, pytest.mark.e2e, pytest.mark.timeout(900)]

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
FRESH_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#: The small test file the README's test commands run here (fast, no Qt, no server).
SUBSET = "tests/unit/test_display_check.py"


@dataclass(frozen=True)
class Block:
    heading: str
    commands: list[str]  # continuation lines joined, comments dropped


def readme_blocks() -> list[Block]:
    """Every ``sh`` block of the README, under the ``##`` heading it sits in."""
    blocks: list[Block] = []
    heading = ""
    lines = iter(README.read_text(encoding="utf-8").splitlines())
    for line in lines:
        if line.startswith("## "):
            heading = line[3:].strip()
        elif line.strip() == "```sh":
            body: list[str] = []
            for inner in lines:
                if inner.strip() == "```":
                    break
                body.append(inner.strip())
            joined = re.sub(r"\\\n\s*", " ", "\n".join(body))
            commands = [c for c in joined.splitlines() if c.strip() and not c.startswith("#")]
            blocks.append(Block(heading, commands))
    return blocks


def _setup_commands() -> tuple[list[str], list[str]]:
    """(what runs, the apt-get commands skipped)."""
    setup = [c for b in readme_blocks() if b.heading == "Prerequisites" for c in b.commands]
    skipped = [c for c in setup if re.search(r"\bapt-get\b", c)]
    return [c for c in setup if c not in skipped], skipped


def _fresh_project(folder: Path) -> Path:
    project = folder / "reviewer"
    tracked = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split("\0")
    for name in filter(None, tracked):
        source = ROOT / name
        if source.is_file():
            target = project / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return project


def _fresh_environment(home: Path) -> dict[str, str]:
    home.mkdir(parents=True, exist_ok=True)
    uv_cache = subprocess.run(
        ["uv", "cache", "dir"], capture_output=True, text=True, check=True
    ).stdout.strip()
    # The machine's network settings (proxy, certificate authorities, pip's index) are kept:
    # they belong to the machine, and a person's login shell has them too.
    network = {
        key: value
        for key, value in os.environ.items()
        if re.search(r"PROXY|CERT|SSL|TLS|_CA_|CA_BUNDLE", key, re.IGNORECASE)
        or key.startswith("PIP_")
    }
    return {
        **network,
        "HOME": str(home),
        "PATH": FRESH_PATH,
        "LANG": "C.UTF-8",
        "UV_CACHE_DIR": uv_cache,
        "TMPDIR": os.environ.get("TMPDIR", "/tmp"),
    }


def _bash(script: str, *, cwd: Path, env: dict[str, str], user: str | None = None,
          timeout: int = 600) -> subprocess.CompletedProcess[str]:  # fmt: skip
    command = ["bash", "-e", "-c", script]
    if user is not None:
        # runuser resets HOME and PATH to the account's: give the fresh ones again.
        settings = [f"{key}={value}" for key, value in env.items()]
        command = ["runuser", "-u", user, "--", "env", "-i", *settings, *command]
    return subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def _run_setup(project: Path, env: dict[str, str], user: str | None = None) -> str:
    commands, _skipped = _setup_commands()
    # One shell for the block, as a person pastes it: variables and PATH carry over.
    done = _bash("\n".join(commands), cwd=project, env=env, user=user)
    assert done.returncode == 0, f"README set-up failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def test_the_skipped_commands_are_only_apt_get_behind_sudo_and_ci_installs_the_same() -> None:
    commands, skipped = _setup_commands()
    assert skipped, "the README's prerequisites name no packages"
    assert all(c.startswith("$SUDO apt-get ") for c in skipped), skipped
    assert any("apt-get update" in c for c in skipped)
    assert not any("sudo" in c.split() for c in commands), "sudo outside apt-get"
    named = {w for c in skipped for w in c.split() if re.fullmatch(r"[a-z0-9][a-z0-9.+-]+", w)}
    named -= {"apt-get", "update", "install"}
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    missing = sorted(p for p in named if not re.search(rf"(?<![\w-]){re.escape(p)}(?![\w-])", ci))
    assert not missing, f".ci/run does not install what the README does: {missing}"


def test_the_readme_set_up_and_commands_work_on_a_fresh_machine(tmp_path: Path) -> None:
    if shutil.which("pipx", path=FRESH_PATH) is None or shutil.which("xvfb-run") is None:
        pytest.fail("pipx and xvfb-run come with the README's apt-get line; .ci/run installs it")
    project = _fresh_project(tmp_path)
    env = _fresh_environment(tmp_path / "home")
    out = _run_setup(project, env)
    assert re.search(r"^uv \d+\.\d+", out, re.MULTILINE), out
    assert (tmp_path / "home" / ".local" / "bin" / "uv").exists(), "pipx did not install uv"
    env["PATH"] = f"{tmp_path / 'home' / '.local' / 'bin'}:{FRESH_PATH}"

    ran = {"app": 0, "tests": 0}
    for block in readme_blocks():
        for command in block.commands:
            # The desktop app's commands (not the server's, not other sections' examples).
            if re.search(r"\buv run reviewer-app(\s|$)", command) and block.heading.startswith(
                "Start the app"
            ):
                extra = {debug.ENV: debug.EXIT_AFTER_SHOW}
                if "xvfb-run" not in command:
                    extra["QT_QPA_PLATFORM"] = "offscreen"
                done = _bash(command, cwd=project, env={**env, **extra}, timeout=900)
                assert done.returncode == 0, f"{command}:\n{done.stdout}\n{done.stderr}"
                assert any(line.startswith(PREFIX) for line in done.stdout.splitlines()), command
                ran["app"] += 1
            elif re.fullmatch(r"uv run pytest( -n auto)?", command) and block.heading == (
                "Run the tests"
            ):
                extra = {"PYTEST_ADDOPTS": SUBSET, "QT_QPA_PLATFORM": "offscreen"}
                done = _bash(command, cwd=project, env={**env, **extra}, timeout=600)
                assert done.returncode == 0, f"{command}:\n{done.stdout}\n{done.stderr}"
                assert re.search(r"\d+ passed", done.stdout), done.stdout
                if "-n auto" in command:
                    assert re.search(r"created: \d+/\d+ workers|\d+ workers? \[", done.stdout), (
                        done.stdout
                    )
                ran["tests"] += 1
    assert ran == {"app": 2, "tests": 2}, ran


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0 or shutil.which("runuser") is None,
    reason="run as root, the set-up is also tried as an unprivileged user",
)
def test_the_readme_set_up_works_for_a_normal_user_too() -> None:
    # Outside pytest's own temporary folders, which only root may enter.
    with tempfile.TemporaryDirectory(prefix="reviewer-readme-") as tmp:
        home = Path(tmp) / "home"
        env = _fresh_environment(home)
        env["UV_CACHE_DIR"] = str(home / ".cache" / "uv")  # the user's own
        Path(tmp).chmod(0o755)
        shutil.chown(home, user="nobody", group="nogroup")
        out = _run_setup(home, env, user="nobody")
        assert re.search(r"^uv \d+\.\d+", out, re.MULTILINE), out
        assert (home / ".local" / "bin" / "uv").exists()
