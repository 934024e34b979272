"""Factories of the partners app: valid rows by default, unique fields from sequences."""

from datetime import date

import factory
from factory.django import DjangoModelFactory

from partners.models import Agreement, Contact, Institution, Interaction


class InstitutionFactory(DjangoModelFactory):
    class Meta:
        model = Institution

    name_zh = factory.Sequence(lambda n: f"合作院校{n}")
    name_en = factory.Sequence(lambda n: f"Partner College {n}")
    kind = Institution.Kind.COLLEGE
    country = "MY"
    city = "吉隆坡"
    status = Institution.Status.ACTIVE


class ContactFactory(DjangoModelFactory):
    class Meta:
        model = Contact

    institution = factory.SubFactory(InstitutionFactory)
    name = factory.Sequence(lambda n: f"联系人{n}")
    title = "国际处处长"
    email = factory.Sequence(lambda n: f"contact{n}@partner.example")


class AgreementFactory(DjangoModelFactory):
    class Meta:
        model = Agreement

    institution = factory.SubFactory(InstitutionFactory)
    title = factory.Sequence(lambda n: f"合作备忘录{n}")
    kind = Agreement.Kind.MOU
    status = Agreement.Status.IN_FORCE
    signed_on = date(2024, 3, 1)
    valid_from = date(2024, 3, 1)
    valid_until = date(2029, 2, 28)
    quota_per_year = 5


class InteractionFactory(DjangoModelFactory):
    class Meta:
        model = Interaction

    institution = factory.SubFactory(InstitutionFactory)
    date = date(2025, 4, 15)
    kind = Interaction.Kind.ONLINE_MEETING
    summary = factory.Sequence(lambda n: f"线上会谈，商议交换生项目（第{n}次）")
