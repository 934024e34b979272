"""The shared generic views: a stale edit is refused with the other person's change, a
deletion asks first and can be undone, a protected deletion says why."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from partners.models import Institution
from tests.factories import UserFactory
from tests.partners.factories import AgreementFactory, InstitutionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    user = UserFactory(username="chen", first_name="陈晓燕", last_name="")
    user.groups.add(Group.objects.get(name="office_staff"))
    client.force_login(user)
    return user


def _form_data(institution, **changes):
    data = {
        "name_zh": institution.name_zh,
        "name_en": institution.name_en,
        "short_name": institution.short_name,
        "kind": institution.kind,
        "country": institution.country.code,
        "city": institution.city,
        "website": institution.website,
        "status": institution.status,
        "since": "",
        "notes": institution.notes,
        "version": institution.version,
    }
    return {**data, **changes}


def test_create_with_a_chinese_name_and_see_it(client, staff):
    response = client.post(
        reverse("partners:institution_add"),
        _form_data(
            Institution(
                name_zh="新西兰奥塔哥理工学院", country="NZ", kind="college", status="prospective"
            )
        ),
    )
    institution = Institution.objects.get(name_zh="新西兰奥塔哥理工学院")
    assert response["Location"] == institution.get_absolute_url()
    assert institution.history.get().history_user == staff


def test_stale_edit_is_refused_with_the_other_persons_change(client, staff):
    institution = InstitutionFactory(city="澳门")
    opened = _form_data(institution, city="Macau")
    other = UserFactory(username="wang_li", first_name="", last_name="王丽")
    institution.city = "氹仔"
    institution._history_user = other
    institution.save()

    response = client.post(reverse("partners:institution_edit", args=[institution.pk]), opened)

    assert response.status_code == 200
    html = response.content.decode()
    assert "王丽" in html and "wang_li" not in html and "澳门" in html and "氹仔" in html
    institution.refresh_from_db()
    assert (institution.city, institution.version) == ("氹仔", 2)


def test_delete_asks_then_deletes_and_restore_brings_it_back(client, staff):
    institution = InstitutionFactory(name_zh="待删除的院校")
    delete_url = reverse("partners:institution_delete", args=[institution.pk])
    assert client.get(delete_url).status_code == 200
    assert Institution.objects.filter(pk=institution.pk).exists()

    client.post(delete_url)
    assert not Institution.objects.filter(pk=institution.pk).exists()

    deleted = client.get(reverse("partners:institution_deleted"))
    [record] = deleted.context["records"]
    client.post(reverse("partners:institution_restore", args=[record.history_id]))
    restored = Institution.objects.get(pk=institution.pk)
    assert restored.name_zh == "待删除的院校"
    assert restored.history.first().history_user == staff


def test_protected_delete_says_what_refers_to_the_record(client, staff):
    agreement = AgreementFactory(title="仍然有效的协议")
    response = client.post(
        reverse("partners:institution_delete", args=[agreement.institution.pk]), follow=True
    )
    assert Institution.objects.filter(pk=agreement.institution.pk).exists()
    assert "仍然有效的协议" in response.content.decode()


def test_detail_history_tab_says_who_changed_what(client, staff):
    institution = InstitutionFactory(city="澳门")
    client.post(
        reverse("partners:institution_edit", args=[institution.pk]),
        _form_data(institution, city="氹仔"),
    )
    html = client.get(institution.get_absolute_url()).content.decode()
    history = html[html.index('id="tab-history"') :]
    assert "陈晓燕" in history and "澳门" in history and "氹仔" in history
