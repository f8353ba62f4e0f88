"""``reviewer-app enrol`` and ``reviewer-app sync`` against the live server, in-process."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from sync_world import LiveServer, World

from reviewer_app.cli import main
from reviewer_app.paths import AppPaths
from reviewer_app.services.workspace import Workspace
from reviewer_app.sync.enrol_link import enrol_link


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_enrol_then_sync_prints_a_summary(
    server: LiveServer, world: World, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = server.code_for(world.peer)
    # The trust console's enrolment link holds both the address and the code.
    link = enrol_link(server.base_url, code)
    assert main(["enrol", link, "--data-dir", str(data_dir)]) == 0
    out = capsys.readouterr().out
    assert "enrolled" in out
    assert "Pat Peer" in out

    assert main(["sync", "--data-dir", str(data_dir)]) == 0
    captured = capsys.readouterr()
    assert "Contacting the trust server" in captured.err
    assert captured.out.strip() == "Already up to date."

    with Workspace.open(AppPaths.from_base(data_dir)) as workspace:
        assert workspace.current_person.id == world.peer
        workspace.reviews.add_note(world.review, "Lunch hall was calm and orderly")
    assert main(["sync", "--data-dir", str(data_dir), "--quiet"]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    assert captured.out.startswith("Sent 1 change,")

    assert main(["sync", "--data-dir", str(data_dir)]) == 0
    assert capsys.readouterr().out.strip() == "Already up to date."

    # The code is used up: a second enrolment with it is refused in a sentence.
    assert main(["enrol", server.base_url, code, "--data-dir", str(data_dir)]) == 1
    assert "not valid" in capsys.readouterr().err


def test_failures_are_sentences_not_tracebacks(
    server: LiveServer, world: World, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sync", "--data-dir", str(data_dir)]) == 1
    assert "not enrolled" in capsys.readouterr().err

    assert main(["enrol", "ftp://example", "ABCD-EFGH", "--data-dir", str(data_dir)]) == 1
    assert "is not a server address" in capsys.readouterr().err

    assert main(["enrol", server.base_url, "--data-dir", str(data_dir)]) == 1
    assert "Give the one-time code after the server address" in capsys.readouterr().err

    nowhere = f"http://127.0.0.1:{_free_port()}"
    assert main(["enrol", nowhere, "ABCD-EFGH-JKMN", "--data-dir", str(data_dir)]) == 1
    err = capsys.readouterr().err
    assert "cannot be reached" in err
    assert "Traceback" not in err
