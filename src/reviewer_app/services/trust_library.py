"""The trust's frameworks on this laptop: received at sync, checked again here, kept in the
encrypted store, and joined to the built-in frameworks as the one library the app uses.

:class:`TrustLibrary` is the framework-library stage's port (``sync/framework_engine.py``):
every received document is checked with the same checker the server used, against the
built-in frameworks and the trust's other documents; a document that fails (or whose text does
not match its digest) is kept only with the reason it was refused, and is never used, nor is
anything that depends on it. Everything is replaced in one transaction, so a laptop never
holds half a library.

:meth:`TrustLibrary.library` is the built-in frameworks plus the trust's documents in use
(published, and drafts on a laptop a trust admin opted in), loaded once per received library.
Retired versions are not in it: laptops stop offering them, and reviews keep theirs as a
snapshot.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from pathlib import Path

from reviewer_app.domain.errors import NotFoundError
from reviewer_app.domain.frameworks import FrameworkLibrary, FrameworkProblem
from reviewer_app.domain.frameworks.library import check_sources, parse_yaml
from reviewer_app.domain.frameworks.vocabulary import TrustVocabulary
from reviewer_app.services.writer_lane import WriterLane
from reviewer_app.storage.local_settings import get_setting, set_setting
from reviewer_app.storage.store import Store
from reviewer_app.storage.trust_framework_repository import (
    TrustDocument,
    replace_trust_documents,
    trust_documents,
)
from reviewer_app.sync.framework_engine import LibraryOutcome
from reviewer_app.sync.library_protocol import FrameworkLibraryPage, LibraryEntry

log = logging.getLogger(__name__)

LIBRARY_DIGEST = "framework_library.digest"
#: The vocabulary a trust has until it publishes its own.
BUILT_IN_VOCABULARY = "english-schools"
RETIRED = "retired"
DRAFT = "draft"


def _source_name(kind: str, doc_id: str, version: str) -> Path:
    return Path(
        f"{doc_id}@{version}.yaml" if kind != "rating_scale" else f"{doc_id}@{version}.scale.yaml"
    )


def check_received(
    entries: Sequence[LibraryEntry], installed: FrameworkLibrary
) -> tuple[FrameworkLibrary, dict[str, str]]:
    """The library the usable entries make with the built-in frameworks, and the reason each
    refused entry was refused (by ``kind:id@version``). An entry is refused when its text does
    not match its digest, when the checker finds a problem in it, or when it depends on a
    refused one."""
    refused: dict[str, str] = {}
    live = {}
    for entry in entries:
        key = f"{entry.kind}:{entry.reference}"
        if entry.state == RETIRED:
            continue
        if hashlib.sha256(entry.text.encode("utf-8")).hexdigest() != entry.sha256:
            refused[key] = "It arrived damaged (its text does not match its digest); sync again."
            continue
        source = parse_yaml(
            _source_name(entry.kind, entry.id, entry.version), entry.text, named=False
        )
        if isinstance(source, list):
            refused[key] = source[0].message
            continue
        live[key] = source
    # A refused document can leave others that use it with problems: check again without it
    # until what is left is clean (a library has tens of documents, so this is quick).
    while True:
        library, problems = check_sources(list(live.values()), base=installed)
        if not problems:
            return library, refused
        owned = [(owner, p) for p in problems if (owner := _key_of(p, live)) is not None]
        if not owned:
            # A problem no single document owns: use none of the trust's documents.
            for key in list(live):
                refused[key] = problems[0].message
            live.clear()
            continue
        for key, problem in owned:
            if key in live:
                refused[key] = problem.message
                del live[key]


def _key_of(problem: FrameworkProblem, live: Mapping[str, object]) -> str | None:
    for key, source in live.items():
        if getattr(source, "path", None) == problem.file:
            return key
    return None


class TrustLibrary:
    """The trust's framework documents in this store, and the library they make."""

    def __init__(
        self,
        store: Store,
        lane: WriterLane,
        installed: Callable[[], FrameworkLibrary],
        *,
        clock: Callable[[], datetime] = lambda: datetime.now().astimezone(),
    ) -> None:
        self._store = store
        self._lane = lane
        self._installed = installed
        self._clock = clock
        self._lock = threading.Lock()
        self._cached: tuple[str, FrameworkLibrary] | None = None

    # ---------------------------------------------------------------- the sync stage's port

    def library_digest(self) -> str:
        with self._store.reading() as session:
            return get_setting(session, LIBRARY_DIGEST) or ""

    def apply_library(self, page: FrameworkLibraryPage) -> LibraryOutcome:
        """Check every document and keep the library and its digest in one transaction."""
        _, refused = check_received(page.documents, self._installed())
        now = self._clock().isoformat()
        kept = [
            TrustDocument(
                kind=e.kind,
                doc_id=e.id,
                version=e.version,
                state=e.state,
                title=e.title,
                sha256=e.sha256,
                text=e.text if f"{e.kind}:{e.reference}" not in refused else "",
                received_at=now,
                refused=refused.get(f"{e.kind}:{e.reference}", ""),
            )
            for e in page.documents
        ]

        def write() -> None:
            with self._store.writing() as session:
                replace_trust_documents(session, kept)
                set_setting(session, LIBRARY_DIGEST, page.digest)

        self._lane.call(write)
        with self._lock:
            self._cached = None
        for key, reason in refused.items():
            log.warning("Framework document %s from the trust refused: %s", key, reason)
        in_use = [d for d in kept if not d.refused and d.state != RETIRED]
        return LibraryOutcome(
            received=len(in_use),
            refused=tuple(
                f"{d.title or d.doc_id} (version {d.version}): {d.refused}"
                for d in kept
                if d.refused
            ),
        )

    # ---------------------------------------------------------------- reading

    def documents(self) -> list[TrustDocument]:
        """Every document received, in use or not."""
        with self._store.reading() as session:
            return trust_documents(session)

    def library(self) -> FrameworkLibrary:
        """The built-in frameworks with the trust's documents in use, loaded once per received
        library."""
        digest = self.library_digest()
        with self._lock:
            if self._cached is not None and self._cached[0] == digest:
                return self._cached[1]
        usable = [d for d in self.documents() if not d.refused and d.state != RETIRED and d.text]
        installed = self._installed()
        if usable:
            sources = []
            for d in usable:
                source = parse_yaml(_source_name(d.kind, d.doc_id, d.version), d.text, named=False)
                if not isinstance(source, list):
                    sources.append(source)
            library, problems = check_sources(sources, base=installed)
            if problems:  # checked on arrival; a built-in change since can still break one
                log.warning("The trust's frameworks no longer check cleanly: %s", problems[0])
                library = installed
        else:
            library = installed
        with self._lock:
            self._cached = (digest, library)
        return library

    def vocabulary(self) -> TrustVocabulary | None:
        """The trust's vocabulary: its own when it has published one, else the one built in
        for English schools."""
        library = self.library()
        own = sorted(
            {
                d.doc_id
                for d in self.documents()
                if d.kind == "trust_vocabulary" and not d.refused and d.state != RETIRED
            }
        )
        for vocabulary_id in [*own, BUILT_IN_VOCABULARY]:
            try:
                return library.vocabulary(vocabulary_id)
            except NotFoundError:
                continue
        return None

    def drafts(self) -> frozenset[str]:
        """``id@version`` of the drafts in use (a trust admin opted this laptop in)."""
        return frozenset(
            d.reference for d in self.documents() if d.state == DRAFT and not d.refused
        )
