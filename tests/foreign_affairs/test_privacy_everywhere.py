"""Personal fields are declared once, on the model, and every view obeys it (issue 10 item 10).

Reproduction: the admin showed passport numbers and birth dates and wrote no access-log row.
Now the admin, like the portal, masks them for a user without `faculty.view_personal_data`
and logs each page that shows them to a user with it; history pages and exports read the same
declaration; a field that looks personal cannot be added without declaring it.
"""

import io
from datetime import date

import django_tables2 as tables
import openpyxl
import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from exchanges import views as exchange_views
from exchanges.models import PassportCustody
from faculty.models import ForeignTeacher, IdentityDocument
from foreign_affairs.models import PersonalDataAccess, is_history_model
from foreign_affairs.privacy import PERSONAL_LOOKING, not_personal_fields, personal_fields
from foreign_affairs.roles import DOMAIN_APPS, LEADERSHIP, OFFICE_STAFF
from foreign_affairs.tables import ObjectTable
from tests.exchanges.factories import PassportCustodyFactory
from tests.factories import UserFactory, admin_url, body
from tests.faculty.factories import ForeignTeacherFactory, IdentityDocumentFactory

pytestmark = pytest.mark.django_db

NUMBER, PHONE, BIRTH = "E12345678", "13812345678", date(1988, 6, 21)
MASKED_NUMBER, MASKED_PHONE, MASKED_BIRTH = "E12****78", "138****78", "1988年**月**日"
UNMASKED_BIRTH = ("1988-06-21", "1988年6月21日", "6月21日", "June 21, 1988")


@pytest.fixture
def teacher():
    teacher = ForeignTeacherFactory(date_of_birth=BIRTH, phone=PHONE, email="emily@example.com")
    IdentityDocumentFactory(teacher=teacher, number=NUMBER)
    return teacher


@pytest.fixture
def passport():
    return PassportCustodyFactory(passport_number=NUMBER)


@pytest.fixture
def clerk(client):
    """An administrator of the admin site who may edit teachers and passports, but not see
    personal identifiers unmasked."""
    user = UserFactory(is_staff=True)
    for model in (ForeignTeacher, IdentityDocument, PassportCustody):
        for action in ("view", "change"):
            user.user_permissions.add(
                Permission.objects.get(
                    content_type__app_label=model._meta.app_label,
                    codename=f"{action}_{model._meta.model_name}",
                )
            )
    client.force_login(user)
    return user


