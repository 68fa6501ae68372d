"""Office-supplied fillable PDF templates (AcroForms).

Many courts insist on their own local form. An office uploads it once, an admin maps each form
field to a named data item (suggest_mapping proposes a first draft), and from then on every
approved case fills the form the same way:

    mapping = {"Defendant": "defendant_caption", "SCN": "case_number", "11357 Count": "code_count:HS 11357"}
    pdf = fill_with_mapping(template_bytes, mapping, case, office, attorney)

Mapping values are data-item names (see data_items), "const:<text>" for a fixed value, or
"code:<section>" / "code_count:<section>" for per-section checkboxes and counts.
"""

from __future__ import annotations

import difflib
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    StreamObject,
)

from .data import (
    PROP64_FELONY,
    PROP64_MISDEMEANOR,
    RESENTENCING,
    Attorney,
    MotionCase,
    Office,
    base_section,
    format_date,
    format_short_date,
    normalise_section,
)

TEXT, CHECKBOX, RADIO, CHOICE = "text", "checkbox", "radio", "choice"
_RADIO_FLAG = 1 << 15
_PUSHBUTTON_FLAG = 1 << 16
_TRUE_WORDS = {"true", "yes", "on", "1", "x", "checked"}
_FALSE_WORDS = {"false", "no", "off", "0", ""}
# Prop 64 forms carry one box per reclassified section, so these are always offered, even when
# the case has no such count (the box must then be explicitly unticked).
PROP64_SECTIONS = ("HS 11357", "HS 11358", "HS 11359", "HS 11360")

FieldValue = str | bool
# {form field name: data item}. Stored per office template; see the module docstring.
FieldMapping = dict[str, str]


class FormFillError(ValueError):
    """A mapping or value set that cannot be applied to this form; the message says how to fix it."""


@dataclass(frozen=True)
class FormField:
    name: str  # fully qualified ("parent.child"), the key fill_form expects
    type: str  # "text" | "checkbox" | "radio" | "choice"
    export_values: tuple[str, ...]  # "/On", "/Yes"... for buttons; options for choices
    current_value: str | None
    page: int  # 1-based, as an admin reading the form would count


def _inherited(field: DictionaryObject, key: str):
    node = field
    for _ in range(32):  # forms nest a few levels; the bound only guards against cycles
        if key in node:
            return node[key]
        if "/Parent" not in node:
            return None
        node = node["/Parent"].get_object()
    return None


def _qualified_name(field: DictionaryObject) -> str:
    parts = []
    node = field
    for _ in range(32):
        if "/T" in node:
            parts.append(str(node["/T"]))
        if "/Parent" not in node:
            break
        node = node["/Parent"].get_object()
    return ".".join(reversed(parts))


def _field_of(widget: DictionaryObject) -> DictionaryObject:
    # A widget is either merged with its field (it has /T) or a kid of it, as in radio groups.
    if "/T" in widget or "/Parent" not in widget:
        return widget
    return widget["/Parent"].get_object()


def _widgets(reader: PdfReader) -> Iterable[tuple[int, DictionaryObject]]:
    for page_number, page in enumerate(reader.pages, start=1):
        for ref in page.get("/Annots") or []:
            annot = ref.get_object()
            if annot.get("/Subtype") == "/Widget":
                yield page_number, annot


def _reader(pdf_bytes: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf_bytes))


