"""How the console is set up for one server: its public address and the demo's sign-in."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class DemoAccount:
    """A demo sign-in shown on the sign-in page (only when the server runs ``--demo``)."""

    label: str
    email: str
    password: str
    #: The demo's authenticator secret: the second-factor page shows its current code.
    totp_secret: str | None = None


@dataclass(frozen=True, slots=True)
class ConsoleSettings:
    """``public_url``: the address people reach the server at (for enrolment links and QR
    codes); None takes it from each request (which honours a proxy's forwarded headers)."""

    public_url: str | None = None
    demo_accounts: tuple[DemoAccount, ...] = field(default_factory=tuple)

    @property
    def demo(self) -> bool:
        return bool(self.demo_accounts)
