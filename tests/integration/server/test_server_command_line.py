"""``reviewer-app-server``: admin commands and ``serve`` as real processes on loopback."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from reviewer_app.reports.keys import certificate_request, generate_signing_key
from support.laptop_records import note_payload

if TYPE_CHECKING:
    from conftest import ServerTrust

SERVER = str(Path(sys.executable).parent / "reviewer-app-server")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.slow
def test_admin_commands_and_a_served_sync(
    tmp_path: Path, fresh_database_url: str, server_trust: ServerTrust
) -> None:
    key = generate_signing_key()
    csr = certificate_request(key, name="Lin Lead", email="lin@cedar.example")
    csr_pem = csr.public_bytes(serialization.Encoding.PEM).decode()
    base = [SERVER, "--data-dir", str(tmp_path / "server"), "--database-url", fresh_database_url]

    def admin(*args: str) -> str:
        done = subprocess.run([*base, "admin", *args], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    trust = admin("create-trust", "Cedar Trust")
    school = admin(
        "create-school",
        "--trust",
        trust,
        "--urn",
        "300001",
        "--name",
        "Cedar Primary",
        "--phase",
        "primary",
    )
    admin("add-framework", "learning_walk", "--title", "Learning walk")
    lead = admin(
        "create-reviewer",
        "--trust",
        trust,
        "--name",
        "Lin Lead",
        "--email",
        "lin@cedar.example",
        "--role",
        "lead_reviewer",
    )
    admin("assign", lead, school)
    visit = admin(
        "create-visit",
        "--school",
        school,
        "--framework",
        "learning_walk",
        "--start",
        "2026-04-20",
        "--end",
        "2026-04-21",
        "--member",
        f"{lead}:lead_reviewer",
    )
    review = admin("create-review", visit)
    code = admin("issue-code", lead)

    refused = subprocess.run(
        [*base, "admin", "assign", "nobody", school], capture_output=True, text=True, timeout=60
    )
    assert refused.returncode == 1
    assert "There is no person with id nobody." in refused.stderr
    assert "Traceback" not in refused.stderr

    port = _free_port()
    passphrase_file = tmp_path / "ca-passphrase"
    passphrase_file.write_bytes(server_trust.passphrase + b"\n")
    process = subprocess.Popen(
        [*base, "serve", "--host", "127.0.0.1", "--port", str(port),
         "--ca-dir", str(server_trust.folder), "--ca-passphrase-file", str(passphrase_file)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}"
        # A cold start (imports, migrations) took ~30 s on a loaded two-core machine.
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the server did not start"
            assert process.poll() is None, "the server exited"
            time.sleep(0.1)

        openapi = httpx.get(f"{url}/openapi.json").json()
        assert {"/enrol", "/handshake", "/reviews/{review_id}/push", "/blobs/{sha256}"} <= set(
            openapi["paths"]
        )
        # The push body is read straight from its bytes, yet documented like every other body.
        push_body = openapi["paths"]["/reviews/{review_id}/push"]["post"]["requestBody"]
        assert push_body["content"]["application/json"]["schema"]["$ref"].endswith("/PushRequest")
        assert "operations" in openapi["components"]["schemas"]["PushRequest"]["properties"]

        enrolled = httpx.post(
            f"{url}/enrol",
            json={
                "code": code,
                "device_name": "Lin's laptop",
                "protocol_version": 1,
                "client_schema_version": 1,
                "certificate_request_pem": csr_pem,
            },
        ).json()
        certificate = x509.load_pem_x509_certificate(enrolled["certificate_pem"].encode())
        certificate.verify_directly_issued_by(server_trust.root)
        headers = {"Authorization": f"Bearer {enrolled['device_token']}"}
        note_id = str(uuid.uuid4())
        op = {
            "op_id": str(uuid.uuid4()),
            "device_seq": 1,
            "review_id": review,
            "entity": "evidence_note",
            "entity_id": note_id,
            "kind": "append",
            "payload": note_payload(note_id, review, lead, "Calm corridors"),
            "device_time": datetime.now(UTC).isoformat(),
        }
        pushed = httpx.post(
            f"{url}/reviews/{review}/push",
            headers=headers,
            json={"protocol_version": 1, "operations": [op]},
        )
        assert pushed.json()["results"][0]["status"] == "accepted"

        devices = admin("list-devices", "--person", lead)
        assert enrolled["device_id"] in devices
        assert devices.endswith("active")
        admin("revoke-device", enrolled["device_id"])
        after = httpx.get(f"{url}/reviews/{review}/changes", headers=headers)
        assert after.status_code == 401
        assert after.json()["error"] == "device_revoked"
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=30)
    assert b"Traceback" not in stderr


@pytest.mark.slow
def test_serving_without_the_ca_passphrase_says_what_waits(
    tmp_path: Path, server_trust: ServerTrust
) -> None:
    """Started with the trust CA but not its passphrase, the server says at once that nothing
    is time-stamped and fully signed reports wait for long-term data (issue 19)."""
    process = subprocess.Popen(
        [SERVER, "--data-dir", str(tmp_path / "server"), "serve", "--host", "127.0.0.1",
         "--port", str(_free_port()), "--ca-dir", str(server_trust.folder)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )  # fmt: skip
    with process:
        try:
            assert process.stdout is not None
            said = [process.stdout.readline(), process.stdout.readline()]
        finally:
            process.terminate()
    assert said[0].startswith("Trust console: "), said
    assert "Running without the trust CA's passphrase" in said[1], said
    assert "fully signed reports wait for long-term data" in said[1], said
