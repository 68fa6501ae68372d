"""What the motions app does: turn signed-off decisions into filed paper and track the court's answer.

Views and tasks call these functions; the PDFs themselves come from ``motions.documents``, which
knows no Django. Every state change here writes an audit event inside the same transaction.

The generation contract: a motion is made from decisions that are active, belong to a sign-off
that has not been reopened, and resolve to dismiss or reduce. They are grouped per sign-off,
person, case number and relief type; each group becomes one ``Motion`` whose documents are
versioned (``MotionDocument``), never overwritten.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, Max, Prefetch, Q
from django.utils import timezone

from audit import service as audit
from dashboard import outcomes
from review.models import Decision, SignOff

from .documents import (
    Attorney,
    FormFillError,
    MotionCase,
    MotionCount,
    Office,
    PackageDocument,
    build_filing_package,
    data_items,
    fill_with_mapping,
    list_fields,
    suggest_mapping,
)
from .documents.data import (
    PC17B,
    PC1203_4,
    PROP47,
    PROP64_FELONY,
    PROP64_MISDEMEANOR,
    RELIEF_LAW,
    RELIEF_TYPES,
    RESENTENCING,
)
from .documents.pool import RenderTask, Shared, render_many
from .models import AttorneySignature, FilingPackage, Motion, MotionDocument, MotionTemplate

log = logging.getLogger(__name__)

FINAL_OUTCOMES = ("dismiss", "reduce")
BUILT_IN_LABEL = "Built-in pleading"
BULK_SIZE = 1000
# Motions per render task: each task loads the shared context once and writes one audit event.
RENDER_CHUNK = 50

RELIEF_TYPE_LABELS = {
    PROP64_FELONY: "Prop 64 felony (HS 11361.8)",
    PROP64_MISDEMEANOR: "Prop 64 misdemeanor (HS 11361.8)",
    PC1203_4: "Dismissal (PC 1203.4 family)",
    PC17B: "Reduction to misdemeanor (PC 17(b))",
    PROP47: "Prop 47 (PC 1170.18)",
}
# Engine relief laws that end in a dismissal motion on the PC 1203.4 pleading. PC 1203.425 is here
# because a decision reaching this point is one DOJ's automatic relief did not cover: the office
# files it the CR-180 way.
PC1203_4_FAMILY = ("PC 1203.4", "PC 1203.4a", "PC 1203.41", "PC 1203.42", "PC 17(d)(2)", "PC 1203.425")
NO_MOTION = {"PC 851.93": "PC 851.93 arrest relief is granted by DOJ without a court motion"}
CITATIONS = {
    "PC 1203.4": "PC 1203.4(a)(1)",
    "PC 1203.4a": "PC 1203.4a(a)",
    "PC 1203.41": "PC 1203.41(a)",
    "PC 1203.42": "PC 1203.42(a)",
    "PC 17(d)(2)": "PC 17(d)(2)",
    "PC 1203.425": "PC 1203.425",
    "PC 17(b)": "PC 17(b)(3)",
}


class MotionError(ValueError):
    """Something a user asked for that cannot be done; the message says why, in plain words."""


# --- from decisions to motions ---------------------------------------------------------------


def relief_type_for(relief: str, level: str) -> str | None:
    """The pleading a determination's relief is argued on, or None when no motion is filed."""
    if relief == "HS 11361.8":
        return PROP64_FELONY if level == "felony" else PROP64_MISDEMEANOR
    if relief in PC1203_4_FAMILY:
        return PC1203_4
    if relief == "PC 17(b)":
        return PC17B
    if relief == "PC 1170.18":
        return PROP47
    return None


def citation_for(determination) -> str:
    relief, track, level = determination.relief, determination.track, determination.level
    if relief == "HS 11361.8":
        if track == RESENTENCING:
            return "HS 11361.8(b)"
        return "HS 11361.8(f)" if level == "felony" else "HS 11361.8(e), (f)"
    if relief == "PC 1170.18":
        return "PC 1170.18(a)" if track == RESENTENCING else "PC 1170.18(f)"
    return CITATIONS.get(relief, relief)


def count_relief(decision) -> str:
    determination = decision.determination
    if decision.final_outcome == "dismiss":
        return "dismiss and seal" if determination.seal else "dismiss"
    reduce_to = decision.final_reduce_to or determination.reduce_to or "misdemeanor"
    return f"reduce to {reduce_to}"


def eligible_decisions(office, *, sign_off=None, batch=None):
    """Decisions a motion may be generated from (the contract in the module docstring)."""
    decisions = Decision.objects.for_office(office).filter(
        active=True,
        sign_off__isnull=False,
        sign_off__reopened_at__isnull=True,
        final_outcome__in=FINAL_OUTCOMES,
    )
    if sign_off is not None:
        decisions = decisions.filter(sign_off=sign_off)
    if batch is not None:
        decisions = decisions.filter(Q(sign_off__batch=batch) | Q(determination__batch=batch))
    return decisions.select_related("determination", "determination__count", "person", "sign_off").order_by(
        "person_id", "determination__case_number", "determination__count_number", "pk"
    )


