"""Each OCR noise form of the format note, repaired on its own, and what is deliberately not repaired."""

import pytest

from intake.rap_sheet.parser import normalize_line


@pytest.mark.parametrize(
    ("noisy", "clean"),
    [
        ("CHT:01     #A1", "CNT:01 #A1"),
        ("CNI:02", "CNT:02"),
        ("COURI:                NAM:01", "COURT: NAM:01"),
        ("*DI SP O:CONVICTED", "*DISPO:CONVICTED"),
        (" DI SP O:DISMISSED", "DISPO:DISMISSED"),
        ("CNT;01     #A1", "CNT:01 #A1"),
        ("   CONV STATUS;FELONY", "CONV STATUS:FELONY"),
        ("20040.102  CASC OAKLAND", "20040102 CASC OAKLAND"),
        ("DOB/1970.0101 SEX/F", "DOB/19700101 SEX/F"),
        ("  T\u00d3C:M", "TOC:M"),
        (". 11357(B) HS-POSSESS MARIJUANA", "11357(B) HS-POSSESS MARIJUANA"),
        ("CNT:01 ' #A1", "CNT:01 #A1"),
        ("SEN: 036 MONTHS PROBATION \u00b7 , FINE", "SEN: 036 MONTHS PROBATION , FINE"),
        ("*DISPO:CONVICTED '", "*DISPO:CONVICTED"),
    ],
)
def test_documented_noise_is_repaired(noisy, clean):
    assert normalize_line(noisy)[0] == clean


def test_a_repaired_date_is_reported_as_a_repair():
    text, repairs = normalize_line("20040.102")
    assert text == "20040102" and repairs == ["repaired date '20040.102' as 20040102"]


@pytest.mark.parametrize(
    "line",
    [
        "490.2 PC-PETTY THEFT",  # a section with a period is not a date
        "12022.53(B) PC-ENHANCEMENT",
        "1203.4 PC",
        "2004.0132",  # eight digits, but no valid date: left alone for a warning downstream
    ],
)
def test_periods_that_are_not_broken_dates_are_kept(line):
    text, repairs = normalize_line(line)
    assert text == line and repairs == []
