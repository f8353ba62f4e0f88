"""The push body, validated straight from its bytes, and its place in the OpenAPI schema.

FastAPI would parse the body into a dict and validate that; a push is validated from its
bytes instead, keeping each payload's canonical JSON (see ``protocol.ENCODED_PAYLOADS``).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request

from reviewer_app.sync.protocol import ENCODED_PAYLOADS, PushRequest


class PushBody:
    """A validated push and its payloads' canonical JSON (see ``protocol.ENCODED_PAYLOADS``)."""

    def __init__(self, request: PushRequest, encoded: dict[int, tuple[Any, bytes]]) -> None:
        self.request = request
        self.encoded = encoded


async def push_body(request: Request) -> PushBody:
    """The push body validated straight from its bytes (not via a dict, as FastAPI would).

    Validation encodes each payload to check its size; those bytes are kept for the push's
    hashes and rows rather than encoded again.
    """
    from fastapi.exceptions import RequestValidationError
    from pydantic import ValidationError

    encoded: dict[int, tuple[Any, bytes]] = {}
    try:
        body = PushRequest.model_validate_json(
            await request.body(), context={ENCODED_PAYLOADS: encoded}
        )
    except ValidationError as exc:
        errors = exc.errors(include_url=False, include_context=False, include_input=False)
        raise RequestValidationError(
            [{**error, "loc": ("body", *error["loc"])} for error in errors]
        ) from None
    return PushBody(body, encoded)


PUSH_SCHEMA = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PushRequest"}}},
    }
}


def document_push_body(app: FastAPI) -> None:
    """Put :class:`PushRequest` (which FastAPI no longer sees as the body) in the OpenAPI."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        schema = app.openapi_schema
        if schema is None:
            schema = generate()  # FastAPI keeps it as app.openapi_schema: this edits that
            schemas = schema.setdefault("components", {}).setdefault("schemas", {})
            body = PushRequest.model_json_schema(ref_template="#/components/schemas/{model}")
            for name, definition in body.pop("$defs", {}).items():
                schemas.setdefault(name, definition)
            schemas.setdefault("PushRequest", body)
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
