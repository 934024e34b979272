"""An edit without the version it was opened at is refused (issue 10, item 13).

Before, `VersionedModelForm` took a missing version for the stored one: a POST without
`version` (a script, a form from an old page, a tampered request) silently overwrote whatever
was stored, however stale. Now a missing, blank or non-integer version is a form error
("This form is out of date or incomplete: reload the page.") and nothing is saved — on every
edit form: the portal's, the report editor's and the admin's.
"""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import translation

from exchanges.models import Visit
from foreign_affairs.forms import OUT_OF_DATE_MESSAGE
from foreign_affairs.roles import OFFICE_STAFF
from partners.models import Institution
from reports.models import ReportSection
from tests.exchanges.factories import VisitFactory
from tests.factories import UserFactory, admin_form_data, admin_url
from tests.page_forms import page_data
from tests.partners.factories import InstitutionFactory
from tests.reports.factories import ReportSectionFactory

pytestmark = pytest.mark.django_db


def out_of_date() -> str:
    with translation.override("zh-hans"):
        return str(OUT_OF_DATE_MESSAGE)


@pytest.fixture
def staff(client):
    user = UserFactory()
    user.groups.add(Group.objects.get(name=OFFICE_STAFF))
    client.force_login(user)
    return user


def opened(client, url: str) -> dict:
    """The form as the page renders it: what a browser posts back unchanged."""
    data = page_data(client.get(url))
    assert "version" in data
    return data


def institution_case():
    institution = InstitutionFactory(city="澳门")
    url = reverse("partners:institution_edit", args=[institution.pk])
    return institution, url, "city", "Macau"


def visit_case():
    visit = VisitFactory(title="赴澳门交流")
    return visit, reverse("exchanges:visit_edit", args=[visit.pk]), "title", "赴香港交流"


def section_case():
    section = ReportSectionFactory(title="对外交流")
    url = reverse("reports:section_edit", args=[section.part.report.year, section.pk])
    return section, url, "title", "对外交流与合作"


CASES = {"institution": institution_case, "visit": visit_case, "report section": section_case}


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("version", [None, "", "abc", "1.5", " "], ids=repr)
def test_an_edit_without_a_usable_version_is_refused(client, staff, case, version):
    obj, url, field, new_value = CASES[case]()
    data = {**opened(client, url), field: new_value}
    if version is None:
        del data["version"]
    else:
        data["version"] = version

    response = client.post(url, data)

    assert response.status_code == 200
    assert out_of_date() in response.context["form"].non_field_errors()
    assert out_of_date() in response.content.decode()
    stored = type(obj)._base_manager.get(pk=obj.pk)
    assert getattr(stored, field) == getattr(obj, field)
    assert stored.version == obj.version


@pytest.mark.parametrize("case", CASES)
def test_the_same_edit_with_its_version_is_saved(client, staff, case):
    obj, url, field, new_value = CASES[case]()
    data = {**opened(client, url), field: new_value}

    response = client.post(url, data)

    assert response.status_code == 302, response.context["form"].errors
    stored = type(obj)._base_manager.get(pk=obj.pk)
    assert getattr(stored, field) == new_value
    assert stored.version == obj.version + 1


def test_a_new_record_needs_no_version(client, staff):
    response = client.post(
        reverse("partners:institution_add"),
        {"name_zh": "新西兰奥塔哥理工学院", "country": "NZ", "kind": "college", "status": "active"},
    )
    assert response.status_code == 302
    assert Institution.objects.filter(name_zh="新西兰奥塔哥理工学院").exists()


def test_the_query_string_cannot_set_the_version_of_an_edit_form(client, staff):
    institution, url, _field, _value = institution_case()
    response = client.get(url, {"version": "999", "city": "x"})
    assert response.context["form"]["version"].value() == institution.version


def test_a_visit_member_row_without_its_version_is_refused(client, staff):
    visit = VisitFactory(title="赴澳门交流", direction=Visit.Direction.OUTBOUND)
    member = visit.members.create(name="张三", role="leader")
    url = reverse("exchanges:visit_edit", args=[visit.pk])
    data = opened(client, url)
    assert data["members-0-version"] == str(member.version)
    data["members-0-name"] = "李四"
    del data["members-0-version"]

    response = client.post(url, data)

    assert response.status_code == 200
    assert out_of_date() in response.context["members"].forms[0].non_field_errors()
    member.refresh_from_db()
    assert member.name == "张三"


def test_the_admin_refuses_a_change_without_the_version(admin_client):
    section = ReportSectionFactory(title="对外交流")
    url = admin_url(ReportSection, "change", section.pk)
    data = {**admin_form_data(admin_client.get(url)), "title": "改过的标题"}
    del data["version"]

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert out_of_date() in response.content.decode()
    section.refresh_from_db()
    assert section.title == "对外交流"
