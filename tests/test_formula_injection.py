"""No spreadsheet or CSV the portal writes runs a formula (issue 10, item 1).

Before: a liaison proposed a project named `=HYPERLINK("http://x","点此")`, staff exported
`/exchanges/projects/?export=xlsx` and got a live formula; the same for every list export,
CSV (`= + - @`, tab and CR) and the 统计报表. Now every cell goes through
`foreign_affairs.spreadsheets.safe_cell` (OWASP): a text starting with a formula character is
written with a leading `'`; numbers, dates and booleans stay what they are.

The walk over every list page (from the URL configuration) fills every free-text column of
every record with a formula, so a new list, column or export cannot skip the neutralising.
"""

import csv
import io
import re
import zipfile
from datetime import date
from decimal import Decimal

import django_tables2 as tables
import openpyxl
import pytest
from django.contrib.auth.models import Group
from django.db import DatabaseError, IntegrityError, models, transaction
from django.urls import reverse
from django_countries.fields import CountryField

from exchanges.models import ExchangeProject
from foreign_affairs.roles import LIAISON, OFFICE_STAFF
from foreign_affairs.spreadsheets import FORMULA_TRIGGERS, SafeTableExport, safe_cell
from reports.xlsx import statistics_workbook
from tests.factories import UserFactory, body, domain_models, factory_for
from tests.partners.factories import InstitutionFactory
from tests.reports.test_statistics import populate
from tests.test_permissions import portal_patterns

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://x","点此")'
NUMBER = re.compile(r"-?\d+(\.\d+)?")
LIST_PAGES = [
    route
    for route in portal_patterns()
    if route.name.endswith("_list") and route.name != "reports:annualreport_list"
]


def user_in(role: str):
    user = UserFactory()
    user.groups.add(Group.objects.get(name=role))
    return user


