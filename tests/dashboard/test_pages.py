"""Who may see the dashboard, what the page and its downloads hold, and the audited exports."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from audit.models import AuditEvent
from dashboard.exports import RESEARCH_COLUMNS, office_research_key, person_hash
from intake.models import Person
from tests.dashboard.factories import EXPECTED, build_known_office

HOME = reverse("dashboard:home")
MARCH = "?start=2026-03-01&end=2026-03-31"


@pytest.fixture
def known(demo):
    office, users = demo
    return build_known_office(office, users["attorney"])


@pytest.fixture
def supervisor(client_for, users):
    return client_for(users["supervisor"])


def test_supervisor_sees_the_figures_and_the_definitions(known, supervisor):
    response = supervisor.get(HOME)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-figure="no_felony_if_granted">3<' in html
    assert 'data-figure="no_conviction_granted">2<' in html
    assert "If every engine proposal were granted" in html
    assert html.count('role="img"') >= 6 and html.count("<desc") == html.count('role="img"')


def test_date_range_narrows_the_page(known, supervisor):
    html = supervisor.get(HOME + MARCH).content.decode()
    assert 'data-figure="people">1<' in html
    assert 'data-figure="motions_created">1<' in html
    assert f'href="{reverse("dashboard:export_csv")}{MARCH.replace("&", "&amp;")}"' in html


def test_a_bad_range_shows_all_time_with_the_error(known, supervisor):
    response = supervisor.get(HOME + "?start=2026-04-01&end=2026-03-01")
    assert "The start date is after the end date." in response.content.decode()
    assert response.context["report"].figures["people"] == response.context["report"].figures["people"] | EXPECTED["people"]


def test_another_offices_batch_cannot_be_chosen(known, supervisor, other_office):
    office_b, user_b = other_office
    other = build_known_office(office_b, user_b)
    response = supervisor.get(HOME + f"?batch={other.march.pk}")
    assert response.context["form"].errors
    assert response.context["report"].figures["records"] == EXPECTED["records"]


@pytest.mark.parametrize("username", ["paralegal", "attorney", "officeadmin"])
def test_other_roles_get_403_until_the_office_grants_them(demo, client_for, users, username):
    client = client_for(users[username])
    for name in ("home", "export_csv", "export_xlsx", "summary_pdf"):
        assert client.get(reverse(f"dashboard:{name}")).status_code == 403
    assert client.post(reverse("dashboard:research_export")).status_code == 403


def test_office_admin_grants_and_revokes_attorneys_with_an_audit_trail(demo, client_for, users):
    office, _ = demo
    admin = client_for(users["officeadmin"])
    assert admin.get(reverse("dashboard:access")).status_code == 200
    admin.post(reverse("dashboard:access"), {"roles": ["attorney"]})
    office.refresh_from_db()
    assert office.dashboard_roles == ["attorney"]
    event = AuditEvent.objects.get(action="dashboard.access_changed")
    assert (event.before, event.after) == ({"dashboard_roles": []}, {"dashboard_roles": ["attorney"]})

    attorney = client_for(users["attorney"])
    assert attorney.get(HOME).status_code == 200
    # A granted attorney sees the numbers but may not take the research export.
    assert attorney.post(reverse("dashboard:research_export")).status_code == 403

    admin = client_for(users["officeadmin"])
    admin.post(reverse("dashboard:access"), {})
    attorney = client_for(users["attorney"])
    assert attorney.get(HOME).status_code == 403
    assert AuditEvent.objects.filter(action="dashboard.access_changed").count() == 2


def test_only_the_office_admin_manages_access(client_for, users):
    for username in ("supervisor", "attorney", "paralegal"):
        assert client_for(users[username]).get(reverse("dashboard:access")).status_code == 403


def test_supervisor_of_office_b_sees_only_office_b(known, client, other_office):
    office_b, user_b = other_office
    client.force_login(user_b)
    figures = client.get(HOME).context["report"].figures
    assert figures["records"] == {"rap_sheets": 0, "doj_subjects": 0, "people": 0}
    assert figures["people"]["with_conviction"] == 0


def test_csv_holds_every_table_with_suppression(known, supervisor):
    response = supervisor.get(reverse("dashboard:export_csv"))
    assert response["Content-Disposition"].startswith('attachment; filename="outcomes-demo-')
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert ["Race/ethnicity (as recorded)", "People", "Share"] in rows
    assert ["Black", "<10", "—"] in rows
    assert ["No felony left", "3", "2", "2", "5"] in rows


def test_xlsx_has_a_sheet_per_table(known, supervisor):
    book = load_workbook(io.BytesIO(supervisor.get(reverse("dashboard:export_xlsx")).content))
    assert {"About", "people", "relief", "race", "throughput"} <= set(book.sheetnames)
    people = [list(r) for r in book["people"].iter_rows(min_row=3, values_only=True)]
    assert people[1] == ["No conviction left", 3, 2, 1, 20]


def test_pdf_summary_is_one_page(known, supervisor):
    response = supervisor.get(reverse("dashboard:summary_pdf") + MARCH)
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    assert "No felony left" in reader.pages[0].extract_text()


def test_research_export_is_de_identified_stable_and_audited(known, supervisor, users):
    response = supervisor.post(reverse("dashboard:research_export") + MARCH)
    body = b"".join(response.streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(body)))
    assert list(rows[0]) == RESEARCH_COLUMNS
    assert len(rows) == 1
    person = Person.objects.get(name="EIGHT,PERSON")
    row = rows[0]
    assert row["person_hash"] == person_hash(office_research_key(known.office), person.pk)
    assert row["birth_year"] == "1975"
    assert (row["relief"], row["attorney_action"], row["final_outcome"], row["motion_status"]) == (
        "PC 17(b)", "reduce_misdemeanor", "reduce", "granted")
    for secret in (person.name, person.cii, "1975-06-01", str(person.pk)):
        assert secret not in body
    for case_number in person.cases.values_list("case_number", flat=True):
        assert case_number not in body
    event = AuditEvent.objects.get(action="dashboard.research_export")
    assert event.actor == users["supervisor"]
    assert event.after["start"] == "2026-03-01"


def test_research_hash_differs_between_offices(known, other_office):
    assert office_research_key(known.office) != office_research_key(other_office[0])


def test_research_export_needs_post(known, supervisor):
    assert supervisor.get(reverse("dashboard:research_export")).status_code == 405


def test_page_query_count_is_bounded(known, supervisor, django_assert_max_num_queries):
    with django_assert_max_num_queries(25):
        supervisor.get(HOME + MARCH)
