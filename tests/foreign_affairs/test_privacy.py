"""Personal identifiers (DESIGN §1, PIPL): masked for leadership, logged when shown unmasked.

Leadership see a teacher's date of birth and phone and a document's number masked
(`E12****78`) and leave no trace in the access log; office staff see them unmasked and each
such view writes one PersonalDataAccess row (who, which record, which fields); liaisons do
not see faculty data at all.
"""

import io
from datetime import date

import openpyxl
import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.urls import reverse

from foreign_affairs.attachments import download_url
from foreign_affairs.models import PersonalDataAccess
from foreign_affairs.roles import LEADERSHIP, LIAISON, OFFICE_STAFF
from tests.exchanges.factories import PassportCustodyFactory
from tests.factories import UserFactory, body
from tests.faculty.factories import ForeignTeacherFactory, IdentityDocumentFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< >>\n%%EOF\n"
PHONE = "13812345678"
NUMBER = "E12345678"


def user_with(role: str):
    user = UserFactory()
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def teacher():
    return ForeignTeacherFactory(date_of_birth=date(1988, 6, 21), phone=PHONE)


@pytest.fixture
def document(teacher):
    return IdentityDocumentFactory(teacher=teacher, number=NUMBER)


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_leadership_see_a_teachers_identifiers_masked_and_leave_no_log(client, teacher):
    client.force_login(user_with(LEADERSHIP))

    html = page(client, teacher.get_absolute_url())

    assert "1988年**月**日" in html
    assert "138****78" in html
    for unmasked in (PHONE, "1988年6月21日", "1988-06-21", "6月21日"):
        assert unmasked not in html
    assert not PersonalDataAccess.objects.exists()


def test_leadership_see_a_document_number_masked_and_leave_no_log(client, document):
    client.force_login(user_with(LEADERSHIP))

    html = page(client, document.get_absolute_url())

    assert "E12****78" in html
    assert NUMBER not in html
    assert not PersonalDataAccess.objects.exists()


def test_leadership_see_a_passport_number_in_custody_masked(client):
    passport = PassportCustodyFactory(passport_number=NUMBER)
    client.force_login(user_with(LEADERSHIP))

    html = page(client, passport.get_absolute_url())

    assert "E12****78" in html
    assert NUMBER not in html
    assert not PersonalDataAccess.objects.exists()


def test_leadership_may_not_open_the_edit_form_that_holds_the_identifiers(client, document):
    client.force_login(user_with(LEADERSHIP))
    url = reverse("faculty:identitydocument_edit", args=[document.pk])
    assert client.get(url).status_code == 403
    assert not PersonalDataAccess.objects.exists()


IDENTIFYING_LISTS = [
    ("faculty:identitydocument_list", lambda: IdentityDocumentFactory(number=NUMBER)),
    ("exchanges:passportcustody_list", lambda: PassportCustodyFactory(passport_number=NUMBER)),
    ("faculty:foreignteacher_list", lambda: ForeignTeacherFactory(phone=PHONE)),
]


@pytest.mark.parametrize(("list_name", "factory"), IDENTIFYING_LISTS)
def test_leadership_lists_do_not_carry_identifiers_and_do_not_export(client, list_name, factory):
    factory()
    client.force_login(user_with(LEADERSHIP))

    response = client.get(reverse(list_name))

    assert response.status_code == 200
    assert NUMBER.encode() not in response.content
    assert PHONE.encode() not in response.content
    assert client.get(reverse(list_name), {"export": "xlsx"}).status_code == 403


@pytest.mark.parametrize(("list_name", "factory"), IDENTIFYING_LISTS)
@pytest.mark.parametrize("export_format", ["xlsx", "csv"])
def test_exports_do_not_carry_identifiers(client, list_name, factory, export_format):
    """An export is not written to the access log, so it must not hold identifiers."""
    factory()
    client.force_login(user_with(OFFICE_STAFF))

    response = client.get(reverse(list_name), {"export": export_format})

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    content = body(response)  # a CSV export is streamed
    if export_format == "xlsx":
        sheet = openpyxl.load_workbook(io.BytesIO(content), read_only=True).active
        content = repr(list(sheet.iter_rows(values_only=True))).encode()
    assert NUMBER.encode() not in content
    assert PHONE.encode() not in content
    assert not PersonalDataAccess.objects.exists()


