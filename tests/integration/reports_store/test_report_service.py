"""Reports of real reviews in the demo store: build, render, sign in order, lock, verify."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from report_store_world import become

from reviewer_app.demo.demo_trust import open_demo_workspace
from reviewer_app.domain.errors import LockedError, PermissionDeniedError, ValidationError
from reviewer_app.domain.organisation import Person
from reviewer_app.domain.review import ReviewState
from reviewer_app.domain.visits import Visit, VisitStatus
from reviewer_app.paths import AppPaths
from reviewer_app.reports.ca import CaFolder
from reviewer_app.reports.keys import certificate_pem
from reviewer_app.reports.signing import SigningError
from reviewer_app.services.framework_catalogue import installed_library
from reviewer_app.services.report_service import ReportService
from reviewer_app.services.signing_identity import TRUST_CRL_FILE, TRUST_ROOT_FILE, SigningIdentity
from reviewer_app.services.workspace import Workspace

KEY_PASSPHRASE = "signing key passphrase"


@pytest.fixture(scope="module")
def workspace(demo_base: Path) -> Iterator[Workspace]:
    with open_demo_workspace(AppPaths.from_base(demo_base)) as opened:
        yield opened


@pytest.fixture(scope="module")
def people(workspace: Workspace) -> dict[str, Person]:
    return {p.name.split()[0]: p for p in workspace.list_people()}


def _visit(workspace: Workspace, school: str, framework_id: str, status: VisitStatus) -> Visit:
    for s in workspace.list_schools():
        if s.name.startswith(school):
            for visit in workspace.visits_for_school(s.id):
                if visit.framework_id == framework_id and visit.status is status:
                    return visit
    raise AssertionError(f"no {framework_id} visit at {school}")


def test_each_audience_of_the_peer_review_shows_what_it_may(
    workspace: Workspace, people: dict[str, Person], tmp_path: Path
) -> None:
    become(workspace, people["Rachel"])  # a safeguarding lead sees restricted detail
    service = ReportService(workspace, AppPaths.from_base(tmp_path))
    visit = _visit(workspace, "St Aidan", "two-day-peer-review", VisitStatus.SIGNED)
    source = service.source(visit.id)
    documents = {key: service.document(visit.id, key)[1] for key in source.audience_keys}
    full, school, board = (
        documents[k] for k in ("full_internal", "school_facing", "board_summary")
    )
    # Nobody on this team holds a safeguarding role: the restricted sample check is empty and
    # left out, so the full report is the same whoever may export it.
    assert not any(s.restricted for s in full.sections)
    assert {s.section_id for s in school.sections} <= {s.section_id for s in full.sections}
    assert {f.rating.label for s in full.sections for f in s.findings if f.rating}
    assert full.evidence_notes
    assert not board.evidence_notes
    assert all(not f.evidence for s in board.sections for f in s.findings)
    assert [s.person_name for s in full.signing_order] == [
        "Priya Natarajan",
        "Tom Gallagher",
        "David Brennan",
    ]
    legend = {sc.scale_id: sc for sc in full.scales}
    assert any(sc.not_an_ofsted_grade and "Ofsted" in sc.note_text for sc in legend.values())
    assert len({d.data_hash() for d in documents.values()}) == 3
    for key in source.audience_keys:
        rendered = service.render(visit.id, key)
        assert rendered.pdf.startswith(b"%PDF")
        assert rendered.page_count >= 2


def _review_with_restricted_detail(workspace: Workspace, people: dict[str, Person]) -> Visit:
    """A new peer review whose team's safeguarding lead records the restricted SCR sample."""
    import json
    from datetime import date

    from reviewer_app.domain.organisation import Role
    from reviewer_app.domain.visits import VisitReviewer

    school = next(iter(workspace.list_schools("Brookside")))
    become(workspace, people["David"])
    visit = workspace.save_visit(
        Visit(
            id="restricted-detail-visit",
            school_id=school.id,
            framework_id="two-day-peer-review",
            planned_start=date(2026, 2, 2),
            planned_end=date(2026, 2, 3),
            reviewers=(
                VisitReviewer(people["David"].id, Role.LEAD_REVIEWER),
                VisitReviewer(people["Aisha"].id, Role.SAFEGUARDING_LEAD),
                VisitReviewer(people["Tom"].id, Role.PEER_REVIEWER),
            ),
            status=VisitStatus.IN_PROGRESS,
        )
    )
    framework = installed_library().latest("two-day-peer-review")
    review = workspace.reviews.start_review(
        visit.id,
        framework_id=framework.id,
        framework_version=framework.version,
        framework_hash=framework.content_hash,
        framework_snapshot=json.dumps(framework.to_snapshot()),
    )
    workspace.reviews.agree_judgement(review.id, "scr-sample", "met")
    workspace.reviews.agree_judgement(review.id, "safeguarding", "met")
    become(workspace, people["Aisha"])
    workspace.reviews.set_field(review.id, "scr-sample.records-sampled", 12)
    workspace.reviews.add_note(
        review.id, "SCR rows R4 and R9 checked", criterion_ids=("scr-sample",)
    )
    workspace.reviews.add_action(
        review.id, "Date the R9 barred list check", owner="Business manager", due=None,
        criterion_id="scr-sample",
    )  # fmt: skip
    return visit


