"""Where Reviewer keeps its data, settings, logs and caches.

Everything goes through :class:`AppPaths`, built once by the composition root, so tests and
``--data-dir`` runs never touch a person's real data.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from reviewer_app import APP_ID, ORG_NAME

#: Environment override for the base folder, equivalent to ``--data-dir``.
DATA_DIR_ENV = "REVIEWER_DATA_DIR"


@dataclass(frozen=True, slots=True)
class AppPaths:
    """The folders one running instance uses. Created on demand by :meth:`ensure`."""

    data: Path
    config: Path
    logs: Path
    cache: Path

    @classmethod
    def from_base(cls, base: Path) -> AppPaths:
        """All folders under one base folder (``--data-dir`` and tests)."""
        base = base.expanduser().resolve()
        return cls(
            data=base / "data", config=base / "config", logs=base / "logs", cache=base / "cache"
        )

    @classmethod
    def default(cls) -> AppPaths:
        """The platform's usual folders (XDG on Linux, AppData on Windows, Library on macOS)."""
        from platformdirs import PlatformDirs  # only here: ``--data-dir`` runs start faster

        dirs = PlatformDirs(appname=APP_ID, appauthor=ORG_NAME)
        return cls(
            data=Path(dirs.user_data_dir),
            config=Path(dirs.user_config_dir),
            logs=Path(dirs.user_log_dir),
            cache=Path(dirs.user_cache_dir),
        )

    @classmethod
    def resolve(cls, data_dir: Path | None) -> AppPaths:
        """``--data-dir`` wins, then ``REVIEWER_DATA_DIR``, then the platform default."""
        if data_dir is not None:
            return cls.from_base(data_dir)
        env = os.environ.get(DATA_DIR_ENV)
        if env:
            return cls.from_base(Path(env))
        return cls.default()

    def ensure(self) -> AppPaths:
        for folder in (self.data, self.config, self.logs, self.cache):
            folder.mkdir(parents=True, exist_ok=True)
        return self

    @property
    def store_file(self) -> Path:
        """The encrypted local store."""
        return self.data / "reviewer.db"

    @property
    def demo_store_file(self) -> Path:
        """The demo store, kept apart from real work."""
        return self.data / "demo.db"

    @property
    def crash_log(self) -> Path:
        return self.logs / "crash.log"

    @property
    def log_file(self) -> Path:
        return self.logs / "reviewer.log"


def installed_data_dir() -> Path:
    """Folder holding shipped data (``frameworks/``, ``resources/``).

    In a checkout that is the project root; in an installed wheel, ``reviewer_app/_data``.
    """
    package_dir = Path(__file__).resolve().parent
    bundled = package_dir / "_data"
    if bundled.is_dir():
        return bundled
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen)
    return package_dir.parent.parent


def frameworks_dir() -> Path:
    return installed_data_dir() / "frameworks"


def resources_dir() -> Path:
    return installed_data_dir() / "resources"
