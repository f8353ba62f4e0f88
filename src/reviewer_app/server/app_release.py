"""The desktop app version the trust rolls out, as the trust server publishes it.

Set when the server starts (``serve --app-version 0.2.0 --app-download-url URL``, or
``REVIEWER_APP_VERSION`` and ``REVIEWER_APP_DOWNLOAD_URL``) and published in ``GET /health``
and in every handshake. Laptops with an older app say so quietly and keep syncing; only an app
whose sync protocol is older than :data:`~reviewer_app.sync.protocol.MIN_PROTOCOL_VERSION` is
refused, and the refusal says where to get the current app.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from urllib.parse import urlsplit

from reviewer_app.domain.errors import ReviewerError
from reviewer_app.sync.protocol import MIN_PROTOCOL_VERSION, PROTOCOL_VERSION, AppRelease

#: Environment equivalents of ``--app-version`` and ``--app-download-url``.
APP_VERSION_ENV = "REVIEWER_APP_VERSION"
APP_DOWNLOAD_URL_ENV = "REVIEWER_APP_DOWNLOAD_URL"


def release_from_settings(
    version: str | None,
    download_url: str | None,
    environ: Mapping[str, str] | None = None,
) -> AppRelease | None:
    """The release to publish (options win over the environment), or ``None`` when unset.

    Raises :class:`ReviewerError` naming the setting at fault: a version that is not a
    PEP 440 version (``0.2.0``, ``1.0.1``), or a download address that is not http(s).
    """
    from packaging.version import InvalidVersion, Version

    environ = os.environ if environ is None else environ
    version = version or environ.get(APP_VERSION_ENV) or None
    download_url = download_url or environ.get(APP_DOWNLOAD_URL_ENV) or None
    if version is None:
        if download_url is not None:
            raise ReviewerError(
                "An app download address was given without the app version it offers.",
                hint=f"Add --app-version (or {APP_VERSION_ENV}), for example 0.2.0.",
            )
        return None
    try:
        Version(version)
    except InvalidVersion:
        raise ReviewerError(
            f"The app version '{version}' is not a version number.",
            hint=f"Give --app-version (or {APP_VERSION_ENV}) like 0.2.0.",
        ) from None
    if download_url is not None:
        parts = urlsplit(download_url)
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            raise ReviewerError(
                f"The app download address '{download_url}' is not a web address.",
                hint=f"Give --app-download-url (or {APP_DOWNLOAD_URL_ENV}) as https://...",
            )
    return AppRelease(version=version, download_url=download_url)


def health_fields(release: AppRelease | None) -> dict[str, object]:
    """What ``GET /health`` adds about versions: the protocols accepted and the app to use."""
    fields: dict[str, object] = {
        "protocol_version": PROTOCOL_VERSION,
        "min_protocol_version": MIN_PROTOCOL_VERSION,
    }
    if release is not None:
        fields["app_release"] = release.model_dump()
    return fields


def where_to_update(release: AppRelease | None) -> str:
    """The end of a refusal: what to install, and from where when the server knows."""
    if release is None:
        return "update Reviewer on this laptop (ask your trust's IT if you cannot)"
    if release.download_url:
        return f"install Reviewer {release.version} from {release.download_url}"
    return f"install Reviewer {release.version} (ask your trust's IT for it)"
