"""Rate limits shared by the server's endpoints (console sign-in today; the sync API may use it).

A thin wrapper over the ``limits`` library's moving-window limiter with in-process memory
storage: one server process answers a trust, so counts need not be shared between processes.
Keys are any strings (a client address, an email, a device id).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from limits import RateLimitItemPerSecond
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter


@dataclass(frozen=True, slots=True)
class Verdict:
    """Whether a request may go ahead, and if not, how many seconds until it may."""

    allowed: bool
    retry_after: int = 0


class RateLimit:
    """At most ``amount`` hits per ``seconds`` for each key (a moving window)."""

    def __init__(self, name: str, amount: int, seconds: int) -> None:
        self._item = RateLimitItemPerSecond(amount, seconds, namespace=name)
        self._limiter = MovingWindowRateLimiter(MemoryStorage())

    def hit(self, key: str) -> Verdict:
        """Count one hit for ``key``; refused (and not counted) once the window is full."""
        if self._limiter.hit(self._item, key):
            return Verdict(allowed=True)
        reset = self._limiter.get_window_stats(self._item, key).reset_time
        return Verdict(allowed=False, retry_after=max(1, int(reset - time.time() + 0.999)))

    def clear(self, key: str) -> None:
        """Forget ``key``'s hits (after a successful sign-in, say)."""
        self._limiter.clear(self._item, key)
