"""Smoke test of the frozen desktop build: run the real executable the way a person would.

    python packaging/smoke_test.py [APP_FOLDER]           the folder build.py made
    python packaging/smoke_test.py --deb FILE.deb         install it (as root), check, remove
    python packaging/smoke_test.py --windows-installer SETUP.exe
                                  silent per-machine install, check, silent uninstall
    python packaging/smoke_test.py --dmg FILE.dmg         mount it, check Reviewer.app, eject

Each check runs the frozen ``reviewer-app`` in a fresh data folder, offscreen, and fails with a
sentence naming what broke. Checks: the version; ``about`` names this platform's folders and
keyring (Credential Manager on Windows, the Keychain on macOS); the main window opens on the demo
store and shows its schools (the start-up probe); the bundled frameworks pass their own check; a
demo review's report exports as a PDF with its fonts embedded; the demo trust root verifies it; a
copy with one byte changed fails verification. Installers are checked for what they promise too:
the command, the Start menu or desktop entry, the ``.reviewer`` file type, a clean removal.
Needs poppler's ``pdffonts`` for the fonts check (skipped where there is none).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROBE = "reviewer-probe: "
BUNDLE_ENV = "REVIEWER_BUNDLE_PASSPHRASE"
#: The debug switch that makes the app exit once its window is shown (reviewer_app.debug; this
#: script also runs under a bare Python that cannot import the app, so it is spelled out here).
EXIT_AFTER_SHOW = ("REVIEWER_DEBUG", "exit-after-show")
SMOKE_PASSPHRASE = "smoke-test bundle passphrase"  # noqa: S105 (a throwaway for the test)


class SmokeTestError(Exception):
    """A check of the frozen app failed; the message says which and how."""


def run(
    app: Path, *args: str, data: Path, expect: int = 0, env: dict[str, str] | None = None
) -> str:
    full_env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHONIOENCODING": "utf-8",
        **(env or {}),
    }
    done = subprocess.run(
        [str(app), *args],
        capture_output=True,
        encoding="utf-8",
        errors="replace",
        timeout=180,
        env=full_env,
        cwd=data,
    )
    if done.returncode != expect:
        raise SmokeTestError(
            f"`reviewer-app {' '.join(args)}` exited {done.returncode}, expected {expect}:\n"
            f"{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
        )
    return done.stdout


def check(app_dir: Path) -> list[str]:
    app = app_dir / ("reviewer-app.exe" if sys.platform == "win32" else "reviewer-app")
    if not app.exists():
        raise SmokeTestError(f"There is no frozen app at {app}: run packaging/build.py first.")
    passed: list[str] = []
    with tempfile.TemporaryDirectory(prefix="reviewer-smoke-") as tmp:
        data = Path(tmp)
        store = ["--demo", "--data-dir", str(data / "store")]

        out = run(app, "--version", data=data)
        if not out.startswith("reviewer-app "):
            raise SmokeTestError(f"--version printed {out!r}")
        passed.append(f"version: {out.strip()}")

        about = json.loads(run(app, "about", "--json", data=data))
        passed.append(check_platform_facts(about))

        out = run(app, *store, data=data, env={EXIT_AFTER_SHOW[0]: EXIT_AFTER_SHOW[1]})
        lines = [line for line in out.splitlines() if line.startswith(PROBE)]
        if not lines:
            raise SmokeTestError(f"The main window never reported itself on screen:\n{out[-2000:]}")
        shown = json.loads(lines[-1][len(PROBE) :])
        if not shown["schools"]:
            raise SmokeTestError(
                f"The main window opened on the demo store with no schools: {shown}"
            )
        passed.append(f"main window on the demo store with {len(shown['schools'])} schools")

        run(app, "frameworks", "check", data=data)
        passed.append("bundled frameworks pass their check")

        bundle = data / "bundle.json"
        # Bundles are encrypted by default: a passphrase from the environment, as a script gives it.
        run(app, "export", str(bundle), *store, data=data, env={BUNDLE_ENV: SMOKE_PASSPHRASE})
        sealed = bundle.read_bytes()
        if sealed.lstrip().startswith(b"{"):
            raise SmokeTestError("The exported bundle is plaintext JSON; it must be encrypted.")
        from reviewer_app.sync.bundle_sealing import unseal

        opened = unseal(sealed, bundle.name, passphrase=SMOKE_PASSPHRASE)
        reviews = json.loads(opened.decode("utf-8"))["reviews"]
        signed = [r for r in reviews if r["review"]["state"] == "signed"]
        if not signed:
            raise SmokeTestError("The demo store exported no signed review.")
        visit_id = signed[0]["visit"]["id"]
        pdf = data / "report.pdf"
        run(app, "report", "export", visit_id, "--out", str(pdf), *store, data=data)
        if not pdf.read_bytes().startswith(b"%PDF-"):
            raise SmokeTestError(f"{pdf} is not a PDF")
        if shutil.which("pdffonts"):
            fonts = subprocess.run(
                ["pdffonts", str(pdf)], capture_output=True, text=True, check=True
            ).stdout.splitlines()[2:]
            if not fonts or any(line.split()[-5] != "yes" for line in fonts):
                raise SmokeTestError(f"The report's fonts are not all embedded:\n{fonts}")
        passed.append(f"demo report exported ({pdf.stat().st_size // 1024} KiB, fonts embedded)")

        root = data / "demo-root.pem"
        run(app, "report", "demo-root", "--out", str(root), *store, data=data)
        out = run(app, "verify", str(pdf), "--trust-root", str(root), data=data)
        passed.append("the signed demo report verifies: " + out.splitlines()[0])

        tampered = data / "tampered.pdf"
        body = bytearray(pdf.read_bytes())
        middle = len(body) // 3
        body[middle] = body[middle] ^ 0x01
        tampered.write_bytes(bytes(body))
        run(app, "verify", str(tampered), "--trust-root", str(root), data=data, expect=1)
        passed.append("a report with one byte changed fails verification")
    return passed


def check_platform_facts(about: dict[str, object]) -> str:
    """The frozen app finds its bundled data, and this platform's folders and keyring."""
    if not about.get("frozen"):
        raise SmokeTestError(f"`about` says the app is not frozen: {about}")
    for key in ("frameworks", "report_fonts"):
        if not Path(str(about[key])).is_dir():
            raise SmokeTestError(f"The bundled {key} folder {about[key]} does not exist.")
    data = str(about["data"])
    if sys.platform == "win32":
        expected_root = os.environ.get("LOCALAPPDATA", "")
        expected_keyring = "Windows Credential Manager"
    elif sys.platform == "darwin":
        expected_root = str(Path.home() / "Library" / "Application Support")
        expected_keyring = "macOS Keychain"
    else:
        expected_root = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
        expected_keyring = str(about["keyring"])  # a desktop's Secret Service, or none on CI
    if not data.startswith(expected_root):
        raise SmokeTestError(f"The store would live in {data}, not under {expected_root}.")
    if about["keyring"] != expected_keyring:
        raise SmokeTestError(
            f"The frozen app uses the keyring {about['keyring']} ({about['keyring_backend']}), "
            f"not {expected_keyring}: its backend was not bundled."
        )
    return f"platform folders under {expected_root}; keyring: {about['keyring']}"


