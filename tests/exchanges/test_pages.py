"""Visit and passport pages: direction-specific fields, the passport's due-back default."""

from datetime import date

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from exchanges.models import PassportCustody, Visit
from tests.exchanges.factories import PassportCustodyFactory, VisitFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    user = UserFactory()
    user.groups.add(Group.objects.get(name="office_staff"))
    client.force_login(user)
    return user


def test_an_outbound_visit_page_leaves_out_the_fields_of_a_delegation_received(client, staff):
    visit = VisitFactory(direction=Visit.Direction.OUTBOUND)
    names = {row["name"] for row in client.get(visit.get_absolute_url()).context["fields"]}
    assert "plan_line" in names and "host_department" not in names


def test_an_inbound_visit_page_leaves_out_the_outbound_fields(client, staff):
    visit = VisitFactory(direction=Visit.Direction.INBOUND, plan_line=None)
    names = {row["name"] for row in client.get(visit.get_absolute_url()).context["fields"]}
    assert "host_department" in names and "plan_line" not in names


def test_a_passport_handed_out_for_a_visit_is_due_back_seven_days_after_return(
    client, staff, settings
):
    settings.PASSPORT_DUE_BACK_DAYS = 7
    visit = VisitFactory(
        status=Visit.Status.APPROVED,
        approval_number="粤外办〔2025〕12号",
        planned_start=date(2025, 5, 5),
        planned_end=date(2025, 5, 9),
        briefing_on=date(2025, 4, 25),
        pledge_signed_on=date(2025, 4, 25),
    )
    passport = PassportCustodyFactory()
    response = client.post(
        reverse("exchanges:passportcustody_hand_out", args=[passport.pk]),
        {"hand_out-visit": visit.pk, "hand_out-handed_out_on": "2025-04-28"},
    )
    assert response.status_code == 302
    passport.refresh_from_db()
    assert passport.status == PassportCustody.Status.HANDED_OUT
    assert passport.due_back_on == date(2025, 5, 16)

    visit.status = Visit.Status.DEPARTED
    visit.save()
    client.post(
        reverse("exchanges:visit_come_back", args=[visit.pk]),
        {"come_back-actual_start": "2025-05-05", "come_back-actual_end": "2025-05-12"},
    )
    passport.refresh_from_db()
    assert passport.due_back_on == date(2025, 5, 19)  # recomputed from the actual return


def test_the_edit_form_has_no_status_and_saves_the_members(client, staff):
    visit = VisitFactory(status=Visit.Status.DRAFT)
    page = client.get(reverse("exchanges:visit_edit", args=[visit.pk]))
    assert "status" not in page.context["form"].fields
    data = {
        "direction": "outbound",
        "title": visit.title,
        "trip_kind": "official",
        "off_plan_reason": "临时邀请",
        "destinations": ["JP"],
        "planned_start": "2025-11-03",
        "planned_end": "2025-11-07",
        "persons": 1,
        "version": visit.version,
        "status": "approved",
        "members-TOTAL_FORMS": "2",
        "members-INITIAL_FORMS": "0",
        "members-0-name": "张三",
        "members-0-role": "leader",
        "members-1-name": "李四",
        "members-1-role": "member",
    }
    response = client.post(reverse("exchanges:visit_edit", args=[visit.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    visit.refresh_from_db()
    assert visit.status == Visit.Status.DRAFT  # a posted status is ignored
    assert [m.name for m in visit.members.all()] == ["张三", "李四"]
    assert visit.persons == 2


def test_findings_show_as_the_user_types(client, staff):
    data = {
        "direction": "outbound",
        "title": "赴巴西访问",
        "trip_kind": "official",
        "off_plan_reason": "临时邀请",
        "destinations": ["BR"],
        "planned_start": "2025-11-01",
        "planned_end": "2025-11-07",
        "members-TOTAL_FORMS": "1",
        "members-INITIAL_FORMS": "0",
        "members-0-name": "张三",
        "members-0-role": "leader",
    }
    page = client.post(reverse("exchanges:visit_findings"), data)
    assert page.status_code == 200
    assert 'data-code="visit.days"' in page.content.decode()  # 7 days > 5 + 1 for Brazil
    data["planned_end"] = "2025-11-06"
    page = client.post(reverse("exchanges:visit_findings"), data)
    assert 'data-code="visit.days"' not in page.content.decode()
