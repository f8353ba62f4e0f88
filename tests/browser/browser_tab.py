"""One browser tab on the trust console with the checks every page gets (axe-core, console
errors) and screenshots on request; used by the browser tests' fixtures."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from console_support import ConsoleServer, Staff, code_now

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).parent / "vendor" / "axe-core-4.14.1" / "axe.min.js"
#: What the console's date inputs look like follows the browser's own language, not the page's
#: ``lang``: the tests' Chromium speaks British English, as a trust's staff's browsers do. On
#: Linux Chromium takes its language from ``LANGUAGE`` (``--lang`` is for Windows and macOS) and
#: needs Debian's ``chromium-l10n`` for any but en-US, which would show "mm/dd/yyyy".
CHROMIUM_ENV = {"LANGUAGE": "en_GB"}
CHROMIUM_ARGS = [
    "--lang=en-GB",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
#: axe rule sets the console is held to (WCAG 2.2 AA and axe's best practices).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


#: The left and right edges of the content (inside the padding) of the header, the navigation
#: bar, the main part and the footer.
EDGES = """() => {
  const edges = selector => {
    const element = document.querySelector(selector);
    if (element === null) return null;
    const box = element.getBoundingClientRect();
    const style = getComputedStyle(element);
    return [box.left + parseFloat(style.paddingLeft), box.right - parseFloat(style.paddingRight)];
  };
  return {header: edges(".header-inner"), nav: edges(".site-nav ul"), main: edges("main"),
          footer: edges("footer .container")};
}"""


class Browser:
    """One browser tab at 1366x768 on the console, with the checks every page gets."""

    def __init__(self, page: Any, server: ConsoleServer) -> None:
        self.page = page
        self.server = server
        self.checked: list[str] = []
        self.console_errors: list[str] = []
        # Script errors and refused resources (a CSP violation) fail the test; a form answered
        # 400 with its errors shown ("Failed to load resource") does not.
        page.on("pageerror", lambda error: self.console_errors.append(str(error)))
        page.on(
            "console",
            lambda message: (
                self.console_errors.append(message.text)
                if message.type == "error"
                and not message.text.startswith("Failed to load resource")
                else None
            ),
        )

    def go(self, path: str) -> Any:
        self.page.goto(self.server.url + path)
        return self.page

    def accessible(self) -> None:
        """axe-core finds no serious or critical violation on the page as it is now."""
        if "axe" not in self.page.evaluate("() => Object.keys(window)"):
            self.page.evaluate(AXE.read_text(encoding="utf-8"))
        result = self.page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
        )
        bad = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
        report = "\n".join(
            f"{v['id']} ({v['impact']}): {v['help']} at "
            + "; ".join(
                n["target"][0] if isinstance(n["target"][0], str) else str(n["target"])
                for n in v["nodes"][:5]
            )
            for v in bad
        )
        assert not bad, f"axe found on {self.page.url}:\n{report}"
        self.aligned()
        self.checked.append(self.page.url)

    def aligned(self) -> None:
        """The page's content starts and ends where the header and the navigation do (a wide
        page's table once started left of the navigation at 1366x768)."""
        edges = self.page.evaluate(EDGES)
        header = edges["header"]
        for part in ("nav", "main", "footer"):
            if edges[part] is None:
                continue
            left, right = edges[part]
            assert abs(left - header[0]) < 1, (
                f"on {self.page.url} the {part} starts at {left}px, the header at {header[0]}px"
            )
            assert abs(right - header[1]) < 1, (
                f"on {self.page.url} the {part} ends at {right}px, the header at {header[1]}px"
            )

    def date_fields(self) -> list[str]:
        """The parts of the page's date inputs, in order as the browser shows them ("Day",
        "Month", "Year" for British English), read from Chromium's accessibility tree."""
        session = self.page.context.new_cdp_session(self.page)
        try:
            nodes = session.send("Accessibility.getFullAXTree")["nodes"]
        finally:
            session.detach()
        return [
            str(node.get("name", {}).get("value", "")).split(" ")[0]
            for node in nodes
            if node.get("role", {}).get("value") == "spinbutton"
        ]

    def shoot(self, name: str) -> None:
        """Check the page with axe, and save its screenshot when screenshots are wanted."""
        self.accessible()
        folder = os.environ.get("REVIEWER_CONSOLE_SCREENSHOTS")
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(Path(folder) / f"console-{name}.png"), full_page=False)

    def sign_in(self, staff: Staff) -> None:
        page = self.go("/console/sign-in")
        page.get_by_label("Email address").fill(staff.email)
        page.get_by_label("Password").fill(staff.password)
        page.get_by_role("button", name="Sign in").click()
        if staff.totp_secret is not None:
            page.wait_for_url("**/console/sign-in/code")
            page.get_by_label("Code").fill(code_now(staff.totp_secret))
            page.get_by_role("button", name="Continue").click()
        page.wait_for_url(f"{self.server.url}/console")

    def nav(self, label: str) -> None:
        """Follow a link of the console's navigation bar."""
        bar = self.page.get_by_role("navigation", name="Console sections")
        bar.get_by_role("link", name=label, exact=True).click()
        self.page.wait_for_load_state()

    def submit(self, name: str) -> None:
        self.page.get_by_role("button", name=name, exact=True).click()
        self.page.wait_for_load_state()

    def open_as(self, staff: Staff, section: str) -> Any:
        """Sign ``staff`` in and open ``section`` of the navigation bar; returns the page."""
        self.sign_in(staff)
        self.nav(section)
        return self.page

    def follow(self, link: Any, *, exact: bool = True) -> None:
        """Click ``link`` (a locator, or the name of a link on the page, whole unless not
        ``exact``) and wait for the page it opens."""
        if isinstance(link, str):
            link = self.page.get_by_role("link", name=link, exact=exact)
        link.click()
        self.page.wait_for_load_state()

    def filter_by(self, label: str, value: str | None = None, *, option: str | None = None) -> None:
        """Choose ``value`` (or the option reading ``option``) in the filter bar's ``label``
        drop-down, then apply the filters."""
        self.page.get_by_label(label).select_option(value, label=option)
        self.submit("Apply filters")


