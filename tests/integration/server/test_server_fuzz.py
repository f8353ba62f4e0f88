"""A schema-driven fuzz run against the live server (issue 14, proof): every laptop route of the
OpenAPI schema, with a valid device token and a forged one, answers without a 5xx; every answer
conforms to the schema it publishes (status, content type and body, refusals included: each an
``ErrorBody`` with a sentence); and Hypothesis payloads made invalid against the schema, per
route, are refused with a 4xx that stores nothing. Bounded: a few examples per route, mode and
token."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

if TYPE_CHECKING:
    from conftest import Harness, World

#: Examples per route, mode and token, so the run stays near a minute per backend on 2 cores.
EXAMPLES = 3
#: The console is HTML for people (tested by tests/browser); the fuzz run is the laptops' API.
SKIPPED_PREFIXES = ("/console",)
#: What a laptop's request can store: none of it may change when the request is refused.
STORED = (
    "applied_op", "change_log", "record", "field_state", "conflict", "blob", "school_category",
    "applied_category_op", "applied_visit_op", "visit", "review",
)  # fmt: skip
CONFORMANCE = [response_schema_conformance, content_type_conformance]


def _operations(base_url: str) -> list[Any]:
    schema = schemathesis.openapi.from_url(f"{base_url}/openapi.json")
    found = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if not operation.path.startswith(SKIPPED_PREFIXES):
            found.append(operation)
    return found


def _send(case: Any, base: str, token: str) -> httpx.Response:
    headers = {**(case.headers or {}), "Authorization": token}
    request = case.as_transport_kwargs(base_url=base, headers=headers)
    return httpx.request(
        request["method"],
        request["url"],
        params=request.get("params"),
        headers=request.get("headers"),
        content=request.get("data") if isinstance(request.get("data"), bytes) else None,
        json=request.get("json"),
        timeout=30,
    )


def test_no_route_answers_a_server_error_or_off_its_schema(server: Harness, world: World) -> None:
    device = server.enrol(world.lead)
    device.push(world.walk_review, [device.note(world.walk_review)])
    tokens = {"valid": f"Bearer {device.token}", "forged": "Bearer forged-0123456789abcdef"}
    base = server.live.base_url
    operations = _operations(base)
    assert len(operations) >= 10  # the sync, blob, category, visit and library routes
    seen: set[str] = set()
    refused_unchanged = 0

    def stored() -> dict[str, int]:
        return {table: server.count(table) for table in STORED}

    def fuzz_one(operation: Any, mode: GenerationMode) -> None:
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(generation_mode=mode))
        def fuzz(case: Any) -> None:
            nonlocal refused_unchanged
            for name, token in tokens.items():
                before = stored() if mode is GenerationMode.NEGATIVE else None
                response = _send(case, base, token)
                where = f"{operation.method.upper()} {operation.path} ({mode.value}, {name} token)"
                assert response.status_code < 500, f"{where}: {response.status_code}"
                seen.add(where)
                case.validate_response(response, checks=CONFORMANCE)
                if response.status_code >= 400 and request_has_body(response):
                    assert response.json()["message"].endswith("."), where
                if before is not None and response.status_code >= 400:
                    assert stored() == before, f"{where} stored something it refused"
                    refused_unchanged += 1

        try:
            fuzz()
        except Unsatisfiable:
            # Nothing of the route can be malformed (no parameters, no body): nothing to try.
            assert mode is GenerationMode.NEGATIVE, operation.path

    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            fuzz_one(operation, mode)
    assert len(seen) >= len(operations)
    assert refused_unchanged >= len(operations)  # malformed input reached the routes


def request_has_body(response: httpx.Response) -> bool:
    """A refusal with a JSON body (``HEAD`` answers have none)."""
    return response.request.method != "HEAD" and response.headers.get(
        "content-type", ""
    ).startswith("application/json")
