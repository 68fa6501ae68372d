"""A seedable generator of synthetic DOJ research files, for tests and benchmarks.

The rows follow the real layout and its habits: a person is a run of rows (one per count per
step, several per count when the sentence has several parts), cycles hold an arrest and usually
a court action, most activity is in the office's county, cannabis sections dominate and the
common non-cannabis offenses come along, with ``SEE COMMENT FOR CHARGE`` rows, attempts,
sex-offender registrations and deceased steps. The irregular rows seen in real exports are
injected at ``irregular_rate`` and every one is recorded, so a test knows exactly how many rows
the reader must repair or reject.

Written row by row (flat memory); a million rows take seconds.
"""

from __future__ import annotations

import datetime as dt
import os
import random
from dataclasses import dataclass, field

from .columns import (
    CII_NUMBER,
    CNT_ORDER,
    COLUMN_COUNT,
    COLUMNS,
    COMMENT_TEXT,
    CONV_STAT_CODE,
    CONV_STAT_DESCR,
    CYC_AGE,
    CYC_DATE,
    CYC_ORDER,
    DISP_CODE,
    DISP_DATE,
    DISP_DESCR,
    DISP_ORDER,
    END_OF_REC,
    FE_NUM_CRT_CASE,
    GENDER,
    OFFENSE_CODE,
    OFFENSE_DESCR,
    OFFENSE_QUAL_LST,
    OFFENSE_TOC,
    PRI_DOB,
    PRI_NAME,
    RACE_CODE,
    RACE_DESCR,
    RECORD_ID,
    SENT_LENGTH,
    SENT_LOC_CODE,
    SENT_LOC_DESCR,
    SENT_ORDER,
    SENT_TIME_CODE,
    SENT_TIME_DESCR,
    STP_EVENT_DATE,
    STP_ORDER,
    STP_ORI_CNTY_NAME,
    STP_ORI_DESCR,
    STP_TYPE_CODE,
    STP_TYPE_DESCR,
    SUBJECT_ID,
    SUBJECT_STATUS,
)

# (weight, OFFENSE_DESCR, type of charge). Spellings vary on purpose, as in the real file.
OFFENSES: tuple[tuple[int, str, str], ...] = (
    (14, "11357(B) HS-POSSESS MARIJUANA", "M"),
    (5, "11357(A) HS-POSSESS CONCENTRATED CANNABIS", "F"),
    (3, "11357(C)HS-POSSESS MARIJUANA ON SCHOOL GROUNDS", "M"),
    (2, "11357 HS-POSSESS MARIJUANA", "M"),
    (8, "11358 HS-CULTIVATE MARIJUANA", "F"),
    (10, "11359 HS-POSSESS MARIJUANA FOR SALE", "F"),
    (3, "11359HS-INTENT SELL CANNABIS", "F"),
    (6, "11360(A) HS-TRANSPORT/SELL MARIJUANA", "F"),
    (2, "11360(B)HS-GIVE AWAY 28.5 GRAMS MARIJUANA", "M"),
    (5, "459 PC-BURGLARY", "F"),
    (6, "484(A) PC-PETTY THEFT", "M"),
    (4, "487(A) PC-GRAND THEFT:MONEY/LABOR/PROPERTY", "F"),
    (4, "496(A) PC-RECEIVE KNOWN STOLEN PROPERTY", "F"),
    (5, "647(F) PC-DISORDERLY CONDUCT:INTOX DRUG/ALCOHOL", "M"),
    (4, "148(A)(1) PC-OBSTRUCT/RESIST PUBLIC OFFICER", "M"),
    (3, "602 PC-TRESPASSING", "M"),
    (2, "211 PC-ROBBERY", "F"),
    (3, "245(A)(1) PC-ASSAULT WITH DEADLY WEAPON", "F"),
    (1, "288(A) PC-LEWD OR LASCIVIOUS ACTS WITH CHILD", "F"),
    (3, "273.5(A) PC-INFLICT CORPORAL INJURY ON SPOUSE", "F"),
    (6, "23152(A) VC-DUI ALCOHOL/DRUGS", "M"),
    (4, "11350(A) HS-POSSESS NARCOTIC CONTROLLED SUBSTANCE", "F"),
    (4, "11364 HS-POSSESS UNLAWFUL PARAPHERNALIA", "M"),
    (5, "11377(A) HS-POSSESS CONTROLLED SUBSTANCE", "M"),
    (1, "664/459 PC-ATTEMPTED BURGLARY", "F"),
    (1, "137 PC-INDUCE FALSE TESTIMONY", "F"),
    (1, "4149 BP-POSSESS HYPODERMIC NEEDLE/SYRINGE", "M"),
)
_OFFENSE_WEIGHTS = [w for w, _, _ in OFFENSES]

