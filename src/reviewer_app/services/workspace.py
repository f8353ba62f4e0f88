"""The Workspace: the one object the GUI and the commands use to reach the local store.

It opens the encrypted store, owns the single writer lane, and answers in domain objects. Reads
run on the calling thread with their own session; writes run on the writer lane. A GUI that
must not wait calls ``workspace.submit(workspace.save_visit, visit)`` and gets a future back;
code that may wait (commands, tests, the lane itself) calls ``workspace.save_visit(visit)``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, ParamSpec, Protocol, TypeVar

from sqlmodel import Session

from reviewer_app.domain.errors import LockedError, NotFoundError, ValidationError
from reviewer_app.domain.ids import new_id
from reviewer_app.domain.organisation import Person, Role, School, Trust
from reviewer_app.domain.visits import VISIT_ROLES, Visit
from reviewer_app.paths import AppPaths
from reviewer_app.services.framework_catalogue import installed_library
from reviewer_app.services.review_records import ReviewRecords
from reviewer_app.services.school_categorisation import SchoolCategorisation
from reviewer_app.services.trust_library import TrustLibrary
from reviewer_app.services.visit_sync import queue_visit
from reviewer_app.services.writer_lane import WriterLane
from reviewer_app.storage.keys import PassphrasePrompt
from reviewer_app.storage.local_settings import (
    CURRENT_PERSON,
    CURRENT_TRUST,
    get_setting,
    set_setting,
)
from reviewer_app.storage.organisation_repository import OrganisationRepository
from reviewer_app.storage.store import Store, open_store
from reviewer_app.storage.visit_repository import VisitRepository

if TYPE_CHECKING:
    from reviewer_app.domain.frameworks import FrameworkLibrary
    from reviewer_app.services.signing_identity import TrustMaterial

log = logging.getLogger(__name__)

P = ParamSpec("P")
T = TypeVar("T")

#: Placeholder identity of a new, not yet enrolled store (``Workspace.needs_setup`` is True).
PLACEHOLDER_TRUST_NAME = "My trust"
PLACEHOLDER_PERSON_NAME = "Reviewer on this computer"
PLACEHOLDER_EMAIL = "reviewer@this-computer.invalid"


class BuiltInTrust(Protocol):
    """A trust whose content ships with the app (the demo trust, ``reviewer_app.demo``).

    The composition root (``app.py``, the commands) plugs it into :meth:`Workspace.open`;
    services call these hooks and never ask which trust it is, nor import it.
    """

    def prepare(self, store: Store, lane: WriterLane) -> None:
        """Seed the store, or bring its content up to date; runs once as the store opens."""

    def before_signed_listing(self, workspace: Workspace, review_id: str) -> None:
        """Called before a review's signed reports are listed (to make them on first need)."""

    def finish_in_background(self, workspace: Workspace, should_stop: Callable[[], bool]) -> None:
        """Slow work the app runs on a reader thread once its window shows (the demo signs its
        reports); returns early once ``should_stop()``."""

    def trust_material(self, workspace: Workspace) -> TrustMaterial:
        """Trust roots and revocation lists it adds to the enrolled trust's."""


