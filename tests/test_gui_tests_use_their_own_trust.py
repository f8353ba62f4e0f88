"""GUI tests run on the tests' own small trust (``support/fixture_trust.py``), never the demo's
content, so improving the demo never breaks one: no module under ``tests/gui`` imports
``reviewer_app.demo`` or names a demo school or person, except the walkers listed below.
"""

from __future__ import annotations

from pathlib import Path

from reviewer_app.demo.trust_data import DEMO_PEOPLE, demo_schools

GUI_TESTS = Path(__file__).parent / "gui"

#: Modules that open the demo on purpose, each with why.
ON_THE_DEMO = {
    # Both make the screenshots in docs/ (which show the demo, as a person trying the app sees
    # it). Their tests run them on the fixture trust (--fixture-trust).
    "windows_on_screen.py": "makes docs/screenshots from the demo",
    "review_editor/scaled_editor.py": "makes docs/screenshots from the demo",
}


def test_gui_tests_do_not_use_the_demos_content() -> None:
    names = [school.name for school in demo_schools("trust").values()]
    names += [name for _key, name, _roles in DEMO_PEOPLE]
    found = []
    for path in sorted(GUI_TESTS.rglob("*.py")):
        where = path.relative_to(GUI_TESTS).as_posix()
        if where in ON_THE_DEMO:
            continue
        text = path.read_text("utf-8")
        if "reviewer_app.demo" in text:
            found.append(f"{where}: imports reviewer_app.demo")
        found += [f"{where}: names {name!r}" for name in names if name in text]
    assert found == [], "use support/fixture_trust.py (add what the test needs there)"
    gone = [where for where in ON_THE_DEMO if not (GUI_TESTS / where).is_file()]
    assert gone == [], "take these off ON_THE_DEMO"
