"""``reviewer-app about``: this installation, for the person and for their IT support.

    reviewer-app about [--json] [--check-keyring] [--data-dir D]

Prints the version, the sync protocol, where this laptop keeps its store, settings and logs
(the platform's usual folders: AppData on Windows, Library on macOS, XDG on Linux), where the
frameworks and report fonts were installed, and which keyring keeps the store's key (Windows
Credential Manager, macOS Keychain, Secret Service), or that there is none, so a passphrase
protects the store. ``--check-keyring`` also writes, reads back and deletes a test entry, which
tells whether a locked-down profile's keyring really works.
"""

from __future__ import annotations

import argparse
import json
import logging
import secrets
import sys
from typing import Any

from reviewer_app import __version__
from reviewer_app.cli import add_store_arguments

log = logging.getLogger(__name__)

#: The keyring service of the round trip made by ``--check-keyring`` (deleted at once).
CHECK_SERVICE = "reviewer-app-keyring-check"

#: Backends (module.class) as people know them.
_KEYRING_NAMES = {
    "keyring.backends.Windows.WinVaultKeyring": "Windows Credential Manager",
    "keyring.backends.macOS.Keyring": "macOS Keychain",
    "keyring.backends.SecretService.Keyring": "Secret Service (GNOME Keyring, KWallet)",
    "keyring.backends.kwallet.DBusKeyring": "KWallet",
}


def register(parser: argparse.ArgumentParser) -> None:
    """Options: ``--json``, ``--check-keyring``, and where the data lives."""
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--check-keyring",
        action="store_true",
        help="write, read back and delete a test entry in the keyring",
    )
    add_store_arguments(parser)


def _keyring_description() -> tuple[str, str, bool]:
    """(backend class path, what people call it, usable) without touching any entry."""
    import keyring

    from reviewer_app.storage.keys import keyring_usable

    try:
        backend = keyring.get_keyring()
    except Exception:  # a broken keyring configuration is reported, not raised
        log.info("keyring backend could not be loaded", exc_info=True)
        return "", "none", False
    kind = type(backend)
    path = f"{kind.__module__}.{kind.__qualname__}"
    usable = keyring_usable()
    module = kind.__module__.removesuffix(".api")
    name = _KEYRING_NAMES.get(f"{module}.{kind.__qualname__}", kind.__qualname__)
    return path, name if usable else "none", usable


def _keyring_round_trip() -> bool:
    import keyring

    probe = secrets.token_hex(8)
    try:
        keyring.set_password(CHECK_SERVICE, probe, probe)
        works = keyring.get_password(CHECK_SERVICE, probe) == probe
        keyring.delete_password(CHECK_SERVICE, probe)
    except Exception:  # any keyring failure means "does not work here"
        log.info("keyring round trip failed", exc_info=True)
        return False
    return works


def facts(args: argparse.Namespace) -> dict[str, Any]:
    """What ``about`` reports, as a dictionary (the ``--json`` output)."""
    from reviewer_app.paths import AppPaths, frameworks_dir, resources_dir
    from reviewer_app.sync.protocol import PROTOCOL_VERSION

    paths = AppPaths.resolve(getattr(args, "data_dir", None))
    backend, name, usable = _keyring_description()
    found: dict[str, Any] = {
        "version": __version__,
        "sync_protocol": PROTOCOL_VERSION,
        "python": sys.version.split()[0],
        "frozen": bool(getattr(sys, "frozen", False)),
        "data": str(paths.data),
        "settings": str(paths.config),
        "logs": str(paths.logs),
        "cache": str(paths.cache),
        "frameworks": str(frameworks_dir()),
        "report_fonts": str(resources_dir() / "fonts"),
        "keyring": name,
        "keyring_backend": backend,
        "keyring_usable": usable,
        "store_key": "kept in the keyring"
        if usable
        else "protected by a passphrase (no keyring on this computer)",
    }
    if getattr(args, "check_keyring", False):
        found["keyring_works"] = usable and _keyring_round_trip()
    return found


def run(args: argparse.Namespace) -> int:
    """Print the facts; exit 1 only when ``--check-keyring`` found the keyring not working."""
    found = facts(args)
    if args.json:
        print(json.dumps(found, indent=2))
    else:
        labels = {
            "version": "Reviewer",
            "sync_protocol": "Sync protocol",
            "data": "Store and attachments",
            "settings": "Settings",
            "logs": "Logs",
            "frameworks": "Frameworks",
            "report_fonts": "Report fonts",
            "keyring": "Keyring",
            "store_key": "New stores' keys",
            "keyring_works": "Keyring check",
        }
        for key, label in labels.items():
            if key in found:
                value = found[key]
                if isinstance(value, bool):
                    value = "works" if value else "FAILED: stores will need a passphrase"
                print(f"{label}: {value}")
    return 1 if found.get("keyring_works") is False else 0