class Workspace:
    """An open store plus its writer lane. Close it when done (also a context manager)."""

    def __init__(
        self,
        store: Store,
        lane: WriterLane,
        *,
        demo: bool,
        built_in: BuiltInTrust | None = None,
    ) -> None:
        self._store = store
        self._lane = lane
        #: The demo store (a public key, made-up content): it never syncs.
        self.demo = demo
        #: Whether this store may sync with a trust server (the demo store never does).
        self.syncs = not demo
        #: The trust whose content ships with the app, when one is plugged in.
        self.built_in = built_in
        #: Review records for the editor: notes, judgements, fields, attachments, actions.
        self.reviews = ReviewRecords(store, lane, lambda: self.current_person)
        #: Schools' categories under the trust's scheme, and the support they imply.
        self.categories = SchoolCategorisation(
            store, lane, lambda: self.current_person, lambda: self.trust, installed_library
        )
        #: The trust's frameworks received at sync, joined to the built-in ones.
        self.frameworks = TrustLibrary(store, lane, installed_library)
        self._trust, self._person = self._load_identity()

    # ---------------------------------------------------------------- life cycle

    @classmethod
    def open(
        cls,
        paths: AppPaths,
        *,
        demo: bool = False,
        passphrase: PassphrasePrompt | None = None,
        built_in: BuiltInTrust | None = None,
    ) -> Workspace:
        """Open (creating if needed) the store under ``paths``; the demo store when ``demo``.

        ``passphrase(store_path, creating)`` is asked only when no keyring backend works.
        ``built_in`` seeds the store with a trust that ships with the app (the demo's).
        Raises a :class:`~reviewer_app.storage.errors.StoreError` for a store that cannot be
        opened; nothing on disk is changed then.
        """
        paths.ensure()
        path = paths.demo_store_file if demo else paths.store_file
        store = open_store(path, demo=demo, passphrase=passphrase)
        lane = WriterLane()
        try:
            if built_in is not None:
                built_in.prepare(store, lane)
            else:
                lane.call(_ensure_identity, store)
            workspace = cls(store, lane, demo=demo, built_in=built_in)
            # Upgrade step: actions a framework version held as fields become actions, once.
            workspace.reviews.convert_action_fields()
            return workspace
        except BaseException:
            lane.close()
            store.close()
            raise

    def close(self) -> None:
        """Finish queued writes and close the store."""
        self._lane.close()
        self._store.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def store_path(self) -> Path:
        return self._store.path

    @property
    def lane(self) -> WriterLane:
        return self._lane

    @property
    def store(self) -> Store:
        """The open store (for services that compose storage, such as sync)."""
        return self._store

    def library(self) -> FrameworkLibrary:
        """The frameworks this laptop may use: built in, and the trust's received at sync."""
        return self.frameworks.library()

    def reload_identity(self) -> None:
        """Read the trust and person again (after enrolment replaced them)."""
        self._trust, self._person = self._load_identity()

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        """Run ``fn`` on the writer lane and return a future at once (for the GUI thread)."""
        return self._lane.submit(fn, *args, **kwargs)

    # ---------------------------------------------------------------- identity

    @property
    def trust(self) -> Trust:
        """The trust this store belongs to."""
        return self._trust

    @property
    def current_person(self) -> Person:
        """The person using this laptop."""
        return self._person

    @property
    def needs_setup(self) -> bool:
        """True while a new store still carries the placeholder trust and person."""
        return self._person.email == PLACEHOLDER_EMAIL

    def _load_identity(self) -> tuple[Trust, Person]:
        with self._store.reading() as session:
            trust_id = get_setting(session, CURRENT_TRUST)
            person_id = get_setting(session, CURRENT_PERSON)
            repo = OrganisationRepository(session)
            trust = repo.get_trust(trust_id) if trust_id else None
            person = repo.get_person(person_id) if person_id else None
        if trust is None or person is None:
            raise NotFoundError(
                f"The store {self._store.path} does not say which trust and person it belongs to."
            )
        return trust, person

    # ---------------------------------------------------------------- schools and people

    def list_schools(self, query: str = "") -> list[School]:
        """Schools of the trust whose name contains ``query`` or URN starts with it, by name."""
        with self._store.reading() as session:
            return OrganisationRepository(session).list_schools(query, trust_id=self._trust.id)

    def get_school(self, school_id: str) -> School:
        """One school; :class:`NotFoundError` if there is none with that id."""
        with self._store.reading() as session:
            school = OrganisationRepository(session).get_school(school_id)
        if school is None:
            raise NotFoundError(f"There is no school with id {school_id} on this computer.")
        return school

    def idle_lock_minutes(self) -> float | None:
        """Minutes without input before the app locks, as the trust set it (``None``: the
        trust has not said; the app's default applies)."""
        from reviewer_app.storage.local_settings import IDLE_LOCK_MINUTES

        with self._store.reading() as session:
            text = get_setting(session, IDLE_LOCK_MINUTES)
        try:
            return float(text) if text else None
        except ValueError:
            return None

    def unlocks(self, passphrase: str | None) -> bool:
        """Whether ``passphrase`` (or this computer's keyring) opens this store: the idle
        lock's check."""
        return self._store.unlocks(passphrase)

    @property
    def unlock_asks_passphrase(self) -> bool:
        return self._store.unlock_asks_passphrase

    def list_people(self) -> list[Person]:
        """Everyone in the trust, by name."""
        with self._store.reading() as session:
            return OrganisationRepository(session).list_people(trust_id=self._trust.id)

    def get_person(self, person_id: str) -> Person:
        with self._store.reading() as session:
            person = OrganisationRepository(session).get_person(person_id)
        if person is None:
            raise NotFoundError(f"There is no person with id {person_id} on this computer.")
        return person

    def save_school(self, school: School) -> School:
        """Add or change a school of this trust."""
        if school.trust_id != self._trust.id:
            raise ValidationError(f"{school.name} does not belong to {self._trust.name}.")

        def write() -> School:
            with self._store.writing() as session:
                repo = OrganisationRepository(session)
                clash = [s for s in repo.list_schools(school.urn) if s.urn == school.urn]
                if any(s.id != school.id for s in clash):
                    raise ValidationError(
                        f"Another school already has the URN {school.urn}.",
                        hint="Check the URN on Get Information About Schools.",
                    )
                repo.save_school(school)
            return school

        return self._lane.call(write)

    def save_person(self, person: Person) -> Person:
        """Add or change a person of this trust."""
        if person.trust_id != self._trust.id:
            raise ValidationError(f"{person.name} does not belong to {self._trust.name}.")

        def write() -> Person:
            with self._store.writing() as session:
                OrganisationRepository(session).save_person(person)
            return person

        person = self._lane.call(write)
        if person.id == self._person.id:
            self._person = person
        return person

    # ---------------------------------------------------------------- visits

    def visits_for_school(self, school_id: str) -> list[Visit]:
        """The school's visits, newest first."""
        with self._store.reading() as session:
            return VisitRepository(session).visits_for_school(school_id)

    def get_visit(self, visit_id: str) -> Visit:
        """One visit; :class:`NotFoundError` if there is none with that id."""
        with self._store.reading() as session:
            visit = VisitRepository(session).get_visit(visit_id)
        if visit is None:
            raise NotFoundError(f"There is no visit with id {visit_id} on this computer.")
        return visit

    def save_visit(self, visit: Visit) -> Visit:
        """Add or change a visit after checking its school, team and lock (on the writer lane)."""
        return self._lane.call(self._save_visit, visit)

    def _save_visit(self, visit: Visit) -> Visit:
        with self._store.writing() as session:
            _check_visit(session, visit)
            visits = VisitRepository(session)
            earlier = visits.get_visit(visit.id)
            visits.save_visit(visit)
            # The trust receives it at the next sync (and refuses it there when it must).
            queue_visit(session, visit, earlier, datetime.now().astimezone())
        log.info("visit %s saved (%s)", visit.id, visit.status.value)
        return visit


