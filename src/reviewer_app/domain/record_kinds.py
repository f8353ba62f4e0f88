"""The one vocabulary of record kinds and operations, shared by the laptop's outbox, the sync
wire and the trust server.

A laptop queues an operation in its outbox (``storage.outbox``), sends it over the wire
(``sync.protocol.Operation``) and the server stores it (``server.operations``): all three name
what changed with :class:`Entity` and what was done with :class:`OpKind`, so a kind added here
is known everywhere at once. Which operation may apply to which kind *on the wire* is the
protocol's rule (``sync.protocol.KIND_ENTITIES``); school categories, for instance, travel by
their own endpoints and are never a pushed operation.
"""

from __future__ import annotations

from enum import StrEnum


class Entity(StrEnum):
    """What an operation changes: the record kinds of :mod:`reviewer_app.domain.review` and the
    others that travel. For ``field_value`` the entity id is the review id and the operation's
    ``field`` names the framework field; for a review's state, entity ``review`` and field
    :data:`REVIEW_STATE_FIELD`."""

    #: The review itself: started on a laptop (``append`` with its framework snapshot), its state.
    REVIEW = "review"
    JUDGEMENT = "judgement"
    FIELD_VALUE = "field_value"
    EVIDENCE_NOTE = "evidence_note"
    ATTACHMENT = "attachment"
    ACTION = "action"
    ACTION_FOLLOW_UP = "action_follow_up"
    #: A signed PDF report, uploaded as a blob; immutable.
    SIGNED_REPORT = "signed_report"
    #: A school's agreed category: belongs to a school, not a review (its own endpoints).
    SCHOOL_CATEGORY = "school_category"
    #: A visit planned or changed on a laptop: belongs to a school, not a review (its own
    #: endpoint, ``POST /visits/push``).
    VISIT = "visit"


class OpKind(StrEnum):
    """What an operation does."""

    APPEND = "append"  # a new append-only record (never edited afterwards)
    SET = "set"  # a new value of a shared, versioned field (or the review's state)
    RETRACT = "retract"  # a tombstone for an earlier appended record
    RESOLVE = "resolve"  # the lead reviewer's decision on an open conflict
    SUBMIT = "submit"  # "my part of this review is done"


#: The one field of the ``review`` entity a ``set``/``submit`` may name.
REVIEW_STATE_FIELD = "state"
