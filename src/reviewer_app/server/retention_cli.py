"""``reviewer-app-server admin retention ...``: the trust's retention schedule, legal holds and
the purge from the command line (the console's retention page shows the same schedule).

    admin retention show [--trust T]                     every period, with its source
    admin retention set SCOPE PERIOD [--trust T]         years (days for 'laptop copies')
    admin retention default SCOPE [--trust T]            back to the IRMS-based default
    admin retention hold (--school S | --review R) --reason TEXT [--trust T]
    admin retention lift HOLD_ID
    admin retention holds [--trust T]
    admin retention apply --dry-run [--trust T]          what would go, and why
    admin retention apply [--trust T]                    purge it; signed tombstones
    admin retention tombstones [--verify] [--trust T]

The tombstone signing key lives in the data folder's ``retention`` folder.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session

from reviewer_app.server import audit
from reviewer_app.server import retention as schedule
from reviewer_app.server import retention_purge as purge
from reviewer_app.server.database import write_session
from reviewer_app.server.library_cli import the_trust


def tombstone_key(data_dir: Path) -> purge.TombstoneKey:
    return purge.TombstoneKey(data_dir / "retention")


def register(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``retention`` and its actions under ``admin``."""
    parser = actions.add_parser("retention", help="retention periods, legal holds and purges")
    sub = parser.add_subparsers(dest="retention_action", metavar="ACTION", required=True)
    sub.add_parser("show", help="every retention period, with its source")
    a = sub.add_parser("set", help="set a period: years, or days for 'laptop copies'")
    a.add_argument(
        "scope",
        help="'reviews', 'safeguarding reviews', 'audit log', 'sign-in records', "
        "'laptop copies' or 'framework:ID'",
    )
    a.add_argument("period", type=int)
    a = sub.add_parser("default", help="put a period back to its default")
    a.add_argument("scope")
    a = sub.add_parser("hold", help="a legal hold: nothing of the school or review is purged")
    target = a.add_mutually_exclusive_group(required=True)
    target.add_argument("--school")
    target.add_argument("--review")
    a.add_argument("--reason", required=True, help="the inquiry, claim or request")
    a = sub.add_parser("lift", help="lift a legal hold")
    a.add_argument("hold", metavar="HOLD_ID", help="as 'retention holds' lists it")
    sub.add_parser("holds", help="the legal holds in force")
    a = sub.add_parser("apply", help="purge what the schedule says must go")
    a.add_argument("--dry-run", action="store_true", help="only list what would go and why")
    a.add_argument("--today", type=date.fromisoformat, default=None, help=argparse.SUPPRESS)
    a = sub.add_parser("tombstones", help="the records of what was purged")
    a.add_argument("--verify", action="store_true", help="check each tombstone's signature")
    for a in sub.choices.values():
        a.add_argument("--trust", default=None, help="the trust (needed with several)")


def run(args: argparse.Namespace, engine: Engine, data_dir: Path) -> int:
    """Run one retention action; returns the exit status (1 when a tombstone fails to verify
    or a purged file could not be removed)."""
    action = args.retention_action
    actor = audit.Actor.command_line()
    key = tombstone_key(data_dir)
    files: list[str] = []
    out: list[str] = []
    status = 0
    with write_session(engine) as session:
        if action == "lift":
            hold = schedule.lift_hold(session, args.hold, actor=actor)
            out.append(f"Lifted: {schedule.hold_text(session, hold)}")
        else:
            trust_id = the_trust(session, args.trust)
            if action == "apply" and not args.dry_run:
                purged = purge.apply(session, trust_id, key, today=args.today, actor=actor)
                files = purged.files
                out += _purged_lines(purged)
            else:
                status = _read_only(session, trust_id, args, key, out, actor)
    for line in out:
        print(line)
    if files:
        for problem in purge.remove_files(data_dir / "blobs", files):
            print(problem, file=sys.stderr)
            status = 1
    return status


def _read_only(
    session: Session,
    trust_id: str,
    args: argparse.Namespace,
    key: purge.TombstoneKey,
    out: list[str],
    actor: audit.Actor,
) -> int:
    action = args.retention_action
    if action == "show":
        for rule in schedule.rules(session, trust_id):
            out.append(f"{rule.text}\t({rule.source})")
    elif action in ("set", "default"):
        period = args.period if action == "set" else None
        rule = schedule.set_rule(session, trust_id, args.scope, period, actor=actor)
        out.append(f"{rule.text} ({rule.source}).")
    elif action == "hold":
        hold = schedule.place_hold(
            session,
            trust_id,
            school_id=args.school,
            review_id=args.review,
            reason=args.reason,
            actor=actor,
        )
        out.append(f"{hold.id}\t{schedule.hold_text(session, hold)}")
    elif action == "holds":
        in_force = schedule.holds(session, trust_id)
        out += [f"{h.id}\t{schedule.hold_text(session, h)}" for h in in_force]
        if not in_force:
            out.append("No legal hold is in force.")
    elif action == "apply":
        out += schedule.plan(session, trust_id, args.today).lines()
        out.append("Nothing was deleted (a dry run).")
    elif action == "tombstones":
        return _tombstone_lines(session, trust_id, key, args.verify, out)
    return 0


def _purged_lines(purged: purge.Purged) -> list[str]:
    if not purged.tombstones:
        lines = ["Nothing is due for deletion."]
    else:
        lines = [
            f"Purged under {t.rule}: {t.kind} {t.subject_id} "
            f"({len(t.review_ids)} review(s)); tombstone {t.id}"
            for t in purged.tombstones
        ]
    if purged.kept_by_holds:
        lines.append(f"{purged.kept_by_holds} visit(s) due were kept by a legal hold.")
    return lines


def _tombstone_lines(
    session: Session, trust_id: str, key: purge.TombstoneKey, verify: bool, out: list[str]
) -> int:
    status = 0
    rows = purge.tombstones(session, trust_id)
    for row in rows:
        line = (
            f"{row.id}\t{row.purged_at:%Y-%m-%d %H:%M}\t{row.kind} {row.subject_id}\t"
            f"{row.rule}\tby {row.purged_by}"
        )
        if verify:
            good = key.verifies(row)
            line += "\tsignature verifies" if good else "\tSIGNATURE DOES NOT VERIFY"
            status = status or (0 if good else 1)
        out.append(line)
    if not rows:
        out.append("Nothing has been purged.")
    return status
