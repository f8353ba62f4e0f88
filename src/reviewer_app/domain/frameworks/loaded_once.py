"""A folder's framework library, loaded once per process.

The laptop's catalogue (``services.framework_catalogue.installed_library``) and the trust
server's built-in library (``server.framework_library.built_in_library``) both ask here, so the
app's own frameworks are read and validated once, and two threads asking at once (a reader and
the writer lane, or two requests) load them once. A folder that fails to load is not kept: its
``FrameworkLoadError`` (naming the file and line) is raised each time it is asked for, so mending
the file and asking again works.
"""

from __future__ import annotations

import threading
from pathlib import Path

from reviewer_app.domain.frameworks.library import FrameworkLibrary, load_library

_loaded: dict[Path, FrameworkLibrary] = {}
_loading = threading.Lock()


def library_once(folder: Path) -> FrameworkLibrary:
    """The frameworks in ``folder``, loaded on first need and kept."""
    key = folder.resolve()
    library = _loaded.get(key)
    if library is None:
        with _loading:
            library = _loaded.get(key)
            if library is None:
                library = _loaded[key] = load_library(key)
    return library
