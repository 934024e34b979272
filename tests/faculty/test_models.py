from datetime import date, timedelta

import pytest

from faculty.models import IdentityDocument
from tests.constraints import ConstraintTests
from tests.faculty.factories import (
    ContractFactory,
    ForeignTeacherFactory,
    IdentityDocumentFactory,
    IncidentFactory,
    QualificationCheckFactory,
    TeacherChangeFactory,
)

pytestmark = pytest.mark.django_db

DAY = date(2025, 9, 1)
BEFORE = DAY - timedelta(days=1)


def _namesake():
    first = ForeignTeacherFactory()
    return ForeignTeacherFactory.build(
        family_name=first.family_name,
        given_name=first.given_name,
        date_of_birth=first.date_of_birth,
    )


def _duplicate_document():
    first = IdentityDocumentFactory()
    return IdentityDocumentFactory.build(
        teacher=ForeignTeacherFactory(), kind=first.kind, number=first.number
    )


def _second_check():
    first = QualificationCheckFactory()
    return QualificationCheckFactory.build(teacher=first.teacher, year=first.year)


# Constraint name -> a row that breaks it (unsaved; what it points to is saved).
CASES = {
    "teacher_unique_name_and_birth": _namesake,
    "contract_dates_in_order": lambda: ContractFactory.build(
        teacher=ForeignTeacherFactory(), start_on=DAY, end_on=BEFORE
    ),
    "contract_weekly_hours_plausible": lambda: ContractFactory.build(
        teacher=ForeignTeacherFactory(), weekly_hours=61
    ),
    "document_validity_in_order": lambda: IdentityDocumentFactory.build(
        teacher=ForeignTeacherFactory(), issued_on=DAY, expires_on=BEFORE
    ),
    "document_permit_class_only_for_work_permit": lambda: IdentityDocumentFactory.build(
        teacher=ForeignTeacherFactory(),
        kind=IdentityDocument.Kind.PASSPORT,
        permit_class=IdentityDocument.PermitClass.B,
    ),
    "document_unique_kind_number": _duplicate_document,
    "check_one_per_teacher_and_year": _second_check,
    "check_year_plausible": lambda: QualificationCheckFactory.build(
        teacher=ForeignTeacherFactory(), year=2101
    ),
    "incident_resolved_after_it_happened": lambda: IncidentFactory.build(
        teacher=ForeignTeacherFactory(), date=DAY, resolved_on=BEFORE
    ),
    "change_filed_after_it_happened": lambda: TeacherChangeFactory.build(
        teacher=ForeignTeacherFactory(), changed_on=DAY, filed_on=BEFORE
    ),
}

# Rows next to a constraint's edge that it must let through.
ALLOWED = {
    "work-permit-with-class": lambda: IdentityDocumentFactory.build(
        teacher=ForeignTeacherFactory(),
        kind=IdentityDocument.Kind.WORK_PERMIT,
        permit_class=IdentityDocument.PermitClass.B,
    ),
    "same-number-other-kind": lambda: IdentityDocumentFactory.build(
        teacher=ForeignTeacherFactory(),
        kind=IdentityDocument.Kind.VISA,
        number=IdentityDocumentFactory(kind=IdentityDocument.Kind.PASSPORT).number,
    ),
    "documents-without-number": lambda: IdentityDocumentFactory.build(
        teacher=IdentityDocumentFactory(number="").teacher, number=""
    ),
    "namesake-born-another-day": lambda: ForeignTeacherFactory.build(
        family_name=ForeignTeacherFactory().family_name,
        given_name="Anna",
        date_of_birth=date(1990, 1, 1),
    ),
    "sixty-hours-a-week": lambda: ContractFactory.build(
        teacher=ForeignTeacherFactory(), weekly_hours=60
    ),
    "incident-resolved-the-same-day": lambda: IncidentFactory.build(
        teacher=ForeignTeacherFactory(), date=DAY, resolved_on=DAY
    ),
    "change-filed-the-same-day": lambda: TeacherChangeFactory.build(
        teacher=ForeignTeacherFactory(), changed_on=DAY, filed_on=DAY
    ),
}


class TestConstraints(ConstraintTests):
    app_label = "faculty"
    cases = CASES
    allowed = ALLOWED


def test_age_counts_whole_years_up_to_the_birthday():
    teacher = ForeignTeacherFactory.build(date_of_birth=date(1988, 6, 1))
    assert teacher.age_on(date(2025, 5, 31)) == 36
    assert teacher.age_on(date(2025, 6, 1)) == 37
    assert ForeignTeacherFactory.build(date_of_birth=None).age_on(date(2025, 6, 1)) is None


@pytest.mark.django_db
def test_a_signed_contract_past_its_end_shows_as_ended():
    from datetime import timedelta

    from django.utils import timezone

    from faculty.models import Contract
    from tests.faculty.factories import ContractFactory

    today = timezone.localdate()
    ended = ContractFactory(
        status=Contract.Status.SIGNED,
        start_on=today - timedelta(days=400),
        end_on=today - timedelta(days=1),
    )
    running = ContractFactory(
        status=Contract.Status.SIGNED, start_on=today - timedelta(days=400), end_on=today
    )
    assert (ended.state, running.state) == (Contract.Status.ENDED, Contract.Status.SIGNED)


def test_the_sql_expiry_state_is_the_property_at_every_boundary():
    """`IdentityDocument.expiry_state_expression` (list exports) gives what `expiry_state`
    (pages) gives: expired before today, expiring up to 90 days ahead, valid from day 91."""
    from django.utils import timezone

    today = timezone.localdate()
    days = [None, -1, 0, 1, 89, 90, 91, 400]
    documents = [
        IdentityDocumentFactory(expires_on=None if d is None else today + timedelta(days=d))
        for d in days
    ]
    annotated = dict(
        IdentityDocument.objects.annotate(
            state=IdentityDocument.expiry_state_expression()
        ).values_list("pk", "state")
    )
    expected = ["", "expired", "expiring", "expiring", "expiring", "expiring", "valid", "valid"]
    assert [document.expiry_state for document in documents] == expected
    assert [annotated[document.pk] for document in documents] == expected


def test_the_sql_contract_state_is_the_property_at_the_end_date():
    """A signed contract has ended the day after its end date, in SQL as on the page."""
    from django.utils import timezone

    from faculty.models import Contract

    today = timezone.localdate()
    contracts = [
        ContractFactory(status=status, start_on=today - timedelta(days=400), end_on=end)
        for status in (Contract.Status.SIGNED, Contract.Status.DRAFT, Contract.Status.TERMINATED)
        for end in (today - timedelta(days=1), today, today + timedelta(days=1))
    ]
    annotated = dict(
        Contract.objects.annotate(state=Contract.state_expression()).values_list("pk", "state")
    )
    assert [annotated[contract.pk] for contract in contracts] == [
        contract.state for contract in contracts
    ]
    assert contracts[0].state == Contract.Status.ENDED
    assert contracts[1].state == contracts[2].state == Contract.Status.SIGNED
