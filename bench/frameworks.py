"""Benchmark: load every installed framework file, cold and warm.

Prints the time of ``load_library`` on the first call in the process (cold: every file parsed
and validated), the median of later calls (warm: unchanged files come from the parse cache, cross
checks run in full) and of later calls where every file has changed (warm, re-parsed: a comment
appended to each file, so the parse cache, keyed by the text, holds none of them), against a
baseline measured in the same run: parsing the same YAML text with ``yaml.safe_load`` alone.
Target: warm load under 50 ms. Run with ``uv run python bench/frameworks.py``.
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNS = 15


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:7.1f} ms"


def main() -> int:
    started = time.perf_counter()
    from reviewer_app.domain.frameworks import (
        framework_files,
        load_library,
        visibility,
    )

    imported = time.perf_counter() - started
    folder = ROOT / "frameworks"
    resources = ROOT / "resources"

    started = time.perf_counter()
    library = load_library(folder, resources_dir=resources)
    cold = time.perf_counter() - started

    warm_runs = []
    for _ in range(RUNS):
        started = time.perf_counter()
        load_library(folder, resources_dir=resources)
        warm_runs.append(time.perf_counter() - started)
    warm = statistics.median(warm_runs)

    reparse_runs = []
    for run in range(RUNS):
        with tempfile.TemporaryDirectory() as scratch:
            changed = Path(scratch) / "frameworks"
            shutil.copytree(folder, changed)
            for path in framework_files(changed):
                with path.open("a", encoding="utf-8") as file:
                    file.write(f"\n# changed for run {run}\n")
            started = time.perf_counter()
            load_library(changed, resources_dir=resources)
            reparse_runs.append(time.perf_counter() - started)
    reparse = statistics.median(reparse_runs)

    import yaml

    files = framework_files(folder)
    texts = [path.read_text(encoding="utf-8") for path in files]
    baseline_runs = []
    for _ in range(RUNS):
        started = time.perf_counter()
        for text in texts:
            yaml.safe_load(text)
        baseline_runs.append(time.perf_counter() - started)
    baseline = statistics.median(baseline_runs)

    review = library.get("two-day-peer-review")
    facts = {"phase": "secondary", "has_early_years": False, "has_sixth_form": True}
    visibility_runs = []
    for _ in range(RUNS):
        started = time.perf_counter()
        visibility(review, {}, facts, ["lead_reviewer", "safeguarding_lead"])
        visibility_runs.append(time.perf_counter() - started)

    snapshot_runs = []
    for _ in range(RUNS):
        started = time.perf_counter()
        type(review).from_snapshot(review.to_snapshot())
        snapshot_runs.append(time.perf_counter() - started)

    criteria = sum(len(list(f.criteria())) for f in library.frameworks)
    print(
        f"{len(files)} files: {len(library.frameworks)} frameworks ({criteria} criteria), "
        f"{len(library.scales)} scales, {len(library.schemes)} schemes, "
        f"{len(library.profiles)} profiles"
    )
    print(f"import of the engine           {_ms(imported)}")
    print(f"cold load (first call)         {_ms(cold)}")
    print(f"warm load (median of {RUNS})      {_ms(warm)}   target < 50 ms")
    print(f"warm, every file re-parsed     {_ms(reparse)}   (every file changed each run)")
    print(f"baseline yaml.safe_load alone  {_ms(baseline)}")
    print(f"ratio warm / baseline          {warm / baseline:7.2f} x")
    print(f"ratio re-parsed / baseline     {reparse / baseline:7.2f} x")
    print(f"ratio cold / baseline          {cold / baseline:7.2f} x")
    print(f"visibility, two-day review     {_ms(statistics.median(visibility_runs))}")
    print(f"snapshot round trip, same      {_ms(statistics.median(snapshot_runs))}")
    return 0 if warm < 0.050 else 1


if __name__ == "__main__":
    sys.exit(main())