@contextmanager
def open_tab(chromium: Any, server: ConsoleServer) -> Iterator[Browser]:
    """A fresh tab (its own context: no one signed in) at 1366x768 on ``server``; after the
    block, the browser console must have reported no error."""
    context = chromium.new_context(viewport={"width": 1366, "height": 768}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    tab = Browser(page, server)
    try:
        yield tab
    finally:
        context.close()
    assert not tab.console_errors, f"the browser console reported: {tab.console_errors}"


def seed_demo_console(folder: Path) -> tuple[str, list[Any]]:
    """A server database in ``folder`` holding the demo trust; its URL and demo sign-ins."""
    from reviewer_app.paths import frameworks_dir
    from reviewer_app.server.database import create_server_engine, migrate, write_session
    from reviewer_app.server.demo_trust import demo_accounts, seed_demo_trust

    url = f"sqlite:///{folder / 'server.sqlite3'}"
    engine = create_server_engine(url)
    migrate(engine)
    with write_session(engine) as session:
        assert seed_demo_trust(session, frameworks_dir())
    with write_session(engine) as session:
        accounts = demo_accounts(session)
    engine.dispose()
    return url, list(accounts)


def sign_newest_demo_reports(engine: Any, folder: Path, reviews: int) -> Any:
    """Sign the reports of the demo's ``reviews`` newest signed visits, as the demo server does
    (through the push's checks), with the demo trust CA it makes in ``folder``; returns that
    CA (the server's trust authority). On a thread of its own: pyHanko runs an asyncio loop,
    which a thread with Playwright's running loop may not."""
    import threading
    from datetime import timedelta

    from reviewer_app.server.app import server_context
    from reviewer_app.server.blob_store import BlobStore
    from reviewer_app.server.demo_reports import DemoSigner, demo_authority

    authority = demo_authority(folder)
    blobs = BlobStore(folder / "blobs", timedelta(hours=1))
    signer = DemoSigner(server_context(engine, blobs, authority), authority)
    failed: list[BaseException] = []

    def sign() -> None:
        try:
            signer.sign_all(limit=reviews)
        except BaseException as exc:  # handed to the test below
            failed.append(exc)

    thread = threading.Thread(target=sign, name="demo-reports")
    thread.start()
    thread.join()
    if failed:
        raise failed[0]
    return authority
