"""Signing with the trust's timestamp asks the time-stamping service once per signature, not
twice (issue 19 item 1): pyHanko sizes the signature from a sample token, which the
timestamper keeps per service instead of asking for a fresh one every time."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from reviewer_app.reports.ca import issue_tsa_certificate
from reviewer_app.reports.document import FULL_INTERNAL, ReportDraft
from reviewer_app.reports.keys import generate_signing_key
from reviewer_app.reports.signing import prepare_and_render, sign_report
from reviewer_app.reports.timestamping import TimeStampAuthority, server_timestamper
from reviewer_app.reports.verification import verify_report
from support.sample_reports import SampleTrust


@pytest.fixture
def counted_post(trust: SampleTrust) -> tuple[Callable[[bytes], bytes], list[bytes]]:
    """The trust's time-stamping authority answering in-process, and the requests it got."""
    key = generate_signing_key()
    authority = TimeStampAuthority(
        issue_tsa_certificate(trust.ca, key.public_key()), key, (trust.root,)
    )
    requests: list[bytes] = []

    def post(request_der: bytes) -> bytes:
        requests.append(request_der)
        return authority.respond(request_der)

    return post, requests


def _sign(
    trust: SampleTrust, draft: ReportDraft, post: Callable[[bytes], bytes], service: str | None
) -> bytes:
    document = draft.for_audience(FULL_INTERNAL)
    return sign_report(
        prepare_and_render(document),
        trust.signers[document.sign_off[0].person_name],
        trust_roots=[trust.root],
        crls=[trust.crl],
        timestamper=server_timestamper(post, service=service),
    )


def test_a_second_signature_to_the_same_service_asks_it_once(
    trust: SampleTrust,
    peer_draft: ReportDraft,
    counted_post: tuple[Callable[[bytes], bytes], list[bytes]],
) -> None:
    post, requests = counted_post
    service = "https://trust.example/a-service-only-this-test-uses"
    _sign(trust, peer_draft, post, service)
    # A sample token to size the signature, then the signature's own token.
    assert len(requests) == 2
    signed = _sign(trust, peer_draft, post, service)
    assert len(requests) == 3
    verdict = verify_report(signed, trust_roots=[trust.root])
    first = verdict.signatures[0]
    assert first.time_source == "trust_timestamp", verdict.sentences()
    assert first.problems == (), verdict.sentences()


def test_without_a_service_name_every_signature_asks_twice(
    trust: SampleTrust,
    peer_draft: ReportDraft,
    counted_post: tuple[Callable[[bytes], bytes], list[bytes]],
) -> None:
    post, requests = counted_post
    _sign(trust, peer_draft, post, None)
    _sign(trust, peer_draft, post, None)
    assert len(requests) == 4
