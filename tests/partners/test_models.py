from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import override

from foreign_affairs.regions import RegionKind
from partners.models import DORMANT_AFTER_DAYS, EXPIRING_WITHIN_DAYS, Agreement, Institution
from tests.factories import (
    constraint_names,
    domain_models,
    factory_for,
    model_id,
    violation_message,
)
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
ALL_CASES = CASES | {name: make for name, (_, make) in FIELD_FIRST_CASES.items()}


@pytest.mark.parametrize("model", domain_models("partners"), ids=model_id)
def test_factory_makes_valid_distinct_rows(model):
    make = factory_for(model)
    make().full_clean()
    make().full_clean()


def test_every_constraint_has_a_case():
    assert set(ALL_CASES) == constraint_names("partners")


@pytest.mark.parametrize("name", CASES)
def test_full_clean_refuses_with_the_constraint_message(name):
    row = CASES[name]()
    with override("en"):
        with pytest.raises(ValidationError) as caught:
            row.full_clean()
        expected, messages = violation_message(type(row), name), caught.value.messages
    assert expected in messages


@pytest.mark.parametrize("name", FIELD_FIRST_CASES)
def test_field_validation_answers_before_the_constraint(name):
    field, make = FIELD_FIRST_CASES[name]
    row = make()
    with pytest.raises(ValidationError) as caught:
        row.full_clean()
    assert field in caught.value.message_dict
    with override("en"):
        with pytest.raises(ValidationError) as caught:
            row.validate_constraints()
        expected, messages = violation_message(type(row), name), caught.value.messages
    assert messages == [expected]


@pytest.mark.parametrize("name", ALL_CASES)
def test_database_refuses_what_full_clean_would(name):
    row = ALL_CASES[name]()
    with pytest.raises(IntegrityError), transaction.atomic():
        row.save()


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