@dataclass
class Skipped:
    decision_id: int
    person: str
    case_number: str
    relief: str
    reason: str


@dataclass
class GenerationReport:
    created: list[int] = field(default_factory=list)
    existing: list[int] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    to_render: list[int] = field(default_factory=list)

    @property
    def summary(self) -> str:
        parts = [f"{len(self.created)} motion(s) created", f"{len(self.existing)} already existed"]
        if self.skipped:
            parts.append(f"{len(self.skipped)} decision(s) without a motion")
        return ", ".join(parts)


def _skip_reason(decision) -> tuple[str | None, str]:
    determination = decision.determination
    relief_type = relief_type_for(determination.relief, determination.level)
    if relief_type is None:
        return None, NO_MOTION.get(determination.relief, f"no motion template for {determination.relief}")
    if not determination.case_number:
        return None, "the record shows no case number; the court needs one to file a motion"
    if not determination.court_county:
        return None, "the record does not say which county's court convicted"
    if not determination.in_county:
        return None, f"the conviction is in {determination.court_county} County, outside this office's county"
    return relief_type, ""


def create_motions(office, decisions, *, actor=None) -> GenerationReport:
    """One Motion per (sign-off, person, case number, relief type); safe to call again.

    The rows are written in bulk, with one audit event for the run that lists every motion it
    created. Generation of one sign-off is serialised on the sign-off's row, so the review hook
    and a manual "generate" cannot both create the same motion.
    """
    groups: dict[tuple, list] = defaultdict(list)
    report = GenerationReport()
    decisions = list(decisions)
    # A Prop 64 case with one felony count goes on the felony pleading whole: the court hears one
    # petition per case, and the felony form covers the misdemeanor counts beside it.
    felony_cases = {
        (d.sign_off_id, d.person_id, d.determination.case_number)
        for d in decisions
        if d.determination.relief == "HS 11361.8" and d.determination.level == "felony"
    }
    for decision in decisions:
        relief_type, reason = _skip_reason(decision)
        if relief_type is None:
            d = decision.determination
            report.skipped.append(Skipped(decision.pk, decision.person.name, d.case_number, d.relief, reason))
            continue
        case_key = (decision.sign_off_id, decision.person_id, decision.determination.case_number)
        if relief_type == PROP64_MISDEMEANOR and case_key in felony_cases:
            relief_type = PROP64_FELONY
        key = (*case_key, relief_type)
        groups[key].append(decision)
    if not groups:
        return report

    sign_off_ids = sorted({key[0] for key in groups})
    with transaction.atomic():
        list(SignOff.objects.select_for_update().filter(pk__in=sign_off_ids).order_by("pk").values_list("pk"))
        motions = {
            (m.sign_off_id, m.person_id, m.case_number, m.relief_type): m
            for m in Motion.objects.filter(sign_off_id__in=sign_off_ids)
        }
        new = []
        for key, group in groups.items():
            if key in motions:
                continue
            sign_off_id, person_id, case_number, relief_type = key
            first = group[0]
            motions[key] = Motion(
                office=office, sign_off_id=sign_off_id, person_id=person_id, case_number=case_number,
                relief_type=relief_type, court_county=first.determination.court_county,
                batch_id=first.sign_off.batch_id or first.determination.batch_id,
            )
            new.append(motions[key])
        Motion.objects.bulk_create(new, batch_size=BULK_SIZE)
        created = {m.pk for m in new}
        # Decisions that arrived since (a later run over the same sign-off) join their motion.
        through = Motion.decisions.through
        through.objects.bulk_create(
            [through(motion_id=motions[key].pk, decision_id=d.pk) for key, group in groups.items() for d in group],
            batch_size=BULK_SIZE, ignore_conflicts=True,
        )
        outcomes.refresh_people({key[1] for key in groups})  # the outcome dashboard's rows of these people
        ids = [motions[key].pk for key in groups]
        rendered = set(MotionDocument.objects.filter(motion_id__in=ids).values_list("motion_id", flat=True))
        for key in groups:
            motion = motions[key]
            (report.created if motion.pk in created else report.existing).append(motion.pk)
            if motion.pk not in rendered:
                report.to_render.append(motion.pk)
        if new:
            audit.record(
                "motion.created",
                office=office,
                actor=actor,
                obj=new[0] if len(new) == 1 else None,
                object_type="motions.motion",
                actor_label="" if actor else "worker",
                after={"motions": [
                    {"id": m.pk, "case_number": m.case_number, "relief_type": m.relief_type,
                     "person_id": m.person_id, "sign_off_id": m.sign_off_id,
                     "decisions": [d.pk for d in groups[(m.sign_off_id, m.person_id, m.case_number, m.relief_type)]]}
                    for m in new
                ]},
            )
    return report


