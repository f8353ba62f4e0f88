"""``reviewer-app import BUNDLE``: add reviews from a JSON bundle made by ``reviewer-app export``.

Importing the same bundle twice changes nothing the second time; unsent changes keep their
operation ids, so the trust server applies each once whichever laptop sends it.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from reviewer_app.cli import add_store_arguments
from reviewer_app.commands.workspace_opening import open_workspace, run_safely


def register(parser: argparse.ArgumentParser) -> None:
    """Arguments: the bundle file to read."""
    parser.add_argument("bundle", type=Path, metavar="BUNDLE", help="the JSON file to import")
    add_store_arguments(parser)


def run(args: argparse.Namespace) -> int:
    """Import the bundle; prints what was added."""

    def body() -> int:
        from reviewer_app.services.review_bundles import import_bundle, read_bundle

        bundle = read_bundle(args.bundle)
        with open_workspace(args) as workspace:
            summary = import_bundle(
                workspace.store, workspace.lane, bundle, workspace.current_person.id
            )
        print(
            f"Imported {summary.reviews} new review(s), {summary.records} record(s) and "
            f"{summary.files} file(s); {summary.queued} change(s) will be sent at the next sync."
        )
        if summary.not_queued:
            print(
                f"{summary.not_queued} unsent change(s) belong to another reviewer and will reach "
                "the trust from their own laptop."
            )
        return 0

    return run_safely("import", body)
