"""The shape of a bundle, with limits, checked before anything is written to the store.

A bundle comes from another laptop, a colleague's e-mail or a USB stick: it is treated as
hostile input. :func:`checked_bundle` refuses, in one sentence that names the part at fault, a
bundle that is too large, nested too deeply, holds a string longer than any record needs, a value
of the wrong type, a framework copy that does not match its review, or a record that does not
read as one. Only then does :func:`reviewer_app.services.review_bundles.import_bundle` write.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError
from pydantic import ValidationError as PydanticError

from reviewer_app.domain.errors import ReviewerError
from reviewer_app.domain.errors import ValidationError as BundleError
from reviewer_app.domain.frameworks.framework import Framework

#: A whole bundle file (sealed or not) may not be larger than this.
MAX_BUNDLE_BYTES = 1024 * 1024 * 1024
#: JSON nesting deeper than this is refused (a bundle is at most about eight levels deep).
MAX_DEPTH = 24
#: The longest string any record holds (a note, a rationale); files travel as ``blobs``.
MAX_TEXT = 200_000
#: One framework copy (a review's snapshot).
MAX_SNAPSHOT = 2 * 1024 * 1024
#: One attached file, base64 (the store's own limit is 50 MB per file).
MAX_BLOB_TEXT = (64 * 1024 * 1024 * 4) // 3 + 4
MAX_ITEMS = 100_000

Id = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Text = Annotated[str, StringConstraints(max_length=MAX_TEXT)]
Sha = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
Payload = dict[Annotated[str, StringConstraints(max_length=200)], Any]


class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore", frozen=True)


class TrustPart(_Strict):
    id: Id
    name: Text
    profile_id: Id = "generic"


class SchoolPart(_Strict):
    id: Id
    trust_id: Id
    urn: Annotated[str, StringConstraints(max_length=20)]
    name: Text
    phase: Id
    local_authority: Text = ""
    has_early_years: bool = False
    has_sixth_form: bool = False


class PersonPart(_Strict):
    id: Id
    trust_id: Id
    name: Text
    email: Text
    roles: list[Id] = Field(max_length=20)


class ReviewerPart(_Strict):
    person_id: Id
    role: Id


class VisitPart(_Strict):
    id: Id
    school_id: Id
    framework_id: Id
    planned_start: Id
    planned_end: Id
    reviewers: list[ReviewerPart] = Field(max_length=200)
    status: Id
    actual_start: Id | None = None
    actual_end: Id | None = None
    title: Text = ""
    extra: dict[Id, Text] = Field(default_factory=dict, max_length=100)


class ReviewPart(_Strict):
    id: Id
    visit_id: Id
    framework_id: Id
    framework_version: Annotated[str, StringConstraints(max_length=200)]
    framework_hash: Sha | Literal[""]
    state: Id
    created_at: Id | None = None
    amends: Id | None = None
    amendment_reason: Text = ""


class FieldPart(_Strict):
    field_id: Id
    value: Any
    version: int = Field(ge=0)
    server_version: int = Field(ge=0)
    author_id: Annotated[str, StringConstraints(max_length=200)]
    updated_at: Annotated[str, StringConstraints(max_length=64)]


class OperationPart(_Strict):
    op_id: Id
    entity: Id
    entity_id: Id
    field: Annotated[str, StringConstraints(max_length=200)] | None
    kind: Id
    payload: Any
    base_version: int | None
    parent_op_id: Id | None
    device_time: Annotated[str, StringConstraints(max_length=64)]


class RecordsPart(_Strict):
    attachment: list[Payload] = Field(default_factory=list, max_length=MAX_ITEMS)
    evidence_note: list[Payload] = Field(default_factory=list, max_length=MAX_ITEMS)
    judgement: list[Payload] = Field(default_factory=list, max_length=MAX_ITEMS)
    action: list[Payload] = Field(default_factory=list, max_length=MAX_ITEMS)
    action_follow_up: list[Payload] = Field(default_factory=list, max_length=MAX_ITEMS)


class ReviewEntry(_Strict):
    review: ReviewPart
    framework_snapshot: Annotated[str, StringConstraints(max_length=MAX_SNAPSHOT)]
    visit: VisitPart
    records: RecordsPart
    fields: list[FieldPart] = Field(max_length=MAX_ITEMS)
    operations: list[OperationPart] = Field(max_length=MAX_ITEMS)


class SignedReportPart(_Strict):
    """One signed version of a report; the PDF travels in ``blobs`` under ``pdf_sha256``."""

    id: Id
    review_id: Id
    report_id: Id
    audience: Id
    data_hash: Annotated[str, StringConstraints(max_length=200)]
    signer_count: int = Field(ge=0, le=100)
    required_count: int = Field(ge=0, le=100)
    signer_name: Text
    signed_at: Annotated[str, StringConstraints(max_length=64)]
    pdf_sha256: Sha


class BundlePart(_Strict):
    format: Literal["reviewer-bundle"]
    version: Literal[1]
    exported_at: Id
    exported_by: Id | None
    trust: TrustPart | None
    schools: list[SchoolPart] = Field(max_length=10_000)
    people: list[PersonPart] = Field(max_length=10_000)
    reviews: list[ReviewEntry] = Field(max_length=10_000)
    blobs: dict[Sha, Annotated[str, StringConstraints(max_length=MAX_BLOB_TEXT)]]
    signed_reports: list[SignedReportPart] = Field(default_factory=list, max_length=MAX_ITEMS)


_LONG_ALLOWED = frozenset({"blobs", "framework_snapshot"})


def _first_excess(value: Any) -> str | None:
    """Why ``value`` is beyond any bundle (too deep, or a string longer than a record needs),
    without recursion; None when it is within the limits. Files (``blobs``) and framework
    copies have their own limits in the schema."""
    stack: list[tuple[Any, int, str]] = [(value, 0, "")]
    while stack:
        item, depth, key = stack.pop()
        if depth > MAX_DEPTH:
            return f"it is nested more deeply than any bundle (more than {MAX_DEPTH} levels)"
        if isinstance(item, dict):
            for k, v in item.items():
                if k in _LONG_ALLOWED and depth <= 2:
                    continue
                stack.append((v, depth + 1, str(k)))
        elif isinstance(item, list):
            stack.extend((v, depth + 1, key) for v in item)
        elif isinstance(item, str) and len(item) > MAX_TEXT:
            return (
                f"its {key or 'text'} holds a text of {len(item):,} characters, longer than any "
                f"record ({MAX_TEXT:,} at most)"
            )
    return None


def parse_bundle_text(text: str, name: str) -> dict[str, Any]:
    """The JSON of a bundle called ``name``, refusing what cannot be JSON or nests too deeply."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BundleError(
            f"{name} is not a Reviewer bundle: line {exc.lineno}, column {exc.colno} is not "
            f"valid JSON ({exc.msg}).",
            hint="Export the bundle again; the file may have been cut short.",
        ) from exc
    except RecursionError as exc:
        raise BundleError(
            f"{name} cannot be imported: it is nested more deeply than any bundle.",
            hint="Do not import it; export the bundle again from the laptop that made it.",
        ) from exc
    excess = _first_excess(value)
    if excess is not None:
        raise BundleError(
            f"{name} cannot be imported: {excess}. Nothing was imported.",
            hint="Do not import it; export the bundle again from the laptop that made it.",
        )
    if not isinstance(value, dict) or value.get("format") != "reviewer-bundle":
        raise BundleError(f"{name} is not a Reviewer bundle.")
    if value.get("version") != 1:
        raise BundleError(
            f"The bundle {name} was written by another version of Reviewer "
            f"(bundle version {value.get('version')}).",
            hint="Update Reviewer on both computers, then export again.",
        )
    return value