def list_fields(pdf_bytes: bytes) -> list[FormField]:
    """Every fillable field, in page order, with what it accepts."""
    found: dict[str, dict] = {}
    for page_number, widget in _widgets(_reader(pdf_bytes)):
        field = _field_of(widget)
        name = _qualified_name(field)
        ft = _inherited(widget, "/FT")
        flags = int(_inherited(widget, "/Ff") or 0)
        if ft == "/Btn":
            if flags & _PUSHBUTTON_FLAG:
                continue
            kind = RADIO if flags & _RADIO_FLAG else CHECKBOX
        elif ft == "/Tx":
            kind = TEXT
        elif ft == "/Ch":
            kind = CHOICE
        else:
            continue  # signature fields and the like cannot be filled with text
        entry = found.setdefault(name, {"type": kind, "exports": [], "page": page_number, "field": field})
        if kind in (CHECKBOX, RADIO):
            appearances = (widget.get("/AP") or {}).get("/N") or {}
            for state in appearances:
                if state != "/Off" and state not in entry["exports"]:
                    entry["exports"].append(str(state))
        elif kind == CHOICE and not entry["exports"]:
            for option in _inherited(widget, "/Opt") or []:
                option = option.get_object()
                entry["exports"].append(str(option[0] if isinstance(option, list) else option))
    result = []
    for name, entry in found.items():
        value = _inherited(entry["field"], "/V")
        if entry["type"] in (CHECKBOX, RADIO) and value is not None and str(value) in ("/", ""):
            value = "/Off"  # some authoring tools write an empty name for "unticked"
        result.append(
            FormField(
                name=name,
                type=entry["type"],
                export_values=tuple(entry["exports"]),
                current_value=None if value is None else str(value),
                page=entry["page"],
            )
        )
    return result


def _button_value(form_field: FormField, value: FieldValue | None) -> str:
    on = form_field.export_values[0] if form_field.export_values else "/On"
    if value is None or value is False:
        return "/Off"
    if value is True:
        if form_field.type == RADIO:
            raise FormFillError(f"radio group {form_field.name!r} needs one of {form_field.export_values}, not True")
        return on
    text = str(value).strip()
    for export in form_field.export_values:
        if text in (export, export.lstrip("/")):
            return export
    if form_field.type == CHECKBOX:
        if text.lower() in _TRUE_WORDS:
            return on
        if text.lower() in _FALSE_WORDS:
            return "/Off"
    raise FormFillError(f"field {form_field.name!r} accepts {form_field.export_values} (or true/false), not {value!r}")


def _text_value(value: FieldValue | None) -> str:
    # Some forms draw a tick box as a one-character text field; True prints the mark there.
    if value is True:
        return "X"
    if value is None or value is False:
        return ""
    return str(value)


