"""What each platform's installer promises, checked here where it can be: the .deb is packed
for real with dpkg-deb (from a stand-in app folder; CI installs the real one), the Windows
installer script and the macOS signing and notarisation steps are read as build.py runs them."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUILD_SCRIPT = ROOT / "packaging" / "build.py"


def _build_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("reviewer_build", BUILD_SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["reviewer_build"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _plan(platform: str, **environ: str) -> str:
    return subprocess.run(
        [sys.executable, str(BUILD_SCRIPT), "--dry-run", "--platform", platform],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, **environ},
    ).stdout


@pytest.mark.skipif(sys.platform != "linux", reason="dpkg-deb is Debian's")
def test_the_deb_installs_the_app_its_command_menu_entry_icon_and_file_type(
    tmp_path: Path,
) -> None:
    build = _build_module()
    app = tmp_path / "app folder"
    (app / "_internal").mkdir(parents=True)
    (app / "reviewer-app").write_text("#!/bin/sh\necho reviewer-app 0.0\n", encoding="utf-8")
    (app / "reviewer-app").chmod(0o700)
    (app / "_internal" / "library.so").write_bytes(b"\x7fELF")
    version = build.Build("linux", "1.2.3", "x86_64", {})
    deb = build.debian_package(version, app_dir=app, out_dir=tmp_path)
    assert deb.name == "reviewer-app_1.2.3_amd64.deb"

    def field(name: str) -> str:
        return subprocess.run(
            ["dpkg-deb", "--field", str(deb), name], capture_output=True, text=True, check=True
        ).stdout.strip()

    assert field("Package") == "reviewer-app"
    assert field("Version") == "1.2.3"
    assert field("Architecture") == "amd64"
    assert [d.strip() for d in field("Depends").split(",")] == list(build.DEB_DEPENDS)

    listing = subprocess.run(
        ["dpkg-deb", "--contents", str(deb)], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    entries = {line.split()[-1] if "->" not in line else line.split()[-3]: line for line in listing}
    command = entries["./usr/bin/reviewer-app"]
    assert command.endswith("-> /opt/reviewer/reviewer-app")
    assert entries["./opt/reviewer/reviewer-app"].startswith("-rwxr-xr-x root/root")
    assert entries["./opt/reviewer/_internal/library.so"].startswith("-rw-r--r-- root/root")
    for path in (
        "./usr/share/applications/reviewer-app.desktop",
        "./usr/share/icons/hicolor/scalable/apps/reviewer-app.svg",
        "./usr/share/mime/packages/reviewer-app.xml",
    ):
        assert path in entries, path

    unpacked = tmp_path / "unpacked"
    subprocess.run(["dpkg-deb", "--extract", str(deb), str(unpacked)], check=True)
    desktop = (unpacked / "usr/share/applications/reviewer-app.desktop").read_text("utf-8")
    assert "Exec=reviewer-app %f" in desktop
    assert "MimeType=application/x-reviewer-bundle;" in desktop
    assert "Icon=reviewer-app" in desktop
    mime = (unpacked / "usr/share/mime/packages/reviewer-app.xml").read_text("utf-8")
    assert 'type="application/x-reviewer-bundle"' in mime
    assert 'pattern="*.reviewer"' in mime


def test_the_deb_depends_only_on_what_ci_and_the_readme_install() -> None:
    build = _build_module()
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for package in build.DEB_DEPENDS:
        assert re.search(rf"\b{re.escape(package)}\b", ci), f".ci/run does not install {package}"
        assert re.search(rf"\b{re.escape(package)}\b", readme), f"README omits {package}"


def test_the_windows_installer_is_per_machine_silent_and_associates_reviewer_files() -> None:
    script = (ROOT / "packaging" / "windows" / "reviewer.iss").read_text(encoding="utf-8")
    settings = dict(
        line.split("=", 1) for line in script.splitlines() if re.match(r"^[A-Za-z]+=", line)
    )
    assert settings["PrivilegesRequired"] == "admin"  # per machine, as Intune installs
    assert settings["DefaultDirName"] == r"{autopf}\{#AppName}"
    assert settings["ChangesAssociations"] == "yes"
    assert settings["AppId"].startswith("{{")  # upgrades and the uninstaller find each other
    assert r'Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#GuiExe}"' in script
    assert r'Subkey: "Software\Classes\.reviewer"' in script
    assert '"""{app}\\{#GuiExe}"" ""%1"""' in script  # opens the double-clicked file
    assert "/VERYSILENT /SUPPRESSMSGBOXES /NORESTART" in script  # documented for Intune
    assert "Uninstall {#AppName}" in script


def test_windows_signing_runs_only_with_the_trusts_certificate_and_hides_its_password() -> None:
    assert "signtool" not in _plan("windows")
    plan = _plan(
        "windows",
        REVIEWER_WINDOWS_SIGN_PFX=r"C:\certs\trust.pfx",
        REVIEWER_WINDOWS_SIGN_PASSWORD="hunter2-trust",
    )
    assert plan.count("signtool sign") == 2  # the programs, then the installer
    assert "Reviewer.exe" in plan
    assert "windows-x64-setup.exe" in plan
    assert "hunter2-trust" not in plan


def test_macos_signing_and_notarisation_follow_the_environment() -> None:
    identity = "Developer ID Application: Oak Learning Trust (AB12CD34EF)"
    signed_only = _plan("macos", REVIEWER_MACOS_SIGN_IDENTITY=identity)
    assert "--options runtime" in signed_only
    assert "entitlements.plist" in signed_only
    assert "Not notarised" in signed_only
    assert "notarytool" not in signed_only

    plan = _plan(
        "macos",
        REVIEWER_MACOS_SIGN_IDENTITY=identity,
        REVIEWER_MACOS_CERTIFICATE_P12="TUlJSy4uLg==",
        REVIEWER_MACOS_NOTARY_APPLE_ID="it@oak.example",
        REVIEWER_MACOS_NOTARY_TEAM_ID="AB12CD34EF",
        REVIEWER_MACOS_NOTARY_PASSWORD="abcd-efgh-ijkl-mnop",
    )
    order = [
        "Import the signing certificate",
        "Freeze the app",
        "codesign --force --timestamp --options runtime",
        "codesign --verify --deep --strict",
        ".dmg (Reviewer.app and Applications)",
        "xcrun notarytool submit",
        "xcrun stapler staple",
        "spctl --assess",
    ]
    positions = [plan.index(words) for words in order]
    assert positions == sorted(positions)
    assert "abcd-efgh-ijkl-mnop" not in plan
    assert "TUlJSy4uLg==" not in plan


def test_a_build_for_another_platform_is_refused_in_a_sentence() -> None:
    other = "windows" if sys.platform != "win32" else "linux"
    result = subprocess.run(
        [sys.executable, str(BUILD_SCRIPT), "--platform", other],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "runs on" in result.stderr
    assert "--dry-run" in result.stderr


def test_the_smoke_test_names_the_apps_real_exit_after_show_switch() -> None:
    """The smoke test spells the debug switch out (it runs under a bare Python too); a renamed
    switch would leave the frozen app's window open until the smoke test's 180 s timeout."""
    from reviewer_app import debug

    spec = importlib.util.spec_from_file_location(
        "reviewer_smoke", ROOT / "packaging" / "smoke_test.py"
    )
    assert spec is not None
    assert spec.loader is not None
    smoke = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(smoke)
    name, switch = smoke.EXIT_AFTER_SHOW
    assert name == debug.ENV
    assert switch == debug.EXIT_AFTER_SHOW
