"""Opening the Workspace from the GUI, asking for a passphrase in a dialog when needed."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from reviewer_app.gui.dialogs.passphrase import PassphraseMode, ask_passphrase
from reviewer_app.paths import AppPaths

if TYPE_CHECKING:
    from reviewer_app.services.workspace import Workspace

log = logging.getLogger(__name__)

#: How many wrong passphrases in a row before Reviewer gives up (and says so).
ATTEMPTS = 5


def open_workspace(paths: AppPaths, *, demo: bool) -> Workspace | None:
    """Open the demo or the real store; ``None`` when the person cancels the passphrase.

    A wrong passphrase asks again with the problem shown in the dialog. Other problems with the
    store raise its :class:`~reviewer_app.storage.errors.StoreError` for the caller to show.
    """
    from reviewer_app.services.workspace import Workspace
    from reviewer_app.storage.errors import PassphraseRequiredError, WrongKeyError

    state = {"asked": False, "cancelled": False, "problem": ""}

    def prompt(store_file: Path, creating: bool) -> str:
        state["asked"] = True
        mode = PassphraseMode.CREATE if creating else PassphraseMode.UNLOCK
        answer = ask_passphrase(mode, store_file, problem=str(state["problem"]))
        if answer is None:
            state["cancelled"] = True
            return ""  # the store raises PassphraseRequiredError and changes nothing
        return answer

    for _attempt in range(ATTEMPTS):
        state["asked"] = False
        try:
            return Workspace.open(paths, demo=demo, passphrase=prompt)
        except PassphraseRequiredError:
            if state["cancelled"]:
                log.info("Opening the store was cancelled at the passphrase")
                return None
            raise
        except WrongKeyError:
            if not state["asked"]:
                raise
            log.info("A wrong passphrase was given for the store")
            state["problem"] = (
                "That passphrase does not open your reviews. Check Caps Lock and try again."
            )
    raise WrongKeyError(
        paths.store_file,
        f"The passphrase was wrong {ATTEMPTS} times, so Reviewer closed.",
        hint="Start Reviewer again to try once more.",
    )
