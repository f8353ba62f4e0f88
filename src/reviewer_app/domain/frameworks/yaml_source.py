"""Reading framework YAML and pointing back at the line a problem is on.

Parsing takes the fast route (libyaml when present). Only when a file has a problem is it composed
again into PyYAML nodes, whose marks map a path inside the document, such as
``("sections", 2, "criteria", 0, "scale")``, back to a line number.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import yaml

_FastLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_FastLoader):  # type: ignore[valid-type, misc]
    """The fast safe loader, refusing a key that appears twice in one mapping (PyYAML would
    silently keep the last one, hiding an editing slip)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[str] = set()
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                if key_node.value in seen:
                    raise yaml.constructor.ConstructorError(
                        "while reading a mapping",
                        node.start_mark,
                        f"the key '{key_node.value}' appears twice",
                        key_node.start_mark,
                    )
                seen.add(key_node.value)
        return super().construct_mapping(node, deep=deep)  # type: ignore[no-any-return]

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        # A node met a second time is an alias (*name) of an anchor (&name). Framework files
        # never need them, and a few nested aliases make a "billion laughs" that would take
        # for ever to check, so they are refused.
        if node in self.constructed_objects or node in self.recursive_objects:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                "the file uses YAML anchors and aliases (&name and *name), which framework "
                "files may not use; write each part out in full",
                node.start_mark,
            )
        return super().construct_object(node, deep=deep)


DocumentPath = tuple[str | int, ...]

#: Longest text whose problems are given a line number.
_MAX_LOCATED_TEXT = 256 * 1024


class DocumentSource(Protocol):
    """Where a document came from: a YAML file (lines) or a workbook (cells)."""

    path: Path
    data: Any

    def line_of(self, path: Sequence[str | int]) -> int | None:
        """1-based line of a place in the document, when it has lines."""
        ...

    def cell_of(self, path: Sequence[str | int]) -> str | None:
        """The workbook cell of a place in the document, when it has cells."""
        ...


def format_path(path: Sequence[str | int]) -> str:
    """``("sections", 2, "criteria", 0, "scale")`` -> ``sections[2].criteria[0].scale``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "(top of the file)"


class YamlSyntaxError(Exception):
    """The text is not valid YAML; carries the line of the fault."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line

    def sentence(self) -> str:
        """What is wrong and what to do, for the person editing the file."""
        if "constructor for the tag" in self.message:
            tag = self.message.split("tag", 1)[1].split("'")[1] if "'" in self.message else ""
            return (
                f"The file uses the YAML tag '{tag}', which framework files may not use (in "
                "other programs such tags can run code); remove it."
            )
        if "anchors and aliases" in self.message:
            return f"The file is not accepted: {self.message.split(' (', 1)[0]}."
        return (
            f"The file is not valid YAML: {self.message}. Check the indentation and quotes "
            "on or just before this line."
        )


@dataclass
class YamlSource:
    """One file's text and parsed data, with line lookup composed on first need."""

    path: Path
    text: str
    data: Any
    #: Whether the file's name must match what it holds (installed files; not uploads).
    named: bool = True
    _root: yaml.Node | None = field(default=None, init=False, repr=False)
    _composed: bool = field(default=False, init=False, repr=False)

    @classmethod
    def read(cls, path: Path) -> YamlSource:
        """Read and parse ``path``. Raises ``OSError`` or :class:`YamlSyntaxError`."""
        return cls.parse(path, path.read_text(encoding="utf-8"))

    @classmethod
    def parse(cls, path: Path, text: str) -> YamlSource:
        """Parse the text of ``path``. Raises :class:`YamlSyntaxError`."""
        try:
            data = yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark is not None else None
            problem = exc.problem or "the text is not valid YAML"
            context = f" ({exc.context})" if exc.context else ""
            raise YamlSyntaxError(f"{problem}{context}", line) from exc
        except yaml.YAMLError as exc:
            raise YamlSyntaxError(str(exc), None) from exc
        except RecursionError as exc:
            raise YamlSyntaxError("the text is nested too deeply", None) from exc
        return cls(path=path, text=text, data=data)

    def cell_of(self, path: Sequence[str | int]) -> str | None:
        """YAML files have lines, not cells."""
        return None

    def line_of(self, path: Sequence[str | int]) -> int | None:
        """1-based line of the deepest node along ``path`` (the parent when a key is missing).

        None for a very long text: composing it node by node in Python would take longer than
        the reader should wait (a framework file is a few tens of kilobytes).
        """
        if len(self.text) > _MAX_LOCATED_TEXT:
            return None
        if not self._composed:
            self._composed = True
            try:
                self._root = yaml.compose(self.text, Loader=yaml.SafeLoader)
            except yaml.YAMLError:
                self._root = None
        node = self._root
        if node is None:
            return None
        line = node.start_mark.line + 1
        for part in path:
            child = _child(node, part)
            if child is None:
                break
            node, line = child
        return line


def _child(node: yaml.Node, part: str | int) -> tuple[yaml.Node, int] | None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == str(part):
                # A key whose value is itself a block starts on the key's line.
                return value_node, key_node.start_mark.line + 1
        return None
    if (
        isinstance(node, yaml.SequenceNode)
        and isinstance(part, int)
        and 0 <= part < len(node.value)
    ):
        item = node.value[part]
        return item, item.start_mark.line + 1
    return None
