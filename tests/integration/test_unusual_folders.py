"""No path assumption that holds only on a Linux developer's machine: the store, its photos and
its reports live in folders with spaces, apostrophes and accents (a Windows profile named
"Siân O'Brien", a OneDrive folder "Évaluations de l'école"), on each platform's usual folders
(platformdirs), and with no keyring at all (a locked-down profile: the passphrase fallback)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import platformdirs
import pytest
from keyring.backends import fail
from platformdirs.macos import MacOS
from platformdirs.unix import Unix

from keyring_backends import keyring_in_use
from reviewer_app import settings as settings_store
from reviewer_app.app import settings_path
from reviewer_app.cli import main
from reviewer_app.demo.demo_trust import open_demo_workspace
from reviewer_app.domain.errors import ReviewerError
from reviewer_app.domain.visits import VisitStatus
from reviewer_app.paths import AppPaths
from reviewer_app.services.report_service import ReportService
from reviewer_app.services.review_session import open_review
from reviewer_app.services.workspace import Workspace
from reviewer_app.storage.errors import WrongKeyError
from reviewer_app.storage.keys import KeySource, read_key_info
from reviewer_app.sync import age_passphrase

ODD = "Évaluations de l'école/été 2026 – Siân O'Brien"


def _photo() -> bytes:
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (64, 48), (40, 120, 200)).save(buffer, "JPEG")
    return buffer.getvalue()


PHOTO = _photo()


@pytest.fixture
def odd_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "Users" / "Siân O'Brien (Trust)"
    home.mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("REVIEWER_DATA_DIR", raising=False)
    return home


@pytest.mark.parametrize(
    ("platform_dirs", "data", "logs"),
    [
        (
            Unix,
            ".local/share/reviewer-app",
            ".local/state/reviewer-app/log",
        ),
        (
            MacOS,
            "Library/Application Support/reviewer-app",
            "Library/Logs/reviewer-app",
        ),
    ],
    ids=["linux", "macos"],
)
def test_the_usual_folders_of_each_platform_hold_store_settings_and_logs(
    odd_home: Path,
    monkeypatch: pytest.MonkeyPatch,
    platform_dirs: type[platformdirs.PlatformDirsABC],
    data: str,
    logs: str,
) -> None:
    monkeypatch.setattr(platformdirs, "PlatformDirs", platform_dirs)
    paths = AppPaths.resolve(None).ensure()
    assert paths.data == odd_home / data
    assert paths.logs == odd_home / logs
    with open_demo_workspace(paths) as workspace:
        assert len(workspace.list_schools()) >= 6
    # On macOS (and Windows) settings share the data folder: nothing may collide there.
    chosen = settings_store.Settings(ui_scale_percent=150)
    settings_store.save(chosen, settings_path(paths))
    assert settings_store.load(settings_path(paths)).ui_scale_percent == 150
    with open_demo_workspace(paths) as again:
        assert len(again.list_schools()) >= 6


def test_with_no_keyring_a_passphrase_protects_a_store_in_an_odd_folder(tmp_path: Path) -> None:
    paths = AppPaths.from_base(tmp_path / ODD)
    asked: list[bool] = []

    def prompt(_store: Path, creating: bool) -> str:
        asked.append(creating)
        return "ça va ☃ bien"

    with keyring_in_use(fail.Keyring()):
        Workspace.open(paths, passphrase=prompt).close()
        assert read_key_info(paths.store_file).source is KeySource.PASSPHRASE
        Workspace.open(paths, passphrase=prompt).close()
        with pytest.raises(WrongKeyError):
            Workspace.open(paths, passphrase=lambda _s, _c: "ca va bien")
    assert asked == [True, False]


def test_photos_and_reports_go_to_and_come_from_odd_folders(tmp_path: Path) -> None:
    paths = AppPaths.from_base(tmp_path / ODD / "données")
    with open_demo_workspace(paths) as workspace:
        me = workspace.current_person.id
        visit = next(
            v
            for s in workspace.list_schools()
            for v in workspace.visits_for_school(s.id)
            if v.status is VisitStatus.IN_PROGRESS and v.is_team_member(me)
        )
        review = open_review(workspace, visit.id, with_notes=False).review
        photo = workspace.reviews.add_attachment(
            review.id, "Affichage phonique – salle 3 (été).jpg", "image/jpeg", PHOTO
        )
        out = tmp_path / ODD / "Rapports d'été" / "Réunion – équipe.pdf"
        out.parent.mkdir(parents=True)
        ReportService(workspace, paths).export(visit.id, "full_internal", out)
    with open_demo_workspace(paths) as reopened:
        (kept,) = [a for a in reopened.reviews.attachments(review.id) if a.id == photo.id]
        assert reopened.reviews.attachment_data(kept) == PHOTO
    assert out.read_bytes().startswith(b"%PDF-")
    if shutil.which("pdffonts"):
        fonts = subprocess.run(
            ["pdffonts", str(out)], capture_output=True, text=True, check=True
        ).stdout.splitlines()[2:]
        assert fonts
        # Only the fonts shipped in resources/fonts, embedded: the report looks the same on
        # every laptop, whatever fonts its system has.
        assert all("DejaVu" in line.split()[0] for line in fonts), fonts
        assert all(line.split()[-5] == "yes" for line in fonts), fonts


def test_the_commands_work_in_odd_folders_without_a_keyring(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = tmp_path / ODD
    store = ["--demo", "--data-dir", str(base / "magasin")]
    with keyring_in_use(fail.Keyring()):
        bundle = base / "Lots d'export" / "revue été.reviewer"
        bundle.parent.mkdir(parents=True)
        secret = base / "phrase é.txt"
        secret.write_text("une phrase secrète\n", encoding="utf-8")
        assert main(["export", str(bundle), "--passphrase-file", str(secret), *store]) == 0
        opened = age_passphrase.decrypt(bundle.read_bytes(), "une phrase secrète")
        reviews = json.loads(opened)["reviews"]
        signed = next(r for r in reviews if r["review"]["state"] == "signed")
        pdf = base / "Rapports" / "Rapport signé – O'Brien.pdf"
        pdf.parent.mkdir()
        assert main(["report", "export", signed["visit"]["id"], "--out", str(pdf), *store]) == 0
        root = base / "racine de confiance é.pem"
        assert main(["report", "demo-root", "--out", str(root), *store]) == 0
        assert main(["verify", str(pdf), "--trust-root", str(root)]) == 0
        capsys.readouterr()
        assert main(["about", "--json", *store]) == 0
    about = json.loads(capsys.readouterr().out)
    assert about["keyring"] == "none"
    assert about["data"] == str(base / "magasin" / "data")


def test_a_report_open_in_a_pdf_reader_on_windows_is_named_and_nothing_is_left_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Windows refuses to replace a file another program holds open (Linux does not), so the
    refusal is simulated: Path.replace raises what Windows raises for that file."""
    paths = AppPaths.from_base(tmp_path / ODD / "données")
    out = tmp_path / ODD / "Rapport – ouvert.pdf"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(b"%PDF-1.7 the copy open in the PDF reader")
    real_replace = Path.replace

    def replace_as_windows(self: Path, target: str | os.PathLike[str]) -> Path:
        if Path(target) == out:
            raise PermissionError(13, "Access is denied", str(target))
        return real_replace(self, target)

    with open_demo_workspace(paths) as workspace:
        me = workspace.current_person.id
        visit = next(
            v
            for s in workspace.list_schools()
            for v in workspace.visits_for_school(s.id)
            if v.status is VisitStatus.IN_PROGRESS and v.is_team_member(me)
        )
        open_review(workspace, visit.id, with_notes=False)
        monkeypatch.setattr(Path, "replace", replace_as_windows)
        with pytest.raises(ReviewerError) as refused:
            ReportService(workspace, paths).export(visit.id, "full_internal", out)
    assert "Access is denied" in str(refused.value)
    assert "close it and export again" in str(refused.value)
    assert out.read_bytes() == b"%PDF-1.7 the copy open in the PDF reader"
    assert not out.with_name(out.name + ".part").exists()