def fill_form(pdf_bytes: bytes, values: Mapping[str, FieldValue], flatten: bool = True) -> bytes:
    """Fill named fields; with flatten=True the result has no form fields left, only their text."""
    fields = {f.name: f for f in list_fields(pdf_bytes)}
    unknown = [name for name in values if name not in fields]
    if unknown:
        hints = {name: difflib.get_close_matches(name, fields, n=1) for name in unknown}
        detail = "; ".join(f"{n!r}" + (f" (did you mean {h[0]!r}?)" if h else "") for n, h in hints.items())
        raise FormFillError(f"the form has no field named {detail}")

    updates: dict[str, str | None] = {}
    for name, value in values.items():
        form_field = fields[name]
        if form_field.type in (CHECKBOX, RADIO):
            updates[name] = _button_value(form_field, value)
        else:
            updates[name] = _text_value(value)
    writer = PdfWriter(clone_from=_reader(pdf_bytes))
    if updates:
        # pypdf's own flatten names each drawing after its field, so the two buttons of a radio
        # group collide and both print as selected; we only let it set values and build the
        # appearances, and draw the widgets onto the page ourselves (_flatten_widgets).
        writer.update_page_form_field_values(None, updates, auto_regenerate=not flatten)
    _fix_button_values(writer, {n: v for n, v in updates.items() if fields[n].type in (CHECKBOX, RADIO)})
    if flatten:
        _flatten_widgets(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


_HIDDEN = 2 | 32  # annotation flags Hidden and NoView: not printed, so not flattened


def _appearance(widget: DictionaryObject):
    normal = (widget.get("/AP") or {}).get("/N")
    if normal is None:
        return None
    normal_obj = normal.get_object()
    if isinstance(normal_obj, StreamObject):
        return normal
    # A button keeps one appearance per state; /AS says which one is showing.
    state = widget.get("/AS")
    return normal_obj.get(state) if state is not None else None


def _placement(rect, appearance: StreamObject) -> list[float]:
    """The matrix that maps the appearance's box onto the widget's rectangle (PDF 32000 12.5.5)."""
    a, b, c, d, e, f = (float(v) for v in appearance.get("/Matrix", [1, 0, 0, 1, 0, 0]))
    x0, y0, x1, y1 = (float(v) for v in appearance.get("/BBox", [0, 0, 1, 1]))
    corners = [(a * x + c * y + e, b * x + d * y + f) for x in (x0, x1) for y in (y0, y1)]
    bx0, by0 = min(p[0] for p in corners), min(p[1] for p in corners)
    bx1, by1 = max(p[0] for p in corners), max(p[1] for p in corners)
    rx0, ry0, rx1, ry1 = (float(v) for v in rect)
    rx0, rx1, ry0, ry1 = min(rx0, rx1), max(rx0, rx1), min(ry0, ry1), max(ry0, ry1)
    sx = (rx1 - rx0) / (bx1 - bx0) if bx1 > bx0 else 1.0
    sy = (ry1 - ry0) / (by1 - by0) if by1 > by0 else 1.0
    return [sx, 0.0, 0.0, sy, rx0 - bx0 * sx, ry0 - by0 * sy]


def _own_resources(page) -> DictionaryObject:
    # A page may inherit /Resources from the page tree; adding an XObject to an empty dict of its
    # own would hide the inherited fonts, so the inherited entries are copied down first.
    if "/Resources" not in page:
        inherited = _inherited(page, "/Resources")
        page[NameObject("/Resources")] = (
            DictionaryObject(inherited.get_object()) if inherited is not None else DictionaryObject()
        )
    return page["/Resources"].get_object()


def _flatten_widgets(writer: PdfWriter) -> None:
    """Draw every visible widget's current appearance into its page, then drop the form."""
    for page in writer.pages:
        drawing = []
        for ref in page.get("/Annots") or []:
            widget = ref.get_object()
            if widget.get("/Subtype") != "/Widget" or int(widget.get("/F", 0)) & _HIDDEN:
                continue
            appearance = _appearance(widget)
            if appearance is None:
                continue
            if not isinstance(appearance, IndirectObject):
                appearance = writer._add_object(appearance)
            resources = _own_resources(page)
            xobjects = resources.setdefault(NameObject("/XObject"), DictionaryObject()).get_object()
            name = NameObject(f"/CmrFlat{len(xobjects)}")
            while name in xobjects:
                name = NameObject(name + "x")
            xobjects[name] = appearance
            matrix = " ".join(f"{v:.4f}" for v in _placement(widget["/Rect"], appearance.get_object()))
            drawing.append(f"q {matrix} cm {name} Do Q")
        if drawing:
            # Wrap the page's own content in q/Q so a graphics state it leaves behind cannot move
            # or recolour what we draw on top.
            before, after = DecodedStreamObject(), DecodedStreamObject()
            before.set_data(b"q\n")
            after.set_data(("\nQ\n" + "\n".join(drawing) + "\n").encode())
            contents = page.get("/Contents")
            existing = contents.get_object() if contents is not None else ArrayObject()
            parts = list(existing) if isinstance(existing, ArrayObject) else [contents]
            page[NameObject("/Contents")] = ArrayObject([writer._add_object(before), *parts, writer._add_object(after)])
    writer.remove_annotations(subtypes="/Widget")
    if "/AcroForm" in writer._root_object:
        del writer._root_object["/AcroForm"]


def _fix_button_values(writer: PdfWriter, button_values: Mapping[str, str | None]) -> None:
    # pypdf stores a button's value on a parent field as a text string; readers expect a name.
    for page in writer.pages:
        for ref in page.get("/Annots") or []:
            widget = ref.get_object()
            if widget.get("/Subtype") != "/Widget":
                continue
            field = _field_of(widget)
            value = button_values.get(_qualified_name(field))
            if value is not None:
                field[NameObject("/V")] = NameObject(value)


# --- data items --------------------------------------------------------------------------------


def _count_label(count) -> str:
    return f"Count {count.count_number}: {count.code_section}"


def _relief_has(case: MotionCase, *words: str) -> bool:
    return any(w in c.relief.lower() for c in case.counts for w in words)


def data_items(case: MotionCase, office: Office, attorney: Attorney) -> dict[str, FieldValue]:
    """Every value a form field can be mapped to, computed once per case."""
    prop64 = case.relief_type in (PROP64_FELONY, PROP64_MISDEMEANOR)
    dismissed = [c for c in case.counts if "dismiss" in c.relief.lower()]
    reduced = [c for c in case.counts if "reduce" in c.relief.lower() or "redesignat" in c.relief.lower()]
    other = [c for c in case.counts if base_section(c.code_section) not in PROP64_SECTIONS]
    items: dict[str, FieldValue] = {
        "defendant_name": case.defendant_name,
        "defendant_aka": ", ".join(case.aliases),
        "defendant_caption": case.defendant_caption,
        "case_number": case.case_number,
        "court_name": case.court_name,
        "court_county": case.court_county,
        "dob": format_short_date(case.dob),
        "cii": case.cii,
        "conviction_date": format_short_date(case.conviction_date),
        "attorney_name": attorney.name,
        "attorney_title": attorney.title,
        "attorney_bar_number": attorney.bar_number,
        "office_name": office.name,
        "office_address": ", ".join(office.address_lines),
        "office_phone": office.phone,
        "elected_da": office.elected_da,
        "signed_on": format_short_date(case.signed_on),
        "signed_on_long": format_date(case.signed_on),
        "signature": f"/s/ {attorney.name}",
        "count_list": "; ".join(f"{_count_label(c)} ({c.relief})" for c in case.counts),
        "count_numbers": ", ".join(str(c.count_number) for c in case.counts),
        "dismissed_counts": "; ".join(_count_label(c) for c in dismissed),
        "reduced_counts": "; ".join(_count_label(c) for c in reduced),
        "other_sections": ", ".join(dict.fromkeys(c.code_section for c in other)),
        "has_other_sections": bool(other),
        "relief_b": prop64 and case.track == RESENTENCING,
        "relief_f": prop64 and case.track != RESENTENCING,
        "relief_dismiss": bool(dismissed),
        "relief_reduce": bool(reduced),
        "relief_reduce_misdemeanor": _relief_has(case, "to misdemeanor"),
        "relief_reduce_infraction": _relief_has(case, "to infraction"),
        "relief_seal": _relief_has(case, "seal"),
        "relief_registration": _relief_has(case, "11590", "registration"),
    }
    tallies: dict[str, int] = dict.fromkeys(PROP64_SECTIONS, 0)
    for count in case.counts:
        for prefix in _section_prefixes(count.code_section):
            tallies[prefix] = tallies.get(prefix, 0) + 1
    for section, n in tallies.items():
        items[f"code:{section}"] = n > 0
        # A zero would print "0" beside an unticked box; the SF form expects the blank left empty.
        items[f"code_count:{section}"] = str(n) if n else ""
    return items


def _section_prefixes(code_section: str) -> list[str]:
    """'HS 11357(b)(2)' -> ['HS 11357', 'HS 11357(b)', 'HS 11357(b)(2)'], so any level can be mapped."""
    full = normalise_section(code_section)
    base = base_section(code_section)
    prefixes = [base]
    for m in re.finditer(r"\)", full[len(base) :]):
        prefixes.append(full[: len(base) + m.end()])
    return prefixes


def apply_mapping(mapping: FieldMapping, items: Mapping[str, FieldValue]) -> dict[str, FieldValue]:
    """Turn {field: data item} into {field: value}; a blank data item leaves the field alone."""
    values: dict[str, FieldValue] = {}
    for field_name, item in mapping.items():
        if not item:
            continue
        if item.startswith("const:"):
            values[field_name] = item[len("const:") :]
            continue
        kind, _, section = item.partition(":")
        if kind in ("code", "code_count") and section:
            key = f"{kind}:{normalise_section(section)}"
            values[field_name] = items.get(key, False if kind == "code" else "")
            continue
        if item not in items:
            close = difflib.get_close_matches(item, list(items), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise FormFillError(f"field {field_name!r} is mapped to unknown data item {item!r}{hint}")
        values[field_name] = items[item]
    return values


def fill_with_mapping(
    pdf_bytes: bytes,
    mapping: FieldMapping,
    case: MotionCase,
    office: Office,
    attorney: Attorney,
    flatten: bool = True,
) -> bytes:
    return fill_form(pdf_bytes, apply_mapping(mapping, data_items(case, office, attorney)), flatten=flatten)


# --- mapping suggestions -------------------------------------------------------------------------

# First match wins, so the specific phrases come before the general words they contain.
_TEXT_RULES: tuple[tuple[str, str], ...] = (
    (r"judge|court use|clerk", ""),
    (r"signature|/s/|signer", "signature"),
    (r"\baka\b|alias", "defendant_aka"),
    (r"defendant|petitioner|applicant", "defendant_caption"),
    (r"\bname\b", "defendant_name"),
    (r"\bbar\b|\bsb\b|sbn", "attorney_bar_number"),
    (r"attorney|\bada\b|\bdda\b|prosecutor", "attorney_name"),
    (r"\bmcn\b", ""),  # the old municipal-court number: only the office knows what goes there
    (r"case|scn|court.?number|docket", "case_number"),
    (r"\bdob\b|birth", "dob"),
    (r"\bcii\b", "cii"),
    (r"phone|tel", "office_phone"),
    (r"address|street", "office_address"),
    (r"county", "court_county"),
    (r"other.*(charge|section|code)|description", "other_sections"),
    (r"crime|counts?\b", "count_list"),
    (r"date|executed|dated", "signed_on"),
)
_CHECK_RULES: tuple[tuple[str, str], ...] = (
    (r"court|judge|grant|denies|order", ""),  # the judge's boxes are the judge's to tick
    (r"11361\.?8\s*\(?b\)?|resentenc", "relief_b"),
    (r"11361\.?8\s*\(?f\)?|redesignat", "relief_f"),
    (r"\bother", "has_other_sections"),
    (r"seal", "relief_seal"),
    (r"dismiss", "relief_dismiss"),
    (r"11590|regist", "relief_registration"),
    (r"misdemeanor", "relief_reduce_misdemeanor"),
    (r"infraction", "relief_reduce_infraction"),
    (r"district attorney finds|eligible|completed", "const:true"),
)
_SECTION_IN_NAME = re.compile(r"(1135[789]|11360)\s*(?:\(?([a-e])\)?(?![a-z]))?", re.IGNORECASE)


def _words(name: str) -> str:
    # Field names arrive as "11357  Possession of Marijuana", "court_number" or "CA SB".
    return re.sub(r"[_\-]+", " ", name).lower()


def suggest_mapping(fields: Iterable[FormField]) -> FieldMapping:
    """A first-draft mapping from field names; an admin reviews it before it is used."""
    mapping: dict[str, str] = {}
    for form_field in fields:
        words = _words(form_field.name)
        if re.search(r"_\d+$", form_field.name):
            # Acrobat names a second field with the same label "<label>_2"; on court forms that
            # second copy is almost always in the judge's half of the page.
            continue
        squeezed = words.replace(" ", "").replace(".", "")
        section = _SECTION_IN_NAME.search(words)
        if "113618b" in squeezed or "113618f" in squeezed:
            section = None  # "11361.8(b)" is the statute of the relief, not a charged section
            if form_field.type == CHECKBOX:
                mapping[form_field.name] = "relief_b" if "113618b" in squeezed else "relief_f"
                continue
        if section:
            code = f"HS {section.group(1)}" + (f"({section.group(2).lower()})" if section.group(2) else "")
            if form_field.type == CHECKBOX:
                mapping[form_field.name] = f"code:{code}"
                continue
            if form_field.type == TEXT and "count" in words:
                mapping[form_field.name] = f"code_count:{code}"
                continue
        rules = _CHECK_RULES if form_field.type in (CHECKBOX, RADIO) else _TEXT_RULES
        for pattern, item in rules:
            if re.search(pattern, words):
                if item:
                    mapping[form_field.name] = item
                break
    return mapping
