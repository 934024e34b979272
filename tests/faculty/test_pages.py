"""The foreign teachers' pages: documents' expiry, the legal-status checklist, 年度自查."""

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from faculty.models import ForeignTeacher, IdentityDocument
from tests.factories import UserFactory
from tests.faculty.factories import ContractFactory, ForeignTeacherFactory, IdentityDocumentFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("expires_in_days", "state", "row_class"),
    [(-1, "expired", "table-danger"), (30, "expiring", "table-warning"), (200, "valid", "")],
)
def test_documents_show_their_expiry_state(client, expires_in_days, state, row_class):
    today = timezone.localdate()
    document = IdentityDocumentFactory(
        issued_on=today - timedelta(days=400), expires_on=today + timedelta(days=expires_in_days)
    )
    assert document.expiry_state == state
    user = UserFactory()
    user.groups.add(Group.objects.get(name="office_staff"))
    client.force_login(user)
    response = client.get(reverse("faculty:identitydocument_list"))
    [row] = response.context["table"].rows
    classes = set((row.attrs.get("class") or "").split()) - {"odd", "even"}
    assert classes == ({row_class} if row_class else set())


@pytest.fixture
def staff_client(client):
    user = UserFactory()
    user.groups.add(Group.objects.get(name="office_staff"))
    client.force_login(user)
    return client


def test_the_teacher_page_shows_the_checklist_item_by_item(staff_client):
    teacher = ForeignTeacherFactory(status=ForeignTeacher.Status.EMPLOYED)
    response = staff_client.get(teacher.get_absolute_url())
    content = response.content.decode()
    assert 'data-item="work_permit" data-state="blocking"' in content
    assert 'data-item="age" data-state="ok"' in content
    assert "cap.edu.cn" in content  # the source's address
    assert response.context["findings"] == []  # shown once, in the checklist


def test_a_hong_kong_teacher_page_shows_only_their_own_item(staff_client):
    teacher = ForeignTeacherFactory(status=ForeignTeacher.Status.EMPLOYED, nationality="HK")
    content = staff_client.get(teacher.get_absolute_url()).content.decode()
    assert 'data-item="hmt" data-state="blocking"' in content
    assert 'data-item="work_permit"' not in content


def test_the_teacher_list_shows_the_worst_state_and_the_count(staff_client):
    ForeignTeacherFactory(status=ForeignTeacher.Status.EMPLOYED)
    response = staff_client.get(reverse("faculty:foreignteacher_list"))
    [row] = response.context["table"].rows
    assert "text-bg-danger" in row.get_cell("legal_status")
    assert "（5）" in row.get_cell("legal_status")  # two permits and three certificates


def test_the_self_inspection_lists_the_teachers_of_the_year(staff_client):
    today = timezone.localdate()
    employed = ForeignTeacherFactory(status=ForeignTeacher.Status.EMPLOYED)
    hmt = ForeignTeacherFactory(status=ForeignTeacher.Status.EMPLOYED, nationality="TW")
    candidate = ForeignTeacherFactory(status=ForeignTeacher.Status.CANDIDATE)
    response = staff_client.get(reverse("faculty:self_inspection", args=[today.year]))
    assert [row["teacher"] for row in response.context["foreign_rows"]] == [employed]
    assert [row["teacher"] for row in response.context["hmt_rows"]] == [hmt]
    assert str(candidate) not in response.content.decode()


def test_a_past_self_inspection_is_read_as_of_its_last_day(staff_client):
    teacher = ForeignTeacherFactory(status=ForeignTeacher.Status.LEFT)
    ContractFactory(
        teacher=teacher, start_on=date(2024, 9, 1), end_on=date(2025, 7, 31), status="ended"
    )
    IdentityDocumentFactory(
        teacher=teacher,
        kind=IdentityDocument.Kind.WORK_PERMIT,
        permit_class="B",
        issued_on=date(2024, 8, 1),
        expires_on=date(2025, 7, 31),
    )
    response = staff_client.get(reverse("faculty:self_inspection", args=[2024]))
    [row] = response.context["foreign_rows"]
    assert response.context["as_of"] == date(2024, 12, 31)
    assert row["checklist"].lines[0].item.code == "work_permit"


def test_the_self_inspection_pdf(staff_client):
    ForeignTeacherFactory(status=ForeignTeacher.Status.EMPLOYED)
    year = timezone.localdate().year
    response = staff_client.get(reverse("faculty:self_inspection_pdf", args=[year]))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "attachment" in response["Content-Disposition"]


def test_an_implausible_year_has_no_self_inspection(staff_client):
    assert staff_client.get(reverse("faculty:self_inspection", args=[1900])).status_code == 404
