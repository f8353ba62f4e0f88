"""Build the desktop app for the platform this runs on, and pack it the way that platform installs.

    uv run --group packaging python packaging/build.py [--skip-build] [--dry-run]

One script, three platforms (PyInstaller builds for the system it runs on):

* **Linux**: ``build/dist/reviewer/`` (the app folder), ``reviewer-VERSION-linux-ARCH.tar.gz``
  (unpack anywhere) and ``reviewer-app_VERSION_ARCH.deb`` (``/opt/reviewer``, the
  ``reviewer-app`` command, a desktop entry, the icon and the ``.reviewer`` file type).
* **Windows**: the app folder, then ``reviewer-VERSION-windows-x64-setup.exe`` compiled with
  Inno Setup 6 from ``packaging/windows/reviewer.iss``: per machine, silent for Intune,
  Start-menu entry, ``.reviewer`` association, uninstaller. Signed with Authenticode when
  ``REVIEWER_WINDOWS_SIGN_PFX`` names the trust's certificate.
* **macOS**: ``Reviewer.app`` in ``reviewer-VERSION-macos-ARCH.dmg``; signed with the hardened
  runtime when ``REVIEWER_MACOS_SIGN_IDENTITY`` is set, and notarised and stapled when the
  notary credentials are set too (see :data:`ENVIRONMENT`).

``--dry-run`` prints every step (secrets hidden) without running any, on any platform with
``--platform``, so a release engineer can see what a Windows or macOS build will do. Then run
``python packaging/smoke_test.py`` on what was built.
"""

from __future__ import annotations

import argparse
import base64
import os
import platform
import shlex
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging"
BUILD = ROOT / "build"
DIST = BUILD / "dist"
APP_DIR = DIST / "reviewer"
APP_NAME = "Reviewer"
DEB_PACKAGE = "reviewer-app"
MIME_TYPE = "application/x-reviewer-bundle"

#: What the build reads from the environment (the trust's certificates never live in the repo).
ENVIRONMENT: dict[str, str] = {
    "REVIEWER_WINDOWS_SIGN_PFX": "Windows: the Authenticode certificate (.pfx file) to sign with",
    "REVIEWER_WINDOWS_SIGN_PASSWORD": "Windows: its password",
    "REVIEWER_WINDOWS_TIMESTAMP_URL": "Windows: RFC 3161 timestamp server (default DigiCert's)",
    "REVIEWER_INNO_SETUP": "Windows: ISCC.exe, when it is not on PATH or in Program Files",
    "REVIEWER_MACOS_CERTIFICATE_P12": "macOS: the Developer ID Application certificate and key "
    "(.p12, base64), imported into a temporary keychain; leave unset if it is in a keychain",
    "REVIEWER_MACOS_CERTIFICATE_PASSWORD": "macOS: the .p12's password",
    "REVIEWER_MACOS_SIGN_IDENTITY": "macOS: the signing identity, 'Developer ID Application: "
    "Trust Name (TEAMID)'",
    "REVIEWER_MACOS_NOTARY_PROFILE": "macOS: a notarytool keychain profile (or the three below)",
    "REVIEWER_MACOS_NOTARY_APPLE_ID": "macOS: the Apple ID that submits for notarisation",
    "REVIEWER_MACOS_NOTARY_TEAM_ID": "macOS: its team id",
    "REVIEWER_MACOS_NOTARY_PASSWORD": "macOS: its app-specific password",
}
SECRETS = ("REVIEWER_WINDOWS_SIGN_PASSWORD", "REVIEWER_MACOS_CERTIFICATE_P12",
           "REVIEWER_MACOS_CERTIFICATE_PASSWORD", "REVIEWER_MACOS_NOTARY_PASSWORD")  # fmt: skip

#: Debian packages the frozen app needs from the system (Qt's X11 and OpenGL libraries).
DEB_DEPENDS = (
    "libegl1", "libgl1", "libxkbcommon0", "libxkbcommon-x11-0", "libfontconfig1",
    "libdbus-1-3", "libxcb-cursor0", "libxcb-icccm4", "libxcb-keysyms1", "libxcb-shape0",
    "libxcb-image0", "libxcb-render-util0", "libxcb-xinerama0", "libxcb-randr0",
    "libxcb-xfixes0",
)  # fmt: skip


class BuildError(Exception):
    """A build step cannot go on; the message says which and what to do."""


