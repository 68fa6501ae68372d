"""One test per "known trap" of the format note, plus the constructs around them."""

import datetime as dt

from eligibility.engine.code_section import CodeSection
from eligibility.engine.record import DispositionKind, EventKind, Level, RegistrationKind, SentenceKind
from intake.rap_sheet.parser import parse_sentence

from .helpers import only_count, parse, review_warnings


def test_conviction_only_in_a_dated_update_is_not_lost():
    sheet = parse("""\
        * * * *
        COURT:                NAM:01
        20010101  CASC LOS ANGELES

        CNT:01     #BA0001
          11350(A) HS-POSSESS NARCOTIC CONTROLLED SUBSTANCE

        20020315
        *DISPO:CONVICTED
           CONV STATUS:FELONY
           SEN: 003 YEARS PROBATION
        * * * END OF MESSAGE * * *
        """)
    count = only_count(sheet)
    assert count.is_conviction
    assert count.conviction_date == dt.date(2002, 3, 15)
    assert count.conviction_level == Level.FELONY
    assert count.sentence[0].kind == SentenceKind.PROBATION and count.sentence[0].unit == "Y"
    assert review_warnings(sheet) == []


def test_pc_290_registration_under_a_bare_date_without_cnt_is_detected():
    sheet = parse("""\
        * * * *
        20030405
          290 PC-REGISTRATION OF SEX OFFENDER
        * * * END OF MESSAGE * * *
        """)
    event = next(sheet.person.events())
    assert event.kind == EventKind.REGISTRATION and event.date == dt.date(2003, 4, 5)
    assert event.registration == RegistrationKind.SEX_OFFENDER
    assert sheet.person.is_sex_offender_registrant
    assert review_warnings(sheet) == []


def test_a_bare_date_after_a_registration_event_starts_another_registration():
    sheet = parse("""\
        * * * *
        REGISTRATION:         NAM:01
        19960101  CAPD OAKLAND
        CNT:01     #R0001
          290 PC-REGISTRATION OF SEX OFFENDER
        - - - -
        19970101  CAPD BERKELEY
          290 PC-REGISTRATION OF SEX OFFENDER
        * * * END OF MESSAGE * * *
        """)
    events = list(sheet.person.events())
    assert [(e.kind, e.date, e.county) for e in events] == [
        (EventKind.REGISTRATION, dt.date(1996, 1, 1), "ALAMEDA"),
        (EventKind.REGISTRATION, dt.date(1997, 1, 1), "ALAMEDA"),
    ]
    assert all(e.registration == RegistrationKind.SEX_OFFENDER for e in events)


def test_registration_kinds_narcotics_and_arson_are_told_apart():
    sheet = parse("""\
        * * * *
        REGISTRATION:         NAM:01
        19960101  CAPD OAKLAND
        CNT:01     #R1
          457.1 PC-REGISTRATION OF ARSON OFFENDER
        * * * *
        REGISTRATION:         NAM:01
        19970101  CAPD OAKLAND
        CNT:01     #R2
          11590 HS-REGISTRATION OF CNTL SUB OFFENDER
        * * * END OF MESSAGE * * *
        """)
    assert sheet.person.registrations == [RegistrationKind.ARSON, RegistrationKind.NARCOTICS]


def test_sections_and_subsections_are_matched_exactly_and_attempts_kept_apart():
    sheet = parse("""\
        * * * *
        COURT:                NAM:01
        20010101  CASC SAN DIEGO
        CNT:01     #SCD1
          664/187(A) PC-MURDER
        *DISPO:CONVICTED
        CNT:02
          187(A) PC-MURDER
        *DISPO:CONVICTED
        CNT:03
          11359(D) HS-POSSESS MARIJUANA FOR SALE
        *DISPO:CONVICTED
        CNT:04
          11359 HS-POSSESS MARIJUANA FOR SALE
        *DISPO:CONVICTED
        CNT:05
          11357.5(A) HS-SELL SYNTHETIC CANNABINOID
        *DISPO:CONVICTED
        CNT:06
          487(A)-664 PC-GRAND THEFT
        *DISPO:CONVICTED
        CNT:07
          459 PC-BURGLARY
        -ATTEMPTED
        *DISPO:CONVICTED
        * * * END OF MESSAGE * * *
        """)
    counts = list(sheet.person.events())[0].counts
    got = [(str(c.code_section), c.attempted) for c in counts]
    assert got == [
        ("PC 187(a)", True),
        ("PC 187(a)", False),
        ("HS 11359(d)", False),
        ("HS 11359", False),
        ("HS 11357.5(a)", False),
        ("PC 487(a)", True),
        ("PC 459", True),
    ]
    assert not counts[4].code_section.within(CodeSection("HS", "11357"))
    assert not counts[3].code_section.within(CodeSection("HS", "11359", ("d",)))
    assert counts[6].flags == ["ATTEMPTED"]