def generate(office, *, actor=None, sign_off=None, batch=None, enqueue=True) -> GenerationReport:
    """Create the motions of a sign-off or a batch and queue their rendering (version 1).

    Rendering is queued after the transaction commits, in chunks: each task loads the shared
    context (office, signer, templates) once and writes one audit event for its documents.
    """
    report = create_motions(office, eligible_decisions(office, sign_off=sign_off, batch=batch), actor=actor)
    if enqueue and report.to_render:
        from .tasks import render_motion_documents

        ids = list(report.to_render)
        actor_id = actor.pk if actor else None
        chunks = [ids[i:i + RENDER_CHUNK] for i in range(0, len(ids), RENDER_CHUNK)]
        transaction.on_commit(lambda: [render_motion_documents.delay(chunk, 1, actor_id) for chunk in chunks])
    return report


def request_regeneration(motion: Motion, *, actor) -> int:
    """Queue a new version of the motion's document; the old versions stay. Returns the version."""
    if motion.sign_off.reopened_at is not None:
        raise MotionError("The sign-off behind this motion was reopened; sign off again before regenerating.")
    version = (motion.documents.aggregate(v=Max("version"))["v"] or 0) + 1
    audit.record("motion.regeneration_requested", office=motion.office, actor=actor, obj=motion,
                 after={"version": version})
    from .tasks import render_motion_document

    transaction.on_commit(lambda: render_motion_document.delay(motion.pk, version, actor.pk))
    return version


# --- what a document is filled with ---------------------------------------------------------------


def court_name(county: str) -> str:
    return f"Superior Court of California, County of {county_label(county)}"


def county_label(county: str) -> str:
    # Records write counties in capitals ("SAN JOAQUIN"); a pleading writes them as names.
    return " ".join(w.capitalize() for w in county.split())


def _caption_name(name: str) -> str:
    # DOJ writes "LAST,FIRST MIDDLE"; a space after the comma is how a caption prints it.
    return ", ".join(part.strip() for part in name.split(",")) if "," in name else name.strip()


def office_data(office) -> Office:
    lines = tuple(line.strip() for line in (office.address or "").splitlines() if line.strip())
    return Office(
        name=office.name,
        county=county_label(office.county),
        address_lines=lines,
        phone=office.phone,
        elected_da=office.elected_da,
    )


def attorney_data(sign_off, *, with_signature: bool = True) -> Attorney:
    user = sign_off.attorney
    image = None
    if with_signature:
        signature = AttorneySignature.objects.filter(attorney=user).first()
        if signature and signature.image:
            with signature.image.open("rb") as fh:
                image = fh.read()
    return Attorney(
        name=user.get_full_name() or user.username,
        bar_number=sign_off.bar_number or user.bar_number,
        title=user.title or "Deputy District Attorney",
        signature_image=image,
    )


def backing_decisions(motion: Motion) -> list:
    """The motion's decisions that still meet the contract now (an undo may have happened since)."""
    return list(
        motion.decisions.filter(
            active=True, sign_off=motion.sign_off_id, sign_off__reopened_at__isnull=True,
            final_outcome__in=FINAL_OUTCOMES,
        ).select_related("determination", "determination__count").order_by("determination__count_number", "pk")
    )


def motion_case(motion: Motion, decisions: list) -> MotionCase:
    counts, seen, reasons, tracks, convicted = [], set(), [], set(), []
    for decision in decisions:
        d = decision.determination
        # Two laws of one family (PC 1203.4 and 1203.41, say) can both approve one count;
        # the court needs the count once, under the first law approved for it.
        key = (d.count_number, d.code_section)
        if key in seen:
            continue
        seen.add(key)
        counts.append(MotionCount(d.count_number, d.code_section, d.level, count_relief(decision), citation_for(d)))
        reasons.extend(r for r in d.reasons if r not in reasons)
        if d.track:
            tracks.add(d.track)
        if d.count_id and d.count.conviction_date:
            convicted.append(d.count.conviction_date)
    person = motion.person
    return MotionCase(
        relief_type=motion.relief_type,
        court_name=court_name(motion.court_county),
        court_county=county_label(motion.court_county),
        case_number=motion.case_number,
        defendant_name=_caption_name(person.name),
        aliases=[_caption_name(a) for a in (person.aliases or []) if isinstance(a, str) and a.strip()],
        dob=person.dob,
        cii=person.cii,
        counts=counts,
        conviction_date=min(convicted) if convicted else None,
        reasons=reasons,
        # One resentencing count puts the whole case on the resentencing track: the person is
        # still serving, which is what the court has to act on first.
        track=RESENTENCING if RESENTENCING in tracks else (sorted(tracks)[0] if tracks else ""),
        signed_on=timezone.localdate(motion.sign_off.signed_at),
    )


def _jsonable(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, bytes):
        return hashlib.sha256(value).hexdigest()
    return value


def active_template(office, relief_type: str) -> MotionTemplate | None:
    return (
        MotionTemplate.objects.for_office(office)
        .filter(relief_type=relief_type, active=True)
        .exclude(mapping={})
        .order_by("-version", "-pk")
        .first()
    )


