"""The same person across files: CII first, then name + DOB; every match shown and reversible."""

import pytest
from django.urls import reverse

from eligibility.engine.record import Name
from intake.models import Person, PersonMerge, RecordSnapshot
from intake.services.records import save_record, undo_merge
from tests import factories
from tests.eligibility import builders


def _record(key, cii="", name="DOE,JANE", dob="1980-01-01"):
    record = builders.person(builders.case(builders.conv("HS 11357(b)", "M", "2012-01-01")), dob=dob, key=key)
    record.cii = cii
    record.names = [Name("01", name)]
    return record


@pytest.mark.django_db
def test_same_cii_in_two_files_is_one_person(office):
    first = save_record(factories.make_source_file(office), _record("1", cii="A11111111"))
    second = save_record(factories.make_source_file(office), _record("2", cii="A11111111", name="DOE,J"))
    assert first.person == second.person
    merge = PersonMerge.objects.get()
    assert merge.method == "cii" and merge.confidence == 1
    assert second.person.current_snapshot == second.snapshot


@pytest.mark.django_db
def test_same_name_and_dob_without_cii_is_matched_with_lower_confidence(office):
    first = save_record(factories.make_source_file(office), _record("1"))
    second = save_record(factories.make_source_file(office), _record("2"))
    assert first.person == second.person
    assert PersonMerge.objects.get().method == "name_dob"
    assert PersonMerge.objects.get().confidence < 1


@pytest.mark.django_db
def test_different_dob_is_a_different_person(office):
    save_record(factories.make_source_file(office), _record("1"))
    save_record(factories.make_source_file(office), _record("2", dob="1981-01-01"))
    assert Person.objects.count() == 2 and not PersonMerge.objects.exists()


@pytest.mark.django_db
def test_undo_splits_the_record_back_out(office, users):
    first = save_record(factories.make_source_file(office), _record("1"))
    second = save_record(factories.make_source_file(office), _record("2"))
    split = undo_merge(PersonMerge.objects.get(), users["paralegal"])
    assert split != first.person
    assert RecordSnapshot.objects.get(pk=second.snapshot.pk).person == split
    assert Person.objects.get(pk=first.person.pk).current_snapshot == first.snapshot
    assert PersonMerge.objects.get().undone_at is not None


def test_the_matches_page_lists_and_undoes(client_for, users, office, django_capture_on_commit_callbacks):
    save_record(factories.make_source_file(office), _record("1"))
    save_record(factories.make_source_file(office), _record("2"))
    client = client_for(users["paralegal"])
    page = client.get(reverse("intake:merge_list"))
    assert b"Same name and date of birth" in page.content
    merge = PersonMerge.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("intake:merge_undo", args=[merge.pk]))
    assert Person.objects.count() == 2
