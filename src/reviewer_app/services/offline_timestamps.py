"""Trusted time for signatures made offline, added at the laptop's next sync (issue 19).

A signature made with no connection carries only the signer's clock. When the laptop next
reaches the trust server, before anything is pushed, :class:`StoreTrustedTime` asks the trust's
time-stamping service for a document timestamp over each such version as it stands, and keeps
and queues the result as a new version with the same signatures
(:func:`~reviewer_app.services.signed_report_sync.keep_time_stamped`). Verifiers then say the
signature existed by the trust's time. The network call happens outside any store transaction.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from reviewer_app.services import signed_report_sync
from reviewer_app.services.writer_lane import WriterLane
from reviewer_app.storage.signed_report_repository import SignedReportVersion
from reviewer_app.storage.store import Store

log = logging.getLogger(__name__)


class StoreTrustedTime:
    """The sync engine's view of the versions waiting for the trust's time."""

    def __init__(self, store: Store, lane: WriterLane) -> None:
        self._store = store
        self._lane = lane

    def time_stamp_offline_signatures(self, post: Callable[[bytes], bytes]) -> int:
        """Time-stamp every version signed offline and not yet sent; returns how many.

        ``post`` sends a DER time-stamp request to the trust server. When the server cannot
        time-stamp (no time-stamping service, or the line dropped), the versions are sent as
        they are and wait for the next sync.
        """
        from reviewer_app.reports.signing import SigningError, add_document_timestamp
        from reviewer_app.reports.timestamping import server_timestamper

        with self._store.reading() as session:
            waiting = signed_report_sync.awaiting_trusted_time(session)
            roots, crls = signed_report_sync.trust_of(session) if waiting else ([], [])
        done = 0
        for version, author_id in waiting:
            try:
                pdf = add_document_timestamp(
                    version.pdf, server_timestamper(post), trust_roots=roots, crls=crls
                )
            except SigningError as exc:
                log.info("offline signature not time-stamped yet: %s", exc.__cause__ or exc)
                break
            self._lane.call(self._keep, version, pdf, author_id)
            done += 1
        return done

    def _keep(self, version: SignedReportVersion, pdf: bytes, author_id: str) -> None:
        with self._store.writing() as session:
            signed_report_sync.keep_time_stamped(session, version, pdf, author_id)
