"""Records of a model are shown only to whoever may view that model (issue 10 item 2).

Reproduction: a liaison gets 403 on /exchanges/participants/ but saw the participants tab —
names and student numbers — on /exchanges/projects/<pk>/. A tab, a related table column,
global search and every export now check `<app>.view_<model>` of the records they show.
"""

import io

import openpyxl
import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from exchanges.models import ExchangeProject
from foreign_affairs.registry import SearchEntry
from foreign_affairs.roles import LEADERSHIP, LIAISON, OFFICE_STAFF
from foreign_affairs.tables import may_view
from foreign_affairs.views.generic import ObjectView
from foreign_affairs.views.search import viewable_fields
from tests.exchanges.factories import ExchangeProjectFactory, ParticipantFactory, VisitFactory
from tests.factories import UserFactory, factory_for
from tests.faculty.factories import ForeignTeacherFactory
from tests.partners.factories import InstitutionFactory
from tests.reports.factories import AnnualReportFactory

pytestmark = pytest.mark.django_db

ROLES = (OFFICE_STAFF, LEADERSHIP, LIAISON)
STUDENT, NUMBER = "王小明", "2023000123"


def user_in(role: str):
    user = UserFactory()
    user.groups.add(Group.objects.get(name=role))
    return user


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def user_with(*perms: str):
    """A user holding exactly these permissions ("app.codename")."""
    user = UserFactory()
    for perm in perms:
        app_label, codename = perm.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return user


@pytest.fixture
def project():
    project = ExchangeProjectFactory(name="澳门镜湖护理学院交换项目")
    ParticipantFactory(project=project, name=STUDENT, number=NUMBER)
    return project


# --- the reproduction ----------------------------------------------------------------------------


def test_a_liaison_sees_no_participant_on_the_project_page(project):
    client = client_for(user_in(LIAISON))
    assert client.get(reverse("exchanges:participant_list")).status_code == 403

    response = client.get(project.get_absolute_url())

    assert response.status_code == 200
    html = response.content.decode()
    assert project.name in html
    assert STUDENT not in html and NUMBER not in html
    assert 'id="tab-participants"' not in html and 'data-bs-target="#tab-participants"' not in html
    assert [tab["slug"] for tab in response.context["tabs"]] == []


def test_office_staff_and_leadership_still_see_the_participants_tab(project):
    for role in (OFFICE_STAFF, LEADERSHIP):
        html = client_for(user_in(role)).get(project.get_absolute_url()).content.decode()
        assert 'id="tab-participants"' in html and STUDENT in html and NUMBER in html


def test_the_project_list_shows_participant_counts_only_to_who_may_view_participants(project):
    liaison = client_for(user_in(LIAISON)).get(reverse("exchanges:exchangeproject_list"))
    staff = client_for(user_in(OFFICE_STAFF)).get(reverse("exchanges:exchangeproject_list"))
    assert "participant_count" not in liaison.context["table"].columns.names()
    assert "participant_count" in staff.context["table"].columns.names()


# --- every tab of every detail page, for every role ----------------------------------------------


