"""The demo trust in a laptop store: the data of :mod:`reviewer_app.demo.trust_data` (invented
schools, people and a year of visits), so the app looks alive.

Seeded once per demo store (idempotent: the store records the day the dates are anchored to), in
one transaction. Dates are relative to today and fall on weekdays in term time. When the demo
store is opened again weeks later, :func:`refresh_demo_dates` moves every visit forward by whole
weeks, so the demo still shows a year just past and a few visits ahead (review records keep
their own times). Every school, person and URN here is invented; the local authorities are real
English ones so the data reads naturally.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

from reviewer_app.demo.categories import seed_demo_categories, seed_demo_meetings
from reviewer_app.demo.store_reviews import seed_demo_reviews
from reviewer_app.demo.trust_data import (
    DEMO_CURRENT_PERSON,
    DEMO_FRAMEWORKS,
    DEMO_TRUST_NAME,
    demo_people,
    demo_schools,
    demo_trust,
    demo_visits,
)
from reviewer_app.services.framework_catalogue import installed_library
from reviewer_app.storage.local_settings import (
    CURRENT_PERSON,
    CURRENT_TRUST,
    DEMO_SEEDED,
    get_setting,
    set_setting,
)
from reviewer_app.storage.organisation_repository import OrganisationRepository
from reviewer_app.storage.school_category_repository import SchoolCategoryRepository
from reviewer_app.storage.store import Store
from reviewer_app.storage.visit_repository import VisitRepository

log = logging.getLogger(__name__)

__all__ = ["DEMO_FRAMEWORKS", "DEMO_TRUST_NAME", "refresh_demo_dates", "seed_demo"]


def seed_demo(store: Store, today: date | None = None) -> bool:
    """Seed the demo trust into ``store`` unless it is there already. True if it seeded now."""
    today = today or date.today()
    with store.writing() as session:
        if get_setting(session, DEMO_SEEDED) is not None:
            return False
        organisation = OrganisationRepository(session)
        trust = demo_trust()
        organisation.save_trust(trust)
        schools = demo_schools(trust.id)
        for school in schools.values():
            organisation.save_school(school)
        people = demo_people(trust.id)
        for person in people.values():
            organisation.save_person(person)
        visits = VisitRepository(session)
        for visit in demo_visits(today, schools, people):
            visits.save_visit(visit)
        set_setting(session, CURRENT_TRUST, trust.id)
        set_setting(session, CURRENT_PERSON, people[DEMO_CURRENT_PERSON].id)
        set_setting(session, DEMO_SEEDED, today.isoformat())
    log.info("demo trust seeded")
    library = installed_library()
    seed_demo_reviews(store, library, today)  # every signed visit's review
    seed_demo_categories(store, library, today)  # the schools' tiers
    seed_demo_meetings(store, library, today)  # their CEO 1:1s, as a sync would bring them
    return True


def refresh_demo_dates(store: Store, today: date | None = None) -> int:
    """Move the demo's visits forward by the whole weeks since its dates were anchored.

    Returns the number of days moved (0 if less than a week has passed). Weekdays are kept.
    """
    today = today or date.today()
    with store.writing() as session:
        anchored = get_setting(session, DEMO_SEEDED)
        if anchored is None:
            return 0
        days = (today - date.fromisoformat(anchored)).days // 7 * 7
        if days <= 0:
            return 0
        VisitRepository(session).shift_all_dates(days)
        SchoolCategoryRepository(session, record_ops=False).shift_all_dates(days)
        set_setting(
            session, DEMO_SEEDED, (date.fromisoformat(anchored) + timedelta(days)).isoformat()
        )
    log.info("demo visits moved forward %d days", days)
    return days
