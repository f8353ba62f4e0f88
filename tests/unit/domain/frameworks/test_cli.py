"""``reviewer-app frameworks``: exit codes and output, through cli.main and once as a process."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from reviewer_app import cli

Write = Callable[[str, str], Path]


def test_check_installed_is_clean(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["frameworks", "check"]) == 0
    assert "No problems found" in capsys.readouterr().out


def test_check_reports_every_problem_with_file_line_and_path(
    mini: str, write_yaml: Write, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = write_yaml(
        "mini.yaml",
        mini.replace(
            "        title: Beta\n", "        title: Beta\n        scale: nowhere\n"
        ).replace("title: Alpha", "titel: Alpha"),
    )
    assert cli.main(["frameworks", "check", str(bad)]) == 1
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert (
        lines[0] == f"{bad}:18: sections[0].criteria[0].title: The required key 'title' is missing."
    )
    assert lines[1].startswith(f"{bad}:19: sections[0].criteria[0].titel: 'titel' is not a key")
    assert len(lines) == 2  # cross-file checks wait until the file itself is valid
    assert "2 problems found" in captured.err
    assert "Traceback" not in captured.out + captured.err


def test_check_uses_installed_scales_for_a_single_file(
    mini: str, write_yaml: Write, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_yaml(
        "mini.yaml", mini.replace("default_scale: mini-scale", "default_scale: observation-lookfor")
    )
    assert cli.main(["frameworks", "check", str(path)]) == 0
    assert "No problems found" in capsys.readouterr().out


def test_check_a_missing_path_or_unreadable_file_without_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["frameworks", "check", str(tmp_path / "absent.yaml")]) == 1
    assert "no such file or folder" in capsys.readouterr().err
    binary = tmp_path / "binary.yaml"
    binary.write_bytes(b"\xff\xfe\x00kind")
    assert cli.main(["frameworks", "check", str(binary)]) == 1
    out = capsys.readouterr().out
    assert f"{binary}: (file): The file is not UTF-8 text." in out


def test_list_shows_what_is_installed(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["frameworks", "list"]) == 0
    out = capsys.readouterr().out
    assert "two-day-peer-review" in out
    assert "Two-day peer review" in out
    assert "OWLS Academy Trust" in out
    assert "owls-categories" in out


def test_schema_check_says_the_files_are_current(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["frameworks", "schema", "--check"]) == 0
    assert "are current" in capsys.readouterr().out


def test_check_as_a_real_process(mini: str, write_yaml: Write) -> None:
    bad = write_yaml("mini.yaml", mini.replace("id: beta", "id: alpha"))
    result = subprocess.run(
        [sys.executable, "-m", "reviewer_app", "frameworks", "check", str(bad)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    assert f"{bad}:20: sections[0].criteria[1].id: Duplicate id: 'alpha'" in result.stdout
    assert "Traceback" not in result.stderr
    clean = subprocess.run(
        [sys.executable, "-m", "reviewer_app", "frameworks", "check"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert clean.returncode == 0, clean.stdout + clean.stderr


def test_check_an_empty_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["frameworks", "check", str(tmp_path)]) == 1
    assert "holds no framework files" in capsys.readouterr().err
