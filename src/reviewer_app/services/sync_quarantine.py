"""Pulled records that cannot be applied, set aside so they never stop a sync (issue 14, item 3).

A record another laptop (a buggy or older one) sent, that this laptop cannot store (it does not
read as its kind, it refers to something this laptop does not hold), used to fail the whole
page and so every later sync of that review: one bad record blocked the whole team. Now the
page is applied change by change when it fails as a whole; a change that fails on its own is
kept here with where it came from (who, which laptop, when, its place in the server's log) and
why, the cursor moves past it, and everything else is applied.

Set-aside records live in the store's ``local_setting`` table under
``sync.quarantine.<review id>.<server_seq>`` (like pulled conflicts), so the list survives a
restart and is shown in the sync panel and by ``reviewer-app sync``.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass

from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from reviewer_app.domain.errors import ReviewerError
from reviewer_app.storage.local_settings import set_setting
from reviewer_app.storage.tables import LocalSettingRow, PersonRow
from reviewer_app.sync import protocol as wire

log = logging.getLogger(__name__)

QUARANTINE_PREFIX = "sync.quarantine."
#: What applying one record can fail with that is the record's fault, not the store's: a
#: record that does not read as its kind, or refers to something missing. Anything else (a
#: full disk, a locked store) still stops the sync, as before.
RECORD_FAULTS: tuple[type[BaseException], ...] = (
    ValueError,
    KeyError,
    TypeError,
    AttributeError,
    IndexError,
    ReviewerError,
    IntegrityError,
)
_MAX_REASON = 500


@dataclass(frozen=True, slots=True)
class SetAside:
    """One pulled record that was not applied, with its origin and the reason."""

    review_id: str
    server_seq: int
    kind: str
    entity: str
    entity_id: str
    author_id: str
    device_id: str
    device_time: str
    reason: str
    #: Whether the trust server has been told (``POST /reviews/{id}/set-aside``).
    reported: bool = False

    @property
    def description(self) -> str:
        """One line with the ids the trust admin needs to find the record (for copying)."""
        return (
            f"A {self.entity.replace('_', ' ')} ({self.kind}) from {self.author_id} on laptop "
            f"{self.device_id}, change {self.server_seq} of review {self.review_id}: {self.reason}"
        )

    def said(self, person_name: str | None, laptop_name: str | None) -> str:
        """One line for the person at the laptop: whose and which laptop by name (where this
        laptop knows them), never the internal ids."""
        whose = person_name or "another reviewer"
        where = laptop_name or "another laptop"
        what = self.entity.replace("_", " ")
        article = "An" if what[:1] in "aeiou" else "A"
        return f"{article} {what} from {whose} on {where}: {self.reason}"


@dataclass(frozen=True, slots=True)
class NamedSetAside:
    """A set-aside record with the names this laptop knows for its author and laptop."""

    entry: SetAside
    person_name: str | None
    laptop_name: str | None

    @property
    def line(self) -> str:
        """What the sync panel lists."""
        return self.entry.said(self.person_name, self.laptop_name)


def named(
    session: Session, entries: list[SetAside], own_device_id: str | None
) -> list[NamedSetAside]:
    """``entries`` with their authors' names from this laptop's people and, for a record that
    came from this laptop, "this laptop" (other laptops' names are the trust server's)."""
    authors = {e.author_id for e in entries}
    names = (
        dict(
            session.exec(
                select(PersonRow.id, PersonRow.name).where(col(PersonRow.id).in_(authors))
            ).all()
        )
        if authors
        else {}
    )
    return [
        NamedSetAside(
            entry=e,
            person_name=names.get(e.author_id),
            laptop_name="this laptop" if own_device_id and e.device_id == own_device_id else None,
        )
        for e in entries
    ]


def reason_of(exc: BaseException) -> str:
    """A sentence saying why a record could not be applied."""
    if isinstance(exc, ValidationError):
        first = exc.errors(include_url=False, include_input=False)[0]
        where = ".".join(str(part) for part in first["loc"]) or "the record"
        text = f"{exc.title} is not valid ({where}: {first['msg']})"
    elif isinstance(exc, ReviewerError):
        text = exc.message
    elif isinstance(exc, KeyError):
        text = f"the record has no {exc.args[0] if exc.args else 'required'} field"
    elif isinstance(exc, IntegrityError):
        text = "it refers to a record this laptop does not hold"
    else:
        text = str(exc) or type(exc).__name__
    text = " ".join(text.split())[: _MAX_REASON - 1]
    return text if text.endswith(".") else text + "."


def set_aside(
    session: Session, review_id: str, change: wire.Change, exc: BaseException
) -> SetAside:
    """Keep ``change`` aside with the reason ``exc`` gives (in the caller's transaction)."""
    entry = SetAside(
        review_id=review_id,
        server_seq=change.server_seq,
        kind=change.kind.value,
        entity=change.entity.value,
        entity_id=change.entity_id,
        author_id=change.author_id,
        device_id=change.device_id,
        device_time=change.device_time.isoformat(),
        reason=reason_of(exc),
    )
    key = f"{QUARANTINE_PREFIX}{review_id}.{change.server_seq:020d}"
    set_setting(session, key, json.dumps(asdict(entry), sort_keys=True))
    log.info(
        "Change %d of review %s (%s %s) set aside: %s",
        change.server_seq,
        review_id,
        change.kind.value,
        change.entity.value,
        type(exc).__name__,
    )
    return entry


def set_aside_records(session: Session, review_id: str | None = None) -> list[SetAside]:
    """Every record set aside (of one review, or all), in the order the server logged them."""
    prefix = QUARANTINE_PREFIX + (f"{review_id}." if review_id else "")
    rows = session.exec(
        select(LocalSettingRow).where(col(LocalSettingRow.key).startswith(prefix))
    ).all()
    entries = [SetAside(**json.loads(row.value)) for row in rows]
    return sorted(entries, key=lambda e: (e.review_id, e.server_seq))


def mark_reported(session: Session, entries: list[SetAside]) -> None:
    """Remember that the server was told of ``entries``."""
    for entry in entries:
        key = f"{QUARANTINE_PREFIX}{entry.review_id}.{entry.server_seq:020d}"
        told = SetAside(**{**asdict(entry), "reported": True})
        set_setting(session, key, json.dumps(asdict(told), sort_keys=True))
