"""One test per kind of bad input: each problem names the file, the line and the document path."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from reviewer_app.domain.frameworks import (
    FrameworkLoadError,
    FrameworkProblem,
    check_files,
    load_library,
)

Write = Callable[[str, str], Path]


def only_problem(problems: list[FrameworkProblem]) -> FrameworkProblem:
    assert len(problems) == 1, "\n".join(map(str, problems))
    return problems[0]


def assert_located(problem: FrameworkProblem, path: Path, line: int, document_path: str) -> None:
    assert problem.file == path
    assert problem.line == line, str(problem)
    assert problem.document_path == document_path, str(problem)
    text = str(problem)
    assert text.startswith(f"{path}:{line}: {document_path}: "), text


def test_the_minimal_framework_is_clean(mini: str, write_yaml: Write) -> None:
    path = write_yaml("mini.yaml", mini)
    assert check_files([path]) == []


def test_yaml_syntax_error_names_the_line(mini: str, write_yaml: Write) -> None:
    broken = mini.replace("      - id: beta\n", "      - id: beta\n   bad: [unclosed\n")
    path = write_yaml("mini.yaml", broken)
    problem = only_problem(check_files([path]))
    assert problem.file == path
    assert problem.document_path == "(YAML syntax)"
    assert problem.line == 21
    assert "not valid YAML" in problem.message


def test_unknown_key_names_key_line_and_path(mini: str, write_yaml: Write) -> None:
    path = write_yaml(
        "mini.yaml",
        mini.replace("        title: Beta\n", "        title: Beta\n        colour_me: red\n"),
    )
    problem = only_problem(check_files([path]))
    assert_located(problem, path, 22, "sections[0].criteria[1].colour_me")
    assert "'colour_me' is not a key" in problem.message


def test_wrong_type_is_explained(mini: str, write_yaml: Write) -> None:
    path = write_yaml(
        "mini.yaml",
        mini.replace("        title: Alpha\n", "        title: Alpha\n        required: perhaps\n"),
    )
    problem = only_problem(check_files([path]))
    assert_located(problem, path, 20, "sections[0].criteria[0].required")
    assert "true or false" in problem.message


def test_missing_required_key_points_at_the_parent(mini: str, write_yaml: Write) -> None:
    path = write_yaml("mini.yaml", mini.replace("        title: Beta\n", ""))
    problem = only_problem(check_files([path]))
    assert_located(problem, path, 20, "sections[0].criteria[1].title")
    assert "required key 'title' is missing" in problem.message


def test_duplicate_framework_id_across_files(mini: str, write_yaml: Write) -> None:
    first = write_yaml("mini.yaml", mini)
    second = write_yaml("copy/mini.yaml", mini)
    problem = only_problem(check_files([first, second]))
    assert_located(problem, second, 2, "id")
    assert "Duplicate id" in problem.message
    assert str(first) in problem.message


def test_duplicate_criterion_id_within_a_framework(mini: str, write_yaml: Write) -> None:
    path = write_yaml("mini.yaml", mini.replace("id: beta", "id: alpha"))
    problem = only_problem(check_files([path]))
    assert_located(problem, path, 20, "sections[0].criteria[1].id")
    assert "Duplicate id: 'alpha'" in problem.message


def test_unknown_scale(mini: str, write_yaml: Write) -> None:
    path = write_yaml(
        "mini.yaml",
        mini.replace(
            "        title: Beta\n", "        title: Beta\n        scale: no-such-scale\n"
        ),
    )
    problem = only_problem(check_files([path]))
    assert_located(problem, path, 22, "sections[0].criteria[1].scale")
    assert "The scale 'no-such-scale' is not installed" in problem.message


def test_condition_naming_a_missing_criterion(mini: str, write_yaml: Write) -> None:
    path = write_yaml(
        "mini.yaml",
        mini.replace(
            "        title: Beta\n",
            "        title: Beta\n        visible_when: {answer: gamma, equals: good}\n",
        ),
    )
    problem = only_problem(check_files([path]))
    assert_located(problem, path, 22, "sections[0].criteria[1].visible_when")
    assert "'gamma', which is not a criterion or field" in problem.message


def test_cycle_of_conditions(mini: str, write_yaml: Write) -> None:
    text = mini.replace(
        "        title: Alpha\n",
        "        title: Alpha\n        visible_when: {answer: beta, answered: true}\n",
    ).replace(
        "        title: Beta\n",
        "        title: Beta\n        visible_when: {answer: alpha, equals: good}\n",
    )
    path = write_yaml("mini.yaml", text)
    problem = only_problem(check_files([path]))
    assert_located(problem, path, 20, "sections[0].criteria[0].visible_when")
    assert "go round in a circle: alpha → beta → alpha" in problem.message


def test_cycle_through_a_section(mini: str, write_yaml: Write) -> None:
    text = mini.replace(
        "    title: First section\n",
        "    title: First section\n    visible_when: {answer: alpha, equals: good}\n",
    )
    path = write_yaml("mini.yaml", text)
    problem = only_problem(check_files([path]))
    assert_located(problem, path, 17, "sections[0].visible_when")
    assert "first → alpha → first" in problem.message


def test_empty_framework(mini: str, write_yaml: Write) -> None:
    path = write_yaml("mini.yaml", mini.split("sections:")[0])
    problem = only_problem(check_files([path]))
    assert_located(problem, path, 2, "id")
    assert "is empty: it has no sections" in problem.message


def test_framework_whose_sections_have_no_criteria(mini: str, write_yaml: Write) -> None:
    text = mini.split("    criteria:")[0]
    path = write_yaml("mini.yaml", text)
    problems = check_files([path])
    assert [p.document_path for p in problems] == ["sections", "sections[0]"]
    assert problems[0].line == 14
    assert "none of its sections has a criterion" in problems[0].message
    assert "The section 'first' is empty" in problems[1].message


def test_unknown_school_fact(mini: str, write_yaml: Write) -> None:
    path = write_yaml(
        "mini.yaml",
        mini.replace(
            "        title: Beta\n",
            "        title: Beta\n        visible_when: {fact: has_swimming_pool, equals: true}\n",
        ),
    )
    problem = only_problem(check_files([path]))
    assert_located(problem, path, 22, "sections[0].criteria[1].visible_when")
    assert "'has_swimming_pool', which does not exist" in problem.message


def test_condition_value_the_answer_can_never_take(mini: str, write_yaml: Write) -> None:
    path = write_yaml(
        "mini.yaml",
        mini.replace(
            "        title: Beta\n",
            "        title: Beta\n        visible_when: {answer: alpha, equals: excellent}\n",
        ),
    )
    problem = only_problem(check_files([path]))
    assert "'excellent', which it can never be; use one of good, poor" in problem.message


def test_missing_and_unknown_kind(write_yaml: Write) -> None:
    missing = write_yaml("a.yaml", "id: x\n")
    unknown = write_yaml("b.yaml", "id: x\nkind: recipe\n")
    problems = check_files([missing, unknown])
    assert [(p.file, p.line, p.document_path) for p in problems] == [
        (missing, 1, "kind"),
        (unknown, 2, "kind"),
    ]
    assert "'recipe' is not a kind of framework file" in problems[1].message


def test_file_name_must_match_the_id(mini: str, write_yaml: Write) -> None:
    path = write_yaml("other-name.yaml", mini)
    problem = only_problem(check_files([path]))
    assert_located(problem, path, 2, "id")
    assert "name it mini.yaml or mini@1.yaml" in problem.message


def test_bad_colour_and_bad_id_are_worded_for_people(mini: str, write_yaml: Write) -> None:
    path = write_yaml(
        "mini.yaml",
        mini.replace('colour: "#00AA00"', "colour: green").replace("id: beta", "id: Beta Two"),
    )
    messages = {p.document_path: p.message for p in check_files([path])}
    assert "write colours as #RRGGBB" in messages["scales[0].levels[0].colour"]
    assert "not a valid id" in messages["sections[0].criteria[1].id"]


def test_minimised_field_refuses_free_text(mini: str, write_yaml: Write) -> None:
    text = mini + (
        "    fields:\n"
        "      - id: scr\n"
        "        label: SCR sample\n"
        "        kind: table\n"
        "        minimised: true\n"
        "        columns:\n"
        "          - {id: ref, label: Row, kind: row_reference}\n"
        "          - {id: name, label: Name, kind: text}\n"
    )
    path = write_yaml("mini.yaml", text)
    problem = only_problem(check_files([path]))
    assert_located(problem, path, 23, "sections[0].fields[0]")
    assert "may not have the free-text column 'name'" in problem.message


def test_scheme_and_profile_references_are_checked(
    mini: str, write_yaml: Write, tmp_path: Path
) -> None:
    framework = write_yaml("mini.yaml", mini)
    scheme = write_yaml(
        "schemes/s.yaml",
        """\
        kind: categorisation_scheme
        id: s
        version: "1"
        title: S
        owner: T
        levels:
          - {key: high, label: High, colour: "#000000"}
          - {key: low, label: Low, colour: "#FFFFFF"}
        rules:
          - suggest: low
            when:
              - {levels: [poor, dreadful], criteria: [alpha, zeta], frameworks: [mini, nope]}
            because: It is poor.
        """,
    )
    profile = write_yaml(
        "profiles/p.yaml",
        """\
        kind: trust_profile
        id: p
        title: P
        owner: T
        frameworks: [mini, missing-one]
        scheme: absent
        branding:
          name: P
          primary_colour: "#000000"
          secondary_colour: "#111111"
          accent_colour: "#222222"
          logo: logos/none.png
        """,
    )
    problems = check_files([framework, scheme, profile], resources_dir=tmp_path)
    found = {(p.file.name, p.document_path, p.line) for p in problems}
    assert found == {
        ("s.yaml", "rules[0].when[0].levels", 12),
        ("s.yaml", "rules[0].when[0].frameworks", 12),
        ("s.yaml", "rules[0].when[0].criteria", 12),
        ("p.yaml", "frameworks[1]", 5),
        ("p.yaml", "scheme", 6),
        ("p.yaml", "branding.logo", 12),
    }
    assert sum("'dreadful'" in p.message for p in problems) == 1
    assert sum("'zeta'" in p.message for p in problems) == 1


def test_every_problem_is_reported_not_just_the_first(mini: str, write_yaml: Write) -> None:
    a = write_yaml("mini.yaml", mini.replace("title: Alpha", "titel: Alpha"))
    b = write_yaml("broken.yaml", "kind: framework\nid: [\n")
    problems = check_files([a, b])
    assert {p.file for p in problems} == {a, b}
    assert len(problems) == 3  # unknown key, missing title, YAML syntax


def test_load_library_raises_with_every_problem(
    mini: str, tmp_path: Path, write_yaml: Write
) -> None:
    write_yaml("mini.yaml", mini.replace("id: beta", "id: alpha"))
    write_yaml("other.yaml", "kind: nonsense\n")
    with pytest.raises(FrameworkLoadError) as caught:
        load_library(tmp_path)
    assert len(caught.value.problems) == 2
    assert "2 problems found" in caught.value.message
    assert "reviewer-app frameworks check" in caught.value.hint


def test_reference_dirs_resolve_but_are_not_reported(
    mini: str, write_yaml: Write, tmp_path: Path
) -> None:
    shared = write_yaml(
        "shared/scales.yaml",
        """\
        kind: rating_scales
        scales:
          - id: shared-scale
            version: "1"
            title: Shared
            levels:
              - {key: up, label: Up, rank: 1, colour: "#00AA00"}
              - {key: down, label: Down, rank: 0, colour: "#AA0000"}
        """,
    )
    write_yaml("shared/broken.yaml", "kind: framework\n")
    path = write_yaml(
        "mini.yaml", mini.replace("default_scale: mini-scale", "default_scale: shared-scale")
    )
    assert check_files([path], reference_dirs=[shared.parent]) == []
    assert check_files([path])[0].document_path == "default_scale"


def test_a_key_given_twice_is_refused(mini: str, write_yaml: Write) -> None:
    path = write_yaml(
        "mini.yaml",
        mini.replace("        title: Beta\n", "        title: Beta\n        title: Gamma\n"),
    )
    problem = only_problem(check_files([path]))
    assert problem.line == 22
    assert "the key 'title' appears twice" in problem.message


def test_yaml_yes_and_no_are_explained(mini: str, write_yaml: Write) -> None:
    path = write_yaml("mini.yaml", mini.replace("{key: good,", "{key: yes,"))
    problem = only_problem(check_files([path]))
    assert_located(problem, path, 12, "scales[0].levels[0].key")
    assert "put the word in quotes" in problem.message


def test_a_value_failing_a_union_is_reported_once(mini: str, write_yaml: Write) -> None:
    path = write_yaml(
        "mini.yaml",
        mini.replace(
            "        title: Beta\n",
            "        title: Beta\n        visible_when: {answer: alpha, equals: [good]}\n",
        ),
    )
    problem = only_problem(check_files([path]))
    assert_located(problem, path, 22, "sections[0].criteria[1].visible_when.equals")


def test_a_shared_criterion_field_problem_is_reported_once(mini: str, write_yaml: Write) -> None:
    text = mini.replace(
        "sections:\n",
        "criterion_fields:\n"
        "  - {id: action, label: Action, visible_when: {answer: nothing-here, equals: poor}}\n"
        "sections:\n",
    )
    path = write_yaml("mini.yaml", text)
    problem = only_problem(check_files([path]))
    assert_located(problem, path, 15, "criterion_fields[0].visible_when")
    assert "'nothing-here', which is not a criterion or field" in problem.message


def test_loading_an_empty_or_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(FrameworkLoadError) as caught:
        load_library(tmp_path)
    assert caught.value.problems[0].message == "The folder holds no framework files."
    with pytest.raises(FrameworkLoadError) as caught:
        load_library(tmp_path / "absent")
    assert "does not exist" in caught.value.problems[0].message
