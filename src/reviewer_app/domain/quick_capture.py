"""The quick-capture language: one line of text with tokens that tag an evidence note.

A reviewer in a corridor types, without touching the mouse::

    Pupils explained their method to a partner #y5 #maths #room:14 @adaptive-checking +P7

* ``#value`` tags the note with a framework tag value: ``#y5`` -> Year group: Year 5,
  ``#maths`` -> Subject: Mathematics, ``#send`` -> Pupil group: Pupils with SEND. A value is
  matched by its slug (``year-5``), a shorthand for year groups (``y5``, ``yr5``, ``r``,
  ``rec``, ``n``) or a unique prefix of a slug or of any word in it.
* ``#kind:value`` names the tag kind: ``#room:14``, ``#subject:Music`` (free text allowed where
  the framework allows it).
* ``@criterion`` links the note to a criterion by id, unique id prefix or title word; several
  are allowed (a note can support several criteria).
* ``+P7`` records a pseudonymous pupil reference (letters then digits, never a name).

:func:`parse_capture` turns the line into text, tags, criteria and pupil references plus
problems; :func:`completions` offers what a partly typed token could become (Tab completes).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from reviewer_app.domain.frameworks import Framework, TagKind
from reviewer_app.domain.frameworks.vocabulary import TrustVocabulary

#: A pseudonymous pupil reference: up to three letters then up to five digits (P7, PP12, 3041).
PUPIL_REFERENCE = re.compile(r"^[A-Za-z]{0,3}[0-9]{1,5}$")

_TOKEN = re.compile(r"(?<!\S)([#@+])(\S*)")


def slug(text: str) -> str:
    """``Pupils with SEND`` -> ``pupils-with-send``."""
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")


def _year_aliases(value: str) -> set[str]:
    s = slug(value)
    aliases: set[str] = set()
    match = re.fullmatch(r"year-(\d+)", s)
    if match:
        n = match.group(1)
        aliases |= {f"y{n}", f"yr{n}", f"year{n}"}
    if s == "reception":
        aliases |= {"r", "rec", "yr"}
    if s == "nursery":
        aliases |= {"n", "nur"}
    if s == "mathematics":
        aliases |= {"maths", "math"}
    if s == "pupils-with-send":
        aliases |= {"send"}
    if s == "disadvantaged-pupils":
        aliases |= {"disadvantaged", "pp"}
    return aliases


@dataclass(frozen=True, slots=True)
class TagChoice:
    """One value a ``#`` token can stand for."""

    kind: str
    kind_label: str
    value: str
    token: str  # what completion inserts, without the '#'
    aliases: frozenset[str]


@dataclass(frozen=True, slots=True)
class CriterionChoice:
    """One criterion an ``@`` token can stand for."""

    criterion_id: str
    title: str


@dataclass(frozen=True)
class CaptureVocabulary:
    """What the tokens of one framework can mean (built once per editor)."""

    tag_kinds: tuple[TagKind, ...]
    tags: tuple[TagChoice, ...]
    criteria: tuple[CriterionChoice, ...]
    pupil_references: bool
    _kinds_by_slug: Mapping[str, TagKind] = field(default_factory=dict, repr=False)
    #: Words and phrases the name warning never flags (the trust's, lower case).
    not_names: frozenset[str] = frozenset()

    @classmethod
    def for_framework(
        cls, framework: Framework, trust: TrustVocabulary | None = None
    ) -> CaptureVocabulary:
        """The framework's tags and criteria, with the trust's vocabulary: its kinds of tag
        after the framework's own (values merged where both have a kind), its shorthands and
        the words never taken for a name."""
        aliases: dict[tuple[str, str], set[str]] = {}
        kinds = list(framework.evidence.tags)
        if trust is not None:
            for tag in trust.tags:
                for entry in tag.values:
                    aliases.setdefault((tag.key, entry.value), set()).update(
                        slug(a) for a in entry.aliases
                    )
                own = next((i for i, k in enumerate(kinds) if k.key == tag.key), None)
                values = tuple(v.value for v in tag.values)
                if own is None:
                    kinds.append(
                        TagKind(
                            key=tag.key, label=tag.label, suggested=values, free_text=tag.free_text
                        )
                    )
                elif kinds[own].suggested:
                    # The framework lists its own values: the trust's join them, after.
                    extra = tuple(v for v in values if v not in kinds[own].suggested)
                    kinds[own] = kinds[own].model_copy(
                        update={"suggested": (*kinds[own].suggested, *extra)}
                    )
                else:
                    kinds[own] = kinds[own].model_copy(update={"suggested": values})
        tags = tuple(
            TagChoice(
                kind=kind.key,
                kind_label=kind.label,
                value=value,
                token=slug(value),
                aliases=frozenset(_year_aliases(value) | aliases.get((kind.key, value), set())),
            )
            for kind in kinds
            for value in kind.suggested
        )
        criteria = tuple(CriterionChoice(c.id, c.title) for c in framework.criteria())
        by_slug: dict[str, TagKind] = {}
        for kind in kinds:
            by_slug[slug(kind.key)] = kind
            by_slug[slug(kind.label)] = kind
        not_names = frozenset(w.casefold() for w in trust.not_names) if trust else frozenset()
        return cls(
            tuple(kinds),
            tags,
            criteria,
            framework.evidence.pupil_references,
            by_slug,
            not_names,
        )

    def kind(self, name: str) -> TagKind | None:
        """The tag kind a ``#kind:`` prefix names (key, label, or a unique prefix of either)."""
        wanted = slug(name)
        if wanted in self._kinds_by_slug:
            return self._kinds_by_slug[wanted]
        found = {k.key: k for s, k in self._kinds_by_slug.items() if s.startswith(wanted)}
        return next(iter(found.values())) if len(found) == 1 else None

    def match_tags(self, word: str) -> list[TagChoice]:
        """Tag values a ``#word`` could mean, best first (exact, alias, then prefixes)."""
        w = slug(word)
        if not w:
            return list(self.tags)
        exact = [t for t in self.tags if t.token == w or w in t.aliases]
        if exact:
            return exact
        prefix = [t for t in self.tags if t.token.startswith(w)]
        if prefix:
            return prefix
        return [t for t in self.tags if any(part.startswith(w) for part in t.token.split("-"))]

    def match_criteria(self, word: str) -> list[CriterionChoice]:
        """Criteria an ``@word`` could mean, best first (id, id prefix, then title words)."""
        w = slug(word)
        exact = [c for c in self.criteria if c.criterion_id == w]
        if exact or not w:
            return exact or list(self.criteria)
        prefix = [c for c in self.criteria if c.criterion_id.startswith(w)]
        if prefix:
            return prefix
        return [
            c for c in self.criteria if any(part.startswith(w) for part in slug(c.title).split("-"))
        ]


