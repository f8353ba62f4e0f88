"""The demo trust's school categories: its schools sit in the four school improvement tiers.

The demo trust follows the four-tier model (``frameworks/profiles/four-tier-trust.yaml``): the
Trust Board agreed each school's tier at the start of the school year, one school moved tier
since, and St Aidan's tier was agreed from the scheme's suggestion on its signed reviews. Written
as if pulled from the trust server (nothing is queued). Every rationale is invented.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta

from reviewer_app.demo.trust_data import DEMO_TIERS, demo_meeting_days
from reviewer_app.domain.frameworks import FrameworkLibrary
from reviewer_app.domain.ids import new_id
from reviewer_app.domain.organisation import Trust
from reviewer_app.domain.school_category import SchoolCategory
from reviewer_app.services.school_categorisation import suggest_for_school
from reviewer_app.storage.local_settings import (
    CURRENT_TRUST,
    DEMO_CATEGORIES,
    get_setting,
    set_setting,
)
from reviewer_app.storage.organisation_repository import OrganisationRepository
from reviewer_app.storage.school_category_repository import SchoolCategoryRepository
from reviewer_app.storage.store import Store

log = logging.getLogger(__name__)

DEMO_PROFILE = "four-tier-trust"

# The tiers and their reasons: ``trust_data.DEMO_TIERS`` (the server's demo has them too).


def seed_demo_categories(
    store: Store, library: FrameworkLibrary, today: date | None = None
) -> bool:
    """Put the demo trust on the four-tier profile and agree its schools' tiers, once.

    True if it seeded now (stores made before categories existed get them on next open).
    """
    today = today or date.today()
    scheme = library.scheme_for(library.profile(DEMO_PROFILE))
    assert scheme is not None
    with store.writing() as session:
        if get_setting(session, DEMO_CATEGORIES) is not None:
            return False
        organisation = OrganisationRepository(session)
        trust_id = get_setting(session, CURRENT_TRUST)
        trust = organisation.get_trust(trust_id) if trust_id else None
        if trust is None:
            return False
        organisation.save_trust(Trust(id=trust.id, name=trust.name, profile_id=DEMO_PROFILE))
        people = {p.email.split("@")[0]: p for p in organisation.list_people(trust_id=trust.id)}
        categories = SchoolCategoryRepository(session, record_ops=False)
        for school in organisation.list_schools(trust_id=trust.id):
            for days_ago, tier, who, rationale in DEMO_TIERS.get(school.urn, ()):
                agreed_on = today - timedelta(days=days_ago)
                person = people[who]
                found = suggest_for_school(session, scheme, school, person.roles, agreed_on)
                level = found.suggestion.level if tier is None else scheme.level(tier)
                if level is None:
                    continue
                categories.add(
                    SchoolCategory(
                        id=new_id(),
                        school_id=school.id,
                        scheme_id=scheme.id,
                        scheme_version=scheme.version,
                        level_key=level.key,
                        level_label=level.label,
                        agreed_on=agreed_on,
                        agreed_by=person.id,
                        rationale=rationale,
                        recorded_at=datetime.combine(agreed_on, time(16, 30)).astimezone(),
                        suggested_level_key=(
                            found.suggestion.level.key if found.suggestion.level else None
                        ),
                        suggestion=found.explain(),
                        based_on=found.basis,
                    )
                )
        set_setting(session, DEMO_CATEGORIES, today.isoformat())
    log.info("demo school categories seeded")
    return True


def seed_demo_meetings(store: Store, library: FrameworkLibrary, today: date | None = None) -> bool:
    """The demo's CEO 1:1s as if today's sync had brought them from the trust console (the
    server's demo records the same days as meeting notes), so My work counts them; made again
    each day the demo opens, from the schools' current tiers. True if it wrote them now."""
    from reviewer_app.services import meetings_held

    today = today or date.today()
    scheme = library.scheme_for(library.profile(DEMO_PROFILE))
    assert scheme is not None
    with store.writing() as session:
        held = meetings_held.stored(session)
        if held is not None and held.as_of == today:
            return False
        organisation = OrganisationRepository(session)
        trust_id = get_setting(session, CURRENT_TRUST)
        if not trust_id:
            return False
        categories = SchoolCategoryRepository(session, record_ops=False)
        entries = []
        for school in organisation.list_schools(trust_id=trust_id):
            current = categories.latest(school.id, scheme.id)
            if current is None:
                continue
            try:
                level = scheme.level(current.level_key)
            except KeyError:
                continue
            for item in level.support_cadence:
                if item.framework is not None:
                    continue
                days = demo_meeting_days(school.urn, current.agreed_on, item.every_weeks, today)
                if days:
                    entries.append((school.id, item.activity, days[-1]))
        meetings_held.store(session, today, entries)
    return True