def test_restricted_detail_needs_a_safeguarding_role(
    workspace: Workspace, people: dict[str, Person], tmp_path: Path
) -> None:
    visit = _review_with_restricted_detail(workspace, people)
    service = ReportService(workspace, AppPaths.from_base(tmp_path))

    full = service.document(visit.id, "full_internal")[1]  # Aisha, a safeguarding lead
    restricted = [s for s in full.sections if s.restricted]
    assert [s.title for s in restricted] == ["Safeguarding: restricted detail"]
    assert restricted[0].findings[0].rating is not None
    assert any("Records sampled: 12" in e for f in restricted[0].findings for e in f.evidence)
    assert [a.text for a in full.actions] == ["Date the R9 barred list check"]
    school = service.document(visit.id, "school_facing")[1]
    assert not any(s.restricted for s in school.sections)
    assert not school.actions  # the action about restricted detail stays with it
    assert all("R4" not in n.text for n in school.evidence_notes)
    rendered = service.render(visit.id, "full_internal")
    assert rendered.data_hash == full.data_hash()

    become(workspace, people["David"])  # lead reviewer, no safeguarding role
    with pytest.raises(PermissionDeniedError, match="restricted safeguarding detail"):
        service.document(visit.id, "full_internal")
    assert service.document(visit.id, "school_facing")[1].data_hash() == school.data_hash()
    audit = _visit(workspace, "St Aidan", "safeguarding-audit", VisitStatus.SIGNED)
    with pytest.raises(PermissionDeniedError, match="David Brennan does not hold that role"):
        service.export(audit.id, "school_facing", tmp_path / "audit.pdf")
    assert not (tmp_path / "audit.pdf").exists()


def _enrol_with_trust_ca(paths: AppPaths, ca: CaFolder, person: Person) -> None:
    """Make the person's key, then place a certificate the trust issued for it."""
    identity = SigningIdentity(paths, person)
    key = identity.credentials(KEY_PASSPHRASE).private_key
    cert = ca.issue(b"ca passphrase", key.public_key(), name=person.name, email=person.email,
                    roles=())  # fmt: skip
    identity.certificate_file.write_bytes(certificate_pem(cert))


