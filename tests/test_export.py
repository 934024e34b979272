"""Export: the downloaded .xlsx opens with openpyxl and holds exactly the filtered rows.

Every list page (walked from the URL configuration) exports `?export=xlsx` and
`?export=csv`: every filtered row, not one page; Chinese headers; no actions column; a
Chinese file name in an RFC 5987 `filename*`.
"""

import codecs
import csv
import io
import re
from urllib.parse import unquote

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import DatabaseError, IntegrityError, transaction
from django.urls import reverse

from foreign_affairs.roles import LEADERSHIP, LIAISON
from partners.models import Agreement, Institution
from tests.factories import UserFactory, body, factory_for
from tests.partners.factories import AgreementFactory, InstitutionFactory
from tests.test_permissions import portal_patterns

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CJK = re.compile(r"[\u4e00-\u9fff]")

# The archive of annual reports is not a list of records: its downloads are each report's
# PDF and 统计报表 (reports:annualreport_pdf, reports:annualreport_statistics).
LIST_PAGES = [
    route
    for route in portal_patterns()
    if route.name.endswith("_list") and route.name != "reports:annualreport_list"
]


def xlsx_rows(response) -> list[tuple]:
    """Return the rows of the first sheet of an .xlsx response, header first."""
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    sheet = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True).active
    return list(sheet.iter_rows(values_only=True))


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(body(response).decode("utf-8-sig"))))


def download_name(response) -> str:
    """Return the file name of the RFC 5987 `filename*` of the Content-Disposition."""
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    match = re.search(r"filename\*=utf-8''([^;]+)", disposition, re.IGNORECASE)
    assert match, disposition
    return unquote(match.group(1))


def column(rows: list[tuple], header: str) -> list:
    index = rows[0].index(header)
    return [row[index] for row in rows[1:]]


def assert_clean_header(header):
    assert all(header), f"an empty column heading (the actions column?): {header}"
    assert not {"actions", "操作", "Actions"} & set(header)


def test_institution_export_holds_exactly_the_filtered_rows(staff_client):
    active = Institution.Status.ACTIVE
    InstitutionFactory(name_zh="护理学院甲", status=active)
    InstitutionFactory(name_zh="护理学院乙", status=Institution.Status.DORMANT)
    InstitutionFactory(name_zh="口腔医院丙", status=active)
    InstitutionFactory(name_zh="丁国际护理大学", status=active)
    url = reverse("partners:institution_list")

    response = staff_client.get(url, {"q": "护理", "status": active, "export": "xlsx"})

    rows = xlsx_rows(response)
    header = rows[0]
    assert header[0] == "中文名"
    assert {"英文名称", "国家/地区", "状态"} <= set(header)
    assert all(CJK.search(name) for name in header), header
    assert_clean_header(header)
    assert sorted(column(rows, "中文名")) == sorted(["护理学院甲", "丁国际护理大学"])
    assert set(column(rows, "状态")) == {"合作中"}
    name = download_name(response)
    assert name.startswith("机构-") and name.endswith(".xlsx"), name


def test_agreement_export_holds_exactly_the_filtered_rows(staff_client):
    exchange = Agreement.Kind.STUDENT_EXCHANGE
    AgreementFactory(title="护理专业学生交换协议", kind=exchange)
    AgreementFactory(title="护理专业学生交换协议（草案）", kind=exchange, status="draft")
    AgreementFactory(title="护理专业合作备忘录", kind=Agreement.Kind.MOU)
    AgreementFactory(title="药学专业学生交换协议", kind=exchange)
    url = reverse("partners:agreement_list")

    response = staff_client.get(
        url, {"q": "护理", "kind": exchange, "status": "in_force", "export": "xlsx"}
    )

    rows = xlsx_rows(response)
    assert rows[0][0] == "标题"
    assert {"机构", "类型", "状态", "有效期至"} <= set(rows[0])
    assert_clean_header(rows[0])
    assert column(rows, "标题") == ["护理专业学生交换协议"]
    name = download_name(response)
    assert name.startswith("合作协议-") and name.endswith(".xlsx"), name


def test_csv_export_holds_the_same_filtered_rows(staff_client):
    InstitutionFactory(name_zh="护理学院甲", country="TH")
    InstitutionFactory(name_zh="护理学院乙", country="MO")
    InstitutionFactory(name_zh="医学院丙", country="TH")
    url = reverse("partners:institution_list")

    response = staff_client.get(url, {"q": "护理", "country": "TH", "export": "csv"})

    rows = csv_rows(response)
    assert rows[0][0] == "中文名"
    assert_clean_header(rows[0])
    assert [row[0] for row in rows[1:]] == ["护理学院甲"]
    assert download_name(response).endswith(".csv")