def _frozen_app_dir(app: Path) -> Path:
    """The folder holding ``reviewer-app`` for a folder build or a macOS ``.app``."""
    if app.suffix == ".app":
        return app / "Contents" / "MacOS"
    return app


def check_deb(deb: Path) -> list[str]:
    """Install the .deb with dpkg (needs root), check what it installed, run the app, remove it."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        raise SmokeTestError("Installing the .deb needs root: run this as root (CI does).")
    package = subprocess.run(
        ["dpkg-deb", "--field", str(deb), "Package"], capture_output=True, text=True, check=True
    ).stdout.strip()
    subprocess.run(["dpkg", "-i", str(deb)], check=True, capture_output=True)
    passed = [f"dpkg installed {deb.name}"]
    try:
        command = shutil.which("reviewer-app", path="/usr/bin")
        if command is None or Path(command).resolve() != Path("/opt/reviewer/reviewer-app"):
            raise SmokeTestError("The .deb did not put reviewer-app in /usr/bin.")
        for path in (
            "/usr/share/applications/reviewer-app.desktop",
            "/usr/share/icons/hicolor/scalable/apps/reviewer-app.svg",
            "/usr/share/mime/packages/reviewer-app.xml",
        ):
            if not Path(path).is_file():
                raise SmokeTestError(f"The .deb did not install {path}.")
        desktop = Path("/usr/share/applications/reviewer-app.desktop").read_text("utf-8")
        if "MimeType=application/x-reviewer-bundle;" not in desktop or "%f" not in desktop:
            raise SmokeTestError("The desktop entry does not open .reviewer files.")
        passed.append("command, desktop entry, icon and .reviewer type installed")
        passed += check(Path("/opt/reviewer"))
    finally:
        subprocess.run(["dpkg", "-r", package], check=True, capture_output=True)
    if Path("/opt/reviewer").exists() or Path("/usr/bin/reviewer-app").exists():
        raise SmokeTestError("Removing the package left /opt/reviewer or /usr/bin/reviewer-app.")
    passed.append("dpkg -r removed it cleanly")
    return passed


def check_windows_installer(setup: Path) -> list[str]:
    """Silent per-machine install (as Intune runs it), checks, silent uninstall."""
    import winreg  # type: ignore[import-not-found,unused-ignore]

    silent = ["/VERYSILENT", "/SUPPRESSMSGBOXES", "/NORESTART"]
    subprocess.run([str(setup), *silent, "/LOG=install.log"], check=True, timeout=900)
    folder = Path(os.environ["PROGRAMFILES"]) / "Reviewer"
    passed = [f"silent per-machine install into {folder}"]
    try:
        shortcut = (
            Path(os.environ["PROGRAMDATA"]) / "Microsoft/Windows/Start Menu/Programs/Reviewer.lnk"
        )
        if not shortcut.is_file():
            raise SmokeTestError(f"There is no Start-menu entry at {shortcut}.")
        with winreg.OpenKey(winreg.HKEY_LOCAL_MACHINE, r"Software\Classes\.reviewer") as key:
            prog_id = winreg.QueryValue(key, None)
        command_key = rf"Software\Classes\{prog_id}\shell\open\command"
        with winreg.OpenKey(winreg.HKEY_LOCAL_MACHINE, command_key) as key:
            opener = winreg.QueryValue(key, None)
        if "Reviewer.exe" not in opener or "%1" not in opener:
            raise SmokeTestError(f".reviewer files open with {opener!r}, not Reviewer.exe.")
        passed.append("Start-menu entry and .reviewer association for every user")
        passed += check(folder)
    finally:
        uninstaller = folder / "unins000.exe"
        if uninstaller.exists():
            subprocess.run([str(uninstaller), *silent], check=True, timeout=600)
    # The uninstaller finishes in a copy of itself: give it a moment to remove the folder.
    for _ in range(60):
        if not (folder / "reviewer-app.exe").exists():
            break
        time.sleep(1)
    else:
        raise SmokeTestError(f"The silent uninstall left {folder}.")
    passed.append("silent uninstall removed it")
    return passed


def check_dmg(dmg: Path) -> list[str]:
    """Mount the disk image read-only, check Reviewer.app inside it, eject."""
    import plistlib

    with tempfile.TemporaryDirectory(prefix="reviewer-dmg-") as mount:
        subprocess.run(
            ["hdiutil", "attach", str(dmg), "-nobrowse", "-readonly", "-mountpoint", mount],
            check=True,
            capture_output=True,
        )
        try:
            app = Path(mount) / "Reviewer.app"
            info = plistlib.loads((app / "Contents" / "Info.plist").read_bytes())
            extensions = [
                ext
                for declared in info.get("UTExportedTypeDeclarations", [])
                for ext in declared["UTTypeTagSpecification"]["public.filename-extension"]
            ]
            if "reviewer" not in extensions or not info.get("CFBundleDocumentTypes"):
                raise SmokeTestError("Reviewer.app does not declare the .reviewer file type.")
            passed = [f"{dmg.name} holds Reviewer.app {info['CFBundleShortVersionString']}"]
            passed += check(_frozen_app_dir(app))
        finally:
            subprocess.run(["hdiutil", "detach", mount], check=True, capture_output=True)
    return passed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("app_dir", nargs="?", type=Path, help="the frozen app folder or .app")
    parser.add_argument("--deb", type=Path, help="install and check this .deb (as root)")
    parser.add_argument("--windows-installer", type=Path, help="install and check this setup")
    parser.add_argument("--dmg", type=Path, help="mount and check this disk image")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    try:
        if args.deb:
            passed = check_deb(args.deb)
        elif args.windows_installer:
            passed = check_windows_installer(args.windows_installer)
        elif args.dmg:
            passed = check_dmg(args.dmg)
        else:
            default = ROOT / "build" / "dist"
            default = default / "Reviewer.app" if sys.platform == "darwin" else default / "reviewer"
            passed = check(_frozen_app_dir(args.app_dir or default))
    except SmokeTestError as failure:
        print(f"FROZEN BUILD SMOKE TEST FAILED: {failure}", file=sys.stderr)
        return 1
    for line in passed:
        print(f"ok  {line}")
    print(f"{len(passed)} passed, 0 failed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
