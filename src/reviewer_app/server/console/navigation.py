"""The console's navigation: one list of pages, each with the roles that see it.

A new area adds its routes (see :mod:`reviewer_app.server.console`) and one :class:`NavItem`
here; the layout draws the bar from :func:`navigation_for`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from reviewer_app.server.console.auth import ADMINS

if TYPE_CHECKING:
    from reviewer_app.domain.organisation import Role
    from reviewer_app.server.console.auth import ConsoleUser


@dataclass(frozen=True, slots=True)
class NavItem:
    label: str
    path: str
    #: Who sees the link (None: everyone signed in). The routes check roles themselves.
    allow: frozenset[Role] | None = ADMINS


NAVIGATION: list[NavItem] = [
    NavItem("Home", "/console", allow=None),
    NavItem("Overview", "/console/overview", allow=None),
    NavItem("Actions", "/console/actions", allow=None),
    NavItem("Cadence", "/console/cadence", allow=None),
    NavItem("Signed reports", "/console/reports", allow=None),
    NavItem("Data out", "/console/data", allow=None),
    NavItem("Schools", "/console/schools"),
    NavItem("People", "/console/people"),
    NavItem("Visits", "/console/visits"),
    NavItem("Frameworks", "/console/frameworks"),
    NavItem("Enrolment", "/console/enrolment"),
    NavItem("Devices", "/console/devices"),
    NavItem("Audit log", "/console/audit"),
]


@dataclass(frozen=True, slots=True)
class NavLink:
    label: str
    path: str
    current: bool


def navigation_for(user: ConsoleUser, current_path: str) -> list[NavLink]:
    """The links ``user`` sees, the one for the page being shown marked current."""
    links = []
    for item in NAVIGATION:
        if item.allow is not None and not (user.roles & item.allow):
            continue
        if item.path == "/console":
            current = current_path.rstrip("/") == "/console"
        else:
            current = current_path == item.path or current_path.startswith(item.path + "/")
        links.append(NavLink(item.label, item.path, current))
    return links
