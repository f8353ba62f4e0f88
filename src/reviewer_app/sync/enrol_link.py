"""Enrolment links: what the trust console shows (as text and as a QR code) for one laptop.

``https://reviewer.oak.example/console/enrol-laptop#code=ABCD-EFGH-JKMN-PQRS``: the server's
address, then the one-time code in the fragment (browsers never send a fragment to a server,
so the code stays out of every access log). The app's Connect dialog and ``reviewer-app enrol``
take the whole link.
"""

from __future__ import annotations

import re

ENROL_PATH = "/console/enrol-laptop"
_LINK = re.compile(
    r"^\s*(?P<server>https?://[^\s#?]+?)/*"
    + re.escape(ENROL_PATH)
    + r"/?#code=(?P<code>[A-Za-z0-9-]{8,64})\s*$"
)


def enrol_link(server_url: str, code: str) -> str:
    """The link for ``code`` on the server at ``server_url``."""
    return f"{server_url.rstrip('/')}{ENROL_PATH}#code={code}"


def parse_enrol_link(text: str) -> tuple[str, str] | None:
    """(server address, code) from an enrolment link, or None when ``text`` is not one."""
    found = _LINK.match(text)
    if found is None:
        return None
    return found.group("server").rstrip("/"), found.group("code")
