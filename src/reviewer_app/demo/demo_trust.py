"""The demo trust as a plug-in of the Workspace (``services.workspace.BuiltInTrust``).

``reviewer-app --demo`` and the commands' ``--demo`` open the demo store with it; the services
never know it is the demo. Its hooks seed the store on first opening and move its dates
forward later (:mod:`.trust`), give the schools their categories (:mod:`.categories`), sign a
review's reports on first need and the rest in the background, and add the demo CA's root to
the trust material (:mod:`.reports`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from reviewer_app.demo.categories import seed_demo_categories, seed_demo_meetings
from reviewer_app.demo.trust import refresh_demo_dates, seed_demo
from reviewer_app.paths import AppPaths
from reviewer_app.services.framework_catalogue import installed_library
from reviewer_app.services.workspace import Workspace
from reviewer_app.services.writer_lane import WriterLane
from reviewer_app.storage.store import Store

if TYPE_CHECKING:
    from reviewer_app.services.signing_identity import TrustMaterial


class DemoTrust:
    """The demo trust's content, plugged into the demo store's Workspace."""

    # The signing side (cryptography, the CA) is imported when reports are first needed, so
    # opening the demo store costs no more than opening another.

    def prepare(self, store: Store, lane: WriterLane) -> None:
        if not lane.call(seed_demo, store) and lane.call(refresh_demo_dates, store):
            from reviewer_app.demo.reports import forget_demo_reports

            lane.call(forget_demo_reports, store)  # signed over the old dates
        # Demo stores made before categories existed get them now (once).
        lane.call(seed_demo_categories, store, installed_library())
        # The meetings a sync would have brought (CEO 1:1s), as of today.
        lane.call(seed_demo_meetings, store, installed_library())

    def before_signed_listing(self, workspace: Workspace, review_id: str) -> None:
        from reviewer_app.demo.reports import sign_demo_review

        sign_demo_review(workspace, review_id)  # this review's, on first need

    def finish_in_background(self, workspace: Workspace, should_stop: Callable[[], bool]) -> None:
        from reviewer_app.demo.reports import ensure_demo_reports

        ensure_demo_reports(workspace, should_stop)  # the rest, review by review

    def trust_material(self, workspace: Workspace) -> TrustMaterial:
        from reviewer_app.demo.reports import demo_trust_material

        return demo_trust_material(workspace)


def open_demo_workspace(paths: AppPaths) -> Workspace:
    """The demo store under ``paths``, seeded with the demo trust (no passphrase: its key is
    public)."""
    return Workspace.open(paths, demo=True, built_in=DemoTrust())
