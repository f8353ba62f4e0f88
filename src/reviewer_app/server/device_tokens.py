"""Device tokens that rotate at every sync and lapse when a laptop stays away (issue 14, item 6).

Rotation: each handshake gives the laptop a new token. The one it came with stays valid as
``previous_token_sha256`` until the laptop shows it kept the new one (it comes back with it),
so an answer lost on the way never locks a laptop out: at any time a device has at most two
tokens, the one it surely holds and the newest issued. A copied token stops working once the
laptop it was copied from has synced twice.

Idle expiry: a laptop that has not synced for the trust's ``device_idle_days`` (90 unless the
trust set another; 0 for never) is refused with ``token_expired``; it enrols again with a new
code and sends what it kept meanwhile (the server accepts a person's changes from any of their
devices).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from sqlmodel import Session

from reviewer_app.server import models


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def idle_lapse(
    session: Session, device: models.Device, person: models.Person, now: datetime
) -> int | None:
    """The trust's idle period in days when ``device`` has been silent longer, else ``None``."""
    trust = session.get(models.Trust, person.trust_id)
    days = trust.device_idle_days if trust is not None else 0
    if not days:
        return None
    last = _aware(device.last_seen_at or device.enrolled_at)
    return days if now - last > timedelta(days=days) else None


def rotate_token(session: Session, device: models.Device, came_with_previous: bool) -> str:
    """A new token for ``device`` (its hash stored in the caller's transaction).

    ``came_with_previous``: the laptop authenticated with its previous token, so it never kept
    the current one; that one is dropped and the previous stays valid.
    """
    token = secrets.token_urlsafe(32)
    if not came_with_previous:
        device.previous_token_sha256 = device.token_sha256
    # The same digest as ``enrolment.secret_sha256`` (which imports this module).
    device.token_sha256 = hashlib.sha256(token.encode("utf-8")).hexdigest()
    device.token_issued_at = datetime.now(UTC)
    session.add(device)
    return token


def device_state(session: Session, device: models.Device) -> str:
    """``revoked``, ``lapsed`` (silent longer than the trust allows: enrol again) or
    ``active``, as ``admin list-devices`` says it."""
    if device.revoked_at is not None:
        return "revoked"
    person = session.get(models.Person, device.person_id)
    if person is not None and idle_lapse(session, device, person, datetime.now(UTC)):
        return "lapsed"
    return "active"
