"""A small office whose dashboard figures are known by hand (see ``EXPECTED`` and the people below).

Batch "January" (RAP sheets, uploaded 2026-01-10) and batch "March" (DOJ file, 2026-03-05).

  P1  two felonies: one reduce (motion filed, pending), one dismiss (motion granted)
      -> no felony if granted; not yet (the reduction is pending); a conviction stays (reduced)
  P2  felony + misdemeanor, both dismissed, one motion granted -> no felony and no conviction, both ways
  P3  two felonies: one approved, one overridden to not eligible -> a felony stays
  P4  one misdemeanor, engine proposes dismiss + seal, approved; its motion was denied
      -> no conviction if granted, not so far; never had a felony
  P5  one felony, decision deferred -> nothing
  P6  felony already dismissed (not counted) + misdemeanor dismissed, motion granted as modified
      -> no conviction both ways; had no standing felony
  P7  felony on an older snapshot (not the current record) + misdemeanor whose decision was undone -> nothing
  P8  (March batch, Sacramento court) felony reduced by override, motion granted -> no felony both ways
  F1..F12  one misdemeanor each, eligible under PC 1203.4, no decision yet
"""

import datetime as dt
import hashlib
import itertools
from zoneinfo import ZoneInfo

from dashboard import outcomes
from eligibility.models import Determination, PersonEvaluation
from intake.models import Batch, Case, Count, Person, RecordSnapshot, SourceFile, SourceKind
from motions.models import Motion
from review.models import Decision, SignOff

PACIFIC = ZoneInfo("America/Los_Angeles")
_seq = itertools.count(1)

EXPECTED = {
    "records": {"rap_sheets": 20, "doj_subjects": 1, "people": 20},
    "evaluated": {"convictions": 23, "eligible": 23, "people": 20, "eligible_people": 20},
    "determinations": {"evaluated": 23, "eligible": 23, "approved": 7, "overridden": 2, "deferred": 1,
                       "undecided": 13, "seal": 1},
    "motions": {"created": 7, "filed": 6, "granted": 4, "modified": 1, "denied": 1, "pending": 1, "not_filed": 1},
    "people": {"with_conviction": 20, "with_felony": 5, "no_felony_if_granted": 3, "no_felony_granted": 2,
               "no_conviction_if_granted": 3, "no_conviction_granted": 2},
    "engine": {"no_felony": 2, "no_conviction": 1},
}
EXPECTED_MARCH = {
    "records": {"rap_sheets": 0, "doj_subjects": 1, "people": 1},
    "motions": {"created": 1, "filed": 1, "granted": 1},
    "people": {"with_conviction": 1, "with_felony": 1, "no_felony_if_granted": 1, "no_felony_granted": 1,
               "no_conviction_if_granted": 0, "no_conviction_granted": 0},
}


def _at(day: dt.date, hour=10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=PACIFIC)


