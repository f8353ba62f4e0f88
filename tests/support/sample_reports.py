"""Realistic sample report drafts: a two-day peer review and a safeguarding audit.

Used by the tests, ``bench/reports.py`` and ``docs/make_report_screenshots.py`` (which put
``tests/`` on their import path), and a fair picture of what the services layer hands to the
reports layer. All people, schools and pupils are invented; pupils appear only
as pseudonymous references.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from cryptography import x509

from reviewer_app.reports.ca import TrustCA
from reviewer_app.reports.document import (
    BOARD_SUMMARY,
    FULL_INTERNAL,
    SCHOOL_FACING,
    ActionRow,
    Branding,
    EvidenceNoteEntry,
    Finding,
    FollowUpRow,
    Photo,
    Rating,
    ReportDraft,
    ReviewerEntry,
    ScaleLegend,
    Section,
    SignOffSlot,
)
from reviewer_app.reports.keys import SigningCredentials

EXCEPTIONAL = Rating("exceptional", "Exceptional", "#1E6B52")
STRONG = Rating("strong", "Strong standard", "#4C9A6A")
EXPECTED = Rating("expected", "Expected standard", "#3F73AD")
NEEDS_ATTENTION = Rating("needs_attention", "Needs attention", "#E0A030")
URGENT = Rating("urgent", "Urgent improvement", "#C0392B")
MET = Rating("met", "Met", "#2E7D4F")
PARTLY_MET = Rating("partly_met", "Partially met", "#E0A030")
NOT_MET = Rating("not_met", "Not met", "#C0392B")
NOT_APPLICABLE = Rating("na", "Not applicable", "#9AA3AE")

EVALUATION_SCALE = ScaleLegend(
    scale_id="renewed-five-point",
    title="Evaluation scale (five points, as in Ofsted's renewed framework)",
    levels=(EXCEPTIONAL, STRONG, EXPECTED, NEEDS_ATTENTION, URGENT),
    not_an_ofsted_grade=True,
)
SAFEGUARDING_SCALE = ScaleLegend(
    scale_id="met-not-met",
    title="Safeguarding judgement",
    levels=(MET, NOT_MET),
)
AUDIT_SCALE = ScaleLegend(
    scale_id="met-partly-not",
    title="Audit scale",
    levels=(MET, PARTLY_MET, NOT_MET, NOT_APPLICABLE),
    note="Audit findings record compliance with Keeping children safe in education (2025) at "
    "the time of the audit. They are not an Ofsted judgement.",
)

OAKWOOD = Branding(
    trust_name="Oakwood Learning Trust", primary_colour="#1F3A5F", accent_colour="#2E8B7A"
)
EVERYONE = frozenset({FULL_INTERNAL, SCHOOL_FACING, BOARD_SUMMARY})
INTERNAL_AND_SCHOOL = frozenset({FULL_INTERNAL, SCHOOL_FACING})


def _area(
    section_id: str,
    title: str,
    rating: Rating,
    narrative: str,
    findings: Sequence[Finding],
    *,
    audiences: frozenset[str] = EVERYONE,
    scale_id: str = "renewed-five-point",
    restricted: bool = False,
    strengths: tuple[str, ...] = (),
    development: tuple[str, ...] = (),
    labels: tuple[str, str] = ("What went well", "Even better if"),
) -> Section:
    return Section(
        section_id=section_id,
        title=title,
        findings=tuple(findings),
        narrative=narrative,
        summary_rating=rating,
        scale_id=scale_id,
        audiences=audiences,
        restricted=restricted,
        strengths=strengths,
        development=development,
        strengths_label=labels[0],
        development_label=labels[1],
    )


def peer_review_draft(photos: Sequence[Photo] = ()) -> ReportDraft:
    """A two-day peer review of a primary school with several areas, actions and follow-up."""
    sections = (
        _area(
            "inclusion",
            "Inclusion",
            STRONG,
            "Leaders know their disadvantaged pupils and pupils with SEND well. Adaptations are "
            "planned from a shared profile and are visible in most lessons.",
            [
                Finding(
                    "inclusion.identification",
                    "How well does the school identify and meet the needs of pupils with SEND?",
                    STRONG,
                    evidence=(
                        "Pupil profiles in Year 4 name two or three strategies each; teachers used "
                        "them in the lessons seen.",
                        "SENCo's tracker links each plan review to attainment in reading.",
                    ),
                    strengths=(
                        "A consistent one-page profile used by every adult.",
                        "Teaching assistants are deployed to pre-teach vocabulary.",
                    ),
                    development=(
                        "Review whether pupils on SEN support in Key Stage 2 read widely enough "
                        "beyond their intervention texts.",
                    ),
                ),
                Finding(
                    "inclusion.disadvantaged",
                    "Do disadvantaged pupils access the full curriculum?",
                    EXPECTED,
                    evidence=(
                        "Attendance at clubs for disadvantaged pupils is 41%, compared with 63% "
                        "for others.",
                    ),
                    strengths=("Breakfast club reaches the families leaders worried about.",),
                    development=("Track participation in enrichment by pupil group each term.",),
                ),
            ],
        ),
        _area(
            "curriculum",
            "Curriculum and teaching",
            STRONG,
            "The curriculum is ambitious and well sequenced in English, mathematics and science. "
            "Foundation subjects are at an earlier stage.",
            [
                Finding(
                    "curriculum.intent",
                    "Is the curriculum coherently planned and sequenced towards clear end points?",
                    STRONG,
                    evidence=(
                        "Science long-term plan shows how 'forces' builds from Year 2 to Year 6.",
                        "Year 6 pupils explained how earlier work on fractions helped them with "
                        "ratio.",
                    ),
                    strengths=("Subject leaders can explain the why of their sequence.",),
                    development=(
                        "History and geography end points are not yet precise enough to check "
                        "what pupils remember.",
                    ),
                ),
                Finding(
                    "curriculum.teaching",
                    "Does teaching help pupils remember long term what they have been taught?",
                    EXPECTED,
                    evidence=(
                        "Retrieval starters in every lesson seen; in two lessons they tested "
                        "content from the same week only.",
                    ),
                    strengths=("Clear modelling with visualisers in mathematics.",),
                    development=("Space retrieval practice across terms, not just weeks.",),
                ),
                Finding(
                    "curriculum.reading",
                    "Is reading prioritised, with a rigorous phonics programme?",
                    EXCEPTIONAL,
                    evidence=(
                        "All staff trained in the programme; fidelity checks half-termly.",
                        "Pupils in the lowest 20% read daily to a trained adult.",
                    ),
                    strengths=("Reading is the golden thread of the curriculum.",),
                ),
            ],
        ),
        _area(
            "achievement",
            "Achievement",
            EXPECTED,
            "Outcomes at the end of Key Stage 2 are broadly in line with national figures; "
            "writing lags reading and mathematics.",
            [
                Finding(
                    "achievement.outcomes",
                    "How well do pupils achieve, including disadvantaged pupils?",
                    EXPECTED,
                    evidence=("Books in Years 5 and 6 show extended writing once a fortnight.",),
                    development=("Raise the frequency and quality of extended writing.",),
                )
            ],
        ),
        _area(
            "behaviour",
            "Attendance and behaviour",
            NEEDS_ATTENTION,
            "Behaviour in lessons is calm. Persistent absence remains above the national figure "
            "and has not fallen this year.",
            [
                Finding(
                    "behaviour.attendance",
                    "Is the school's work to improve attendance effective?",
                    NEEDS_ATTENTION,
                    evidence=(
                        "Persistent absence 19.8% (autumn), 20.4% (spring).",
                        "First-day calling happens, but follow-up meetings are not logged.",
                    ),
                    strengths=("Warm, consistent greeting at the gate every morning.",),
                    development=(
                        "Set up a weekly attendance panel with clear escalation steps.",
                        "Work with the trust attendance lead on the top 30 absentees.",
                    ),
                ),
                Finding(
                    "behaviour.conduct",
                    "Do pupils behave well and show positive attitudes?",
                    STRONG,
                    evidence=("No low-level disruption in 14 of 15 lessons seen.",),
                    strengths=("Playtimes are well supervised and purposeful.",),
                ),
            ],
        ),
        _area(
            "personal",
            "Personal development and well-being",
            STRONG,
            "A well-planned PSHE curriculum and a strong pupil voice.",
            [
                Finding(
                    "personal.pshe",
                    "Does the school support pupils' wider development?",
                    STRONG,
                    evidence=("School council minutes show pupils changed the lunch rota.",),
                    strengths=("Pupils talk confidently about healthy relationships.",),
                )
            ],
        ),
        _area(
            "early_years",
            "Early years",
            STRONG,
            "Children in Reception get off to a strong start in communication and language.",
            [
                Finding(
                    "early_years.communication",
                    "Is there a sharp focus on communication and language?",
                    STRONG,
                    evidence=("Adults model vocabulary from the story of the week.",),
                    development=("Extend the outdoor area's use for early mathematics.",),
                )
            ],
        ),
        _area(
            "leadership",
            "Leadership and governance",
            STRONG,
            "Leaders' evaluation is accurate and matches what reviewers found. Governors "
            "challenge leaders on attendance.",
            [
                Finding(
                    "leadership.evaluation",
                    "Is leaders' self-evaluation accurate?",
                    STRONG,
                    evidence=("SEF judgements matched the reviewers' view in five of six areas.",),
                    strengths=("A shared, honest view of the school's priorities.",),
                    development=("Sharpen success criteria in the improvement plan.",),
                )
            ],
            strengths=("Honest, shared self-evaluation owned by the whole leadership team.",),
            development=("Make the improvement plan's milestones measurable each half term.",),
        ),
        _area(
            "safeguarding",
            "Safeguarding",
            MET,
            "The culture of safeguarding is strong. Staff know how to report concerns and do so.",
            [
                Finding(
                    "safeguarding.culture",
                    "Is safeguarding effective?",
                    MET,
                    evidence=("All 12 staff asked could describe the reporting procedure.",),
                )
            ],
            scale_id="met-not-met",
        ),
        _area(
            "safeguarding_detail",
            "Safeguarding: case file sample (restricted)",
            MET,
            "Three case files were sampled with the DSL. Referrals were timely; one chronology "
            "was incomplete.",
            [
                Finding(
                    "safeguarding_detail.files",
                    "Are concerns recorded and acted on in good time?",
                    MET,
                    evidence=(
                        "Pupil P-0417: referral to children's services on the day of disclosure.",
                        "Pupil P-0522: chronology missing two entries from March.",
                    ),
                    development=("Complete chronologies within 24 hours of any contact.",),
                )
            ],
            audiences=frozenset({FULL_INTERNAL}),
            scale_id="met-not-met",
            restricted=True,
        ),
    )
    return ReportDraft(
        report_id="RPT-2026-0142",
        branding=OAKWOOD,
        school_name="Hollins Park Primary School",
        school_urn="138245",
        visit_kind_title="Two-day peer review",
        visit_dates=(date(2026, 3, 10), date(2026, 3, 11)),
        reviewers=(
            ReviewerEntry("Dr Sarah Whitfield", "Lead reviewer", "Oakwood Learning Trust"),
            ReviewerEntry("Amira Hussain", "Peer reviewer", "Beechcroft Primary"),
            ReviewerEntry("Tom Fletcher", "Peer reviewer", "St Aidan's CE Primary"),
        ),
        framework_id="peer-review-two-day",
        framework_version="2026.1",
        framework_hash="9f2c4e1a7b3d5f60a1c2e3d4b5a69788c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2",
        scales=(EVALUATION_SCALE, SAFEGUARDING_SCALE),
        sections=sections,
        actions=(
            ActionRow(
                "Set up a weekly attendance panel with escalation steps agreed with the trust.",
                "Deputy headteacher",
                date(2026, 4, 24),
                "High",
                section_id="behaviour",
            ),
            ActionRow(
                "Define end points for history and geography in each year group.",
                "Curriculum leader",
                date(2026, 7, 10),
                "Medium",
                section_id="curriculum",
            ),
            ActionRow(
                "Complete all safeguarding chronologies within 24 hours of contact.",
                "DSL",
                date(2026, 3, 31),
                "High",
                section_id="safeguarding_detail",
            ),
            ActionRow(
                "Track enrichment participation by pupil group each term.",
                "Inclusion lead",
                date(2026, 7, 17),
                "Low",
                section_id="inclusion",
            ),
        ),
        follow_ups=(
            FollowUpRow(
                "Introduce daily retrieval practice in every class.",
                date(2025, 11, 14),
                "Met",
                "#2E7D4F",
                "Seen in all 15 lessons; spacing across terms is the next step.",
            ),
            FollowUpRow(
                "Reduce persistent absence below 15%.",
                date(2025, 11, 14),
                "Not met",
                "#C0392B",
                "Persistent absence rose from 19.8% to 20.4%.",
                section_id="behaviour",
            ),
            FollowUpRow(
                "Governors to receive termly attendance reports.",
                date(2025, 11, 14),
                "Partly met",
                "#E0A030",
                "One report in spring; autumn's was verbal only.",
                section_id="leadership",
            ),
        ),
        evidence_notes=(
            EvidenceNoteEntry(
                datetime(2026, 3, 10, 9, 15),
                "Amira Hussain",
                "Y4 maths: teacher used the pupil profile to seat P-0311 near the visualiser.",
                (("year group", "Year 4"), ("subject", "Mathematics")),
                section_id="inclusion",
            ),
            EvidenceNoteEntry(
                datetime(2026, 3, 10, 11, 40),
                "Tom Fletcher",
                "Phonics: all pupils in the group decoded the new grapheme; two needed prompts.",
                (("year group", "Year 1"), ("subject", "Phonics")),
                section_id="curriculum",
            ),
            EvidenceNoteEntry(
                datetime(2026, 3, 10, 14, 5),
                "Dr Sarah Whitfield",
                "Case file P-0522: chronology missing entries for 4 and 11 March.",
                (("area", "Safeguarding"),),
                section_id="safeguarding_detail",
            ),
            EvidenceNoteEntry(
                datetime(2026, 3, 11, 10, 20),
                "Amira Hussain",
                "Attendance meeting: first-day calls logged; no record of follow-up meetings.",
                (("area", "Attendance"),),
                section_id="behaviour",
            ),
        ),
        photos=tuple(photos),
        sign_off=(
            SignOffSlot(1, "Peer reviewer", "Amira Hussain"),
            SignOffSlot(2, "Peer reviewer", "Tom Fletcher"),
            SignOffSlot(3, "Lead reviewer", "Dr Sarah Whitfield"),
        ),
        focus="How well does our curriculum help pupils with SEND remember more? "
        "(the school's enquiry question)",
    )


def safeguarding_audit_draft() -> ReportDraft:
    """A one-day safeguarding audit with a restricted single central record section."""

    def audit(section_id: str, title: str, rating: Rating, prompt: str, evidence: str) -> Section:
        return _area(
            section_id,
            title,
            rating,
            "",
            [Finding(f"{section_id}.1", prompt, rating, evidence=(evidence,))],
            scale_id="met-partly-not",
            audiences=INTERNAL_AND_SCHOOL,
            labels=("Strengths", "Actions needed"),
        )

    sections = (
        audit(
            "leadership",
            "Leadership and management of safeguarding",
            MET,
            "Is there a named DSL with time, training and deputies?",
            "DSL and two deputies trained within two years; DSL has a half-day a week.",
        ),
        audit(
            "training",
            "Staff training and awareness",
            PARTLY_MET,
            "Have all staff read Part 1 of KCSIE 2025 and had induction training?",
            "Two of 31 staff have not signed for KCSIE 2025 Part 1.",
        ),
        audit(
            "recording",
            "Recording and reporting concerns",
            MET,
            "Are concerns recorded promptly and securely?",
            "Electronic system; concerns logged within the day in the sample checked.",
        ),
        audit(
            "online",
            "Online safety and filtering",
            PARTLY_MET,
            "Do filtering and monitoring meet the DfE standards?",
            "Filtering in place; monitoring reports not reviewed by the DSL since January.",
        ),
        _area(
            "scr",
            "Single central record",
            NOT_MET,
            "The sample found a gap in the record of checks. Counts and anonymised row "
            "references only.",
            [
                Finding(
                    "scr.sample",
                    "Does the single central record show every required check?",
                    NOT_MET,
                    evidence=(
                        "Sample of 12 rows: 11 complete; row R-07 lacks the date of the "
                        "prohibition check.",
                    ),
                    development=("Complete row R-07 and re-check all supply staff rows.",),
                )
            ],
            scale_id="met-partly-not",
            audiences=frozenset({FULL_INTERNAL, SCHOOL_FACING}),
            restricted=True,
            labels=("Strengths", "Actions needed"),
        ),
    )
    return ReportDraft(
        report_id="SGA-2026-0031",
        branding=OAKWOOD,
        school_name="Riverside Academy",
        school_urn="141907",
        visit_kind_title="Safeguarding audit",
        visit_dates=(date(2026, 2, 4),),
        reviewers=(
            ReviewerEntry("Helen Marsh", "Trust safeguarding lead", "Oakwood Learning Trust"),
            ReviewerEntry("Jamal Okafor", "Designated safeguarding lead", "Riverside Academy"),
        ),
        framework_id="safeguarding-audit",
        framework_version="2025.2",
        framework_hash="4b1d7e2c9a8f6e5d4c3b2a1908f7e6d5c4b3a29180f7e6d5c4b3a2918f7e6d5c",
        scales=(AUDIT_SCALE,),
        sections=sections,
        actions=(
            ActionRow(
                "Complete the missing prohibition check date on the SCR.",
                "Business manager",
                date(2026, 2, 6),
                "High",
                section_id="scr",
            ),
            ActionRow(
                "Collect signatures for KCSIE 2025 Part 1 from the remaining staff.",
                "DSL",
                date(2026, 2, 13),
                "Medium",
                section_id="training",
            ),
        ),
        notices=(
            "Single central record checks record counts, dates and anonymised row references "
            "only, never the contents of certificates.",
        ),
        sign_off=(
            SignOffSlot(1, "Trust safeguarding lead", "Helen Marsh"),
            SignOffSlot(2, "Designated safeguarding lead", "Jamal Okafor"),
        ),
    )


def sample_photos(count: int, *, width: int = 960, height: int = 640) -> tuple[Photo, ...]:
    """``count`` generated classroom-like JPEG photos with captions (needs Pillow)."""
    from PIL import Image, ImageDraw

    captions = (
        "Year 4 working wall: fractions",
        "Reading corner, Reception",
        "Science display: forces",
        "Outdoor classroom",
        "Year 6 writing sample (anonymised)",
    )
    photos = []
    for i in range(count):
        image = Image.new("RGB", (width, height))
        draw = ImageDraw.Draw(image)
        base = (40 + 37 * i % 160, 90 + 53 * i % 120, 140 + 29 * i % 100)
        for y in range(0, height, 8):
            shade = tuple(min(255, c + y * 60 // height) for c in base)
            draw.rectangle([0, y, width, y + 8], fill=shade)
        draw.rectangle([width // 8, height // 6, width * 7 // 8, height * 2 // 3], fill="#F4F1E8")
        for row in range(6):
            y = height // 6 + 30 + row * 40
            draw.line([width // 8 + 30, y, width * 6 // 8, y], fill="#8A7F6A", width=6)
        draw.ellipse([width - 200, height - 180, width - 60, height - 40], fill="#E9B949")
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=80)
        photos.append(
            Photo(
                f"Photo {i + 1}: {captions[i % len(captions)]}",
                buffer.getvalue(),
                section_id=None,
            )
        )
    return tuple(photos)


@dataclass(frozen=True)
class SampleTrust:
    """A trust CA with certificates for the sample reports' signers, and its current CRL."""

    ca: TrustCA
    signers: Mapping[str, SigningCredentials]
    crl: x509.CertificateRevocationList

    @property
    def root(self) -> x509.Certificate:
        return self.ca.certificate


#: Everyone who signs a sample report, with the role their certificate names.
SAMPLE_SIGNERS: tuple[tuple[str, str], ...] = (
    ("Amira Hussain", "Peer reviewer"),
    ("Tom Fletcher", "Peer reviewer"),
    ("Dr Sarah Whitfield", "Lead reviewer"),
    ("Helen Marsh", "Trust safeguarding lead"),
    ("Jamal Okafor", "Designated safeguarding lead"),
)


def sample_trust(trust_name: str = "Oakwood Learning Trust") -> SampleTrust:
    """A fresh CA for ``trust_name`` with a certificate for every sample signer."""
    from reviewer_app.reports.ca import build_crl, create_root, issue_certificate
    from reviewer_app.reports.keys import credentials, generate_signing_key

    ca = create_root(trust_name)
    signers = {}
    for name, role in SAMPLE_SIGNERS:
        key = generate_signing_key()
        email = f"{name.split()[-1].lower()}@{trust_name.split()[0].lower()}.example"
        cert = issue_certificate(ca, key.public_key(), name=name, email=email, roles=[role])
        signers[name] = credentials(key, cert, [ca.certificate])
    return SampleTrust(ca=ca, signers=signers, crl=build_crl(ca, []))
