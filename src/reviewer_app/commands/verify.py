"""``reviewer-app verify REPORT.pdf``: check a signed report offline.

Exit status: 0 the report is valid, 1 it is not (the output says exactly why), 2 the input is
unusable (not a PDF, unreadable, no trust root). Never a traceback: those go to the log file.

The trust root comes from ``--trust-root``, else from ``trust-root.pem`` in the settings folder
(placed there at enrolment). Revocation lists: those embedded in the report, the cached
``trust-crl.pem`` in the cache folder if present, and any ``--crl`` given.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import sys
from pathlib import Path

from reviewer_app.cli import add_store_arguments
from reviewer_app.domain.errors import ReviewerError
from reviewer_app.paths import AppPaths

log = logging.getLogger(__name__)

EXIT_VALID = 0
EXIT_INVALID = 1
EXIT_UNUSABLE = 2

TRUST_ROOT_FILE = "trust-root.pem"
TRUST_CRL_FILE = "trust-crl.pem"


def register(parser: argparse.ArgumentParser) -> None:
    parser.description = "Verify a signed report offline against the trust's root certificate."
    parser.add_argument("report", type=Path, metavar="REPORT.pdf", help="the signed report")
    parser.add_argument(
        "--trust-root",
        type=Path,
        metavar="ROOT.pem",
        help="the trust's root certificate (default: the one saved at enrolment)",
    )
    parser.add_argument(
        "--crl",
        type=Path,
        action="append",
        default=[],
        metavar="CRL.pem",
        help="a newer revocation list from the trust (may be given more than once)",
    )
    parser.add_argument(
        "--expected-hash",
        metavar="SHA256",
        help="fail unless the report was made from data with this hash",
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    add_store_arguments(parser)


def _read(path: Path, what: str) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise ReviewerError(f"There is no file {path}.", hint=f"Check the {what}'s name.") from None
    except IsADirectoryError:
        raise ReviewerError(f"{path} is a folder, not a {what}.") from None
    except OSError as exc:
        raise ReviewerError(
            f"{path} cannot be read ({exc.strerror}).", hint="Check you may open the file."
        ) from None


def run(args: argparse.Namespace) -> int:
    paths = AppPaths.resolve(getattr(args, "data_dir", None))
    _log_to_file(paths)
    try:
        return _verify(args, paths)
    except ReviewerError as exc:
        _print_error(str(exc), args.json)
        return EXIT_UNUSABLE
    except Exception:
        log.exception("verify failed unexpectedly")
        _print_error(
            f"{args.report} could not be checked because of an internal error; the details are "
            f"in the log ({paths.log_file}).",
            args.json,
        )
        return EXIT_UNUSABLE


def _verify(args: argparse.Namespace, paths: AppPaths) -> int:
    from reviewer_app.reports.keys import load_certificates, load_crl
    from reviewer_app.services.report_checking import check_report

    root_path: Path | None = args.trust_root
    if root_path is None:
        saved = paths.config / TRUST_ROOT_FILE
        if not saved.is_file():
            raise ReviewerError(
                "No trust root certificate is known, so the signers cannot be checked.",
                hint="Pass --trust-root ROOT.pem (the trust's root-cert.pem).",
            )
        root_path = saved
    roots = load_certificates(_read(root_path, "trust root"), source=str(root_path))
    crl_paths = list(args.crl)
    cached = paths.cache / TRUST_CRL_FILE
    if cached.is_file():
        crl_paths.insert(0, cached)
    crls = [load_crl(_read(p, "revocation list"), source=str(p)) for p in crl_paths]
    pdf = _read(args.report, "report")
    checked = check_report(
        pdf,
        roots,
        crls,
        source=str(args.report),
        expected_hash=args.expected_hash,
        stored_hash=lambda report_id: _hash_in_local_store(args, paths, report_id),
    )
    result, checked_against_store = checked.verification, checked.checked_against_store
    if args.json:
        print(json.dumps(result.to_json(), indent=2, ensure_ascii=False))
    else:
        print(result.headline)
        for signature in result.signatures:
            mark = "✓" if signature.ok else "✗"
            print(f"  {mark} {signature.sentence}")
        for problem in result.problems:
            print(f"  ✗ {problem}")
        if result.revocation_list_issued is not None:
            issued = result.revocation_list_issued.strftime("%-d %B %Y, %H:%M UTC")
            print(f"  Revocation checked against the trust's list of {issued}.")
        if result.framework:
            print(f"  Framework {result.framework}; data hash {result.data_hash}")
        if checked_against_store:
            print("  Checked against the review in the local store.")
    return EXIT_VALID if result.passed else EXIT_INVALID


def _hash_in_local_store(args: argparse.Namespace, paths: AppPaths, report_id: str) -> str | None:
    """The data hash the local store's review now holds for ``report_id``, if it is there.

    Only an existing store is opened, never created, and never with a passphrase prompt; any
    trouble opening it means the check is skipped (the signatures are still checked).
    """
    demo = bool(getattr(args, "demo", False))
    store_file = paths.demo_store_file if demo else paths.store_file
    if not store_file.is_file():
        return None
    from reviewer_app.services.report_service import expected_data_hash
    from reviewer_app.services.workspace import Workspace

    def no_prompt(path: Path, creating: bool) -> str:
        raise ReviewerError(f"The store {path} needs its passphrase.")

    try:
        if demo:
            from reviewer_app.demo.demo_trust import open_demo_workspace

            opened = open_demo_workspace(paths)
        else:
            opened = Workspace.open(paths, passphrase=no_prompt)
        with opened as workspace:
            return expected_data_hash(workspace, report_id)
    except ReviewerError as exc:
        log.info("report not checked against the local store: %s", type(exc).__name__)
        return None


def _print_error(message: str, as_json: bool) -> None:
    if as_json:
        print(json.dumps({"passed": False, "unusable": True, "error": message}, indent=2))
    else:
        print(message, file=sys.stderr)


def _log_to_file(paths: AppPaths) -> None:
    from reviewer_app import logging_setup

    # No writable log folder: verification still runs, diagnostics are dropped.
    with contextlib.suppress(OSError):
        logging_setup.configure(paths.log_file)
