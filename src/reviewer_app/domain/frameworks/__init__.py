"""Review frameworks as data: rating scales, frameworks, categorisation schemes, trust profiles.

Everything a reviewer fills in comes from YAML files in ``frameworks/`` (see
``reviewer_app.paths.frameworks_dir()``), validated here into immutable objects::

    library = load_library(frameworks_dir())
    framework = library.get("learning-walk")          # latest version
    for section in framework.sections:
        for criterion in section.criteria:
            scale = framework.scale_for(criterion)     # RatingScale or None
    shown = visible_criteria(framework, answers, school.facts(), person.roles)
    snapshot = framework.to_snapshot()                 # keep with the review
    missing = missing_required(framework, answers, school.facts(), person.roles)
    suggestion = suggest_category(library.scheme("oldham-support-levels"), outcomes)
"""

from reviewer_app.domain.frameworks.categorisation import (
    CadenceItem,
    CategorisationScheme,
    CategoryLevel,
    Outcome,
    OutcomeTest,
    Suggestion,
    SuggestionRule,
    outcomes_for,
    suggest_category,
)
from reviewer_app.domain.frameworks.completeness import MissingItem, missing_required
from reviewer_app.domain.frameworks.conditions import SCHOOL_FACTS, Condition
from reviewer_app.domain.frameworks.fields import ChoiceOption, FieldSpec, TableColumn
from reviewer_app.domain.frameworks.framework import (
    STANDARD_AUDIENCES,
    ActionSettings,
    Audience,
    Criterion,
    EvidenceSettings,
    Framework,
    LookFor,
    Section,
    SignOffStep,
    Source,
    TagKind,
)
from reviewer_app.domain.frameworks.library import (
    FrameworkLibrary,
    check_files,
    framework_files,
    load_library,
)
from reviewer_app.domain.frameworks.problems import FrameworkLoadError, FrameworkProblem
from reviewer_app.domain.frameworks.profiles import Branding, TrustProfile
from reviewer_app.domain.frameworks.scales import RatingScale, ScaleLevel
from reviewer_app.domain.frameworks.visibility import Visibility, visibility, visible_criteria

__all__ = [
    "SCHOOL_FACTS",
    "STANDARD_AUDIENCES",
    "ActionSettings",
    "Audience",
    "Branding",
    "CadenceItem",
    "CategorisationScheme",
    "CategoryLevel",
    "ChoiceOption",
    "Condition",
    "Criterion",
    "EvidenceSettings",
    "FieldSpec",
    "Framework",
    "FrameworkLibrary",
    "FrameworkLoadError",
    "FrameworkProblem",
    "LookFor",
    "MissingItem",
    "Outcome",
    "OutcomeTest",
    "RatingScale",
    "ScaleLevel",
    "Section",
    "SignOffStep",
    "Source",
    "Suggestion",
    "SuggestionRule",
    "TableColumn",
    "TagKind",
    "TrustProfile",
    "Visibility",
    "check_files",
    "framework_files",
    "load_library",
    "missing_required",
    "outcomes_for",
    "suggest_category",
    "visibility",
    "visible_criteria",
]
