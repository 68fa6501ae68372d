"""Build DOJ rows by column name, so each test shows only the fields it is about."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from intake.doj.columns import COLUMNS

SAMPLES = Path("/work/shared/reference/doj-samples")

BASE = {
    "SUBJECT_ID": "1001",
    "CII_NUMBER": "A00000001",
    "PRI_NAME": "DOE,JANE Q",
    "GENDER": "F",
    "PRI_DOB": "19800101",
    "RACE_CODE": "H",
    "RACE_DESCR": "HISPANIC",
    "CYC_ORDER": "1",
    "CYC_DATE": "20100301",
    "STP_ORDER": "2",
    "STP_EVENT_DATE": "20100401",
    "STP_TYPE_DESCR": "COURT ACTION",
    "STP_ORI_DESCR": "CASC STOCKTON",
    "STP_ORI_CNTY_NAME": "SAN JOAQUIN",
    "CNT_ORDER": "001002001000",
    "OFFENSE_DESCR": "11357(B) HS-POSSESS MARIJUANA",
    "OFFENSE_TOC": "M",
    "FE_NUM_CRT_CASE": "STK-CR-2010-000123",
    "DISP_DESCR": "CONVICTED-PROBATION",
    "CONV_STAT_DESCR": "MISDEMEANOR",
    "SENT_LOC_DESCR": "PROBATION",
    "SENT_LENGTH": "36",
    "SENT_TIME_CODE": "M",
}


def fields(**values: str) -> list[str]:
    merged = {**BASE, **values}
    unknown = set(merged) - set(COLUMNS)
    assert not unknown, unknown
    return [merged.get(name, "") for name in COLUMNS]


def line(**values: str) -> str:
    """One CSV line (no terminator), quoted the way the DOJ export quotes."""
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(fields(**values))
    return out.getvalue()


def header() -> str:
    return ",".join(COLUMNS)


def write(path: Path, lines: list[str], *, terminator: str = "\n", final: bool = True) -> Path:
    text = terminator.join(lines) + (terminator if final else "")
    path.write_bytes(text.encode("utf-8"))
    return path