def render_document(motion_id: int, version: int, *, actor_id: int | None = None) -> MotionDocument | None:
    """Render version ``version`` of a motion, once. A redelivered call finds it and returns it."""
    return render_documents([(motion_id, version)], actor_id=actor_id).get(motion_id)


def render_documents(items, *, actor_id: int | None = None, workers: int = 1) -> dict[int, MotionDocument]:
    """Render and store version ``v`` of each motion of ``items`` [(motion id, v)], once.

    Returns {motion id: document}; a version already stored is returned as it is (a redelivered
    task), and a motion left without signed-off decisions gets no document and no entry. The
    shared context - decisions, people, office, signers and their signatures, office forms - is
    loaded in a few queries for the whole run, the PDFs render in ``workers`` processes, and the
    documents are written in one transaction with one audit event listing them.
    """
    wanted = dict(items)
    if not wanted:
        return {}
    motions = {
        m.pk: m
        for m in Motion.objects.filter(pk__in=wanted).select_related("office", "person", "sign_off",
                                                                     "sign_off__attorney")
    }
    done = {
        d.motion_id: d
        for d in MotionDocument.objects.filter(motion_id__in=motions, version__in=set(wanted.values()))
        if wanted[d.motion_id] == d.version
    }
    todo = [motions[pk] for pk in wanted if pk in motions and pk not in done]
    decisions = _backing_decisions_of(todo)
    for motion in todo:
        if not decisions.get(motion.pk):
            log.warning("motion %s has no signed-off decisions left; nothing rendered", motion.pk)
    todo = [m for m in todo if decisions.get(m.pk)]
    if not todo:
        return done

    shared, tasks, templates = _render_context(todo, decisions)
    documents = []
    for motion, task, (pdf, form_values) in zip(todo, tasks, render_many(tasks, shared, workers=workers)):
        template = templates[task.form] if task.form is not None else None
        documents.append(_unsaved_document(motion, wanted[motion.pk], task, shared, template, pdf, form_values,
                                           [d.pk for d in decisions[motion.pk]]))
    return {**done, **_store_documents(documents, actor_id)}


def _backing_decisions_of(motions) -> dict[int, list]:
    """``backing_decisions`` of many motions in two plain queries: {motion id: decisions}.

    Links first, then the decisions by primary key: a join of the link table with a condition
    across it (decision's sign-off = motion's sign-off) is planned badly on freshly filled tables.
    """
    sign_off_of = {m.pk: m.sign_off_id for m in motions}
    links = list(Motion.decisions.through.objects.filter(motion_id__in=sign_off_of).values_list("motion_id",
                                                                                                "decision_id"))
    decisions = {
        d.pk: d
        for d in Decision.objects.filter(
            pk__in={decision_id for _, decision_id in links}, active=True, sign_off__reopened_at__isnull=True,
            final_outcome__in=FINAL_OUTCOMES,
        ).select_related("determination", "determination__count")
    }
    found: dict[int, list] = defaultdict(list)
    for motion_id, decision_id in links:
        decision = decisions.get(decision_id)
        if decision is not None and decision.sign_off_id == sign_off_of[motion_id]:
            found[motion_id].append(decision)
    for group in found.values():
        group.sort(key=lambda d: (d.determination.count_number, d.pk))
    return found


def _render_context(motions, decisions) -> tuple[Shared, list[RenderTask], dict]:
    """What the documents share, loaded once per run, and one render task per motion."""
    shared = Shared()
    templates: dict = {}
    signers = {m.sign_off.attorney_id for m in motions}
    images = {}
    for signature in AttorneySignature.objects.filter(attorney_id__in=signers):
        if signature.image:
            with signature.image.open("rb") as fh:
                images[signature.attorney_id] = fh.read()
    chosen: dict[tuple, int | None] = {}
    tasks = []
    for motion in motions:
        if motion.office_id not in shared.offices:
            shared.offices[motion.office_id] = office_data(motion.office)
        signer = (motion.sign_off.attorney_id, motion.sign_off.bar_number)
        if signer not in shared.attorneys:
            shared.attorneys[signer] = dataclasses.replace(attorney_data(motion.sign_off, with_signature=False),
                                                           signature_image=images.get(motion.sign_off.attorney_id))
        form_key = (motion.office_id, motion.relief_type)
        if form_key not in chosen:
            template = active_template(motion.office, motion.relief_type)
            chosen[form_key] = template.pk if template else None
            if template is not None:
                with template.pdf.open("rb") as fh:
                    shared.forms[template.pk] = (fh.read(), template.mapping)
                templates[template.pk] = template
        tasks.append(RenderTask(motion_case(motion, decisions[motion.pk]), motion.office_id, signer,
                                chosen[form_key]))
    return shared, tasks, templates


