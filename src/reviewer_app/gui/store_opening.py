"""Opening the Workspace from the GUI, asking for a passphrase in a dialog when needed.

Start-up comes in two steps on the app's reader threads (``gui/tasks.py``). First a quick look
at the store (:mod:`reviewer_app.storage.quick_read`, sqlcipher3 alone) gives the window the
schools to show; then, once the window has painted them, the full Workspace opens (SQLModel,
SQLAlchemy, Alembic, pydantic: most of the start-up cost) and takes over.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, Signal, Slot

from reviewer_app.paths import AppPaths

if TYPE_CHECKING:
    # The dialog is imported when a passphrase is asked: most starts never need it.
    from reviewer_app.gui.dialogs.passphrase import PassphraseMode
    from reviewer_app.gui.tasks import TaskRunner
    from reviewer_app.services.workspace import BuiltInTrust, Workspace
    from reviewer_app.settings import Settings

log = logging.getLogger(__name__)

#: How many wrong passphrases in a row before Reviewer gives up (and says so).
ATTEMPTS = 5


#: Asks for a passphrase: (mode, store file, problem to show) -> passphrase, or None to cancel.
Ask = Callable[["PassphraseMode", Path, str], "str | None"]


def _ask_modal(mode: PassphraseMode, store_file: Path, problem: str) -> str | None:
    from reviewer_app.gui.dialogs.passphrase import ask_passphrase

    return ask_passphrase(mode, store_file, problem=problem)


def _remembered_first(ask: Ask, passphrase: str | None) -> Ask:
    """``ask``, except that the first question is answered with a passphrase already entered."""
    remembered = [passphrase] if passphrase else []

    def answer(mode: PassphraseMode, store_file: Path, problem: str) -> str | None:
        from reviewer_app.gui.dialogs.passphrase import PassphraseMode

        if remembered and mode is PassphraseMode.UNLOCK:
            return remembered.pop()
        return ask(mode, store_file, problem)

    return answer


def open_workspace(
    paths: AppPaths,
    *,
    demo: bool,
    ask: Ask = _ask_modal,
    passphrase: str | None = None,
    built_in: BuiltInTrust | None = None,
) -> Workspace | None:
    """Open the demo or the real store; ``None`` when the person cancels the passphrase.

    ``built_in`` is the trust that ships with the app to seed the store with (the demo's).

    A wrong passphrase asks again with the problem shown in the dialog. Other problems with the
    store raise its :class:`~reviewer_app.storage.errors.StoreError` for the caller to show.
    ``ask`` must run the dialog on the GUI thread (:class:`StoreOpener` arranges that).
    ``passphrase`` is one the person has already entered: it is tried first, without asking.
    """
    from reviewer_app.gui.dialogs.passphrase import PassphraseMode
    from reviewer_app.services.workspace import Workspace
    from reviewer_app.storage.errors import PassphraseRequiredError, WrongKeyError

    state = {"asked": False, "cancelled": False, "problem": ""}
    ask = _remembered_first(ask, passphrase)

    def prompt(store_file: Path, creating: bool) -> str:
        state["asked"] = True
        mode = PassphraseMode.CREATE if creating else PassphraseMode.UNLOCK
        answer = ask(mode, store_file, str(state["problem"]))
        if answer is None:
            state["cancelled"] = True
            return ""  # the store raises PassphraseRequiredError and changes nothing
        return answer

    for _attempt in range(ATTEMPTS):
        state["asked"] = False
        try:
            return Workspace.open(paths, demo=demo, passphrase=prompt, built_in=built_in)
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


class StoreOpener(QObject):
    """Opens the Workspace on a reader thread while the window is already on screen.

    Importing the storage libraries and opening the encrypted store is most of start-up; doing
    it off the GUI thread lets the window appear at once. Before that, the thread takes a quick,
    read-only look at the store (sqlcipher3 alone) and hands the window its schools
    (``first_look_read``); the full open then starts only once :meth:`proceed` is called (after
    the window has painted them), so its imports do not compete with the first paint for the
    GIL.
    A passphrase, when one is needed, is asked once, on the GUI thread (the worker waits).

    The person's settings are read on the same thread (they need pydantic, another slow import).

    Signals:
        first_look_read(FirstLook): the quick look found the store's schools (the full open
            follows; it alone decides whether the store opens).
        opened(Workspace, Settings): the store is open and the settings read.
        failed(BaseException): the store could not be opened (a ReviewerError says why).
        cancelled(): the person closed the passphrase dialog; nothing was opened.
    """

    first_look_read = Signal(object)
    opened = Signal(object, object)
    failed = Signal(object)
    cancelled = Signal()
    _ask_requested = Signal(object)

    def __init__(
        self,
        paths: AppPaths,
        settings_file: Path,
        *,
        demo: bool,
        tasks: TaskRunner,
        built_in: Callable[[], BuiltInTrust] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.paths = paths
        self.settings_file = settings_file
        self.demo = demo
        self.tasks = tasks
        #: Makes the trust to seed the store with (called on the opening thread: it imports).
        self.built_in = built_in
        self.workspace: Workspace | None = None
        self._look: Future[Any] | None = None
        self._full: Future[Any] | None = None
        self._passphrase: str | None = None
        self._looked = False
        self._go = False
        self._stopped = False
        self._ask_requested.connect(self._ask_on_gui_thread, Qt.ConnectionType.QueuedConnection)

    def start(self) -> None:
        """Take the quick look (the full open follows it, or :meth:`proceed` after it)."""
        self._look = self.tasks.run(
            self._first_look, on_done=self._first_look_done, on_failed=self.failed.emit, quiet=True
        )

    def proceed(self) -> None:
        """Let the full open go ahead (the first screen has been painted)."""
        self._go = True
        if self._looked:
            self._open_fully()

    def stop(self) -> None:
        """Begin no full open from now on (the app is closing)."""
        self._stopped = True

    def wait(self) -> Workspace | None:
        """Wait for the opening (at shutdown); the Workspace it opened, if any.

        A full open that has not begun yet is not begun at all.
        """
        self.stop()
        # Not concurrent.futures.wait: the reader threads' shutdown may have taken a queued
        # open off the queue, and that never returns for such a future.
        self.tasks.wait_for([f for f in (self._look, self._full) if f is not None])
        return self.workspace

    def _first_look_done(self, outcome: tuple[object, str | None]) -> None:
        looked, self._passphrase = outcome
        if looked is _CANCELLED:
            self.cancelled.emit()
            return
        self._looked = True
        if looked is None:
            self._open_fully()  # nothing to show first: open at once
            return
        self.first_look_read.emit(looked)
        if self._go:
            self._open_fully()

    def _open_fully(self) -> None:
        if self._full is not None or self._stopped:
            return
        self._full = self.tasks.run(
            self._open, on_done=self._opened, on_failed=self.failed.emit, quiet=True
        )

    def _open(self) -> tuple[Workspace | None, Settings]:
        from reviewer_app import settings as settings_store  # pydantic: after the first look

        settings = settings_store.load(self.settings_file)
        workspace = open_workspace(
            self.paths,
            demo=self.demo,
            ask=self._ask_from_worker,
            passphrase=self._passphrase,
            built_in=self.built_in() if self.built_in is not None else None,
        )
        self.workspace = workspace
        return workspace, settings

    def _opened(self, outcome: tuple[Workspace | None, Settings]) -> None:
        workspace, settings = outcome
        if workspace is None:
            self.cancelled.emit()
        else:
            self.opened.emit(workspace, settings)

    def _first_look(self) -> tuple[object, str | None]:
        """The quick look (or None), and the passphrase entered for it (if one was needed)."""
        from reviewer_app.storage import quick_read
        from reviewer_app.storage.keys import KeySource

        store = self.paths.demo_store_file if self.demo else self.paths.store_file
        passphrase = None
        if not self.demo and quick_read.key_source(store) is KeySource.PASSPHRASE:
            from reviewer_app.gui.dialogs.passphrase import PassphraseMode

            # Asked now rather than by the full open, which passes it on (asked once).
            passphrase = self._ask_from_worker(PassphraseMode.UNLOCK, store, "")
            if passphrase is None:
                log.info("Opening the store was cancelled at the passphrase")
                return _CANCELLED, None
        try:
            key = quick_read.quick_key(store, demo=self.demo, passphrase=passphrase)
            looked = quick_read.read_first_look(store, key) if key is not None else None
        except Exception:  # only a shortcut: the full open finds and reports any problem
            log.info("The quick look at the store failed", exc_info=True)
            looked = None
        return looked, passphrase

    def _ask_from_worker(self, mode: PassphraseMode, store_file: Path, problem: str) -> str | None:
        request: dict[str, Any] = {
            "mode": mode,
            "store_file": store_file,
            "problem": problem,
            "answer": None,
            "done": threading.Event(),
        }
        self._ask_requested.emit(request)
        request["done"].wait()
        answer: str | None = request["answer"]
        return answer

    @Slot(object)
    def _ask_on_gui_thread(self, request: dict[str, Any]) -> None:
        from reviewer_app.gui.dialogs.passphrase import ask_passphrase

        try:
            request["answer"] = ask_passphrase(
                request["mode"], request["store_file"], problem=request["problem"]
            )
        finally:
            request["done"].set()


#: The person cancelled the passphrase asked for the quick look.
_CANCELLED = object()
