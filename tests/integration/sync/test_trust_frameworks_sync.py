"""The trust's frameworks reach laptops at sync: published versions the person may use, checked
again on the laptop and kept in the encrypted store, offered for new visits; drafts only on a
laptop a trust admin opted in; safeguarding frameworks only for safeguarding roles; a file that
fails the laptop's checker refused with the reason and never used; retired ones no longer
offered; a review keeps its version for ever. Real server on loopback, real stores."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from datetime import date
from typing import Any

from sqlmodel import select
from sync_world import Laptop, LiveServer, World

from reviewer_app.server import administration as adm
from reviewer_app.server import framework_library as library
from reviewer_app.server import models
from reviewer_app.server.database import write_session
from reviewer_app.services.framework_catalogue import load_catalogue
from reviewer_app.services.review_session import open_review
from reviewer_app.services.sync_service import summarise

OUR_WALK = """\
kind: framework
id: our-walk
version: "{version}"
title: Our walk
owner: Oak Learning Trust
default_scale: observation-lookfor
sections:
  - id: routines
    title: Routines
    criteria:
      - {{id: starts-promptly, title: Learning starts promptly}}
      - {{id: {second}, title: {second_title}}}
"""

OUR_AUDIT = """\
kind: framework
id: our-safeguarding-check
version: "1"
title: Our safeguarding check
owner: Oak Learning Trust
visible_to: [safeguarding_lead]
default_scale: compliance-check
sections:
  - id: checks
    title: Checks
    criteria:
      - {id: scr-up-to-date, title: The single central record is up to date}
