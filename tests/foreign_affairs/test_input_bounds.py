"""Bad input is a message, never a server error (issue 10, item 5), on SQLite and PostgreSQL.

The reproductions of the issue, before → after:

* `?per_page=-1` on a list: 500 → the list with 25 rows and "rows per page: …";
* `?year=0`, `?year=99999999999999999999` on a list with a year filter: 500 (year 0 is out of
  range; the integer overflows) → the filter's message, no rows;
* a key above 2**63 in a multi-select filter (`?partners=…`): 500 on SQLite → "Select a valid
  choice";
* `q=%00` on the global search: 500 on PostgreSQL → "Control characters are not allowed.";
* NUL and other control characters in a text field: refused with that message on every
  form (NUL used to give Django's own message, the others were stored and then broke the
  .xlsx export); a NUL in an admin change-list filter: 500 on PostgreSQL → the message.

The fuzz test (`tests/test_fuzz.py`) covers the rest of every list and form.
"""

import pytest
from django import forms
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import translation

from exchanges.models import ExchangeProject, Visit
from foreign_affairs.forms import CONTROL_CHARACTER_MESSAGE, refuse_control_characters
from foreign_affairs.roles import OFFICE_STAFF
from foreign_affairs.views.generic import ObjectEditView
from partners.models import Institution
from reports.models import ReportSection
from tests.exchanges.factories import ExchangeProjectFactory, VisitFactory
from tests.factories import UserFactory
from tests.partners.factories import InstitutionFactory, InteractionFactory
from tests.reports.factories import ReportSectionFactory
from tests.test_permissions import portal_patterns

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999999"  # above 2**64


def zh(message) -> str:
    with translation.override("zh-hans"):
        return str(message)


@pytest.fixture
def staff(client):
    user = UserFactory()
    user.groups.add(Group.objects.get(name=OFFICE_STAFF))
    client.force_login(user)
    client.raise_request_exception = False  # a 500 is an answer to assert on, not a crash
    return client


def filter_errors(response, name: str) -> list[str]:
    assert response.status_code == 200
    return response.context["filter"].form.errors.get(name, [])


@pytest.mark.parametrize(
    ("url_name", "name", "value"),
    [
        ("partners:interaction_list", "year", "0"),
        ("partners:interaction_list", "year", "99999999999999999999"),
        ("exchanges:visit_list", "year", "0"),
        ("exchanges:visit_list", "year", "99999999999999999999"),
        ("reports:submission_list", "year", "99999999999999999999"),
        ("reports:training_list", "year", "-1"),
        ("exchanges:visitplanline_list", "year", "99999999999999999999"),
        ("faculty:qualificationcheck_list", "year", "0"),
        ("exchanges:exchangeproject_list", "partners", HUGE),
        ("partners:agreement_list", "institution", HUGE),
        ("exchanges:participant_list", "project", HUGE),
        ("partners:institution_list", "q", "\x00"),
        ("partners:institution_list", "q", "甲\x1b乙"),
    ],
)
def test_a_filter_value_out_of_bounds_shows_its_message(staff, url_name, name, value):
    InteractionFactory(date="2025-04-15")
    VisitFactory()
    ExchangeProjectFactory()

    response = staff.get(reverse(url_name), {name: value})

    errors = filter_errors(response, name)
    assert errors, response.context["filter"].form.errors
    page = response.content.decode()
    assert errors[0] in page  # shown under the filter
    assert len(response.context["table"].page.object_list) == 0


def test_a_year_in_bounds_still_filters(staff):
    InteractionFactory(date="2025-04-15", summary="今年")
    InteractionFactory(date="2024-04-15", summary="去年")
    response = staff.get(reverse("partners:interaction_list"), {"year": "2025"})
    rows = [row.record.summary for row in response.context["table"].page.object_list]
    assert rows == ["今年"]


def test_a_valid_key_in_a_multi_select_still_filters(staff):
    partner = InstitutionFactory()
    project = ExchangeProjectFactory(name="有伙伴的项目")
    project.partners.add(partner)
    ExchangeProjectFactory(name="无伙伴的项目")
    response = staff.get(reverse("exchanges:exchangeproject_list"), {"partners": partner.pk})
    assert [row.record for row in response.context["table"].page.object_list] == [project]


@pytest.mark.parametrize("per_page", ["-1", "0", "100000", "abc", "99999999999999999999"])
def test_a_page_size_out_of_bounds_shows_the_default_page_and_says_why(staff, per_page):
    InstitutionFactory.create_batch(30)

    response = staff.get(reverse("partners:institution_list"), {"per_page": per_page})

    assert response.status_code == 200
    assert len(response.context["table"].page.object_list) == 25
    assert response.context["pagination_errors"]
    assert response.context["pagination_errors"][0] in response.content.decode()


@pytest.mark.parametrize(("page", "shown"), [("-1", 1), ("99999999999999999999", 1), ("9", 2)])
def test_a_page_out_of_bounds_shows_a_page(staff, page, shown):
    InstitutionFactory.create_batch(30)
    response = staff.get(reverse("partners:institution_list"), {"page": page})
    assert response.status_code == 200
    assert response.context["table"].page.number == shown


def test_a_page_size_in_bounds_is_used(staff):
    InstitutionFactory.create_batch(30)
    response = staff.get(reverse("partners:institution_list"), {"per_page": "10"})
    assert len(response.context["table"].page.object_list) == 10
    assert not response.context["pagination_errors"]


