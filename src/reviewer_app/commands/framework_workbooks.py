"""``reviewer-app frameworks to-xlsx | from-xlsx | diff``: author frameworks in a workbook and
see what changed between versions.

    reviewer-app frameworks to-xlsx learning-walk --out walk.xlsx
    reviewer-app frameworks to-xlsx docs/framework-template.yaml --out docs/framework-template.xlsx
    reviewer-app frameworks from-xlsx walk.xlsx --out our-walk.yaml
    reviewer-app frameworks diff half-termly-core-visit@1 half-termly-core-visit@2

``from-xlsx`` writes nothing unless the workbook passes the checker; every problem is named by
sheet and cell with what to do.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from reviewer_app import paths
from reviewer_app.domain.errors import NotFoundError
from reviewer_app.domain.frameworks import (
    Framework,
    FrameworkLibrary,
    FrameworkProblem,
    load_library,
)
from reviewer_app.domain.frameworks.diff import FrameworkDiff, diff_frameworks
from reviewer_app.domain.frameworks.frozen_model import split_reference

if TYPE_CHECKING:
    from reviewer_app.services.workspace import Workspace


def available_library(args: argparse.Namespace | None = None) -> FrameworkLibrary:
    """The frameworks this laptop has: built in, and the trust's received at sync when the
    store named by ``--data-dir`` exists (raises ``FrameworkLoadError`` naming a broken file)."""
    with trust_workspace(args) as workspace:
        if workspace is not None:
            return workspace.library()
    return load_library(paths.frameworks_dir(), resources_dir=paths.resources_dir())


@contextmanager
def trust_workspace(args: argparse.Namespace | None) -> Iterator[Workspace | None]:
    """The laptop's store when one exists (never made here), else None."""
    if args is None or getattr(args, "demo", False):
        yield None
        return
    from reviewer_app.paths import AppPaths

    if not AppPaths.resolve(getattr(args, "data_dir", None)).store_file.exists():
        yield None
        return
    from reviewer_app.commands.workspace_opening import open_workspace

    with open_workspace(args) as workspace:
        yield workspace


def _find(library: FrameworkLibrary, reference: str) -> Framework:
    framework_id, version = split_reference(reference)
    return library.get(framework_id, version)


def to_xlsx(reference: str, out: Path, args: argparse.Namespace | None = None) -> int:
    """Write the framework (latest version unless ``@VERSION``) as a workbook."""
    from reviewer_app.domain.frameworks.workbook_writer import framework_workbook

    library = available_library(args)
    if reference.endswith((".yaml", ".yml")):
        written = _framework_file(Path(reference), library)
        if written is None:
            return 1
        framework = written
    else:
        framework = _find(library, reference)
        written = library.written.get(framework.reference, framework)
    content = framework_workbook(written, shared_scales=[s.id for s in library.scales])
    _write(out, content)
    print(f"Wrote {framework.title} (version {framework.version}) to {out}.")
    return 0


def _framework_file(path: Path, library: FrameworkLibrary) -> Framework | None:
    """A framework file that is not installed (a template, a draft), checked; None after
    printing its problems."""
    from reviewer_app.domain.frameworks.library import check_sources, read_document_bytes

    if not path.is_file():
        print(f"{path}: no such file.", file=sys.stderr)
        return None
    source = read_document_bytes(path, path.read_bytes())
    problems = source if isinstance(source, list) else check_sources([source], base=library)[1]
    for problem in problems:
        print(problem)
    if isinstance(source, list) or problems:
        print(f"{len(problems)} problem(s) found in {path}; nothing was written.", file=sys.stderr)
        return None
    framework: Framework = Framework.model_validate(source.data)
    return framework


