"""Exporting a bundle as a person: how it is sealed, what it holds, and the audit entry.

The CLI (``reviewer-app export``) and the app's File menu both come here, so the rules are the
same: a passphrase unless the person chooses the trust's key; plaintext only for trust admins;
every export recorded (who, which reviews, how sealed, when) for the trust's audit log.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reviewer_app.domain.errors import PermissionDeniedError, ReviewerError
from reviewer_app.domain.organisation import Role
from reviewer_app.services.review_bundles import export_bundle, write_bundle
from reviewer_app.storage.audit_entries import record_entry
from reviewer_app.storage.local_settings import get_setting
from reviewer_app.sync.bundle_sealing import Sealing

if TYPE_CHECKING:
    from reviewer_app.services.workspace import Workspace

#: The trust's bundle key (an age public key), as the last handshake brought it.
TRUST_BUNDLE_RECIPIENT = "trust_bundle_recipient"
#: The audit action of an export.
BUNDLE_EXPORTED = "bundle_exported"


@dataclass(frozen=True, slots=True)
class BundleExport:
    """How one export is to be sealed (``sealing`` None: plaintext, for a trust admin)."""

    sealing: Sealing | None

    @classmethod
    def plan(
        cls,
        workspace: Workspace,
        *,
        for_trust: bool = False,
        plaintext: bool = False,
        passphrase: Callable[[], str | None],
    ) -> BundleExport:
        """Decide the sealing, refusing what the person may not do; asks for the passphrase
        (``passphrase()``) only when one is needed."""
        person = workspace.current_person
        if plaintext:
            if not person.has_role(Role.TRUST_ADMIN):
                raise PermissionDeniedError(
                    f"Only a trust admin may export an unencrypted bundle, and {person.name} is "
                    "not one.",
                    hint="Export it with a passphrase, or to the trust's key (--for-trust).",
                )
            return cls(None)
        if for_trust:
            with workspace.store.reading() as session:
                recipient = get_setting(session, TRUST_BUNDLE_RECIPIENT)
            if not recipient:
                raise ReviewerError(
                    "This laptop has not received the trust's bundle key yet.",
                    hint="Sync with the trust server once, or export with a passphrase.",
                )
            return cls(Sealing(recipients=(recipient,)))
        chosen = passphrase()
        if not chosen:
            raise ReviewerError(
                "A bundle needs a passphrase (or --for-trust), so nothing was written.",
                hint="Choose a passphrase of at least ten characters.",
            )
        return cls(Sealing(passphrase=chosen))

    @property
    def described(self) -> str:
        return self.sealing.described if self.sealing else "NOT encrypted"


@dataclass(frozen=True, slots=True)
class ExportDone:
    """What an export wrote."""

    reviews: int
    files: int
    signed_reports: int
    unsent: int
    left_out: tuple[str, ...]
    withheld: int
    described: str


def export_to_file(
    workspace: Workspace, plan: BundleExport, path: Path, review_ids: list[str] | None = None
) -> ExportDone:
    """Export the reviews the person may carry to ``path`` and record the export.

    The audit entry and the file go together: the entry is written first and the file inside
    the same transaction, so a store that cannot record the export (read-only, full) leaves no
    bundle behind, and a bundle that cannot be written leaves no entry."""
    person = workspace.current_person
    exported = export_bundle(workspace.store, person, review_ids)
    bundle = exported.bundle
    done = ExportDone(
        reviews=len(bundle["reviews"]),
        files=len(_attached_files(bundle)),
        signed_reports=len(bundle.get("signed_reports") or ()),
        unsent=sum(len(r["operations"]) for r in bundle["reviews"]),
        left_out=exported.left_out,
        withheld=exported.withheld,
        described=plan.described,
    )

    def write() -> None:
        with workspace.store.writing() as session:
            record_entry(
                session,
                person_id=person.id,
                action=BUNDLE_EXPORTED,
                summary=f"{person.name} exported {done.reviews} review(s) to {path.name}, "
                f"{done.described}",
                detail={
                    "file": path.name,
                    "reviews": exported.review_ids,
                    "sealed": "plaintext"
                    if plan.sealing is None
                    else ("passphrase" if plan.sealing.passphrase is not None else "trust key"),
                    "files": done.files,
                    "signed_reports": done.signed_reports,
                    "unsent_changes": done.unsent,
                    "withheld": done.withheld,
                    "left_out": len(done.left_out),
                },
            )
            session.flush()
            write_bundle(bundle, path, plan.sealing)
            written.append(path)

    written: list[Path] = []
    try:
        workspace.lane.call(write)
    except BaseException:
        for file in written:  # the entry was not kept, so neither is the file
            file.unlink(missing_ok=True)
        raise
    return done


def _attached_files(bundle: dict[str, Any]) -> set[str]:
    """The content hashes of the files attached to the bundle's reviews (its ``blobs`` also hold
    the signed reports' PDFs)."""
    return {
        record["sha256"] for entry in bundle["reviews"] for record in entry["records"]["attachment"]
    }
