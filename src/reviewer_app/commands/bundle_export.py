"""``reviewer-app export BUNDLE``: reviews as an encrypted bundle, for backup and moving machines.

The bundle carries each review the person may see with its visit, records, shared answers,
attachments (the files themselves), signed reports and the changes not yet sent to the trust
server, under their operation ids; restricted safeguarding detail only for safeguarding roles.
It is encrypted with a passphrase (asked twice, or ``--passphrase-file``), or with
``--for-trust`` to the trust's key so only the trust can open it. ``--plaintext`` writes readable
JSON, for trust admins only. Every export is recorded in the audit log the trust receives.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from reviewer_app.cli import add_store_arguments
from reviewer_app.commands.bundle_keys import (
    add_passphrase_argument,
    ask_passphrase,
    given_passphrase,
)
from reviewer_app.commands.workspace_opening import open_workspace, run_safely


def register(parser: argparse.ArgumentParser) -> None:
    """Arguments: the bundle file to write; ``--review ID`` (repeatable) to choose reviews; how to
    seal it."""
    parser.add_argument(
        "bundle",
        type=Path,
        metavar="BUNDLE",
        help="the file to write (NAME.reviewer opens in Reviewer on another laptop)",
    )
    parser.add_argument(
        "--review", action="append", default=None, metavar="ID", help="export only this review"
    )
    how = parser.add_mutually_exclusive_group()
    how.add_argument(
        "--for-trust",
        action="store_true",
        help="encrypt to the trust's key: only the trust's server or an admin can open it",
    )
    how.add_argument(
        "--plaintext",
        action="store_true",
        help="write readable, unencrypted JSON (trust admins only)",
    )
    add_passphrase_argument(parser)
    add_store_arguments(parser)


def run(args: argparse.Namespace) -> int:
    """Write the bundle; prints what it holds and what was kept out."""

    def body() -> int:
        from reviewer_app.services.bundle_exports import BundleExport, export_to_file

        with open_workspace(args) as workspace:
            plan = BundleExport.plan(
                workspace,
                for_trust=args.for_trust,
                plaintext=args.plaintext,
                passphrase=lambda: (
                    given_passphrase(args)
                    or ask_passphrase("Choose a passphrase for the bundle: ", twice=True)
                ),
            )
            if plan.sealing is None:
                print(
                    "Warning: this bundle is NOT encrypted. Anyone who gets the file can read "
                    "every review in it. Keep it on the trust's secure storage and delete it "
                    "when done.",
                    file=sys.stderr,
                )
            done = export_to_file(workspace, plan, args.bundle, args.review)
        for words in done.left_out:
            print(f"Left out (safeguarding roles only): {words}.")
        if done.withheld:
            print(
                f"{done.withheld} restricted record(s) and answer(s) were kept out: they are for "
                "safeguarding roles only."
            )
        reviews = done.reviews
        print(
            f"Exported {reviews} review{'s' if reviews != 1 else ''} with {done.files} file(s), "
            f"{done.signed_reports} signed report(s) and {done.unsent} unsent change(s) to "
            f"{args.bundle}, {done.described}."
        )
        return 0

    return run_safely("export", body, args)
