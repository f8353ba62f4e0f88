"""``reviewer-app sync``: sync with the trust server now (the same engine as the app).

Prints progress as it goes and a summary at the end: what was sent and received, conflicts
waiting for the lead reviewer, and changes the server refused. Exit status 0 when the sync
finished, 1 when it could not (offline, not enrolled, enrol again, update the app).
"""

from __future__ import annotations

import argparse
import sys

from reviewer_app.cli import add_store_arguments
from reviewer_app.commands.workspace_opening import open_workspace, run_safely


def register(parser: argparse.ArgumentParser) -> None:
    """Options: ``--quiet`` to print only the summary."""
    parser.add_argument("--quiet", action="store_true", help="print only the summary")
    add_store_arguments(parser)


_STAGES = {
    "handshake": "Contacting the trust server",
    "blobs": "Uploading files",
    "push": "Sending changes",
    "pull": "Receiving changes",
}


def run(args: argparse.Namespace) -> int:
    """Run one sync session and print its summary."""

    def body() -> int:
        from reviewer_app.services.sync_service import SyncService, summarise
        from reviewer_app.sync.session_types import SyncProgress

        last_stage = ""

        def progress(step: SyncProgress) -> None:
            nonlocal last_stage
            if args.quiet or step.stage == last_stage or step.stage not in _STAGES:
                return
            last_stage = step.stage
            print(f"{_STAGES[step.stage]}…", file=sys.stderr)

        with open_workspace(args) as workspace:
            from reviewer_app.paths import AppPaths

            paths = AppPaths.resolve(getattr(args, "data_dir", None))
            service = SyncService(workspace.store, workspace.lane, paths=paths)
            try:
                result = service.sync_now(progress)
            except Exception:
                for words in service.applier.removed:  # a revoked laptop: said before why
                    print(f"Removed from this laptop: {words}.")
                raise
            status = service.status()
            refused = service.refused_visit_sentences(result)
            removed = list(service.applier.removed)
        print(summarise(result))
        for words in removed:
            print(f"Removed from this laptop: {words}.")
        for sentence in refused:
            print(sentence)
        if status.open_conflicts:
            print(
                f"{status.open_conflicts} conflict(s) wait for the lead reviewer to choose "
                "between versions."
            )
        if status.needs_attention:
            print(
                f"{status.needs_attention} change(s) were refused by the server and need your "
                "attention in the app."
            )
        for waiting in status.files_waiting:
            print(f"Waiting to be sent: {waiting.description}.")
        if status.update is not None:
            print(status.update.sentence())
        return 0

    return run_safely("sync", body, args)
