"""``reviewer-app ca``: the trust admin's certificate authority, kept in a folder.

    reviewer-app ca init FOLDER --trust-name "Oakwood Learning Trust"
    reviewer-app ca issue FOLDER --csr REQUEST.pem --role "Lead reviewer" --out CERT.pem
    reviewer-app ca issue FOLDER --public-key KEY.pub.pem --name N --email E --role R --out C.pem
    reviewer-app ca self-issue --key KEY.pem --name N --email E --role R --out CERT.pem
    reviewer-app ca revoke FOLDER SERIAL [--reason key_compromise]
    reviewer-app ca crl FOLDER [--out crl.pem]
    reviewer-app ca list FOLDER

The CA key's passphrase comes from ``REVIEWER_CA_PASSPHRASE``, ``--passphrase-file``, or a prompt.
Exit status 0 on success, 2 on any error, with a sentence and never a traceback.
"""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import sys
from pathlib import Path

from reviewer_app.domain.errors import ReviewerError, ValidationError

log = logging.getLogger(__name__)

PASSPHRASE_ENV = "REVIEWER_CA_PASSPHRASE"  # noqa: S105 (the variable's name, not a secret)


def register(parser: argparse.ArgumentParser) -> None:
    parser.description = "Run the trust's certificate authority for report signing."
    actions = parser.add_subparsers(dest="ca_action", metavar="ACTION", required=True)

    def with_folder(name: str, help_text: str) -> argparse.ArgumentParser:
        sub = actions.add_parser(name, help=help_text, description=help_text)
        sub.add_argument("folder", type=Path, metavar="FOLDER", help="the CA folder")
        sub.add_argument(
            "--passphrase-file", type=Path, help="read the CA key's passphrase from this file"
        )
        return sub

    init = with_folder("init", "create the trust's root certificate in a new folder")
    init.add_argument("--trust-name", required=True, help="the trust's name")

    issue = with_folder("issue", "issue a reviewer's signing certificate")
    source = issue.add_mutually_exclusive_group(required=True)
    source.add_argument("--csr", type=Path, help="certificate request made on the laptop")
    source.add_argument("--public-key", type=Path, help="the reviewer's public key (PEM)")
    issue.add_argument("--name", help="the reviewer's name (default: from the request)")
    issue.add_argument("--email", help="the reviewer's e-mail (default: from the request)")
    issue.add_argument("--role", action="append", required=True, help="a role label to certify")
    issue.add_argument("--days", type=int, default=730, help="validity in days (default 730)")
    issue.add_argument("--out", type=Path, required=True, help="where to write the certificate")

    revoke = with_folder("revoke", "revoke a certificate and publish a new revocation list")
    revoke.add_argument("serial", help="the certificate's serial number in hex")
    revoke.add_argument("--reason", default="unspecified", help="why (e.g. key_compromise)")

    crl = with_folder("crl", "publish a fresh revocation list")
    crl.add_argument("--out", type=Path, help="also copy the list here")

    export = actions.add_parser(
        "export-root",
        help="write the trust's root certificate for PDF readers (Acrobat: .cer, DER)",
    )
    export.add_argument("folder", type=Path, metavar="FOLDER", help="the CA folder")
    export.add_argument(
        "--out", type=Path, required=True, help="where to write it (.cer: DER, .pem: PEM)"
    )

    actions.add_parser("list", help="list issued certificates").add_argument(
        "folder", type=Path, metavar="FOLDER"
    )

    self_issue = actions.add_parser(
        "self-issue", help="make a self-issued certificate (not certified by the trust)"
    )
    self_issue.add_argument("--key", type=Path, required=True, help="encrypted signing key (PEM)")
    self_issue.add_argument("--name", required=True)
    self_issue.add_argument("--email", required=True)
    self_issue.add_argument("--role", action="append", required=True)
    self_issue.add_argument("--out", type=Path, required=True)
    self_issue.add_argument("--passphrase-file", type=Path, help="the signing key's passphrase")


def _passphrase(args: argparse.Namespace, *, confirm: bool = False) -> bytes:
    path: Path | None = getattr(args, "passphrase_file", None)
    if path is not None:
        try:
            return path.read_text("utf-8").rstrip("\r\n").encode("utf-8")
        except OSError:
            raise ReviewerError(f"The passphrase file {path} cannot be read.") from None
    env = os.environ.get(PASSPHRASE_ENV)
    if env:
        return env.encode("utf-8")
    if not sys.stdin.isatty():
        raise ReviewerError(
            "The CA key's passphrase is needed.",
            hint=f"Set {PASSPHRASE_ENV} or pass --passphrase-file.",
        )
    first = getpass.getpass("Passphrase: ")
    if confirm and getpass.getpass("Passphrase again: ") != first:
        raise ReviewerError("The two passphrases differ.", hint="Run the command again.")
    return first.encode("utf-8")


