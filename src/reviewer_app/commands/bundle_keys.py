"""The keys of ``export`` and ``import``: a bundle passphrase from the terminal, a file or the
environment; the trust's key file for admins who open bundles sealed to the trust.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from reviewer_app.domain.errors import ReviewerError

#: For scripts: the bundle passphrase in the environment (a file is safer: ``--passphrase-file``).
PASSPHRASE_VARIABLE = "REVIEWER_BUNDLE_PASSPHRASE"  # noqa: S105 (a variable name)


def add_passphrase_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--passphrase-file",
        type=Path,
        metavar="FILE",
        help="read the bundle passphrase from the first line of FILE (else it is asked for, or "
        f"taken from ${PASSPHRASE_VARIABLE})",
    )


def given_passphrase(args: argparse.Namespace) -> str | None:
    """The passphrase given by file or environment, without asking; None when neither."""
    path: Path | None = getattr(args, "passphrase_file", None)
    if path is not None:
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise ReviewerError(
                f"The passphrase file {path} could not be read.",
                hint="Check the file name, and that it holds the passphrase on its first line.",
            ) from exc
        return lines[0] if lines else ""
    return os.environ.get(PASSPHRASE_VARIABLE)


def ask_passphrase(question: str, *, twice: bool) -> str:
    """Ask on the terminal (twice when choosing one); a sentence when there is no terminal."""
    if not sys.stdin.isatty():
        raise ReviewerError(
            "The bundle needs a passphrase, and this command is not run in a terminal.",
            hint=f"Give it with --passphrase-file FILE or ${PASSPHRASE_VARIABLE}.",
        )
    first = getpass.getpass(question)
    if twice and getpass.getpass("The same passphrase again: ") != first:
        raise ReviewerError("The two passphrases differ; nothing was written.")
    return first


def read_identity(path: Path) -> tuple[str, ...]:
    """The age secret keys in a trust bundle-key file (``AGE-SECRET-KEY-1…`` lines)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ReviewerError(f"The key file {path} could not be read.") from exc
    keys = tuple(line.strip() for line in text.splitlines() if line.startswith("AGE-SECRET-KEY-"))
    if not keys:
        raise ReviewerError(
            f"{path} holds no bundle key.",
            hint="Use the file 'reviewer-app-server admin bundle-key export' wrote.",
        )
    return keys
