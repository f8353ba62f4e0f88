"""``reviewer-app export BUNDLE``: reviews as a JSON bundle, for backup and moving machines.

The bundle carries each review with its visit, records, shared answers, attachments (the files
themselves) and the changes not yet sent to the trust server, under their operation ids.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from reviewer_app.cli import add_store_arguments
from reviewer_app.commands.workspace_opening import open_workspace, run_safely


def register(parser: argparse.ArgumentParser) -> None:
    """Arguments: the bundle file to write; ``--review ID`` (repeatable) to choose reviews."""
    parser.add_argument(
        "bundle",
        type=Path,
        metavar="BUNDLE",
        help="the file to write (NAME.reviewer opens in Reviewer on another laptop)",
    )
    parser.add_argument(
        "--review", action="append", default=None, metavar="ID", help="export only this review"
    )
    add_store_arguments(parser)


def run(args: argparse.Namespace) -> int:
    """Write the bundle; prints what it holds."""

    def body() -> int:
        from reviewer_app.services.review_bundles import export_bundle, write_bundle

        with open_workspace(args) as workspace:
            bundle = export_bundle(workspace.store, args.review)
        write_bundle(bundle, args.bundle)
        reviews = len(bundle["reviews"])
        unsent = sum(len(r["operations"]) for r in bundle["reviews"])
        print(
            f"Exported {reviews} review{'s' if reviews != 1 else ''} with "
            f"{len(bundle['blobs'])} file(s) and {unsent} unsent change(s) to {args.bundle}."
        )
        return 0

    return run_safely("export", body)