@dataclass(frozen=True, slots=True)
class ParsedCapture:
    """A quick-capture line taken apart."""

    text: str
    tags: dict[str, str]
    criterion_ids: tuple[str, ...]
    pupil_refs: tuple[str, ...]
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.text)


def parse_capture(line: str, vocabulary: CaptureVocabulary) -> ParsedCapture:
    """Split ``line`` into note text and its tokens. Unknown or ambiguous tokens are problems
    (the note is not saved until they are fixed), so nothing is tagged by accident."""
    tags: dict[str, str] = {}
    criteria: list[str] = []
    pupils: list[str] = []
    problems: list[str] = []

    def resolve(match: re.Match[str]) -> str:
        sigil, body = match.group(1), match.group(2)
        if not body:
            return match.group(0)
        if sigil == "#":
            _resolve_tag(body, vocabulary, tags, problems)
        elif sigil == "@":
            found = vocabulary.match_criteria(body)
            if len(found) == 1:
                if found[0].criterion_id not in criteria:
                    criteria.append(found[0].criterion_id)
            elif not found:
                problems.append(f"No criterion matches @{body}.")
            else:
                problems.append(
                    f"@{body} could be {len(found)} criteria; type more of its name "
                    f"(for example @{found[0].criterion_id})."
                )
        else:
            if not vocabulary.pupil_references:
                problems.append("This framework does not record pupil references.")
            elif not PUPIL_REFERENCE.match(body):
                problems.append(
                    f"+{body} is not a pupil reference. Pupils are recorded only as "
                    "pseudonymous references such as +P7, never by name."
                )
            elif body.upper() not in pupils:
                pupils.append(body.upper())
        return ""

    text = _TOKEN.sub(resolve, line)
    text = " ".join(text.split())
    return ParsedCapture(text, tags, tuple(criteria), tuple(pupils), tuple(problems))


def _resolve_tag(
    body: str, vocabulary: CaptureVocabulary, tags: dict[str, str], problems: list[str]
) -> None:
    if ":" in body or "=" in body:
        name, _sep, raw = re.split(r"([:=])", body, maxsplit=1)
        kind = vocabulary.kind(name)
        value = raw.replace("_", " ").strip()
        if kind is None:
            problems.append(f"There is no tag kind called “{name}” in this framework.")
            return
        if not value:
            problems.append(f"#{name}: needs a value.")
            return
        listed = [t for t in vocabulary.match_tags(value) if t.kind == kind.key]
        if len(listed) == 1:
            tags[kind.key] = listed[0].value
        elif kind.free_text:
            tags[kind.key] = value
        else:
            problems.append(f"{kind.label} must be one of the framework's values.")
        return
    found = vocabulary.match_tags(body)
    if len(found) == 1 or (found and len({(t.kind, t.value) for t in found}) == 1):
        tags[found[0].kind] = found[0].value
    elif not found:
        problems.append(
            f"#{body} matches no tag; use #kind:value for something new (for example "
            f"#{vocabulary.tag_kinds[0].key if vocabulary.tag_kinds else 'room'}:{body})."
        )
    else:
        options = ", ".join(f"#{t.token}" for t in found[:4])
        problems.append(f"#{body} could be {options}; type more of it.")


