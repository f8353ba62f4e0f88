# Longer than 600 lines because loading and the cross-file checks of the library work on one set of
# indexes.
"""The installed frameworks, scales, schemes and profiles, loaded and checked as one library.

``load_library(folder)`` reads every ``*.yaml`` under the folder (the JSON Schema folder aside),
validates each file against its ``kind``, resolves scale references, checks the cross-references
between files and returns an immutable :class:`FrameworkLibrary`, or raises
:class:`FrameworkLoadError` listing every problem. ``check_files`` runs the same checks and returns
the problems instead.

Versions: a framework is identified by ``id`` and ``version``; files are named ``<id>.yaml`` or,
to install several versions side by side, ``<id>@<version>.yaml``.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from pydantic import BaseModel, ValidationError

from reviewer_app.domain.errors import NotFoundError
from reviewer_app.domain.frameworks.categorisation import CategorisationScheme
from reviewer_app.domain.frameworks.consistency import check_framework, check_references
from reviewer_app.domain.frameworks.framework import Framework
from reviewer_app.domain.frameworks.frozen_model import version_key
from reviewer_app.domain.frameworks.overlays import FrameworkOverlay, apply_overlay, prune_scales
from reviewer_app.domain.frameworks.problems import (
    FrameworkLoadError,
    FrameworkProblem,
    located_problem,
    problems_from_validation,
)
from reviewer_app.domain.frameworks.profiles import TrustProfile
from reviewer_app.domain.frameworks.scales import RatingScale, RatingScaleSet
from reviewer_app.domain.frameworks.vocabulary import TrustVocabulary
from reviewer_app.domain.frameworks.yaml_source import DocumentSource, YamlSource, YamlSyntaxError

log = logging.getLogger(__name__)

#: ``kind`` -> the model a file of that kind is validated by.
DOCUMENT_KINDS: Mapping[str, type[BaseModel]] = MappingProxyType(
    {
        "framework": Framework,
        "rating_scales": RatingScaleSet,
        "categorisation_scheme": CategorisationScheme,
        "trust_profile": TrustProfile,
        "framework_overlay": FrameworkOverlay,
        "trust_vocabulary": TrustVocabulary,
    }
)

#: Sub-folders of the frameworks folder that hold no framework files.
_SKIPPED_FOLDERS = frozenset({"schema"})


@dataclass(frozen=True, slots=True)
class Located:
    """A loaded object with the file and document path it came from."""

    obj: Any
    source: DocumentSource
    prefix: tuple[str | int, ...]
    reference_only: bool

    def line(self, *path: str | int) -> int | None:
        """Line of a path inside this object (1-based), or None."""
        line: int | None = self.source.line_of((*self.prefix, *path))
        return line

    def problem(self, message: str, *path: str | int) -> FrameworkProblem:
        """A problem located at a path inside this object (its line, or its workbook cell)."""
        return located_problem(self.source, (*self.prefix, *path), message)


@dataclass(frozen=True)
class FrameworkLibrary:
    """Everything installed, immutable. Frameworks keep every installed version."""

    frameworks: tuple[Framework, ...]
    scales: tuple[RatingScale, ...]
    schemes: tuple[CategorisationScheme, ...]
    profiles: tuple[TrustProfile, ...]
    vocabularies: tuple[TrustVocabulary, ...] = ()
    #: Each framework as its file wrote it (scale references not yet resolved), by
    #: ``id@version``: what a workbook or an overlay is made from.
    written: Mapping[str, Framework] = field(
        default_factory=lambda: MappingProxyType({}), repr=False, compare=False
    )
    _by_id: Mapping[str, tuple[Framework, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        grouped: dict[str, list[Framework]] = {}
        for framework in self.frameworks:
            grouped.setdefault(framework.id, []).append(framework)
        by_id = {
            key: tuple(sorted(group, key=lambda f: version_key(f.version)))
            for key, group in grouped.items()
        }
        object.__setattr__(self, "_by_id", MappingProxyType(by_id))

    @property
    def framework_ids(self) -> tuple[str, ...]:
        """Every installed framework id, sorted."""
        return tuple(sorted(self._by_id))

    def versions(self, framework_id: str) -> tuple[Framework, ...]:
        """Every installed version of a framework, oldest first."""
        return self._by_id.get(framework_id, ())

    def latest(self, framework_id: str) -> Framework:
        """The newest installed version of a framework."""
        versions = self.versions(framework_id)
        if not versions:
            raise NotFoundError(
                f"The framework '{framework_id}' is not installed.",
                hint="Run 'reviewer-app frameworks list' to see what is installed.",
            )
        return versions[-1]

    def get(self, framework_id: str, version: str | None = None) -> Framework:
        """A framework by id, and version if given (else the latest)."""
        if version is None:
            return self.latest(framework_id)
        for framework in self.versions(framework_id):
            if framework.version == version:
                return framework
        raise NotFoundError(
            f"Version {version} of the framework '{framework_id}' is not installed.",
            hint="Run 'reviewer-app frameworks list' to see what is installed.",
        )

    def scale(self, scale_id: str, version: str | None = None) -> RatingScale:
        """A rating scale by id, and version if given (else the latest)."""
        found = [s for s in self.scales if s.id == scale_id and version in (None, s.version)]
        if not found:
            raise NotFoundError(f"The rating scale '{scale_id}' is not installed.")
        return max(found, key=lambda s: version_key(s.version))

    def scheme(self, scheme_id: str) -> CategorisationScheme:
        """The latest version of a categorisation scheme."""
        found = [s for s in self.schemes if s.id == scheme_id]
        if not found:
            raise NotFoundError(f"The categorisation scheme '{scheme_id}' is not installed.")
        return max(found, key=lambda s: version_key(s.version))

    def profile(self, profile_id: str) -> TrustProfile:
        """The latest version of a trust profile."""
        found = [p for p in self.profiles if p.id == profile_id]
        if not found:
            raise NotFoundError(
                f"The trust profile '{profile_id}' is not installed.",
                hint="Choose one of: " + ", ".join(p.id for p in self.profiles) + ".",
            )
        return max(found, key=lambda p: version_key(p.version))

    def vocabulary(self, vocabulary_id: str) -> TrustVocabulary:
        """The latest version of a vocabulary."""
        found = [v for v in self.vocabularies if v.id == vocabulary_id]
        if not found:
            raise NotFoundError(f"The vocabulary '{vocabulary_id}' is not installed.")
        return max(found, key=lambda v: version_key(v.version))

    def scheme_for(self, profile: TrustProfile) -> CategorisationScheme | None:
        """The profile's categorisation scheme, or None when it has none."""
        return None if profile.scheme is None else self.scheme(profile.scheme)


