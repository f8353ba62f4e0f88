"""The operator's limits on laptops, from the command line (issue 14, items 5-6).

reviewer-app-server serve ... [--device-quota-mb N] [--review-files-mb N]
                              [--partial-upload-hours N] [--pushes-per-minute N]
                              [--pulls-per-minute N]
reviewer-app-server admin uploads                        uploads in progress, by laptop
reviewer-app-server admin clean-uploads [--hours N]      remove abandoned ones now
reviewer-app-server admin device-idle-days DAYS [--trust T]
                                                         laptops silent longer enrol again
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy.engine import Engine

from reviewer_app.domain.errors import ReviewerError
from reviewer_app.server.blob_store import BlobStore, PartialUpload
from reviewer_app.server.database import write_session
from reviewer_app.server.device_limits import DeviceLimits, remove_unused_files

#: serve option -> (DeviceLimits field, unit multiplier, smallest value, help).
_SERVE_OPTIONS = {
    "--device-quota-mb": (
        "device_quota_bytes", 1024 * 1024, 1,
        "files (MB) one laptop may keep on the server that no record uses yet (default 4096)",
    ),
    "--review-files-mb": (
        "review_file_bytes", 1024 * 1024, 1,
        "total size (MB) of the files attached to one review (default 2048)",
    ),
    "--partial-upload-hours": (
        "partial_upload_hours", 1, 1,
        "hours an unfinished upload is kept without a new chunk (default 24)",
    ),
    "--pushes-per-minute": (
        "pushes_per_minute", 1, 1, "pushes per minute from one laptop (default 120)",
    ),
    "--pulls-per-minute": (
        "pulls_per_minute", 1, 1, "pulls per minute from one laptop (default 1200)",
    ),
}  # fmt: skip


def add_serve_options(serve: argparse.ArgumentParser) -> None:
    """The limits' options of ``serve``."""
    for option, (_field, _unit, _least, text) in _SERVE_OPTIONS.items():
        serve.add_argument(option, type=int, default=None, metavar="N", help=text)


def limits_from(args: argparse.Namespace) -> DeviceLimits:
    """The limits ``serve`` was given (defaults for the rest); a bad value names its option."""
    values: dict[str, int] = {}
    for option, (field, unit, least, _text) in _SERVE_OPTIONS.items():
        given = getattr(args, option.removeprefix("--").replace("-", "_"), None)
        if given is None:
            continue
        if given < least:
            raise ReviewerError(
                f"{option} {given} is too small; it must be at least {least}.",
                hint=f"Leave {option} out to keep the default.",
            )
        values[field] = given * unit
    return DeviceLimits(**values)


def register(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``uploads``, ``clean-uploads`` and ``device-idle-days`` under ``admin``."""
    actions.add_parser("uploads", help="uploads in progress, by laptop")
    a = actions.add_parser(
        "clean-uploads",
        help="remove uploads nobody added to for a while, and files no record uses",
    )
    a.add_argument(
        "--hours", type=int, default=DeviceLimits().partial_upload_hours,
        help="untouched for this many hours (default 24; 0 removes every unfinished upload)",
    )  # fmt: skip
    a = actions.add_parser(
        "device-idle-days", help="laptops that have not synced for longer must enrol again"
    )
    a.add_argument("days", type=int, help="days (0: never)")
    a.add_argument("--trust", default=None, help="the trust (needed when there are several)")


ACTIONS = frozenset({"uploads", "clean-uploads", "device-idle-days"})


def run(args: argparse.Namespace, engine: Engine, blob_dir: Path) -> list[str]:
    """Run one of :data:`ACTIONS`; returns the lines to print."""
    store = BlobStore(blob_dir)
    if args.action == "uploads":
        return [_upload_line(u) for u in store.partials()] or ["No uploads in progress."]
    if args.action == "clean-uploads":
        if args.hours < 0:
            raise ReviewerError("--hours cannot be negative.", hint="Give 0 or more hours.")
        removed = store.expire_partials(timedelta(hours=args.hours))
        lines = [_upload_line(u) for u in removed]
        with write_session(engine) as session:
            unused = remove_unused_files(session, store, timedelta(hours=args.hours))
            lines += [
                f"{b.device_id or '-'}\t{b.sha256[:12]}…\t{b.size} bytes, unused" for b in unused
            ]
        done = f"Removed {len(removed)} unfinished upload(s) and {len(unused)} file(s)"
        return [*lines, f"{done} no record uses."]
    return [_set_idle_days(args, engine)]


def _upload_line(upload: PartialUpload) -> str:
    touched = datetime.fromtimestamp(upload.touched_at, UTC)
    return (
        f"{upload.device_id}\t{upload.sha256[:12]}…\t{upload.received} of {upload.total} bytes"
        f"\tlast chunk {touched:%Y-%m-%d %H:%M} UTC"
    )


def _set_idle_days(args: argparse.Namespace, engine: Engine) -> str:
    from reviewer_app.server import audit
    from reviewer_app.server.library_cli import the_trust
    from reviewer_app.server.trust_settings import set_idle_days

    with write_session(engine) as session:
        trust = set_idle_days(
            session, the_trust(session, args.trust), args.days, actor=audit.Actor.command_line()
        )
        if trust.device_idle_days:
            return (
                f"Laptops of {trust.name} that have not synced for {trust.device_idle_days} "
                "days must enrol again."
            )
        return f"Laptops of {trust.name} keep their access however long they do not sync."
