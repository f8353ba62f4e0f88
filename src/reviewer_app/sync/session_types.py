"""What one sync session reports: its progress, its result, and the callbacks it takes.

They live apart from :mod:`.engine` so the stage engines (visits, categories, the framework
library, the shared batch push) can use them without importing the engine that imports them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from reviewer_app.sync.protocol import (
    AppRelease,
    LaptopPolicy,
    OpResult,
    ResultStatus,
    SyncLimits,
    TrustPublication,
)


class SyncCancelledError(Exception):
    """Raised inside :func:`run` when ``cancel()`` answers True; work done so far is kept."""


@dataclass(frozen=True, slots=True)
class SyncProgress:
    """Where a session is: ``stage`` is handshake, blobs, push, pull or done."""

    stage: str
    done: int = 0
    total: int = 0
    detail: str = ""


@dataclass(slots=True)
class SyncResult:
    """What one session did. ``open_conflicts`` are the server's open conflict ids seen."""

    round_trips: int = 0
    blobs_uploaded: int = 0
    blobs_skipped: int = 0
    pushed: int = 0
    accepted: int = 0
    conflicts: int = 0
    rejected: int = 0
    retry_later: int = 0
    pulled: int = 0
    blobs_downloaded: int = 0
    cancelled: bool = False
    server_time: datetime | None = None
    open_conflicts: set[str] = field(default_factory=set)
    rejections: list[OpResult] = field(default_factory=list)
    #: Visits planned here that the server refused in this session: (visit id, its reason).
    refused_visits: list[tuple[str, str]] = field(default_factory=list)
    #: The app version the trust rolls out, as the handshake published it.
    app_release: AppRelease | None = None
    #: The trust's rules for its laptops (idle lock), as the handshake published them.
    laptop_policy: LaptopPolicy | None = None
    #: The trust root and revocation list the server published in the handshake.
    trust: TrustPublication | None = None
    #: What the server accepts (sizes, counts), as the handshake said.
    limits: SyncLimits | None = None
    #: The trust's framework documents taken into use, and those refused (with the reason).
    frameworks_received: int = 0
    frameworks_refused: list[str] = field(default_factory=list)
    #: Pulled records this laptop could not apply and set aside (the rest applied).
    set_aside: int = 0
    #: Signed reports received that failed this laptop's check, even after the trust root and
    #: revocation list were refreshed (the Sign report dialog says why).
    signed_reports_not_kept: int = 0
    #: Files that could not be uploaded this time: (SHA-256, the reason); they wait.
    files_waiting: list[tuple[str, str]] = field(default_factory=list)
    #: Signatures made offline that received the trust's document timestamp in this session.
    time_stamped: int = 0

    @property
    def nothing_to_do(self) -> bool:
        return (
            self.pushed == 0
            and self.pulled == 0
            and self.frameworks_received == 0
            and not self.frameworks_refused
        )

    def count(self, results: Sequence[OpResult]) -> None:
        """Count the server's answers to one pushed batch (of any kind of operation)."""
        self.pushed += len(results)
        for answer in results:
            if answer.status is ResultStatus.ACCEPTED:
                self.accepted += 1
            elif answer.status is ResultStatus.CONFLICT:
                self.conflicts += 1
                if answer.conflict_id:
                    self.open_conflicts.add(answer.conflict_id)
            elif answer.status is ResultStatus.REJECTED:
                self.rejected += 1
                self.rejections.append(answer)
            else:
                self.retry_later += 1


ProgressCallback = Callable[[SyncProgress], None]
CancelCheck = Callable[[], bool]
