"""A review the trust admin started on the server, first seen on laptops through a pull.

The server keeps no framework text, so such a review arrives with none. The first laptop of the
team to open it freezes it to the installed framework the review names and sends that text as
the review's record, so every laptop works on the same framework; a framework not installed is
named in a sentence instead of failing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlmodel import select
from sync_world import (
    INSTALLED_WALK,
    NOT_INSTALLED,
    CatalogueWorld,
    Laptop,
    LiveServer,
    build_catalogue_world,
)

from reviewer_app.cli import main
from reviewer_app.domain.errors import NotFoundError
from reviewer_app.domain.record_kinds import Entity
from reviewer_app.paths import AppPaths
from reviewer_app.server import models
from reviewer_app.server.database import write_session
from reviewer_app.services.framework_catalogue import installed_library
from reviewer_app.services.report_builder import build_report_source
from reviewer_app.services.review_session import open_review
from reviewer_app.services.workspace import Workspace

MakeLaptop = Callable[[str], Laptop]


@pytest.fixture
def trust(server: LiveServer) -> CatalogueWorld:
    return build_catalogue_world(server)


def _enrolled(laptop: MakeLaptop, name: str, person: str) -> Laptop:
    device = laptop(name)
    device.enrol(person)
    device.sync.sync_now()
    return device


def _server_review_records(server: LiveServer, review_id: str) -> list[models.Record]:
    with write_session(server.engine) as session:
        return list(
            session.exec(
                select(models.Record).where(
                    models.Record.review_id == review_id,
                    models.Record.entity == Entity.REVIEW.value,
                )
            ).all()
        )


def test_the_first_opening_freezes_the_installed_framework_for_the_whole_team(
    server: LiveServer, trust: CatalogueWorld, laptop: MakeLaptop
) -> None:
    lead = _enrolled(laptop, "lead", trust.lead)
    installed = installed_library().latest(INSTALLED_WALK)
    # What a pull brings: the review, its visit and team, and no framework text yet.
    assert lead.reviews.framework_snapshot(trust.walk_review) == ""

    ctx = open_review(lead.workspace, trust.walk_visit)

    assert ctx.review.id == trust.walk_review
    assert (ctx.framework.id, ctx.framework.version) == (INSTALLED_WALK, installed.version)
    assert ctx.framework.content_hash == installed.content_hash
    assert (ctx.review.framework_version, ctx.review.framework_hash) == (
        installed.version,
        installed.content_hash,
    )
    frozen = lead.reviews.framework_snapshot(trust.walk_review)
    assert json.loads(frozen) == installed.to_snapshot()

    # The frozen text goes to the server as the review's record, and from there to the peer,
    # who has it before ever opening the review.
    sent = lead.sync.sync_now()
    assert (sent.pushed, sent.accepted, sent.rejected) == (1, 1, 0)
    assert len(_server_review_records(server, trust.walk_review)) == 1
    peer = _enrolled(laptop, "peer", trust.peer)
    assert peer.reviews.framework_snapshot(trust.walk_review) == frozen
    assert peer.reviews.get_review(trust.walk_review).framework_hash == installed.content_hash
    peer_ctx = open_review(peer.workspace, trust.walk_visit)
    assert peer_ctx.framework == ctx.framework
    assert peer.sync.status().pending == 0  # opening a frozen review queues nothing

    # Answers given on one laptop are answers to the same fields on the other.
    field = next(i for i, spec in ctx.framework.all_fields() if spec.kind == "long_text")
    lead.reviews.set_field(trust.walk_review, field, "Calm, purposeful classrooms")
    lead.sync.sync_now()
    peer.sync.sync_now()
    assert peer.reviews.field_values(trust.walk_review)[field].value == (
        "Calm, purposeful classrooms"
    )


def test_two_laptops_opening_it_offline_send_the_same_record(
    server: LiveServer, trust: CatalogueWorld, laptop: MakeLaptop
) -> None:
    lead = _enrolled(laptop, "lead", trust.lead)
    peer = _enrolled(laptop, "peer", trust.peer)
    lead_ctx = open_review(lead.workspace, trust.walk_visit)
    peer_ctx = open_review(peer.workspace, trust.walk_visit)
    assert lead_ctx.framework == peer_ctx.framework

    first, second = lead.sync.sync_now(), peer.sync.sync_now()

    assert (first.accepted, first.rejected) == (1, 0)
    assert (second.accepted, second.rejected) == (1, 0)  # the same record, taken once
    assert peer.sync.needs_attention() == []
    assert len(_server_review_records(server, trust.walk_review)) == 1


def test_a_framework_not_installed_is_named_and_nothing_is_written(
    trust: CatalogueWorld, laptop: MakeLaptop
) -> None:
    lead = _enrolled(laptop, "lead", trust.lead)

    with pytest.raises(NotFoundError) as missing:
        open_review(lead.workspace, trust.missing_visit)

    # The framework's key made words (the laptop has no title for a framework it lacks).
    assert NOT_INSTALLED == "ofsted-deep-dive"
    assert missing.value.message == (
        "This review uses the framework 'Ofsted deep dive', which is not installed on this "
        "laptop, so it cannot be opened here."
    )
    assert "Ask your trust admin for that framework file" in missing.value.hint
    assert lead.reviews.framework_snapshot(trust.missing_review) == ""
    assert lead.sync.status().pending == 0


def test_someone_off_the_team_reads_it_without_freezing_it(
    trust: CatalogueWorld, laptop: MakeLaptop
) -> None:
    sam = _enrolled(laptop, "sam", trust.sam)

    ctx = open_review(sam.workspace, trust.walk_visit)

    assert ctx.read_only
    assert ctx.framework.id == INSTALLED_WALK
    assert sam.reviews.framework_snapshot(trust.walk_review) == ""  # the team's to freeze
    assert sam.sync.status().pending == 0


def test_after_the_sync_command_the_review_opens(
    server: LiveServer, trust: CatalogueWorld, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = ["--data-dir", str(data_dir)]
    assert main(["enrol", server.base_url, server.code_for(trust.peer), *folder]) == 0
    assert main(["sync", *folder, "--quiet"]) == 0
    capsys.readouterr()
    with Workspace.open(AppPaths.from_base(data_dir)) as workspace:
        assert open_review(workspace, trust.walk_visit).framework.id == INSTALLED_WALK
    assert main(["sync", *folder, "--quiet"]) == 0
    assert capsys.readouterr().out.startswith("Sent 1 change,")


def test_a_report_of_it_before_anyone_opened_it_uses_the_frozen_framework(
    trust: CatalogueWorld, laptop: MakeLaptop
) -> None:
    lead = _enrolled(laptop, "lead", trust.lead)
    installed = installed_library().latest(INSTALLED_WALK)

    source = build_report_source(lead.workspace, trust.walk_visit)

    assert source.framework == installed
    assert (source.draft.framework_version, source.draft.framework_hash) == (
        installed.version,
        installed.content_hash,
    )
    assert json.loads(lead.reviews.framework_snapshot(trust.walk_review)) == (
        installed.to_snapshot()
    )
