"""Is a newer Reviewer available? What the trust server last published, kept in the store.

Each handshake carries the app version the trust rolls out (when its server publishes one); a
finished sync keeps it (:func:`remember_release`), and the status bar and ``reviewer-app sync``
say quietly when it is newer than this app (:func:`available_update`). Nothing is refused for
it: only an app whose sync protocol is too old is refused, by the server, with the reason.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlmodel import Session

from reviewer_app import __version__
from reviewer_app.storage.local_settings import delete_setting, get_setting, set_setting
from reviewer_app.sync.protocol import AppRelease

log = logging.getLogger(__name__)

LATEST_VERSION = "app.latest_version"
DOWNLOAD_URL = "app.download_url"


@dataclass(frozen=True, slots=True)
class AppUpdate:
    """A newer app than this one, as the trust server published it."""

    version: str
    download_url: str | None
    current: str = __version__

    def sentence(self) -> str:
        """One quiet sentence for the status bar and the command line."""
        where = f": {self.download_url}" if self.download_url else " from your trust's IT"
        return f"Reviewer {self.version} is available (you have {self.current}){where}."


def newer(release: AppRelease | None, current: str = __version__) -> AppUpdate | None:
    """``release`` as an update when it is newer than ``current``, else ``None``."""
    from packaging.version import InvalidVersion, Version

    if release is None:
        return None
    try:
        is_newer = Version(release.version) > Version(current)
    except InvalidVersion:
        log.info("The trust server published an app version that is not one: %r", release.version)
        return None
    return AppUpdate(release.version, release.download_url, current) if is_newer else None


def remember_release(session: Session, release: AppRelease | None) -> None:
    """Keep what the server published this time (or forget it, when it publishes nothing)."""
    if release is None:
        delete_setting(session, LATEST_VERSION)
        delete_setting(session, DOWNLOAD_URL)
        return
    set_setting(session, LATEST_VERSION, release.version)
    if release.download_url:
        set_setting(session, DOWNLOAD_URL, release.download_url)
    else:
        delete_setting(session, DOWNLOAD_URL)


def available_update(session: Session) -> AppUpdate | None:
    """The newer app the server published at the last sync, if this app is older."""
    version = get_setting(session, LATEST_VERSION)
    if version is None:
        return None
    return newer(AppRelease(version=version, download_url=get_setting(session, DOWNLOAD_URL)))
