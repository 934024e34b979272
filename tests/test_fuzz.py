"""Fuzzing every list filter and every edit form (issue 10, item 5): no answer is a 500.

The routes come from the URL configuration (`tests.test_permissions.portal_patterns`), so a
new list or form is fuzzed without anyone adding it here:

* every list page (`ObjectListView`), GET as office staff with any of its filterset's
  parameters plus `q`, `page`, `per_page`, `sort` and `export`;
* every form the staff post (object add/edit pages, the report editor, the workflow steps,
  a new section, a new report, the live findings of a visit form), starting from the form
  as the page renders it and replacing or dropping any of its fields.

Values mix hostile ones (NUL and other control characters, keys above 2**63, years 0 and
10**20, `-1`, dates that do not exist, 5000 characters, formulas) with arbitrary text and
integers. Hypothesis runs derandomised (a fixed seed per test) with a bounded number of
examples, so CI sees the same inputs every time. Each example runs in a savepoint that is
rolled back, so one request cannot change the data the next one sees.

`FUZZ_EXAMPLES` (environment) sets the examples per route (default 12 for lists, 6 for forms).
`FUZZ_COUNT_FILE` makes the test count the 500s into that file instead of failing (to measure
code that still has them).
"""

import os

import pytest
from django.contrib.auth.models import Group
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from foreign_affairs.roles import OFFICE_STAFF
from foreign_affairs.views.generic import ObjectEditView, ObjectListView
from tests.factories import UserFactory, factory_for
from tests.page_forms import page_data
from tests.test_permissions import World, portal_patterns, url_of

pytestmark = pytest.mark.django_db

LIST_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10"))
FORM_EXAMPLES = max(1, LIST_EXAMPLES // 2)
COUNT_FILE = os.environ.get("FUZZ_COUNT_FILE")

HOSTILE = [
    "",
    " ",
    "\x00",
    "甲\x00乙",
    "\x01",
    "\x1b[31m",
    "\x0b",
    "\x7f",
    "\x85",
    "-1",
    "0",
    "1",
    "99999999999999999999",
    "-99999999999999999999",
    "99999999999999999999999",
    "1e400",
    "NaN",
    "Infinity",
    "0000-00-00",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "2025-02-30",
    "2025-13-01",
    '=HYPERLINK("http://x","点此")',
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%",
    "_",
    "\\",
    "１２３",
    "\u202e",
    "\U0001f600",
    "x" * 5000,
    "xlsx",
    "csv",
    "json",
    "xls",
    "true",
    "null",
]
value = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=20),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)
values = st.one_of(value, st.lists(value, min_size=1, max_size=3))
# Tried first on every route, in every parameter or field at once (explicit examples).
EVERYWHERE = ["\x00", "甲\x01乙", "9" * 23, "-1", "0000-00-00", "x" * 5000, "1e400"]

