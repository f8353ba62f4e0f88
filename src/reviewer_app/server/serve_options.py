"""What ``reviewer-app-server serve`` checks before it starts: TLS files, the laptops' rules."""

from __future__ import annotations

import argparse
import os
from typing import TYPE_CHECKING

from reviewer_app.domain.errors import ReviewerError

if TYPE_CHECKING:
    from reviewer_app.sync.protocol import LaptopPolicy


def tls(args: argparse.Namespace) -> tuple[str, str] | None:
    """uvicorn's TLS settings, after checking the files are there and readable."""
    if args.tls_cert is None and args.tls_key is None:
        return None
    if args.tls_cert is None or args.tls_key is None:
        raise ReviewerError(
            "HTTPS needs both --tls-cert and --tls-key.",
            hint="Give the certificate (PEM) and its private key (PEM).",
        )
    for what, path in (("certificate", args.tls_cert), ("private key", args.tls_key)):
        try:
            path.read_bytes()
        except OSError as exc:
            raise ReviewerError(
                f"The TLS {what} {path} cannot be read ({exc.strerror}).",
                hint="Check the path and its permissions.",
            ) from exc
    import ssl

    try:
        ssl.create_default_context(ssl.Purpose.CLIENT_AUTH).load_cert_chain(
            str(args.tls_cert), str(args.tls_key)
        )
    except (ssl.SSLError, ValueError) as exc:
        raise ReviewerError(
            f"The TLS certificate {args.tls_cert} and key {args.tls_key} do not work together "
            "or are not PEM files.",
            hint="Give the certificate and the private key it was issued for, both in PEM.",
        ) from exc
    return str(args.tls_cert), str(args.tls_key)


IDLE_LOCK_ENV = "REVIEWER_IDLE_LOCK_MINUTES"


def laptop_policy(minutes: str | None) -> LaptopPolicy:
    """The trust's rules for its laptops: ``--idle-lock-minutes`` wins over the environment."""
    from reviewer_app.sync.protocol import LaptopPolicy

    text = (os.environ.get(IDLE_LOCK_ENV, "") if minutes is None else minutes).strip()
    if not text:
        return LaptopPolicy()
    try:
        value = int(text)
        if not 1 <= value <= 240:
            raise ValueError(value)
    except ValueError:
        raise ReviewerError(
            f"The idle lock period '{text}' is not a number of minutes from 1 to 240.",
            hint=f"Give --idle-lock-minutes (or {IDLE_LOCK_ENV}) like 10.",
        ) from None
    return LaptopPolicy(idle_lock_minutes=value)
