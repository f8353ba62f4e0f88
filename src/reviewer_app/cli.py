"""The ``reviewer-app`` command: starts the desktop app, or runs a subcommand headless.

Subcommands live in :mod:`reviewer_app.commands`, one module each, and are imported only when
named, so ``reviewer-app --demo`` never pays for pyHanko, reportlab or FastAPI at start-up.
Each command module provides ``register(parser)`` and ``run(args) -> int``.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

from reviewer_app import __version__, debug

#: name -> (module, one-line help). A module that is not present yet is simply not offered.
COMMANDS: dict[str, tuple[str, str]] = {
    "frameworks": ("reviewer_app.commands.frameworks", "check or list review frameworks"),
    "report": ("reviewer_app.commands.report", "export a visit's report as PDF"),
    "ca": ("reviewer_app.commands.ca", "run the trust certificate authority"),
    "verify": ("reviewer_app.commands.verify", "verify a signed report"),
    "enrol": ("reviewer_app.commands.enrol", "enrol this laptop with the trust server"),
    "sync": ("reviewer_app.commands.sync", "sync with the trust server now"),
    "visit": ("reviewer_app.commands.visit", "plan a visit, or list the visits on this laptop"),
    "export": ("reviewer_app.commands.bundle_export", "export reviews as a JSON bundle"),
    "import": ("reviewer_app.commands.bundle_import", "import reviews from a JSON bundle"),
    "about": ("reviewer_app.commands.about", "this installation: folders, keyring, versions"),
}


def _load(module_name: str) -> ModuleType | None:
    try:
        return importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name == module_name:
            return None
        raise


def add_store_arguments(parser: argparse.ArgumentParser, *, top_level: bool = False) -> None:
    """Options every command that opens the local store shares.

    On subcommands the defaults are suppressed so ``reviewer-app --data-dir D sync`` and
    ``reviewer-app sync --data-dir D`` mean the same.
    """
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=None if top_level else argparse.SUPPRESS,
        help="keep data, settings and logs in this folder instead of the usual place",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        default=False if top_level else argparse.SUPPRESS,
        help="use the demo store (seeded demo trust)",
    )


def build_parser(argv: Sequence[str]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="reviewer-app",
        description="Reviewer: school reviews captured offline, signed and synced.",
        usage="%(prog)s [options] [BUNDLE.reviewer | COMMAND ...]",
        epilog="With a .reviewer bundle (reviews exported from another laptop), the app opens "
        "and imports it.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    add_store_arguments(parser, top_level=True)
    parser.add_argument(
        "--debug",
        action="append",
        default=[],
        metavar="SWITCH",
        help=argparse.SUPPRESS,  # for automated runs: see reviewer_app/debug.py
    )
    parser.add_argument(
        "--no-crash-dialog",
        action="store_true",
        help="log crashes without showing a dialog (for automated runs)",
    )
    # Only import the module of the subcommand actually named (start-up stays fast).
    # The first word that names a command: an option's value (``--data-dir D``) may come first.
    named = next((a for a in argv if a in COMMANDS), None)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module_name, help_text) in COMMANDS.items():
        sub = subparsers.add_parser(name, help=help_text)
        if name == named:
            module = _load(module_name)
            if module is None:
                parser.error(f"the '{name}' command is not available in this build")
            module.register(sub)
            sub.set_defaults(run_command=module.run)
    return parser


def take_bundle(args_list: list[str]) -> Path | None:
    """The ``.reviewer`` bundle the app was asked to open (a double-clicked file: the installers
    associate the extension with ``Reviewer PATH``), removed from ``args_list``; else ``None``.
    A command's own arguments (``import X.reviewer``) are left alone."""
    if any(arg in COMMANDS for arg in args_list):
        return None
    for index, arg in enumerate(args_list):
        if not arg.startswith("-") and arg.lower().endswith(".reviewer"):
            del args_list[index]
            return Path(arg)
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``reviewer-app``. Returns the process exit status."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    bundle = take_bundle(args_list)
    parser = build_parser(args_list)
    args = parser.parse_args(args_list)
    args.open_bundle = bundle
    if args.debug or os.environ.get(debug.ENV):
        try:
            debug.switch_on(args.debug)
        except ValueError as error:
            parser.error(str(error))
    if args.command is None:
        from reviewer_app.app import run_gui

        return run_gui(args)
    _log_command(args)
    run = args.run_command
    status: int = run(args)
    return status


def _log_command(args: argparse.Namespace) -> None:
    """Every command writes the same log file as the app (``logs/reviewer.log`` of its data
    folder), so a failure's "the details are in the log" points at a file that holds them and
    the terminal shows a sentence, never a traceback. A folder where no log can be written does
    not stop the command (the failure's sentence then names what could not be written)."""
    import contextlib

    from reviewer_app import logging_setup
    from reviewer_app.paths import AppPaths

    with contextlib.suppress(OSError):
        paths = AppPaths.resolve(getattr(args, "data_dir", None))
        logging_setup.configure(paths.log_file)
