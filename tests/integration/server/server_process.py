"""``reviewer-app-server`` as a real process for tests: admin commands and ``serve``."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

SERVER = str(Path(sys.executable).parent / "reviewer-app-server")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def run(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([SERVER, *args], capture_output=True, text=True, timeout=120)
    if check:
        assert done.returncode == 0, done.stderr
        assert "Traceback" not in done.stderr
    return done


@contextmanager
def serving(
    *args: str, port: int, scheme: str = "http", verify: object = True
) -> Iterator[tuple[str, list[str]]]:
    """``reviewer-app-server ARGS serve --port PORT ...`` until the block ends; yields its URL
    and the lines it printed so far (read when it is stopped)."""
    process = subprocess.Popen(
        [SERVER, *args, "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"{scheme}://127.0.0.1:{port}"
    printed: list[str] = []
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/health", timeout=1, verify=verify).status_code == 200:  # type: ignore[arg-type]
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None:
                out, err = process.communicate()
                raise AssertionError(f"the server exited: {out}\n{err}")
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.2)
        yield url, printed
    finally:
        process.terminate()
        out, err = process.communicate(timeout=30)
        printed.extend(out.splitlines())
        assert "Traceback" not in err, err