@pytest.mark.parametrize("export", ["json", "xls", "yaml", "ods", "latex"])
def test_an_export_format_the_list_does_not_offer_shows_the_list(staff, export):
    InstitutionFactory()
    response = staff.get(reverse("partners:institution_list"), {"export": export})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")


def test_an_invalid_filter_exports_nothing_and_shows_the_list(staff):
    InteractionFactory()
    response = staff.get(reverse("partners:interaction_list"), {"year": "0", "export": "xlsx"})
    assert response["Content-Type"].startswith("text/html")
    assert filter_errors(response, "year")


@pytest.mark.parametrize("query", ["\x00", "甲\x00", "\x07"])
def test_the_global_search_refuses_control_characters(staff, query):
    InstitutionFactory(name_zh="护理学院")
    response = staff.get(reverse("search"), {"q": query})
    assert response.status_code == 200
    assert response.context["search_errors"] == [zh(CONTROL_CHARACTER_MESSAGE)]
    assert zh(CONTROL_CHARACTER_MESSAGE) in response.content.decode()
    assert response.context["groups"] == []


# --- text inputs ---------------------------------------------------------------------------------

REFUSED = ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f", "\x85", "\x9f"]


@pytest.mark.parametrize("character", REFUSED, ids=repr)
def test_a_control_character_in_a_text_field_is_refused(staff, character):
    data = {"name_zh": f"甲{character}乙", "country": "NZ", "kind": "college", "status": "active"}

    response = staff.post(reverse("partners:institution_add"), data)

    assert response.status_code == 200
    assert response.context["form"].errors["name_zh"] == [zh(CONTROL_CHARACTER_MESSAGE)]
    assert not Institution.objects.exists()


def test_tab_line_feed_and_carriage_return_are_text(staff):
    data = {
        "name_zh": "新院校",
        "country": "NZ",
        "kind": "college",
        "status": "active",
        "notes": "第一行\r\n\t第二行",
    }
    response = staff.post(reverse("partners:institution_add"), data)
    assert response.status_code == 302
    assert Institution.objects.get().notes == "第一行\r\n\t第二行"


def test_every_text_field_of_every_edit_form_refuses_control_characters():
    """Walked from the URL configuration: a new form gets the validator from its base."""
    checked = 0
    for route in portal_patterns():
        view = getattr(route.pattern.callback, "view_class", None)
        if view is None or not issubclass(view, ObjectEditView):
            continue
        form = view.form_class()
        for name, field in form.fields.items():
            if isinstance(field, forms.CharField):  # text, e-mail, URL... fields
                assert refuse_control_characters in field.validators, (route.name, name)
                checked += 1
    assert checked > 50


def test_a_key_above_64_bits_in_a_form_multi_select_is_refused(staff):
    data = {"name": "新项目", "kind": ExchangeProject.Kind.STUDENT_EXCHANGE, "partners": [HUGE]}
    response = staff.post(reverse("exchanges:exchangeproject_add"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["partners"]
    assert not ExchangeProject.objects.exists()


def test_a_workflow_comment_with_a_control_character_is_refused(staff):
    visit = VisitFactory(status=Visit.Status.SUBMITTED)
    url = reverse("exchanges:visit_send_back", args=[visit.pk])
    response = staff.post(url, {"send_back-comment": "请补充\x00材料"}, follow=True)
    assert zh(CONTROL_CHARACTER_MESSAGE) in response.content.decode()
    visit.refresh_from_db()
    assert visit.status == Visit.Status.SUBMITTED


def test_a_new_section_title_with_a_control_character_is_refused(staff):
    part = ReportSectionFactory().part
    url = reverse("reports:section_add", args=[part.report.year, part.pk])
    response = staff.post(url, {"title": "新\x00小节"}, follow=True)
    assert zh(CONTROL_CHARACTER_MESSAGE) in response.content.decode()
    assert ReportSection.objects.filter(part=part).count() == 1


def test_an_admin_list_filtered_by_a_nul_says_why(admin_client):
    admin_client.raise_request_exception = False
    InstitutionFactory()
    response = admin_client.get("/admin/partners/institution/", {"country": "\x00"}, follow=True)
    assert response.status_code == 200
    assert zh(CONTROL_CHARACTER_MESSAGE) in response.content.decode()


def test_an_imported_cell_with_a_control_character_is_a_row_error(staff):
    from io import BytesIO

    import openpyxl
    from django.core.files.uploadedfile import SimpleUploadedFile

    from foreign_affairs.imports import XLSX_MIME

    book = openpyxl.Workbook()
    book.active.append(["中文名", "国家/地区"])
    book.active.append(["甲\x85乙", "韩国"])  # C1 controls are legal XML: the widget refuses
    stream = BytesIO()
    book.save(stream)
    upload = SimpleUploadedFile("导入.xlsx", stream.getvalue(), content_type=XLSX_MIME)

    response = staff.post("/partners/import/", {"file": upload})

    assert response.status_code == 200
    errors = [error.message for error in response.context["preview"].errors]
    assert errors == [zh(CONTROL_CHARACTER_MESSAGE)]
    assert not Institution.objects.exists()


def test_a_huge_member_count_builds_no_more_forms_than_allowed(staff):
    import time

    data = {
        "direction": "outbound",
        "title": "赴日本交流",
        "members-TOTAL_FORMS": "9" * 23,
        "members-INITIAL_FORMS": "0",
    }
    started = time.monotonic()
    response = staff.post(reverse("exchanges:visit_add"), data)
    assert time.monotonic() - started < 3  # before: 1030 member forms, 6 s
    assert response.status_code == 200
    assert len(response.context["members"].forms) <= 30
    assert not Visit.objects.exists()