DISPOSITIONS: tuple[tuple[int, str, tuple[tuple[str, str, tuple[int, int], str], ...]], ...] = (
    # (weight, DISP_DESCR, sentence parts: (SENT_LOC_CODE, SENT_LOC_DESCR, length range, unit))
    (30, "CONVICTED-PROBATION", (("P", "PROBATION", (12, 60), "M"), ("J", "JAIL", (1, 180), "D"))),
    (18, "CONVICTED-JAIL", (("J", "JAIL", (2, 365), "D"),)),
    (6, "CONVICTED-PRISON", (("C", "PRISON", (16, 96), "M"),)),
    (4, "CONVICTED-FINE", (("F", "FINE", (0, 0), ""),)),
    (22, "DISMISSED/CHARGE DROPPED", ()),
    (6, "DISMISSED-IN FURTHERANCE OF JUSTICE", ()),
    (3, "ACQUITTED", ()),
    (3, "PROS REL-DET ONLY", ()),
)
_DISPOSITION_WEIGHTS = [w for w, _, _ in DISPOSITIONS]

LAST_NAMES = ("GARCIA", "SMITH", "NGUYEN", "JOHNSON", "LOPEZ", "WILLIAMS", "HERNANDEZ", "BROWN", "SINGH",
              "MARTINEZ", "JONES", "KHAN", "DAVIS", "RODRIGUEZ", "MILLER", "PEREZ", "WILSON", "SANCHEZ",
              "ANDERSON", "RAMIREZ", "TAYLOR", "TORRES", "THOMAS", "FLORES", "MOORE", "RIVERA", "LEE",
              "GOMEZ", "WHITE", "DIAZ", "HARRIS", "CRUZ", "CLARK", "REYES", "LEWIS", "MORALES", "VANG",
              "O'BRIEN", "DE LA CRUZ", "SAECHAO")
FIRST_NAMES = ("JOSE", "MICHAEL", "MARIA", "DAVID", "JAMES", "JUAN", "ROBERT", "JENNIFER", "LUIS", "JOHN",
               "DANIEL", "CARLOS", "ANTHONY", "JESSICA", "CHRISTOPHER", "ASHLEY", "MIGUEL", "KEVIN",
               "TOU", "ANH", "PRIYA", "DESHAWN", "LATOYA", "ROSA", "PAUL", "LINDA", "VICTOR", "KIM")
RACES = ((30, "W", "WHITE"), (38, "H", "HISPANIC"), (15, "B", "BLACK"), (9, "A", "ASIAN"),
         (3, "I", "AMERICAN INDIAN"), (3, "O", "OTHER"), (2, "U", "UNKNOWN"))
_RACE_WEIGHTS = [w for w, _, _ in RACES]
OTHER_COUNTIES = ("SACRAMENTO", "STANISLAUS", "ALAMEDA", "LOS ANGELES", "FRESNO", "YOLO", "CONTRA COSTA",
                  "SAN FRANCISCO", "MERCED", "SANTA CLARA")
_LEVELS = {"F": ("F", "FELONY"), "M": ("M", "MISDEMEANOR"), "I": ("I", "INFRACTION")}
_UNIT_DESCR = {"D": "DAYS", "M": "MONTHS", "Y": "YEARS", "": ""}

