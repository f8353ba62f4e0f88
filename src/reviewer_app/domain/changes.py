"""What changed in a review: the notice every write and every pull publishes.

A write on this laptop (``services.review_records``) and a page of changes pulled from the
trust server (``services.sync_apply``) each say which review changed, which kinds of record,
which records and which shared fields, and who made the change. Screens that show a review
listen (``gui.change_bridge``) and redraw only what the notice names, after Anki's
``OpChanges``; a notice carries ids, never the records themselves, so a listener reads what it
needs from the store.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from reviewer_app.domain.record_kinds import Entity


class ChangeOrigin(StrEnum):
    """Where a change was made."""

    #: Written on this laptop (by the person using it).
    LOCAL = "local"
    #: Pulled from the trust server: another laptop's change, or the server's decision.
    PULLED = "pulled"


@dataclass(frozen=True, slots=True)
class ReviewChanges:
    """One write's or one pulled page's changes to one review."""

    review_id: str
    origin: ChangeOrigin
    kinds: frozenset[Entity] = frozenset()
    record_ids: frozenset[str] = frozenset()
    #: Shared fields whose value changed (``Entity.FIELD_VALUE``), by stored field id.
    fields: frozenset[str] = frozenset()
    #: The people whose change this is.
    author_ids: frozenset[str] = frozenset()

    @property
    def pulled(self) -> bool:
        return self.origin is ChangeOrigin.PULLED

    def touches(self, *kinds: Entity) -> bool:
        """True when a record of any of ``kinds`` changed."""
        return any(kind in self.kinds for kind in kinds)

    @classmethod
    def of(
        cls,
        review_id: str,
        origin: ChangeOrigin,
        kind: Entity,
        *,
        record_id: str | None = None,
        field: str | None = None,
        author_id: str | None = None,
    ) -> ReviewChanges:
        """The notice of one record's change."""
        return cls(
            review_id=review_id,
            origin=origin,
            kinds=frozenset({kind}),
            record_ids=frozenset({record_id} if record_id else ()),
            fields=frozenset({field} if field else ()),
            author_ids=frozenset({author_id} if author_id else ()),
        )


@dataclass(slots=True)
class ChangeCollector:
    """Gathers the changes of one pulled page, review by review."""

    origin: ChangeOrigin
    _kinds: dict[str, set[Entity]] = field(default_factory=dict)
    _records: dict[str, set[str]] = field(default_factory=dict)
    _fields: dict[str, set[str]] = field(default_factory=dict)
    _authors: dict[str, set[str]] = field(default_factory=dict)

    def add(
        self,
        review_id: str,
        kind: Entity,
        record_id: str,
        *,
        field: str | None = None,
        author_id: str | None = None,
    ) -> None:
        self._kinds.setdefault(review_id, set()).add(kind)
        self._records.setdefault(review_id, set()).add(record_id)
        if field and kind is Entity.FIELD_VALUE:
            self._fields.setdefault(review_id, set()).add(field)
        if author_id:
            self._authors.setdefault(review_id, set()).add(author_id)

    def collected(self) -> Iterable[ReviewChanges]:
        for review_id, kinds in self._kinds.items():
            yield ReviewChanges(
                review_id=review_id,
                origin=self.origin,
                kinds=frozenset(kinds),
                record_ids=frozenset(self._records.get(review_id, ())),
                fields=frozenset(self._fields.get(review_id, ())),
                author_ids=frozenset(self._authors.get(review_id, ())),
            )
