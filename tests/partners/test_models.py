from datetime import timedelta

import pytest
from django.utils import timezone

from foreign_affairs.regions import RegionKind
from partners.models import DORMANT_AFTER_DAYS, EXPIRING_WITHIN_DAYS, Agreement, Institution
from tests.constraints import ConstraintTests
from tests.partners.factories import (
    AgreementFactory,
    ContactFactory,
    InstitutionFactory,
    InteractionFactory,
)

pytestmark = pytest.mark.django_db

# Constraint name -> a row that breaks it (unsaved; what it points to is saved).
CASES = {
    "institution_unique_name_zh": lambda: InstitutionFactory.build(
        name_zh=InstitutionFactory().name_zh
    ),
    "contact_one_primary_per_institution": lambda: ContactFactory.build(
        institution=ContactFactory(is_primary=True).institution, is_primary=True
    ),
    "agreement_valid_dates_in_order": lambda: AgreementFactory.build(
        institution=InstitutionFactory(),
        valid_from=timezone.localdate(),
        valid_until=timezone.localdate() - timedelta(days=1),
    ),
}
# Constraints the field's own validation catches first in full_clean(): the constraint is
# the database's backstop. Constraint name -> (the field that answers first, bad row).
FIELD_FIRST_CASES = {
    "institution_name_zh_not_empty": ("name_zh", lambda: InstitutionFactory.build(name_zh="")),
    "agreement_quota_not_negative": (
        "quota_per_year",
        lambda: AgreementFactory.build(institution=InstitutionFactory(), quota_per_year=-1),
    ),
    "interaction_summary_not_empty": (
        "summary",
        lambda: InteractionFactory.build(institution=InstitutionFactory(), summary=""),
    ),
}

# Borderline rows the constraints must accept.
ALLOWED = {
    "agreement-valid-for-one-day": lambda: AgreementFactory.build(
        institution=InstitutionFactory(),
        valid_from=timezone.localdate(),
        valid_until=timezone.localdate(),
    ),
    "open-ended-agreement": lambda: AgreementFactory.build(
        institution=InstitutionFactory(), valid_until=None
    ),
    "second-contact-not-primary": lambda: ContactFactory.build(
        institution=ContactFactory(is_primary=True).institution, is_primary=False
    ),
    "zero-quota": lambda: AgreementFactory.build(
        institution=InstitutionFactory(), quota_per_year=0
    ),
}


class TestConstraints(ConstraintTests):
    app_label = "partners"
    cases = CASES
    field_first = FIELD_FIRST_CASES
    allowed = ALLOWED


@pytest.mark.parametrize(
    "country, kind",
    [("HK", RegionKind.HMT), ("MO", RegionKind.HMT), ("TW", RegionKind.HMT)]
    + [("CN", RegionKind.MAINLAND), ("KR", RegionKind.FOREIGN), ("MY", RegionKind.FOREIGN)],
)
def test_region_kind_counts_hong_kong_macau_taiwan_apart(country, kind):
    assert InstitutionFactory.build(country=country).region_kind == kind


@pytest.mark.parametrize(
    "country, city, expected",
    [
        ("MO", "", True),
        ("HK", "", True),
        ("CN", "肇庆", True),
        ("CN", "肇庆市", True),
        ("CN", " Zhaoqing ", True),
        ("CN", "北京", False),
        ("TW", "台北", False),
        ("SG", "广州", False),
    ],
)
def test_is_greater_bay_area(country, city, expected):
    assert InstitutionFactory.build(country=country, city=city).is_greater_bay_area is expected


