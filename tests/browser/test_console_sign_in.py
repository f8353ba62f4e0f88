"""Signing in to the trust console in a real browser: the first admin's set-up link, a password,
an authenticator set up from the QR code's key, recovery codes, and the second factor after."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from console_support import PASSWORD, Staff, code_now

if TYPE_CHECKING:
    from browser_tab import Browser


def test_first_admin_sets_a_password_and_an_authenticator_then_signs_in_with_a_code(
    browser: Browser,
) -> None:
    server = browser.server
    link = server.setup_link(
        "mark.ellison@oak.example", ["trust_admin"], trust_name="Oak Learning Trust"
    )
    page = browser.go(link)
    browser.shoot("set-password")
    page.get_by_label("New password").fill("too short")
    page.get_by_label("Type it again").fill("too short")
    browser.submit("Set password")
    assert "at least 12 characters" in page.inner_text("main")
    page.get_by_label("New password").fill(PASSWORD)
    page.get_by_label("Type it again").fill(PASSWORD)
    browser.submit("Set password")
    page.wait_for_url("**/console/sign-in?done=password-set")
    assert "Your password is set" in page.inner_text("main")
    browser.shoot("sign-in")

    page.get_by_label("Email address").fill("mark.ellison@oak.example")
    page.get_by_label("Password").fill(PASSWORD)
    browser.submit("Sign in")
    page.wait_for_url("**/console/sign-in/authenticator")
    assert page.get_by_role("img", name=re.compile("QR code")).is_visible()
    browser.shoot("authenticator")
    secret = page.inner_text(".secret").replace(" ", "")
    page.get_by_label("Code from the app").fill("000000")
    browser.submit("Finish setting up")
    assert "not right" in page.inner_text("main")
    page.get_by_label("Code from the app").fill(code_now(secret))
    browser.submit("Finish setting up")
    codes = page.get_by_role("list", name="Recovery codes").inner_text().split()
    assert len(codes) == 10
    browser.accessible()
    page.get_by_role("link", name="Continue to the console").click()
    page.wait_for_url(f"{server.url}/console")
    assert "Welcome, Mark Ellison" in page.inner_text("h1")
    browser.shoot("home-new-trust")

    # Sign out, then in again: now the code from the app is asked for.
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/console/sign-in?done=signed-out")
    admin = Staff("mark.ellison@oak.example", "", PASSWORD, secret)
    page.get_by_label("Email address").fill(admin.email)
    page.get_by_label("Password").fill(PASSWORD)
    browser.submit("Sign in")
    page.wait_for_url("**/console/sign-in/code")
    browser.shoot("second-factor")
    page.get_by_label("Code").fill(codes[0])  # a recovery code works once instead of the app
    browser.submit("Continue")
    page.wait_for_url(f"{server.url}/console")
    page.goto(server.url + "/console/account")
    assert "9 recovery codes left" in page.inner_text("main")
    browser.shoot("account")