def _unsaved_document(motion, version, task, shared, template, pdf, form_values, decision_ids) -> MotionDocument:
    """The document row of one rendered PDF, its file already stored; the row is not saved yet."""
    attorney, office = shared.attorneys[task.attorney], shared.offices[task.office]
    data = {
        "case": _jsonable(dataclasses.asdict(task.case)),
        "office": _jsonable(dataclasses.asdict(office)),
        "attorney": {
            "name": attorney.name, "bar_number": attorney.bar_number, "title": attorney.title,
            "signature": "image" if attorney.signature_image else "/s/",
            "signature_image_sha256": _jsonable(attorney.signature_image) if attorney.signature_image else "",
        },
        "decisions": decision_ids,
    }
    if form_values is not None:
        data["form_values"] = _jsonable(form_values)
    document = MotionDocument(
        office=motion.office,
        motion=motion,
        version=version,
        template=template,
        template_label=template.label[:100] if template else BUILT_IN_LABEL,
        template_version=template.version if template else None,
        sha256=hashlib.sha256(pdf).hexdigest(),
        data=data,
        signed_by=motion.sign_off.attorney,
    )
    document.pdf.save(f"{_file_stem(motion)}_v{version}.pdf", ContentFile(pdf), save=False)
    return document


def _store_documents(documents: list[MotionDocument], actor_id) -> dict[int, MotionDocument]:
    """Write the rows in one transaction with one audit event; a version that another delivery
    stored meanwhile wins, and our file of it is dropped."""
    motion_ids = [d.motion_id for d in documents]
    with transaction.atomic():
        # Deliveries of the same motions queue here, then see each other's rows.
        list(Motion.objects.select_for_update().filter(pk__in=motion_ids).order_by("pk").values_list("pk"))
        taken = {
            (d.motion_id, d.version): d
            for d in MotionDocument.objects.filter(motion_id__in=motion_ids,
                                                   version__in={d.version for d in documents})
        }
        fresh = [d for d in documents if (d.motion_id, d.version) not in taken]
        MotionDocument.objects.bulk_create(fresh, batch_size=BULK_SIZE)
        if fresh:
            audit.record(
                "motion.document_rendered",
                office=fresh[0].office,
                actor=user_by_id(actor_id),
                actor_label="" if actor_id else "worker",
                obj=fresh[0] if len(fresh) == 1 else None,
                object_type="motions.motiondocument",
                after={"documents": [
                    {"id": d.pk, "motion_id": d.motion_id, "version": d.version, "sha256": d.sha256,
                     "template": d.template_label, "signed_by": d.data["attorney"]["name"]}
                    for d in fresh
                ]},
            )
    stored = {d.motion_id: d for d in fresh}
    for document in documents:
        if (document.motion_id, document.version) in taken:
            document.pdf.delete(save=False)
            stored[document.motion_id] = taken[(document.motion_id, document.version)]
    return stored


def user_by_id(user_id):
    if not user_id:
        return None
    from offices.models import User

    return User.objects.filter(pk=user_id).first()


def _file_stem(motion: Motion) -> str:
    return f"{motion.case_number}_{motion.relief_type}_{motion.pk}"


# --- filing packages ------------------------------------------------------------------------------


def packageable_motions(office, court_county: str, *, batch=None):
    """Motions not yet filed in one court, with a rendered document, in filing order."""
    motions = (
        Motion.objects.for_office(office)
        .filter(court_county=court_county, status=Motion.Status.DRAFT, sign_off__reopened_at__isnull=True)
        .filter(documents__isnull=False)
        .distinct()
        .select_related("person")
        .prefetch_related(Prefetch("documents", queryset=MotionDocument.objects.order_by("-version")))
        .order_by("case_number", "relief_type", "person__name", "pk")
    )
    if batch is not None:
        motions = motions.filter(batch=batch)
    return motions


def package_document(motion: Motion, document: MotionDocument) -> PackageDocument:
    case = document.data.get("case", {})
    counts = case.get("counts", [])
    with document.pdf.open("rb") as fh:
        pdf = fh.read()
    return PackageDocument(
        file_name=f"{_file_stem(motion)}.pdf",
        pdf_bytes=pdf,
        person_name=case.get("defendant_name") or motion.person.name,
        cii=motion.person.cii,
        case_number=motion.case_number,
        court=court_name(motion.court_county),
        counts=", ".join(f"{c['count_number']}: {c['code_section']}" for c in counts),
        relief="; ".join(dict.fromkeys(c["relief"] for c in counts)),
        relief_law=RELIEF_LAW[motion.relief_type],
    )


def build_package(office, court_county: str, *, actor, batch=None) -> FilingPackage:
    """ZIP the newest document of every unfiled motion for one court, and keep a record of which."""
    motions = list(packageable_motions(office, court_county, batch=batch))
    if not motions:
        raise MotionError(f"No generated, unfiled motions for the {county_label(court_county)} court.")
    chosen = [(m, m.latest_document) for m in motions]
    documents = [package_document(m, d) for m, d in chosen]
    zip_bytes = build_filing_package(documents, court_name(court_county), office_data(office), timezone.localdate())
    digest = hashlib.sha256(zip_bytes).hexdigest()
    with transaction.atomic():
        package = FilingPackage(
            office=office, court_county=court_county, batch=batch, sha256=digest,
            motion_count=len(documents), created_by=actor,
        )
        stamp = timezone.localdate().isoformat()
        slug = county_label(court_county).replace(" ", "_")
        package.zip_file.save(f"filing_package_{slug}_{stamp}.zip", ContentFile(zip_bytes), save=False)
        package.save()
        package.documents.set([d for _, d in chosen])
        audit.record("package.built", office=office, actor=actor, obj=package, after={
            "court_county": court_county, "batch_id": batch.pk if batch else None, "motions": len(documents),
            "sha256": digest, "documents": [d.pk for _, d in chosen],
        })
    return package


