"""The meetings (a CEO 1:1, a progress meeting, a Rapid Improvement Board) held with this laptop's
schools, as the trust console recorded them: the last of each kind per school, received at each
sync (``HandshakeResponse.meetings``) and kept as one local setting, like the colleagues.

With them the laptop counts a meeting towards a school's support cadence as the console's Cadence
board does (:func:`~reviewer_app.domain.school_category.support_due`, the one rule both use).
Without them (never synced, or a server that does not send them) the laptop cannot tell whether a
meeting is overdue, and says so.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session

from reviewer_app.storage.local_settings import get_setting, set_setting

#: ``local_setting`` key of the meetings the last handshake named (JSON, see :func:`store`).
MEETINGS_HELD = "sync.meetings_held"


@dataclass(frozen=True, slots=True)
class MeetingsHeld:
    """As the trust server had them on ``as_of``: school id -> meeting kind -> days held."""

    as_of: date
    by_school: dict[str, dict[str, list[date]]] = field(default_factory=dict)

    def of(self, school_id: str) -> dict[str, list[date]]:
        return self.by_school.get(school_id, {})


def store(session: Session, as_of: date, held: Iterable[tuple[str, str, date]]) -> None:
    """Keep (school id, meeting kind, day) entries as the server's answer of ``as_of``,
    replacing what the previous sync brought (a note deleted there goes here too)."""
    by_school: dict[str, dict[str, list[str]]] = {}
    for school_id, activity, day in held:
        by_school.setdefault(school_id, {}).setdefault(activity, []).append(day.isoformat())
    set_setting(
        session,
        MEETINGS_HELD,
        json.dumps({"as_of": as_of.isoformat(), "schools": by_school}, sort_keys=True),
    )


def stored(session: Session) -> MeetingsHeld | None:
    """The meetings the last sync brought, or None when no sync has brought any word of them."""
    text = get_setting(session, MEETINGS_HELD)
    if not text:
        return None
    data = json.loads(text)
    return MeetingsHeld(
        as_of=date.fromisoformat(data["as_of"]),
        by_school={
            school_id: {a: [date.fromisoformat(d) for d in days] for a, days in kinds.items()}
            for school_id, kinds in data["schools"].items()
        },
    )