class Builder:
    def __init__(self, office, user):
        self.office, self.user = office, user
        self.january = self.batch("January", SourceKind.RAP_SHEET, dt.date(2026, 1, 10))
        self.march = self.batch("March", SourceKind.DOJ, dt.date(2026, 3, 5))

    def batch(self, name, kind, day):
        batch = Batch.objects.create(office=self.office, kind=kind, name=name, created_by=self.user,
                                     status=Batch.Status.DONE)
        Batch.objects.filter(pk=batch.pk).update(created_at=_at(day), finished_at=_at(day, 11))
        batch.refresh_from_db()
        return batch

    def snapshot(self, person, batch, *, current=True):
        source = SourceFile.objects.create(
            office=self.office, batch=batch, kind=batch.kind, original_name="file.txt",
            sha256=hashlib.sha256(f"{self.office.pk}-{next(_seq)}".encode()).hexdigest(), uploaded_by=self.user,
        )
        snapshot = RecordSnapshot.objects.create(office=self.office, person=person, source_file=source,
                                                 subject_key=f"S{next(_seq)}", record={})
        RecordSnapshot.objects.filter(pk=snapshot.pk).update(created_at=batch.created_at)
        if current:
            person.current_snapshot = snapshot
            person.save(update_fields=["current_snapshot"])
        return snapshot

    def person(self, name, batch=None, *, race="Black", sex="F"):
        person = Person.objects.create(office=self.office, name=name, cii=f"C{next(_seq):08d}",
                                       dob=dt.date(1975, 6, 1), race=race, sex=sex)
        self.snapshot(person, batch or self.january)
        return person

    def count(self, person, level, section, *, disposition="convicted", county="SAN JOAQUIN", snapshot=None):
        snapshot = snapshot or person.current_snapshot
        case = Case.objects.create(office=self.office, person=person, snapshot=snapshot, case_number=f"SJ{next(_seq)}",
                                   county=county, court=f"{county} SUPERIOR", event_date=dt.date(2010, 1, 1),
                                   cycle_index=0, event_index=0)
        return Count.objects.create(office=self.office, person=person, case=case, count_index=0, number=1,
                                    code_section=section, level=level, convicted=True,
                                    conviction_date=dt.date(2010, 2, 1), disposition=disposition)

    def determination(self, count, relief, outcome, *, batch=None, seal=False, reduce_to=""):
        return Determination.objects.create(
            office=self.office, person=count.person, snapshot=count.case.snapshot, count=count,
            batch=batch or self.january, relief=relief, outcome=outcome, seal=seal, reduce_to=reduce_to,
            code_section=count.code_section, level=count.level, case_number=count.case.case_number,
            court_county=count.case.county, count_number=count.number, reasons=["seeded"], rule_set_version="t",
            policy_version="t", as_of=dt.date(2026, 1, 15), input_hash="0" * 64,
        )

    def decide(self, determination, action, final_outcome, *, sign_off=None, active=True):
        return Decision.objects.create(
            office=self.office, determination=determination, person=determination.person, action=action,
            final_outcome=final_outcome, decided_by=self.user, active=active, sign_off=sign_off,
        )

    def sign_off(self, batch, days_after, *, reopened=False):
        sign_off = SignOff.objects.create(office=self.office, attorney=self.user, bar_number="123456", scope="batch",
                                          batch=batch, content_hash="0" * 64, content={})
        signed = batch.created_at + dt.timedelta(days=days_after)
        SignOff.objects.filter(pk=sign_off.pk).update(signed_at=signed, reopened_at=signed if reopened else None)
        return sign_off

    def motion(self, sign_off, decisions, status, *, batch=None, filed=True, relief="PC 1203.4"):
        first = decisions[0]
        motion = Motion.objects.create(
            office=self.office, person=first.person, sign_off=sign_off, batch=batch or self.january,
            relief_type=relief, case_number=f"M{next(_seq)}", court_county="SAN JOAQUIN", status=status,
            filed_on=dt.date(2026, 2, 1) if filed else None,
            ruled_on=dt.date(2026, 3, 1) if status in ("granted", "modified", "denied") else None,
        )
        motion.decisions.set(decisions)
        return motion

    def evaluation(self, person, *, has_felony, no_felony, no_conviction, current=True):
        return PersonEvaluation.objects.create(
            office=self.office, person=person, snapshot=person.current_snapshot, has_felony=has_felony,
            has_conviction=True, no_felony_after_relief=no_felony, no_conviction_after_relief=no_conviction,
            rule_set_version="t", policy_version="t", as_of=dt.date(2026, 1, 15), input_hash="0" * 64,
            current=current,
        )


