"""``reviewer-app report`` on the demo store: export, demo-root, then ``reviewer-app verify``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from keyring_backends import FILE_KEYRING_BACKEND, KEYRING_FILE_ENV, TESTS_DIR
from reviewer_app.cli import main
from reviewer_app.demo.demo_trust import open_demo_workspace
from reviewer_app.domain.visits import VisitStatus
from reviewer_app.paths import AppPaths


@pytest.fixture(scope="module")
def visit_ids(demo_base: Path) -> dict[str, str]:
    """St Aidan's signed visits by framework, and a planned visit with no review."""
    with open_demo_workspace(AppPaths.from_base(demo_base)) as workspace:
        school = next(s for s in workspace.list_schools("St Aidan"))
        ids = {
            v.framework_id: v.id
            for v in workspace.visits_for_school(school.id)
            if v.status is VisitStatus.SIGNED and workspace.reviews.review_for_visit(v.id)
        }
        for s in workspace.list_schools():
            for v in workspace.visits_for_school(s.id):
                if v.status is VisitStatus.PLANNED:
                    ids["planned"] = v.id
    return ids


def _store_args(demo_base: Path) -> list[str]:
    return ["--data-dir", str(demo_base), "--demo"]


def test_export_writes_the_signed_version_and_says_so(
    demo_base: Path, visit_ids: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "peer.pdf"
    visit = visit_ids["two-day-peer-review"]
    args = ["report", "export", visit, "--audience", "school_facing", "--out", str(out)]
    assert main([*args, *_store_args(demo_base)]) == 0
    printed = capsys.readouterr().out
    assert "report for the school (fully signed)" in printed
    assert out.read_bytes().startswith(b"%PDF")

    root = tmp_path / "demo-root.pem"
    assert main(["report", "demo-root", "--out", str(root), *_store_args(demo_base)]) == 0
    assert "reviewer-app verify" in capsys.readouterr().out
    assert main(["verify", str(out), "--trust-root", str(root)]) == 0
    verified = capsys.readouterr().out
    assert "David Brennan signed as lead reviewer" in verified
    assert "local store" not in verified

    # With the store named, the report's data hash is checked against the review too.
    assert main(["verify", str(out), "--trust-root", str(root), *_store_args(demo_base)]) == 0
    assert "Checked against the review in the local store." in capsys.readouterr().out


def test_board_summary_has_no_signed_version_so_it_is_exported_unsigned(
    demo_base: Path, visit_ids: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "board.pdf"
    visit = visit_ids["learning-walk"]
    args = ["report", "export", visit, "--audience", "board_summary", "--out", str(out)]
    assert main([*args, *_store_args(demo_base)]) == 0
    assert "as the review stands now, unsigned" in capsys.readouterr().out
    assert out.is_file()


@pytest.mark.parametrize(
    ("visit_key", "audience", "expected"),
    [
        ("nonexistent", "school_facing", "There is no visit with id nonexistent"),
        ("planned", "school_facing", "has no review yet"),
        ("learning-walk", "parents", "no report audience called 'parents'"),
        ("safeguarding-audit", "school_facing", "does not hold that role"),
    ],
)
def test_refusals_are_sentences_with_exit_status_1(
    demo_base: Path,
    visit_ids: dict[str, str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    visit_key: str,
    audience: str,
    expected: str,
) -> None:
    visit = visit_ids.get(visit_key, visit_key)
    out = tmp_path / "report.pdf"
    args = ["report", "export", visit, "--audience", audience, "--out", str(out)]
    assert main([*args, *_store_args(demo_base)]) == 1
    captured = capsys.readouterr()
    assert expected in captured.err
    assert "Traceback" not in captured.err + captured.out
    assert not out.exists()


def test_signing_a_signed_report_again_is_refused(
    demo_base: Path, visit_ids: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    visit = visit_ids["learning-walk"]
    args = ["report", "sign", visit, "--audience", "school_facing", *_store_args(demo_base)]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "already signed by everyone" in err


def test_export_as_a_subprocess(
    demo_base: Path, visit_ids: dict[str, str], tmp_path: Path, keyring_file: Path
) -> None:
    out = tmp_path / "peer.pdf"
    env = {
        **os.environ,
        "PYTHON_KEYRING_BACKEND": FILE_KEYRING_BACKEND,
        "PYTHONPATH": os.pathsep.join([str(TESTS_DIR), os.environ.get("PYTHONPATH", "")]),
        KEYRING_FILE_ENV: str(keyring_file),
    }
    visit = visit_ids["two-day-peer-review"]
    done = subprocess.run(
        [sys.executable, "-m", "reviewer_app", "report", "export", visit, "--audience",
         "school_facing", "--out", str(out), *_store_args(demo_base)],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "report for the school (fully signed)" in done.stdout
    assert out.read_bytes().startswith(b"%PDF")
