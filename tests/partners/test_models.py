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
