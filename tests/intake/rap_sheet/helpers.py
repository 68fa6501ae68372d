"""Small helpers shared by the RAP sheet tests."""

import textwrap

from intake.rap_sheet.parser import ParsedSheet, parse_rap_sheet

HEADER = """\
RE: QHY.CA0000000.00000001.TEST-          DATE:20190102 TIME:10:11:12
RESTRICTED-DO NOT USE FOR EMPLOYMENT,LICENSING OR CERTIFICATION PURPOSES
ATTN:TEST-000000000
** III CALIFORNIA ONLY SOURCE RECORD
CII/A12345678
DOB/19700101 SEX/F RAC/WHITE
NAM/01 DOE,JANE
    02 DOE,JANIE
"""


def parse(body: str, header: str = HEADER) -> ParsedSheet:
    """Parse a sheet made of the standard identification block and ``body``."""
    return parse_rap_sheet((header + textwrap.dedent(body)).splitlines(), "test.txt")


def only_count(sheet: ParsedSheet, kind: str = "court"):
    counts = [c for e in sheet.person.events() if e.kind.value == kind for c in e.counts]
    assert len(counts) == 1, counts
    return counts[0]


def review_warnings(sheet: ParsedSheet):
    return [w for w in sheet.warnings if w.affects_eligibility]
