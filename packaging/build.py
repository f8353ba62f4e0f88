"""Build the desktop app as one folder with PyInstaller, then pack it for Linux.

    uv run --group packaging python packaging/build.py [--skip-build]

Writes ``build/dist/reviewer/`` (the app folder, ``reviewer-app`` inside it) and, on Linux,
``build/reviewer-VERSION-linux-ARCH.tar.gz`` holding that folder with a desktop entry and the
icon. Then run ``python packaging/smoke_test.py`` on the folder.

PyInstaller builds for the platform it runs on: a Windows or macOS build is made by running the
same spec there.
"""

from __future__ import annotations

import argparse
import platform
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build"
DIST = BUILD / "dist"
APP_DIR = DIST / "reviewer"


def version() -> str:
    import tomllib

    with (ROOT / "pyproject.toml").open("rb") as handle:
        return str(tomllib.load(handle)["project"]["version"])


def freeze() -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            str(ROOT / "packaging" / "reviewer.spec"),
            "--noconfirm",
            "--log-level",
            "WARN",
            "--distpath",
            str(DIST),
            "--workpath",
            str(BUILD / "work"),
        ],
        check=True,
        cwd=ROOT,
    )


def linux_archive() -> Path:
    """The app folder with a desktop entry and the icon, as a tar.gz to unpack anywhere."""
    shutil.copy2(ROOT / "packaging" / "linux" / "reviewer.desktop", APP_DIR / "reviewer.desktop")
    shutil.copy2(ROOT / "resources" / "icons" / "reviewer.svg", APP_DIR / "reviewer.svg")
    archive = BUILD / f"reviewer-{version()}-linux-{platform.machine()}.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(APP_DIR, arcname=f"reviewer-{version()}")
    return archive


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--skip-build", action="store_true", help="pack the existing build/dist/reviewer only"
    )
    args = parser.parse_args(argv)
    if not args.skip_build:
        freeze()
    if not (APP_DIR / "reviewer-app").exists() and not (APP_DIR / "reviewer-app.exe").exists():
        print(f"No frozen app in {APP_DIR}: build it first.", file=sys.stderr)
        return 2
    if sys.platform.startswith("linux"):
        archive = linux_archive()
        size = archive.stat().st_size / 2**20
        print(f"Wrote {archive.relative_to(ROOT)} ({size:.0f} MiB)")
    print(f"The app folder is {APP_DIR.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
