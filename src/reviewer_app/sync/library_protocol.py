"""The framework-library stream of the sync protocol: what a laptop receives from the trust's
framework library (see ``server/framework_library.py``).

* ``HandshakeResponse.framework_library``: a digest of what this laptop would receive ("" when
  the trust has nothing of its own). A laptop holding that digest asks nothing more.
* ``GET /framework-library``: :class:`FrameworkLibraryPage`, every document the laptop may use
  (published, and drafts when a trust admin opted the laptop in; safeguarding frameworks only
  for safeguarding roles) with its canonical YAML, and retired ones by name only.

The laptop checks every document again before using it; one that fails is refused with the
reason and never used.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

#: The most documents a library page holds (a trust has tens).
MAX_LIBRARY_DOCUMENTS = 2000
#: The most text one document carries (the checker's own limit is 1 MB of YAML).
MAX_DOCUMENT_TEXT = 1024 * 1024

LibraryKind = Literal[
    "framework",
    "rating_scale",
    "categorisation_scheme",
    "trust_profile",
    "framework_overlay",
    "trust_vocabulary",
]
LibraryState = Literal["draft", "published", "retired"]


class LibraryEntry(BaseModel):
    """One version of one of the trust's documents."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: LibraryKind
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=80)
    version: str = Field(pattern=r"^[0-9]+(\.[0-9]+)*$", max_length=20)
    state: LibraryState
    title: str = Field(default="", max_length=200)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    #: Canonical YAML; empty for a retired version.
    text: str = Field(default="", max_length=MAX_DOCUMENT_TEXT)

    @property
    def reference(self) -> str:
        return f"{self.id}@{self.version}"


class FrameworkLibraryPage(BaseModel):
    """``GET /framework-library``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    digest: str = Field(max_length=64)
    documents: list[LibraryEntry] = Field(max_length=MAX_LIBRARY_DOCUMENTS)