def test_office_staff_see_a_teachers_identifiers_and_each_view_is_logged(client, teacher):
    staff = user_with(OFFICE_STAFF)
    client.force_login(staff)

    html = page(client, teacher.get_absolute_url())

    assert PHONE in html and "1988年6月21日" in html
    assert "****" not in html
    access = PersonalDataAccess.objects.get()
    assert (access.user, access.object_id, access.object_repr) == (staff, teacher.pk, str(teacher))
    assert access.content_type == ContentType.objects.get_for_model(teacher)
    assert set(access.fields.split(", ")) == {"date_of_birth", "phone"}
    assert access.path == teacher.get_absolute_url()

    page(client, teacher.get_absolute_url())
    assert PersonalDataAccess.objects.filter(user=staff, object_id=teacher.pk).count() == 2


def test_office_staff_see_a_document_number_and_the_view_is_logged(client, document):
    staff = user_with(OFFICE_STAFF)
    client.force_login(staff)

    html = page(client, document.get_absolute_url())

    assert NUMBER in html
    access = PersonalDataAccess.objects.get()
    assert (access.user, access.object_id, access.fields) == (staff, document.pk, "number")
    assert access.content_type == ContentType.objects.get_for_model(document)


def test_opening_the_edit_form_is_an_unmasked_view_and_is_logged(client, document):
    staff = user_with(OFFICE_STAFF)
    client.force_login(staff)

    html = page(client, reverse("faculty:identitydocument_edit", args=[document.pk]))

    assert f'value="{NUMBER}"' in html
    access = PersonalDataAccess.objects.get()
    assert (access.user, access.object_id, access.fields) == (staff, document.pk, "number")


def test_only_the_identifiers_that_are_filled_in_are_logged(client):
    teacher = ForeignTeacherFactory(date_of_birth=None, phone="")
    client.force_login(user_with(OFFICE_STAFF))

    page(client, teacher.get_absolute_url())

    assert not PersonalDataAccess.objects.exists()


@pytest.mark.parametrize(
    "url_of",
    [
        lambda teacher, document: teacher.get_absolute_url(),
        lambda teacher, document: document.get_absolute_url(),
        lambda teacher, document: reverse("faculty:foreignteacher_edit", args=[teacher.pk]),
        lambda teacher, document: reverse("faculty:foreignteacher_list"),
        lambda teacher, document: reverse("faculty:identitydocument_list"),
    ],
    ids=["teacher", "document", "teacher-edit", "teacher-list", "document-list"],
)
def test_liaison_see_no_faculty_data(client, teacher, document, url_of):
    client.force_login(user_with(LIAISON))

    response = client.get(url_of(teacher, document))

    assert response.status_code == 403
    assert PHONE.encode() not in response.content
    assert not PersonalDataAccess.objects.exists()


def test_leadership_do_not_see_an_old_number_in_the_history(client, document):
    document.number = "E98765432"
    document.save()
    client.force_login(user_with(LEADERSHIP))

    html = page(client, document.get_absolute_url())

    assert NUMBER not in html and "E98765432" not in html


def test_an_identity_documents_scan_is_a_personal_identifier(client):
    document = IdentityDocumentFactory(number=NUMBER, file=ContentFile(PDF, name="scan.pdf"))
    url = download_url(document, "file")

    client.force_login(user_with(LEADERSHIP))
    assert client.get(url).status_code == 403

    staff = user_with(OFFICE_STAFF)
    client.force_login(staff)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert PersonalDataAccess.objects.filter(user=staff, object_id=document.pk).exists()