def check_workbooks(books: Sequence[Path]) -> list[FrameworkProblem]:
    """Every problem in these workbooks, checked against the frameworks this laptop has."""
    if not books:
        return []
    from reviewer_app.domain.frameworks.library import check_sources, read_document_bytes

    library = available_library()
    problems: list[FrameworkProblem] = []
    for book in books:
        source = read_document_bytes(book, book.read_bytes())
        if isinstance(source, list):
            problems.extend(source)
            continue
        _, found = check_sources([source], base=library)
        problems.extend(found)
    return problems


def from_xlsx(book: Path, out: Path) -> int:
    """Check a workbook and, when it has no problem, write it as YAML."""
    from reviewer_app.domain.frameworks.library import check_sources, read_document_bytes
    from reviewer_app.domain.frameworks.yaml_writer import document_yaml

    if not book.is_file():
        print(f"{book}: no such file.", file=sys.stderr)
        return 1
    library = available_library()
    source = read_document_bytes(book, book.read_bytes())
    problems = source if isinstance(source, list) else check_sources([source], base=library)[1]
    if isinstance(source, list) or problems:
        for problem in problems:
            print(problem)
        count = len(problems)
        print(
            f"{count} problem{'s' if count != 1 else ''} found in {book}; nothing was written.",
            file=sys.stderr,
        )
        return 1
    framework = Framework.model_validate(source.data)
    text = document_yaml(framework, note=f"Made from the workbook {book.name}.")
    _write(out, text.encode("utf-8"))
    print(f"No problems found in {book}. Wrote {framework.reference} to {out}.")
    return 0


def diff(before: str, after: str, args: argparse.Namespace | None = None) -> int:
    """Print what changed from one framework version to another."""
    library = available_library(args)
    for reference in (before, after):
        if "@" not in reference:
            raise NotFoundError(
                f"'{reference}' names no version.",
                hint="Write the framework as ID@VERSION, e.g. learning-walk@1.",
            )
    print(describe_diff(diff_frameworks(_find(library, before), _find(library, after))))
    return 0


def describe_diff(changes: FrameworkDiff) -> str:
    """The changes as lines of text, grouped as the console page groups them."""
    lines = [f"{changes.before} -> {changes.after}"]
    if changes.is_empty:
        lines.append("No differences.")
        return "\n".join(lines)
    groups = (
        ("added", "Added criteria", "+"),
        ("removed", "Removed criteria", "-"),
        ("reworded", "Reworded criteria", "~"),
        ("rescaled", "Criteria rated on changed scales", "~"),
        ("changed", "Criteria shown differently", "~"),
    )
    for kind, heading, mark in groups:
        found = changes.of_kind(kind)  # type: ignore[arg-type]
        if not found:
            continue
        lines.append("")
        lines.append(f"{heading} ({len(found)})")
        for change in found:
            lines.append(f"  {mark} {change.criterion_id}: {change.title} ({change.section_title})")
            for difference in change.differences:
                lines.append(
                    f"      {difference.what}: {difference.before!r} -> {difference.after!r}"
                )
    if changes.scales:
        lines.append("")
        lines.append(f"Changed scales ({len(changes.scales)})")
        for scale in changes.scales:
            parts = [f"level added: {label}" for label in scale.added]
            parts += [f"level removed: {label}" for label in scale.removed]
            parts += [f"relabelled: {a} -> {b}" for a, b in scale.relabelled]
            lines.append(f"  ~ {scale.before} -> {scale.after}: " + "; ".join(parts))
    for heading, items in (
        ("Sections added", changes.sections_added),
        ("Sections removed", changes.sections_removed),
        ("Fields added", changes.fields_added),
        ("Fields removed", changes.fields_removed),
    ):
        if items:
            lines.append("")
            lines.append(f"{heading} ({len(items)})")
            lines.extend(f"  {item}" for item in items)
    lines.append("")
    lines.append(
        f"Unchanged criteria: {len(changes.unchanged)} (answers to these may be carried forward "
        "from the school's last signed review, to be confirmed)."
    )
    return "\n".join(lines)


def _write(out: Path, content: bytes) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    partial.write_bytes(content)
    partial.replace(out)
