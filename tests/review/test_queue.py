"""The queue, the person view and the API: filters, counts, permissions, office isolation, query counts."""

import datetime as dt

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from review import services
from review.models import Decision
from tests.factories import make_batch
from tests.review.factories import determination, make_determination, make_person

pytestmark = pytest.mark.django_db


def _ids(response):
    return {d.pk for d in response.context["rows"]}


def test_queue_lists_only_undecided_current_determinations_of_the_office(office, users, other_office, client_for):
    mine = make_determination(office)
    decided = make_determination(office)
    services.decide(decided, users["attorney"], "approve")
    retired = make_determination(office)
    retired.current = False
    retired.save()
    theirs = make_determination(other_office[0])
    response = client_for(users["attorney"]).get(reverse("review:queue"))
    assert response.status_code == 200
    assert _ids(response) == {mine.pk}
    assert theirs.person.name not in response.content.decode() or theirs.person.name == mine.person.name


def test_queue_filters_and_counts(office, users, client_for):
    batch = make_batch(office)
    a = make_determination(office, batch=batch, code_section="HS 11357(b)", disposition_date=dt.date(2010, 5, 1))
    b = make_determination(office, relief="PC 1203.4", outcome="not_eligible", code_section="PC 459", level="felony",
                           county="ALAMEDA", disposition_date=dt.date(2015, 5, 1))
    c = make_determination(office, outcome="needs_review", questions=["plea_bargain", "parse_warning"],
                           code_section="PC 17(b)")
    client = client_for(users["attorney"])
    cases = [
        ({"batch": batch.pk}, {a.pk}),
        ({"relief": "PC 1203.4"}, {b.pk}),
        ({"outcome": "needs_review"}, {c.pk}),
        ({"code_section": "11357"}, {a.pk}),
        ({"county": "alameda"}, {b.pk}),
        ({"level": "felony"}, {b.pk}),
        ({"date_from": "2014-01-01"}, {b.pk}),
        ({"date_to": "2011-01-01"}, {a.pk}),
        ({"question": "parse_warning"}, {c.pk}),
        ({"question": "quantity_unknown"}, set()),
    ]
    for query, expected in cases:
        assert _ids(client.get(reverse("review:queue"), query)) == expected, query
    facets = client.get(reverse("review:queue")).context["facets"]
    assert facets["total"] == 3
    assert {v: n for v, _l, n in facets["outcome"]}["needs_review"] == 1
    assert {v: n for v, _l, n in facets["question"]}["plea_bargain"] == 1
    assert {v: n for v, _l, n in facets["level"]}["felony"] == 1


def test_queue_sorts_and_paginates_on_the_server(office, users, client_for):
    for name in ("CHARLIE", "ALPHA", "BRAVO"):
        make_determination(office, person=make_person(office, name=name))
    client = client_for(users["attorney"])
    names = [d.person.name for d in client.get(reverse("review:queue"), {"sort": "name"}).context["rows"]]
    assert names == ["ALPHA", "BRAVO", "CHARLIE"]
    second = client.get(reverse("review:queue"), {"sort": "person", "size": 25, "page": 1})
    assert second.context["pages"] == 1
    for _ in range(30):
        make_determination(office)
    page2 = client.get(reverse("review:queue"), {"size": 25, "page": 2})
    assert len(page2.context["rows"]) == 8 and page2.context["pages"] == 2


@pytest.mark.parametrize("size", [25, 100])
def test_queue_query_count_does_not_grow_with_the_page(office, users, client_for, django_assert_max_num_queries,
                                                       size):
    batches = [make_batch(office) for _ in range(3)]
    for i in range(size):
        make_determination(office, batch=batches[i % 3], questions=["plea_bargain"] if i % 5 == 0 else (),
                           outcome="needs_review" if i % 5 == 0 else "dismiss")
    client = client_for(users["attorney"])
    client.get(reverse("review:queue"))  # warm the session
    with django_assert_max_num_queries(8):
        response = client.get(reverse("review:queue"), {"size": size})
    assert len(response.context["rows"]) == size


