"""``reviewer-app import BUNDLE``: add reviews from a bundle made by ``reviewer-app export``.

Importing the same bundle twice changes nothing the second time; unsent changes keep their
operation ids, so the trust server applies each once whichever laptop sends it. A bundle
encrypted with a passphrase asks for it (or ``--passphrase-file``); one encrypted to the trust's
key opens with the key file (``--key-file``), which only the trust's admins hold. Imported into a
new store that is not enrolled yet, a bundle restores its author's work, unsent changes included.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from reviewer_app.cli import add_store_arguments
from reviewer_app.commands.bundle_keys import (
    add_passphrase_argument,
    ask_passphrase,
    given_passphrase,
    read_identity,
)
from reviewer_app.commands.workspace_opening import open_workspace, run_safely


def register(parser: argparse.ArgumentParser) -> None:
    """Arguments: the bundle file to read, and its key."""
    parser.add_argument("bundle", type=Path, metavar="BUNDLE", help="the bundle to import")
    add_passphrase_argument(parser)
    parser.add_argument(
        "--key-file",
        type=Path,
        metavar="FILE",
        help="the trust's bundle key, for a bundle encrypted to the trust (admins)",
    )
    add_store_arguments(parser)


def run(args: argparse.Namespace) -> int:
    """Import the bundle; prints what was added."""

    def body() -> int:
        from reviewer_app.services.review_bundles import import_bundle, read_bundle
        from reviewer_app.sync.bundle_sealing import BundleLockedError

        identities = read_identity(args.key_file) if args.key_file else ()
        passphrase = given_passphrase(args)
        try:
            bundle = read_bundle(args.bundle, passphrase=passphrase, identities=identities)
        except BundleLockedError as locked:
            if passphrase is not None or not locked.wants_passphrase:
                raise
            asked = ask_passphrase(f"Passphrase of {args.bundle.name}: ", twice=False)
            bundle = read_bundle(args.bundle, passphrase=asked, identities=identities)
        with open_workspace(args) as workspace:
            restore = workspace.needs_setup
            summary = import_bundle(
                workspace.store,
                workspace.lane,
                bundle,
                workspace.current_person,
                restore=restore,
            )
        if restore:
            print("This new store now holds the work of the bundle's author (a restore).")
        print(
            f"Imported {summary.reviews} new review(s), {summary.records} record(s), "
            f"{summary.files} file(s) and {summary.signed_reports} signed report(s); "
            f"{summary.queued} change(s) will be sent at the next sync."
        )
        if summary.not_queued:
            print(
                f"{summary.not_queued} unsent change(s) belong to another reviewer and will reach "
                "the trust from their own laptop."
            )
        return 0

    return run_safely("import", body, args)
