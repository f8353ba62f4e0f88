"""The trust console: the trust's staff set up and run the trust from a browser.

Served by the trust server under ``/console``; server-rendered with Jinja2, plain HTML forms,
one small stylesheet and htmx (vendored) in ``static/``. Who may do what is decided by the
same server-side functions the command line calls (``server/administration.py`` and friends).

Adding a page: write a route in a module here with ``console_page`` / ``console_action`` (see
``auth.py``), a template extending ``layout.html``, add the module to :data:`AREAS` and, for a
top-level area, a :class:`~reviewer_app.server.console.navigation.NavItem`.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

from reviewer_app.server.console.settings import ConsoleSettings

if TYPE_CHECKING:
    from fastapi import FastAPI

#: The console's route modules, each with a ``router``; the last catches unknown paths.
AREAS = (
    "sign_in",
    "home",
    "trust_root",
    "oversight",
    "cadence",
    "board",
    "data_out",
    "schools",
    "people",
    "visits",
    "frameworks",
    "enrolment",
    "devices",
    "audit_log",
    "retention",
    "fallback",
)

#: Console paths that need no signed-in session (sign-in steps, one-time links, static files).
PUBLIC_PREFIXES = (
    "/console/sign-in",
    "/console/sign-out",
    "/console/set-password/",
    "/console/static/",
    "/console/enrol-laptop",
)


def install(app: FastAPI, settings: ConsoleSettings | None = None) -> None:
    """Mount the console on ``app`` under ``/console``."""
    from starlette.staticfiles import StaticFiles

    from reviewer_app.server.console import errors
    from reviewer_app.server.console.web import STATIC_DIR

    app.state.console = settings or ConsoleSettings()
    errors.install(app)
    app.mount("/console/static", StaticFiles(directory=STATIC_DIR), name="console-static")
    for area in AREAS:
        module = import_module(f"reviewer_app.server.console.{area}")
        app.include_router(module.router, include_in_schema=False)
