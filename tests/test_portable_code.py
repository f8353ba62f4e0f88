"""Code that only works on a Linux developer's machine fails here, before a Windows laptop.

Reviewers' laptops are mostly Windows, some Macs. Checked over ``src/`` by reading the code:

* text files are read and written with an explicit encoding (Windows' default is cp1252, so
  ``read_text()`` of a framework file with "Siân" or "–" would fail or garble there);
* no ``shell=True`` (cmd.exe is not sh), no ``os.rename`` (it refuses to replace an existing file
  on Windows; ``Path.replace`` does), no POSIX-only modules (``fcntl``, ``pwd``, ``grp``,
  ``termios``), no ``/tmp`` or ``/dev/null`` written into a path.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [
    path
    for path in sorted((ROOT / "src" / "reviewer_app").rglob("*.py"))
    if "gui/forms" not in path.as_posix()
]
POSIX_ONLY = {"fcntl", "pwd", "grp", "termios", "resource"}


def _mode(call: ast.Call, position: int) -> str | None:
    for keyword in call.keywords:
        if keyword.arg == "mode" and isinstance(keyword.value, ast.Constant):
            return str(keyword.value.value)
    if len(call.args) > position and isinstance(call.args[position], ast.Constant):
        return str(call.args[position].value)
    return None


def problems(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """(line, what is wrong) for each non-portable construct in ``tree``."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module]
            for name in names:
                if name and name.split(".")[0] in POSIX_ONLY:
                    yield node.lineno, f"imports {name}, which Windows lacks"
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and (node.value.startswith(("/tmp/", "/dev/null")) or node.value == "/tmp")
        ):
            yield node.lineno, f"hard-codes the POSIX path {node.value!r}"
        if not isinstance(node, ast.Call):
            continue
        keywords = {k.arg for k in node.keywords}
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if any(k.arg == "shell" and getattr(k.value, "value", False) for k in node.keywords):
            yield node.lineno, "runs a command through the shell (shell=True)"
        if (
            isinstance(func, ast.Attribute)
            and getattr(func.value, "id", "") == "os"
            and (name == "rename")
        ):
            yield node.lineno, "os.rename cannot replace a file on Windows: use Path.replace"
        if "encoding" in keywords:
            continue
        if name == "read_text" and not node.args:
            yield node.lineno, "read_text() without an encoding"
        elif name == "write_text" and len(node.args) < 2:
            yield node.lineno, "write_text() without an encoding"
        elif name == "open" and isinstance(func, ast.Name):
            mode = _mode(node, 1) or "r"
            if "b" not in mode:
                yield node.lineno, f"open(..., {mode!r}) without an encoding"
        elif name == "open" and isinstance(func, ast.Attribute) and node.args:
            mode = _mode(node, 0)  # Path.open(mode): Qt's and the store's open() take no mode
            if mode is not None and mode[:1] in "rwax" and "b" not in mode:
                yield node.lineno, f".open({mode!r}) without an encoding"


def test_the_check_finds_each_kind_of_problem() -> None:
    sample = ast.parse(
        "import fcntl\n"
        "p.read_text()\n"
        "p.write_text('x')\n"
        "open(p, 'w')\n"
        "p.open('a')\n"
        "subprocess.run('ls', shell=True)\n"
        "os.rename(a, b)\n"
        "Path('/tmp/x')\n"
        "p.read_text('utf-8'); p.write_text('x', 'utf-8'); open(p, 'rb'); p.open('rb')\n"
        "dialog.open(); Workspace.open(paths)\n"
    )
    assert [line for line, _ in problems(sample)] == [1, 2, 3, 4, 5, 6, 7, 8]


def test_the_app_makes_no_linux_only_assumption() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{line}: {what}"
        for path in SOURCES
        for line, what in problems(ast.parse(path.read_text(encoding="utf-8")))
    ]
    assert not found, "\n".join(found)