@dataclass
class Step:
    """One thing the build does: a command, or Python work described in words."""

    what: str
    command: list[str] | None = None
    action: Callable[[], object] | None = None
    env: dict[str, str] = field(default_factory=dict)

    def show(self, secrets: Sequence[str]) -> str:
        text = f"- {self.what}"
        if self.command:
            shown = shlex.join(self.command)
            for secret in secrets:
                if secret:
                    shown = shown.replace(secret, "********")
            text += f"\n    $ {shown}"
        return text

    def run(self) -> None:
        if self.action is not None:
            self.action()
        if self.command is not None:
            env = {**os.environ, **self.env}
            subprocess.run(self.command, check=True, cwd=ROOT, env=env)


@dataclass(frozen=True)
class Build:
    """What every platform's steps need to know."""

    target: str  # linux, windows, macos
    version: str
    arch: str
    environ: Mapping[str, str]

    def secrets(self) -> list[str]:
        return [self.environ.get(name, "") for name in SECRETS]


def version() -> str:
    import tomllib

    with (ROOT / "pyproject.toml").open("rb") as handle:
        return str(tomllib.load(handle)["project"]["version"])


def current_target() -> str:
    if sys.platform == "win32":
        return "windows"
    if sys.platform == "darwin":
        return "macos"
    return "linux"


def debian_arch(machine: str) -> str:
    return {"x86_64": "amd64", "aarch64": "arm64", "armv7l": "armhf"}.get(machine, machine)


# ---------------------------------------------------------------- shared steps


def freeze_step(build: Build, extra_env: dict[str, str] | None = None) -> Step:
    return Step(
        "Freeze the app with PyInstaller (packaging/reviewer.spec)",
        [
            sys.executable,
            "-m",
            "PyInstaller",
            str(PACKAGING / "reviewer.spec"),
            "--noconfirm",
            "--log-level",
            "WARN",
            "--distpath",
            str(DIST),
            "--workpath",
            str(BUILD / "work"),
        ],
        env={"REVIEWER_BUILD_ICON": str(icon_path(build)), **(extra_env or {})},
    )


def icon_path(build: Build) -> Path:
    suffix = {"windows": ".ico", "macos": ".icns"}.get(build.target, ".png")
    return BUILD / "icons" / f"reviewer{suffix}"