def test_two_day_peer_review_signed_by_the_peers_in_any_order_then_the_lead_then_locked(
    workspace: Workspace, people: dict[str, Person], tmp_path: Path
) -> None:
    paths = AppPaths.from_base(tmp_path / "laptop")
    paths.ensure()
    ca = CaFolder.create(tmp_path / "ca", "Northfield Learning Trust", b"ca passphrase")
    (paths.config / TRUST_ROOT_FILE).write_bytes(certificate_pem(ca.root_certificate()))
    (paths.cache / TRUST_CRL_FILE).write_bytes(ca.crl_path.read_bytes())
    for name in ("Priya", "Tom", "David"):
        _enrol_with_trust_ca(paths, ca, people[name])
    service = ReportService(workspace, paths)
    visit = _visit(workspace, "Northfield", "two-day-peer-review", VisitStatus.PLANNED)

    # The lead starts and fills the review.
    become(workspace, people["David"])
    framework = installed_library().latest("two-day-peer-review")
    import json

    review = workspace.reviews.start_review(
        visit.id,
        framework_id=framework.id,
        framework_version=framework.version,
        framework_hash=framework.content_hash,
        framework_snapshot=json.dumps(framework.to_snapshot()),
    )
    workspace.reviews.agree_judgement(review.id, "inclusion", "strong")
    workspace.reviews.set_field(review.id, "inclusion-strengths", "Needs are known early.")
    workspace.reviews.add_note(review.id, "SENCO tracks every plan", criterion_ids=("inclusion",))
    with pytest.raises(ValidationError, match="cannot be signed yet"):
        service.sign(visit.id, "school_facing", passphrase=KEY_PASSPHRASE)
    workspace.reviews.set_state(review.id, ReviewState.READY_FOR_SIGN_OFF)

    # Out of order: the lead signs last; the peers (version 3 of the framework) in any order.
    with pytest.raises(
        SigningError,
        match=r"Priya Natarajan and Tom Gallagher \(peer reviewers, in any order\) sign this "
        "report next, not David Brennan",
    ):
        service.sign(visit.id, "school_facing", passphrase=KEY_PASSPHRASE)
    become(workspace, people["Tom"])
    first = service.sign(visit.id, "school_facing", passphrase=KEY_PASSPHRASE)
    assert first.certified_by_trust
    assert not first.locked
    assert first.version.signer_count == 1
    assert first.version.required_count == 3
    with pytest.raises(SigningError, match=r"Priya Natarajan .* signs this report next, not Tom"):
        service.sign(visit.id, "school_facing", passphrase=KEY_PASSPHRASE)

    # The review changes between signatures: refused, saying so.
    become(workspace, people["David"])
    workspace.reviews.set_field(review.id, "inclusion-strengths", "Needs are known very early.")
    become(workspace, people["Priya"])
    with pytest.raises(SigningError, match="has changed since Tom Gallagher signed"):
        service.sign(visit.id, "school_facing", passphrase=KEY_PASSPHRASE)
    changed = service.verify_stored(visit.id, "school_facing")
    assert any("different data than the review now holds" in p for p in changed.problems)
    become(workspace, people["David"])
    workspace.reviews.set_field(review.id, "inclusion-strengths", "Needs are known early.")

    become(workspace, people["Priya"])
    service.sign(visit.id, "school_facing", passphrase=KEY_PASSPHRASE)
    become(workspace, people["David"])
    last = service.sign(visit.id, "school_facing", passphrase=KEY_PASSPHRASE)
    assert last.locked
    assert last.version.signer_count == 3

    assert workspace.reviews.get_review(review.id).state is ReviewState.SIGNED
    assert workspace.get_visit(visit.id).status is VisitStatus.SIGNED
    with pytest.raises(LockedError):
        workspace.reviews.add_note(review.id, "Too late")
    with pytest.raises(LockedError, match="already signed by everyone"):
        service.sign(visit.id, "school_facing", passphrase=KEY_PASSPHRASE)

    result = service.verify_stored(visit.id, "school_facing")
    assert result.passed, result.sentences()
    assert [s.signer_name for s in result.signatures] == [
        "Priya Natarajan",
        "Tom Gallagher",
        "David Brennan",
    ]
    out = tmp_path / "signed.pdf"
    exported = service.export(visit.id, "school_facing", out)
    assert exported.signed
    assert exported.signer_count == 3
    assert "fully signed" in exported.sentence
    pdfsig = subprocess.run(["pdfsig", str(out)], capture_output=True, text=True).stdout
    blocks = pdfsig.split("Signature #")[1:]
    assert len(blocks) == 3, pdfsig
    assert all("Signature Validation: Signature is Valid." in b for b in blocks), pdfsig
    assert "Not total document signed" not in blocks[2]


def test_demo_reports_verify_against_the_demo_root(
    workspace: Workspace, people: dict[str, Person], tmp_path: Path
) -> None:
    become(workspace, people["Rachel"])
    service = ReportService(workspace, AppPaths.from_base(tmp_path))
    for framework_id, audience in (
        ("learning-walk", "school_facing"),
        ("safeguarding-audit", "full_internal"),
        ("two-day-peer-review", "full_internal"),
    ):
        visit = _visit(workspace, "St Aidan", framework_id, VisitStatus.SIGNED)
        result = service.verify_stored(visit.id, audience)
        assert result.passed, (framework_id, result.sentences())


def test_demo_reports_are_signed_again_after_the_demo_dates_move(
    tmp_path: Path, keyring_file: Path
) -> None:
    from datetime import date, timedelta

    from reviewer_app.demo.reports import DEMO_REPORTS_SEEDED
    from reviewer_app.storage.local_settings import DEMO_SEEDED, get_setting, set_setting
    from support.demo_reports import sign_featured_demo_reports

    paths = AppPaths.from_base(tmp_path)
    with open_demo_workspace(paths) as workspace:
        assert sign_featured_demo_reports(workspace) > 0
        visit = _visit(workspace, "St Aidan", "two-day-peer-review", VisitStatus.SIGNED)
        old_hash = ReportService(workspace, paths).latest_signed(visit.id, "school_facing")

        def two_weeks_ago() -> None:  # as if the demo was last opened a fortnight ago
            with workspace.store.writing() as session:
                anchored = date.today() - timedelta(days=14)
                set_setting(session, DEMO_SEEDED, anchored.isoformat())

        workspace.lane.call(two_weeks_ago)
    with open_demo_workspace(paths) as workspace:
        with workspace.store.reading() as session:
            assert get_setting(session, DEMO_REPORTS_SEEDED) is None  # stale ones dropped
        service = ReportService(workspace, paths)
        moved = workspace.get_visit(visit.id)
        assert moved.start == visit.start + timedelta(days=14)
        result = service.verify_stored(visit.id, "school_facing")  # signs them again first
        assert result.passed, result.sentences()
        assert old_hash is not None
        assert result.data_hash != old_hash.data_hash