def courts_with_pending_motions(office, *, batch=None) -> list[dict]:
    """Per court: unfiled motions, and how many of them are rendered and ready to package."""
    motions = Motion.objects.for_office(office).filter(status=Motion.Status.DRAFT, sign_off__reopened_at__isnull=True)
    if batch is not None:
        motions = motions.filter(batch=batch)
    rows = (
        motions.values("court_county")
        .annotate(total=Count("pk", distinct=True),
                  ready=Count("pk", filter=Q(documents__isnull=False), distinct=True))
        .order_by("court_county")
    )
    return [{**r, "label": county_label(r["court_county"]), "pending": r["total"] - r["ready"]} for r in rows]


# --- the court's answer ---------------------------------------------------------------------------

RULINGS = (Motion.Status.GRANTED, Motion.Status.DENIED, Motion.Status.MODIFIED)
SETTABLE = (Motion.Status.FILED, *RULINGS)


def seals_when_granted(motion: Motion) -> bool:
    return motion.decisions.filter(active=True, final_outcome="dismiss", determination__seal=True).exists()


def record_status(motion: Motion, status: str, on: date, *, actor, court: str = "", note: str = "",
                  source: str = "form") -> bool:
    """Record a filing or a ruling. Returns False when it was already recorded exactly so."""
    if status not in SETTABLE:
        raise MotionError(f"Unknown status {status!r}; use one of {', '.join(SETTABLE)}.")
    if on is None:
        raise MotionError("A date is needed.")
    if on > timezone.localdate():
        raise MotionError("The date is in the future.")
    before = {"status": motion.status, "filed_on": motion.filed_on, "filed_court": motion.filed_court,
              "ruled_on": motion.ruled_on, "sealed": motion.sealed}
    if status == Motion.Status.FILED:
        motion.filed_on = on
        motion.filed_court = court or motion.filed_court or court_name(motion.court_county)
        motion.ruled_on = None
    else:
        motion.ruled_on = on
        if court and not motion.filed_court:
            motion.filed_court = court
    motion.status = status
    # Only a plain grant seals: a grant "as modified" may have struck the sealing, and the clerk's
    # minute order has to be read before the record is flagged.
    motion.sealed = status == Motion.Status.GRANTED and seals_when_granted(motion)
    if note:
        motion.status_note = note[:300]
    after = {"status": motion.status, "filed_on": motion.filed_on, "filed_court": motion.filed_court,
             "ruled_on": motion.ruled_on, "sealed": motion.sealed}
    if after == before:
        return False
    with transaction.atomic():
        motion.save(update_fields=["status", "filed_on", "filed_court", "ruled_on", "sealed", "status_note"])
        audit.record("motion.status_recorded", office=motion.office, actor=actor, obj=motion, before=before,
                     after={**after, "source": source, "note": note})
        outcomes.refresh_people([motion.person_id])  # the outcome dashboard's rows of this person
        if motion.sealed and not before["sealed"]:
            audit.record("record.sealed", office=motion.office, actor=actor, obj=motion.person,
                         after={"motion_id": motion.pk, "case_number": motion.case_number, "ordered_on": on})
        elif before["sealed"] and not motion.sealed:
            audit.record("record.unsealed", office=motion.office, actor=actor, obj=motion.person,
                         after={"motion_id": motion.pk, "case_number": motion.case_number, "status": status})
    return True