@pytest.mark.parametrize(
    "status, ends_in_days, expected",
    [
        (Agreement.Status.IN_FORCE, 30, True),
        (Agreement.Status.IN_FORCE, EXPIRING_WITHIN_DAYS, True),
        (Agreement.Status.IN_FORCE, EXPIRING_WITHIN_DAYS + 1, False),
        (Agreement.Status.IN_FORCE, 200, False),
        (Agreement.Status.IN_FORCE, -1, False),
        (Agreement.Status.NEGOTIATING, 30, False),
    ],
    ids=["30-days", "last-day-of-window", "just-outside", "200-days", "expired", "not-in-force"],
)
def test_is_expiring(status, ends_in_days, expected):
    today = timezone.localdate()
    agreement = AgreementFactory.build(
        status=status,
        valid_from=today - timedelta(days=365),
        valid_until=today + timedelta(days=ends_in_days),
    )
    assert agreement.is_expiring is expected


def test_open_ended_agreement_is_never_expiring():
    agreement = AgreementFactory.build(status=Agreement.Status.IN_FORCE, valid_until=None)
    assert not agreement.is_expiring
    assert not agreement.is_expired


@pytest.mark.parametrize(
    "status, last_seen_days_ago, expected",
    [
        (Institution.Status.ACTIVE, None, True),
        (Institution.Status.ACTIVE, DORMANT_AFTER_DAYS + 1, True),
        (Institution.Status.ACTIVE, 30, False),
        (Institution.Status.PROSPECTIVE, None, False),
    ],
    ids=["active-never-contacted", "active-silent-a-year", "active-recent", "prospective"],
)
def test_dormant_warning(status, last_seen_days_ago, expected):
    last = None
    if last_seen_days_ago is not None:
        last = timezone.localdate() - timedelta(days=last_seen_days_ago)
    assert InstitutionFactory.build(status=status).dormant_warning(last) is expected


# --- the state of an agreement follows the calendar (issue 8 §2) -----------------------------


def _signed(valid_until, **fields):
    from datetime import date as _date

    from tests.partners.factories import AgreementFactory

    return AgreementFactory(
        status="in_force", valid_from=_date(2020, 1, 1), valid_until=valid_until, **fields
    )


@pytest.mark.django_db
def test_an_agreement_that_ended_yesterday_is_expired_everywhere(client):
    from django.contrib.auth.models import Group
    from django.urls import reverse
    from django.utils import timezone

    from partners.models import Agreement
    from tests.factories import UserFactory

    today = timezone.localdate()
    ended = _signed(today - timedelta(days=1), title="昨日到期的协议")
    running = _signed(today, title="今日仍有效的协议")
    assert ended.state == Agreement.State.EXPIRED  # the stored word says "in force"
    assert running.state == Agreement.State.EXPIRING
    assert list(Agreement.objects.in_force()) == [running]
    states = dict(Agreement.objects.with_state().values_list("title", "state"))
    assert states == {"昨日到期的协议": "expired", "今日仍有效的协议": "expiring"}

    user = UserFactory()
    user.groups.add(Group.objects.get(name="office_staff"))
    client.force_login(user)
    home = client.get(reverse("home"))
    count = next(c for c in home.context["counts"] if "status=in_force" in c.url)
    assert count.value == 1
    listed = client.get(reverse("partners:agreement_list"), {"status": "in_force"})
    assert [row.record.title for row in listed.context["table"].rows] == ["今日仍有效的协议"]
    page = client.get(ended.get_absolute_url()).content.decode()
    assert "alert-danger" in page