def build_known_office(office, user) -> Builder:
    """Seed ``office`` with the data set described above; returns the builder (batches on it)."""
    b = Builder(office, user)
    early, late, reopened = b.sign_off(b.january, 2), b.sign_off(b.january, 5), b.sign_off(b.january, 9, reopened=True)
    march_sign_off = b.sign_off(b.march, 1)

    p1 = b.person("ONE,PERSON")
    d = b.determination(b.count(p1, "felony", "PC 487"), "PC 17(b)", "reduce", reduce_to="misdemeanor")
    p1_reduce = b.decide(d, "approve", "reduce", sign_off=early)
    p1_dismiss = b.decide(b.determination(b.count(p1, "felony", "PC 459"), "PC 1203.4", "dismiss"), "approve",
                          "dismiss", sign_off=early)
    b.motion(early, [p1_dismiss], "granted")
    b.motion(early, [p1_reduce], "filed", relief="PC 17(b)")

    p2 = b.person("TWO,PERSON")
    p2_decisions = [
        b.decide(b.determination(b.count(p2, "felony", "PC 459"), "PC 1203.4", "dismiss"), "approve", "dismiss",
                 sign_off=early),
        b.decide(b.determination(b.count(p2, "misdemeanor", "PC 484"), "PC 1203.4", "dismiss"), "approve", "dismiss",
                 sign_off=early),
    ]
    b.motion(early, p2_decisions, "granted")

    p3 = b.person("THREE,PERSON")
    p3_ok = b.decide(b.determination(b.count(p3, "felony", "PC 459"), "PC 1203.4", "dismiss"), "approve", "dismiss",
                     sign_off=late)
    b.decide(b.determination(b.count(p3, "felony", "PC 459"), "PC 1203.4", "dismiss"), "not_eligible",
             "not_eligible", sign_off=late)
    b.motion(late, [p3_ok], "draft", filed=False)

    p4 = b.person("FOUR,PERSON")
    p4_decision = b.decide(b.determination(b.count(p4, "misdemeanor", "HS 11357(b)"), "HS 11361.8", "dismiss",
                                           seal=True), "approve", "dismiss", sign_off=late)
    b.motion(late, [p4_decision], "denied", relief="HS 11361.8")

    p5 = b.person("FIVE,PERSON")
    b.decide(b.determination(b.count(p5, "felony", "PC 459"), "PC 1203.4", "dismiss"), "defer", "dismiss")

    p6 = b.person("SIX,PERSON")
    b.count(p6, "felony", "PC 459", disposition="dismissed")
    p6_decision = b.decide(b.determination(b.count(p6, "misdemeanor", "PC 484"), "PC 1203.4", "dismiss"), "approve",
                           "dismiss", sign_off=late)
    b.motion(late, [p6_decision], "modified")

    p7 = b.person("SEVEN,PERSON")
    old = b.snapshot(p7, b.january, current=False)
    b.count(p7, "felony", "PC 459", snapshot=old)
    b.decide(b.determination(b.count(p7, "misdemeanor", "PC 484"), "PC 1203.4", "dismiss"), "approve", "dismiss",
             sign_off=reopened, active=False)

    p8 = b.person("EIGHT,PERSON", b.march)
    d = b.determination(b.count(p8, "felony", "PC 487", county="SACRAMENTO"), "PC 17(b)", "reduce",
                        batch=b.march, reduce_to="misdemeanor")
    b.motion(march_sign_off, [b.decide(d, "reduce_misdemeanor", "reduce", sign_off=march_sign_off)], "granted",
             batch=b.march, relief="PC 17(b)")

    for i in range(12):
        filler = b.person(f"FILLER,{i:02d}", race="Hispanic", sex="M")
        b.determination(b.count(filler, "misdemeanor", "PC 484"), "PC 1203.4", "dismiss")

    b.evaluation(p1, has_felony=True, no_felony=True, no_conviction=False)
    b.evaluation(p2, has_felony=True, no_felony=True, no_conviction=True)
    b.evaluation(p3, has_felony=True, no_felony=False, no_conviction=False)
    b.evaluation(p3, has_felony=True, no_felony=True, no_conviction=True, current=False)
    outcomes.rebuild(office)  # seeded straight into the tables, past the services that refresh the dashboard
    return b