def framework_files(folder: Path) -> list[Path]:
    """Every ``*.yaml`` / ``*.yml`` file under ``folder``, the schema folder aside, sorted."""
    files = [
        path
        for pattern in ("*.yaml", "*.yml")
        for path in folder.rglob(pattern)
        if not _SKIPPED_FOLDERS & set(path.relative_to(folder).parts[:-1])
    ]
    return sorted(files)


def load_library(directory: Path, *, resources_dir: Path | None = None) -> FrameworkLibrary:
    """Load and check every file under ``directory``; raises :class:`FrameworkLoadError`.

    With ``resources_dir``, trust profiles' logo files are checked to exist there.
    """
    if not directory.is_dir():
        raise FrameworkLoadError(
            [FrameworkProblem(directory, None, "(folder)", "The frameworks folder does not exist.")]
        )
    started = time.perf_counter()
    files = framework_files(directory)
    if not files:
        raise FrameworkLoadError(
            [FrameworkProblem(directory, None, "(folder)", "The folder holds no framework files.")]
        )
    library, problems = _build(files, (), resources_dir)
    if problems:
        log.info("%d problems in the framework files under %s", len(problems), directory)
        raise FrameworkLoadError(problems)
    log.debug(
        "loaded %d frameworks, %d scales, %d schemes and %d profiles from %s in %.1f ms",
        len(library.frameworks),
        len(library.scales),
        len(library.schemes),
        len(library.profiles),
        directory,
        (time.perf_counter() - started) * 1000,
    )
    return library


def check_files(
    paths: Sequence[Path],
    *,
    reference_dirs: Sequence[Path] = (),
    resources_dir: Path | None = None,
) -> list[FrameworkProblem]:
    """Check files (or every file under a folder) and return every problem, in file order.

    Files under ``reference_dirs`` that are not being checked are read only so that references
    to their scales, frameworks and schemes resolve; their own problems are not reported.
    """
    checked: list[Path] = []
    for path in paths:
        if path.is_dir():
            checked.extend(framework_files(path))
        else:
            checked.append(path)
    wanted = {p.resolve() for p in checked}
    references = [
        p
        for folder in reference_dirs
        if folder.is_dir()
        for p in framework_files(folder)
        if p.resolve() not in wanted
    ]
    _, problems = _build(checked, references, resources_dir)
    return problems