REGISTRATIONS = ("290 PC-REGISTRATION OF SEX OFFENDER", "11590 HS-REGISTRATION OF CONTROLLED SUBSTANCE OFFENDER",
                 "457.1 PC-REGISTRATION OF ARSON OFFENDER")
IRREGULAR_KINDS = ("name_comma", "descr_comma", "trailing_comma", "short_row")
# What the reader is expected to do with each kind.
REPAIRED_KINDS = frozenset(("name_comma", "descr_comma", "trailing_comma"))


@dataclass
class GeneratedFile:
    """What a generated file holds, so tests can check the reader against it."""

    path: str
    seed: int
    header: bool
    rows: int = 0  # data rows written (the header is not a row)
    persons: int = 0  # subjects with at least one row the reader accepts
    counts: int = 0  # distinct counts with at least one accepted row
    convictions: int = 0  # court counts convicted, with at least one accepted row
    irregular: list[tuple[int, str]] = field(default_factory=list)  # (line number, kind)

    @property
    def irregular_rows(self) -> int:
        return len(self.irregular)

    @property
    def expected_stats(self) -> dict[str, int]:
        """What reading the file must report (``FileStats`` names)."""
        return {"rows_read": self.rows, "rows_accepted": self.rows - self.expected_rejected,
                "rows_rejected": self.expected_rejected, "rows_repaired": self.expected_repaired,
                "persons": self.persons, "counts": self.counts, "convictions": self.convictions,
                "irregular_rows": self.irregular_rows}

    @property
    def expected_repaired(self) -> int:
        return sum(1 for _, kind in self.irregular if kind in REPAIRED_KINDS)

    @property
    def expected_rejected(self) -> int:
        return sum(1 for _, kind in self.irregular if kind not in REPAIRED_KINDS)


def _quote(value: str) -> str:
    if "," in value or '"' in value or "\n" in value:
        return '"' + value.replace('"', '""') + '"'
    return value


def _yyyymmdd(day: dt.date) -> str:
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


