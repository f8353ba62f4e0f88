"""The end-to-end sync world: the trust server and ``reviewer-app`` as subprocesses.

* :class:`Server`: ``reviewer-app-server serve`` (with a real trust CA folder unless asked
  not to), on a fixed port so it can stop (a server out of reach) and start again, and its
  ``admin`` commands.
* :func:`reviewer_app`: one ``reviewer-app`` command in a subprocess, with a file keyring of
  its own (each laptop has its own keyring, as each has its own data folder).
* :class:`Laptop`: one data folder and one keyring file.
* :func:`checked`: a command's result, after checking it ended as expected and without a
  traceback.

The ``server`` and ``keyring_file`` fixtures are in this folder's ``conftest.py``.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from keyring_backends import FILE_KEYRING_BACKEND, KEYRING_FILE_ENV, TESTS_DIR
from reviewer_app.paths import AppPaths
from reviewer_app.services.workspace import Workspace

CA_PASSPHRASE = b"a passphrase only this test knows"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


BIN = Path(sys.executable).parent


def checked(
    done: subprocess.CompletedProcess[str], *, ok: bool = True
) -> subprocess.CompletedProcess[str]:
    """``done``, once it ended as ``ok`` says (success or refusal) and without a traceback."""
    assert (done.returncode == 0) == ok, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    return done


class Server:
    """``reviewer-app-server serve`` in a subprocess, on a fixed port so it can restart.

    With ``trust_ca`` it serves with a trust CA folder (certificates at enrolment, the trust's
    time-stamping); without, laptops sign with certificates of their own.
    """

    def __init__(self, folder: Path, *, trust_ca: bool = True) -> None:
        from reviewer_app.reports.ca import CaFolder

        self.folder = folder
        self.ca_args: list[str] = []
        if trust_ca:
            # The trust CA the server checks signed reports against (a real 'reviewer-app ca'
            # folder).
            self.ca = CaFolder.create(folder / "ca", "Oak Learning Trust", CA_PASSPHRASE)
            (folder / "ca-passphrase").write_bytes(CA_PASSPHRASE)
            self.ca_args = [
                "--ca-dir", str(folder / "ca"),
                "--ca-passphrase-file", str(folder / "ca-passphrase"),
            ]  # fmt: skip
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None
        self.database_url = f"sqlite:///{folder / 'server.sqlite3'}"

    def admin(self, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
        """``reviewer-app-server admin ARGS`` against this server's data, checked."""
        command = [str(BIN / "reviewer-app-server"), "--data-dir", str(self.folder), "admin"]
        done = subprocess.run(
            [*command, *args], capture_output=True, text=True, timeout=180, check=False
        )
        return checked(done, ok=ok)

    def start(self) -> None:
        """Start serving and wait until ``/health`` answers. A start is slow on a loaded machine
        (tens of seconds on two busy cores), so the wait is long; a server that exits is said at
        once, with what it printed; one that never answers is stopped."""
        log = self.folder / "serve.log"
        self.folder.mkdir(parents=True, exist_ok=True)
        with log.open("ab") as output:
            self.process = subprocess.Popen(
                [
                    str(BIN / "reviewer-app-server"),
                    "--data-dir", str(self.folder),
                    "serve", "--port", str(self.port),
                    *self.ca_args,
                ],
                stdout=output,
                stderr=subprocess.STDOUT,
            )  # fmt: skip
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                printed = log.read_text(encoding="utf-8", errors="replace")
                raise RuntimeError(f"the trust server exited on starting:\n{printed}")
            try:
                if httpx.get(f"{self.url}/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        self.stop()  # never leave a server running that no test will stop
        raise RuntimeError("the trust server did not answer within 240 s")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)
            self.process = None


def reviewer_app(*args: str, keyring_file: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``reviewer-app ARGS``; ``keyring_file`` is the laptop's own keyring."""
    env = dict(os.environ)
    env["PYTHON_KEYRING_BACKEND"] = FILE_KEYRING_BACKEND
    env["PYTHONPATH"] = os.pathsep.join([str(TESTS_DIR), env.get("PYTHONPATH", "")])
    if keyring_file is not None:
        env[KEYRING_FILE_ENV] = str(keyring_file)
    return subprocess.run(
        [sys.executable, "-m", "reviewer_app", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
        check=False,
    )


class Laptop:
    """One laptop: its data folder and (optionally) a keyring file of its own."""

    def __init__(self, folder: Path, keyring_file: Path | None = None) -> None:
        self.folder = folder
        self.keyring_file = keyring_file

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return reviewer_app(*args, "--data-dir", str(self.folder), keyring_file=self.keyring_file)

    def sync(self) -> subprocess.CompletedProcess[str]:
        return self.run("sync")

    @property
    def paths(self) -> AppPaths:
        return AppPaths.from_base(self.folder)

    def workspace(self) -> Workspace:
        return Workspace.open(self.paths)
