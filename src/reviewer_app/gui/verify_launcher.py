"""File > Verify a report…: the Verify report dialog with the trust root this computer knows.

The trust material is what ``reviewer-app verify`` uses: ``trust-root.pem`` from enrolment and
the cached revocation list, plus the demo trust's in the demo. It is read on a reader thread;
the dialog opens when it has arrived. A report whose review is in the local store is also
checked against what that review holds now.

Imported by the main window only when the action is used (it pulls in the verification stack).
"""

from __future__ import annotations

from concurrent.futures import Future
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from reviewer_app.gui.verify_dialog import VerifyReportDialog

if TYPE_CHECKING:
    from reviewer_app.gui.tasks import TaskRunner
    from reviewer_app.paths import AppPaths
    from reviewer_app.services.signing_identity import TrustMaterial
    from reviewer_app.services.workspace import Workspace

NO_TRUST_ROOT = (
    "This computer does not know the trust's root certificate yet, so no signer can be shown "
    "as certified by the trust. Connecting this laptop to the trust's server "
    "(Sync > Connect to trust server…) brings it."
)


def open_verify_dialog(
    window: QWidget, paths: AppPaths, workspace: Workspace | None, tasks: TaskRunner
) -> Future[Any]:
    """Read the trust material in the background, then open the dialog over ``window``
    (``workspace`` None: the store is still opening)."""

    def read() -> TrustMaterial:
        from reviewer_app.services.signing_identity import trust_material

        if workspace is None:  # the store is still opening: the enrolled trust only
            return trust_material(paths)
        from reviewer_app.services.report_service import ReportService

        return ReportService(workspace, paths).trust_material()

    def show(trust: TrustMaterial) -> None:
        stored_hash = None
        if workspace is not None:
            from reviewer_app.services.report_service import expected_data_hash

            def stored_hash(report_id: str) -> str | None:
                return expected_data_hash(workspace, report_id)

        dialog = VerifyReportDialog(
            trust.roots, trust.crls, stored_hash=stored_hash, tasks=tasks, parent=window
        )
        dialog.setObjectName("verifyReportDialog")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        if not trust.roots:
            dialog.headline.setText(NO_TRUST_ROOT)
        dialog.open()

    return tasks.run(read, on_done=show, context=window)
