import datetime as dt

import pytest

from eligibility.engine.record import (
    DispositionKind,
    EventKind,
    Level,
    RegistrationKind,
    SentenceKind,
    SentencePart,
)
from intake.doj.group import read_file
from intake.doj.normalize import INVALID, disposition_kind, event_kind, parse_date, sentence_part

from .rows import header, line, write


def only_count(tmp_path, **values):
    persons, stats = read_file(write(tmp_path / "f.csv", [header(), line(**values)]))
    assert stats.balanced
    (person,) = persons
    (cycle,) = person.cycles
    (event,) = cycle.events
    (count,) = event.counts
    return person, event, count


@pytest.mark.parametrize(("offense", "expected", "attempted"), [
    ("137 PC-INDUCE FALSE TESTIMONY", "PC 137", False),  # never PC 37
    ("11357 VC-SOMETHING VEHICULAR", "VC 11357", False),  # a Vehicle Code section is not cannabis
    ("647(F) PC-DISORDERLY CONDUCT:INTOX", "PC 647(f)", False),
    ("11357(C)HS-POSSESS MARIJUANA", "HS 11357(c)", False),  # no space before the code
    ("11359HS-INTENT SELL CANNABIS", "HS 11359", False),
    ("11357(b)HS-POSSESS MARIJUANA", "HS 11357(b)", False),  # lower-case subsection
    (" 148 PC - RESISTING A PEACE OFFICER", "PC 148", False),  # leading space, spaced dash
    ("245(A)(1) PC-ADW NOT FIREARM", "PC 245(a)(1)", False),
    ("664/459 PC-ATTEMPTED BURGLARY", "PC 459", True),
])
def test_offense_code_sections_are_normalized_as_for_rap_sheets(tmp_path, offense, expected, attempted):
    _, _, count = only_count(tmp_path, OFFENSE_DESCR=offense)
    assert str(count.code_section) == expected
    assert count.attempted is attempted
    assert count.charge_text == offense.strip()


def test_trap_sections_do_not_collide(tmp_path):
    _, _, count = only_count(tmp_path, OFFENSE_DESCR="137 PC-INDUCE FALSE TESTIMONY")
    assert count.code_section.section == "137" and count.code_section.code == "PC"
    _, _, count = only_count(tmp_path, OFFENSE_DESCR="11357 VC-SOMETHING")
    assert count.code_section.code == "VC"


def test_see_comment_for_charge_reads_the_comment(tmp_path):
    _, _, count = only_count(tmp_path, OFFENSE_DESCR="SEE COMMENT FOR CHARGE",
                             COMMENT_TEXT="CHRG 11359 HS-POSSESS FOR SALE")
    assert str(count.code_section) == "HS 11359"
    assert count.charge_text == "CHRG 11359 HS-POSSESS FOR SALE"


def test_attempt_qualifier_marks_the_count_attempted(tmp_path):
    _, _, count = only_count(tmp_path, OFFENSE_QUAL_LST="ATTEMPTED")
    assert count.attempted and "qualifiers:ATTEMPTED" in count.flags


def test_court_conviction_facts(tmp_path):
    person, event, count = only_count(tmp_path)
    assert (person.person_key, person.cii, person.name, person.sex, person.race) == (
        "1001", "A00000001", "DOE,JANE Q", "F", "HISPANIC")
    assert person.dob == dt.date(1980, 1, 1)
    assert person.identifiers["RACE_CODE"] == "H"
    assert (event.kind, event.date, event.county, event.agency) == (
        EventKind.COURT, dt.date(2010, 4, 1), "SAN JOAQUIN", "CASC STOCKTON")
    assert count.case_number == "STK-CR-2010-000123"
    (disposition,) = count.dispositions
    assert disposition.kind == DispositionKind.CONVICTED and disposition.date == dt.date(2010, 4, 1)
    assert disposition.level == Level.MISDEMEANOR
    assert disposition.sentence == [SentencePart(SentenceKind.PROBATION, 36, "M", "PROBATION 36 M")]
    assert count.refs[0].source == "f.csv" and count.refs[0].line == 2


def test_conviction_level_falls_back_on_the_type_of_charge(tmp_path):
    _, _, count = only_count(tmp_path, CONV_STAT_DESCR="", OFFENSE_TOC="F")
    assert count.conviction.level == Level.UNKNOWN
    assert count.conviction_level == Level.FELONY


