"""Visit and passport pages: direction-specific fields, the passport's due-back default."""

from datetime import date

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from exchanges.models import PassportCustody, Visit
from tests.exchanges.factories import VisitFactory
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
    visit = VisitFactory(actual_start=date(2025, 5, 5), actual_end=date(2025, 5, 9))
    client.post(
        reverse("exchanges:passportcustody_add"),
        {
            "holder": "王老师",
            "passport_number": "PE1234567",
            "visit": visit.pk,
            "handed_out_on": "2025-04-28",
        },
    )
    assert PassportCustody.objects.get().due_back_on == date(2025, 5, 16)
