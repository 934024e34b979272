"""The lists' `q` search (issue 12): a match across a to-many relation is an EXISTS subquery,
so a record is listed once however many related records match, without a DISTINCT."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from exchanges.filters import ExchangeProjectFilterSet
from exchanges.models import ExchangeProject
from foreign_affairs.filters import multi_valued, search_condition
from partners.models import Agreement
from tests.exchanges.factories import ExchangeProjectFactory
from tests.partners.factories import InstitutionFactory

pytestmark = pytest.mark.django_db


def test_to_many_paths_are_recognised():
    assert multi_valued(ExchangeProject, "partners__name_zh")
    assert not multi_valued(ExchangeProject, "name")
    assert not multi_valued(Agreement, "institution__name_zh")  # a foreign key: one row


def test_a_project_with_two_matching_partners_is_listed_once_without_distinct(rf):
    first = InstitutionFactory(name_zh="韩国庆北专门大学")
    second = InstitutionFactory(name_zh="韩国大邱大学")
    both = ExchangeProjectFactory(name="护理交换")
    both.partners.add(first, second)
    named = ExchangeProjectFactory(name="大学生暑期项目")
    ExchangeProjectFactory(name="无关项目")

    request = rf.get("/", {"q": "大学"})
    request.user = type("Anonymous", (), {"has_perm": lambda self, perm: False})()
    with CaptureQueriesContext(connection) as queries:
        found = list(
            ExchangeProjectFilterSet(request.GET, ExchangeProject.objects.all(), request=request).qs
        )
    assert sorted(project.pk for project in found) == sorted([both.pk, named.pk])
    sql = " ".join(query["sql"].upper() for query in queries.captured_queries)
    assert "DISTINCT" not in sql and "EXISTS" in sql


def test_the_condition_matches_case_insensitively_on_both_kinds_of_path():
    partner = InstitutionFactory(name_en="Kyungbuk College")
    project = ExchangeProjectFactory(name="Nursing")
    project.partners.add(partner)
    condition = search_condition(ExchangeProject, ("name", "partners__name_en"), "kyungbuk")
    assert list(ExchangeProject.objects.filter(condition)) == [project]
    condition = search_condition(ExchangeProject, ("name", "partners__name_en"), "NURS")
    assert list(ExchangeProject.objects.filter(condition)) == [project]
