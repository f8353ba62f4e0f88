"""``reviewer-app frameworks``: check, list, and export the JSON Schema of framework files.

    reviewer-app frameworks check [PATH...]   every problem with file and line (or sheet and cell)
    reviewer-app frameworks list              what is installed
    reviewer-app frameworks schema [--check]  write (or check) frameworks/schema/*.json
    reviewer-app frameworks to-xlsx ID[@VERSION] --out F.xlsx    a framework as a workbook
    reviewer-app frameworks from-xlsx F.xlsx --out F.yaml        a checked workbook as YAML
    reviewer-app frameworks diff ID@VERSION ID@VERSION            what changed between versions

Exit status: 0 clean, 1 problems found. Never a traceback: unexpected failures are logged and
reported in a sentence.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from reviewer_app import paths
from reviewer_app.commands import framework_workbooks as workbooks
from reviewer_app.domain.errors import ReviewerError
from reviewer_app.domain.frameworks import (
    FrameworkLoadError,
    check_files,
    framework_files,
    load_library,
)
from reviewer_app.domain.frameworks.schema_export import stale_schema_files, write_schemas

log = logging.getLogger(__name__)


def register(parser: argparse.ArgumentParser) -> None:
    """Add the ``check``, ``list`` and ``schema`` actions."""
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    check = actions.add_parser(
        "check", help="check framework files and print every problem (default: all installed)"
    )
    check.add_argument(
        "paths", nargs="*", type=Path, metavar="PATH", help="files or folders to check"
    )
    listing = actions.add_parser(
        "list", help="the frameworks this laptop has (built in and the trust's), scales, schemes"
    )
    schema = actions.add_parser("schema", help="write the JSON Schema files to frameworks/schema/")
    schema.add_argument(
        "--check", action="store_true", help="only report whether the schema files are current"
    )
    to_xlsx = actions.add_parser("to-xlsx", help="write a framework as a workbook to edit")
    to_xlsx.add_argument(
        "reference", metavar="ID[@VERSION]", help="e.g. learning-walk or learning-walk@2"
    )
    to_xlsx.add_argument("--out", type=Path, required=True, metavar="F.xlsx")
    from_xlsx = actions.add_parser("from-xlsx", help="check a workbook and write it as YAML")
    from_xlsx.add_argument("workbook", type=Path, metavar="F.xlsx")
    from_xlsx.add_argument("--out", type=Path, required=True, metavar="F.yaml")
    diff = actions.add_parser("diff", help="what changed between two versions of a framework")
    diff.add_argument("before", metavar="ID@VERSION")
    diff.add_argument("after", metavar="ID@VERSION")
    from reviewer_app.cli import add_store_arguments

    for sub in (listing, to_xlsx, diff):
        add_store_arguments(sub)


def run(args: argparse.Namespace) -> int:
    """Run the chosen action; returns the exit status."""
    try:
        if args.action == "check":
            return _check(list(args.paths))
        if args.action == "list":
            return _list(args)
        if args.action == "to-xlsx":
            return workbooks.to_xlsx(args.reference, args.out, args)
        if args.action == "from-xlsx":
            return workbooks.from_xlsx(args.workbook, args.out)
        if args.action == "diff":
            return workbooks.diff(args.before, args.after, args)
        return _schema(check_only=bool(args.check))
    except ReviewerError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except Exception:  # never a traceback on the command line; the log keeps it
        from reviewer_app.logging_setup import details_in_log

        log.exception("frameworks %s failed", args.action)
        print(
            f"Something went wrong while reading the framework files; {details_in_log()}.",
            file=sys.stderr,
        )
        return 1


def _check(targets: list[Path]) -> int:
    installed = paths.frameworks_dir()
    missing = [p for p in targets if not p.exists()]
    for path in missing:
        print(f"{path}: no such file or folder.", file=sys.stderr)
    if missing:
        return 1
    empty = [p for p in (targets or [installed]) if p.is_dir() and not framework_files(p)]
    for folder in empty:
        print(f"{folder}: the folder holds no framework files (*.yaml).", file=sys.stderr)
    if empty:
        return 1
    books = [p for p in targets if p.suffix.casefold() == ".xlsx"]
    files = [p for p in targets if p not in books]
    problems = workbooks.check_workbooks(books)
    if files:
        problems += check_files(
            files, reference_dirs=[installed], resources_dir=paths.resources_dir()
        )
    elif not books:
        problems = check_files([installed], resources_dir=paths.resources_dir())
    checked = ", ".join(str(p) for p in targets) if targets else str(installed)
    for problem in problems:
        print(problem)
    if problems:
        count = len(problems)
        print(f"{count} problem{'s' if count != 1 else ''} found in {checked}.", file=sys.stderr)
        return 1
    print(f"No problems found in {checked}.")
    return 0


def _list(args: argparse.Namespace) -> int:
    try:
        with workbooks.trust_workspace(args) as workspace:
            library = (
                workspace.library()
                if workspace is not None
                else load_library(paths.frameworks_dir(), resources_dir=paths.resources_dir())
            )
            received = workspace.frameworks.documents() if workspace is not None else []
    except FrameworkLoadError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    trusts = {
        (d.doc_id, d.version): d for d in received if d.kind in ("framework", "framework_overlay")
    }
    rows = [("ID", "VERSION", "SOURCE", "TITLE")]
    for f in library.frameworks:
        held = trusts.get((f.id, f.version))
        if held is None:
            source = "built in"
        else:
            source = "the trust's (draft)" if held.state == "draft" else "the trust's"
            if f.based_on:
                source += f", extends {f.based_on}"
        rows.append((f.id, f.version, source, f.title))
    _print_table("Frameworks", rows)
    unused = [d for d in received if d.refused or d.state == "retired"]
    if unused:
        _print_table(
            "The trust's documents not in use",
            [("ID", "VERSION", "WHY")]
            + [
                (
                    d.doc_id,
                    d.version,
                    "retired" if d.state == "retired" else f"refused: {d.refused}",
                )
                for d in unused
            ],
        )
    _print_table(
        "Rating scales",
        [("ID", "VERSION", "TITLE", "LEVELS")]
        + [
            (s.id, s.version, s.title, " / ".join(lvl.label for lvl in s.levels))
            for s in library.scales
        ],
    )
    _print_table(
        "Categorisation schemes",
        [("ID", "VERSION", "TITLE", "OWNER")]
        + [(s.id, s.version, s.title, s.owner) for s in library.schemes],
    )
    _print_table(
        "Trust profiles",
        [("ID", "VERSION", "TITLE", "SCHEME")]
        + [(p.id, p.version, p.title, p.scheme or "-") for p in library.profiles],
    )
    return 0


def _print_table(title: str, rows: Sequence[tuple[str, ...]]) -> None:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    print(title)
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        print("  " + "  ".join([*cells, row[-1]]))
    print()


def _schema(*, check_only: bool) -> int:
    folder = paths.frameworks_dir() / "schema"
    if check_only:
        stale = stale_schema_files(folder)
        for name in stale:
            print(f"{folder / name} is out of date with the framework models.", file=sys.stderr)
        if stale:
            print("Run 'reviewer-app frameworks schema' to rewrite it.", file=sys.stderr)
            return 1
        print(f"The JSON Schema files in {folder} are current.")
        return 0
    for path in write_schemas(folder):
        print(f"Wrote {path}")
    return 0
