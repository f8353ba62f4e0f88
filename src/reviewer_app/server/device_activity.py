"""When each laptop last synced and with which version of Reviewer (the devices page shows it),
and the device token it syncs with next (:mod:`.device_tokens`)."""

from __future__ import annotations

import re

from sqlalchemy.engine import Engine

from reviewer_app.server import models
from reviewer_app.server.database import write_session
from reviewer_app.server.device_tokens import rotate_token
from reviewer_app.server.enrolment import utc_now

_VERSION = re.compile(r"reviewer-app/([0-9A-Za-z.+-]{1,40})")


def app_version_of(user_agent: str | None) -> str | None:
    """The app version a laptop's ``User-Agent`` names (``reviewer-app/0.1.0 sync/1``)."""
    found = _VERSION.search(user_agent or "")
    return found.group(1) if found else None


def record_sync(
    engine: Engine, device_id: str, user_agent: str | None, came_with_previous: bool = False
) -> str | None:
    """Note that ``device_id`` started a sync now (its handshake), with its app version, and
    give it its next device token (one write for both); ``None`` when the device is gone."""
    with write_session(engine) as session:
        device = session.get(models.Device, device_id, with_for_update=True)
        if device is None or device.revoked_at is not None:
            return None
        device.last_seen_at = utc_now()
        device.app_version = app_version_of(user_agent) or device.app_version
        return rotate_token(session, device, came_with_previous)