FUZZ = settings(
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def everywhere(argument: str, names: list[str], **others):
    """Decorate a @given test with one explicit example per `EVERYWHERE` value in all `names`."""

    def decorate(test):
        for bad in reversed(EVERYWHERE):
            test = example(**{argument: dict.fromkeys(names, bad)}, **others)(test)
        return test

    return decorate


def view_class(route):
    return getattr(route.pattern.callback, "view_class", None)


def is_list(route) -> bool:
    view = view_class(route)
    return view is not None and issubclass(view, ObjectListView)


# The report editor's forms are built in its views (no `form_class` to discover): the form
# the page renders is read from the response, like every other form.
FORM_ROUTES_WITHOUT_FORM_CLASS = {
    "reports:annualreport_edit",
    "reports:section_add",
    "exchanges:visit_findings",
}


def is_form(route) -> bool:
    view = view_class(route)
    if view is None:
        return False
    if route.name in FORM_ROUTES_WITHOUT_FORM_CLASS:
        return True
    if view.__name__ == "ObjectActionView":  # a workflow step
        return True
    return bool(getattr(view, "form_class", None)) and "post" in view.http_method_names


LIST_ROUTES = [route for route in portal_patterns() if is_list(route)]
# The other pages that read their query string, and what they read.
QUERY_PAGES = {"search": ["q"], "inbox": ["done", "page"], "deadlines": ["page"]}
QUERY_ROUTES = [route for route in portal_patterns() if route.name in QUERY_PAGES]
FORM_ROUTES = [
    route
    for route in portal_patterns()
    if is_form(route) and not route.name.endswith("_import")  # uploads: test_hostile_files
]


def list_parameters(route) -> list[str]:
    if route.name in QUERY_PAGES:
        return QUERY_PAGES[route.name]
    filterset_class = view_class(route).filterset_class
    return [*filterset_class.base_filters, "page", "per_page", "sort", "export"]


def record(status: int, route, data) -> None:
    """Fail on a server error, or (measuring) write it down and go on."""
    if COUNT_FILE:
        if status >= 500:
            with open(COUNT_FILE, "a", encoding="utf-8") as handle:
                handle.write(f"{route.name}\t{status}\t{data!r:.300}\n")
        return
    assert status < 500, f"{route.name} answered {status} to {data!r}"


def ask(client, method: str, url: str, data) -> int:
    """Send one request inside a savepoint that is rolled back; return the status."""
    with transaction.atomic():
        response = getattr(client, method)(url, data)
        transaction.set_rollback(True)
    return response.status_code


@pytest.fixture
def staff(db) -> Client:
    user = UserFactory(username="fuzz-staff")
    user.groups.add(Group.objects.get(name=OFFICE_STAFF))
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


@pytest.mark.parametrize("route", LIST_ROUTES + QUERY_ROUTES, ids=lambda route: route.name)
def test_no_list_filter_value_gives_a_server_error(staff, route):
    view = view_class(route)
    if route in LIST_ROUTES:
        factory_for(view.queryset.model).create_batch(2)
    url = url_of(route, World())
    parameters = list_parameters(route)

    @settings(FUZZ, max_examples=LIST_EXAMPLES)
    @given(query=st.dictionaries(st.sampled_from(parameters), values, max_size=4))
    @everywhere("query", parameters)
    def check(query):
        record(ask(staff, "get", url, query), route, query)

    check()


# --- forms -----------------------------------------------------------------------------------


def base_data(client, route, url) -> tuple[dict, list[str]]:
    """Return the POST data of the form as the page renders it, and the names to fuzz."""
    view = view_class(route)
    if view.__name__ == "ObjectActionView":
        from foreign_affairs.workflow import workflow_of

        initkwargs = route.pattern.callback.view_initkwargs
        workflow = workflow_of(initkwargs["queryset"].model)
        transition = workflow.by_name[initkwargs["transition"]]
        names = [f"{transition.name}-{name}" for name in transition.form_class.base_fields]
        return {}, names
    if route.name == "reports:section_add":
        return {}, ["title"]
    if route.name == "reports:annualreport_add":
        return {}, ["year"]
    page_url = url
    if route.name == "exchanges:visit_findings":
        page_url = url.replace("findings/", "add/")
    page = client.get(page_url)
    if page.status_code != 200:  # e.g. the login page sends a logged-in user home
        return {}, list(view.form_class.base_fields) or ["version"]
    data = page_data(page)
    names = list(data)
    if route.name == "exchanges:visit_findings":
        names.append("visit_pk")
    if "body" in data or "intro" in data or "preface" in data:  # the block editor's inputs
        for field in ("body", "intro", "preface"):
            names += [f"{field}-count", f"{field}-0-kind", f"{field}-0-text", f"{field}-0-rows"]
    return data, names or ["version"]


@pytest.mark.parametrize("route", FORM_ROUTES, ids=lambda route: route.name)
def test_no_form_input_gives_a_server_error(staff, route):
    url = url_of(route, World())
    data, names = base_data(staff, route, url)

    @settings(FUZZ, max_examples=FORM_EXAMPLES)
    @given(
        changed=st.dictionaries(st.sampled_from(names), values, max_size=4),
        dropped=st.sets(st.sampled_from(names), max_size=2),
    )
    @everywhere("changed", names, dropped=set())
    def check(changed, dropped):
        posted = {key: item for key, item in {**data, **changed}.items() if key not in dropped}
        record(ask(staff, "post", url, posted), route, posted)

    check()


def test_the_fuzz_reaches_every_list_and_form():
    """The discovery above finds the pages it must (a refactoring cannot empty it silently)."""
    names = {route.name for route in FORM_ROUTES}
    assert len(LIST_ROUTES) >= 17
    assert len(QUERY_ROUTES) == len(QUERY_PAGES)
    assert {"partners:institution_edit", "exchanges:visit_edit", "reports:section_edit"} <= names
    assert {"reports:annualreport_edit", "exchanges:visit_approve"} <= names
    object_pages = [r for r in FORM_ROUTES if r.name.endswith(("_add", "_edit"))]
    editors = [r for r in object_pages if issubclass(view_class(r), ObjectEditView)]
    assert len(editors) == 2 * 17  # add and edit of every model with object pages