def test_sentence_terms_are_not_simply_added_concurrent_terms_and_revoked_probation():
    sheet = parse("""\
        * * * *
        COURT:                NAM:01
        20010101  CASC FRESNO
        CNT:01     #F1
          459 PC-BURGLARY
        *DISPO:CONVICTED
           CONV STATUS:FELONY
           SEN: 036 MONTHS PROBATION, 180 DAYS JAIL,
                IMP SEN SS, FINE
        CNT:02
          211 PC-ROBBERY
        *DISPO:CONVICTED
           CONV STATUS:FELONY
           SEN: 002 YEARS PRISON,
                CONCURRENT

        20030101
         DISPO:PROBATION REVOKED
           SEN: 16 MONTHS PRISON CONCURRENT
        * * * END OF MESSAGE * * *
        """)
    burglary, robbery = list(sheet.person.events())[0].counts
    first = burglary.dispositions[0].sentence
    assert [(p.kind, p.amount, p.unit, p.suspended) for p in first] == [
        (SentenceKind.PROBATION, 36, "M", False),
        (SentenceKind.JAIL, 180, "D", False),
        (SentenceKind.OTHER, None, "", True),
        (SentenceKind.FINE, None, "", False),
    ]
    assert robbery.dispositions[0].sentence[0].concurrent  # "CONCURRENT" on the next line
    assert robbery.dispositions[1].kind == DispositionKind.PROBATION_REVOKED
    assert robbery.sentence == robbery.dispositions[1].sentence
    assert robbery.sentence[0].concurrent and robbery.sentence[0].amount == 16
    assert burglary.sentence == first  # the update named the robbery count's group only


def test_ocr_noise_forms_are_repaired_and_repaired_dates_are_noted():
    sheet = parse("""\
        * * * *
        COURI;                NAM;01
        20040.102  CASC SANTA CLARA

        CHT:01     #C1 ·
        ' 11357(B) HS-POSSESS MARIJUANA
          TÓC:M
        *DI SP O:CONVICTED .
           CONV STATUS;MISDEMEANOR
        CNI;02
          484 PC-THEFT
         DISPO:DISMISSED
        * * * END OF MESSAGE * * *
        """)
    event = next(sheet.person.events())
    assert event.kind == EventKind.COURT and event.date == dt.date(2004, 1, 2) and event.county == "SANTA CLARA"
    first, second = event.counts
    assert first.code_section == CodeSection("HS", "11357", ("b",)) and first.toc == Level.MISDEMEANOR
    assert first.conviction_level == Level.MISDEMEANOR and first.case_number == "C1"
    assert second.dispositions[0].kind == DispositionKind.DISMISSED
    notes = [w for w in sheet.warnings if "repaired date" in w.message]
    assert len(notes) == 1 and not notes[0].affects_eligibility and notes[0].ref.text.startswith("20040.102")
    assert review_warnings(sheet) == []


def test_page_headers_footers_and_page_numbers_are_stripped_even_inside_a_count():
    sheet = parse("""\
        * * * *
        COURT:                NAM:01
        20010101  CASC SACRAMENTO
        CNT:01     #S1
        ROUTE:CA0019999 PRINTED 20190102 10:11
                            PAGE 2 OF 3
        https://rap.example.invalid/transcript/1
          11357(B) HS-POSSESS MARIJUANA    PAGE 3 OF 3
        *DISPO:CONVICTED
           CONV STATUS:MISDEMEANOR
        2
        * * * END OF MESSAGE * * *
        """)
    count = only_count(sheet)
    assert count.code_section == CodeSection("HS", "11357", ("b",)) and count.is_conviction
    assert sheet.warnings == []


