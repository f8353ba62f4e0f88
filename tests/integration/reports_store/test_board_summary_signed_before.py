"""A board summary signed before board summaries held the safeguarding judgement back (it
states "Safeguarding: Met") keeps verifying against the review, and its sign-off completes as
it was started, on the laptop that holds it: the review's data did not change, only how a new
board summary is made from it. A new one holds the judgement back and has a new report id."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from report_store_world import become

from reviewer_app.demo.demo_trust import open_demo_workspace
from reviewer_app.demo.reports import DEMO_CA_PASSPHRASE, demo_ca_folder, sign_demo_review
from reviewer_app.domain.ids import new_id
from reviewer_app.domain.review import ReviewState
from reviewer_app.domain.safeguarding_reports import HELD_BACK_SUFFIX
from reviewer_app.paths import AppPaths
from reviewer_app.reports.ca import issue_certificate
from reviewer_app.reports.document import BOARD_SUMMARY
from reviewer_app.reports.keys import SigningCredentials, credentials, generate_signing_key
from reviewer_app.reports.signing import prepare_and_render, sign_report
from reviewer_app.services.report_service import ReportService, expected_data_hash
from reviewer_app.services.report_sign_off import sign_off_status
from reviewer_app.storage.signed_report_repository import (
    SignedReportRepository,
    SignedReportVersion,
)


def test_a_board_summary_signed_before_keeps_verifying_and_completes_as_it_began(
    tmp_path: Path, keyring_file: Path
) -> None:
    paths = AppPaths.from_base(tmp_path)
    with open_demo_workspace(paths) as workspace:
        visit, review = next(
            (v, r)
            for s in workspace.list_schools()
            for v in workspace.visits_for_school(s.id)
            if v.framework_id == "two-day-peer-review"
            and (r := workspace.reviews.review_for_visit(v.id)) is not None
            and r.state is ReviewState.SIGNED
        )
        sign_demo_review(workspace, review.id)  # makes the demo trust's CA
        service = ReportService(workspace, paths)
        source = service.source(visit.id)
        audience = source.audience(BOARD_SUMMARY)
        now = source.draft.for_audience(audience)
        earlier = replace(source.draft, safeguarding_criteria=frozenset()).for_audience(audience)
        assert now.report_id.endswith(HELD_BACK_SUFFIX)
        assert earlier.report_id.endswith("-board-summary")
        assert now.data_hash() != earlier.data_hash()

        # Every signer but the last signed the earlier form.
        ca = demo_ca_folder(workspace).unlock(DEMO_CA_PASSPHRASE)
        people = {p.name: p for p in workspace.list_people()}
        slots = earlier.signing_order

        def creds_of(name: str) -> SigningCredentials:
            key = generate_signing_key()
            person = people[name]
            cert = issue_certificate(ca, key.public_key(), name=name, email=person.email, roles=())
            return credentials(key, cert)

        pdf = prepare_and_render(earlier)
        crls = service.trust_material().crls
        with workspace.store.writing() as session:
            repo = SignedReportRepository(session)
            for number, slot in enumerate(slots[:-1], 1):
                pdf = sign_report(pdf, creds_of(slot.person_name), field_name=slot.field_name,
                                  trust_roots=(ca.certificate,), crls=crls)  # fmt: skip
                repo.add(
                    SignedReportVersion(
                        id=new_id(), review_id=review.id, report_id=earlier.report_id,
                        audience=BOARD_SUMMARY, data_hash=earlier.data_hash(),
                        signer_count=number, required_count=len(slots),
                        signer_name=slot.person_name, signed_at=datetime.now(UTC), pdf=pdf,
                    )
                )  # fmt: skip

        checked = service.verify_stored(visit.id, BOARD_SUMMARY)
        assert not checked.problems, checked.sentences()
        assert expected_data_hash(workspace, earlier.report_id) == earlier.data_hash()
        last = people[slots[-1].person_name]
        become(workspace, last)
        status = sign_off_status(service, visit.id, BOARD_SUMMARY)
        assert status.my_turn, status.refusal
        signed = service.sign(visit.id, BOARD_SUMMARY, creds=creds_of(last.name))
        assert signed.version.report_id == earlier.report_id
        assert signed.version.data_hash == earlier.data_hash()
        assert signed.version.signer_count == len(slots)
        result = service.verify_stored(visit.id, BOARD_SUMMARY)
        assert result.passed, result.sentences()