def detail_views() -> list[tuple[str, type]]:
    """Return (URL name, view class) of every generic detail page of the portal."""
    found = []

    def walk(patterns, namespace=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(
                    entry.url_patterns,
                    f"{namespace}{entry.namespace}:" if entry.namespace else namespace,
                )
            elif isinstance(entry, URLPattern):
                view = getattr(entry.callback, "view_class", None)
                if view is not None and issubclass(view, ObjectView) and entry.name:
                    found.append((f"{namespace}{entry.name}", view))

    walk(get_resolver().url_patterns)
    return sorted(found, key=lambda item: item[0])


DETAIL_VIEWS = detail_views()


def fill_tab(tab, obj) -> None:
    """Give the tab one row related to `obj` (by its foreign key, else its many-to-many)."""
    model = tab.model_for(obj)
    if tab.field:
        factory_for(model)(**{tab.field: obj})
        return
    row = factory_for(model)()
    link = next(
        field
        for field in model._meta.many_to_many
        if field.related_model is type(obj) and getattr(obj, field.related_query_name(), None)
    )
    getattr(row, link.name).add(obj)


def test_the_walk_finds_the_detail_pages_with_tabs():
    with_tabs = {name for name, view in DETAIL_VIEWS if view.tabs}
    assert {
        "exchanges:exchangeproject",
        "faculty:foreignteacher",
        "partners:institution",
    } <= with_tabs


@pytest.mark.parametrize(("name", "view"), DETAIL_VIEWS, ids=[name for name, _ in DETAIL_VIEWS])
def test_every_tab_shown_is_of_a_model_the_role_may_view(name, view):
    model = view.queryset.model
    obj = factory_for(model)()
    for tab in view.tabs:
        fill_tab(tab, obj)
    for role in ROLES:
        user = user_in(role)
        response = client_for(user).get(reverse(name, args=[obj.pk]))
        if not may_view(user, model):
            assert response.status_code == 403
            continue
        assert response.status_code == 200, (role, name)
        html = response.content.decode()
        shown = {tab["slug"]: tab["table"] for tab in response.context["tabs"]}
        for tab in view.tabs:
            allowed = may_view(user, tab.model_for(obj))
            assert (tab.slug in shown) == allowed, (role, name, tab.slug)
            assert (f'id="tab-{tab.slug}"' in html) == allowed, (role, name, tab.slug)
        for field in response.context["fields"]:
            related = model._meta.get_field(field["name"])
            if related.is_relation:
                assert may_view(user, related.related_model), (role, name, field["name"])


def test_an_institution_timeline_leaves_out_what_the_user_may_not_view():
    institution = InstitutionFactory()
    project = ExchangeProjectFactory(name="只给能看项目的人看的项目")
    project.partners.add(institution)
    visit = VisitFactory(title="只给能看出访的人看的出访")
    visit.institutions.add(institution)
    reader = user_with("partners.view_institution")

    html = client_for(reader).get(institution.get_absolute_url()).content.decode()

    assert project.name not in html and visit.title not in html
    staff_html = client_for(user_in(OFFICE_STAFF)).get(institution.get_absolute_url())
    assert project.name in staff_html.content.decode()


# --- search --------------------------------------------------------------------------------------


def test_a_liaison_finds_no_participant_and_no_teacher(project):
    ForeignTeacherFactory(family_name="Carter", given_name="Emily")
    liaison = client_for(user_in(LIAISON))
    staff = client_for(user_in(OFFICE_STAFF))

    for query in (STUDENT, NUMBER, "Carter"):
        response = liaison.get(reverse("search"), {"q": query})
        assert response.status_code == 200
        assert response.context["groups"] == [], query
        assert query not in "".join(
            str(row) for g in response.context["groups"] for row in g["rows"]
        )
    found = staff.get(reverse("search"), {"q": "Carter"}).context["groups"]
    assert [group["opts"].model_name for group in found] == ["foreignteacher"]


def test_search_never_matches_through_a_model_the_user_may_not_view(project):
    entry = SearchEntry(ExchangeProject, ("name", "participants__name", "partners__name_zh"))
    assert viewable_fields(entry, user_in(LIAISON)) == ["name", "partners__name_zh"]
    assert viewable_fields(entry, user_in(OFFICE_STAFF)) == list(entry.fields)
    assert viewable_fields(entry, user_with("partners.view_institution")) == []


# --- exports -------------------------------------------------------------------------------------


def test_an_export_leaves_out_columns_of_models_the_user_may_not_view(project):
    exporter = user_with("exchanges.view_exchangeproject", "exchanges.change_exchangeproject")
    response = client_for(exporter).get(
        reverse("exchanges:exchangeproject_list"), {"export": "xlsx"}
    )
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True).active
    header = next(sheet.iter_rows(values_only=True))
    staff = client_for(user_in(OFFICE_STAFF)).get(
        reverse("exchanges:exchangeproject_list"), {"export": "xlsx"}
    )
    staff_sheet = openpyxl.load_workbook(io.BytesIO(staff.content), read_only=True).active
    staff_header = next(staff_sheet.iter_rows(values_only=True))
    assert len(staff_header) == len(header) + 1  # the participants column
    assert set(header) < set(staff_header)


def test_the_statistics_workbook_needs_the_view_permission_of_what_it_lists():
    report = AnnualReportFactory(year=2025)
    url = reverse("reports:annualreport_statistics", args=[report.year])
    assert client_for(user_with("reports.view_annualreport")).get(url).status_code == 403
    assert client_for(user_in(LEADERSHIP)).get(url).status_code == 200
