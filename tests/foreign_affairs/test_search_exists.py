"""The lists' `q` search (issue 12): the fields of a related record are matched in one
`IN (SELECT …)` subquery per relation (a record is listed once however many related records
match, without a DISTINCT); a term without case (Chinese) is matched without upper-casing."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from exchanges.filters import ExchangeProjectFilterSet, VisitFilterSet
from exchanges.models import ExchangeProject, Visit
from faculty.filters import TeacherChangeFilterSet
from faculty.models import TeacherChange
from foreign_affairs.filters import contains_lookup, multi_valued, search_condition
from partners.models import Agreement
from tests.exchanges.factories import ExchangeProjectFactory
from tests.partners.factories import InstitutionFactory

pytestmark = pytest.mark.django_db


def test_to_many_paths_are_recognised():
    assert multi_valued(ExchangeProject, "partners__name_zh")
    assert not multi_valued(ExchangeProject, "name")
    assert not multi_valued(Agreement, "institution__name_zh")  # a foreign key: one row


def _anonymous_request(rf, query):
    request = rf.get("/", query)
    request.user = type("Anonymous", (), {"has_perm": lambda self, perm: False})()
    return request


def test_a_project_with_two_matching_partners_is_listed_once_without_distinct(rf):
    first = InstitutionFactory(name_zh="韩国庆北专门大学")
    second = InstitutionFactory(name_zh="韩国大邱大学")
    both = ExchangeProjectFactory(name="护理交换")
    both.partners.add(first, second)
    named = ExchangeProjectFactory(name="大学生暑期项目")
    ExchangeProjectFactory(name="无关项目")

    request = _anonymous_request(rf, {"q": "大学"})
    with CaptureQueriesContext(connection) as queries:
        found = list(
            ExchangeProjectFilterSet(request.GET, ExchangeProject.objects.all(), request=request).qs
        )
    assert sorted(project.pk for project in found) == sorted([both.pk, named.pk])
    sql = " ".join(query["sql"].upper() for query in queries.captured_queries)
    assert "DISTINCT" not in sql and "EXISTS" not in sql and " IN (SELECT" in sql


def test_the_fields_of_one_relation_share_one_subquery(rf):
    request = _anonymous_request(rf, {"q": "大学"})
    queryset = VisitFilterSet(request.GET, Visit.objects.all(), request=request).qs
    sql = str(queryset.query).upper()
    # members, and institutions (its Chinese and English names together): two subqueries.
    assert sql.count("IN (SELECT") == 2


def test_a_related_record_through_a_foreign_key_is_matched_without_a_join(rf):
    from tests.faculty.factories import ForeignTeacherFactory, TeacherChangeFactory

    named = TeacherChangeFactory(teacher=ForeignTeacherFactory(chinese_name="李医学"))
    noted = TeacherChangeFactory(notes="赴医学院交流")
    TeacherChangeFactory(notes="其他")
    request = _anonymous_request(rf, {"q": "医学"})
    queryset = TeacherChangeFilterSet(request.GET, TeacherChange.objects.all(), request=request).qs
    assert sorted(change.pk for change in queryset) == sorted([named.pk, noted.pk])
    sql = str(queryset.query).upper()
    # The matching teachers' keys were read once and are listed: the count and the page do
    # not scan the teachers again.
    assert f'"TEACHER_ID" IN ({named.teacher_id})' in sql and "JOIN" not in sql


def test_many_matching_related_records_are_matched_in_a_subquery(rf, monkeypatch):
    from foreign_affairs import filters
    from tests.faculty.factories import ForeignTeacherFactory, TeacherChangeFactory

    monkeypatch.setattr(filters, "SEARCH_KEYS_LISTED", 2)
    changes = [
        TeacherChangeFactory(teacher=ForeignTeacherFactory(chinese_name=f"李医学{n}"))
        for n in range(3)
    ]
    TeacherChangeFactory(notes="其他")
    request = _anonymous_request(rf, {"q": "医学"})
    queryset = TeacherChangeFilterSet(request.GET, TeacherChange.objects.all(), request=request).qs
    assert sorted(change.pk for change in queryset) == sorted(change.pk for change in changes)
    assert '"TEACHER_ID" IN (SELECT' in str(queryset.query).upper()

    monkeypatch.setattr(filters, "SEARCH_KEYS_LISTED", 3)  # exactly the cap: listed
    queryset = TeacherChangeFilterSet(request.GET, TeacherChange.objects.all(), request=request).qs
    assert len(queryset) == 3 and "SELECT" not in str(queryset.query).upper().split("WHERE")[1]


def test_no_matching_related_record_leaves_the_other_fields(rf, django_assert_num_queries):
    from tests.faculty.factories import TeacherChangeFactory

    noted = TeacherChangeFactory(notes="赴医学院交流")
    TeacherChangeFactory(notes="其他")
    request = _anonymous_request(rf, {"q": "医学"})
    queryset = TeacherChangeFilterSet(request.GET, TeacherChange.objects.all(), request=request).qs
    assert [change.pk for change in queryset] == [noted.pk]
    assert "TEACHER_ID" not in str(queryset.query).upper().split("WHERE")[1]
    request = _anonymous_request(rf, {"q": "查无此人"})
    with django_assert_num_queries(2):  # the teachers' keys (none), then the notes alone
        assert (
            list(
                TeacherChangeFilterSet(request.GET, TeacherChange.objects.all(), request=request).qs
            )
            == []
        )


def test_the_condition_matches_case_insensitively_on_both_kinds_of_path():
    partner = InstitutionFactory(name_en="Kyungbuk College")
    project = ExchangeProjectFactory(name="Nursing")
    project.partners.add(partner)
    condition = search_condition(ExchangeProject, ("name", "partners__name_en"), "kyungbuk")
    assert list(ExchangeProject.objects.filter(condition)) == [project]
    condition = search_condition(ExchangeProject, ("name", "partners__name_en"), "NURS")
    assert list(ExchangeProject.objects.filter(condition)) == [project]


def test_a_term_without_case_is_matched_as_it_is():
    assert contains_lookup("医学") == "contains"
    assert contains_lookup("2024-03") == "contains"
    assert contains_lookup("医学 English") == "icontains"
    assert contains_lookup("straße") == "icontains"  # ß upper-cases to SS
    partner = InstitutionFactory(name_zh="北京医学院", name_en="Beijing Medical College")
    project = ExchangeProjectFactory(name="护理")
    project.partners.add(partner)
    ExchangeProjectFactory(name="无关")
    condition = search_condition(ExchangeProject, ("name", "partners__name_zh"), "医学")
    assert list(ExchangeProject.objects.filter(condition)) == [project]
    assert "UPPER" not in str(ExchangeProject.objects.filter(condition).query).upper()