def _build(
    files: Iterable[Path], reference_files: Iterable[Path], resources_dir: Path | None
) -> tuple[FrameworkLibrary, list[FrameworkProblem]]:
    problems: list[FrameworkProblem] = []
    documents: list[Located] = []
    for path, reference_only in [(p, False) for p in files] + [(p, True) for p in reference_files]:
        found = _read_document(path, reference_only)
        if isinstance(found, Located):
            documents.append(found)
        elif not reference_only:
            problems.extend(found)
    library, found_problems = _assemble(documents, resources_dir)
    return library, problems + found_problems


def _assemble(
    documents: Sequence[Located], resources_dir: Path | None
) -> tuple[FrameworkLibrary, list[FrameworkProblem]]:
    """Check validated documents together (ids unique, scales resolved, references between
    files) into a library; reference-only documents' own problems are not reported."""
    problems: list[FrameworkProblem] = []
    scales = _unique(_expand_scales(documents), "rating scale", problems)
    frameworks_raw = _unique(
        [d for d in documents if isinstance(d.obj, Framework)], "framework", problems
    )
    schemes = _unique(
        [d for d in documents if isinstance(d.obj, CategorisationScheme)], "scheme", problems
    )
    profiles = _unique(
        [d for d in documents if isinstance(d.obj, TrustProfile)], "profile", problems
    )

    frameworks: list[Located] = []
    for located in frameworks_raw:
        resolved, found = check_framework(located, scales)
        if not located.reference_only:
            problems.extend(found)
        if resolved is not None:
            frameworks.append(
                Located(resolved, located.source, located.prefix, located.reference_only)
            )
    vocabularies = _unique(
        [d for d in documents if isinstance(d.obj, TrustVocabulary)], "vocabulary", problems
    )
    overlays = _unique(
        [d for d in documents if isinstance(d.obj, FrameworkOverlay)], "framework overlay", problems
    )
    written = {d.obj.reference: d.obj for d in frameworks_raw}
    for located in overlays:
        made = _overlaid(located, frameworks, scales, problems)
        if made is not None:
            written[made[0].reference] = made[0]
            frameworks.append(made[1])
    problems.extend(
        p
        for p in check_references(frameworks, scales, schemes, profiles, resources_dir)
        if p is not None
    )
    resolved_ids = {d.obj.reference for d in frameworks}
    library = FrameworkLibrary(
        frameworks=tuple(sorted((d.obj for d in frameworks), key=_order)),
        scales=tuple(sorted((d.obj for d in scales), key=_order)),
        schemes=tuple(sorted((d.obj for d in schemes), key=_order)),
        profiles=tuple(sorted((d.obj for d in profiles), key=_order)),
        vocabularies=tuple(sorted((d.obj for d in vocabularies), key=_order)),
        written=MappingProxyType({r: f for r, f in written.items() if r in resolved_ids}),
    )
    # A shared criterion field's problem is found once per criterion: report it once.
    problems = sorted(dict.fromkeys(problems), key=lambda p: (str(p.file), p.line or 0))
    return library, problems


def _overlaid(
    located: Located,
    frameworks: list[Located],
    scales: Sequence[Located],
    problems: list[FrameworkProblem],
) -> tuple[Framework, Located] | None:
    """The framework an overlay makes (as written, and located and resolved), or None after
    reporting why it cannot be made."""
    overlay: FrameworkOverlay = located.obj
    report = not located.reference_only
    bases = sorted(
        (
            d.obj
            for d in frameworks
            if d.obj.id == overlay.base_id and overlay.base_version in (None, d.obj.version)
        ),
        key=lambda f: version_key(f.version),
    )
    if not bases:
        if report:
            problems.append(
                located.problem(
                    f"The framework '{overlay.extends}' is not installed; an overlay extends an "
                    "installed framework (its id, or id@version).",
                    "extends",
                )
            )
        return None
    made, found = apply_overlay(bases[-1], overlay)
    if found:
        if report:
            problems.extend(located.problem(message, *path) for message, path in found)
        return None
    if any(d.obj.reference == made.reference for d in frameworks):
        if report:
            problems.append(
                located.problem(
                    f"Duplicate id: the framework '{overlay.id}' version {overlay.version} is "
                    "already installed; give the overlay another id or a new version.",
                    "id",
                )
            )
        return None
    # Problems in what the overlay made are pointed at its 'extends' line: that is where the
    # two were put together.
    result_source = _OverlayResult(located.source)
    resolved, found_problems = check_framework(
        Located(made, result_source, (), located.reference_only), scales
    )
    if report:
        problems.extend(found_problems)
    if resolved is None or found_problems:
        return None
    return made, Located(prune_scales(resolved), located.source, (), located.reference_only)


