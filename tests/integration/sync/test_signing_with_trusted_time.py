"""An enrolled laptop signing online gets the trust's timestamp on its signature (issue 19
item 2), through the same ReportService the sign-off page uses, against the real server."""

from __future__ import annotations

from pathlib import Path

from sync_world import PEER_REVIEW, Laptop, LiveServer, build_world_with_framework

from reviewer_app.domain.review import ReviewState
from reviewer_app.services.report_service import ReportService

AUDIENCE = "school_facing"


def test_an_online_signature_is_time_stamped_by_the_trust(
    tmp_path: Path, ca_server: LiveServer
) -> None:
    ca_server.reset()
    world = build_world_with_framework(ca_server, tmp_path / "starter", PEER_REVIEW)
    lee = Laptop(tmp_path / "lee", ca_server)
    pat = Laptop(tmp_path / "pat", ca_server)
    try:
        for device, person in ((lee, world.lead), (pat, world.peer)):
            device.enrol(person)
            device.sync.sync_now()
        lee.workspace.reviews.set_state(world.review, ReviewState.READY_FOR_SIGN_OFF)
        lee.sync.sync_now()
        pat.sync.sync_now()
        service = ReportService(pat.workspace, pat.paths)
        service.sign(world.visit, AUDIENCE)
        verdict = service.verify_stored(world.visit, AUDIENCE)
        first = verdict.signatures[0]
        assert first.signed
        assert first.problems == (), first.sentence
        assert first.time_source == "trust_timestamp"
        assert "time attested by the trust's timestamp" in first.sentence
    finally:
        lee.close()
        pat.close()