def generate_doj_file(path: str | os.PathLike[str], rows: int, seed: int, *, header: bool = True,
                      irregular_rate: float = 0.002, county: str = "SAN JOAQUIN") -> GeneratedFile:
    """Write about ``rows`` data rows (the last person is completed, so a few more) and describe them."""
    rng = random.Random(seed)
    result = GeneratedFile(os.fspath(path), seed, header)
    line = 0
    subject_number = 10_000_000 + rng.randrange(1_000_000)
    record_number = 0
    recent_ciis: list[str] = []
    epoch = dt.date(1975, 1, 1).toordinal()
    choices = rng.choices
    randrange = rng.randrange
    random_ = rng.random

    with open(path, "w", encoding="utf-8", newline="\n", buffering=1 << 20) as out:
        write = out.write
        if header:
            write(",".join(COLUMNS) + "\n")
            line += 1
        while result.rows < rows:
            subject_number += 1 + randrange(50)
            subject = str(subject_number)
            # A few CIIs repeat under another SUBJECT_ID, as in the DOJ's own test data.
            if recent_ciis and random_() < 0.005:
                cii = rng.choice(recent_ciis)
            else:
                cii = f"A{randrange(10**8, 10**9):09d}" if random_() < 0.5 else f"{randrange(10**9, 10**10)}"
                recent_ciis.append(cii)
                if len(recent_ciis) > 200:
                    del recent_ciis[:100]
            name = f"{rng.choice(LAST_NAMES)},{rng.choice(FIRST_NAMES)}"
            if random_() < 0.6:
                name += " " + "ABCDEFGHJKLMNPRSTW"[randrange(18)]
            dob = dt.date.fromordinal(dt.date(1945, 1, 1).toordinal() + randrange(57 * 365))
            _, race_code, race_descr = choices(RACES, _RACE_WEIGHTS)[0]
            base = [""] * COLUMN_COUNT
            base[SUBJECT_STATUS] = "A"
            base[SUBJECT_ID] = subject
            base[CII_NUMBER] = cii
            base[PRI_NAME] = _quote(name)
            base[GENDER] = "M" if random_() < 0.8 else "F"
            base[PRI_DOB] = _yyyymmdd(dob)
            base[RACE_CODE] = race_code
            base[RACE_DESCR] = race_descr
            base[END_OF_REC] = "#"
            person_rows: list[tuple[list[str], tuple[int, int]]] = []  # (fields, count key)
            convicted_counts: set[tuple[int, int]] = set()

            cycles = 1 + min(int(rng.expovariate(1 / 3.0)), 11)
            day = max(dob.toordinal() + 18 * 365 + randrange(8 * 365), epoch)
            for cycle in range(1, cycles + 1):
                day += 30 + randrange(3 * 365)
                arrest_day = dt.date.fromordinal(min(day, dt.date(2024, 12, 31).toordinal()))
                in_county = random_() < 0.8
                cycle_county = county if in_county else rng.choice(OTHER_COUNTIES)
                offenses = choices(OFFENSES, _OFFENSE_WEIGHTS, k=1 + min(int(rng.expovariate(1 / 1.5)), 6))
                age = str((arrest_day - dob).days // 365)
                steps: list[tuple[str, str, dt.date, str]] = [("ARREST/DETAINED/CITED", "A", arrest_day,
                                                               f"CAPD {cycle_county}")]
                if random_() < 0.85:
                    court_day = arrest_day + dt.timedelta(days=7 + randrange(240))
                    steps.append(("COURT ACTION", "C", court_day, f"CASC {cycle_county}"))
                    if random_() < 0.05:
                        steps.append(("COURT ACTION", "C", court_day + dt.timedelta(days=400 + randrange(900)),
                                      f"CASC {cycle_county}"))
                for step_number, (step_type, step_code, step_day, agency) in enumerate(steps, 1):
                    court = step_type == "COURT ACTION"
                    case_number = (f"{cycle_county[:3]}-CR-{step_day.year}-{randrange(10**6):06d}"
                                   if court else "")
                    for count_number, (_, descr, toc) in enumerate(offenses, 1):
                        row = base[:]
                        record_number += 1
                        row[RECORD_ID] = str(record_number)
                        row[CYC_ORDER] = str(cycle)
                        row[CYC_DATE] = _yyyymmdd(arrest_day)
                        row[STP_ORDER] = str(step_number)
                        row[STP_EVENT_DATE] = _yyyymmdd(step_day)
                        row[STP_TYPE_CODE] = step_code
                        row[STP_TYPE_DESCR] = step_type
                        row[STP_ORI_DESCR] = agency
                        row[STP_ORI_CNTY_NAME] = cycle_county
                        row[CNT_ORDER] = f"{cycle:03d}{step_number:03d}{count_number:03d}000"
                        row[CYC_AGE] = age
                        row[OFFENSE_TOC] = toc
                        if random_() < 0.01:
                            row[OFFENSE_DESCR] = "SEE COMMENT FOR CHARGE"
                            row[COMMENT_TEXT] = _quote(f"CHRG {descr}")
                        else:
                            row[OFFENSE_DESCR] = _quote(descr)
                        if random_() < 0.01:
                            row[OFFENSE_QUAL_LST] = "ATTEMPTED"
                        row[OFFENSE_CODE] = str(1000 + randrange(9000))
                        key = (cycle * 1000 + step_number, count_number)
                        if not court:
                            person_rows.append((row, key))
                            continue
                        row[FE_NUM_CRT_CASE] = case_number
                        row[DISP_DATE] = row[STP_EVENT_DATE]
                        _, disp, parts = choices(DISPOSITIONS, _DISPOSITION_WEIGHTS)[0]
                        row[DISP_ORDER] = "1"
                        row[DISP_CODE] = disp[:1]
                        row[DISP_DESCR] = disp
                        if disp.startswith("CONVICTED"):
                            convicted_counts.add(key)
                            if random_() < 0.95:
                                level = toc if random_() < 0.9 else ("M" if toc == "F" else "I")
                                row[CONV_STAT_CODE], row[CONV_STAT_DESCR] = _LEVELS[level]
                        if not parts:
                            person_rows.append((row, key))
                            continue
                        # The first part always; the others sometimes, each on its own row.
                        chosen = [parts[0]] + [p for p in parts[1:] if random_() < 0.5]
                        if random_() < 0.15:
                            chosen.append(("F", "FINE", (0, 0), ""))
                        for sent_order, (loc_code, loc, (low, high), unit) in enumerate(chosen, 1):
                            part_row = row if sent_order == 1 else row[:]
                            if sent_order > 1:
                                record_number += 1
                                part_row[RECORD_ID] = str(record_number)
                            part_row[SENT_ORDER] = str(sent_order)
                            part_row[SENT_LOC_CODE] = loc_code
                            part_row[SENT_LOC_DESCR] = loc
                            if high:
                                part_row[SENT_LENGTH] = str(low + randrange(high - low + 1))
                                part_row[SENT_TIME_CODE] = unit
                                part_row[SENT_TIME_DESCR] = _UNIT_DESCR[unit]
                            person_rows.append((part_row, key))
            if random_() < 0.02:
                registration = choices(REGISTRATIONS, (80, 15, 5))[0]
                person_rows.append(_extra_step(base, cycles + 1, "REGISTRATION", "R", dob, rng, registration,
                                               county))
                record_number += 1
                person_rows[-1][0][RECORD_ID] = str(record_number)
            if random_() < 0.01:
                person_rows.append(_extra_step(base, cycles + 2, "DECEASED", "D", dob, rng, "", county))
                record_number += 1
                person_rows[-1][0][RECORD_ID] = str(record_number)

            accepted_counts: set[tuple[int, int]] = set()
            person_accepted = False
            for fields, key in person_rows:
                line += 1
                result.rows += 1
                kind = None
                if line > 2 and random_() < irregular_rate:
                    kind = IRREGULAR_KINDS[randrange(len(IRREGULAR_KINDS))]
                    result.irregular.append((line, kind))
                text = _irregular(fields, kind, rng) if kind else ",".join(fields)
                write(text + "\n")
                if kind != "short_row":
                    person_accepted = True
                    accepted_counts.add(key)
            if person_accepted:
                result.persons += 1
            result.counts += len(accepted_counts)
            result.convictions += len(accepted_counts & convicted_counts)
    return result


def _extra_step(base: list[str], cycle: int, step_type: str, code: str, dob: dt.date, rng: random.Random,
                offense: str, county: str) -> tuple[list[str], tuple[int, int]]:
    row = base[:]
    day = dt.date.fromordinal(dob.toordinal() + 20 * 365 + rng.randrange(30 * 365))
    row[CYC_ORDER] = str(cycle)
    row[CYC_DATE] = row[STP_EVENT_DATE] = _yyyymmdd(day)
    row[STP_ORDER] = "1"
    row[STP_TYPE_CODE] = code
    row[STP_TYPE_DESCR] = step_type
    row[STP_ORI_CNTY_NAME] = county
    row[CNT_ORDER] = f"{cycle:03d}001001000"
    row[OFFENSE_DESCR] = offense
    return row, (cycle * 1000 + 1, 1)


def _irregular(fields: list[str], kind: str, rng: random.Random) -> str:
    """The row as a faulty export writes it; see :data:`REPAIRED_KINDS` for the expected outcome."""
    row = fields[:]
    if kind == "name_comma":
        row[PRI_NAME] = row[PRI_NAME].strip('"')  # "LAST,FIRST" loses its quotes
    elif kind == "descr_comma":
        if not row[OFFENSE_DESCR] or row[OFFENSE_DESCR].startswith("SEE COMMENT"):
            row[OFFENSE_DESCR] = "11357(B) HS-POSSESS MARIJUANA"
        row[OFFENSE_DESCR] = row[OFFENSE_DESCR].strip('"') + ", 28.5 GRAMS OR LESS"
    elif kind == "trailing_comma":
        return ",".join(row) + ","
    elif kind == "short_row":
        return ",".join(row[: 20 + rng.randrange(70)])
    return ",".join(row)