def test_count_range_gives_one_count_per_number_sharing_charge_and_dispositions():
    sheet = parse("""\
        * * * *
        COURT:                NAM:01
        20010101  CAMC OAKLAND
        CNT:01-03  #M1
          484 PC-THEFT
        *DISPO:CONVICTED
           CONV STATUS:MISDEMEANOR
        CNT:04
          148(A)(1) PC-OBSTRUCT/RESIST PUBLIC OFFICER
         DISPO:DISMISSED/FURTHERANCE OF JUSTICE
        * * * END OF MESSAGE * * *
        """)
    event = next(sheet.person.events())
    assert event.county == "ALAMEDA"
    assert [(c.number, c.case_number, str(c.code_section)) for c in event.counts] == [
        (1, "M1", "PC 484"),
        (2, "M1", "PC 484"),
        (3, "M1", "PC 484"),
        (4, "M1", "PC 148(a)(1)"),
    ]
    assert all(c.conviction_level == Level.MISDEMEANOR for c in event.counts[:3])


def test_see_comment_for_charge_takes_the_charge_from_the_comment():
    sheet = parse("""\
        * * * *
        COURT:                NAM:01
        20010101  CASC SAN FRANCISCO
        CNT:01     #X1
          SEE COMMENT FOR CHARGE
        *DISPO:CONVICTED
           CONV STATUS:MISDEMEANOR
           COM: CHRG 490,2 PC
        * * * END OF MESSAGE * * *
        """)
    count = only_count(sheet)
    assert count.code_section == CodeSection("PC", "490.2") and not count.attempted
    assert review_warnings(sheet) == []


def test_see_comment_without_the_comment_is_flagged_for_review():
    sheet = parse("""\
        * * * *
        COURT:                NAM:01
        20010101  CASC SAN FRANCISCO
        CNT:01     #X1
          SEE COMMENT FOR CHARGE
        *DISPO:CONVICTED
        * * * END OF MESSAGE * * *
        """)
    count = only_count(sheet)
    assert count.code_section is None
    assert any("SEE COMMENT" in w.message and w.affects_eligibility for w in count.warnings)


def test_updates_set_aside_reduction_and_sentence_modification_are_dated_history():
    sheet = parse("""\
        * * * *
        COURT:                NAM:01
        20010101  CASC RIVERSIDE
        CNT:01     #R1
          487(A) PC-GRAND THEFT
        *DISPO:CONVICTED
           CONV STATUS:FELONY
           SEN: 003 YEARS PROBATION

        20020202
         DISPO:SENTENCE MODIFIED
           SEN: 030 DAYS JAIL
        20050505
         DISPO:REDUCED TO MISDEMEANOR PER 17(B) PC
        20060606
         CONV SET ASIDE & DISM PER 1203.4 PC
        * * * END OF MESSAGE * * *
        """)
    count = only_count(sheet)
    assert [(d.kind, d.date, d.statute) for d in count.dispositions] == [
        (DispositionKind.CONVICTED, dt.date(2001, 1, 1), ""),
        (DispositionKind.SENTENCE_MODIFIED, dt.date(2002, 2, 2), ""),
        (DispositionKind.REDUCED_TO_MISDEMEANOR, dt.date(2005, 5, 5), "PC 17(b)"),
        (DispositionKind.SET_ASIDE, dt.date(2006, 6, 6), "PC 1203.4"),
    ]
    assert count.conviction_level == Level.FELONY and count.current_level == Level.MISDEMEANOR
    assert count.sentence[0].kind == SentenceKind.JAIL
    assert review_warnings(sheet) == []


def test_an_update_naming_its_count_applies_to_that_count_only():
    sheet = parse("""\
        * * * *
        COURT:                NAM:01
        20010101  CASC KERN
        CNT:01     #K1
          459 PC-BURGLARY
        *DISPO:CONVICTED
           CONV STATUS:FELONY
        CNT:02
          484 PC-THEFT
        *DISPO:CONVICTED
           CONV STATUS:MISDEMEANOR

        20060606
        CNT:01
         DISPO:CONV SET ASIDE & DISM PER 1203.4 PC
        * * * END OF MESSAGE * * *
        """)
    burglary, theft = next(sheet.person.events()).counts
    assert burglary.has(DispositionKind.SET_ASIDE) and not theft.has(DispositionKind.SET_ASIDE)
    assert review_warnings(sheet) == []


