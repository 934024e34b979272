"""A page's number of queries does not grow with its rows (no query per row).

Every `<model>_list` page of the URL configuration is walked (a new list page is covered
without touching this file): 3 rows and 100 rows must cost the same queries. Detail pages
with related tabs are checked the same way with 3 and 30 rows in every tab.
"""

import re
from collections import Counter

import pytest
from django.apps import apps
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from foreign_affairs.views.generic import ObjectView
from tests.factories import body, factory_for
from tests.test_permissions import portal_patterns

pytestmark = pytest.mark.django_db


def _view_class(route):
    return getattr(route.pattern.callback, "view_class", None)


def _model_of(view_class):
    queryset = getattr(view_class, "queryset", None)
    return queryset.model if queryset is not None else view_class.model


LIST_PAGES = [route for route in portal_patterns() if route.name.endswith("_list")]
DETAIL_PAGES = [
    route
    for route in portal_patterns()
    if isinstance(_view_class(route), type)
    and issubclass(_view_class(route), ObjectView)
    and _view_class(route).tabs
]

# Related rows a detail page shows outside its tabs: (model label, field pointing at the record).
EXTRA_RELATED = {"partners.institution": [("exchanges.visit", "institutions")]}


def count_queries(client, url: str) -> list[str]:
    """Return the SQL of a GET of `url` (which must succeed)."""
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return [query["sql"] for query in context.captured_queries]


def _shape(sql: str) -> str:
    """Return the query without its literal values, to tell which query repeats."""
    return re.sub(r"'[^']*'|\b\d+\b", "?", sql)


def assert_same_queries(few: list[str], many: list[str], label: str):
    extra = Counter(map(_shape, many)) - Counter(map(_shape, few))
    assert len(few) == len(many), (
        f"{label}: {len(few)} queries with few rows, {len(many)} with many; repeated:\n"
        + "\n".join(f"{count} × {sql[:600]}" for sql, count in extra.most_common(5))
    )


def test_the_walk_finds_the_pages():
    names = {route.name for route in LIST_PAGES}
    assert {"partners:institution_list", "faculty:foreignteacher_list"} <= names
    details = {route.name for route in DETAIL_PAGES}
    assert {"partners:institution", "exchanges:exchangeproject", "faculty:foreignteacher"} <= (
        details
    )


@pytest.mark.parametrize(
    "route",
    [pytest.param(route) for route in LIST_PAGES],
    ids=lambda route: route.name,
)
def test_list_page_queries_do_not_grow_with_rows(staff_client, route):
    factory = factory_for(_model_of(_view_class(route)))
    url = reverse(route.name)
    factory.create_batch(3)
    staff_client.get(url)  # warm caches (content types, session) before counting
    few = count_queries(staff_client, url)
    factory.create_batch(97)
    many = count_queries(staff_client, url)
    assert_same_queries(few, many, route.name)


def _related_rows(route, obj) -> list[tuple[type, str]]:
    """Return (factory, field) of every kind of row shown in the record's tabs."""
    model = type(obj)
    found = []
    for tab in _view_class(route).tabs:
        related = tab.rows(obj).model
        field = next(f for f in related._meta.get_fields() if f.related_model is model)
        found.append((factory_for(related), field.name))
    for label, field_name in EXTRA_RELATED.get(model._meta.label_lower, []):
        found.append((factory_for(apps.get_model(label)), field_name))
    return found


def _add_rows(obj, related, count: int):
    for factory, field_name in related:
        field = factory._meta.model._meta.get_field(field_name)
        if field.many_to_many:
            for row in factory.create_batch(count):
                getattr(row, field_name).add(obj)
        else:
            factory.create_batch(count, **{field_name: obj})


@pytest.mark.parametrize(
    "route",
    [pytest.param(route) for route in DETAIL_PAGES],
    ids=lambda route: route.name,
)
def test_detail_page_queries_do_not_grow_with_related_rows(staff_client, route):
    obj = factory_for(_model_of(_view_class(route)))()
    related = _related_rows(route, obj)
    url = reverse(route.name, args=[obj.pk])
    _add_rows(obj, related, 3)
    staff_client.get(url)
    few = count_queries(staff_client, url)
    _add_rows(obj, related, 27)
    many = count_queries(staff_client, url)
    assert_same_queries(few, many, route.name)


def count_export_queries(client, url: str, export: str) -> list[str]:
    """Return the SQL of an export of `url` (its streamed body read to the end)."""
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, {"export": export})
        assert response.status_code == 200, (url, export, response.status_code)
        body(response)
    return [query["sql"] for query in context.captured_queries]


@pytest.mark.parametrize("export", ["csv", "xlsx"])
@pytest.mark.parametrize(
    "route",
    [pytest.param(route) for route in LIST_PAGES if route.name != "reports:annualreport_list"],
    ids=lambda route: route.name,
)
def test_export_queries_do_not_grow_with_rows(staff_client, route, export):
    """Issue 12: an export is a fixed number of values queries, not a query per row or cell."""
    factory = factory_for(_model_of(_view_class(route)))
    url = reverse(route.name)
    factory.create_batch(3)
    count_export_queries(staff_client, url, export)
    # Computed, not taken from the cache (a teacher's legal status is kept there): what an
    # export costs when its data has changed.
    cache.clear()
    few = count_export_queries(staff_client, url, export)
    factory.create_batch(60)
    cache.clear()
    many = count_export_queries(staff_client, url, export)
    assert_same_queries(few, many, f"{route.name} {export}")
    # No DISTINCT over the rows (read in the list's order). PostgreSQL's CSV reads a computed
    # column's distinct values, unordered (foreign_affairs.exports_pg.DistinctValues), to call
    # its function once per value.
    rows = [sql for sql in many if "ORDER BY" in sql.upper()]
    assert rows, route.name
    assert not any("DISTINCT" in sql.upper() for sql in rows), route.name