def parse_date(text: str) -> date:
    text = (text or "").strip()
    for fmt in ("%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y", "%m-%d-%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise MotionError(f"date {text!r} is not YYYY-MM-DD or MM/DD/YYYY")


@dataclass
class ImportRow:
    line: int
    case_number: str
    status: str
    result: str = "pending"  # then "updated" | "unchanged" | "unknown" | "error" | "not applied"
    message: str = ""
    motion_ids: list[int] = field(default_factory=list)


@dataclass
class ImportReport:
    rows: list[ImportRow]
    applied: bool
    message: str = ""

    def count(self, result: str) -> int:
        return sum(r.result == result for r in self.rows)

    @property
    def unknown(self) -> list[str]:
        return [r.case_number for r in self.rows if r.result == "unknown"]


REQUIRED_COLUMNS = ("case_number", "status", "date")
_STATUS_WORDS = {"filed": "filed", "granted": "granted", "denied": "denied", "modified": "modified",
                 "granted as modified": "modified", "granted_as_modified": "modified"}


def import_court_response(office, content: bytes, *, actor) -> ImportReport:
    """Apply a court's response file, keyed by case number, all or nothing.

    Case numbers the office has no motion for are reported and skipped; any malformed row rejects
    the whole file, so a half-applied import never has to be untangled.
    """
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("latin-1")
    reader = csv.DictReader(io.StringIO(text))
    header = {(h or "").strip().lower(): h for h in (reader.fieldnames or [])}
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        return ImportReport([], applied=False, message=f"The file has no column(s): {', '.join(missing)}.")

    def cell(raw, name):
        return (raw.get(header[name]) or "").strip() if name in header else ""

    motions = Motion.objects.for_office(office)
    rows: list[tuple[ImportRow, list[Motion], date, str, str]] = []
    for line, raw in enumerate(reader, start=2):
        case_number, status_text = cell(raw, "case_number"), cell(raw, "status")
        row = ImportRow(line, case_number, status_text)
        if not case_number and not status_text:
            continue
        status = _STATUS_WORDS.get(status_text.lower())
        try:
            if status is None:
                raise MotionError(f"status {status_text!r} is not one of filed, granted, denied, modified")
            on = parse_date(cell(raw, "date"))
        except MotionError as bad:
            row.result, row.message = "error", str(bad)
            rows.append((row, [], None, "", ""))
            continue
        found = list(motions.filter(case_number__iexact=case_number))
        relief = cell(raw, "relief")
        if relief and found:
            found = [m for m in found if relief in (m.relief_type, RELIEF_LAW[m.relief_type])]
        if not found:
            row.result, row.message = "unknown", "no motion of this office has this case number"
        rows.append((row, found, on, cell(raw, "court"), status))

    report = ImportReport([r for r, *_ in rows], applied=False)
    if any(r.result == "error" for r in report.rows):
        for row in report.rows:
            if row.result == "pending":
                row.result = "not applied"
        report.message = "Nothing was imported: fix the rows marked as errors and import the file again."
        return report
    try:
        with transaction.atomic(), outcomes.deferred():  # one dashboard refresh for the whole file
            for row, found, on, court, status in rows:
                if row.result == "unknown":
                    continue
                changed = False
                for motion in found:
                    changed |= record_status(motion, status, on, actor=actor, court=court, source="court_response")
                row.motion_ids = [m.pk for m in found]
                row.result = "updated" if changed else "unchanged"
            audit.record("court_response.imported", office=office, actor=actor, after={
                "rows": len(report.rows), "updated": report.count("updated"),
                "unchanged": report.count("unchanged"), "unknown_case_numbers": report.unknown,
            })
    except MotionError as bad:
        for row in report.rows:
            if row.result in ("updated", "unchanged"):
                row.result, row.message = "error", f"not applied: {bad}"
        report.message = f"Nothing was imported: {bad}"
        return report
    report.applied = True
    report.message = (f"{report.count('updated')} row(s) applied, {report.count('unchanged')} already recorded, "
                      f"{report.count('unknown')} unknown case number(s).")
    return report


# --- office templates -------------------------------------------------------------------------------


def upload_template(office, *, actor, name: str, relief_type: str, content: bytes) -> MotionTemplate:
    """Store an office's fillable PDF as a new version; the mapping carries over where fields match."""
    if relief_type not in RELIEF_TYPES:
        raise MotionError(f"Unknown relief type {relief_type!r}.")
    try:
        fields = list_fields(content)
    except Exception as error:  # noqa: BLE001 - pypdf raises many kinds on a bad file; the user gets one
        raise MotionError(f"This file could not be read as a PDF form ({type(error).__name__}).") from error
    if not fields:
        raise MotionError("This PDF has no fillable fields; upload the fillable (AcroForm) version.")
    previous = MotionTemplate.objects.for_office(office).filter(name=name).order_by("-version").first()
    suggested = suggest_mapping(fields)
    names = {f.name for f in fields}
    mapping = {**suggested, **{k: v for k, v in (previous.mapping if previous else {}).items() if k in names}}
    with transaction.atomic():
        template = MotionTemplate(
            office=office, name=name, relief_type=relief_type, sha256=hashlib.sha256(content).hexdigest(),
            version=(previous.version + 1) if previous else 1,
            fields=[{"name": f.name, "type": f.type, "export_values": list(f.export_values), "page": f.page}
                    for f in fields],
            mapping=mapping, created_by=actor,
        )
        template.pdf.save(f"{relief_type}_{template.version}.pdf", ContentFile(content), save=False)
        template.save()
        # One form per relief type is in use at a time: the newest upload replaces the others.
        MotionTemplate.objects.for_office(office).filter(relief_type=relief_type).exclude(pk=template.pk).update(
            active=False)
        audit.record("motion_template.uploaded", office=office, actor=actor, obj=template, after={
            "name": name, "relief_type": relief_type, "version": template.version, "sha256": template.sha256,
            "fields": len(fields), "suggested_mapping": mapping,
        })
    return template


def sample_case(relief_type: str, signed_on: date | None = None) -> MotionCase:
    """A made-up person for previews, so an admin can check a mapping before any real case exists."""
    counts = {
        PROP64_FELONY: [(1, "HS 11359", "felony", "reduce to misdemeanor", "HS 11361.8(f)"),
                        (2, "HS 11357(a)", "felony", "dismiss and seal", "HS 11361.8(f)")],
        PROP64_MISDEMEANOR: [(1, "HS 11357(b)", "misdemeanor", "dismiss and seal", "HS 11361.8(e), (f)"),
                             (2, "HS 11360(b)", "misdemeanor", "dismiss and seal", "HS 11361.8(e), (f)")],
        PC1203_4: [(1, "PC 488", "misdemeanor", "dismiss", "PC 1203.4(a)(1)")],
        PC17B: [(1, "PC 496(a)", "felony", "reduce to misdemeanor", "PC 17(b)(3)")],
        PROP47: [(1, "HS 11350(a)", "felony", "reduce to misdemeanor", "PC 1170.18(f)")],
    }[relief_type]
    return MotionCase(
        relief_type=relief_type, court_name="Superior Court of California, County of Sample",
        court_county="Sample", case_number="SAMPLE-0001", defendant_name="SAMPLE, PERSON",
        aliases=["PERSON Q. SAMPLE"], dob=date(1980, 1, 1), cii="A00000000",
        counts=[MotionCount(*c) for c in counts], conviction_date=date(2010, 6, 1),
        track="redesignation" if relief_type in (PROP64_FELONY, PROP47) else "",
        signed_on=signed_on or timezone.localdate(),
    )


def save_mapping(template: MotionTemplate, mapping: dict[str, str], *, actor) -> MotionTemplate:
    """Check the mapping by filling the form for the sample person, then store it."""
    mapping = {k: v.strip() for k, v in mapping.items() if v and v.strip()}
    known = {f["name"] for f in template.fields}
    unknown = sorted(set(mapping) - known)
    if unknown:
        raise MotionError(f"The form has no field(s) {', '.join(unknown)}.")
    preview_pdf(template, mapping=mapping)  # raises MotionError with the form's own complaint
    before = template.mapping
    with transaction.atomic():
        template.mapping = mapping
        template.save(update_fields=["mapping"])
        audit.record("motion_template.mapping_saved", office=template.office, actor=actor, obj=template,
                     before=before, after=mapping)
    return template


def preview_pdf(template: MotionTemplate, *, mapping=None, motion: Motion | None = None, attorney=None) -> bytes:
    """The template filled for a sample (or a real motion's) person, as it would be generated."""
    if motion is not None:
        case = motion_case(motion, backing_decisions(motion) or list(motion.decisions.all()))
        office = office_data(motion.office)
        signer = attorney_data(motion.sign_off, with_signature=False)
    else:
        case = sample_case(template.relief_type)
        office = office_data(template.office)
        user = attorney
        signer = Attorney(name=(user.get_full_name() if user else "") or "Sample Attorney",
                          bar_number=(user.bar_number if user else "") or "000000")
    with template.pdf.open("rb") as fh:
        form = fh.read()
    try:
        return fill_with_mapping(form, template.mapping if mapping is None else mapping, case, office, signer)
    except FormFillError as bad:
        raise MotionError(str(bad)) from bad


def mapping_choices(template: MotionTemplate) -> list[str]:
    """The data items an admin can pick from, including one box per Prop 64 section."""
    items = data_items(sample_case(template.relief_type), office_data(template.office), Attorney("x", "x"))
    return sorted(items) + ["const:true", "const:"]


# --- signatures ----------------------------------------------------------------------------------

MAX_SIGNATURE_BYTES = 2 * 1024 * 1024


def save_signature(user, content: bytes, file_name: str) -> AttorneySignature:
    if len(content) > MAX_SIGNATURE_BYTES:
        raise MotionError("The signature image is larger than 2 MB.")
    try:
        from PIL import Image

        with Image.open(io.BytesIO(content)) as image:
            image.verify()
            kind = image.format
    except Exception as error:  # noqa: BLE001 - any unreadable image is the same answer to the user
        raise MotionError("This file is not a PNG or JPEG image.") from error
    if kind not in ("PNG", "JPEG"):
        raise MotionError("Upload the signature as a PNG or JPEG image.")
    digest = hashlib.sha256(content).hexdigest()
    with transaction.atomic():
        signature, _ = AttorneySignature.objects.get_or_create(attorney=user, defaults={"office": user.office})
        old = signature.image.name if signature.image else ""
        signature.image.save(f"{user.pk}_{digest[:12]}.{kind.lower()}", ContentFile(content), save=False)
        signature.save()
        audit.record("signature.uploaded", office=user.office, actor=user, obj=signature,
                     before={"file": old}, after={"file": signature.image.name, "sha256": digest})
    return signature


def remove_signature(user) -> None:
    signature = AttorneySignature.objects.filter(attorney=user).first()
    if signature is None:
        return
    with transaction.atomic():
        audit.record("signature.removed", office=user.office, actor=user, obj=signature,
                     before={"file": signature.image.name})
        signature.delete()
