"""The ``reviewer-app-server`` command: run the trust server, migrate it, administer it.

    reviewer-app-server [--data-dir D] [--database-url URL] serve --host 127.0.0.1 --port 8080
                        [--ca-dir CA_FOLDER] [--ca-passphrase-file FILE]
                        [--tls-cert CERT.pem --tls-key KEY.pem] [--public-url URL] [--demo]
                        [--app-version 0.2.0 --app-download-url URL]
    reviewer-app-server migrate
    reviewer-app-server admin create-trust NAME
    reviewer-app-server admin create-school --trust T --urn 123456 --name N --phase primary
    reviewer-app-server admin add-framework ID [--title T] [--safeguarding]
    reviewer-app-server admin import-frameworks FOLDER
    reviewer-app-server admin create-reviewer --trust T --name N --email E [--role R ...]
    reviewer-app-server admin grant-role PERSON ROLE | revoke-role PERSON ROLE
    reviewer-app-server admin assign PERSON SCHOOL | unassign PERSON SCHOOL
    reviewer-app-server admin create-visit --school S --framework F --start D --end D
                                           --member PERSON:ROLE ...
    reviewer-app-server admin create-review VISIT [--id ID]
    reviewer-app-server admin issue-code PERSON [--hours 72]
    reviewer-app-server admin revoke-device DEVICE | list-devices [--person P]
    reviewer-app-server admin deactivate PERSON
    reviewer-app-server admin create-console-user EMAIL --role trust_admin [--name N] [--url URL]
    reviewer-app-server admin reset-console-password EMAIL [--url URL]
    reviewer-app-server admin board-pack --term 2026-autumn --out FILE.pdf [--trust T]
    reviewer-app-server admin uploads | clean-uploads [--hours 24]
    reviewer-app-server admin reports | report-pdf REPORT_ID --out FILE.pdf
    reviewer-app-server admin renew-timestamps [--dry-run] [--within-days 90]
                                               [--ca-dir CA_FOLDER --ca-passphrase-file FILE]
    reviewer-app-server admin device-idle-days DAYS [--trust T]

Every admin command is recorded in the audit log as done by the operator's login on this machine.
    reviewer-app-server admin frameworks upload FILE | publish ID@VERSION | retire ID@VERSION | list
    reviewer-app-server admin frameworks drafts DEVICE --on | --off
    reviewer-app-server admin retention show | set SCOPE PERIOD | hold ... | apply [--dry-run]

The database is ``REVIEWER_DATABASE_URL`` (or ``--database-url``), else a SQLite file in the
data folder; attachments live in the data folder's ``blobs``.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from reviewer_app import __version__
from reviewer_app.domain.errors import ReviewerError
from reviewer_app.server import serve_options, trust_ca_cli
from reviewer_app.server.serve_options import IDLE_LOCK_ENV
from reviewer_app.server.trust_ca_cli import (
    CA_DIR_ENV,
    CA_PASSPHRASE_ENV,
    WITHOUT_CA_KEY_NOTICE,
    trust_authority,
)

if TYPE_CHECKING:
    from reviewer_app.server.console.settings import DemoAccount

log = logging.getLogger(__name__)

#: Environment override of the server's data folder.
SERVER_DATA_DIR_ENV = "REVIEWER_SERVER_DATA_DIR"
#: The address people reach the server at (for the links the admin commands print).
SERVER_URL_ENV = "REVIEWER_SERVER_URL"
DEFAULT_SERVER_URL = "http://127.0.0.1:8080"


def _data_dir(args: argparse.Namespace) -> Path:
    if args.data_dir is not None:
        return Path(args.data_dir).expanduser().resolve()
    env = os.environ.get(SERVER_DATA_DIR_ENV)
    if env:
        return Path(env).expanduser().resolve()
    from platformdirs import PlatformDirs

    return Path(PlatformDirs(appname="reviewer-server", appauthor=False).user_data_dir)


def _database_url(args: argparse.Namespace, data_dir: Path) -> str:
    from reviewer_app.server.database import database_url_from_env

    return args.database_url or database_url_from_env(data_dir / "server.sqlite3")


def _parse_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"'{value}' is not a date like 2026-03-14") from exc


def _member(value: str) -> tuple[str, str]:
    person, sep, role = value.partition(":")
    if not sep or not person or not role:
        raise argparse.ArgumentTypeError(f"'{value}' should look like PERSON_ID:lead_reviewer")
    return person, role


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="reviewer-app-server", description="The Reviewer trust server: sync and enrolment."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--data-dir", type=Path, default=None, help="server data folder")
    parser.add_argument("--database-url", default=None, help="SQLAlchemy URL of the database")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    serve = commands.add_parser("serve", help="run the HTTP server (uvicorn)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8080)
    serve.add_argument(
        "--ca-dir",
        type=Path,
        default=None,
        help=f"trust CA folder from 'reviewer-app ca init' (or {CA_DIR_ENV}); needed to accept "
        "signed reports",
    )
    serve.add_argument(
        "--ca-passphrase-file",
        type=Path,
        default=None,
        help=f"file with the CA key's passphrase (or {CA_PASSPHRASE_ENV}); needed to issue "
        "certificates at enrolment",
    )
    serve.add_argument(
        "--app-version",
        default=None,
        help="the desktop app version the trust rolls out, published to laptops, which say "
        "quietly when they are older (or REVIEWER_APP_VERSION)",
    )
    serve.add_argument(
        "--app-download-url",
        default=None,
        help="where people get that version (or REVIEWER_APP_DOWNLOAD_URL)",
    )
    serve.add_argument(
        "--idle-lock-minutes",
        default=None,
        metavar="N",
        help="laptops lock after N minutes without input and ask for the store's passphrase "
        f"(1 to 240; default 10; or {IDLE_LOCK_ENV})",
    )
    serve.add_argument("--tls-cert", type=Path, default=None, help="serve HTTPS: certificate (PEM)")
    serve.add_argument("--tls-key", type=Path, default=None, help="serve HTTPS: private key (PEM)")
    serve.add_argument(
        "--public-url",
        default=None,
        help=f"the address people reach the server at, for enrolment links (or {SERVER_URL_ENV})",
    )
    serve.add_argument(
        "--demo",
        action="store_true",
        help="serve the demo trust (seeded into the data folder, or a temporary one without "
        "--data-dir) with its sign-in shown on the console's sign-in page",
    )
    from reviewer_app.server import library_cli, limits_cli

    limits_cli.add_serve_options(serve)
    commands.add_parser("migrate", help="bring the database schema up to date")

    admin = commands.add_parser("admin", help="administer trusts, people, visits and devices")
    actions = admin.add_subparsers(dest="action", metavar="ACTION", required=True)
    a = actions.add_parser("create-trust", help="add a trust; prints its id")
    a.add_argument("name")
    a.add_argument("--id", default=None)
    a = actions.add_parser("create-school", help="add a school; prints its id")
    a.add_argument("--trust", required=True)
    a.add_argument("--urn", required=True)
    a.add_argument("--name", required=True)
    a.add_argument("--phase", required=True)
    a.add_argument("--id", default=None)
    a = actions.add_parser("add-framework", help="register a framework")
    a.add_argument("framework_id")
    a.add_argument("--title", default="")
    a.add_argument("--safeguarding", action="store_true", help="only safeguarding roles see it")
    a = actions.add_parser(
        "import-frameworks", help="register every framework of a folder, access from the files"
    )
    a.add_argument("folder", type=Path)
    a = actions.add_parser("create-reviewer", help="add a person; prints their id")
    a.add_argument("--trust", required=True)
    a.add_argument("--name", required=True)
    a.add_argument("--email", required=True)
    a.add_argument("--role", action="append", default=[], help="repeat for several roles")
    a.add_argument("--id", default=None)
    for name in ("grant-role", "revoke-role"):
        a = actions.add_parser(name, help=f"{name.split('-')[0]} a trust-wide role")
        a.add_argument("person")
        a.add_argument("role")
    for name in ("assign", "unassign"):
        a = actions.add_parser(name, help=f"{name} a person to a school")
        a.add_argument("person")
        a.add_argument("school")
    a = actions.add_parser("create-visit", help="plan a visit; prints its id")
    a.add_argument("--school", required=True)
    a.add_argument("--framework", required=True)
    a.add_argument("--start", type=_parse_date, required=True)
    a.add_argument("--end", type=_parse_date, required=True)
    a.add_argument("--member", type=_member, action="append", default=[], required=True)
    a.add_argument("--id", default=None)
    a = actions.add_parser("create-review", help="start a visit's review; prints its id")
    a.add_argument("visit")
    a.add_argument("--id", default=None)
    a = actions.add_parser("issue-code", help="one-time enrolment code for a person")
    a.add_argument("person")
    a.add_argument("--hours", type=int, default=72)
    a = actions.add_parser("revoke-device", help="stop a device syncing")
    a.add_argument("device")
    a = actions.add_parser("list-devices", help="enrolled devices")
    a.add_argument("--person", default=None)
    actions.add_parser("reports", help="the signed reports the server holds")
    a = actions.add_parser(
        "renew-timestamps",
        help="add the long-term version fully signed reports are owed: those waiting for "
        "long-term data, and those whose timestamp's certificate expires soon",
    )
    a.add_argument("--dry-run", action="store_true", help="only list the reports owed one")
    a.add_argument(
        "--within-days",
        type=int,
        default=90,
        metavar="N",
        help="renew timestamps whose certificate expires within N days (default 90)",
    )
    a.add_argument("--ca-dir", type=Path, default=None, help=f"trust CA folder (or {CA_DIR_ENV})")
    a.add_argument(
        "--ca-passphrase-file",
        type=Path,
        default=None,
        help=f"file with the CA key's passphrase (or {CA_PASSPHRASE_ENV}); not needed with "
        "--dry-run",
    )
    a = actions.add_parser("report-pdf", help="write a signed report the server holds")
    a.add_argument("report", metavar="REPORT_ID", help="as 'admin reports' lists it")
    a.add_argument("--out", type=Path, required=True, metavar="FILE.pdf")
    a = actions.add_parser(
        "board-pack", help="write the termly board pack for trustees (PDF) across all schools"
    )
    a.add_argument("--term", required=True, help="e.g. 2026-autumn, 2027-spring, 2027-summer")
    a.add_argument("--out", type=Path, required=True, metavar="FILE.pdf")
    a.add_argument("--trust", default=None, help="the trust's id (needed with several trusts)")
    a = actions.add_parser("deactivate", help="a person who left: all their devices stop")
    a.add_argument("person")
    a = actions.add_parser(
        "create-console-user",
        help="let someone sign in to the trust console; prints a one-time set-up link",
    )
    a.add_argument("email")
    a.add_argument("--role", action="append", default=[], help="repeat for several roles")
    a.add_argument("--name", default=None, help="their name, when they are new")
    a.add_argument("--trust", default=None, help="their trust's id (needed with several trusts)")
    a.add_argument("--trust-name", default=None, help="name of the trust to create on a new server")
    a.add_argument("--url", default=None, help=f"the server's address (or {SERVER_URL_ENV})")
    a = actions.add_parser(
        "reset-console-password", help="a one-time link to set a new console password"
    )
    a.add_argument("email")
    a.add_argument("--url", default=None, help=f"the server's address (or {SERVER_URL_ENV})")
    library_cli.register(actions)
    limits_cli.register(actions)
    from reviewer_app.server import retention_cli

    retention_cli.register(actions)
    return parser


def _server_url(args: argparse.Namespace) -> str:
    return (args.url or os.environ.get(SERVER_URL_ENV) or DEFAULT_SERVER_URL).rstrip("/")


def _run_admin(args: argparse.Namespace, database_url: str, data_dir: Path) -> int:
    from reviewer_app.server import administration as adm
    from reviewer_app.server import board_pack, console_users, report_admin
    from reviewer_app.server.audit import Actor
    from reviewer_app.server.blob_store import BlobStore
    from reviewer_app.server.database import create_server_engine, migrate, write_session
    from reviewer_app.server.device_tokens import device_state
    from reviewer_app.server.enrolment import issue_code, revoke_device

    engine = create_server_engine(database_url)
    migrate(engine)
    if args.action == "frameworks":
        from reviewer_app.server import library_cli

        try:
            return library_cli.run(args, engine)
        finally:
            engine.dispose()
    from reviewer_app.server import limits_cli

    if args.action in limits_cli.ACTIONS:
        try:
            lines = limits_cli.run(args, engine, data_dir / "blobs")
        except LookupError as exc:
            raise ReviewerError(str(exc.args[0]), hint="Check the id and try again.") from exc
        finally:
            engine.dispose()
        print("\n".join(lines))
        return 0
    if args.action == "renew-timestamps":
        try:
            return trust_ca_cli.renew_timestamps(args, engine, data_dir)
        finally:
            engine.dispose()
    if args.action == "retention":
        from reviewer_app.server import retention_cli

        try:
            return retention_cli.run(args, engine, data_dir)
        finally:
            engine.dispose()
    out: list[str] = []
    me = Actor.command_line()
    actions: dict[str, Callable[..., object]] = {
        "create-trust": lambda s: out.append(
            adm.create_trust(s, args.name, trust_id=args.id, actor=me).id
        ),
        "create-school": lambda s: out.append(
            adm.create_school(
                s,
                args.trust,
                urn=args.urn,
                name=args.name,
                phase=args.phase,
                school_id=args.id,
                actor=me,
            ).id
        ),
        "add-framework": lambda s: adm.add_framework(
            s, args.framework_id, title=args.title, safeguarding=args.safeguarding, actor=me
        ),
        "import-frameworks": lambda s: out.extend(
            f"{f.id}\t{'safeguarding roles only' if f.safeguarding else 'everyone assigned'}"
            for f in adm.import_frameworks(s, args.folder, actor=me)
        ),
        "create-reviewer": lambda s: out.append(
            adm.create_person(
                s,
                args.trust,
                name=args.name,
                email=args.email,
                roles=args.role,
                person_id=args.id,
                actor=me,
            ).id
        ),
        "grant-role": lambda s: adm.grant_role(s, args.person, args.role, actor=me),
        "revoke-role": lambda s: adm.revoke_role(s, args.person, args.role, actor=me),
        "assign": lambda s: adm.assign(s, args.person, args.school, actor=me),
        "unassign": lambda s: adm.unassign(s, args.person, args.school, actor=me),
        "create-visit": lambda s: out.append(
            adm.create_visit(
                s,
                args.school,
                args.framework,
                start=args.start,
                end=args.end,
                team=args.member,
                visit_id=args.id,
                actor=me,
            ).id
        ),
        "create-review": lambda s: out.append(
            adm.create_review(s, args.visit, review_id=args.id, actor=me).id
        ),
        "issue-code": lambda s: out.append(
            issue_code(s, args.person, lifetime=timedelta(hours=args.hours), actor=me)
        ),
        "revoke-device": lambda s: revoke_device(s, args.device, actor=me),
        "list-devices": lambda s: out.extend(
            f"{d.id}\t{d.person_id}\t{d.name}\t{d.enrolled_at:%Y-%m-%d %H:%M}\t{device_state(s, d)}"
            for d in adm.list_devices(s, args.person)
        ),
        "reports": lambda s: out.extend(report_admin.report_lines(s)),
        "report-pdf": lambda s: out.append(
            report_admin.write_report_pdf(s, BlobStore(data_dir / "blobs"), args.report, args.out)
        ),
        "board-pack": lambda s: out.append(
            board_pack.write_board_pack(s, args.trust, args.term, args.out, date.today(), me)
        ),
        "deactivate": lambda s: adm.deactivate_person(s, args.person, actor=me),
        "create-console-user": lambda s: out.append(
            console_users.create_console_user(
                s,
                args.email,
                roles=args.role,
                name=args.name,
                trust_id=args.trust,
                trust_name=args.trust_name,
                server_url=_server_url(args),
                actor=me,
            )
        ),
        "reset-console-password": lambda s: out.append(
            console_users.reset_link_message(s, args.email, _server_url(args), actor=me)
        ),
    }
    try:
        with write_session(engine) as session:
            actions[args.action](session)
    except LookupError as exc:
        raise ReviewerError(str(exc.args[0]), hint="Check the id and try again.") from exc
    finally:
        engine.dispose()
    for line in out:
        print(line)
    return 0


def _serve(args: argparse.Namespace, database_url: str, data_dir: Path) -> int:
    import uvicorn

    from reviewer_app.server.app import create_app_from_settings
    from reviewer_app.server.app_release import release_from_settings
    from reviewer_app.server.console.settings import ConsoleSettings

    tls = serve_options.tls(args)
    release = release_from_settings(args.app_version, args.app_download_url)
    # The demo signs its reports with a demo trust CA of its own, unless it is given a CA.
    ca_given = args.ca_dir is not None or bool(os.environ.get(CA_DIR_ENV))
    authority = trust_authority(args) if ca_given or not args.demo else None
    scheme = "https" if tls else "http"
    public_url = (args.public_url or os.environ.get(SERVER_URL_ENV) or "").rstrip("/") or None
    console = ConsoleSettings(public_url=public_url)
    if args.demo:
        from reviewer_app.server.console.settings import DemoSigning
        from reviewer_app.server.demo_reports import demo_authority

        progress = DemoSigning() if authority is None else None
        authority = authority or demo_authority(data_dir)
        console = ConsoleSettings(
            public_url=public_url, demo_accounts=_seed_demo(database_url), demo_signing=progress
        )
    policy = serve_options.laptop_policy(args.idle_lock_minutes)
    from reviewer_app.server.limits_cli import limits_from

    app = create_app_from_settings(
        database_url,
        data_dir / "blobs",
        authority,
        release,
        console,
        laptop_policy=policy,
        limits=limits_from(args),
    )
    from reviewer_app.logging_setup import configure

    # From here on the log also goes to the console (the server's operators read it there).
    configure(data_dir / "logs" / "server.log", console=True)
    host = f"[{args.host}]" if ":" in args.host else args.host
    print(f"Trust console: {public_url or f'{scheme}://{host}:{args.port}'}/console", flush=True)
    if authority is not None and not authority.can_timestamp:
        # Said at start, not discovered months later: without the passphrase nothing is
        # time-stamped, and fully signed reports wait for their long-term version.
        log.warning(WITHOUT_CA_KEY_NOTICE)
        print(WITHOUT_CA_KEY_NOTICE, flush=True)
    if args.demo:
        for account in console.demo_accounts:
            print(f"  demo sign-in, {account.label}: {account.email}", flush=True)
        print(f"  password for each: {console.demo_accounts[0].password}", flush=True)
    if authority is not None and authority.can_timestamp:
        from reviewer_app.server.blob_store import BlobStore
        from reviewer_app.server.database import create_server_engine
        from reviewer_app.server.long_term_upkeep import keep_up_in_background

        # Reports that waited for long-term data (the server ran without the passphrase), and
        # timestamps near their certificate's expiry: now, then daily.
        keep_up_in_background(
            create_server_engine(database_url), BlobStore(data_dir / "blobs"), authority
        )
    signing = None
    if console.demo_signing is not None and authority is not None:
        from reviewer_app.server.demo_reports import start_demo_signing

        signing = start_demo_signing(app, authority, console.demo_signing, args.host, args.port)
    try:
        uvicorn.run(
            app,
            host=args.host,
            port=args.port,
            log_config=None,
            access_log=False,
            ssl_certfile=tls[0] if tls else None,
            ssl_keyfile=tls[1] if tls else None,
        )
    finally:
        if signing is not None:
            stop, thread = signing
            stop.set()  # the signer stops after the review it is signing
            thread.join()
    return 0


def _seed_demo(database_url: str) -> tuple[DemoAccount, ...]:
    from reviewer_app.paths import frameworks_dir
    from reviewer_app.server.database import create_server_engine, migrate, write_session
    from reviewer_app.server.demo_trust import demo_accounts, seed_demo_trust

    engine = create_server_engine(database_url)
    try:
        migrate(engine)
        with write_session(engine) as session:
            if seed_demo_trust(session, frameworks_dir()):
                print("The demo trust is seeded.", flush=True)
        with write_session(engine) as session:
            accounts = demo_accounts(session)
    finally:
        engine.dispose()
    if not accounts:
        raise ReviewerError(
            "This data folder holds a trust that is not the demo's, so --demo has nobody to "
            "sign in as.",
            hint="Use --demo with an empty data folder (or none: a temporary one is made).",
        )
    return accounts


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``reviewer-app-server``. Returns the exit status; never a traceback."""
    args = build_parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    if (
        args.command == "serve"
        and args.demo
        and args.data_dir is None
        and not os.environ.get(SERVER_DATA_DIR_ENV)
        and not args.database_url
    ):
        import tempfile

        with tempfile.TemporaryDirectory(prefix="reviewer-demo-server-") as folder:
            args.data_dir = Path(folder)
            print(
                f"The demo trust lives in {folder} until the server stops "
                "(give --data-dir to keep it).",
                flush=True,
            )
            return _main(args)
    return _main(args)


def _main(args: argparse.Namespace) -> int:
    data_dir = _data_dir(args)
    from reviewer_app.logging_setup import configure

    configure(data_dir / "logs" / "server.log")
    database_url = _database_url(args, data_dir)
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        if args.command == "serve":
            return _serve(args, database_url, data_dir)
        if args.command == "migrate":
            from reviewer_app.server.database import create_server_engine, migrate

            engine = create_server_engine(database_url)
            migrate(engine)
            engine.dispose()
            print("The server database is up to date.")
            return 0
        return _run_admin(args, database_url, data_dir)
    except ReviewerError as exc:
        log.info("Command refused: %s", exc.message, exc_info=True)
        print(str(exc), file=sys.stderr)
        return 1
    except Exception:
        log.exception("Server command failed")
        print(
            "The server command failed unexpectedly; the log in "
            f"{data_dir / 'logs' / 'server.log'} has the details.",
            file=sys.stderr,
        )
        return 2