def test_potential_felony_strike_block_closes_the_event_and_flags_its_counts():
    sheet = parse("""\
        * * * *
        COURT:                NAM:01
        20010101  CASC ORANGE
        CNT:01     #O1
          211 PC-ROBBERY
        *DISPO:CONVICTED
           CONV STATUS:FELONY
        ***********************************************
        ** POTENTIAL FELONY STRIKE ENTRY **
        ***********************************************
        * * * END OF MESSAGE * * *
        """)
    assert only_count(sheet).flags == ["POTENTIAL FELONY STRIKE ENTRY"]
    assert sheet.warnings == []


def test_text_after_end_of_message_is_ignored():
    sheet = parse("""\
        * * * *
        COURT:                NAM:01
        20010101  CASC ORANGE
        CNT:01     #O1
          211 PC-ROBBERY
        *DISPO:CONVICTED
           CONV STATUS:FELONY
        *  *  *  END OF MESSAGE  *  *  *
        CNT:02
          459 PC-BURGLARY
        """)
    assert len(list(sheet.person.court_counts())) == 1 and sheet.warnings == []


def test_every_event_kind_is_read_and_deceased_marks_the_person():
    sheet = parse("""\
        * * * *
        ARR/DET/CITE: NAM:02 DOB:19700101
        19900101  CAPD MODESTO
        CNT:01     #900101
          484 PC-THEFT
           TOC:M
         DISPO:PROS REJ-OTHER
        - - - -
        SUPPLEMENTAL ARR:     NAM:01
        19900105  CASO ALAMEDA
        * * * *
        APPLICANT:            NAM:01
        20000101  CADOJ SACRAMENTO
           COM: SECURITY GUARD LICENSE
        * * * *
        MENTAL HLTH CUS/SUPV  NAM:01
        20010101  CAHO NAPA STATE HOSPITAL
        CNT:01     #M1
          5150 WI-DANGEROUS TO SELF/OTHERS
        * * * *
        PROBATION:            NAM:01
        20020101  CAPR LOS ANGELES
        * * * *
        CUSTODY:CDC           NAM:01
        20030101  CADC SAN QUENTIN
        * * * *
        CUSTODY:CYA           NAM:01
        19880101  CAYA PRESTON
        * * * *
        DECEASED:             NAM:01
        20200101  CACO LOS ANGELES
        * * * END OF MESSAGE * * *
        """)
    events = list(sheet.person.events())
    assert [e.kind for e in events] == [
        EventKind.ARREST,
        EventKind.SUPPLEMENTAL_ARREST,
        EventKind.APPLICANT,
        EventKind.MENTAL_HEALTH,
        EventKind.PROBATION,
        EventKind.CUSTODY,
        EventKind.CUSTODY,
        EventKind.DECEASED,
    ]
    assert events[0].name_code == "02" and events[0].county == "STANISLAUS"
    assert events[0].counts[0].dispositions[0].kind == DispositionKind.PROSECUTOR_REJECTED
    assert [e.custody_kind for e in events[5:7]] == ["CDC", "CYA"]
    assert sheet.person.deceased
    assert list(sheet.person.convictions()) == []
    assert sheet.warnings == []


def test_identification_block_fields_out_of_order_multiword_race_and_alias_birth_dates():
    header = """\
** III MULTIPLE SOURCE RECORD
**LIVE SCAN
SEX/M RAC/AMERICAN INDIAN DOB/19650303
CII/H87654321
DOB/19650304 19660303
NAM/01 ROE,RICHARD
    02 ROE,RICK
    03 SMITH,RICHARD A
FBI/7654321XY2
CDL/N1234567
"""
    sheet = parse("* * * END OF MESSAGE * * *\n", header=header)
    person = sheet.person
    assert person.cii == "H87654321" and person.race == "AMERICAN INDIAN" and person.sex == "M"
    assert person.dob == dt.date(1965, 3, 3)
    assert person.other_dobs == [dt.date(1965, 3, 4), dt.date(1966, 3, 3)]
    assert person.aliases == ["ROE,RICK", "SMITH,RICHARD A"]
    assert person.identifiers == {"FBI": "7654321XY2", "CDL": "N1234567"}


