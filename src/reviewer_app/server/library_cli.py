"""``reviewer-app-server admin frameworks ...``: the trust's framework library from the command
line (the console's pages call the same functions).

    admin frameworks upload FILE [--trust T] [--by NAME]   check a file or workbook; keep a draft
    admin frameworks publish ID@VERSION [--trust T]        laptops receive it at their next sync
    admin frameworks retire ID@VERSION [--trust T]         laptops stop offering it for new visits
    admin frameworks list [--trust T]                      built-in and the trust's, with states
    admin frameworks drafts DEVICE --on | --off            try drafts on one laptop
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from reviewer_app.domain.errors import NotFoundError, ValidationError
from reviewer_app.server import audit, models
from reviewer_app.server import framework_library as library
from reviewer_app.server.database import write_session

#: The largest file an upload reads (the checker refuses big ones with a sentence anyway).
MAX_UPLOAD_BYTES = 12 * 1024 * 1024


def register(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``frameworks`` and its actions under ``admin``."""
    parser = actions.add_parser("frameworks", help="the trust's framework library")
    sub = parser.add_subparsers(dest="library_action", metavar="ACTION", required=True)
    a = sub.add_parser("upload", help="check a YAML file or workbook and keep it as a draft")
    a.add_argument("file", type=Path)
    a.add_argument("--by", default="trust admin (command line)", help="who uploads it")
    for name, text in (
        ("publish", "publish a draft: laptops receive it at their next sync"),
        ("retire", "retire a version: laptops stop offering it for new visits"),
    ):
        a = sub.add_parser(name, help=text)
        a.add_argument("reference", metavar="ID@VERSION")
    sub.add_parser("list", help="built-in frameworks and the trust's own, with their states")
    for a in sub.choices.values():
        a.add_argument("--trust", default=None, help="the trust (needed when there are several)")
    a = sub.add_parser("drafts", help="opt a laptop in to (or out of) draft frameworks")
    a.add_argument("device")
    onoff = a.add_mutually_exclusive_group(required=True)
    onoff.add_argument("--on", dest="drafts", action="store_true")
    onoff.add_argument("--off", dest="drafts", action="store_false")


def the_trust(session: Session, wanted: str | None) -> str:
    """The trust a command acts on: ``wanted``, else the only one on this server."""
    if wanted is not None:
        if session.get(models.Trust, wanted) is None:
            raise NotFoundError(f"There is no trust {wanted}.")
        return wanted
    trusts = session.exec(select(models.Trust.id)).all()
    if len(trusts) != 1:
        raise ValidationError(
            "This server holds "
            + ("no trust yet." if not trusts else f"{len(trusts)} trusts; say which with --trust.")
        )
    return trusts[0]


def run(args: argparse.Namespace, engine: Engine) -> int:
    """Run one library action; returns the exit status (1 when an upload is refused)."""
    action = args.library_action
    with write_session(engine) as session:
        actor = audit.Actor.command_line()
        if action == "drafts":
            library.set_drafts(session, args.device, bool(args.drafts))
            state = "receives drafts" if args.drafts else "receives published versions only"
            device = session.get(models.Device, args.device)
            person = session.get(models.Person, device.person_id) if device else None
            audit.record(
                session, actor, "device.drafts", f"Laptop {args.device} {state}",
                trust_id=person.trust_id if person else None, subject_id=args.device,
            )  # fmt: skip
            print(f"Device {args.device} now {state}.")
            return 0
        trust_id = the_trust(session, args.trust)
        if action == "upload":
            return _upload(session, trust_id, args.file, args.by, actor)
        if action == "list":
            _list(session, trust_id)
            return 0
        if action == "publish":
            row = library.publish(session, trust_id, args.reference, actor=actor)
            audit.record(
                session, actor, "framework.published",
                f"{row.kind.replace('_', ' ').capitalize()} {args.reference} published",
                trust_id=trust_id,
            )  # fmt: skip
            print(f"Published {row.doc_id}@{row.version}: laptops receive it at their next sync.")
            return 0
        row = library.retire(session, trust_id, args.reference)
        audit.record(
            session, actor, "framework.retired",
            f"{row.kind.replace('_', ' ').capitalize()} {args.reference} retired",
            trust_id=trust_id,
        )  # fmt: skip
        print(
            f"Retired {row.doc_id}@{row.version}: laptops no longer offer it for new visits; "
            "reviews keep the version they began on."
        )
        return 0


def _upload(session: Session, trust_id: str, file: Path, by: str, actor: audit.Actor) -> int:
    try:
        with file.open("rb") as stream:
            content = stream.read(MAX_UPLOAD_BYTES + 1)
    except OSError as exc:
        raise ValidationError(f"{file} cannot be read: {exc.strerror}.") from exc
    outcome = library.upload(session, trust_id, file.name, content, uploaded_by=by)
    if outcome.problems:
        for problem in outcome.problems:
            print(problem)
        count = len(outcome.problems)
        print(
            f"{count} problem{'s' if count != 1 else ''} found in {file.name}; nothing was kept.",
            file=sys.stderr,
        )
        session.rollback()
        return 1
    kept = ", ".join(f"{row.doc_id}@{row.version}" for row in outcome.kept)
    audit.record(
        session, actor, "framework.uploaded", f"Uploaded {file.name}: kept {kept} as draft",
        trust_id=trust_id,
    )  # fmt: skip
    for row in outcome.kept:
        print(f"Kept {row.doc_id}@{row.version} ({row.title or row.kind}) as a draft.")
    print("Publish it with: reviewer-app-server admin frameworks publish ID@VERSION")
    return 0


def _list(session: Session, trust_id: str) -> None:
    rows = [("ID", "VERSION", "KIND", "SOURCE", "STATE", "TITLE")]
    built_in = library.built_in_library()
    rows += [
        (f.id, f.version, "framework", "built in", "published", f.title)
        for f in built_in.frameworks
    ]
    rows += [
        (r.doc_id, r.version, r.kind.replace("_", " "), "the trust's", r.state, r.title)
        for r in library.documents(session, trust_id)
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        print("  ".join([*(cell.ljust(w) for cell, w in zip(row, widths, strict=False)), row[-1]]))
