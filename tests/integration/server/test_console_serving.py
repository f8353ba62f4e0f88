"""``reviewer-app-server`` serving the console for real: the first admin's set-up link from the
command line, HTTPS without a proxy, and ``serve --demo`` with the demo trust kept in a data
folder that every admin command then works on. Real processes on loopback."""

from __future__ import annotations

import ipaddress
import re
import ssl
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from server_process import free_port, run, serving
from sqlmodel import Session, select

from console_support import PASSWORD, csrf_of
from reviewer_app.server import models
from reviewer_app.server.database import create_server_engine

pytestmark = pytest.mark.slow


def _sign_in(http: httpx.Client, email: str, password: str) -> httpx.Response:
    form = http.get("/console/sign-in")
    return http.post(
        "/console/sign-in",
        data={"csrf_token": csrf_of(form.text), "email": email, "password": password},
    )


def test_the_first_admin_from_the_command_line_and_every_command_in_the_audit_log(
    tmp_path: Path,
) -> None:
    data = ["--data-dir", str(tmp_path / "server")]
    port = free_port()
    printed = run(
        *data,
        "admin",
        "create-console-user",
        "mark.ellison@oak.example",
        "--role",
        "trust_admin",
        "--trust-name",
        "Oak Learning Trust",
        "--url",
        f"http://127.0.0.1:{port}",
    ).stdout
    assert "Mark Ellison (mark.ellison@oak.example) can sign in to the trust console" in printed
    link = re.search(r"http://127\.0\.0\.1:\d+(/console/set-password/\S+)", printed)
    assert link
    trust = run(*data, "admin", "create-trust", "Second Trust").stdout.strip()
    school = run(
        *data, "admin", "create-school", "--trust", trust, "--urn", "300001",
        "--name", "Cedar Primary", "--phase", "primary",
    ).stdout.strip()  # fmt: skip
    assert school
    with serving(*data, "serve", port=port) as (url, _printed), httpx.Client(base_url=url) as http:
        page = http.get(link.group(1))
        assert "choose the password" in page.text
        done = http.post(
            link.group(1),
            data={"csrf_token": csrf_of(page.text), "password": PASSWORD, "confirmation": PASSWORD},
        )
        assert done.headers["location"] == "/console/sign-in?done=password-set"
        # A trust admin must set up an authenticator before the console opens.
        signed = _sign_in(http, "mark.ellison@oak.example", PASSWORD)
        assert signed.headers["location"] == "/console/sign-in/authenticator"
        assert http.get("/console/people").status_code == 303  # not signed in yet
        # The link works once.
        assert http.get(link.group(1)).status_code == 404
    engine = create_server_engine(f"sqlite:///{tmp_path / 'server' / 'server.sqlite3'}")
    with Session(engine) as session:
        events = session.exec(select(models.AuditEvent)).all()
    engine.dispose()
    by_action = {(e.action, e.via) for e in events}
    assert ("person.created", "command line") in by_action
    assert ("console.link_issued", "command line") in by_action
    assert ("school.created", "command line") in by_action
    assert ("console.password_set", "console") in by_action
    operator = next(e for e in events if e.action == "school.created")
    assert " on " in operator.actor_name  # the operator's login and machine


def _self_signed(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


def test_serve_speaks_https_itself_with_secure_host_only_cookies(tmp_path: Path) -> None:
    cert, key = _self_signed(tmp_path)
    data = ["--data-dir", str(tmp_path / "server")]
    refused = run(*data, "serve", "--tls-cert", str(cert), "--tls-key", str(cert), check=False)
    assert refused.returncode == 1
    assert "do not work together or are not PEM files" in refused.stderr
    missing = run(*data, "serve", "--tls-cert", str(cert), check=False)
    assert "HTTPS needs both --tls-cert and --tls-key" in missing.stderr
    port = free_port()
    args = ["serve", "--tls-cert", str(cert), "--tls-key", str(key)]
    trusted = ssl.create_default_context(cafile=str(cert))
    with (
        serving(*data, *args, port=port, scheme="https", verify=trusted) as (url, printed),
        httpx.Client(base_url=url, verify=trusted) as http,
    ):
        page = http.get("/console/sign-in")
        assert page.status_code == 200
        cookie = page.headers["set-cookie"]
        assert cookie.startswith("__Host-reviewer-sign-in=")
        assert "Secure" in cookie
        assert "HttpOnly" in cookie
        assert "SameSite=strict" in cookie
        with pytest.raises(httpx.TransportError):
            httpx.get(url.replace("https", "http") + "/health", timeout=2)
    assert f"Trust console: https://127.0.0.1:{port}/console" in printed


def test_serve_demo_shows_its_sign_in_and_keeps_the_trust_for_admin_commands(
    tmp_path: Path,
) -> None:
    data = ["--data-dir", str(tmp_path / "demo")]
    port = free_port()
    with (
        serving(*data, "serve", "--demo", port=port) as (url, _printed),
        httpx.Client(base_url=url) as http,
    ):
        page = http.get("/console/sign-in").text
        assert "Demo sign-in" in page
        email = re.search(r"(mark\.ellison@[\w.-]+)", page)
        password = re.search(r"password <span class=\"mono\">([^<]+)</span>", page)
        assert email
        assert password
        signed = _sign_in(http, email.group(1), password.group(1))
        assert signed.headers["location"] == "/console/sign-in/code"
        code_page = http.get("/console/sign-in/code").text
        code = re.search(r'the code now is <span class="mono">(\d{6})</span>', code_page)
        assert code
        done = http.post(
            "/console/sign-in/code",
            data={"csrf_token": csrf_of(code_page), "code": code.group(1)},
        )
        assert done.headers["location"] == "/console"
        schools = http.get("/console/schools").text
        for name in ("Oakfield Primary Academy", "Meadowbank Special School", "Northfield Academy"):
            assert name in schools
        people = http.get("/console/people").text
        assert "Sarah Okafor" in people
        assert "Priya Natarajan" in people
        visits = http.get("/console/visits").text
        assert "Learning walk" in visits or "learning" in visits.lower()
        # The server signs the demo's reports once it answers: they arrive one by one.
        deadline = time.monotonic() + 300
        reports = ""
        while "Download PDF" not in reports and time.monotonic() < deadline:
            time.sleep(1)
            reports = http.get("/console/reports").text
        assert "Download PDF" in reports, "no demo report was signed"
        assert "Verified on arrival" in reports
    # The demo trust stays in the data folder: admin commands work on it.
    engine = create_server_engine(f"sqlite:///{tmp_path / 'demo' / 'server.sqlite3'}")
    with Session(engine) as session:
        trust = session.exec(select(models.Trust)).one()
        sarah = session.exec(
            select(models.Person).where(models.Person.name == "Sarah Okafor")
        ).one()
        visits_held = len(session.exec(select(models.Visit)).all())
    engine.dispose()
    assert trust.name == "Northfield Learning Trust"
    assert visits_held > 50  # the same year of visits as the desktop demo
    assert run(*data, "admin", "issue-code", sarah.id).stdout.strip()
    run(*data, "admin", "create-reviewer", "--trust", trust.id, "--name", "New Person",
        "--email", "new.person@northfield-trust.example")  # fmt: skip
    # Served again on the same folder: the same trust, nothing seeded twice; a server that is
    # not in demo mode shows no demo sign-in.
    with serving(*data, "serve", port=free_port()) as (url, _printed):
        page = httpx.get(f"{url}/console/sign-in").text
        assert "Demo sign-in" not in page
        assert "northfield-demo" not in page