def _check_visit(session: Session, visit: Visit) -> None:
    organisation = OrganisationRepository(session)
    if organisation.get_school(visit.school_id) is None:
        raise ValidationError("The school chosen for this visit is not on this computer.")
    earlier = VisitRepository(session).get_visit(visit.id)
    if earlier is not None and earlier.is_locked:
        raise LockedError(
            "This visit is signed, so it cannot be changed.",
            hint="Start an amendment from the signed review instead.",
        )
    for reviewer in visit.reviewers:
        person = organisation.get_person(reviewer.person_id)
        if person is None:
            raise ValidationError("Someone on the visit team is not on this computer.")
        if reviewer.role not in VISIT_ROLES:
            raise ValidationError(
                f"{person.name} cannot be on a visit team as {reviewer.role.label.lower()}."
            )
        if reviewer.role is Role.SAFEGUARDING_LEAD and not person.may_see_safeguarding:
            raise ValidationError(
                f"{person.name} is not a designated safeguarding lead, so cannot take that role "
                "on the visit.",
                hint="Choose someone who holds the safeguarding lead role.",
            )


def _ensure_identity(store: Store) -> None:
    """Give a new, not yet enrolled store a placeholder trust and person."""
    with store.writing() as session:
        if get_setting(session, CURRENT_PERSON) is not None:
            return
        repo = OrganisationRepository(session)
        trust = Trust(id=new_id(), name=PLACEHOLDER_TRUST_NAME)
        person = Person(
            id=new_id(),
            trust_id=trust.id,
            name=PLACEHOLDER_PERSON_NAME,
            email=PLACEHOLDER_EMAIL,
            roles=frozenset({Role.LEAD_REVIEWER, Role.IMPROVEMENT_PARTNER, Role.PEER_REVIEWER}),
        )
        repo.save_trust(trust)
        repo.save_person(person)
        set_setting(session, CURRENT_TRUST, trust.id)
        set_setting(session, CURRENT_PERSON, person.id)
