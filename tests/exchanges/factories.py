"""Factories of the exchanges app: valid rows by default, unique fields from sequences."""

from datetime import date

import factory
from factory.django import DjangoModelFactory

from exchanges.models import (
    ExchangeProject,
    Participant,
    PassportCustody,
    Visit,
    VisitMember,
    VisitPlanLine,
)


class ExchangeProjectFactory(DjangoModelFactory):
    class Meta:
        model = ExchangeProject

    name = factory.Sequence(lambda n: f"护理专业交换项目{n}")
    kind = ExchangeProject.Kind.STUDENT_EXCHANGE
    status = ExchangeProject.Status.ACTIVE
    lead_department = "护理学院"
    start_on = date(2025, 9, 1)
    end_on = date(2026, 1, 31)


class ParticipantFactory(DjangoModelFactory):
    class Meta:
        model = Participant

    project = factory.SubFactory(ExchangeProjectFactory)
    name = factory.Sequence(lambda n: f"学生{n}")
    department = "护理2301班"
    number = factory.Sequence(lambda n: f"2023{n:05d}")


class VisitPlanLineFactory(DjangoModelFactory):
    class Meta:
        model = VisitPlanLine

    year = 2025
    destinations = ["JP"]
    description = factory.Sequence(lambda n: f"赴日本考察护理教育（{n}）")
    planned_month = 10
    days = 5
    persons = 3
    department = "外事办"


class VisitFactory(DjangoModelFactory):
    class Meta:
        model = Visit

    direction = Visit.Direction.OUTBOUND
    title = factory.Sequence(lambda n: f"赴马来西亚交流访问团{n}")
    off_plan_reason = "对方临时邀请"
    persons = 3
    destinations = ["MY"]
    planned_start = date(2025, 11, 3)
    planned_end = date(2025, 11, 7)


class PassportCustodyFactory(DjangoModelFactory):
    class Meta:
        model = PassportCustody

    holder = factory.Sequence(lambda n: f"持照人{n}")
    passport_number = factory.Sequence(lambda n: f"E{n:08d}")
    issued_on = date(2022, 5, 10)
    expires_on = date(2032, 5, 9)


class VisitMemberFactory(DjangoModelFactory):
    class Meta:
        model = VisitMember

    visit = factory.SubFactory(VisitFactory)
    name = factory.Sequence(lambda n: f"团员{n}")
    unit = "护理学院"
    position = "教师"
