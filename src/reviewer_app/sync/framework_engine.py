"""The framework-library stage of a sync session (last, after reviews and categories).

The handshake carries a digest of the trust's framework library as this laptop receives it;
when it differs from the one the laptop holds, the laptop fetches the library whole (one
request; a trust's documents are few) and hands it to the store, which checks every document
again and keeps those that pass with the new digest in one transaction. With the digest the
same, the stage sends nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from reviewer_app.sync.library_protocol import FrameworkLibraryPage
from reviewer_app.sync.session_types import SyncProgress, SyncResult

if TYPE_CHECKING:
    from reviewer_app.sync.client import SyncClient
    from reviewer_app.sync.protocol import HandshakeResponse


@dataclass(frozen=True, slots=True)
class LibraryOutcome:
    """What the store did with a fetched library."""

    received: int
    refused: tuple[str, ...]


class LibraryPort(Protocol):
    """What the stage needs of the local store."""

    def library_digest(self) -> str:
        """The digest of the library this laptop holds ("" when none)."""
        ...

    def apply_library(self, page: FrameworkLibraryPage) -> LibraryOutcome:
        """Check and keep the library (and its digest) in one transaction."""
        ...


def sync_framework_library(
    port: LibraryPort,
    client: SyncClient,
    handshake: HandshakeResponse,
    result: SyncResult,
    progress: Callable[..., None],
) -> None:
    """Fetch the trust's framework library when it changed, and keep what passes the checker."""
    if handshake.framework_library == port.library_digest():
        return
    progress(SyncProgress("pull", 0, 1, "frameworks"))
    page = client.framework_library()
    outcome = port.apply_library(page)
    result.frameworks_received += outcome.received
    result.frameworks_refused.extend(outcome.refused)
