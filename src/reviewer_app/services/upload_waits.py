"""Files that could not be uploaded yet, and why (issue 14, item 5: uploads never hammer).

When the trust server refuses a file (a limit, or an upload that kept failing after the
client's bounded retries), the sync goes on without it and the file waits here with the
reason. It is tried again after a pause that doubles with each failure (one minute up to an
hour, or the server's own ``Retry-After``), not at every sync; the changes that refer to it
wait on the laptop meanwhile (the server answers them ``retry``). The status bar says how many
files wait and, for each, its name and the reason.

Kept as one JSON setting in the encrypted store: a handful of entries at most, read whole.

The trust server's limits, as its last handshake said them, are kept too
(:func:`remember_limits`), so a file that would take a review past the server's total for one
review is refused when it is attached, with a sentence, rather than waiting for ever.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from reviewer_app.domain.record_kinds import Entity, OpKind
from reviewer_app.storage.local_settings import delete_setting, get_setting, set_setting
from reviewer_app.storage.outbox import OpState
from reviewer_app.storage.tables import OutboxRow
from reviewer_app.sync.protocol import SyncLimits

FILES_WAITING = "sync.files_waiting"
#: The server's ``SyncLimits`` as JSON (from the last handshake).
SERVER_LIMITS = "sync.server_limits"
#: The first pause after a failure, and the longest.
FIRST_PAUSE = timedelta(minutes=1)
LONGEST_PAUSE = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class WaitingFile:
    """A file that waits to be uploaded: its name on this laptop, why, and until when."""

    sha256: str
    name: str
    reason: str
    failures: int
    next_try: datetime

    @property
    def description(self) -> str:
        """One line for the list the status bar opens."""
        reason = self.reason.rstrip(".")
        return f"{self.name}: {reason} (tried again after {self.next_try:%H:%M})"


def _now() -> datetime:
    return datetime.now().astimezone()


def _read(session: Session) -> dict[str, dict[str, object]]:
    text = get_setting(session, FILES_WAITING)
    try:
        entries = json.loads(text) if text else {}
    except ValueError:
        return {}
    return entries if isinstance(entries, dict) else {}


def record_failure(
    session: Session, sha256: str, reason: str, retry_after: int | None = None
) -> WaitingFile:
    """Note that ``sha256`` failed again; it waits twice as long as last time (or as asked)."""
    entries = _read(session)
    before = entries.get(sha256, {})
    failures = int(str(before.get("failures", 0))) + 1
    pause = (
        timedelta(seconds=retry_after)
        if retry_after is not None
        else min(FIRST_PAUSE * 2 ** (failures - 1), LONGEST_PAUSE)
    )
    next_try = _now() + pause
    entries[sha256] = {"reason": reason, "failures": failures, "next_try": next_try.isoformat()}
    set_setting(session, FILES_WAITING, json.dumps(entries, sort_keys=True))
    return WaitingFile(sha256, _names(session).get(sha256, "A file"), reason, failures, next_try)


def record_sent(session: Session, sha256: str) -> None:
    """The server holds ``sha256``: it waits no more."""
    entries = _read(session)
    if entries.pop(sha256, None) is None:
        return
    if entries:
        set_setting(session, FILES_WAITING, json.dumps(entries, sort_keys=True))
    else:
        delete_setting(session, FILES_WAITING)


def resting(session: Session, now: datetime | None = None) -> set[str]:
    """Files whose pause has not ended: left out of this sync's uploads."""
    now = now or _now()
    return {
        sha
        for sha, entry in _read(session).items()
        if datetime.fromisoformat(str(entry.get("next_try"))) > now
    }


def waiting_files(session: Session) -> list[WaitingFile]:
    """Every file that waits and that a pending change still needs, oldest failure first."""
    names = _names(session)
    found = []
    for sha, entry in _read(session).items():
        if sha not in names:
            continue  # no pending change needs it any more (withdrawn, or sent another way)
        found.append(
            WaitingFile(
                sha256=sha,
                name=names[sha],
                reason=str(entry.get("reason", "")),
                failures=int(str(entry.get("failures", 1))),
                next_try=datetime.fromisoformat(str(entry.get("next_try"))),
            )
        )
    return sorted(found, key=lambda f: f.next_try)


def _names(session: Session) -> dict[str, str]:
    """The file name of each file a pending change refers to, by SHA-256."""
    payloads = session.exec(
        select(OutboxRow.payload).where(
            OutboxRow.state == OpState.PENDING.value,
            col(OutboxRow.entity).in_((Entity.ATTACHMENT.value, Entity.SIGNED_REPORT.value)),
            OutboxRow.kind == OpKind.APPEND.value,
        )
    ).all()
    names: dict[str, str] = {}
    for payload in payloads:
        record = json.loads(payload)
        sha = record.get("sha256")
        if isinstance(sha, str):
            names[sha] = str(record.get("filename") or "A signed report")
    return names


def remember_limits(session: Session, limits: SyncLimits) -> None:
    """Keep what the trust server accepts (every sync)."""
    set_setting(session, SERVER_LIMITS, limits.model_dump_json())


def review_file_limit(session: Session) -> int | None:
    """Bytes of files the trust server keeps for one review (``None`` before any sync)."""
    text = get_setting(session, SERVER_LIMITS)
    if not text:
        return None
    try:
        return SyncLimits.model_validate_json(text).max_review_file_bytes
    except ValueError:
        return None
