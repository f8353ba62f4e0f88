"""``reviewer-app enrol SERVER_URL CODE`` (or ``enrol LINK``): connect this laptop to the trust
server.

The one-time code comes from the trust admin. The device token is kept in the system keyring;
from then on ``reviewer-app sync`` (and the app) sync with that server as you.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from reviewer_app.cli import add_store_arguments
from reviewer_app.commands.workspace_opening import open_workspace, run_safely
from reviewer_app.domain.errors import ReviewerError


def register(parser: argparse.ArgumentParser) -> None:
    """Arguments: the server address and the code; optionally a device name and a public key."""
    parser.add_argument(
        "server_url",
        metavar="SERVER_URL",
        help="the trust server's address, or the enrolment link from the trust console",
    )
    parser.add_argument(
        "code", metavar="CODE", nargs="?", help="the one-time code from your trust admin"
    )
    parser.add_argument("--device-name", help="what the trust admin sees this laptop as")
    parser.add_argument(
        "--certificate-request",
        type=Path,
        metavar="CSR",
        help="a certificate request (PEM) for your signing key, to be certified by the trust",
    )
    add_store_arguments(parser)


def run(args: argparse.Namespace) -> int:
    """Enrol; prints who this laptop now syncs as."""

    def body() -> int:
        from reviewer_app.services import enrolment
        from reviewer_app.sync.enrol_link import parse_enrol_link

        server_url, code = args.server_url, args.code
        parsed = parse_enrol_link(server_url)
        if parsed is not None:
            server_url, code = parsed
        if not code:
            raise ReviewerError(
                "Give the one-time code after the server address, or the whole enrolment link."
            )
        certificate_request = None
        if args.certificate_request is not None:
            try:
                certificate_request = args.certificate_request.read_text(encoding="utf-8")
            except OSError as exc:
                raise ReviewerError(
                    f"The certificate request file {args.certificate_request} could not be read "
                    f"({exc.strerror})."
                ) from exc
        from reviewer_app.paths import AppPaths

        with open_workspace(args) as workspace:
            done = enrolment.enrol(
                workspace.store,
                workspace.lane,
                server_url,
                code,
                device_name=args.device_name,
                certificate_request_pem=certificate_request,
                paths=AppPaths.resolve(getattr(args, "data_dir", None)),
            )
        print(f"This laptop is enrolled with {done.server_url} as {done.person_name}.")
        if done.has_certificate:
            print("The trust issued a certificate for your signing key.")
        else:
            print(
                "The trust server issued no certificate for your signing key, so you cannot "
                "sign reports on this laptop; ask your trust admin to set up the trust's "
                "certificate authority, then enrol again with a new code."
            )
        print("Run 'reviewer-app sync' to fetch your visits.")
        return 0

    return run_safely("enrol", body, args)
