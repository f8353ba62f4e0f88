"""Rules about a review's records that the laptop and the trust server both apply.

Who may withdraw a record: the reviewer who added it, or the visit's lead reviewer. The server
holds every laptop to it (``server.operations``), the laptop's services check it before queueing
(``services.action_tracking``), and the editor says it before asking (``gui``), all with the
sentence below. The editor narrows it for evidence notes: withdrawing is undone by capturing
the note again, in the name of whoever undoes, so only a note's author withdraws it there.
"""

from __future__ import annotations


def may_withdraw(author_id: str, person_id: str, *, is_lead: bool) -> bool:
    """True when ``person_id`` may withdraw a record ``author_id`` added."""
    return author_id == person_id or is_lead


def withdraw_refusal(what: str, author: str | None = None, *, lead_may: bool = True) -> str:
    """The sentence that says who may withdraw ``what`` ("this action")."""
    if not lead_may:
        return f"Only {author or 'the reviewer who added it'} can withdraw {what}."
    if author is None:
        return f"Only the reviewer who added {what}, or the lead reviewer, can withdraw it."
    return f"Only {author}, who added it, or the lead reviewer can withdraw {what}."
