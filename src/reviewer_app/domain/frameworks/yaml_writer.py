"""Write a framework document as YAML: what ``frameworks from-xlsx`` saves, and the form a
trust's uploaded documents are kept and synced in.

The text is canonical: keys in the order the models declare them, defaults left out, look-fors
without a group written as plain text. Reading it back gives the same document.
"""

from __future__ import annotations

from typing import Any

import yaml
from pydantic import BaseModel

#: The JSON Schema comment at the top of each kind's file (editors check as you type).
_SCHEMA_FILES = {
    "framework": "framework.schema.json",
    "rating_scales": "rating-scales.schema.json",
    "categorisation_scheme": "categorisation-scheme.schema.json",
    "trust_profile": "trust-profile.schema.json",
    "framework_overlay": "framework-overlay.schema.json",
    "trust_vocabulary": "trust-vocabulary.schema.json",
}


class _Dumper(yaml.SafeDumper):
    """Block style, with long or multi-line text written so that it stays readable."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_Dumper.add_representer(str, _text)


def document_data(document: BaseModel) -> dict[str, Any]:
    """The document as plain data: defaults left out, look-fors without a group as text."""
    data: dict[str, Any] = _plain_look_fors(
        document.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    )
    return data


def _plain_look_fors(value: Any) -> Any:
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key == "look_fors" and isinstance(item, list):
                out[key] = [
                    lf["text"] if isinstance(lf, dict) and set(lf) == {"text"} else lf
                    for lf in item
                ]
            else:
                out[key] = _plain_look_fors(item)
        return out
    if isinstance(value, list):
        return [_plain_look_fors(item) for item in value]
    return value


def document_yaml(document: BaseModel, *, note: str = "") -> str:
    """The document as YAML text, with the schema comment and an optional note on top."""
    data = document_data(document)
    kind = str(data.get("kind", ""))
    lines = []
    if kind in _SCHEMA_FILES:
        lines.append(f"# yaml-language-server: $schema=schema/{_SCHEMA_FILES[kind]}")
    lines.extend(f"# {line}" for line in note.splitlines())
    body = yaml.dump(
        data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100,
        default_flow_style=False,
    )  # fmt: skip
    return "\n".join(lines) + ("\n" if lines else "") + body