#: A title before a surname: "Mrs Patel" names a member of staff.
_HONORIFICS = frozenset({"mr", "mrs", "miss", "ms", "mx", "dr", "sir"})
#: A capitalised word: "Jane", "O'Neill", "Smith-Jones".
_CAPITALISED = re.compile(r"^[A-Z][a-z]*(?:['\u2019-][A-Z]?[a-z]+)*$")
#: Capitalised words common in notes about schools that are not names.
_SCHOOL_WORDS_TEXT = """
    year years reception nursery key stage ks1 ks2 ks3 ks4 ks5 sixth form send senco dsl
    pupil pupils student students teacher teachers head headteacher deputy assistant leader
    leaders governor governors trust school academy primary secondary infant junior high
    maths mathematics english science history geography art music computing french spanish
    german drama dance physical education religious pshe rshe phonics reading writing
    spelling grammar library hall gym playground canteen office reception room block
    monday tuesday wednesday thursday friday saturday sunday january february march april
    may june july august september october november december autumn spring summer term
    day week morning afternoon lunch break assembly the a an and of in on at for with to
    during after before every all most some many this that these those they we our their
    i ofsted dfe kcsie eyfs sats gcse gcses btec ipad ipads chromebook chromebooks
"""
_SCHOOL_WORDS = frozenset(_SCHOOL_WORDS_TEXT.split())


def possible_names(text: str, vocabulary: CaptureVocabulary | None = None) -> list[str]:
    """Words in a note that look like a person's name: a title and a surname ("Mrs Patel"),
    capitalised words in a row that are not school vocabulary ("Jane Smith"), or such a word
    inside a sentence ("worked with Sam").

    A heuristic, for a warning before saving: pupils are recorded only as pseudonymous
    references (``+P7``) and staff by role. It cannot tell a lone first name at the start of
    a sentence from any other word, and it flags a scheme's name ("Little Wandle") too.
    """
    known = set(_SCHOOL_WORDS)
    plain = _TOKEN.sub(" ", text)
    if vocabulary is not None:
        for tag in vocabulary.tags:
            known.update(re.findall(r"[a-z]+", tag.value.casefold()))
        for criterion in vocabulary.criteria:
            known.update(re.findall(r"[a-z]+", criterion.title.casefold()))
        # The trust's phrases ("Little Wandle") are taken out before looking; its single words
        # ("KS2") are known words.
        for phrase in sorted(vocabulary.not_names, key=len, reverse=True):
            if " " in phrase:
                plain = re.sub(rf"(?i)\b{re.escape(phrase)}\b", " ", plain)
            else:
                known.add(phrase)
    found: list[str] = []
    run: list[str] = []
    run_starts_sentence = False

    def close_run() -> None:
        unknown = [w for w in run if w.casefold() not in known]
        titled = bool(run) and run[0].casefold() in _HONORIFICS and len(run) >= 2
        if titled or len(unknown) >= 2 or (unknown and not run_starts_sentence):
            found.append(" ".join(run))
        run.clear()

    # A word with digits in it ("Y1", "KS2", "R14") is one word, and never a name.
    for match in re.finditer(r"[A-Za-z0-9][A-Za-z0-9'\u2019-]*", plain):
        word = match.group(0)
        if word.casefold() in _HONORIFICS or _CAPITALISED.match(word):
            if not run:
                before = plain[: match.start()].rstrip()
                run_starts_sentence = not before or before[-1] in '.!?:;"“(-'
            run.append(word)
        else:
            close_run()
    close_run()
    return list(dict.fromkeys(found))


def completions(token: str, vocabulary: CaptureVocabulary, limit: int = 8) -> list[str]:
    """Whole tokens (with their sigil) that the partly typed ``token`` could become."""
    if not token or token[0] not in "#@+":
        return []
    sigil, body = token[0], token[1:]
    if sigil == "#":
        if ":" in body:
            name, _sep, value = body.partition(":")
            kind = vocabulary.kind(name)
            if kind is None:
                return []
            return [
                f"#{slug(kind.key)}:{t.token}"
                for t in vocabulary.match_tags(value)
                if t.kind == kind.key
            ][:limit]
        found = [f"#{t.token}" for t in vocabulary.match_tags(body)]
        kinds = [
            f"#{slug(k.key)}:"
            for k in vocabulary.tag_kinds
            if not k.suggested and slug(k.key).startswith(slug(body))
        ]
        return list(dict.fromkeys(found + kinds))[:limit]
    if sigil == "@":
        return [f"@{c.criterion_id}" for c in vocabulary.match_criteria(body)][:limit]
    return []


def describe_tags(tags: Mapping[str, str], kinds: Sequence[TagKind]) -> str:
    """``Year group: Year 5 · Subject: Mathematics`` in the framework's order of kinds."""
    labels = {k.key: k.label for k in kinds}
    order = [k.key for k in kinds] + sorted(set(tags) - set(labels))
    return " · ".join(f"{labels.get(key, key)}: {tags[key]}" for key in order if key in tags)