def xlsx_cells(content: bytes) -> list:
    """Return every cell of every sheet, loaded as Excel would (formulas kept as formulas)."""
    book = openpyxl.load_workbook(io.BytesIO(content))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def xlsx_has_formula_markup(content: bytes) -> bool:
    """Whether any sheet part holds an <f> (formula) element."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheets = [name for name in archive.namelist() if name.startswith("xl/worksheets/")]
        return any(re.search(rb"<f[ >]", archive.read(name)) for name in sheets)


def csv_cells(content: bytes) -> list[str]:
    rows = csv.reader(io.StringIO(content.decode("utf-8-sig")))
    return [cell for row in rows for cell in row]


def assert_inert_xlsx(content: bytes) -> list[str]:
    """Assert no cell of the workbook is (or starts like) a formula; return its texts."""
    assert not xlsx_has_formula_markup(content)
    texts = []
    for cell in xlsx_cells(content):
        assert cell.data_type != "f", (cell.coordinate, cell.value)
        if isinstance(cell.value, str):
            assert not cell.value.startswith(FORMULA_TRIGGERS), (cell.coordinate, cell.value)
            texts.append(cell.value)
    return texts


def assert_inert_csv(content: bytes) -> list[str]:
    cells = csv_cells(content)
    for cell in cells:
        # A number stays a number (a negative one starts with "-" and is no formula).
        assert NUMBER.fullmatch(cell) or not cell.startswith(FORMULA_TRIGGERS), cell
    return cells


# --- the reproduction of the issue -----------------------------------------------------------


def test_a_project_proposed_as_a_formula_exports_as_text(client):
    liaison = user_in(LIAISON)
    client.force_login(liaison)
    response = client.post(
        reverse("exchanges:exchangeproject_add"),
        {"name": HYPERLINK, "kind": ExchangeProject.Kind.STUDENT_EXCHANGE},
    )
    assert response.status_code == 302
    assert ExchangeProject.objects.get().name == HYPERLINK  # stored as typed

    client.force_login(user_in(OFFICE_STAFF))
    url = reverse("exchanges:exchangeproject_list")
    xlsx = client.get(url, {"export": "xlsx"}).content
    texts = assert_inert_xlsx(xlsx)
    assert "'" + HYPERLINK in texts
    cell = next(c for c in xlsx_cells(xlsx) if c.value == "'" + HYPERLINK)
    assert cell.data_type == "s"
    assert "'" + HYPERLINK in assert_inert_csv(body(client.get(url, {"export": "csv"})))


@pytest.mark.parametrize("trigger", FORMULA_TRIGGERS, ids=repr)
def test_every_formula_character_is_neutralised_in_xlsx_and_csv(staff_client, trigger):
    name = f"{trigger}1+1*cmd|' /C calc'!A0"
    InstitutionFactory(name_zh=name)
    url = reverse("partners:institution_list")

    texts = assert_inert_xlsx(staff_client.get(url, {"export": "xlsx"}).content)
    cells = assert_inert_csv(body(staff_client.get(url, {"export": "csv"})))

    assert "'" + name in texts
    assert "'" + name in cells


def test_text_that_is_no_formula_is_left_alone(staff_client):
    InstitutionFactory(name_zh="护理学院 = 合作", name_en="A-B @ C")
    url = reverse("partners:institution_list")
    texts = assert_inert_xlsx(staff_client.get(url, {"export": "xlsx"}).content)
    assert {"护理学院 = 合作", "A-B @ C"} <= set(texts)


def test_a_stored_control_character_does_not_break_the_export(staff_client):
    InstitutionFactory(name_zh="甲\x01乙\x0b丙")  # an .xlsx cannot hold them: left out
    url = reverse("partners:institution_list")
    response = staff_client.get(url, {"export": "xlsx"})
    assert response.status_code == 200
    assert "甲乙丙" in assert_inert_xlsx(response.content)


# --- safe_cell itself ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),  # a text that looks like a number is still text
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("\n=1", "'\n=1"),
        ("＝1+1", "'＝1+1"),
        ("＠A1", "'＠A1"),
        ("1=1", "1=1"),
        ("", ""),
        ("甲\x00乙", "甲乙"),
        (-5, -5),
        (Decimal("-3.5"), Decimal("-3.5")),
        (0.5, 0.5),
        (True, True),
        (date(2025, 1, 2), date(2025, 1, 2)),
        (None, None),
    ],
    ids=repr,
)
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected
    assert type(safe_cell(value)) is type(expected)


def test_a_negative_number_stays_a_number_in_the_export():
    class Table(tables.Table):
        amount = tables.Column()
        text = tables.Column()

    table = Table([{"amount": -5, "text": "-5"}])
    content = SafeTableExport("xlsx", table).export()
    amount, text = xlsx_cells(content)[2:4]
    assert (amount.value, amount.data_type) == (-5, "n")
    assert (text.value, text.data_type) == ("'-5", "s")


# --- every list export, every free-text column ----------------------------------------------


def poison_every_text_field() -> None:
    """Give every free-text field of every stored record a value starting with a formula."""
    for model in domain_models():
        for field in model._meta.concrete_fields:
            if (
                not isinstance(field, models.CharField | models.TextField)
                or isinstance(field, CountryField)
                or field.choices
                or field.primary_key
                or (field.max_length or 100) < 8
            ):
                continue
            for number, pk in enumerate(model._base_manager.values_list("pk", flat=True)):
                trigger = FORMULA_TRIGGERS[number % len(FORMULA_TRIGGERS)]
                try:
                    with transaction.atomic():
                        model._base_manager.filter(pk=pk).update(**{field.name: f"{trigger}1+{pk}"})
                except (IntegrityError, DatabaseError):
                    pass  # a constraint of the column: it keeps its value


@pytest.mark.parametrize("route", LIST_PAGES, ids=lambda route: route.name)
def test_every_list_export_is_neutralised(staff_client, route):
    view = route.pattern.callback.view_class
    assert issubclass(view.export_class, SafeTableExport)
    factory_for(view.queryset.model).create_batch(2)
    poison_every_text_field()
    url = reverse(route.name)

    texts = assert_inert_xlsx(staff_client.get(url, {"export": "xlsx"}).content)
    cells = assert_inert_csv(body(staff_client.get(url, {"export": "csv"})))

    # The poison reached the export (else this test would prove nothing).
    assert any(text.startswith("'") for text in texts), texts
    assert any(cell.startswith("'") for cell in cells), cells


def test_the_statistics_workbook_is_neutralised():
    populate(2, year=2020)
    poison_every_text_field()

    content = statistics_workbook(2020)

    texts = assert_inert_xlsx(content)
    assert sum(text.startswith("'") for text in texts) > 20
    book = openpyxl.load_workbook(io.BytesIO(content))
    for sheet in book.worksheets:  # 序号 stays a number
        numbers = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
        assert all(isinstance(number, int) for number in numbers), (sheet.title, numbers)
