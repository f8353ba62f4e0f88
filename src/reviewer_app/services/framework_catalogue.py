"""The installed frameworks: loaded once per process, and what they offer the shell.

Every part of the app that needs the installed framework library (opening a review for the
first time, the report's trust profile, school categorisation, the demo trust, the new-visit
dialog's kinds of visit) takes it from :func:`installed_library`, which parses and validates
the YAML once per folder and keeps the immutable result. :func:`load_catalogue` is the shell's
view of the same library: titles and phases, never YAML.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from reviewer_app.paths import frameworks_dir

if TYPE_CHECKING:
    from reviewer_app.domain.frameworks import FrameworkLibrary
    from reviewer_app.domain.organisation import Role, School


def installed_library(folder: Path | None = None) -> FrameworkLibrary:
    """The frameworks installed in ``folder`` (the app's own by default), loaded once per
    process (:mod:`reviewer_app.domain.frameworks.loaded_once`, shared with the trust server).

    A broken framework file raises ``FrameworkLoadError`` (naming the file and line) every time
    it is asked for, so mending the file and asking again works.
    """
    # The main window imports this module for its catalogue types before its first paint;
    # the framework models (pydantic) are imported when the library is first loaded.
    from reviewer_app.domain.frameworks.loaded_once import library_once

    return library_once(folder or frameworks_dir())


@dataclass(frozen=True, slots=True)
class VisitKind:
    """A kind of visit the person may plan: a framework id and its title."""

    framework_id: str
    title: str
    #: School phases the framework is meant for (values of ``Phase``); empty means every phase.
    phases: tuple[str, ...] = ()
    #: The roles the framework is for (a safeguarding audit: safeguarding leads); empty: anyone.
    visible_to: tuple[Role, ...] = ()

    def suits(self, school: School | None) -> bool:
        """Whether this kind of visit applies to ``school`` (any kind when none is chosen)."""
        return school is None or not self.phases or school.phase.value in self.phases


@dataclass(frozen=True, slots=True)
class Catalogue:
    """What the installed frameworks offer: visit kinds and trust profiles (id, title)."""

    kinds: tuple[VisitKind, ...] = ()
    profiles: tuple[tuple[str, str], ...] = (("generic", "Generic"),)


def load_catalogue(
    folder: Path | None = None,
    *,
    library: FrameworkLibrary | None = None,
    drafts: frozenset[str] = frozenset(),
) -> Catalogue:
    """What the frameworks offer the shell: visit kinds and trust profiles.

    ``library`` is the one the laptop uses (built in plus the trust's received at sync,
    ``Workspace.library()``), else the installed one; ``drafts`` (``id@version``) are offered
    marked "(draft)". Runs on a reader thread after the window is up (parsing YAML is not
    start-up work). A broken framework file raises ``FrameworkLoadError``, whose message names
    the file and line.
    """
    if library is None:
        library = installed_library(folder)
    kinds = []
    for framework_id in library.framework_ids:
        framework = library.latest(framework_id)
        draft = " (draft)" if framework.reference in drafts else ""
        kinds.append(
            VisitKind(
                framework_id=framework.id,
                title=framework.title + draft,
                phases=tuple(phase.value for phase in framework.phases),
                visible_to=tuple(framework.visible_to),
            )
        )
    kinds.sort(key=lambda kind: kind.title.casefold())
    profiles = [(profile.id, profile.title) for profile in library.profiles]
    if not any(profile_id == "generic" for profile_id, _title in profiles):
        profiles.insert(0, ("generic", "Generic"))
    return Catalogue(kinds=tuple(kinds), profiles=tuple(profiles))
