"""The office policy: previewed before saving, versioned, audited, imported and exported."""

import datetime as dt
import json

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditEvent
from eligibility.models import Determination, OfficePolicy, PolicyPreview
from eligibility.services import current_policy, evaluate_people
from intake.services.records import save_record
from tests import factories
from tests.eligibility import builders

CFA_OPTIONS = "/work/shared/reference/doj-samples/eligibility_options.json"


def _person_with_11359_felony(office):
    record = builders.person(builders.case(builders.conv("HS 11359", "F", "2010-06-01", "3Y probation")),
                             dob="1980-01-01", key=f"P{office.pk}")
    source = factories.make_source_file(office)
    saved = save_record(source, record)
    evaluate_people([saved.person.pk], as_of=dt.date(2026, 1, 15))
    return saved.person


@pytest.fixture
def admin(client_for, users):
    return client_for(users["officeadmin"])


def test_a_change_is_previewed_with_the_people_and_counts_it_moves(admin, office, django_capture_on_commit_callbacks):
    _person_with_11359_felony(office)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(reverse("eligibility:preview_create"), {"prop64_hs_11359": "dismiss"})
    preview = PolicyPreview.objects.get()
    assert response["Location"] == reverse("eligibility:preview", args=[preview.pk])
    assert preview.status == PolicyPreview.Status.DONE, preview.message
    assert preview.result["people_moved"] == 1
    assert preview.result["determinations_moved"] >= 1
    assert any("HS 11361.8: reduce → dismiss" in t for t, _n in preview.result["transitions"])
    assert OfficePolicy.objects.count() == 0, "a preview never changes the policy in force"
    page = admin.get(response["Location"])
    assert b"people whose relief changes" in page.content


def test_saving_makes_a_new_version_audits_it_and_reevaluates(admin, office, django_capture_on_commit_callbacks):
    person = _person_with_11359_felony(office)
    preview = PolicyPreview.objects.create(office=office, draft={"prop64_action": {"HS 11359": "dismiss"}},
                                           created_by=office.users.get(username="officeadmin"))
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(reverse("eligibility:preview_save", args=[preview.pk]), {"note": "board decision 2026-11"})
    saved = OfficePolicy.objects.get()
    assert saved.version == 1 and saved.note == "board decision 2026-11"
    assert current_policy(office)[1] == saved.label
    assert AuditEvent.objects.filter(action="policy.saved").exists()
    prop64 = Determination.objects.get(person=person, relief="HS 11361.8", current=True)
    assert prop64.outcome == "dismiss" and prop64.policy_version == saved.label


def test_the_earlier_tools_options_file_imports_into_a_preview(admin, office, django_capture_on_commit_callbacks):
    with open(CFA_OPTIONS, "rb") as handle:
        upload = SimpleUploadedFile("eligibility_options.json", handle.read())
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(reverse("eligibility:import"), {"file": upload})
    draft = PolicyPreview.objects.get().draft
    assert draft["prop64_action"] == {"HS 11357": "dismiss", "HS 11358": "dismiss", "HS 11359": "reduce",
                                      "HS 11360": "reduce"}
    assert draft["age_over"] == 57 and draft["years_since_conviction"] == 10 and draft["deceased"] is True


def test_a_bad_import_says_why_and_changes_nothing(admin):
    response = admin.post(reverse("eligibility:import"), {"file": SimpleUploadedFile("p.json", b"{not json")},
                          follow=True)
    assert b"not a policy we can read" in response.content
    assert PolicyPreview.objects.count() == 0


def test_export_round_trips_through_import(admin, office):
    response = admin.get(reverse("eligibility:export"))
    data = json.loads(response.content)
    assert data["version"] == "law-minimum"


@pytest.mark.parametrize("username", ["paralegal", "attorney", "supervisor"])
def test_only_the_office_admin_changes_the_policy(client_for, users, username):
    client = client_for(users[username])
    assert client.post(reverse("eligibility:preview_create"), {}).status_code == 403


def test_nightly_reevaluation_picks_people_whose_waiting_period_ended(office, django_capture_on_commit_callbacks):
    from eligibility.tasks import reevaluate_due

    record = builders.person(builders.case(builders.conv("PC 647(f)", "M", "2025-06-10", "10D jail")),
                             dob="1980-01-01", key="W1")
    saved = save_record(factories.make_source_file(office), record)
    evaluate_people([saved.person.pk], as_of=dt.date(2026, 1, 15))
    waiting = Determination.objects.get(person=saved.person, relief="PC 1203.4a", current=True)
    assert waiting.outcome == "not_yet_eligible" and waiting.eligible_on == dt.date(2026, 6, 10)
    with time_machine.travel(dt.datetime(2026, 6, 9, 20, tzinfo=dt.UTC), tick=False):
        assert reevaluate_due() == 0, "the day before eligibility: nothing to do"
    with time_machine.travel(dt.datetime(2026, 6, 10, 20, tzinfo=dt.UTC), tick=False), \
            django_capture_on_commit_callbacks(execute=True):
        assert reevaluate_due() == 1
    now = Determination.objects.get(person=saved.person, relief="PC 1203.4a", current=True)
    assert now.outcome != "not_yet_eligible" and now.as_of == dt.date(2026, 6, 10)


def test_a_failed_re_evaluation_leaves_the_previous_results_untouched(office, monkeypatch):
    from eligibility import services
    from eligibility.models import PersonEvaluation

    person = _person_with_11359_felony(office)
    before = sorted(Determination.objects.filter(person=person, current=True).values_list("pk", flat=True))

    def broken(**_kwargs):
        raise RuntimeError("the database went away half-way")

    monkeypatch.setattr(PersonEvaluation.objects, "create", broken)
    person.refresh_from_db()
    with pytest.raises(RuntimeError):
        services.store_evaluation(person, services.Policy(county="SAN JOAQUIN", version="v2"), dt.date(2026, 2, 1))
    after = sorted(Determination.objects.filter(person=person, current=True).values_list("pk", flat=True))
    assert after == before, "old determinations stay current, no new ones half-written"
