"""Every file README.md links to or shows (screenshots, guides) is in the repository."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_file_the_readme_links_to_exists() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    targets = re.findall(r"\]\(([^)\s#]+)[^)]*\)", text)
    local = [t for t in targets if "://" not in t and not t.startswith("mailto:")]
    assert "docs/screenshots/my-work.png" in local
    missing = [t for t in local if not (ROOT / t).exists()]
    assert not missing, f"README.md links to files that are not there: {missing}"