def test_offense_of_conviction_replaces_the_charged_offense(tmp_path):
    _, _, count = only_count(tmp_path, OFFENSE_DESCR="11359 HS-POSSESS FOR SALE", OFFENSE_TOC="F",
                             CONV_OFFENSE_DESCR="11357(B) HS-POSSESS MARIJUANA", CONV_OFFENSE_TOC="M")
    assert str(count.code_section) == "HS 11357(b)" and count.toc == Level.MISDEMEANOR
    assert "charged_as:HS 11359" in count.flags


@pytest.mark.parametrize(("offense", "kind"), [
    ("290 PC-REGISTRATION OF SEX OFFENDER", RegistrationKind.SEX_OFFENDER),
    ("11590 HS-REGISTRATION OF CONTROLLED SUBSTANCE OFFENDER", RegistrationKind.NARCOTICS),
    ("457.1 PC-REGISTRATION OF ARSON OFFENDER", RegistrationKind.ARSON),
])
def test_registration_steps(tmp_path, offense, kind):
    person, event, _ = only_count(tmp_path, STP_TYPE_DESCR="REGISTRATION", OFFENSE_DESCR=offense,
                                  DISP_DESCR="", CONV_STAT_DESCR="", SENT_LOC_DESCR="", SENT_LENGTH="",
                                  SENT_TIME_CODE="")
    assert event.kind == EventKind.REGISTRATION and event.registration == kind
    assert person.registrations == [kind]
    assert person.is_sex_offender_registrant is (kind == RegistrationKind.SEX_OFFENDER)


def test_deceased_step_marks_the_person(tmp_path):
    person, event, _ = only_count(tmp_path, STP_TYPE_DESCR="DECEASED", DISP_DESCR="")
    assert event.kind == EventKind.DECEASED and person.deceased


def test_unreadable_court_date_keeps_the_conviction_and_flags_it(tmp_path):
    _, event, count = only_count(tmp_path, STP_EVENT_DATE="2010041", DISP_DATE="")
    assert event.date is None
    assert count.is_conviction and count.conviction_date is None
    assert any("is not a date" in w.message and w.affects_eligibility for w in count.warnings)
    assert any("STP_EVENT_DATE '2010041'" in w.message for w in event.warnings)


def test_unreadable_birth_date_warns_on_the_person(tmp_path):
    person, _, _ = only_count(tmp_path, PRI_DOB="19801301")
    assert person.dob is None
    assert [w.message for w in person.warnings] == ["PRI_DOB '19801301' is not a date"]


def test_empty_subject_id_rejects_the_row(tmp_path):
    path = write(tmp_path / "f.csv", [header(), line(), line(SUBJECT_ID="  "), line(SUBJECT_ID="1002")])
    persons, stats = read_file(path)
    assert [p.person_key for p in persons] == ["1001", "1002"]
    assert (stats.rows_read, stats.rows_accepted, stats.rows_rejected) == (3, 2, 1)
    (error,) = stats.errors
    assert (error.line_number, error.column) == (3, "SUBJECT_ID")


def test_value_readers():
    assert parse_date("20170312") == dt.date(2017, 3, 12)
    assert parse_date("") is None and parse_date("NULL  ") is None
    assert parse_date("x") is INVALID and parse_date("20170230") is INVALID
    assert disposition_kind("CONVICTED-JAIL") == DispositionKind.CONVICTED
    assert disposition_kind("DISMISSED/CHARGE DROPPED") == DispositionKind.DISMISSED
    assert disposition_kind("REL/TOT OTHER JURIS/AUTH") == DispositionKind.OTHER
    assert disposition_kind("          ") is None
    assert event_kind("ARREST/DETAINED/CITED") == EventKind.ARREST
    assert event_kind("COURT ACTION") == EventKind.COURT
    assert sentence_part("JAIL", "90", "D") == (SentencePart(SentenceKind.JAIL, 90, "D", "JAIL 90 D"), "")
    assert sentence_part("FINE", "", "") == (SentencePart(SentenceKind.FINE, None, "", "FINE"), "")
    part, problem = sentence_part("JAIL", "9O", "D")
    assert part.amount is None and problem == "sentence length '9O' is not a number"