def _where(location: tuple[int | str, ...], bundle: dict[str, Any]) -> str:
    """A person's words for where in the bundle a problem is."""
    if len(location) >= 2 and location[0] == "reviews" and isinstance(location[1], int):
        try:
            review_id = bundle["reviews"][location[1]]["review"]["id"]
        except (KeyError, IndexError, TypeError):
            review_id = f"number {location[1] + 1}"
        rest = ".".join(str(p) for p in location[2:])
        return f"review {review_id} ({rest})" if rest else f"review {review_id}"
    return ".".join(str(p) for p in location) or "the bundle"


def checked_bundle(bundle: dict[str, Any], name: str) -> BundlePart:
    """``bundle`` checked against the schema and its limits; every framework copy read and
    matched to its review. Raises a sentence naming the part at fault."""
    try:
        part = BundlePart.model_validate(bundle)
    except PydanticError as exc:
        first = exc.errors()[0]
        where = _where(tuple(first["loc"]), bundle)
        raise BundleError(
            f"{name} cannot be imported: {where} is not what a bundle holds ({first['msg']}). "
            "Nothing was imported.",
            hint="Export the bundle again from the laptop that made it.",
        ) from exc
    for entry in part.reviews:
        _check_snapshot(entry, name)
    reviews = {entry.review.id for entry in part.reviews}
    for report in part.signed_reports:
        if report.review_id not in reviews or report.pdf_sha256 not in part.blobs:
            raise BundleError(
                f"{name} cannot be imported: the signed report {report.report_id} is not "
                "complete (its review or its PDF is missing). Nothing was imported.",
                hint="Export the bundle again from the laptop that made it.",
            )
    return part


def _check_snapshot(entry: ReviewEntry, name: str) -> None:
    review = entry.review
    if not entry.framework_snapshot.strip():
        return  # not frozen to a framework yet (started by the trust): nothing to check
    problem = f"{name} cannot be imported: the copy of the framework kept with review {review.id}"
    try:
        snapshot = json.loads(entry.framework_snapshot)
        framework = Framework.from_snapshot(snapshot)
    except (ValueError, RecursionError, ReviewerError, ValidationError) as exc:
        raise BundleError(
            f"{problem} cannot be read. Nothing was imported.",
            hint="Export the bundle again from the laptop that made it.",
        ) from exc
    if (framework.id, framework.version, framework.content_hash) != (
        review.framework_id,
        review.framework_version,
        review.framework_hash,
    ):
        raise BundleError(
            f"{problem} is not the framework the review was started on. Nothing was imported.",
            hint="Export the bundle again from the laptop that made it.",
        )
