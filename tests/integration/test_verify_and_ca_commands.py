"""``reviewer-app verify`` and ``reviewer-app ca`` as a person runs them: real processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from reviewer_app.reports.document import ReportDocument
from reviewer_app.reports.keys import (
    certificate_request,
    credentials,
    generate_signing_key,
    load_certificates,
    save_key,
)
from reviewer_app.reports.signing import prepare_and_render, sign_report
from support.sample_reports import SampleTrust


def _cli(
    *args: str, data_dir: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "REVIEWER_DATA_DIR": str(data_dir), **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "reviewer_app", *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
    )


@pytest.fixture
def files(
    tmp_path: Path, fully_signed: bytes, peer_versions: list[bytes], oakwood: SampleTrust
) -> dict[str, Path]:
    paths = {
        "signed": tmp_path / "signed.pdf",
        "half": tmp_path / "half-signed.pdf",
        "root": tmp_path / "root-cert.pem",
        "text": tmp_path / "notes.pdf",
    }
    paths["signed"].write_bytes(fully_signed)
    paths["half"].write_bytes(peer_versions[1])
    paths["root"].write_bytes(oakwood.root.public_bytes(serialization.Encoding.PEM))
    paths["text"].write_text("These are my notes, not a PDF.\n")
    return paths


def test_verify_valid_report_exits_0_and_names_the_signers(
    files: dict[str, Path], data_dir: Path
) -> None:
    result = _cli(
        "verify", str(files["signed"]), "--trust-root", str(files["root"]), data_dir=data_dir
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "is valid: all 3 signatures" in result.stdout
    assert "Dr Sarah Whitfield signed as lead reviewer on" in result.stdout
    # The list embedded at signing revokes nobody, and is still named (it once was not).
    assert "Revocation checked against the trust's list of" in result.stdout
    assert "Traceback" not in result.stderr


def test_verify_json_output(files: dict[str, Path], data_dir: Path) -> None:
    result = _cli(
        "verify",
        str(files["half"]),
        "--trust-root",
        str(files["root"]),
        "--json",
        data_dir=data_dir,
    )
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["passed"] is False
    assert [s["signed"] for s in report["signatures"]] == [True, False, False]
    assert "Tom Fletcher (peer reviewer) has not signed" in report["signatures"][1]["sentence"]


def test_verify_uses_the_trust_root_saved_at_enrolment(
    files: dict[str, Path], data_dir: Path
) -> None:
    (data_dir / "config").mkdir()
    (data_dir / "config" / "trust-root.pem").write_bytes(files["root"].read_bytes())
    assert _cli("verify", str(files["signed"]), data_dir=data_dir).returncode == 0


def test_verify_without_any_trust_root_is_unusable(files: dict[str, Path], data_dir: Path) -> None:
    result = _cli("verify", str(files["signed"]), data_dir=data_dir)
    assert result.returncode == 2
    assert "--trust-root" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("kind", ["text", "missing", "folder"])
def test_verify_unusable_input_exits_2_without_traceback(
    kind: str, files: dict[str, Path], data_dir: Path, tmp_path: Path
) -> None:
    target = {"text": files["text"], "missing": tmp_path / "absent.pdf", "folder": tmp_path}[kind]
    result = _cli("verify", str(target), "--trust-root", str(files["root"]), data_dir=data_dir)
    assert result.returncode == 2, result.stdout + result.stderr
    assert str(target) in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_verify_against_a_foreign_root_exits_1(
    files: dict[str, Path], data_dir: Path, tmp_path: Path
) -> None:
    from reviewer_app.reports.ca import create_root

    foreign = tmp_path / "foreign.pem"
    foreign.write_bytes(
        create_root("Elsewhere Trust").certificate.public_bytes(serialization.Encoding.PEM)
    )
    result = _cli("verify", str(files["signed"]), "--trust-root", str(foreign), data_dir=data_dir)
    assert result.returncode == 1
    assert "not issued by the trust you checked against" in result.stdout
    assert "Traceback" not in result.stderr


def test_ca_lifecycle_issue_sign_revoke_verify(
    tmp_path: Path, data_dir: Path, peer_document: ReportDocument, oakwood: SampleTrust
) -> None:
    env = {"REVIEWER_CA_PASSPHRASE": "admin passphrase"}
    folder = tmp_path / "ca"
    init = _cli(
        "ca", "init", str(folder), "--trust-name", "Riverside Trust", data_dir=data_dir, env=env
    )
    assert init.returncode == 0, init.stderr
    # The reviewer makes a key and a request on the laptop; the admin issues from the request.
    key = generate_signing_key()
    save_key(key, tmp_path / "amira-key.pem", b"reviewer passphrase")
    request = tmp_path / "amira.csr"
    request.write_bytes(
        certificate_request(
            key, name="Amira Hussain", email="amira@riverside.example"
        ).public_bytes(serialization.Encoding.PEM)
    )
    cert_path = tmp_path / "amira-cert.pem"
    issued = _cli(
        "ca", "issue", str(folder), "--csr", str(request), "--role", "Peer reviewer",
        "--out", str(cert_path), data_dir=data_dir, env=env,
    )  # fmt: skip
    assert issued.returncode == 0, issued.stderr
    (cert,) = load_certificates(cert_path.read_bytes(), source="certificate")
    listing = _cli("ca", "list", str(folder), data_dir=data_dir)
    assert "Amira Hussain  Peer reviewer" in listing.stdout
    assert "valid" in listing.stdout
    # Amira signs a report with it (the other two slots stay empty; the first signature is hers).
    root_path = folder / "root-cert.pem"
    (root,) = load_certificates(root_path.read_bytes(), source="root")
    from cryptography import x509

    crl = x509.load_pem_x509_crl((folder / "crl.pem").read_bytes())
    pdf = sign_report(
        prepare_and_render(peer_document),
        credentials(key, cert, [root]),
        trust_roots=[root],
        crls=[crl],
    )
    report = tmp_path / "report.pdf"
    report.write_bytes(pdf)
    before = _cli(
        "verify", str(report), "--trust-root", str(root_path), "--json", data_dir=data_dir
    )
    assert json.loads(before.stdout)["signatures"][0]["ok"] is True
    revoked = _cli(
        "ca", "revoke", str(folder), f"{cert.serial_number:x}", "--reason", "key_compromise",
        data_dir=data_dir, env=env,
    )  # fmt: skip
    assert revoked.returncode == 0, revoked.stderr
    after = _cli(
        "verify", str(report), "--trust-root", str(root_path), "--crl", str(folder / "crl.pem"),
        "--json", data_dir=data_dir,
    )  # fmt: skip
    first = json.loads(after.stdout)["signatures"][0]
    assert first["revoked"] is True
    assert "revoked" in first["sentence"]
    assert "revoked" in _cli("ca", "list", str(folder), data_dir=data_dir).stdout


def test_ca_wrong_passphrase_is_a_sentence(tmp_path: Path, data_dir: Path) -> None:
    folder = tmp_path / "ca"
    assert _cli("ca", "init", str(folder), "--trust-name", "T", data_dir=data_dir,
                env={"REVIEWER_CA_PASSPHRASE": "right"}).returncode == 0  # fmt: skip
    result = _cli(
        "ca", "crl", str(folder), data_dir=data_dir, env={"REVIEWER_CA_PASSPHRASE": "wrong"}
    )
    assert result.returncode == 2
    assert "passphrase does not unlock" in result.stderr
    assert "Traceback" not in result.stderr


def test_self_issue_command(tmp_path: Path, data_dir: Path) -> None:
    from reviewer_app.reports.ca import is_self_issued

    key_path = tmp_path / "key.pem"
    save_key(generate_signing_key(), key_path, b"mine")
    (tmp_path / "pass.txt").write_text("mine\n")
    out = tmp_path / "self.pem"
    result = _cli(
        "ca", "self-issue", "--key", str(key_path), "--name", "Sam Patel",
        "--email", "sam@example.org", "--role", "Peer reviewer", "--out", str(out),
        "--passphrase-file", str(tmp_path / "pass.txt"), data_dir=data_dir,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert is_self_issued(load_certificates(out.read_bytes(), source="cert")[0])


def test_ca_export_root_writes_the_file_a_pdf_reader_imports(tmp_path: Path) -> None:
    """docs/acrobat.md: the trust admin exports the root as .cer (DER) for Acrobat Reader."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes

    data_dir, folder = tmp_path / "data", tmp_path / "ca"
    env = {"REVIEWER_CA_PASSPHRASE": "ca passphrase"}
    assert _cli("ca", "init", str(folder), "--trust-name", "Riverside Trust", data_dir=data_dir,
                env=env).returncode == 0  # fmt: skip
    out = tmp_path / "Riverside Trust root.cer"
    result = _cli("ca", "export-root", str(folder), "--out", str(out), data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    root = x509.load_der_x509_certificate(out.read_bytes())
    assert (
        root.subject
        == x509.load_pem_x509_certificate((folder / "root-cert.pem").read_bytes()).subject
    )
    assert root.fingerprint(hashes.SHA256()).hex(":").upper() in result.stdout
    missing = _cli("ca", "export-root", str(tmp_path / "none"), "--out", str(out),
                   data_dir=data_dir)  # fmt: skip
    assert missing.returncode == 2
    assert "holds no certificate authority" in missing.stderr