def render_icons(build: Build) -> None:
    """The app icon from ``resources/icons/reviewer.svg``, in the platform's format."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PIL import Image
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication([])
    folder = BUILD / "icons"
    folder.mkdir(parents=True, exist_ok=True)
    image = QImage(1024, 1024, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    QSvgRenderer(str(ROOT / "resources" / "icons" / "reviewer.svg")).render(painter)
    painter.end()
    png = folder / "reviewer.png"
    if not image.save(str(png)):
        raise BuildError(f"The icon could not be written to {png}.")
    target = icon_path(build)
    with Image.open(png) as source:
        if target.suffix == ".ico":
            source.save(target, sizes=[(s, s) for s in (16, 24, 32, 48, 64, 128, 256)])
        elif target.suffix == ".icns":
            source.save(target)


def icons_step(build: Build) -> Step:
    return Step(
        f"Render the app icon from resources/icons/reviewer.svg to {icon_path(build).name}",
        action=lambda: render_icons(build),
    )


# ---------------------------------------------------------------- Linux


def linux_archive(build: Build) -> Path:
    """The app folder with a desktop entry and the icon, as a tar.gz to unpack anywhere."""
    shutil.copy2(PACKAGING / "linux" / "reviewer.desktop", APP_DIR / "reviewer-app.desktop")
    shutil.copy2(ROOT / "resources" / "icons" / "reviewer.svg", APP_DIR / "reviewer-app.svg")
    archive = BUILD / f"reviewer-{build.version}-linux-{build.arch}.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(APP_DIR, arcname=f"reviewer-{build.version}")
    return archive


def deb_control(build: Build, installed_kib: int) -> str:
    return (
        f"Package: {DEB_PACKAGE}\n"
        f"Version: {build.version}\n"
        f"Architecture: {debian_arch(build.arch)}\n"
        "Maintainer: Reviewer engineering <support@reviewer.app>\n"
        f"Installed-Size: {installed_kib}\n"
        f"Depends: {', '.join(DEB_DEPENDS)}\n"
        "Recommends: gnome-keyring | kwalletmanager | keepassxc\n"
        "Section: education\n"
        "Priority: optional\n"
        "Homepage: https://reviewer.app\n"
        "Description: School reviews captured offline, signed and synced\n"
        " Reviewer is a desktop application for the people who review schools on site:\n"
        " learning walks, safeguarding audits, peer reviews. It keeps every keystroke in an\n"
        " encrypted local store, turns a review into a PDF report with real digital\n"
        " signatures and syncs to the trust's server when the connection returns.\n"
    )


def debian_package(build: Build, app_dir: Path = APP_DIR, out_dir: Path = BUILD) -> Path:
    """``reviewer-app_VERSION_ARCH.deb``: the app in /opt/reviewer, with a command, a desktop
    entry, the icon and the ``.reviewer`` file type (dpkg's triggers refresh their caches)."""
    with tempfile.TemporaryDirectory(prefix="reviewer-deb-") as tmp:
        root = Path(tmp) / "root"
        shutil.copytree(app_dir, root / "opt" / "reviewer", symlinks=True)
        (root / "usr" / "bin").mkdir(parents=True)
        (root / "usr" / "bin" / "reviewer-app").symlink_to("/opt/reviewer/reviewer-app")
        share = root / "usr" / "share"
        for folder, source, name in (
            ("applications", PACKAGING / "linux" / "reviewer.desktop", "reviewer-app.desktop"),
            ("icons/hicolor/scalable/apps", ROOT / "resources/icons/reviewer.svg",
             "reviewer-app.svg"),
            ("mime/packages", PACKAGING / "linux" / "reviewer-mime.xml", "reviewer-app.xml"),
            ("doc/reviewer-app", ROOT / "resources/fonts/DejaVu-LICENSE.txt", "DejaVu-LICENSE"),
        ):  # fmt: skip
            (share / folder).mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, share / folder / name)
        for path in [root, *root.rglob("*")]:
            if path.is_symlink():
                continue
            executable = path.is_dir() or os.access(path, os.X_OK)
            path.chmod(0o755 if executable else 0o644)
        size = sum(p.stat().st_size for p in root.rglob("*") if p.is_file() and not p.is_symlink())
        (root / "DEBIAN").mkdir()
        (root / "DEBIAN" / "control").write_text(
            deb_control(build, (size + 1023) // 1024), encoding="utf-8"
        )
        out = out_dir / f"{DEB_PACKAGE}_{build.version}_{debian_arch(build.arch)}.deb"
        subprocess.run(
            ["dpkg-deb", "--root-owner-group", "-Zgzip", "--build", str(root), str(out)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return out


def linux_steps(build: Build) -> list[Step]:
    return [
        Step(
            f"Pack reviewer-{build.version}-linux-{build.arch}.tar.gz (folder, desktop entry, "
            "icon)",
            action=lambda: linux_archive(build),
        ),
        Step(
            f"Pack {DEB_PACKAGE}_{build.version}_{debian_arch(build.arch)}.deb with dpkg-deb "
            "(/opt/reviewer, /usr/bin/reviewer-app, desktop entry, icon, .reviewer type)",
            action=lambda: debian_package(build),
        ),
    ]


# ---------------------------------------------------------------- Windows


def inno_setup_compiler(environ: Mapping[str, str]) -> str:
    """ISCC.exe: ``REVIEWER_INNO_SETUP``, then PATH, then Inno Setup 6's usual folders."""
    if environ.get("REVIEWER_INNO_SETUP"):
        return environ["REVIEWER_INNO_SETUP"]
    found = shutil.which("ISCC") or shutil.which("iscc")
    if found:
        return found
    for base in (environ.get("ProgramFiles(x86)"), environ.get("ProgramFiles")):
        if base and (Path(base) / "Inno Setup 6" / "ISCC.exe").exists():
            return str(Path(base) / "Inno Setup 6" / "ISCC.exe")
    return "ISCC.exe"  # a dry run on another system; a real one fails naming it


def windows_installer_name(build: Build) -> str:
    return f"reviewer-{build.version}-windows-x64-setup"


def authenticode_step(build: Build, files: list[Path]) -> Step | None:
    pfx = build.environ.get("REVIEWER_WINDOWS_SIGN_PFX")
    if not pfx:
        return None
    command = [
        "signtool", "sign", "/fd", "sha256", "/td", "sha256",
        "/tr", build.environ.get("REVIEWER_WINDOWS_TIMESTAMP_URL", "http://timestamp.digicert.com"),
        "/f", pfx,
    ]  # fmt: skip
    if build.environ.get("REVIEWER_WINDOWS_SIGN_PASSWORD"):
        command += ["/p", build.environ["REVIEWER_WINDOWS_SIGN_PASSWORD"]]
    return Step(
        f"Sign {', '.join(f.name for f in files)} with Authenticode",
        [*command, *map(str, files)],
    )


def windows_steps(build: Build) -> list[Step]:
    steps: list[Step] = []
    programs = [APP_DIR / "Reviewer.exe", APP_DIR / "reviewer-app.exe"]
    sign = authenticode_step(build, programs)
    if sign:
        steps.append(sign)
    steps.append(
        Step(
            f"Compile the installer {windows_installer_name(build)}.exe with Inno Setup "
            "(per machine; /VERYSILENT for Intune; Start menu; .reviewer; uninstaller)",
            [
                inno_setup_compiler(build.environ),
                "/Q",
                f"/DAppVersion={build.version}",
                f"/DSourceDir={APP_DIR}",
                f"/DOutputDir={BUILD}",
                f"/DOutputBaseName={windows_installer_name(build)}",
                f"/DAppIcon={icon_path(build)}",
                str(PACKAGING / "windows" / "reviewer.iss"),
            ],
        )
    )
    sign = authenticode_step(build, [BUILD / f"{windows_installer_name(build)}.exe"])
    if sign:
        steps.append(sign)
    else:
        steps.append(Step("Not signed: REVIEWER_WINDOWS_SIGN_PFX is not set"))
    return steps


# ---------------------------------------------------------------- macOS


def macos_dmg(build: Build) -> Path:
    return BUILD / f"reviewer-{build.version}-macos-{build.arch}.dmg"


def _import_certificate(build: Build, keychain: Path) -> None:
    """Put the .p12 from the environment into a temporary keychain codesign can use."""
    password = base64.b64encode(os.urandom(18)).decode("ascii")
    p12 = BUILD / "signing.p12"
    p12.write_bytes(base64.b64decode(build.environ["REVIEWER_MACOS_CERTIFICATE_P12"]))
    try:
        for command in (
            ["security", "create-keychain", "-p", password, str(keychain)],
            ["security", "set-keychain-settings", "-lut", "21600", str(keychain)],
            ["security", "unlock-keychain", "-p", password, str(keychain)],
            ["security", "import", str(p12), "-k", str(keychain), "-f", "pkcs12",
             "-P", build.environ.get("REVIEWER_MACOS_CERTIFICATE_PASSWORD", ""),
             "-T", "/usr/bin/codesign"],
            ["security", "set-key-partition-list", "-S", "apple-tool:,apple:,codesign:",
             "-s", "-k", password, str(keychain)],
            ["security", "list-keychains", "-d", "user", "-s", str(keychain), "login.keychain"],
        ):  # fmt: skip
            subprocess.run(command, check=True, capture_output=True)
    finally:
        p12.unlink(missing_ok=True)


def _disk_image(build: Build) -> None:
    """Reviewer.app and a link to /Applications, in a compressed read-only disk image."""
    with tempfile.TemporaryDirectory(prefix="reviewer-dmg-") as tmp:
        stage = Path(tmp) / APP_NAME
        stage.mkdir()
        subprocess.run(
            ["ditto", str(DIST / f"{APP_NAME}.app"), str(stage / f"{APP_NAME}.app")], check=True
        )
        (stage / "Applications").symlink_to("/Applications")
        macos_dmg(build).unlink(missing_ok=True)
        subprocess.run(
            ["hdiutil", "create", "-volname", f"{APP_NAME} {build.version}", "-srcfolder",
             str(stage), "-ov", "-format", "UDZO", str(macos_dmg(build))],
            check=True,
        )  # fmt: skip


def macos_steps(build: Build) -> list[Step]:
    env = build.environ
    identity = env.get("REVIEWER_MACOS_SIGN_IDENTITY")
    app = DIST / f"{APP_NAME}.app"
    dmg = macos_dmg(build)
    entitlements = PACKAGING / "macos" / "entitlements.plist"
    steps: list[Step] = []
    if identity:
        sign = ["codesign", "--force", "--timestamp", "--options", "runtime", "--sign", identity]
        steps += [
            Step(
                f"Sign {app.name} as a whole with the hardened runtime (each binary inside was "
                "signed as PyInstaller collected it)",
                [*sign, "--entitlements", str(entitlements), str(app)],
            ),
            Step("Check the signature", ["codesign", "--verify", "--deep", "--strict", str(app)]),
        ]
    steps.append(
        Step(f"Make {dmg.name} (Reviewer.app and Applications)", action=lambda: _disk_image(build))
    )
    if not identity:
        steps.append(Step("Not signed or notarised: REVIEWER_MACOS_SIGN_IDENTITY is not set"))
        return steps
    steps.append(
        Step(
            f"Sign {dmg.name}", ["codesign", "--force", "--timestamp", "--sign", identity, str(dmg)]
        )
    )
    if env.get("REVIEWER_MACOS_NOTARY_PROFILE"):
        credentials = ["--keychain-profile", env["REVIEWER_MACOS_NOTARY_PROFILE"]]
    elif all(env.get(f"REVIEWER_MACOS_NOTARY_{n}") for n in ("APPLE_ID", "TEAM_ID", "PASSWORD")):
        credentials = [
            "--apple-id", env["REVIEWER_MACOS_NOTARY_APPLE_ID"],
            "--team-id", env["REVIEWER_MACOS_NOTARY_TEAM_ID"],
            "--password", env["REVIEWER_MACOS_NOTARY_PASSWORD"],
        ]  # fmt: skip
    else:
        steps.append(Step("Not notarised: no REVIEWER_MACOS_NOTARY_* credentials are set"))
        return steps
    steps += [
        Step(
            "Submit to Apple's notary service and wait for its answer",
            ["xcrun", "notarytool", "submit", str(dmg), *credentials, "--wait"],
        ),
        Step("Staple the notarisation ticket to the disk image",
             ["xcrun", "stapler", "staple", str(dmg)]),
        Step("Check Gatekeeper accepts it",
             ["spctl", "--assess", "--type", "open", "--context", "context:primary-signature",
              "--verbose", str(dmg)]),
    ]  # fmt: skip
    return steps


def macos_freeze_env(build: Build) -> dict[str, str]:
    identity = build.environ.get("REVIEWER_MACOS_SIGN_IDENTITY")
    if not identity:
        return {}
    return {
        "REVIEWER_MACOS_SIGN_IDENTITY": identity,
        "REVIEWER_MACOS_ENTITLEMENTS": str(PACKAGING / "macos" / "entitlements.plist"),
    }


# ---------------------------------------------------------------- plan and run


def plan(build: Build, *, skip_build: bool) -> list[Step]:
    """Every step of the build for ``build.target``, in order."""
    steps: list[Step] = []
    if not skip_build:
        if build.target == "macos" and build.environ.get("REVIEWER_MACOS_CERTIFICATE_P12"):
            keychain = BUILD / "reviewer-signing.keychain-db"
            steps.append(
                Step(
                    "Import the signing certificate into a temporary keychain",
                    action=lambda: _import_certificate(build, keychain),
                )
            )
        if build.target != "linux":  # Linux's desktop entry uses the SVG itself
            steps.append(icons_step(build))
        extra = macos_freeze_env(build) if build.target == "macos" else {}
        steps.append(freeze_step(build, extra))
    if build.target == "linux":
        steps += linux_steps(build)
    elif build.target == "windows":
        steps += windows_steps(build)
    else:
        steps += macos_steps(build)
    return steps


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        epilog="Environment: " + "; ".join(f"{name}: {text}" for name, text in ENVIRONMENT.items()),
    )
    parser.add_argument(
        "--skip-build", action="store_true", help="pack the existing build/dist only"
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="print the steps (secrets hidden), run none"
    )
    parser.add_argument(
        "--platform",
        choices=("linux", "windows", "macos"),
        default=current_target(),
        help="with --dry-run: the platform whose steps to print (default: this one)",
    )
    args = parser.parse_args(argv)
    if args.platform != current_target() and not args.dry_run:
        parser.error(
            f"a {args.platform} build runs on {args.platform} (PyInstaller builds for the "
            "system it runs on); use --dry-run to see its steps here"
        )
    arch = "x64" if args.platform == "windows" else platform.machine()
    build = Build(args.platform, version(), arch, os.environ)
    steps = plan(build, skip_build=args.skip_build)
    if args.dry_run:
        print(f"Reviewer {build.version} for {build.target} ({build.arch}), {len(steps)} steps:")
        for step in steps:
            print(step.show(build.secrets()))
        return 0
    try:
        for step in steps:
            print(step.show(build.secrets()), flush=True)
            if step.command is None and step.action is None:
                continue
            if args.skip_build and not APP_DIR.is_dir():
                raise BuildError(f"No frozen app in {APP_DIR}: build it first.")
            step.run()
    except BuildError as failure:
        print(f"Build failed: {failure}", file=sys.stderr)
        return 2
    except (subprocess.CalledProcessError, FileNotFoundError) as failure:
        print(f"Build failed: {failure}", file=sys.stderr)
        return 1
    for built in sorted(BUILD.glob(f"*{build.version}*")):
        if built.is_file():
            print(f"Wrote {built.relative_to(ROOT)} ({built.stat().st_size / 2**20:.0f} MiB)")
    print(f"The app folder is {APP_DIR.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