def test_csv_export_opens_in_excel_with_chinese_text(staff_client):
    InstitutionFactory(name_zh="护理学院甲")
    response = staff_client.get(reverse("partners:institution_list"), {"export": "csv"})
    assert body(response).startswith(codecs.BOM_UTF8)


def test_a_value_outside_a_columns_labels_is_no_formula(staff_client):
    """A choice, a country or a state that is not among the column's labels (written past the
    forms: a restore, a choice removed since) is written as it is, made safe like any text."""
    institution = InstitutionFactory(name_zh="公式学院")
    Institution.objects.filter(pk=institution.pk).update(kind="=2+3", country="=1", status="@x")
    url = reverse("partners:institution_list")

    (row,) = csv_rows(staff_client.get(url, {"export": "csv"}))[1:]
    sheet = openpyxl.load_workbook(
        io.BytesIO(staff_client.get(url, {"export": "xlsx"}).content)
    ).active
    cells = [cell for cells in sheet.iter_rows(min_row=2) for cell in cells]

    assert {"'=2+3", "'=1", "'@x"} <= set(row)
    assert {"'=2+3", "'=1", "'@x"} <= {cell.value for cell in cells}
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]


@pytest.mark.parametrize("page", [None, "2", "3"])
def test_pagination_does_not_cut_the_export(staff_client, page):
    InstitutionFactory.create_batch(60)
    url = reverse("partners:institution_list")
    listing = staff_client.get(url)
    assert len(listing.context["table"].page.object_list) == 25  # the page shows 25

    query = {"export": "xlsx", **({"page": page} if page else {})}
    rows = xlsx_rows(staff_client.get(url, query))

    assert len(rows) == 1 + 60
    assert sorted(column(rows, "中文名")) == sorted(
        Institution.objects.values_list("name_zh", flat=True)
    )


@pytest.mark.parametrize(
    "route",
    LIST_PAGES,
    ids=lambda route: route.name,
)
@pytest.mark.parametrize("export_format", ["xlsx", "csv"])
def test_every_list_exports_all_its_rows(staff_client, route, export_format):
    view_class = route.pattern.callback.view_class
    model = view_class.queryset.model if view_class.queryset is not None else view_class.model
    factory_for(model).create_batch(3)

    response = staff_client.get(reverse(route.name), {"export": export_format})

    rows = xlsx_rows(response) if export_format == "xlsx" else csv_rows(response)
    assert len(rows) == 1 + model._default_manager.count() == 4
    assert_clean_header(rows[0])
    name = download_name(response)
    assert CJK.search(name) and name.endswith(f".{export_format}"), name


@pytest.mark.parametrize(
    "route",
    LIST_PAGES,
    ids=lambda route: route.name,
)
@pytest.mark.parametrize("role", [LEADERSHIP, LIAISON])
def test_exporting_is_office_work(client, route, role):
    """Export Excel is office staff's (DESIGN §1): the other roles get 403, not a file."""
    user = UserFactory()
    user.groups.add(Group.objects.get(name=role))
    client.force_login(user)

    for export_format in ("xlsx", "csv"):
        response = client.get(reverse(route.name), {"export": export_format})
        assert response.status_code == 403
        assert "Content-Disposition" not in response


