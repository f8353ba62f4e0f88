"""Store options may come before the command (``reviewer-app --data-dir D sync``), as
``add_store_arguments`` promises; the option's value is not taken for the command's name."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reviewer_app.cli import main


def test_data_dir_before_the_command_means_the_same_as_after(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = tmp_path / "données"
    assert main(["--data-dir", str(base), "about", "--json"]) == 0
    before = json.loads(capsys.readouterr().out)
    assert main(["about", "--json", "--data-dir", str(base)]) == 0
    after = json.loads(capsys.readouterr().out)
    assert before["data"] == after["data"] == str(base / "data")
