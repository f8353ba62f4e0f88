"""Benchmark: the trust's framework library, from an upload to the laptop's library.

Measures, against a baseline in the same run (loading the built-in library, warm):

* checking an uploaded workbook (read with openpyxl, checked against the built-in library) and
  the same framework as YAML;
* writing a framework as a workbook (``frameworks to-xlsx``);
* the laptop's check of a received library of 20 documents (``check_received``) and building
  its library from them.

Run with ``uv run python bench/framework_library.py``. Prints medians and ratios.
"""

from __future__ import annotations

import hashlib
import statistics
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNS = 7


def _median(fn: Callable[[], object], runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> int:
    from reviewer_app.domain.frameworks import load_library
    from reviewer_app.domain.frameworks.library import check_sources, read_document_bytes
    from reviewer_app.domain.frameworks.workbook_writer import framework_workbook
    from reviewer_app.domain.frameworks.yaml_writer import document_yaml
    from reviewer_app.services.trust_library import check_received
    from reviewer_app.sync.library_protocol import LibraryEntry

    folder = ROOT / "frameworks"
    library = load_library(folder)
    baseline = _median(lambda: load_library(folder))

    framework = library.written["two-day-peer-review@2"].model_copy(update={"id": "our-review"})
    book = framework_workbook(framework, shared_scales=[s.id for s in library.scales])
    text = document_yaml(framework).encode()

    def check(name: str, content: bytes) -> None:
        source = read_document_bytes(Path(name), content)
        assert not isinstance(source, list)
        _, problems = check_sources([source], base=library)
        assert problems == []

    workbook_check = _median(lambda: check("our-review.xlsx", book))
    yaml_check = _median(lambda: check("our-review.yaml", text))
    to_xlsx = _median(
        lambda: framework_workbook(framework, shared_scales=[s.id for s in library.scales])
    )

    entries = []
    for i in range(20):
        own = library.written["learning-walk@2"].model_copy(update={"id": f"walk-{i}"})
        body = document_yaml(own)
        entries.append(
            LibraryEntry(
                kind="framework",
                id=own.id,
                version=own.version,
                state="published",
                title=own.title,
                sha256=hashlib.sha256(body.encode()).hexdigest(),
                text=body,
            )
        )
    received = _median(lambda: check_received(entries, library), runs=3)

    def row(name: str, seconds: float) -> None:
        print(f"{name:52} {seconds * 1000:8.1f} ms  {seconds / baseline:6.1f}x baseline")

    row("baseline: load the built-in library (warm)", baseline)
    row("check an uploaded workbook (two-day peer review)", workbook_check)
    row("check the same framework uploaded as YAML", yaml_check)
    row("write it as a workbook (to-xlsx)", to_xlsx)
    row("laptop: check a received library of 20 frameworks", received)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
