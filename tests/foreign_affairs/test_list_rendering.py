"""A list page at 10,000 rows (issue 12): its rows read by key, in an order that does not tie,
its cells and its filter form's selects written as django-tables2 and Django write them, only
faster.

Every `<model>_list` page of the URL configuration is walked (as tests/test_list_queries.py).
"""

import datetime

import django_tables2
import pytest
from django import forms
from django.db import connection
from django.template import Context
from django.template.base import render_value_in_context
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.safestring import mark_safe

from faculty.models import TeacherChange
from foreign_affairs.tables import DateColumn, ObjectTable
from foreign_affairs.views.generic import ObjectListView, with_tie_breaker
from foreign_affairs.widgets import PythonSelectMixin, SearchableSelect, python_select_class
from partners.models import Contact, Institution
from partners.selectors import institutions_with_activity
from tests.factories import factory_for
from tests.faculty.factories import ForeignTeacherFactory, TeacherChangeFactory
from tests.partners.factories import ContactFactory, InstitutionFactory, InteractionFactory
from tests.test_list_queries import LIST_PAGES, _model_of, _view_class

pytestmark = pytest.mark.django_db

OBJECT_LISTS = [
    route
    for route in LIST_PAGES
    if isinstance(_view_class(route), type) and issubclass(_view_class(route), ObjectListView)
]


def _page_keys(response) -> list:
    return [row.record.pk for row in response.context["table"].paginated_rows]


@pytest.mark.parametrize("route", OBJECT_LISTS, ids=lambda route: route.name)
def test_a_page_read_by_key_holds_the_rows_of_its_slice(staff_client, route):
    """Page 2 of 12 rows by 5: the rows of the sorted list's slice [5:10], in its order,
    read with `pk IN (SELECT … LIMIT … OFFSET …)`."""
    factory_for(_model_of(_view_class(route))).create_batch(12)
    url = reverse(route.name)
    with CaptureQueriesContext(connection) as queries:
        response = staff_client.get(url, {"page": 2, "per_page": 5})
    assert response.status_code == 200
    table = response.context["table"]
    assert _page_keys(response) == [record.pk for record in table.data.data[5:10]]
    table_name = _model_of(_view_class(route))._meta.db_table
    page_queries = [
        query["sql"]
        for query in queries.captured_queries
        if f'FROM "{table_name}"' in query["sql"] and "IN (SELECT" in query["sql"]
    ]
    assert page_queries and "OFFSET" in page_queries[0].upper(), route.name


def test_the_last_page_of_institutions_annotates_its_own_rows_only(staff_client):
    """The last activity of an institution is five subqueries: read by key, the database
    evaluates them for the page's rows, not for every row before the offset."""
    for number in range(30):
        InteractionFactory(institution=InstitutionFactory(name_zh=f"机构{number:02}"))
    with CaptureQueriesContext(connection) as queries:
        response = staff_client.get(reverse("partners:institution_list"), {"page": 2})
    expected = institutions_with_activity().order_by("name_zh", "-pk")[25:]
    assert [row.record.name_zh for row in response.context["table"].paginated_rows] == [
        institution.name_zh for institution in expected
    ]
    (page,) = [q["sql"] for q in queries.captured_queries if "last_activity_on" in q["sql"]]
    outer, keys = page.split("IN (SELECT", 1)
    assert "last_activity_on" in outer and "partners_interaction" not in keys


def test_rows_that_tie_on_the_sort_keep_one_order_from_page_to_page(staff_client):
    """30 changes of one day, 25 a page (the list sorts by date): each shown once."""
    day = datetime.date(2026, 3, 1)
    changes = TeacherChangeFactory.create_batch(30, changed_on=day, filed_on=day)
    url = reverse("faculty:teacherchange_list")
    first = _page_keys(staff_client.get(url))
    second = _page_keys(staff_client.get(url, {"page": 2}))
    assert sorted(first + second) == sorted(change.pk for change in changes)
    assert first == sorted(first, reverse=True)  # ties by key, newest first, as the admin


def test_the_tie_breaker_is_the_key_unless_the_order_has_it():
    ordered = with_tie_breaker(TeacherChange.objects.all())
    assert list(ordered.query.order_by) == ["-changed_on", "-pk"]
    assert list(with_tie_breaker(Contact.objects.order_by("name", "pk")).query.order_by) == [
        "name",
        "pk",
    ]
    assert with_tie_breaker(Institution.objects.order_by("-id")).query.order_by == ("-id",)


@pytest.mark.parametrize("route", OBJECT_LISTS, ids=lambda route: route.name)
def test_the_cells_are_django_tables2s_own(staff_client, route):
    """`ObjectTable.row_cells` writes each cell as django-tables2's row and the template's
    `<td {{ attrs }}>{{ cell }}</td>` wrote it."""
    factory_for(_model_of(_view_class(route))).create_batch(3)
    response = staff_client.get(reverse(route.name))
    table = response.context["table"]
    ours = [cells for _row, _id, cells, _details, _span in table.row_cells()]
    theirs = [
        "".join(
            f"<td {column.attrs['td'].as_html()}>{render_value_in_context(cell, Context())}</td>"
            for column, cell in django_tables2.rows.BoundRow(record, table=table).items()
        )
        for record in table.paginated_rows.data
    ]
    assert ours == theirs


def test_the_date_column_writes_the_library_columns_text():
    class Theirs(django_tables2.Table):
        day = django_tables2.DateColumn()

    class Ours(ObjectTable):
        day = DateColumn()

    rows = [{"day": datetime.date(2026, 3, 1)}, {"day": None}]
    theirs = [list(row) for row in Theirs(rows).rows]
    ours = [list(row) for row in Ours(rows).rows]
    assert ours == theirs and ours[0] != ours[1]


