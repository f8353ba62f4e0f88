"""The trust's vocabulary (``kind: trust_vocabulary``): the tags the quick-capture bar accepts
in every framework (year groups, subjects, key stages, places) with the shorthands people type
(``#y5``, ``#ks2``, ``#maths``), and the words the name warning must never flag ("Y1", "KS2",
"Little Wandle").

Reviewer ships one for English schools (``frameworks/vocabulary/english-schools.yaml``); a trust
that publishes its own from the server has it on every laptop at the next sync instead.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field

from reviewer_app.domain.frameworks.frozen_model import FrozenModel, Identifier, Text, Version


class VocabularyValue(FrozenModel):
    """One tag value and the shorthands that stand for it (``Year 5``: ``y5``, ``yr5``)."""

    value: Text
    aliases: tuple[Text, ...] = ()


def _value_from_text(value: Any) -> Any:
    return {"value": value} if isinstance(value, str) else value


ValueEntry = Annotated[
    VocabularyValue,
    BeforeValidator(_value_from_text, json_schema_input_type=VocabularyValue | str),
]


class VocabularyTag(FrozenModel):
    """A kind of tag every framework's notes may carry, with its values."""

    key: Identifier
    label: Text
    values: tuple[ValueEntry, ...] = ()
    free_text: bool = Field(
        default=True, description="Whether values outside the list are allowed."
    )


class TrustVocabulary(FrozenModel):
    """The trust's words for quick capture and for the name warning."""

    kind: Literal["trust_vocabulary"]
    id: Identifier
    version: Version
    title: Text
    owner: str = ""
    tags: tuple[VocabularyTag, ...] = ()
    not_names: tuple[Text, ...] = Field(
        default=(),
        description="Words and phrases that are never a person's name (schemes, places, "
        "shorthands such as Y1 or KS2).",
    )

    @property
    def reference(self) -> str:
        return f"{self.id}@{self.version}"
