"""The synthetic example of the format note, read exactly as its "Reading" paragraph says."""

import datetime as dt
from pathlib import Path

import pytest

from eligibility.engine.code_section import CodeSection
from eligibility.engine.record import DispositionKind, EventKind, Level, RegistrationKind, SentenceKind
from intake.rap_sheet.extract import extract_file
from intake.rap_sheet.parser import parse_rap_sheet

EXAMPLE = Path(__file__).parent / "data" / "spec_example.txt"


@pytest.fixture(scope="module")
def sheet():
    return parse_rap_sheet(extract_file(EXAMPLE), EXAMPLE.name)


def test_it_reads_the_person(sheet):
    person = sheet.person
    assert sheet.status == "ok"
    assert person.cii == "A12345678" and person.person_key == "A12345678"
    assert person.dob == dt.date(1970, 1, 1)
    assert (person.sex, person.race) == ("F", "WHITE")
    assert [(n.code, n.full) for n in person.names] == [("01", "DOE,JANE"), ("02", "DOE,JANIE")]
    assert person.identifiers["FBI"] == "1234567AB1"
    assert not person.deceased


def test_it_reads_two_felony_hs_11359_counts_in_alameda_with_probation_revoked_to_prison(sheet):
    court = [e for e in sheet.person.events() if e.kind == EventKind.COURT][0]
    assert court.date == dt.date(1995, 6, 1) and court.county == "ALAMEDA" and court.name_code == "01"
    assert [c.number for c in court.counts] == [1, 2]
    for count in court.counts:
        assert count.case_number == "A123456"
        assert count.code_section == CodeSection("HS", "11359") and not count.attempted
        assert count.conviction_level == Level.FELONY
        assert [d.kind for d in count.dispositions] == [DispositionKind.CONVICTED, DispositionKind.PROBATION_REVOKED]
        assert count.dispositions[1].date == dt.date(1997, 8, 15)
        # The revoked probation is replaced by the prison term, not added to it.
        assert [(p.kind, p.amount, p.unit) for p in count.sentence] == [(SentenceKind.PRISON, 16, "M")]
        first = count.dispositions[0].sentence
        assert [(p.kind, p.amount, p.unit) for p in first] == [
            (SentenceKind.PROBATION, 36, "M"),
            (SentenceKind.JAIL, 90, "D"),
            (SentenceKind.FINE, None, ""),
            (SentenceKind.RESTITUTION, None, ""),
        ]
    # The two counts share the reading but not the objects.
    assert court.counts[0].dispositions[0] is not court.counts[1].dispositions[0]


def test_it_reads_a_misdemeanor_attempted_grand_theft_and_a_dismissed_11357b_in_san_francisco(sheet):
    court = [e for e in sheet.person.events() if e.kind == EventKind.COURT][1]
    assert court.county == "SAN FRANCISCO" and court.name_code == "02" and court.date == dt.date(2005, 7, 7)
    theft, possession = court.counts
    assert theft.code_section == CodeSection("PC", "487", ("a",)) and theft.attempted
    assert theft.conviction_level == Level.MISDEMEANOR
    assert [(p.kind, p.amount, p.unit) for p in theft.sentence] == [
        (SentenceKind.PROBATION, 3, "Y"),
        (SentenceKind.JAIL, 10, "D"),
        (SentenceKind.FINE, None, ""),
    ]
    assert possession.code_section == CodeSection("HS", "11357", ("b",)) and not possession.attempted
    assert possession.case_number == "SF0099887"  # inherited from count 1
    assert possession.toc == Level.MISDEMEANOR
    assert [d.kind for d in possession.dispositions] == [DispositionKind.DISMISSED]
    assert not possession.is_conviction


def test_it_reads_a_narcotics_registration_and_a_jail_custody_that_is_no_conviction(sheet):
    person = sheet.person
    assert person.registrations == [RegistrationKind.NARCOTICS]
    custody = [e for e in person.events() if e.kind == EventKind.CUSTODY][0]
    assert custody.custody_kind == "JAIL" and custody.county == "ALAMEDA"
    assert [c.code_section for c in custody.counts] == [CodeSection("HS", "11359")]
    convictions = list(person.convictions())
    assert len(convictions) == 3 and all(event.kind == EventKind.COURT for event, _ in convictions)


def test_it_has_nothing_to_warn_about_and_keeps_source_lines(sheet):
    assert sheet.warnings == []
    court = [e for e in sheet.person.events() if e.kind == EventKind.COURT][1]
    refs = court.counts[0].refs
    assert any("CHRG-664/487(A)" in r.text for r in refs)
    assert all(r.source == "spec_example.txt" and r.line > 0 for r in refs)
    # The PAGE 2 OF 3 line inside count 2 was stripped, not read.
    assert not any("PAGE" in r.text for e in sheet.person.events() for c in e.counts for r in c.refs)
