"""Which reviews wait for the signature of the person using this laptop ("your turn to sign").

The visit list marks those visits and the status bar counts them. The rules are the sign-off's
own (:func:`report_service.signed_so_far`, :func:`reports.document.next_to_sign`): a review
ready for sign-off waits for the person when they may sign one of its reports now, in the
framework's order (or, where peers sign in any order, whenever a peer's signature is still
missing). Only what this laptop holds counts: a signature made elsewhere shows once it has
arrived by sync.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Collection, Mapping

from sqlmodel import col, select

from reviewer_app.domain.errors import ReviewerError
from reviewer_app.domain.frameworks import Framework
from reviewer_app.domain.organisation import Person
from reviewer_app.domain.review import ReviewState
from reviewer_app.domain.visits import Visit
from reviewer_app.reports.document import next_to_sign
from reviewer_app.reports.signing import same_person
from reviewer_app.services.report_builder import sign_off_slots
from reviewer_app.services.report_service import signed_so_far
from reviewer_app.services.workspace import Workspace
from reviewer_app.storage.signed_report_repository import (
    SignedReportRepository,
    SignedReportVersion,
)
from reviewer_app.storage.tables import ReviewRow
from reviewer_app.storage.visit_repository import VisitRepository

log = logging.getLogger(__name__)


def waiting_for_my_signature(
    workspace: Workspace, visit_ids: Collection[str] | None = None
) -> set[str]:
    """The visits (of ``visit_ids``, else every visit here) whose report waits for the
    signature of the person using this laptop now."""
    me = workspace.current_person
    people = {person.id: person for person in workspace.list_people()}
    waiting: set[str] = set()
    with workspace.store.reading() as session:
        query = select(ReviewRow).where(ReviewRow.state == ReviewState.READY_FOR_SIGN_OFF.value)
        if visit_ids is not None:
            query = query.where(col(ReviewRow.visit_id).in_(list(visit_ids)))
        rows = session.exec(query).all()
        visits = VisitRepository(session)
        signed = SignedReportRepository(session)
        for row in rows:
            visit = visits.get_visit(row.visit_id)
            if visit is None or not row.framework_snapshot:
                continue  # not frozen here yet: its sign-off is not known on this laptop
            if not visit.is_team_member(me.id):
                continue
            try:
                framework = Framework.from_snapshot(json.loads(row.framework_snapshot))
                if _my_turn(framework, visit, people, signed.versions(row.id), me):
                    waiting.add(visit.id)
            except (ReviewerError, ValueError) as exc:
                log.info("sign-off of review %s not read: %s", row.id, type(exc).__name__)
    return waiting


def _my_turn(
    framework: Framework,
    visit: Visit,
    people: Mapping[str, Person],
    versions: list[SignedReportVersion],
    me: Person,
) -> bool:
    slots = sign_off_slots(framework, visit, people)
    by_audience: dict[str, list[SignedReportVersion]] = {}
    for version in versions:
        by_audience.setdefault(version.audience, []).append(version)
    # Every audience carries the same sign-off; one not signed at all starts from nothing.
    chains = list(by_audience.values()) or [[]]
    for chain in chains:
        if chain and chain[-1].complete:
            continue
        now = next_to_sign(slots, signed_so_far(slots, chain))
        if any(same_person(slot.person_name, me.name) for slot in now):
            return True
    return False