def test_lines_that_cannot_be_placed_become_warnings_with_their_source_line():
    sheet = parse("""\
        * * * *
        COURT:                NAM:01
        20010101  CASC ALAMEDA
        CNT:01     #A1
          484 PC-THEFT
        *DISPO:CONVICTED
        SOMETHING THE PARSER HAS NEVER SEEN
         DISPO:TRANSFERRED TO OTHER JURISDICTION
           COM: CONVICTION VACATED
        * * * END OF MESSAGE * * *
        """)
    count = only_count(sheet)
    messages = [(w.message, w.ref.line, w.affects_eligibility) for w in count.warnings]
    assert any("NEVER SEEN" in m and line == 15 and affects for m, line, affects in messages)
    assert any("disposition not understood" in m and affects for m, _, affects in messages)
    assert any("comment may change" in m and affects for m, _, affects in messages)
    assert count.dispositions[-1].kind == DispositionKind.OTHER
    assert sheet.needs_review


def test_unknown_court_is_flagged_instead_of_guessed():
    sheet = parse("""\
        * * * *
        COURT:                NAM:01
        20010101  CASC ATLANTIS
        * * * END OF MESSAGE * * *
        """)
    event = next(sheet.person.events())
    assert event.county == ""
    assert any("county" in w.message and w.affects_eligibility for w in event.warnings)


def test_sentence_parts_in_their_usual_spellings():
    parts, unknown = parse_sentence(
        "3 YR PROB,10 DS JL, 16 MONTHS PRISON SS, 2 YEARS PRISON CONC, RESTN, "
        "100 HOURS COMMUNITY SERVICE, 090 DAYS COUNTY JAIL 1170(H)"
    )
    assert unknown == []
    assert [(p.kind, p.amount, p.unit, p.suspended, p.concurrent) for p in parts] == [
        (SentenceKind.PROBATION, 3, "Y", False, False),
        (SentenceKind.JAIL, 10, "D", False, False),
        (SentenceKind.PRISON, 16, "M", True, False),
        (SentenceKind.PRISON, 2, "Y", False, True),
        (SentenceKind.RESTITUTION, None, "", False, False),
        (SentenceKind.COMMUNITY_SERVICE, None, "", False, False),
        (SentenceKind.COUNTY_JAIL_1170H, 90, "D", False, False),
    ]
    _, unknown = parse_sentence("036 MONTHS SOMETHING")
    assert unknown == ["036 MONTHS SOMETHING"]


def test_court_counts_without_charge_disposition_or_level_go_to_review():
    sheet = parse("""\
        * * * *
        COURT:                NAM:01
        20010101  CASC TULARE
        CNT:01     #T1
        *DISPO:CONVICTED
        CNT:02
          484 PC-THEFT
        * * * END OF MESSAGE * * *
        """)
    first, second = next(sheet.person.events()).counts
    assert {w.message for w in first.warnings} == {
        "court count 1 without a readable charge",
        "court count 1: conviction without CONV STATUS or TOC",
    }
    assert [w.message for w in second.warnings] == ["court count 2 without a disposition"]
    assert all(w.affects_eligibility for w in first.warnings + second.warnings)


def test_an_event_naming_an_unknown_alias_is_noted():
    sheet = parse("""\
        * * * *
        ARR/DET/CITE: NAM:07
        19900101  CAPD MODESTO
        * * * END OF MESSAGE * * *
        """)
    event = next(sheet.person.events())
    assert event.name_code == "07"
    assert [(w.message, w.affects_eligibility) for w in event.warnings] == [
        ("event names NAM:07, which the identification block lacks", False)
    ]


def test_a_strike_block_framed_like_cycle_separators_still_closes_its_event():
    sheet = parse("""\
        * * * *
        COURT:                NAM:01
        20010101  CASC ORANGE
        CNT:01     #O1
          211 PC-ROBBERY
        *DISPO:CONVICTED
           CONV STATUS:FELONY
        * * * *
        ** POTENTIAL FELONY STRIKE ENTRY **
        * * * *
        ARR/DET/CITE: NAM:01
        20050101  CAPD OAKLAND
        * * * END OF MESSAGE * * *
        """)
    assert only_count(sheet).flags == ["POTENTIAL FELONY STRIKE ENTRY"]
    assert [c.number for c in sheet.person.cycles] == [1, 2]
    assert sheet.warnings == []
