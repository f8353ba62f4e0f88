"""Rule 2 of docs/verification.md on every road a report takes: each signature container the
corpus rewrites (signed attributes re-signed with the signer's own key, so the signature value
still verifies) is refused by ``reviewer-app verify``, by the trust server's arrival check and
by the service behind File > Verify a report, in a sentence naming the signature."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import Encoding

from reviewer_app.cli import main
from reviewer_app.reports.sign_off_check import ReportRefusedError
from reviewer_app.server.trust_authority import TrustAuthority
from reviewer_app.services.report_checking import CheckedReport, check_report_file
from support import tampered_reports as tampered
from support.sample_reports import SampleTrust
from support.verification_corpus import CONTAINER_CASE_IDS, ContainerCase, container_cases

#: Amira's signature rewritten, signed again with her key, and nothing else changed.
RESIGNED_AS_IS = "resigned-as-is"


@pytest.fixture(scope="module")
def cases(oakwood: SampleTrust) -> Mapping[str, ContainerCase]:
    built = {case.case_id: case for case in container_cases(oakwood)}
    assert tuple(built) == CONTAINER_CASE_IDS
    return built


@pytest.fixture(scope="module")
def altered(
    cases: Mapping[str, ContainerCase], peer_versions: list[bytes], oakwood: SampleTrust
) -> Mapping[str, bytes]:
    """Each case applied to the report as the first of its three signers left it."""
    first_signed = peer_versions[1]
    files = {
        case_id: tampered.rewrite_container(first_signed, case.change)
        for case_id, case in cases.items()
    }
    key = oakwood.signers["Amira Hussain"].private_key
    files[RESIGNED_AS_IS] = tampered.rewrite_container(
        first_signed, tampered.resigned(key, lambda attributes: attributes)
    )
    return files


@pytest.fixture(scope="module")
def trust_files(oakwood: SampleTrust, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The trust's CA folder as the server keeps it (root certificate and current list)."""
    from reviewer_app.reports.ca import CaFolder

    folder = CaFolder(tmp_path_factory.mktemp("ca") / "ca")
    folder.root_cert_path.parent.mkdir(parents=True)
    folder.root_cert_path.write_bytes(oakwood.root.public_bytes(Encoding.PEM))
    folder.crl_path.write_bytes(oakwood.crl.public_bytes(Encoding.PEM))
    return folder.folder


def _amira_line(stdout: str) -> str:
    (line,) = [line for line in stdout.splitlines() if "Amira Hussain signed" in line]
    return line


def test_a_container_signed_again_unchanged_passes_every_road(
    altered: Mapping[str, bytes],
    oakwood: SampleTrust,
    trust_files: Path,
    tmp_path: Path,
    data_dir: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The control: re-signing itself leaves nothing for the strict parse to find, so each
    case below is refused for what it changes, not for having been signed again."""
    pdf = altered[RESIGNED_AS_IS]
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    _verify_command(path, trust_files, data_dir)
    assert _amira_line(capsys.readouterr().out).lstrip().startswith("✓")
    TrustAuthority(trust_files).check_report(pdf)  # accepted on arrival (raises if not)
    checked = check_report_file(path, [oakwood.root], [oakwood.crl])
    assert isinstance(checked, CheckedReport)
    assert checked.verification.signatures[0].ok


@pytest.mark.parametrize("case_id", CONTAINER_CASE_IDS)
def test_an_altered_container_is_refused_on_every_road(
    case_id: str,
    cases: Mapping[str, ContainerCase],
    altered: Mapping[str, bytes],
    oakwood: SampleTrust,
    trust_files: Path,
    tmp_path: Path,
    data_dir: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    words = cases[case_id].words
    pdf = altered[case_id]
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)

    # reviewer-app verify: exit status 1 (not valid), Amira's signature marked and said why.
    assert _verify_command(path, trust_files, data_dir) == 1
    line = _amira_line(capsys.readouterr().out)
    assert line.lstrip().startswith("✗ Amira Hussain signed as peer reviewer")
    assert words in line

    # The trust server, when a laptop pushes the report.
    with pytest.raises(ReportRefusedError) as refused:
        TrustAuthority(trust_files).check_report(pdf)
    assert refused.value.message.startswith("Amira Hussain signed as peer reviewer")
    assert words in refused.value.message

    # File > Verify a report (its service, on the dialog's reader thread).
    checked = check_report_file(path, [oakwood.root], [oakwood.crl])
    assert isinstance(checked, CheckedReport)
    amira = checked.verification.signatures[0]
    assert not amira.ok
    assert amira.sentence.startswith("Amira Hussain signed as peer reviewer")
    assert words in amira.sentence


def _verify_command(path: Path, trust_files: Path, data_dir: Path) -> int:
    from reviewer_app.reports.ca import CaFolder

    folder = CaFolder(trust_files)
    return main(
        ["verify", str(path), "--trust-root", str(folder.root_cert_path),
         "--crl", str(folder.crl_path), "--data-dir", str(data_dir)]
    )  # fmt: skip
