"""An agreed school category waits in the outbox while review records sync past it: the server
does not take categories yet, so they are never pushed (and never refused)."""

from __future__ import annotations

from collections.abc import Callable

from sync_world import Laptop, World

from reviewer_app.domain.organisation import Trust
from reviewer_app.storage import outbox
from reviewer_app.storage.organisation_repository import OrganisationRepository


def test_a_category_waits_while_review_records_sync(
    world: World, laptop: Callable[[str], Laptop]
) -> None:
    lead = laptop("lead")
    lead.enrol(world.lead)
    lead.sync.sync_now()
    workspace = lead.workspace
    trust = workspace.trust
    with workspace.store.writing() as session:
        OrganisationRepository(session).save_trust(
            Trust(id=trust.id, name=trust.name, profile_id="oldham")
        )
    workspace.reload_identity()

    category = workspace.categories.agree(world.school, "amber", "Reading needs targeted support")
    lead.reviews.add_note(world.review, "Phonics groups well matched")
    result = lead.sync.sync_now()
    assert (result.pushed, result.accepted, result.rejected) == (1, 1, 0)
    with workspace.store.reading() as session:
        waiting = outbox.pending_ops(session)
        assert outbox.ops_needing_attention(session) == []
    assert [(op.entity.value, op.entity_id) for op in waiting] == [("school_category", category.id)]
    assert lead.sync.status().pending == 1
    assert lead.sync.sync_now().pushed == 0  # still not pushed, still no error
    assert workspace.categories.current(world.school) == category
