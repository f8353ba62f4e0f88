"""What a handshake says of the trust's organisation, kept on the laptop: the trust's name, the
schools the person may plan visits for, the people of the laptop's schools, and the last
meetings held with the schools the person sees (for their support cadence)."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import replace

from sqlmodel import Session

from reviewer_app.domain.errors import ValidationError
from reviewer_app.domain.organisation import Person, Phase, Role, School, Trust
from reviewer_app.services.visit_planning import COLLEAGUES, TRUST_FRAMEWORKS, colleagues_json
from reviewer_app.storage.local_settings import set_setting
from reviewer_app.storage.organisation_repository import OrganisationRepository
from reviewer_app.sync import protocol as wire

log = logging.getLogger(__name__)


def take_trust(organisation: OrganisationRepository, person: wire.PersonInfo) -> bool:
    """Keep the person's trust under the name its server gives; True when a known trust was
    renamed (on the server, or enrolled before the server sent its name)."""
    known = organisation.get_trust(person.trust_id)
    if known is None:
        organisation.save_trust(Trust(id=person.trust_id, name=person.trust_name or "Trust"))
        return False
    if not person.trust_name or known.name == person.trust_name:
        return False
    organisation.save_trust(replace(known, name=person.trust_name))
    return True


def take_schools(
    organisation: OrganisationRepository, trust_id: str, schools: Iterable[wire.PlannableSchool]
) -> None:
    """Keep the schools the person may plan visits for (name, URN, phase), so the first visit to
    one can be planned here. None is removed when it leaves the list: reviews on this laptop
    may still need it."""
    for info in schools:
        known = organisation.get_school(info.school_id)
        phase = Phase._value2member_map_.get(info.phase)
        if not isinstance(phase, Phase):
            # A phase this app does not know yet: keep what the laptop has, primary otherwise.
            log.warning("School %s has an unknown phase %r", info.school_id, info.phase)
            phase = known.phase if known is not None else Phase.PRIMARY
        try:
            school = School(
                id=info.school_id,
                trust_id=known.trust_id if known is not None else trust_id,
                urn=info.urn,
                name=info.name,
                phase=phase,
                local_authority=info.local_authority,
                has_early_years=known.has_early_years if known is not None else False,
                has_sixth_form=known.has_sixth_form if known is not None else False,
            )
        except ValidationError as exc:
            log.warning("School %s not kept: %s", info.school_id, exc.message)
            continue
        if school != known:
            organisation.save_school(school)


def take_colleagues(session: Session, handshake: wire.HandshakeResponse) -> None:
    """The people of this laptop's schools, with their trust roles, and the trust's
    frameworks (for planning visits)."""
    if handshake.trust_frameworks:
        set_setting(session, TRUST_FRAMEWORKS, json.dumps(sorted(handshake.trust_frameworks)))
    if not handshake.colleagues:
        return
    organisation = OrganisationRepository(session)
    trust_id = handshake.person.trust_id
    for colleague in handshake.colleagues:
        roles = frozenset(Role(r) for r in colleague.roles if r in Role._value2member_map_)
        known = organisation.get_person(colleague.person_id)
        if known is None:
            organisation.save_person(
                Person(
                    id=colleague.person_id,
                    trust_id=trust_id,
                    name=colleague.name,
                    email=f"{colleague.person_id}@people.invalid",
                    roles=roles,
                )
            )
        elif known.roles != roles or known.name != colleague.name:
            organisation.save_person(replace(known, name=colleague.name, roles=roles))
    set_setting(
        session,
        COLLEAGUES,
        colleagues_json((c.person_id, c.roles, c.school_ids) for c in handshake.colleagues),
    )


def take_meetings(session: Session, handshake: wire.HandshakeResponse) -> None:
    """The last meeting of each kind held with each school the person sees (school, kind, day:
    no note), replacing the previous sync's; kept as they were when a server sends none."""
    if handshake.meetings is None:
        return
    from reviewer_app.services import meetings_held

    meetings_held.store(
        session,
        handshake.server_time.date(),
        ((m.school_id, m.activity, m.held_on) for m in handshake.meetings),
    )
