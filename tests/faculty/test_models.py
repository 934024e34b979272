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
