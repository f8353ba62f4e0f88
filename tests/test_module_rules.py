"""House rules about modules, checked on the source tree: no import cycle inside a package, no
module over 600 lines unless its first lines say why, and no service that asks whether the store
is the demo's.

Cycles are found on the import graph that import-linter uses (grimp), counting imports made
inside functions (they hide cycles) but not those under ``TYPE_CHECKING`` (annotations only).
A cycle that is known and has a plan to go is listed in ``KNOWN_CYCLES`` with its reason; any
other cycle fails the test, which names the modules in it.

A back-pointer hides from that test: a part that takes the whole object that made it, imported
for its annotation only (``if TYPE_CHECKING: from ..main_window import MainWindow``), while the
maker imports the part lazily. A second test counts annotation imports too, across a layer and
its sub-packages (``gui`` and ``gui.review_editor`` together); ``KNOWN_BACK_POINTERS`` lists
those that are known, with why.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import grimp

SRC = Path(__file__).parents[1] / "src" / "reviewer_app"
MAX_LINES = 600
#: The comment that lets a module be longer (in its first ten lines).
LONG_MODULE_MARK = "Longer than 600 lines because"

#: Cycles inside a package that are known, each with why it is still there (sorted modules).
KNOWN_CYCLES: dict[tuple[str, ...], str] = {}


#: Cycles through annotation imports inside a layer that are known, each with why (sorted).
KNOWN_BACK_POINTERS: dict[tuple[str, ...], str] = {
    (
        "reviewer_app.domain.frameworks.consistency",
        "reviewer_app.domain.frameworks.library",
    ): "consistency annotates with library's Located type (structure review cycle 1: move "
    "Located into yaml_source.py)",
    (
        "reviewer_app.gui.review_editor.commands",
        "reviewer_app.gui.review_editor.record_writes",
        "reviewer_app.gui.review_editor.writes",
    ): "the command pattern's round trip: a command calls back the changes that pushed it",
    (
        "reviewer_app.gui.review_editor.editor",
        "reviewer_app.gui.review_editor.menus",
        "reviewer_app.gui.review_editor.redraw",
    ): "the window's own parts (its menus, its redraw) are built with the window",
}


def _package_of(module: str) -> str:
    return module.rsplit(".", 1)[0]


def _layer_of(module: str) -> str:
    return ".".join(module.split(".")[:2])


def _cycles(
    graph: grimp.ImportGraph, group_of: Callable[[str], str] = _package_of
) -> list[tuple[str, ...]]:
    """Strongly connected groups of two or more modules of one group (Tarjan); a group is a
    package unless ``group_of`` says otherwise."""
    edges: dict[str, set[str]] = defaultdict(set)
    for module in graph.modules:
        for imported in graph.find_modules_directly_imported_by(module):
            if group_of(imported) == group_of(module) and imported != module:
                edges[module].add(imported)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[tuple[str, ...]] = []
    counter = [0]

    def visit(module: str) -> None:
        index[module] = low[module] = counter[0]
        counter[0] += 1
        stack.append(module)
        on_stack.add(module)
        for imported in edges[module]:
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                found.append(tuple(sorted(group)))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return found


def test_no_import_cycle_inside_a_package() -> None:
    graph = grimp.build_graph("reviewer_app", exclude_type_checking_imports=True, cache_dir=None)
    cycles = _cycles(graph)
    new = [c for c in cycles if c not in KNOWN_CYCLES]
    assert new == [], "import cycles inside a package (break them or list them with a reason)"
    gone = [c for c in KNOWN_CYCLES if c not in cycles]
    assert gone == [], "these cycles are gone: take them off KNOWN_CYCLES"


def test_no_back_pointer_inside_a_layer() -> None:
    """E.g. ``gui.main_window`` opening editors through ``gui.review_editor.launcher``, which
    annotated its argument as ``MainWindow``: each side then depends on the other."""
    graph = grimp.build_graph("reviewer_app", exclude_type_checking_imports=False, cache_dir=None)
    cycles = _cycles(graph, _layer_of)
    known = {**KNOWN_CYCLES, **KNOWN_BACK_POINTERS}
    new = [c for c in cycles if c not in known]
    assert new == [], "modules that point back at each other (pass what they use, or signal)"
    gone = [c for c in KNOWN_BACK_POINTERS if c not in cycles]
    assert gone == [], "these back-pointers are gone: take them off KNOWN_BACK_POINTERS"


def test_no_module_over_600_lines_without_saying_why() -> None:
    long = []
    for path in sorted(SRC.rglob("*.py")):
        if "forms" in path.parts or path.name == "resources_rc.py" or "versions" in path.parts:
            continue  # generated code and migrations
        lines = path.read_text("utf-8").splitlines()
        if len(lines) > MAX_LINES and not any(LONG_MODULE_MARK in line for line in lines[:10]):
            long.append(f"{path.relative_to(SRC)} ({len(lines)} lines)")
    assert long == [], f"say why at the top ('{LONG_MODULE_MARK} ...') or split them"


def test_services_never_ask_whether_the_store_is_the_demo() -> None:
    """The demo trust is plugged in by the composition root (``services.workspace.BuiltInTrust``);
    a service asks what the store does (``Workspace.syncs``), never ``workspace.demo``."""
    asked = []
    for path in sorted((SRC / "services").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            load = isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load)
            if load and node.attr == "demo":
                asked.append(f"{path.relative_to(SRC)}:{node.lineno}")
    assert asked == [], "ask what the store does, not whether it is the demo's"


#: What starts a thread or a pool of them.
THREAD_MAKERS = frozenset(
    {"Thread", "Timer", "ThreadPoolExecutor", "ProcessPoolExecutor", "QThread", "QThreadPool",
     "QRunnable", "QtConcurrent", "run_in_executor", "start_new_thread"}
)  # fmt: skip
#: The two ways off the GUI thread: the reader threads and the single writer lane.
THREAD_HOMES = ("gui/tasks.py", "services/writer_lane.py")


def test_the_app_leaves_the_gui_thread_two_ways_only() -> None:
    """Work leaves the GUI thread through the readers (``gui.tasks.TaskRunner``) or the one
    writer lane (``services.writer_lane.WriterLane``), never a thread or pool of its own, so
    every background job is counted, shut down at exit and reports back through a signal."""
    made = []
    folders = [SRC / "gui", SRC / "services"]
    for path in sorted([*(p for f in folders for p in f.rglob("*.py")), SRC / "app.py"]):
        where = path.relative_to(SRC).as_posix()
        if where in THREAD_HOMES or "forms" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            name = (
                node.id if isinstance(node, ast.Name)
                else node.attr if isinstance(node, ast.Attribute)
                else None
            )  # fmt: skip
            if name in THREAD_MAKERS:
                made.append(f"{where}:{node.lineno} {name}")
    assert made == [], "use gui.tasks (reading) or the writer lane (writing) instead"
