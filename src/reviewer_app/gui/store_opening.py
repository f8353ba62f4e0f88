"""Opening the Workspace from the GUI: the passphrase, when the store needs one, comes from a dialog."""

from __future__ import annotations

from typing import TYPE_CHECKING

from reviewer_app.gui.dialogs.passphrase import PassphraseMode, ask_passphrase
from reviewer_app.paths import AppPaths

if TYPE_CHECKING:
    from reviewer_app.services.workspace import Workspace


class PassphraseCancelledError(Exception):
    """The person closed the passphrase dialog: nothing is opened."""


def open_workspace(paths: AppPaths, *, demo: bool) -> Workspace | None:
    """Open the demo or the real store; ``None`` when the person cancels the passphrase."""
    from reviewer_app.services.workspace import Workspace

    store_file = paths.demo_store_file if demo else paths.store_file

    def passphrase(creating: bool) -> str:
        mode = PassphraseMode.CREATE if creating else PassphraseMode.UNLOCK
        answer = ask_passphrase(mode, store_file)
        if answer is None:
            raise PassphraseCancelledError
        return answer

    try:
        return Workspace.open(paths, demo=demo, passphrase=passphrase)
    except PassphraseCancelledError:
        return None