@pytest.mark.django_db
def test_an_auto_renewing_agreement_rolls_over_by_its_term():
    from django.utils import timezone

    from partners.models import Agreement

    today = timezone.localdate()
    start = today.replace(year=today.year - 3)
    end = start.replace(year=start.year + 1) - timedelta(days=1)  # a one-year term
    agreement = _signed(end, renewal=Agreement.Renewal.AUTO, title="自动续约协议")
    agreement.valid_from = start
    agreement.save()
    assert agreement.state == Agreement.State.IN_FORCE
    assert agreement.current_valid_until >= today
    assert (agreement.current_valid_until - today).days < 366
    assert Agreement.objects.in_force().filter(pk=agreement.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "activity",
    ["interaction", "visit", "agreement signed", "agreement in force", "project", "participant"],
)
def test_a_partner_with_recent_activity_of_any_kind_is_not_dormant(activity):
    from partners.selectors import institutions_with_activity
    from tests.exchanges.factories import (
        ExchangeProjectFactory,
        ParticipantFactory,
        VisitFactory,
    )
    from tests.partners.factories import InteractionFactory

    today = timezone.localdate()
    month_ago = today - timedelta(days=30)
    old = today - timedelta(days=DORMANT_AFTER_DAYS + 30)
    partner = InstitutionFactory(status="active", since=old)
    if activity == "interaction":
        InteractionFactory(institution=partner, date=month_ago)
    elif activity == "visit":
        VisitFactory(planned_start=month_ago, planned_end=month_ago).institutions.add(partner)
    elif activity == "agreement signed":
        AgreementFactory(institution=partner, signed_on=month_ago, status="draft")
    elif activity == "agreement in force":
        AgreementFactory(institution=partner, status="in_force", valid_until=None)
    elif activity == "project":
        ExchangeProjectFactory(status="active", start_on=old, end_on=None).partners.add(partner)
    else:
        project = ExchangeProjectFactory(status="completed", start_on=old, end_on=old)
        project.partners.add(partner)
        ParticipantFactory(project=project, start_on=month_ago, end_on=month_ago)
    annotated = institutions_with_activity().get(pk=partner.pk)
    assert not annotated.dormant_warning(annotated.last_activity_on, annotated.has_current_tie)
    idle = institutions_with_activity().get(pk=InstitutionFactory(status="active", since=old).pk)
    assert idle.dormant_warning(idle.last_activity_on, idle.has_current_tie)


@pytest.mark.django_db
def test_the_latest_activity_is_the_latest_date_not_the_first_row():
    from partners.selectors import institutions_with_activity
    from tests.partners.factories import InteractionFactory

    today = timezone.localdate()
    partner = InstitutionFactory(status="active", since=today - timedelta(days=900))
    InteractionFactory(institution=partner, date=today - timedelta(days=800))
    InteractionFactory(institution=partner, date=today - timedelta(days=10))
    InteractionFactory(institution=partner, date=today - timedelta(days=500))
    annotated = institutions_with_activity().get(pk=partner.pk)
    assert annotated.last_activity_on == today - timedelta(days=10)


@pytest.mark.django_db
def test_an_auto_renewing_agreement_ending_on_29_february_rolls_over():
    from datetime import date

    agreement = AgreementFactory(
        status="in_force", renewal="auto", valid_from=None, valid_until=date(2024, 2, 29)
    )
    assert agreement.current_valid_until >= timezone.localdate()
    assert agreement.state == Agreement.State.IN_FORCE


@pytest.mark.django_db
def test_an_agreement_not_started_yet_is_not_yet_in_force():
    tomorrow = timezone.localdate() + timedelta(days=1)
    agreement = AgreementFactory(
        status="in_force", valid_from=tomorrow, valid_until=tomorrow + timedelta(days=30)
    )
    assert agreement.state == Agreement.State.NOT_YET
    assert Agreement.objects.with_state().get(pk=agreement.pk).state == "not_yet"
    assert not Agreement.objects.expiring().filter(pk=agreement.pk).exists()


@pytest.mark.django_db
def test_the_agreement_page_shows_todays_state_not_the_stored_word(client):
    from django.contrib.auth.models import Group

    from tests.factories import UserFactory

    today = timezone.localdate()
    agreement = AgreementFactory(
        status="expired", valid_from=today - timedelta(days=100), valid_until=today + timedelta(60)
    )
    user = UserFactory()
    user.groups.add(Group.objects.get(name="office_staff"))
    client.force_login(user)
    fields = {
        row["name"]: row["value"]
        for row in client.get(agreement.get_absolute_url()).context["fields"]
    }
    assert str(fields["status"]) == str(Agreement.State.EXPIRING.label)