def _write(path: Path, data: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    except OSError as exc:
        raise ReviewerError(f"{path} cannot be written ({exc.strerror}).") from None


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        raise ReviewerError(f"{path} cannot be read.", hint="Check the file's name.") from None


def run(args: argparse.Namespace) -> int:
    try:
        return _run(args)
    except ReviewerError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except Exception:
        from reviewer_app.logging_setup import details_in_log

        log.exception("ca %s failed unexpectedly", args.ca_action)
        print(f"The certificate authority command failed; {details_in_log()}.", file=sys.stderr)
        return 2


def _run(args: argparse.Namespace) -> int:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    from reviewer_app.reports import ca
    from reviewer_app.reports.keys import certificate_pem, load_key

    action = args.ca_action
    if action == "self-issue":
        key = load_key(args.key, _passphrase(args))
        cert = ca.self_issued_certificate(key, name=args.name, email=args.email, roles=args.role)
        _write(args.out, certificate_pem(cert))
        print(f"Wrote a self-issued certificate for {args.name} to {args.out}.")
        print("Reports signed with it are labelled 'not certified by the trust'.")
        return 0
    folder = ca.CaFolder(args.folder)
    if action == "init":
        folder = ca.CaFolder.create(args.folder, args.trust_name, _passphrase(args, confirm=True))
        print(f"Created the root certificate for {args.trust_name} in {args.folder}.")
        print(f"Give {folder.root_cert_path} to everyone who verifies reports.")
        return 0
    if action == "export-root":
        root = folder.root_certificate()
        pem = args.out.suffix.lower() == ".pem"
        encoding = serialization.Encoding.PEM if pem else serialization.Encoding.DER
        _write(args.out, root.public_bytes(encoding))
        fingerprint = root.fingerprint(hashes.SHA256()).hex(":").upper()
        print(f"Wrote the root certificate of {ca.common_name(root)} to {args.out}.")
        print(f"SHA-256 fingerprint (read it out when you hand the file over): {fingerprint}")
        return 0
    if action == "list":
        revoked = {r.serial_number for r in folder.revocations()}
        for path in sorted((args.folder / "issued").glob("*.pem")):
            cert = x509.load_pem_x509_certificate(path.read_bytes())
            state = "revoked" if cert.serial_number in revoked else "valid"
            until = cert.not_valid_after_utc.date().isoformat()
            print(
                f"{cert.serial_number:x}  {ca.common_name(cert)}  "
                f"{', '.join(ca.certificate_roles(cert))}  until {until}  {state}"
            )
        return 0
    if action == "issue":
        if args.csr is not None:
            try:
                request = ca.read_certificate_request(_read(args.csr))
            except ValidationError as exc:
                raise ReviewerError(f"{args.csr}: {exc}") from None
            public: object = request.public_key
            name = args.name or request.name
            email = args.email or request.email
        else:
            try:
                public = serialization.load_pem_public_key(_read(args.public_key))
            except ValueError:
                raise ReviewerError(f"{args.public_key} is not a public key.") from None
            name, email = args.name or "", args.email or ""
        if not isinstance(public, ec.EllipticCurvePublicKey):
            raise ReviewerError("Reviewer signing keys must be elliptic-curve (P-256) keys.")
        cert = folder.issue(
            _passphrase(args), public, name=name, email=email, roles=args.role, valid_days=args.days
        )
        _write(args.out, certificate_pem(cert))
        print(f"Issued certificate {cert.serial_number:x} to {name} ({', '.join(args.role)}).")
        print(f"Wrote it to {args.out}.")
        return 0
    if action == "revoke":
        folder.revoke(_passphrase(args), args.serial, reason=args.reason)
        print(f"Revoked certificate {args.serial}; published {folder.crl_path}.")
        return 0
    if action == "crl":
        crl = folder.publish_crl(_passphrase(args))
        if args.out is not None:
            _write(args.out, crl.public_bytes(serialization.Encoding.PEM))
        print(f"Published a revocation list listing {len(list(crl))} certificate(s).")
        return 0
    raise ReviewerError(f"'{action}' is not a CA action.")
