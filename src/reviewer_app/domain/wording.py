"""Turning keys and labels into words that sit inside a sentence.

Internal keys (``safeguarding-audit``, ``dsl_colleague``) are never labels; when nothing better
is known (a framework that is not installed) :func:`readable_key` makes them words. A label that
goes mid-sentence loses its capital with :func:`mid_sentence`, unless its first word is an
acronym (``DSL colleague`` stays as it is).
"""

from __future__ import annotations


def readable_key(key: str) -> str:
    """``safeguarding-audit`` -> ``Safeguarding audit``."""
    words = key.replace("-", " ").replace("_", " ").split()
    return " ".join(words).capitalize()


def mid_sentence(label: str) -> str:
    """``Audit team member (DSL colleague)`` -> ``audit team member (DSL colleague)``;
    ``DSL colleague`` stays ``DSL colleague``."""
    first = label.split(" ", 1)[0]
    if len(first) > 1 and first[1:2].isupper():
        return label
    return label[:1].lower() + label[1:]


_MB = 1024 * 1024


def file_size(size: int) -> str:
    """A size in bytes as people read it: ``1.5 GB``, ``300 MB``, ``40 KB``."""
    if size >= 1024 * _MB:
        return f"{size / (1024 * _MB):.1f} GB".replace(".0 GB", " GB")
    if size >= _MB:
        return f"{round(size / _MB)} MB"
    return f"{max(1, round(size / 1024))} KB"
