"""``reviewer-app report``: export, sign and check the reports of reviews in the local store.

* ``report export VISIT_ID --audience NAME --out FILE.pdf`` writes the newest signed version for
  that audience if there is one, else the review as it stands, unsigned; the output says which.
* ``report sign VISIT_ID --audience NAME [--passphrase-file F]`` adds your signature (in the
  framework's order; the last signature locks the review). Without a passphrase file the key is
  kept in the system keyring.
* ``report verify VISIT_ID --audience NAME`` checks the stored signed version against the trust
  and the review's current data.
* ``report demo-root --out FILE.pem`` writes the demo trust's root certificate, for
  ``reviewer-app verify REPORT.pdf --trust-root FILE.pem`` on the demo's signed reports.

Exit status: 0 done (for ``verify``: the report is valid); 1 refused or failed, with a sentence
saying why (no such visit, not ready for sign-off, not your turn, the review changed since the
last signature, the report is not valid); 2 wrong arguments. Never a traceback: those go to the
log file.
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import logging
import sys
from pathlib import Path

from reviewer_app.cli import add_store_arguments
from reviewer_app.domain.errors import ReviewerError

log = logging.getLogger(__name__)

EXIT_DONE = 0
EXIT_REFUSED = 1


def register(parser: argparse.ArgumentParser) -> None:
    parser.description = "Export, sign and check the reports of reviews on this computer."
    commands = parser.add_subparsers(dest="report_command", metavar="COMMAND", required=True)

    def visit_command(name: str, help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.add_argument("visit_id", metavar="VISIT_ID", help="the visit whose review to report")
        sub.add_argument(
            "--audience",
            default="school_facing",
            metavar="NAME",
            help="full_internal, school_facing, board_summary or the framework's own "
            "(default: school_facing)",
        )
        add_store_arguments(sub)
        return sub

    export = visit_command("export", "Write the report of a visit's review as a PDF.")
    export.add_argument("--out", type=Path, required=True, metavar="FILE.pdf")
    sign = visit_command(
        "sign",
        "Sign the reports of a visit's review as the next signer: every audience's report "
        "whose next signature is yours, in one act (or only --audience NAME).",
    )
    sign.set_defaults(audience=None)
    sign.add_argument(
        "--passphrase-file",
        type=Path,
        metavar="FILE",
        help="keep your signing key in a file protected by the passphrase in FILE "
        "(default: the system keyring)",
    )
    sign.add_argument("--out", type=Path, metavar="FILE.pdf", help="also write the signed PDF")
    visit_command("verify", "Check the stored signed report against the review's data.")
    root = commands.add_parser(
        "demo-root",
        help="Write the demo trust's root certificate.",
        description="Write the demo trust's root certificate, to verify the demo's reports.",
    )
    root.add_argument("--out", type=Path, required=True, metavar="FILE.pem")
    add_store_arguments(root)


def run(args: argparse.Namespace) -> int:
    from reviewer_app.paths import AppPaths

    paths = AppPaths.resolve(getattr(args, "data_dir", None))
    _log_to_file(paths)
    try:
        return _run(args, paths)
    except ReviewerError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_REFUSED
    except KeyboardInterrupt:
        print("Stopped before finishing; nothing was changed.", file=sys.stderr)
        return EXIT_REFUSED
    except Exception:
        log.exception("report %s failed unexpectedly", args.report_command)
        print(
            f"The report could not be made because of an internal error; the details are in "
            f"the log ({paths.log_file}).",
            file=sys.stderr,
        )
        return EXIT_REFUSED


def _run(args: argparse.Namespace, paths: object) -> int:
    from reviewer_app.paths import AppPaths
    from reviewer_app.services.report_service import ReportService
    from reviewer_app.services.workspace import Workspace

    assert isinstance(paths, AppPaths)
    demo = bool(getattr(args, "demo", False)) or args.report_command == "demo-root"
    if demo:
        from reviewer_app.demo.demo_trust import open_demo_workspace

        opened = open_demo_workspace(paths)
    else:
        opened = Workspace.open(paths, passphrase=_ask_store_passphrase)
    with opened as workspace:
        if args.report_command == "demo-root":
            from reviewer_app.demo.reports import export_demo_root

            out = export_demo_root(workspace, args.out)
            print(f"Wrote the demo trust's root certificate to {out}.")
            print(f"Check a demo report with: reviewer-app verify REPORT.pdf --trust-root {out}")
            return EXIT_DONE
        service = ReportService(workspace, paths)
        if args.report_command == "export":
            result = service.export(args.visit_id, args.audience, args.out)
            print(result.sentence)
            print(f"Report {result.report_id}; data hash {result.data_hash}")
            return EXIT_DONE
        if args.report_command == "sign":
            passphrase = _read_passphrase(args.passphrase_file)
            if args.audience is None:
                results = service.sign_every_audience(args.visit_id, passphrase=passphrase)
            else:
                results = [service.sign(args.visit_id, args.audience, passphrase=passphrase)]
            for signed in results:
                version = signed.version
                print(
                    f"Signed the {version.audience.replace('_', ' ')} report as "
                    f"{version.signer_name}: {version.signer_count} of "
                    f"{version.required_count} signatures."
                )
            first = results[0]
            if not first.certified_by_trust:
                print(
                    "Your certificate is self-issued, so verifiers will say the signature is "
                    "not certified by the trust. Enrol with the trust to get one that is."
                )
            if any(r.locked for r in results):
                print("Every required signature is on the report; the review is now locked.")
            if first.queued:
                print(
                    "It goes to the trust server, and to the next signer, at your next sync "
                    "('reviewer-app sync')."
                )
            if args.out is not None:
                args.out.write_bytes(first.version.pdf)
                print(f"Wrote the signed report to {args.out}.")
            return EXIT_DONE
        result_v = service.verify_stored(args.visit_id, args.audience)
        print(result_v.headline)
        for line in result_v.sentences():
            print(f"  {line}")
        return EXIT_DONE if result_v.passed else EXIT_REFUSED


def _read_passphrase(path: Path | None) -> str | None:
    if path is None:
        return None
    try:
        text = path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ReviewerError(
            f"The passphrase file {path} could not be read ({exc.strerror or exc}).",
            hint="Check the file's name.",
        ) from None
    if not text:
        raise ReviewerError(f"The passphrase file {path} is empty.")
    return text


def _ask_store_passphrase(path: Path, creating: bool) -> str:
    if not sys.stdin.isatty():
        raise ReviewerError(
            f"The store {path} needs its passphrase, and this command is not run in a terminal.",
            hint="Run the command in a terminal, or set up the system keyring.",
        )
    question = "Choose a passphrase for the new store: " if creating else "Store passphrase: "
    return getpass.getpass(question)


def _log_to_file(paths: object) -> None:
    from reviewer_app import logging_setup
    from reviewer_app.paths import AppPaths

    assert isinstance(paths, AppPaths)
    with contextlib.suppress(OSError):
        logging_setup.configure(paths.log_file)
