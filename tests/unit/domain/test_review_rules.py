"""Who may withdraw a record: one rule and one sentence for the laptop and the server."""

from __future__ import annotations

from reviewer_app.domain.review_rules import may_withdraw, withdraw_refusal


def test_the_author_or_the_lead_may_withdraw_a_record() -> None:
    assert may_withdraw("pat", "pat", is_lead=False)
    assert may_withdraw("pat", "lee", is_lead=True)
    assert not may_withdraw("pat", "sam", is_lead=False)


def test_the_refusal_names_who_may() -> None:
    assert withdraw_refusal("this action", "Pat Peer") == (
        "Only Pat Peer, who added it, or the lead reviewer can withdraw this action."
    )
    assert withdraw_refusal("this record") == (
        "Only the reviewer who added this record, or the lead reviewer, can withdraw it."
    )
    assert withdraw_refusal("their note", "Pat Peer", lead_may=False) == (
        "Only Pat Peer can withdraw their note."
    )
