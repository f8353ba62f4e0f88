"""The end-to-end sync world: the trust server and ``reviewer-app`` as subprocesses.

* :class:`Server`: ``reviewer-app-server serve`` with a real trust CA folder, on a fixed port so
  it can stop (a server out of reach) and start again.
* :func:`reviewer_app`: one ``reviewer-app`` command in a subprocess, with a file keyring of
  its own (each laptop has its own keyring, as each has its own data folder).
* :class:`Laptop`: one data folder and one keyring file.
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


class Server:
    """``reviewer-app-server serve`` in a subprocess, on a fixed port so it can restart."""

    def __init__(self, folder: Path) -> None:
        from reviewer_app.reports.ca import CaFolder

        self.folder = folder
        # The trust CA the server checks signed reports against (a real 'reviewer-app ca' folder).
        self.ca = CaFolder.create(folder / "ca", "Oak Learning Trust", CA_PASSPHRASE)
        (folder / "ca-passphrase").write_bytes(CA_PASSPHRASE)
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None
        self.database_url = f"sqlite:///{folder / 'server.sqlite3'}"

    def start(self) -> None:
        script = Path(sys.executable).parent / "reviewer-app-server"
        self.process = subprocess.Popen(
            [
                str(script),
                "--data-dir",
                str(self.folder),
                "serve",
                "--port",
                str(self.port),
                "--ca-dir",
                str(self.folder / "ca"),
                "--ca-passphrase-file",
                str(self.folder / "ca-passphrase"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError("the trust server did not start")

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
        timeout=120,
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
