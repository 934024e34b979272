"""The foreign teachers' pages: documents show their expiry state."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory
from tests.faculty.factories import IdentityDocumentFactory

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
