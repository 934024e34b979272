"""A deletion can be undone from the admin: the record comes back as it was."""

import pytest
from django.urls import reverse

from partners.models import Contact, Institution


@pytest.fixture
def institution(db):
    return Institution.objects.create(name_zh="澳门镜湖护理学院", country="MO", city="澳门")


def test_deleted_record_is_listed_and_restored(admin_client, institution):
    pk = institution.pk
    admin_client.post(reverse("admin:partners_institution_delete", args=[pk]), {"post": "yes"})
    assert not Institution.objects.filter(pk=pk).exists()

    listing = admin_client.get(reverse("admin:partners_institution_deleted"))
    assert listing.status_code == 200
    assert "澳门镜湖护理学院" in listing.content.decode()
    record = Institution.history.get(id=pk, history_type="-")

    response = admin_client.post(
        reverse("admin:partners_institution_restore", args=[record.history_id])
    )
    assert response.status_code == 302
    restored = Institution.objects.get(pk=pk)
    assert (restored.name_zh, restored.country.code, restored.city) == (
        "澳门镜湖护理学院",
        "MO",
        "澳门",
    )
    last = restored.history.first()
    assert (last.history_type, last.history_user.username) == ("+", "admin")
    # restored records leave the list of deleted ones
    listing = admin_client.get(reverse("admin:partners_institution_deleted"))
    assert 'id="deleted-records"' not in listing.content.decode()


def test_restore_of_a_record_whose_parent_is_gone_is_refused_clearly(admin_client, institution):
    contact = Contact.objects.create(institution=institution, name="梁嘉慧")
    contact.delete()
    institution.delete()
    record = Contact.history.get(history_type="-")
    response = admin_client.post(
        reverse("admin:partners_contact_restore", args=[record.history_id]), follow=True
    )
    assert response.status_code == 200
    assert not Contact.objects.exists()
    assert "梁嘉慧" in response.content.decode()  # named in the error message


def test_restore_needs_add_permission(client, django_user_model, institution):
    viewer = django_user_model.objects.create_user("viewer", password="x", is_staff=True)
    institution.delete()
    record = Institution.history.get(history_type="-")
    client.force_login(viewer)
    response = client.post(reverse("admin:partners_institution_restore", args=[record.history_id]))
    assert response.status_code in (302, 403)
    assert not Institution.objects.exists()