def test_person_view_shows_identity_history_sources_and_is_audited(office, users, client_for):
    person = make_person(office, name="GARCIA,MARIA")
    person.aliases = ["GARCIA,MARY"]
    person.save()
    refs = [["sheet.pdf", 41, 3, "CNT:01 #12345 11357(b) HS-POSSESS MARIJUANA"],
            ["sheet.pdf", 42, 3, "  DISPO:CONVICTED CONV STATUS:MISDEMEANOR"]]
    d = determination(person, questions=[], source_refs=refs)
    d.reasons = ["Possession of not more than 28.5 g is dismissed and sealed (HS 11361.8(e))"]
    d.save()
    response = client_for(users["attorney"]).get(reverse("review:person", args=[person.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    for text in ("GARCIA,MARIA", "GARCIA,MARY", person.cii, "1980-01-01", "line 41", "DISPO:CONVICTED",
                 "HS 11361.8(e)", "Rules 2026.1", "as of 2026-01-15", "#page=3", "Approve"):
        assert text in html, text
    source = person.current_snapshot.source_file
    assert reverse("intake:file_original", args=[source.pk]) + "#page=3" in html
    assert AuditEvent.objects.filter(action="person.viewed", object_id=str(person.pk)).count() == 1


def test_paralegal_sees_people_but_cannot_decide(office, users, client_for):
    d = make_determination(office)
    client = client_for(users["paralegal"])
    page = client.get(reverse("review:person", args=[d.person_id]))
    assert page.status_code == 200
    assert reverse("review:decide", args=[d.pk]).encode() not in page.content
    forbidden = [
        ("get", reverse("review:queue"), {}),
        ("post", reverse("review:decide", args=[d.pk]), {"action": "approve"}),
        ("get", reverse("review:bulk_approve"), {}),
        ("post", reverse("review:bulk_approve"), {"expected": 1}),
        ("get", reverse("review:triage"), {}),
        ("get", reverse("review:sign_off") + f"?person={d.person_id}", {}),
        ("get", reverse("api-determinations"), {}),
        ("post", reverse("api-decision-create", args=[d.pk]), {"action": "approve"}),
    ]
    for method, url, data in forbidden:
        assert getattr(client, method)(url, data).status_code == 403, url
    assert not Decision.objects.exists()


@pytest.mark.parametrize("role", ["supervisor", "officeadmin"])
def test_other_roles_cannot_decide(office, users, client_for, role):
    d = make_determination(office)
    client = client_for(users[role])
    assert client.post(reverse("review:decide", args=[d.pk]), {"action": "approve"}).status_code == 403
    assert client.post(reverse("api-decision-create", args=[d.pk]), {"action": "approve"},
                       content_type="application/json").status_code == 403
    assert not Decision.objects.exists()


def test_officeadmin_cannot_view_people(office, users, client_for):
    d = make_determination(office)
    client = client_for(users["officeadmin"])
    assert client.get(reverse("review:person", args=[d.person_id])).status_code == 403
    assert client.get(reverse("api-person", args=[d.person_id])).status_code == 403


def test_another_offices_objects_are_404_and_never_listed(office, users, other_office, client_for):
    theirs = make_determination(other_office[0], outcome="dismiss")
    their_decision = services.decide(make_determination(other_office[0]), other_office[1], "approve")
    their_batch = make_batch(other_office[0])
    client = client_for(users["attorney"])
    assert client.get(reverse("review:person", args=[theirs.person_id])).status_code == 404
    assert client.post(reverse("review:decide", args=[theirs.pk]), {"action": "approve"}).status_code == 404
    assert client.post(reverse("review:undo", args=[their_decision.pk])).status_code == 404
    assert client.get(reverse("api-person", args=[theirs.person_id])).status_code == 404
    assert client.post(reverse("api-decision-create", args=[theirs.pk]), {"action": "approve"},
                       content_type="application/json").status_code == 404
    assert client.get(reverse("review:sign_off") + f"?batch={their_batch.pk}").status_code == 404
    assert client.get(reverse("api-determinations")).json()["count"] == 0
    # Bulk approve with another office's batch: the filter refuses the choice, nothing is decided.
    client.post(reverse("review:bulk_approve"), {"batch": their_batch.pk, "expected": 0})
    client.get(reverse("review:bulk_approve"), {"batch": their_batch.pk})
    assert Decision.objects.filter(office=office).count() == 0
    assert not Decision.objects.filter(determination=theirs).exists()


def test_api_lists_reads_and_decides(office, users, client_for):
    batch = make_batch(office)
    d = make_determination(office, batch=batch, source_refs=[["doj.csv", 7, None, "row 7"]])
    make_determination(office, outcome="needs_review", questions=["plea_bargain"])
    client = client_for(users["attorney"])
    listed = client.get(reverse("api-determinations"), {"batch": batch.pk}).json()
    assert listed["count"] == 1 and listed["results"][0]["id"] == d.pk
    assert listed["results"][0]["reasons"] and listed["results"][0]["engine_disagrees"] is False
    assert client.get(reverse("api-determinations"), {"question": "plea_bargain"}).json()["count"] == 1
    made = client.post(reverse("api-decision-create", args=[d.pk]),
                       {"action": "reduce_infraction", "reason": "Per policy"}, content_type="application/json")
    assert made.status_code == 201
    assert made.json()["final_outcome"] == "reduce" and made.json()["final_reduce_to"] == "infraction"
    person = client.get(reverse("api-person", args=[d.person_id])).json()
    count = person["counts"][0]
    assert count["source_refs"] == [["doj.csv", 7, None, "row 7"]]
    assert count["determinations"][0]["decision"]["action"] == "reduce_infraction"
    assert AuditEvent.objects.filter(action="person.viewed", object_id=str(d.person_id)).exists()
    assert client.get(reverse("api-determinations")).json()["count"] == 1  # decided one left the queue


def test_api_needs_a_login(client):
    assert client.get(reverse("api-determinations")).status_code in (401, 403)


def test_openapi_schema_documents_the_review_endpoints(users, client_for):
    schema = client_for(users["attorney"]).get(reverse("api-schema"), {"format": "json"}).json()
    paths = schema["paths"]
    assert "/api/determinations/" in paths
    assert "post" in paths["/api/determinations/{determination_id}/decision/"]
    assert "/api/persons/{person_id}/" in paths
    params = {p["name"] for p in paths["/api/determinations/"]["get"]["parameters"]}
    assert {"batch", "relief", "outcome", "code_section", "question", "level"} <= params
