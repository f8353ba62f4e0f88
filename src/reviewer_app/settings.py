"""Typed application settings, stored as JSON in the config folder, with upgrade hooks.

Window geometry and other purely visual state live in QSettings inside ``gui``; everything a
service needs to know lives here, Qt-free.
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1

#: A trust server address: https, or plain http only to this computer (a local test server).
SERVER_ADDRESS = re.compile(r"^https://\S+$|^http://(localhost|127\.0\.0\.1)(:\d+)?(/\S*)?$")


class Settings(BaseModel):
    """What a person can change in the Settings dialog: only what something uses. Keys that
    older versions wrote and nothing read (name, email, trust profile, autosave delay, reports
    folder) are ignored when read and dropped at the next save."""

    model_config = ConfigDict(extra="ignore", validate_assignment=True)

    schema_version: int = SCHEMA_VERSION
    #: The trust server address offered when the laptop is connected (enrolled).
    server_url: str = ""
    sync_automatically: bool = True
    ui_scale_percent: int = Field(default=100, ge=100, le=200)


def _upgrade(raw: dict[str, Any]) -> dict[str, Any]:
    """Bring settings written by an older version up to :data:`SCHEMA_VERSION`."""
    version = int(raw.get("schema_version", 1))
    # Version 1 is the first; later versions add steps here, each moving one version forward.
    raw["schema_version"] = max(version, SCHEMA_VERSION)
    return raw


def load(path: Path) -> Settings:
    """Read settings; a missing or unreadable file gives defaults (and the problem is logged)."""
    if not path.exists():
        return Settings()
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(raw, dict):
            raise TypeError("settings file does not hold an object")
        return Settings.model_validate(_upgrade(raw))
    except (OSError, ValueError, TypeError, ValidationError):
        log.warning("Settings file %s could not be read; using defaults", path, exc_info=True)
        backup = path.with_suffix(".unreadable.json")
        path.replace(backup)
        return Settings()


def save(settings: Settings, path: Path) -> None:
    """Write atomically: a crash mid-write leaves the previous file intact."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(settings.model_dump_json(indent=2), encoding="utf-8")
    tmp.replace(path)