def html_of(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


# --- the declaration -----------------------------------------------------------------------------


def domain_models():
    return [
        model
        for label in DOMAIN_APPS
        for model in apps.get_app_config(label).get_models()
        if not is_history_model(model)
    ]


def test_every_field_that_looks_personal_is_declared_one_way_or_the_other():
    undeclared = [
        f"{model._meta.label}.{field.name}"
        for model in domain_models()
        for field in model._meta.concrete_fields
        if PERSONAL_LOOKING.search(field.name)
        and field.name not in personal_fields(model)
        and field.name not in not_personal_fields(model)
    ]
    assert not undeclared, (
        "Declare these fields on their model in `personal_fields` (masked and logged) or, with "
        f"the reason, in `not_personal_fields` (see foreign_affairs/privacy.py): {undeclared}"
    )


def test_the_declarations_name_real_fields_and_do_not_contradict_each_other():
    for model in domain_models():
        names = {field.name for field in model._meta.concrete_fields}
        assert set(personal_fields(model)) <= names, model
        assert set(not_personal_fields(model)) <= names, model
        assert not set(personal_fields(model)) & set(not_personal_fields(model)), model
        assert all(reason.strip() for reason in not_personal_fields(model).values()), model


def test_the_check_would_catch_a_new_field():
    assert PERSONAL_LOOKING.search("id_number") and PERSONAL_LOOKING.search("birth_date")
    assert PERSONAL_LOOKING.search("mobile_phone") and PERSONAL_LOOKING.search("home_address")
    assert not PERSONAL_LOOKING.search("title") and not PERSONAL_LOOKING.search("kind")


# --- the admin -----------------------------------------------------------------------------------


def test_the_admin_change_page_of_a_teacher_writes_an_access_log_row(
    admin_client, admin_user, teacher
):
    html = html_of(admin_client.get(admin_url(ForeignTeacher, "change", teacher.pk)))

    assert PHONE in html and NUMBER in html  # the inline document's number too
    rows = {row.object_repr: row for row in PersonalDataAccess.objects.all()}
    access = PersonalDataAccess.objects.get(
        object_id=teacher.pk, content_type__model="foreignteacher"
    )
    assert access.user == admin_user
    assert set(access.fields.split(", ")) == {"date_of_birth", "phone", "email"}
    assert access.path == admin_url(ForeignTeacher, "change", teacher.pk)
    document = teacher.documents.get()
    assert rows[str(document)].fields == "number"


def test_the_admin_change_page_of_a_passport_writes_an_access_log_row(admin_client, passport):
    html = html_of(admin_client.get(admin_url(PassportCustody, "change", passport.pk)))
    assert NUMBER in html
    access = PersonalDataAccess.objects.get()
    assert (access.object_id, access.fields) == (passport.pk, "passport_number")


def test_a_staff_user_without_the_permission_sees_masked_values_and_cannot_change_them(
    client, clerk, teacher, passport
):
    html = html_of(client.get(admin_url(ForeignTeacher, "change", teacher.pk)))
    assert MASKED_PHONE in html and MASKED_BIRTH in html and MASKED_NUMBER in html
    assert PHONE not in html and NUMBER not in html
    assert not any(birth in html for birth in UNMASKED_BIRTH)

    html = html_of(client.get(admin_url(PassportCustody, "change", passport.pk)))
    assert MASKED_NUMBER in html and NUMBER not in html
    response = client.post(
        admin_url(PassportCustody, "change", passport.pk),
        {
            "kind": passport.kind,
            "holder": "改过的持照人",
            "passport_number": "X00000000",
            "issued_on": "2022-05-10",
            "expires_on": "2032-05-09",
            "version": passport.version,
        },
    )
    assert response.status_code == 302
    passport.refresh_from_db()
    assert (passport.holder, passport.passport_number) == ("改过的持照人", NUMBER)
    assert not PersonalDataAccess.objects.exists()


def test_the_admin_history_masks_for_a_user_without_the_permission(client, clerk, teacher):
    teacher.phone = "13900000000"
    teacher.save()
    html = html_of(client.get(admin_url(ForeignTeacher, "history", teacher.pk)))
    assert PHONE not in html and "13900000000" not in html
    assert MASKED_PHONE in html
    first = teacher.history.earliest("history_date")
    version = html_of(
        client.get(admin_url(ForeignTeacher, "simple_history", teacher.pk, first.history_id))
    )
    assert PHONE not in version and MASKED_PHONE in version
    assert not PersonalDataAccess.objects.exists()


def test_the_admin_history_logs_what_it_shows(admin_client, admin_user, teacher):
    teacher.phone = "13900000000"
    teacher.save()
    html = html_of(admin_client.get(admin_url(ForeignTeacher, "history", teacher.pk)))
    assert PHONE in html and "13900000000" in html
    access = PersonalDataAccess.objects.get()
    assert (access.user, access.fields) == (admin_user, "phone")


# --- the portal: history and exports --------------------------------------------------------------


def user_in(role):
    user = UserFactory()
    user.groups.add(Group.objects.get(name=role))
    return user


def test_the_portal_history_masks_for_leadership_and_logs_for_the_office(client):
    teacher = ForeignTeacherFactory(phone=PHONE, date_of_birth=None)
    teacher.phone = ""  # cleared now: only the history still shows it
    teacher.save()

    client.force_login(user_in(LEADERSHIP))
    html = html_of(client.get(teacher.get_absolute_url()))
    assert PHONE not in html and MASKED_PHONE in html
    assert not PersonalDataAccess.objects.exists()

    staff = user_in(OFFICE_STAFF)
    client.force_login(staff)
    html = html_of(client.get(teacher.get_absolute_url()))
    assert PHONE in html
    access = PersonalDataAccess.objects.get()
    assert (access.user, access.fields) == (staff, "phone")


def test_a_stale_edit_message_masks_the_other_persons_personal_change(client):
    teacher = ForeignTeacherFactory(phone=PHONE)
    stale_version = teacher.version
    teacher.phone = "13900000000"
    teacher.save()
    client.force_login(user_in(OFFICE_STAFF))
    response = client.post(
        reverse("faculty:foreignteacher_edit", args=[teacher.pk]),
        {
            "family_name": teacher.family_name,
            "given_name": teacher.given_name,
            "nationality": "GB",
            "highest_degree": teacher.highest_degree,
            "years_experience": 3,
            "employment": teacher.employment,
            "status": teacher.status,
            "phone": "13700000000",
            "version": stale_version,
        },
    )
    html = html_of(response)
    assert "139****00" in html and "13900000000" not in html


class PassportWithNumberTable(ObjectTable):
    """A list that would show the document number (none of the portal's does today)."""

    holder = tables.Column(linkify=True)

    class Meta(ObjectTable.Meta):
        model = PassportCustody
        fields = ("holder", "passport_number", "kind")


@pytest.mark.parametrize(
    ("role", "status"), [(OFFICE_STAFF, 200), (LEADERSHIP, 403), ("superuser", 200)]
)
def test_exports_mask_personal_columns_for_every_role(client, monkeypatch, passport, role, status):
    monkeypatch.setattr(
        exchange_views.PassportCustodyListView, "table_class", PassportWithNumberTable
    )
    user = UserFactory(is_superuser=True) if role == "superuser" else user_in(role)
    client.force_login(user)

    page = client.get(reverse("exchanges:passportcustody_list"))
    assert page.status_code == 200
    assert NUMBER not in page.content.decode() and MASKED_NUMBER in page.content.decode()

    response = client.get(reverse("exchanges:passportcustody_list"), {"export": "xlsx"})
    assert response.status_code == status
    if status == 200:
        sheet = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True).active
        cells = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
        assert MASKED_NUMBER in cells and NUMBER not in cells
    csv = client.get(reverse("exchanges:passportcustody_list"), {"export": "csv"})
    assert NUMBER.encode() not in body(csv)
    assert not PersonalDataAccess.objects.exists()