def test_an_unknown_export_format_shows_the_list(staff_client):
    response = staff_client.get(reverse("partners:institution_list"), {"export": "garbage"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")


def reference_rows(route, user) -> list[list[str]]:
    """The rows django-tables2's own export machinery makes of the list (`value_<name>`,
    accessors, properties: cell by cell), as strings — what the values-query export must
    equal."""
    from django.test import RequestFactory

    from foreign_affairs.spreadsheets import safe_cell
    from foreign_affairs.views.generic import hidden_columns

    view_class = route.pattern.callback.view_class
    request = RequestFactory().get(reverse(route.name), {"export": "csv"})
    request.user = user
    view = view_class()
    view.setup(request)
    view.object_list = view.get_queryset()
    exclude = (*view.exclude_columns, *hidden_columns(view.table_class, user))
    table = view.get_table(**({"exclude": exclude} if exclude else {}))
    rows = []
    for row in table.as_values(exclude_columns=exclude):
        cells = []
        for value in row:
            value = {"True": "是", "False": "否", "—": "", None: ""}.get(value, value)
            cells.append(str(safe_cell(value)))
        rows.append(cells)
    return rows


@pytest.mark.parametrize("route", LIST_PAGES, ids=lambda route: route.name)
def test_every_export_cell_is_what_the_table_shows(staff_client, route):
    """The compiled export (values queries, declared `export_values`, SQL states) writes the
    same cells as django-tables2 computing each from the record, row for row."""
    view_class = route.pattern.callback.view_class
    model = view_class.queryset.model if view_class.queryset is not None else view_class.model
    factory_for(model).create_batch(4)
    user = get_user_model().objects.get(pk=staff_client.session["_auth_user_id"])

    exported = csv_rows(staff_client.get(reverse(route.name), {"export": "csv"}))

    expected = reference_rows(route, user)
    assert exported[0] == expected[0]
    assert sorted(exported[1:]) == sorted(expected[1:])


@pytest.mark.parametrize("url_name", ["exchanges:visitplanline_list", "exchanges:visit_list"])
def test_destinations_of_several_countries_export_as_the_table_shows_them(staff_client, url_name):
    """Destinations are read as stored ("AU,NZ") and named once per distinct value: several
    countries, 港澳台 (another annual plan) and none at all read as the table shows them."""
    from tests.exchanges.factories import VisitFactory, VisitPlanLineFactory

    factory = VisitPlanLineFactory if url_name.endswith("planline_list") else VisitFactory
    for destinations in (["AU", "NZ"], ["HK", "MO"], ["TW"], ["JP"], ["AU", "NZ"]):
        factory(destinations=destinations)
    route = next(route for route in LIST_PAGES if route.name == url_name)
    user = get_user_model().objects.get(pk=staff_client.session["_auth_user_id"])

    exported = csv_rows(staff_client.get(reverse(url_name), {"export": "csv"}))

    assert sorted(exported[1:]) == sorted(reference_rows(route, user)[1:])
    cells = {cell for row in exported for cell in row}
    assert {"澳大利亚、新西兰", "中国香港、中国澳门", "中国台湾"} <= cells


ODD_TEXTS = [
    "=1+1",
    'a,b "quoted"\nnext line',
    "甲\x01乙\x0b丙",
    "＠全角",
    "-5",
    " leading and trailing ",
    "naïve 😀 \\ back\\slash",
    "\r=carriage",
]


@pytest.mark.skipif(
    __import__("django.db").db.connection.vendor != "postgresql",
    reason="PostgreSQL writes a CSV export itself (COPY); elsewhere Python does",
)
@pytest.mark.parametrize("route", LIST_PAGES, ids=lambda route: route.name)
def test_postgresql_writes_the_cells_python_writes(staff_client, route, monkeypatch):
    """On PostgreSQL every list's CSV is written by `COPY` (foreign_affairs.exports_pg): the
    same rows, in the same order, cell for cell, as the Python writer, for odd texts too
    (formula triggers, quotes, commas, line breaks, control characters, empty values)."""
    from django.db import models as db_models

    from foreign_affairs import exports_pg

    view_class = route.pattern.callback.view_class
    model = view_class.queryset.model if view_class.queryset is not None else view_class.model
    factory_for(model).create_batch(3)
    for number, record in enumerate(model._base_manager.order_by("pk")):
        for field in model._meta.concrete_fields:
            if isinstance(field, db_models.CharField | db_models.TextField) and not (
                field.choices or field.primary_key or hasattr(field, "countries")
            ):
                value = ODD_TEXTS[number % len(ODD_TEXTS)][: field.max_length or None]
                try:
                    with transaction.atomic():
                        model._base_manager.filter(pk=record.pk).update(**{field.name: value})
                except (IntegrityError, DatabaseError):
                    pass  # a constraint of the column: it keeps its value
    copies = []
    copy_csv = exports_pg.copy_csv
    monkeypatch.setattr(exports_pg, "copy_csv", lambda *args: copies.append(1) or copy_csv(*args))
    url = reverse(route.name)

    by_postgresql = csv_rows(staff_client.get(url, {"export": "csv"}))
    assert copies, "the Python writer wrote it"
    monkeypatch.setattr(exports_pg, "copy_query", lambda *args: None)
    by_python = csv_rows(staff_client.get(url, {"export": "csv"}))

    assert by_postgresql == by_python
    assert len(by_postgresql) == 4