"""


def _walk(
    version: str, second: str = "everyone-answers", title: str = "Every pupil answers"
) -> bytes:
    return OUR_WALK.format(version=version, second=second, second_title=title).encode()


def _upload(server: LiveServer, trust: str, name: str, content: bytes, publish: bool = True) -> str:
    with write_session(server.engine) as s:
        outcome = library.upload(s, trust, name, content, uploaded_by="admin")
        assert outcome.problems == (), [str(p) for p in outcome.problems]
        reference = f"{outcome.kept[0].doc_id}@{outcome.kept[0].version}"
        if publish:
            library.publish(s, trust, reference)
    return reference


VISIT_DAY = date(2026, 9, 14)


def _kinds(device: Laptop) -> dict[str, str]:
    workspace = device.workspace
    catalogue = load_catalogue(library=workspace.library(), drafts=workspace.frameworks.drafts())
    return {k.framework_id: k.title for k in catalogue.kinds}


def test_published_frameworks_reach_the_laptop_and_a_review_keeps_its_version(
    server: LiveServer, world: World, laptop: Callable[[str], Laptop]
) -> None:
    lead = laptop("lead")
    lead.enrol(world.lead)
    lead.sync.sync_now()
    assert "our-walk" not in _kinds(lead)
    _upload(server, world.trust, "our-walk.yaml", _walk("1"))

    result = lead.sync.sync_now()
    assert result.frameworks_received == 1
    assert "the trust's framework library updated (1 in use)" in summarise(result)
    assert _kinds(lead)["our-walk"] == "Our walk"
    held = lead.workspace.frameworks.documents()
    assert [(d.doc_id, d.version, d.state, d.refused) for d in held] == [
        ("our-walk", "1", "published", "")
    ]
    # Nothing changed on the server: the next sync asks for nothing.
    sent = len(lead.transport.sent)
    assert lead.sync.sync_now().frameworks_received == 0
    assert not any(path == "/framework-library" for _, path, _ in lead.transport.sent[sent:])

    # A visit on it; the review freezes version 1.
    with write_session(server.engine) as s:
        visit = adm.create_visit(
            s, world.school, "our-walk", start=VISIT_DAY, end=VISIT_DAY,
            team=[(world.lead, "lead_reviewer")],
        ).id  # fmt: skip
    lead.sync.sync_now()
    first = open_review(lead.workspace, visit, with_notes=False)
    assert first.framework.reference == "our-walk@1"

    # Version 2 is published: new visits use it, the first review keeps version 1.
    _upload(server, world.trust, "our-walk.yaml", _walk("2", "cold-calling", "Cold calling"))
    assert lead.sync.sync_now().frameworks_received == 2
    assert lead.workspace.library().latest("our-walk").version == "2"
    again = open_review(lead.workspace, visit, with_notes=False)
    assert again.framework == first.framework
    assert again.framework.criterion("everyone-answers").title == "Every pupil answers"

    # Version 1 retired: still in the store's history, no longer offered.
    with write_session(server.engine) as s:
        library.retire(s, world.trust, "our-walk@1")
    lead.sync.sync_now()
    assert [f.version for f in lead.workspace.library().versions("our-walk")] == ["2"]
    assert open_review(lead.workspace, visit, with_notes=False).framework == first.framework


def test_drafts_only_on_a_laptop_opted_in_and_safeguarding_only_for_safeguarding_roles(
    server: LiveServer, world: World, laptop: Callable[[str], Laptop]
) -> None:
    with write_session(server.engine) as s:
        dsl = adm.create_person(
            s, world.trust, name="Dee Dsl", email="dee@oak.example", roles=["safeguarding_lead"]
        ).id
    lead, peer, safeguarding = laptop("lead"), laptop("peer"), laptop("dsl")
    lead.enrol(world.lead)
    peer.enrol(world.peer)
    safeguarding.enrol(dsl)
    _upload(server, world.trust, "our-walk.yaml", _walk("1"), publish=False)
    _upload(server, world.trust, "our-safeguarding-check.yaml", OUR_AUDIT.encode())
    with write_session(server.engine) as s:
        device = s.exec(select(models.Device).where(models.Device.person_id == world.lead)).one().id
        library.set_drafts(s, device, True)
    for device in (lead, peer, safeguarding):
        device.sync.sync_now()
    assert _kinds(lead)["our-walk"] == "Our walk (draft)"
    assert "our-walk" not in _kinds(peer)
    assert "our-safeguarding-check" not in _kinds(lead) | _kinds(peer)
    assert _kinds(safeguarding)["our-safeguarding-check"] == "Our safeguarding check"


def test_a_document_failing_the_laptops_checker_is_refused_and_never_used(
    server: LiveServer, world: World, laptop: Callable[[str], Laptop], expected_log: Any
) -> None:
    expected_log(logging.WARNING, "Framework document framework:our-walk@1 from the trust refused")
    lead = laptop("lead")
    lead.enrol(world.lead)
    _upload(server, world.trust, "our-walk.yaml", _walk("1"))
    lead.sync.sync_now()
    # The stored text is changed on the server behind the checker's back (a damaged database, a
    # newer server): a scale no laptop has.
    with write_session(server.engine) as s:
        row = s.get(models.LibraryDocument, (world.trust, "framework", "our-walk", "1"))
        assert row is not None
        row.text = row.text.replace("observation-lookfor", "no-such-scale")
        row.content_sha256 = hashlib.sha256(row.text.encode()).hexdigest()
        row.changed_seq += 1
        s.add(row)
    result = lead.sync.sync_now()
    assert result.frameworks_refused == [
        "Our walk (version 1): The scale 'no-such-scale' is not installed; use the id of a "
        "scale in frameworks/scales.yaml or one defined under this framework's 'scales'."
    ]
    assert "1 framework file(s) refused" in summarise(result)
    assert "our-walk" not in lead.workspace.library().framework_ids
    (held,) = lead.workspace.frameworks.documents()
    assert held.refused.startswith("The scale 'no-such-scale'")
    assert held.text == ""


OUR_WORDS = """\
kind: trust_vocabulary
id: oak-words
version: "1"
title: Oak's words
owner: Oak Learning Trust
tags:
  - key: house
    label: House
    values: [{value: Rowan, aliases: [row]}, Willow]
not_names: [Rowan, Willow, Forest Friends]
"""


def test_the_trusts_vocabulary_replaces_the_default_on_its_laptops(
    server: LiveServer, world: World, laptop: Callable[[str], Laptop]
) -> None:
    from reviewer_app.domain.quick_capture import CaptureVocabulary, parse_capture, possible_names

    lead = laptop("lead")
    lead.enrol(world.lead)
    lead.sync.sync_now()
    default = lead.workspace.frameworks.vocabulary()
    assert default is not None
    assert default.id == "english-schools"
    _upload(server, world.trust, "oak-words.yaml", OUR_WORDS.encode())
    lead.sync.sync_now()
    words = lead.workspace.frameworks.vocabulary()
    assert words is not None
    assert words.reference == "oak-words@1"
    walk = lead.workspace.library().latest("learning-walk")
    vocabulary = CaptureVocabulary.for_framework(walk, words)
    assert parse_capture("Calm line-up #row", vocabulary).tags == {"house": "Rowan"}
    assert possible_names("Forest Friends met with Willow", vocabulary) == []
