"""Screen privacy on a laptop used in staffrooms and corridors: idle lock and hidden detail.

* **Idle lock**: after a period with no key press, click or wheel (the trust sets it, ten minutes
  unless it says otherwise), every Reviewer window is covered and a lock dialog asks for the
  store's passphrase; a store whose key is in the operating system's keyring is unlocked by
  fetching the key from the keyring again (the operating system asks for its own unlock when its
  keyring is locked). Nothing being typed is lost: the windows stay as they were underneath.
* **Hide restricted content** (Ctrl+Shift+H, View menu): safeguarding detail (a framework,
  section or criterion for safeguarding roles, and the evidence beside it) is covered at once in
  every open review, until the switch is pressed again.

The clock is injected (``clock() -> seconds``, monotonic), so a GUI test moves time on instead of
waiting ten minutes.

Signals (:class:`ScreenPrivacy`):
    locked(): the idle lock engaged.
    unlocked(): the right passphrase (or keyring) unlocked the app.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from reviewer_app.gui.screen_fit import fit_window

log = logging.getLogger(__name__)

#: Minutes without input before the lock engages, unless the trust sets another period.
DEFAULT_IDLE_MINUTES = 10
#: How often the idle time is looked at (seconds of the real timer, not of the clock).
CHECK_EVERY_MS = 5_000
HIDE_SHORTCUT = "Ctrl+Shift+H"
#: The unlock dialog's width (pixels): room for its sentence on three or four lines.
UNLOCK_DIALOG_WIDTH = 420

_INPUT_EVENTS = frozenset({
    QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.Wheel,
    QEvent.Type.TouchBegin, QEvent.Type.TabletPress,
})  # fmt: skip


class Cover(QWidget):
    """An opaque panel over ``target`` (kept to its size) that hides what it shows."""

    def __init__(self, target: QWidget, text: str) -> None:
        super().__init__(target)
        self.setObjectName("privacyCover")
        self.setAutoFillBackground(True)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        layout = QVBoxLayout(self)
        self.label = QLabel(text)
        self.label.setObjectName("privacyCoverText")
        self.label.setWordWrap(True)
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.label)
        target.installEventFilter(self)
        self.setGeometry(target.rect())
        self.hide()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and isinstance(watched, QWidget):
            self.setGeometry(watched.rect())
        return False

    def cover(self, on: bool) -> None:
        self.setVisible(on)
        if on:
            self.raise_()


class UnlockDialog(QDialog):
    """Asks for the store's passphrase (or the keyring) until the app is unlocked."""

    def __init__(self, privacy: ScreenPrivacy, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.privacy = privacy
        self.setObjectName("unlockDialog")
        self.setWindowTitle("Reviewer is locked")
        self.setModal(True)
        layout = QVBoxLayout(self)
        asks = privacy.unlock_asks_passphrase
        intro = QLabel(
            "Reviewer locked itself because it was not used for a while. "
            + (
                "Enter the store's passphrase to carry on."
                if asks
                else "Unlock it to carry on (your computer may ask for its password)."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.passphrase = QLineEdit()
        self.passphrase.setObjectName("unlockPassphrase")
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setAccessibleName("Store passphrase")
        self.passphrase.setVisible(asks)
        layout.addWidget(self.passphrase)
        self.problem = QLabel("")
        self.problem.setObjectName("unlockProblem")
        self.problem.setProperty("role", "error")
        self.problem.setWordWrap(True)
        layout.addWidget(self.problem)
        buttons = QDialogButtonBox()
        self.unlock_button = buttons.addButton("Unlock", QDialogButtonBox.ButtonRole.AcceptRole)
        self.unlock_button.setDefault(True)
        buttons.accepted.connect(self.try_unlock)
        layout.addWidget(buttons)
        self.intro = intro
        # Sized from its content first: fitting the unlaid-out dialog made it a sliver that cut
        # the sentence off.
        self.setMinimumWidth(UNLOCK_DIALOG_WIDTH)
        self.adjustSize()
        fit_window(self, "unlockDialog")

    def try_unlock(self) -> None:
        if self.privacy.unlock(self.passphrase.text() if self.passphrase.isVisible() else None):
            self.passphrase.clear()
            self.accept()
            return
        self.passphrase.clear()
        self.problem.setText(
            "That passphrase does not open the store. Check it (capitals count) and try again."
            if self.privacy.unlock_asks_passphrase
            else "The store's key could not be read from this computer's keyring. Try again."
        )

    def reject(self) -> None:
        """Escape and the close button do not unlock."""

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.privacy.is_locked:
            event.ignore()
        else:
            super().closeEvent(event)


class ScreenPrivacy(QObject):
    """Idle lock and the "hide restricted content" switch for one main window and the review
    windows it opens. See the module's description."""

    locked = Signal()
    unlocked = Signal()

    def __init__(
        self,
        window: QWidget,
        *,
        check_unlock: Callable[[str | None], bool],
        unlock_asks_passphrase: bool,
        idle_minutes: float = DEFAULT_IDLE_MINUTES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.clock = clock
        self.idle_minutes = idle_minutes
        self.unlock_asks_passphrase = unlock_asks_passphrase
        self._check_unlock = check_unlock
        self.last_input = clock()
        self.is_locked = False
        self.restricted_hidden = False
        self.dialog: UnlockDialog | None = None
        self._lock_covers: list[Cover] = []
        self._restricted: list[Cover] = []
        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_EVERY_MS)
        self.timer.timeout.connect(self.check_idle)
        self.timer.start()
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self.hide_action = QAction("Hide restricted content", window)
        self.hide_action.setObjectName("hideRestrictedAction")
        self.hide_action.setCheckable(True)
        self.hide_action.setShortcut(QKeySequence(HIDE_SHORTCUT))
        self.hide_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        self.hide_action.setStatusTip(
            "Cover safeguarding detail on screen at once (press again to show it)"
        )
        self.hide_action.toggled.connect(self.hide_restricted)
        window.addAction(self.hide_action)

    # ------------------------------------------------------------------ idle lock

    def set_idle_minutes(self, minutes: float) -> None:
        """The trust's period (from sync); zero or less keeps the default."""
        self.idle_minutes = minutes if minutes > 0 else DEFAULT_IDLE_MINUTES

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _INPUT_EVENTS and not self.is_locked:
            self.last_input = self.clock()
        return False

    def check_idle(self) -> None:
        """Lock when the period has passed since the last input (the timer calls this)."""
        if not self.is_locked and self.clock() - self.last_input >= self.idle_minutes * 60:
            self.lock()

    def lock(self) -> None:
        """Cover every window and ask to unlock."""
        if self.is_locked:
            return
        self.is_locked = True
        log.info("idle lock engaged after %s minute(s)", self.idle_minutes)
        for top in self._windows():
            cover = Cover(top, "Reviewer is locked.")
            cover.cover(True)
            self._lock_covers.append(cover)
        self.locked.emit()
        self.dialog = UnlockDialog(self, self.window)
        self.dialog.show()
        self.dialog.passphrase.setFocus()

    def unlock(self, passphrase: str | None) -> bool:
        """Uncover the windows when ``passphrase`` (or the keyring) opens the store."""
        try:
            opened = self._check_unlock(passphrase)
        except Exception:  # a keyring that fails: stay locked, say so in the dialog
            log.warning("unlocking failed", exc_info=True)
            opened = False
        if not opened:
            log.info("an unlock attempt was refused")
            return False
        self.is_locked = False
        self.last_input = self.clock()
        for cover in self._lock_covers:
            cover.deleteLater()
        self._lock_covers.clear()
        self.unlocked.emit()
        return True

    def _windows(self) -> list[QWidget]:
        tops = [self.window]
        tops += [
            w
            for w in self.window.findChildren(QWidget)
            if w.isWindow() and w.isVisible() and not isinstance(w, QDialog)
        ]
        return tops

    # ------------------------------------------------------------------ restricted detail

    def cover_restricted(self, widget: QWidget) -> Cover:
        """Register ``widget`` as showing safeguarding detail: covered while the switch is on."""
        cover = Cover(
            widget,
            "Restricted safeguarding detail is hidden. Press Ctrl+Shift+H to show it.",
        )
        cover.setObjectName("restrictedCover")
        self._restricted = [c for c in self._restricted if _alive(c)]
        self._restricted.append(cover)
        cover.cover(self.restricted_hidden)
        return cover

    def hide_restricted(self, on: bool) -> None:
        """Cover (``True``) or show every registered part with safeguarding detail."""
        self.restricted_hidden = on
        if self.hide_action.isChecked() != on:
            self.hide_action.setChecked(on)
        self._restricted = [c for c in self._restricted if _alive(c)]
        for cover in self._restricted:
            cover.cover(on)


def _alive(widget: QWidget) -> bool:
    from shiboken6 import isValid

    return bool(isValid(widget))
