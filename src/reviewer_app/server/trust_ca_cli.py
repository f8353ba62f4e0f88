"""The trust CA as the server's command line meets it: where it is, its passphrase, and the
``admin renew-timestamps`` command that needs both.

Kept apart from :mod:`.cli` (the dispatcher) so that module stays a table of commands.
"""

from __future__ import annotations

import argparse
import logging
import os
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from reviewer_app.domain.errors import ReviewerError

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from reviewer_app.server.trust_authority import TrustAuthority

log = logging.getLogger(__name__)

#: The trust CA folder (as made by ``reviewer-app ca init``).
CA_DIR_ENV = "REVIEWER_CA_DIR"
#: The CA key's passphrase (the same variable ``reviewer-app ca`` reads).
CA_PASSPHRASE_ENV = "REVIEWER_CA_PASSPHRASE"  # noqa: S105 (a variable's name, not a secret)

WITHOUT_CA_KEY_NOTICE = (
    "Running without the trust CA's passphrase: no certificates are issued at enrolment, "
    "nothing is time-stamped, and fully signed reports wait for long-term data until the "
    "server runs with it ('admin reports' lists them)."
)


def trust_authority(args: argparse.Namespace) -> TrustAuthority | None:
    from reviewer_app.server.trust_authority import TrustAuthority

    folder = args.ca_dir or (Path(os.environ[CA_DIR_ENV]) if os.environ.get(CA_DIR_ENV) else None)
    if folder is None:
        log.info("No trust CA configured: signed reports will be refused, no certificates issued")
        return None
    passphrase: bytes | None = None
    if args.ca_passphrase_file is not None:
        try:
            passphrase = args.ca_passphrase_file.read_bytes().rstrip(b"\r\n")
        except OSError as exc:
            raise ReviewerError(
                f"The passphrase file {args.ca_passphrase_file} cannot be read.",
                hint="Check the path and its permissions.",
            ) from exc
    elif os.environ.get(CA_PASSPHRASE_ENV):
        passphrase = os.environ[CA_PASSPHRASE_ENV].encode("utf-8")
    authority = TrustAuthority(folder=folder.expanduser().resolve(), passphrase=passphrase)
    from reviewer_app.reports.ca import CaFolder

    # A missing CA folder or a wrong passphrase fails at start-up, not at the first enrolment.
    CaFolder(authority.folder).root_certificate()
    if passphrase is not None:
        CaFolder(authority.folder).unlock(passphrase)
    return authority


def renew_timestamps(args: argparse.Namespace, engine: Engine, data_dir: Path) -> int:
    """``admin renew-timestamps``: the long-term versions fully signed reports are owed."""
    from reviewer_app.server.audit import Actor
    from reviewer_app.server.blob_store import BlobStore
    from reviewer_app.server.long_term_upkeep import FRESHER_BY, bring_up_to_date

    if not 1 <= args.within_days <= 3650:
        raise ReviewerError(
            f"--within-days {args.within_days} is not a number of days from 1 to 3650.",
            hint="Give the days before a timestamp's certificate expires, like 90.",
        )
    within = timedelta(days=args.within_days)
    seal = None
    if not args.dry_run:
        authority = trust_authority(args)
        if authority is None or not authority.can_timestamp:
            raise ReviewerError(
                "Renewing timestamps needs the trust CA and its key's passphrase.",
                hint=f"Give --ca-dir and --ca-passphrase-file (or {CA_DIR_ENV} and "
                f"{CA_PASSPHRASE_ENV}); --dry-run lists the reports without them.",
            )
        seal = authority.seal_long_term

        def before_renewing() -> object:
            # New timestamps from a certificate that outlives the ones they renew.
            assert authority is not None
            return authority.time_stamping_certificate(fresh_for=within + FRESHER_BY)

    lines = bring_up_to_date(
        engine,
        BlobStore(data_dir / "blobs"),
        seal,
        within=within,
        dry_run=args.dry_run,
        before_renewing=None if args.dry_run else before_renewing,
        actor=Actor.command_line(),
    )
    print("\n".join(lines) if lines else "No signed report is owed a long-term version.")
    return 0
