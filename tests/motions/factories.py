"""Deterministic sample cases for the motion document tests and the benchmark."""

from __future__ import annotations

import io
from datetime import date

from motions.documents.data import (
    PC17B,
    PC1203_4,
    PROP47,
    PROP64_FELONY,
    PROP64_MISDEMEANOR,
    RELIEF_LAW,
    RELIEF_TYPES,
    Attorney,
    MotionCase,
    MotionCount,
    Office,
)
from motions.documents.package import PackageDocument

# (code section, level, relief, citation) cycled through per relief type.
COUNT_PATTERNS = {
    PROP64_FELONY: [
        ("HS 11359", "felony", "reduce to misdemeanor", "HS 11361.8(f)"),
        ("HS 11358", "felony", "dismiss and seal", "HS 11361.8(f)"),
        ("HS 11360(a)", "felony", "reduce to misdemeanor", "HS 11361.8(f)"),
        ("HS 11357(a)", "felony", "dismiss and seal", "HS 11361.8(f)"),
    ],
    PROP64_MISDEMEANOR: [
        ("HS 11357(b)", "misdemeanor", "dismiss and seal", "HS 11361.8(e), (f)"),
        ("HS 11360(b)", "misdemeanor", "dismiss and seal", "HS 11361.8(e), (f)"),
        ("HS 11357(a)", "misdemeanor", "reduce to infraction", "HS 11361.8(e)"),
    ],
    PC1203_4: [
        ("PC 488", "misdemeanor", "dismiss", "PC 1203.4(a)(1)"),
        ("VC 23152(a)", "misdemeanor", "dismiss", "PC 1203.4a"),
        ("PC 459", "felony", "dismiss", "PC 1203.41"),
    ],
    PC17B: [
        ("PC 487(a)", "felony", "reduce to misdemeanor", "PC 17(b)(3)"),
        ("PC 496(a)", "felony", "reduce to misdemeanor", "PC 17(b)(3)"),
        ("VC 10851(a)", "felony", "reduce to misdemeanor", "PC 17(b)(3)"),
    ],
    PROP47: [
        ("HS 11350(a)", "felony", "reduce to misdemeanor", "PC 1170.18(f)"),
        ("HS 11377(a)", "felony", "reduce to misdemeanor", "PC 1170.18(f)"),
        ("PC 496(a)", "felony", "reduce to misdemeanor", "PC 1170.18(f)"),
    ],
}

FIRST = ["MARIA", "JOSÉ", "DEANDRE", "LINH", "ROBERT", "AISHA", "CARLOS", "EMILY", "KWAME", "SOFIA"]
LAST = ["GARCIA", "NGUYEN", "JOHNSON", "O'BRIEN", "NUÑEZ", "SMITH-JONES", "KIM", "WASHINGTON", "PATEL", "LEE"]


def office() -> Office:
    return Office(
        name="Office of the District Attorney",
        county="Alameda",
        address_lines=("1225 Fallon Street, Room 900", "Oakland, California 94612"),
        phone="(510) 272-6222",
        elected_da="PAT EXAMPLE",
    )


def signature_png() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (240, 60), "white")
    ImageDraw.Draw(image).line([(10, 45), (60, 10), (110, 40), (170, 12), (230, 44)], fill="navy", width=4)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def attorney(with_signature: bool = False) -> Attorney:
    return Attorney(
        name="Dana Q. Prosecutor",
        bar_number="234567",
        title="Deputy District Attorney",
        signature_image=signature_png() if with_signature else None,
    )


def make_case(relief_type: str, n_counts: int = 3, index: int = 0, track: str = "") -> MotionCase:
    patterns = COUNT_PATTERNS[relief_type]
    counts = [MotionCount(i + 1, *patterns[(i + index) % len(patterns)]) for i in range(n_counts)]
    if track == "resentencing" and relief_type == PROP64_FELONY:
        counts = [MotionCount(c.count_number, c.code_section, c.level, c.relief, "HS 11361.8(b)") for c in counts]
    name = f"{FIRST[index % len(FIRST)]} {LAST[(index // len(FIRST)) % len(LAST)]}"
    return MotionCase(
        relief_type=relief_type,
        court_name="Superior Court of California, County of Alameda",
        court_county="Alameda",
        case_number=f"{10 + index % 15}-CR-{index:06d}",
        defendant_name=name,
        aliases=[f"{name.split()[0][0]}. {name.split()[-1]}", "JOHNNY Q"] if index % 3 == 0 else [],
        dob=date(1970 + index % 30, 1 + index % 12, 1 + index % 28),
        cii=f"A{10000000 + index:08d}",
        counts=counts,
        conviction_date=date(2005 + index % 11, 1 + index % 12, 1 + index % 28),
        reasons=["No prior conviction under PC 667(e)(2)(C)(iv) or requiring registration under PC 290(c)."],
        track=track or ("redesignation" if relief_type in (PROP64_FELONY, PROP47) else ""),
        signed_on=date(2026, 1, 15),
    )


def mixed_cases(n: int) -> list[MotionCase]:
    return [make_case(RELIEF_TYPES[i % len(RELIEF_TYPES)], 1 + i % 8, index=i) for i in range(n)]


def package_document(case: MotionCase, pdf: bytes) -> PackageDocument:
    return PackageDocument(
        file_name=f"{case.case_number}_{case.relief_type}.pdf",
        pdf_bytes=pdf,
        person_name=case.defendant_name,
        cii=case.cii,
        case_number=case.case_number,
        court=case.court_name,
        counts=", ".join(f"{c.count_number}: {c.code_section}" for c in case.counts),
        relief="; ".join(dict.fromkeys(c.relief for c in case.counts)),
        relief_law=RELIEF_LAW[case.relief_type],
    )
