"""The console gives out the trust's root certificate for Acrobat Reader, with the steps to send
to a headteacher (issue 19): reached from the signed reports page, fingerprint as the CA's."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_tab import Browser
from cryptography.hazmat.primitives import hashes, serialization

from console_support import ConsoleServer, enrol_staff
from reviewer_app.reports.ca import CaFolder
from reviewer_app.server.trust_authority import TrustAuthority


@pytest.fixture
def ca_tab(chromium: Any, tmp_path: Path) -> Iterator[tuple[Browser, CaFolder]]:
    """A browser tab on a console whose server has a trust CA (as ``serve --ca-dir``)."""
    folder = CaFolder.create(tmp_path / "ca", "Oak Learning Trust", b"a CA passphrase")
    server = ConsoleServer(
        f"sqlite:///{tmp_path / 'server.sqlite3'}",
        tmp_path,
        authority=TrustAuthority(tmp_path / "ca"),
    ).start()
    context = chromium.new_context(viewport={"width": 1366, "height": 768}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    tab = Browser(page, server)
    try:
        yield tab, folder
    finally:
        context.close()
        server.stop()
    assert not tab.console_errors, f"the browser console reported: {tab.console_errors}"


def test_a_reviewer_downloads_the_trust_root_with_steps_for_the_school(
    ca_tab: tuple[Browser, CaFolder],
) -> None:
    browser, folder = ca_tab
    reviewer = enrol_staff(
        browser.server, "sarah.khan@oak.example", ["lead_reviewer"], trust_name="Oak Learning Trust"
    )
    browser.sign_in(reviewer)
    browser.nav("Signed reports")
    page = browser.page
    page.get_by_role(
        "link", name="download it, with instructions to send to the headteacher"
    ).click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Checking reports in Adobe Acrobat Reader").is_visible()
    root = folder.root_certificate()
    fingerprint = root.fingerprint(hashes.SHA256()).hex(":").upper()
    assert page.inner_text("#root-fingerprint") == fingerprint
    steps = page.get_by_role("heading", name="Instructions to send to the headteacher")
    assert steps.is_visible()
    text = page.inner_text("main")
    assert "Use this certificate as a trusted root" in text
    assert "Certified documents" in text
    assert "Oak Learning Trust Root CA" in text
    browser.shoot("trust-root")
    browser.accessible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the root certificate (.cer)").click()
    assert download.value.suggested_filename == "Oak Learning Trust Root CA.cer"
    saved = Path(download.value.path())
    assert saved.read_bytes() == root.public_bytes(serialization.Encoding.DER)