class _OverlayResult:
    """Where a problem in an overlay's result is reported: the overlay's ``extends``."""

    def __init__(self, overlay: DocumentSource) -> None:
        self.overlay = overlay
        self.path = overlay.path
        self.data = overlay.data
        self.named = getattr(overlay, "named", False)

    def line_of(self, path: Sequence[str | int]) -> int | None:
        return self.overlay.line_of(("extends",))

    def cell_of(self, path: Sequence[str | int]) -> str | None:
        return self.overlay.cell_of(("extends",))


def _order(obj: Any) -> tuple[str, tuple[int, ...]]:
    return obj.id, version_key(obj.version)


#: The most a framework document may hold, so that a hostile file cannot exhaust the machine
#: (the largest shipped framework has under 60 criteria).
MAX_DOCUMENT_BYTES = 1024 * 1024
MAX_CRITERIA = 1000


def parse_yaml(path: Path, text: str, *, named: bool = True) -> YamlSource | list[FrameworkProblem]:
    """Parse YAML text into a source, or the problem with it. ``named``: the file's name must
    match what it holds (files in a frameworks folder; not uploads)."""
    if len(text) > MAX_DOCUMENT_BYTES:
        return [
            FrameworkProblem(
                path,
                None,
                "(file)",
                f"The file is {len(text) // 1024} KB; a framework file is at most "
                f"{MAX_DOCUMENT_BYTES // 1024} KB. Split it into several frameworks.",
            )
        ]
    try:
        source = YamlSource.parse(path, text)
    except YamlSyntaxError as exc:
        return [FrameworkProblem(path, exc.line, "(YAML syntax)", exc.sentence())]
    source.named = named
    return source


def read_document_bytes(path: Path, content: bytes) -> Any | list[FrameworkProblem]:
    """An uploaded or synced document (YAML text, or an ``.xlsx`` workbook when its name says
    so) as a source ready to check, or the problems that stop it being read."""
    if path.suffix.casefold() == ".xlsx":
        from reviewer_app.domain.frameworks.workbook_reader import read_framework_workbook

        source, problems = read_framework_workbook(path, content)
        if problems or source is None:
            return problems
        return source
    if len(content) > MAX_DOCUMENT_BYTES:
        return parse_yaml(path, "x" * (MAX_DOCUMENT_BYTES + 1))
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return [FrameworkProblem(path, None, "(file)", "The file is not UTF-8 text.")]
    return parse_yaml(path, text, named=False)


def validate_source(source: Any, reference_only: bool = False) -> Located | list[FrameworkProblem]:
    """The document a parsed source holds, validated against its kind, or its problems."""
    path = source.path
    data = source.data
    if not isinstance(data, dict):
        message = "The file is empty." if data is None else "The file should be a mapping of keys."
        return [FrameworkProblem(path, 1, "(top of the file)", message)]
    kind = data.get("kind")
    model = DOCUMENT_KINDS.get(kind) if isinstance(kind, str) else None
    if model is None:
        kinds = ", ".join(DOCUMENT_KINDS)
        message = (
            f"The required key 'kind' is missing; it says what the file holds ({kinds})."
            if kind is None
            else f"'{kind}' is not a kind of framework file; use one of {kinds}."
        )
        return [located_problem(source, ("kind",), message)]
    too_big = _too_many_criteria(data)
    if too_big:
        return [located_problem(source, ("sections",), too_big)]
    try:
        obj = model.model_validate(data)
    except ValidationError as exc:
        return problems_from_validation(exc, source)
    except RecursionError:
        return [located_problem(source, (), "The file is nested too deeply to be a framework.")]
    return Located(obj, source, (), reference_only)


def _too_many_criteria(data: dict[str, Any]) -> str | None:
    sections = data.get("sections")
    if not isinstance(sections, list):
        return None
    count = sum(
        len(s["criteria"])
        for s in sections
        if isinstance(s, dict) and isinstance(s.get("criteria"), list)
    )
    if count > MAX_CRITERIA:
        return (
            f"The framework has {count:,} criteria; a framework may have at most "
            f"{MAX_CRITERIA:,}. Split it into several frameworks."
        )
    return None