def test_a_list_filtered_by_a_record_reads_the_record_once(staff_client):
    institution = InstitutionFactory()
    ContactFactory.create_batch(3, institution=institution)
    with CaptureQueriesContext(connection) as queries:
        response = staff_client.get(
            reverse("partners:contact_list"), {"institution": institution.pk}
        )
    assert response.status_code == 200
    assert f'value="{institution.pk}" selected' in response.content.decode()
    reads = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith('SELECT "partners_institution"."id"')
    ]
    assert len(reads) == 1, reads


def test_the_teachers_sort_by_country_in_the_lists_order(staff_client):
    from django_countries import countries

    order = [code for code, _name in countries]
    for code in ("DE", "CN", "AL", "BR"):
        ForeignTeacherFactory(nationality=code)
    url = reverse("faculty:foreignteacher_list")
    shown = [
        row.record.nationality.code
        for row in staff_client.get(url, {"sort": "nationality"}).context["table"].paginated_rows
    ]
    assert shown == sorted(shown, key=order.index)
    down = staff_client.get(url, {"sort": "-nationality"}).context["table"].paginated_rows
    assert [row.record.nationality.code for row in down] == shown[::-1]


@pytest.mark.parametrize(
    "widget, value",
    [
        (forms.Select(choices=[("", "---------"), ("a", "Ä & <b>"), (3, 4)]), "a"),
        (forms.Select(attrs={"class": "form-select", "required": True, "x": False}), None),
        (forms.SelectMultiple(choices=[("x", "甲"), ("y", "乙")]), ["x", "y"]),
        (forms.NullBooleanSelect(), True),
        (
            forms.Select(
                choices=[("组", [("1", "一"), ("2", "二")]), ("3", mark_safe("<i>三</i>"))]
            ),
            "2",
        ),
        (SearchableSelect(choices=[(str(n), f"选项{n}") for n in range(80)]), "7"),
    ],
)
def test_a_select_is_written_as_djangos_templates_write_it(widget, value):
    """`foreign_affairs.widgets.select_html` against Django's own select templates."""
    expected = forms.Select.render(widget, "field", value, {"id": "id_field"})
    widget.__class__ = python_select_class(type(widget))
    assert isinstance(widget, PythonSelectMixin)
    assert PythonSelectMixin.render(widget, "field", value, {"id": "id_field"}) == expected


def test_the_list_filters_and_forms_get_the_python_select(staff_client):
    response = staff_client.get(reverse("exchanges:participant_list"))
    widgets = [field.field.widget for field in response.context["filter"].form]
    selects = [widget for widget in widgets if isinstance(widget, forms.Select)]
    assert selects and all(isinstance(widget, PythonSelectMixin) for widget in selects)


def _detail_routes():
    from django.apps import apps

    from foreign_affairs.models import VersionedModel

    for model in apps.get_models():
        if issubclass(model, VersionedModel) and (
            model.get_absolute_url is VersionedModel.get_absolute_url
        ):
            yield f"{model._meta.app_label}:{model._meta.model_name}"


def test_a_records_url_is_reverses_own():
    """`record_url` puts the key into a URL reversed once: the URL `reverse` gives, for every
    record page, under any script prefix; a key that is no number is `reverse`'s affair."""
    from django.urls import NoReverseMatch, get_script_prefix, set_script_prefix

    from foreign_affairs.models import record_url

    routes = list(_detail_routes())
    assert len(routes) > 10
    before = get_script_prefix()
    try:
        for prefix in ("/", "/office/"):
            set_script_prefix(prefix)
            for route in routes:
                for pk in (0, 1, 42, 10**12):
                    assert record_url(route, pk) == reverse(route, args=[pk]), (route, pk)
                    assert record_url(route, pk).startswith(prefix)
    finally:
        set_script_prefix(before)
    with pytest.raises(NoReverseMatch):
        record_url(routes[0], None)
    with pytest.raises(NoReverseMatch):
        record_url(routes[0], -1)
    with pytest.raises(NoReverseMatch):
        record_url("faculty:no_such_page", 1)


def test_a_linked_cell_with_attributes_is_django_tables2s_own():
    """A link's own attributes (fixed or computed per cell) and its href are written as
    django-tables2 writes them, escaped."""

    class Record:
        def __init__(self, name, url):
            self.name, self.url = name, url

        def get_absolute_url(self):
            return self.url

    attrs = {"a": {"class": "x", "title": 'say "hi" & <go>', "data-n": lambda record: record.name}}
    fixed = {"a": {"class": "x", "title": 'say "hi" & <go>'}}

    class Theirs(django_tables2.Table):
        first = django_tables2.Column(
            accessor="name", linkify=True, attrs={"a": {"class": "row-link"}}
        )
        name = django_tables2.Column(linkify=True, attrs=fixed)
        computed = django_tables2.Column(accessor="name", linkify=True, attrs=attrs)
        bare = django_tables2.Column(accessor="name", linkify=lambda record: record.url)

    class Ours(ObjectTable):
        first = django_tables2.Column(accessor="name")  # the row's link (RecordLink)
        name = django_tables2.Column(linkify=True, attrs=fixed)
        computed = django_tables2.Column(accessor="name", linkify=True, attrs=attrs)
        bare = django_tables2.Column(accessor="name", linkify=lambda record: record.url)

    rows = [Record("<b>甲</b>", '/a/?x=1&y="2"'), Record("乙", None)]
    theirs = [list(row) for row in Theirs(rows).rows]
    ours = [list(row) for row in Ours(rows).rows]
    assert ours == theirs
    assert 'href="/a/?x=1&amp;y=&quot;2&quot;"' in ours[0][1] and "&lt;b&gt;" in ours[0][1]
    assert ours[1][1] == "乙"  # no URL: no link
