"""The trust's vocabulary edited in the console: the tags the quick-capture bar accepts (year
groups, subjects, key stages, places, with the shorthands people type) and the words the name
warning never flags.

A trust starts with the vocabulary built into Reviewer for English schools. Saving an edit
checks it with the framework checker and publishes it as the next version of the trust's own
vocabulary in the framework library, so every laptop has it at its next sync
(:mod:`.framework_library`; the laptops prefer the trust's published vocabulary to the built-in
one).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, select

from reviewer_app.domain.errors import NotFoundError
from reviewer_app.domain.frameworks import FrameworkProblem
from reviewer_app.domain.frameworks.frozen_model import version_key
from reviewer_app.domain.frameworks.vocabulary import TrustVocabulary
from reviewer_app.server import framework_library as library
from reviewer_app.server import models

#: The vocabulary built into Reviewer, which a trust has until it publishes its own.
BUILT_IN_VOCABULARY = "english-schools"
#: The id of the trust's own vocabulary when it has none yet.
TRUST_VOCABULARY = "trust-vocabulary"


@dataclass(frozen=True, slots=True)
class VocabularyInUse:
    """The vocabulary the trust's laptops use now, and whether it is the trust's own."""

    vocabulary: TrustVocabulary
    own: bool
    row: models.LibraryDocument | None = None


def _own_rows(session: Session, trust_id: str) -> list[models.LibraryDocument]:
    rows = session.exec(
        select(models.LibraryDocument).where(
            models.LibraryDocument.trust_id == trust_id,
            models.LibraryDocument.kind == "trust_vocabulary",
        )
    ).all()
    return sorted(rows, key=lambda r: (r.doc_id, version_key(r.version)))


def in_use(session: Session, trust_id: str) -> VocabularyInUse:
    """The trust's newest published vocabulary, else the one built into Reviewer."""
    published = [r for r in _own_rows(session, trust_id) if r.state == library.PUBLISHED]
    if published:
        row = published[-1]
        found = library.trust_library(session, trust_id, (library.PUBLISHED,))
        try:
            return VocabularyInUse(found.vocabulary(row.doc_id), own=True, row=row)
        except NotFoundError:  # no longer checks against the built-in library: fall back
            pass
    return VocabularyInUse(
        library.built_in_library().vocabulary(BUILT_IN_VOCABULARY), own=False, row=None
    )


def values_text(values: Any) -> str:
    """A tag's values as the console's text box shows them: ``Year 5: y5, yr5`` a line."""
    lines = []
    for entry in values:
        aliases = ", ".join(entry.aliases)
        lines.append(f"{entry.value}: {aliases}" if aliases else entry.value)
    return "\n".join(lines)


def parse_values(text: str) -> list[dict[str, Any]]:
    """The text box's lines as vocabulary values (blank lines skipped)."""
    values: list[dict[str, Any]] = []
    for line in text.splitlines():
        value, _, aliases = line.partition(":")
        value = value.strip()
        if not value:
            continue
        found = list(
            dict.fromkeys(a.strip().lstrip("#").lower() for a in aliases.split(",") if a.strip())
        )
        values.append({"value": value, "aliases": found} if found else {"value": value})
    return values


def save(
    session: Session,
    trust_id: str,
    *,
    title: str,
    owner: str,
    tags: list[dict[str, Any]],
    not_names: list[str],
    saved_by: str,
) -> tuple[models.LibraryDocument | None, tuple[FrameworkProblem, ...]]:
    """Check the edited vocabulary and publish it as the trust's next version; with any
    problem nothing is kept and the problems are returned."""
    rows = _own_rows(session, trust_id)
    current = in_use(session, trust_id)
    vocabulary_id = current.row.doc_id if current.row is not None else TRUST_VOCABULARY
    versions = [r.version for r in rows if r.doc_id == vocabulary_id]
    newest = max(versions, key=version_key, default="0")
    version = str(int(newest) + 1) if newest.isdigit() else f"{newest}.1"
    document = {
        "kind": "trust_vocabulary",
        "id": vocabulary_id,
        "version": version,
        "title": title or "The trust's vocabulary",
        "owner": owner,
        "tags": tags,
        "not_names": not_names,
    }
    import yaml

    text = yaml.safe_dump(document, sort_keys=False, allow_unicode=True)
    outcome = library.upload(
        session,
        trust_id,
        f"{vocabulary_id}@{version}.yaml",
        text.encode("utf-8"),
        uploaded_by=saved_by,
    )
    if outcome.problems:
        return None, outcome.problems
    row = library.publish(session, trust_id, f"{vocabulary_id}@{version}")
    return row, ()
