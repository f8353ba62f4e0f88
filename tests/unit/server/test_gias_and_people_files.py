"""Reading a GIAS establishment CSV and a people CSV: encodings, phases, refusals by line."""

from __future__ import annotations

import pytest

from reviewer_app.domain.errors import ValidationError
from reviewer_app.domain.organisation import Phase
from reviewer_app.server.gias_import import parse_urns, read_gias_csv

HEADER = (
    "URN,EstablishmentName,TypeOfEstablishment (name),EstablishmentStatus (name),"
    "PhaseOfEducation (name),LA (name),Trusts (name)\n"
)


def test_a_gias_file_in_windows_1252_with_each_kind_of_school() -> None:
    rows = read_gias_csv(
        (
            HEADER
            + "145218,St Aidan’s CE Primary,Academy converter,Open,Primary,Leeds,Oak\n"
            + "143956,Meadowbank,Academy special converter,Open,Not applicable,Bradford,Oak\n"
            + "140002,Haven,Pupil referral unit,Open,Not applicable,York,Oak\n"
            + "140003,Sixth,Academy 16-19 converter,Open,16 plus,York,Oak\n"
            + "140004,Odd,Other independent school,Open,Not applicable,York,Oak\n"
        ).encode("cp1252")
    )
    assert [(r.urn, r.name, r.phase) for r in rows] == [
        ("145218", "St Aidan’s CE Primary", Phase.PRIMARY),
        ("143956", "Meadowbank", Phase.SPECIAL),
        ("140002", "Haven", Phase.ALTERNATIVE_PROVISION),
        ("140003", "Sixth", Phase.POST_16),
        ("140004", "Odd", None),
    ]
    assert rows[0].line == 2


def test_a_file_that_is_not_from_gias_is_refused_with_what_is_missing() -> None:
    with pytest.raises(ValidationError, match="has no URN or EstablishmentName column"):
        read_gias_csv(b"name,email\nLee,lee@oak.example\n")


def test_urns_pasted_by_a_person() -> None:
    assert parse_urns("145218, 144871\n143956; 12345 1234567") == ["145218", "144871", "143956"]