@pytest.mark.parametrize(
    "query",
    [
        "?passport_number__startswith=E12",
        "?passport_number=E12345678",
    ],
)
def test_the_admin_refuses_filters_on_masked_fields(client, clerk, passport, query):
    """A prefix filter would spell out a masked number one guess at a time (fresh review)."""
    response = client.get(admin_url(PassportCustody, "changelist") + query)
    assert response.status_code == 400
    assert NUMBER not in response.content.decode()


def test_the_admin_searches_masked_fields_only_for_who_may_see_them(
    client, clerk, admin_client, passport, teacher
):
    url = admin_url(PassportCustody, "changelist") + "?q=E1234"
    change = admin_url(PassportCustody, "change", passport.pk)
    assert change not in client.get(url).content.decode()  # the clerk finds nothing by number
    assert change in admin_client.get(url).content.decode()
    teachers = admin_url(ForeignTeacher, "changelist")
    birth = f"?date_of_birth__gte={BIRTH.isoformat()}"
    assert client.get(teachers + birth).status_code == 400
    assert admin_client.get(teachers + birth).status_code == 200


def test_the_portal_search_skips_masked_fields_for_leadership(client, teacher):
    client.force_login(user_in(LEADERSHIP))
    assert teacher.family_name not in client.get("/faculty/?q=emily@example").content.decode()
    client.force_login(user_in(OFFICE_STAFF))
    assert teacher.family_name in client.get("/faculty/?q=emily@example").content.decode()
