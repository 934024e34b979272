"""Factories of the faculty app: valid rows by default, unique fields from sequences."""

from datetime import date

import factory
from factory.django import DjangoModelFactory

from faculty.models import (
    Contract,
    ForeignTeacher,
    IdentityDocument,
    Incident,
    QualificationCheck,
    TeacherChange,
)


class ForeignTeacherFactory(DjangoModelFactory):
    """A qualified teacher: bachelor's degree and three years of experience."""

    class Meta:
        model = ForeignTeacher

    family_name = factory.Sequence(lambda n: f"Smith{n}")
    given_name = "Anna"
    chinese_name = factory.Sequence(lambda n: f"史安娜{n}")
    gender = ForeignTeacher.Gender.FEMALE
    date_of_birth = date(1988, 6, 1)
    nationality = "GB"
    highest_degree = ForeignTeacher.Degree.BACHELOR
    years_experience = 3
    native_language = "English"
    subjects = "英语口语"
    department = "公共课部"


class ContractFactory(DjangoModelFactory):
    class Meta:
        model = Contract

    teacher = factory.SubFactory(ForeignTeacherFactory)
    position = "英语外教"
    start_on = date(2025, 9, 1)
    end_on = date(2026, 7, 31)
    weekly_hours = 16


class IdentityDocumentFactory(DjangoModelFactory):
    class Meta:
        model = IdentityDocument

    teacher = factory.SubFactory(ForeignTeacherFactory)
    kind = IdentityDocument.Kind.PASSPORT
    number = factory.Sequence(lambda n: f"GB{n:07d}")
    issued_on = date(2020, 1, 15)
    expires_on = date(2030, 1, 14)


class QualificationCheckFactory(DjangoModelFactory):
    class Meta:
        model = QualificationCheck

    teacher = factory.SubFactory(ForeignTeacherFactory)
    # Unique per teacher; stays inside the plausible 2000–2100 range however many are made.
    year = factory.Sequence(lambda n: 2000 + n % 101)
    notes = "材料齐全"


class IncidentFactory(DjangoModelFactory):
    class Meta:
        model = Incident

    teacher = factory.SubFactory(ForeignTeacherFactory)
    date = date(2025, 10, 9)
    kind = Incident.Kind.CONTRACT_DISPUTE
    description = factory.Sequence(lambda n: f"课时费结算争议（{n}）")


class TeacherChangeFactory(DjangoModelFactory):
    class Meta:
        model = TeacherChange

    teacher = factory.SubFactory(ForeignTeacherFactory)
    kind = TeacherChange.Kind.PASSPORT
    changed_on = date(2025, 10, 9)
    filed_on = date(2025, 10, 15)