def check_sources(
    sources: Sequence[Any],
    *,
    base: FrameworkLibrary | None = None,
    resources_dir: Path | None = None,
) -> tuple[FrameworkLibrary, list[FrameworkProblem]]:
    """Check parsed sources (uploads, synced documents) together with a library they may refer
    to (the built-in frameworks, the trust's others). Returns the library of everything, the
    base included, and the sources' problems (the base's own are not reported)."""
    problems: list[FrameworkProblem] = []
    documents: list[Located] = []
    for source in sources:
        found = validate_source(source)
        if isinstance(found, Located):
            documents.append(found)
        else:
            problems.extend(found)
    if base is not None:
        documents.extend(_located_library(base))
    library, found = _assemble(documents, resources_dir)
    return library, problems + found


class _LibrarySource:
    """Stands for where an already loaded object came from (its problems are never reported)."""

    path = Path("(installed)")
    text = ""
    data: Any = None
    named = False

    def line_of(self, path: Sequence[str | int]) -> int | None:
        return None

    def cell_of(self, path: Sequence[str | int]) -> str | None:
        return None


_INSTALLED = _LibrarySource()


def _located_library(library: FrameworkLibrary) -> list[Located]:
    scales = RatingScaleSet.model_construct(kind="rating_scales", scales=library.scales)
    frameworks = [library.written.get(f.reference, f) for f in library.frameworks]
    objects: list[Any] = [*frameworks, *library.schemes, *library.profiles, *library.vocabularies]
    located = [Located(obj, _INSTALLED, (), True) for obj in objects]
    if library.scales:
        located.append(Located(scales, _INSTALLED, (), True))
    return located


def _read_document(path: Path, reference_only: bool) -> Located | list[FrameworkProblem]:
    """The objects in one file, or its problems."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        return [FrameworkProblem(path, None, "(file)", f"The file cannot be read: {exc.strerror}.")]
    except UnicodeDecodeError:
        return [FrameworkProblem(path, None, "(file)", "The file is not UTF-8 text.")]
    cached = _validated_documents.get(text)
    if cached is not None:
        data, obj = cached
        return Located(obj, YamlSource(path=path, text=text, data=data), (), reference_only)
    source = parse_yaml(path, text)
    if isinstance(source, list):
        return source
    found = validate_source(source, reference_only)
    if isinstance(found, Located):
        _validated_documents.put(text, (source.data, found.obj))
    return found


class _DocumentCache:
    """File text -> (parsed data, validated object) for files that validated cleanly.

    Loading again after a file changes re-reads only that file: the key is the text itself, so an
    edit can never be served stale. The objects are immutable, so sharing them is safe.
    """

    def __init__(self, size: int) -> None:
        self._size = size
        self._entries: OrderedDict[str, tuple[Any, BaseModel]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, text: str) -> tuple[Any, BaseModel] | None:
        """The cached entry for this text, if any."""
        with self._lock:
            entry = self._entries.get(text)
            if entry is not None:
                self._entries.move_to_end(text)
            return entry

    def put(self, text: str, entry: tuple[Any, BaseModel]) -> None:
        """Remember a cleanly validated file, forgetting the oldest beyond the size."""
        with self._lock:
            self._entries[text] = entry
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)


_validated_documents = _DocumentCache(size=512)


def _expand_scales(documents: Iterable[Located]) -> list[Located]:
    return [
        Located(scale, d.source, ("scales", i), d.reference_only)
        for d in documents
        if isinstance(d.obj, RatingScaleSet)
        for i, scale in enumerate(d.obj.scales)
    ]


def _unique(found: list[Located], noun: str, problems: list[FrameworkProblem]) -> list[Located]:
    """Drop duplicates of (id, version), reporting each; checked files win over references."""
    found = sorted(found, key=lambda d: d.reference_only)
    kept: dict[tuple[str, str], Located] = {}
    for located in found:
        key = (located.obj.id, located.obj.version)
        first = kept.get(key)
        if first is None:
            kept[key] = located
        elif not located.reference_only and not first.reference_only:
            problems.append(
                located.problem(
                    f"Duplicate id: the {noun} '{key[0]}' version {key[1]} is already defined in "
                    f"{first.source.path} (line {first.line()}). Give this one another id or a "
                    "new version.",
                    "id",
                )
            )
    return list(kept.values())
