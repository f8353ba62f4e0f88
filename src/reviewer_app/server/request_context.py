"""What every endpoint shares: the server context, a database session, the calling device."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.engine import Engine
from sqlmodel import Session

from reviewer_app.server.blob_store import BlobStore
from reviewer_app.server.device_limits import DeviceLimits
from reviewer_app.server.enrolment import Caller, authenticate
from reviewer_app.server.operations import ReportVerifier
from reviewer_app.server.signed_reports import LongTermSeal
from reviewer_app.sync.protocol import AppRelease, LaptopPolicy, PersonInfo

#: Issues a certificate for (person, CSR PEM); returns (certificate PEM, trust root PEM).
CertificateIssuer = Callable[[PersonInfo, str], tuple[str, str]]
#: The trust root and current revocation list, both PEM (the CRL may be absent).
TrustPublisher = Callable[[], tuple[str, "str | None"]]

_bearer = HTTPBearer(auto_error=False, description="The device token from enrolment.")


@dataclass(frozen=True, slots=True)
class ServerContext:
    """What the endpoints share: the database, the blob store, optional signing services."""

    engine: Engine
    blobs: BlobStore
    verify_report: ReportVerifier | None = None
    issue_certificate: CertificateIssuer | None = None
    #: The trust root and CRL laptops keep (``GET /trust``); ``None`` without a trust CA.
    trust_published: TrustPublisher | None = None
    #: Answers an RFC 3161 time-stamp request (DER in, DER out); ``None`` without the CA key.
    timestamp: Callable[[bytes], bytes] | None = None
    #: Makes the long-term version of a fully signed report; ``None`` without the CA key.
    long_term: LongTermSeal | None = None
    #: The desktop app version the trust rolls out (``serve --app-version``), if set.
    app_release: AppRelease | None = None
    #: The trust's rules for its laptops (``serve --idle-lock-minutes``).
    laptop_policy: LaptopPolicy = field(default_factory=LaptopPolicy)
    #: What one laptop may take: files, request rates (``serve --device-quota-mb`` ...).
    limits: DeviceLimits = field(default_factory=DeviceLimits)


def context_of(request: Request) -> ServerContext:
    context: ServerContext = request.app.state.context
    return context


def authorization_header(credentials: HTTPAuthorizationCredentials | None) -> str | None:
    return None if credentials is None else f"Bearer {credentials.credentials}"


def read_session(request: Request) -> Iterator[Session]:
    with Session(context_of(request).engine, expire_on_commit=False) as session:
        yield session


SessionDep = Annotated[Session, Depends(read_session)]
BearerDep = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


def current_caller(session: SessionDep, credentials: BearerDep) -> Caller:
    """The authenticated device (401 with a reason otherwise)."""
    return authenticate(session, authorization_header(credentials))


CallerDep = Annotated[Caller, Depends(current_caller)]
