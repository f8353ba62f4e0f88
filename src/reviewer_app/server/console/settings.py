"""How the console is set up for one server: its public address and the demo's sign-in."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class DemoAccount:
    """A demo sign-in shown on the sign-in page (only when the server runs ``--demo``)."""

    label: str
    email: str
    password: str
    #: The demo's authenticator secret: the second-factor page shows its current code.
    totp_secret: str | None = None


@dataclass(slots=True)
class DemoSigning:
    """How far the demo server's signing of its reports has come (``server/demo_reports.py``),
    so the Signed reports page can say the demo's reports are still arriving."""

    #: The demo's signed reviews whose reports the server holds, of all of them.
    done: int = 0
    total: int = 0
    finished: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def progress(self, done: int, total: int, *, finished: bool = False) -> None:
        with self._lock:
            self.done, self.total, self.finished = done, total, finished

    @property
    def under_way(self) -> bool:
        return not self.finished


@dataclass(frozen=True, slots=True)
class ConsoleSettings:
    """``public_url``: the address people reach the server at (for enrolment links and QR
    codes); None takes it from each request (which honours a proxy's forwarded headers)."""

    public_url: str | None = None
    demo_accounts: tuple[DemoAccount, ...] = field(default_factory=tuple)
    #: The demo's reports being signed in the background (demo only).
    demo_signing: DemoSigning | None = None

    @property
    def demo(self) -> bool:
        return bool(self.demo_accounts)
