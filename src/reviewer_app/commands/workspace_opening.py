"""Opening the local store for a command: ``--data-dir``/``--demo``, passphrase on the terminal.

Shared by the sync and bundle commands; every failure is a
:class:`~reviewer_app.domain.errors.ReviewerError` the command prints as a sentence.
"""

from __future__ import annotations

import argparse
import getpass
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from reviewer_app.domain.errors import ReviewerError

if TYPE_CHECKING:
    from reviewer_app.services.workspace import Workspace

log = logging.getLogger(__name__)


def _ask_passphrase(path: Path, creating: bool) -> str:
    if not sys.stdin.isatty():
        raise ReviewerError(
            f"The store {path} needs its passphrase, and this command is not run in a terminal.",
            hint="Run the command in a terminal, or set up the system keyring.",
        )
    question = "Choose a passphrase for the new store: " if creating else "Store passphrase: "
    return getpass.getpass(question)


def open_workspace(args: argparse.Namespace) -> Workspace:
    """The Workspace named by ``--data-dir``/``--demo`` (or the usual one)."""
    from reviewer_app.paths import AppPaths
    from reviewer_app.services.workspace import Workspace

    paths = AppPaths.resolve(getattr(args, "data_dir", None))
    if getattr(args, "demo", False):
        from reviewer_app.demo.demo_trust import open_demo_workspace

        return open_demo_workspace(paths)
    return Workspace.open(paths, passphrase=_ask_passphrase)


def run_safely(name: str, body: Callable[[], int], args: argparse.Namespace | None = None) -> int:
    """Run a command body: a ReviewerError is printed as its sentence, a disk that refuses a
    write (full, read-only, forbidden) as a sentence naming the file, anything else is logged
    and reported in a sentence naming the log file. Never a traceback."""
    from reviewer_app.logging_setup import details_in_log

    try:
        return body()
    except ReviewerError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Stopped. Nothing was lost: run the command again to carry on.", file=sys.stderr)
        return 130
    except Exception as exc:
        log.exception("%s failed", name)
        from reviewer_app.storage.disk_failures import disk_failure

        failure = disk_failure(exc, _store_file(args))
        if failure is not None:
            print(str(failure), file=sys.stderr)
            return 1
        print(f"Something went wrong during '{name}'; {details_in_log()}.", file=sys.stderr)
        return 1


def _store_file(args: argparse.Namespace | None) -> Path | None:
    if args is None:
        return None
    from reviewer_app.paths import AppPaths

    try:
        paths = AppPaths.resolve(getattr(args, "data_dir", None))
    except Exception:  # no usable folder at all: the sentence names the data folder instead
        return None
    return paths.demo_store_file if getattr(args, "demo", False) else paths.store_file
