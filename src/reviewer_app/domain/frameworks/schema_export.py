"""The JSON Schema of each kind of framework file, exported to ``frameworks/schema/`` so editors
can check YAML as it is typed. A test keeps the exported files in step with the models."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from reviewer_app.domain.frameworks.library import DOCUMENT_KINDS

#: ``kind`` -> exported file name.
SCHEMA_FILES: Mapping[str, str] = {
    "framework": "framework.schema.json",
    "rating_scales": "rating-scales.schema.json",
    "categorisation_scheme": "categorisation-scheme.schema.json",
    "trust_profile": "trust-profile.schema.json",
    "framework_overlay": "framework-overlay.schema.json",
    "trust_vocabulary": "trust-vocabulary.schema.json",
}


def schema_texts() -> dict[str, str]:
    """File name -> JSON Schema text, for every kind of framework file."""
    texts = {}
    for kind, model in DOCUMENT_KINDS.items():
        schema = model.model_json_schema(by_alias=True)
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["$id"] = f"https://reviewer.invalid/schema/{SCHEMA_FILES[kind]}"
        texts[SCHEMA_FILES[kind]] = json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
    return texts


def stale_schema_files(folder: Path) -> list[str]:
    """Names of schema files in ``folder`` that are missing or differ from the models."""
    stale = []
    for name, text in schema_texts().items():
        path = folder / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            stale.append(name)
    return stale


def write_schemas(folder: Path) -> list[Path]:
    """Write every schema file into ``folder``; returns the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in schema_texts().items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
