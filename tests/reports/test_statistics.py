"""The statistics of the yearly report: right on a hand-made year, and a fixed number of queries."""

import json
from datetime import date
from decimal import Decimal

import factory
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from exchanges.models import ExchangeProject, Participant, Visit
from faculty.models import Contract, ForeignTeacher, Incident
from partners.models import Agreement, Institution, Interaction
from reports.statistics import (
    country_name_zh,
    report_statistics,
    statistics_charts,
    statistics_html,
    statistics_tables,
)
from tests.exchanges.factories import (
    ExchangeProjectFactory,
    ParticipantFactory,
    VisitFactory,
    VisitPlanLineFactory,
)
from tests.faculty.factories import (
    ContractFactory,
    ForeignTeacherFactory,
    IncidentFactory,
    QualificationCheckFactory,
)
from tests.partners.factories import AgreementFactory, InstitutionFactory, InteractionFactory
from tests.reports.factories import SubmissionFactory, TrainingFactory

pytestmark = pytest.mark.django_db

YEAR = 2020


def _bulk(factory_class, n: int, **fields) -> list:
    """Build `n` rows with the factory and insert them in one statement (no history)."""
    model = factory_class._meta.model
    return model.objects.bulk_create(factory_class.build_batch(n, **fields))


def _link(relation, left: str, lefts: list, right: str, rights: list) -> None:
    """Insert one many-to-many row per left object, to the right objects in turn."""
    through = relation.through
    rows = [
        through(**{f"{left}_id": obj.pk, f"{right}_id": rights[i % len(rights)].pk})
        for i, obj in enumerate(lefts)
    ]
    through.objects.bulk_create(rows)


def populate(n: int, *, year: int = YEAR) -> None:
    """Add `n` rows of every kind the year's statistics, draft and workbook read, in bulk."""
    day, first, last = date(year, 5, 10), date(year, 1, 1), date(year, 12, 31)
    partners = _bulk(
        InstitutionFactory, n, country=factory.Iterator(["KR", "MO", "HK", "SG"]), since=first
    )
    in_turn = factory.Iterator(partners)
    _bulk(InteractionFactory, n, institution=in_turn, date=day)
    _bulk(
        AgreementFactory,
        n,
        institution=in_turn,
        signed_on=day,
        valid_from=day,
        valid_until=date(year + 3, 5, 9),
    )
    teachers = _bulk(
        ForeignTeacherFactory,
        n,
        employment=factory.Iterator(ForeignTeacher.Employment.values),
        status=ForeignTeacher.Status.EMPLOYED,
    )
    _bulk(
        ContractFactory,
        n,
        teacher=factory.Iterator(teachers),
        start_on=date(year, 3, 1),
        end_on=last,
        status=Contract.Status.SIGNED,
    )
    _bulk(QualificationCheckFactory, n, teacher=factory.Iterator(teachers), year=year)
    _bulk(IncidentFactory, n, teacher=factory.Iterator(teachers), date=day)
    projects = _bulk(ExchangeProjectFactory, n, start_on=first, end_on=last)
    _link(ExchangeProject.partners, "exchangeproject", projects, "institution", partners)
    _bulk(
        ParticipantFactory,
        n,
        project=factory.Iterator(projects),
        status=Participant.Status.DEPARTED,
        start_on=day,
        end_on=last,
    )
    lines = _bulk(VisitPlanLineFactory, n, year=year)
    visit_dates = {
        "planned_start": day,
        "planned_end": date(year, 5, 14),
        "actual_start": day,
        "actual_end": date(year, 5, 14),
    }
    outbound = _bulk(
        VisitFactory,
        n,
        plan_line=factory.Iterator(lines),
        status=Visit.Status.CLOSED,
        **visit_dates,
    )
    inbound = _bulk(
        VisitFactory,
        n,
        direction=Visit.Direction.INBOUND,
        nationality="US",
        delegation="美国护理教育代表团",
        status=Visit.Status.CLOSED,
        **visit_dates,
    )
    _link(Visit.institutions, "visit", outbound + inbound, "institution", partners)
    _bulk(TrainingFactory, n, date=day)
    _bulk(SubmissionFactory, n, due_on=day, submitted_on=day)


def _queries(function, *args) -> int:
    with CaptureQueriesContext(connection) as captured:
        function(*args)
    return len(captured.captured_queries)


def test_query_count_is_the_same_for_3_and_300_records():
    populate(3)
    small = _queries(report_statistics, YEAR)
    populate(297)
    large = _queries(report_statistics, YEAR)
    assert small == large
    stats = report_statistics(YEAR)  # the 300 rows are really counted
    assert stats["categories"]["interactions"]["total"] == 300
    assert stats["categories"]["visits"]["outbound_completed"] == 300
    assert stats["visit_plan"]["totals"]["completed"] == 300
    assert stats["partners"]["total"] == 300


def _sample_year() -> dict:
    """A small year built by hand; returns a few of its rows by name."""
    korea = InstitutionFactory(name_zh="韩国庆北专门大学", country="KR")
    hong_kong = InstitutionFactory(name_zh="香港理工大学", country="HK")
    macau = InstitutionFactory(name_zh="澳门镜湖护理学院", country="MO", since=date(2019, 5, 1))
    InstitutionFactory(name_zh="广州某医院", country="CN")
    InstitutionFactory(country="SG", status=Institution.Status.PROSPECTIVE)
    InstitutionFactory(country="US", status=Institution.Status.ENDED)
    InstitutionFactory(country="JP", since=date(2021, 3, 1))  # a partner only from 2021

    for day, kind in [
        (date(2020, 6, 18), Interaction.Kind.ONLINE_MEETING),
        (date(2020, 10, 22), Interaction.Kind.ONLINE_MEETING),
        (date(2020, 12, 8), Interaction.Kind.CORRESPONDENCE),
        (date(2019, 12, 31), Interaction.Kind.CORRESPONDENCE),
        (date(2021, 1, 1), Interaction.Kind.EVENT),
    ]:
        InteractionFactory(institution=macau, date=day, kind=kind)

    AgreementFactory(  # signed in the year, in force at its end
        institution=macau,
        signed_on=date(2020, 4, 1),
        valid_from=date(2020, 4, 1),
        valid_until=date(2025, 3, 31),
    )
    AgreementFactory(  # expired in the year
        institution=korea,
        status=Agreement.Status.EXPIRED,
        signed_on=date(2015, 7, 1),
        valid_from=date(2015, 7, 1),
        valid_until=date(2020, 6, 30),
    )
    AgreementFactory(  # open-ended, in force
        institution=korea,
        signed_on=date(2018, 1, 1),
        valid_from=date(2018, 1, 1),
        valid_until=None,
    )
    AgreementFactory(
        institution=hong_kong,
        status=Agreement.Status.NEGOTIATING,
        signed_on=None,
        valid_from=None,
        valid_until=None,
    )

    full, part = ForeignTeacher.Employment.FULL_TIME, ForeignTeacher.Employment.PART_TIME
    twice = ForeignTeacherFactory(employment=full)  # two contracts in the year, one teacher
    for start, end in [
        (date(2019, 9, 1), date(2020, 1, 31)),
        (date(2020, 2, 1), date(2020, 7, 31)),
    ]:
        ContractFactory(teacher=twice, start_on=start, end_on=end, status=Contract.Status.SIGNED)
    for teacher in [ForeignTeacherFactory(employment=full), ForeignTeacherFactory(employment=part)]:
        ContractFactory(
            teacher=teacher,
            start_on=date(2020, 9, 1),
            end_on=date(2021, 7, 15),
            status=Contract.Status.SIGNED,
        )
    ContractFactory(  # a draft contract engages nobody
        teacher=ForeignTeacherFactory(employment=part),
        start_on=date(2020, 9, 1),
        end_on=date(2021, 7, 15),
        status=Contract.Status.DRAFT,
    )
    ContractFactory(start_on=date(2018, 9, 1), end_on=date(2019, 7, 15), status="ended")

    IncidentFactory(teacher=twice, date=date(2020, 3, 3), kind=Incident.Kind.SAFETY)
    IncidentFactory(teacher=twice, date=date(2019, 3, 3))

    active = ExchangeProjectFactory(start_on=date(2019, 3, 1), end_on=None)
    suspended = ExchangeProjectFactory(
        status=ExchangeProject.Status.SUSPENDED,
        status_reason="新冠肺炎疫情",
        start_on=date(2020, 1, 1),
        end_on=None,
    )
    ExchangeProjectFactory(
        status=ExchangeProject.Status.COMPLETED,
        start_on=date(2018, 1, 1),
        end_on=date(2019, 6, 30),
    )
    ExchangeProjectFactory(
        status=ExchangeProject.Status.PLANNING, start_on=date(2021, 9, 1), end_on=None
    )
    ParticipantFactory(project=active, status=Participant.Status.TRAINING)
    ParticipantFactory(
        project=suspended,
        direction=Participant.Direction.INBOUND,
        status=Participant.Status.RETURNED,
        start_on=date(2020, 1, 5),
        end_on=date(2020, 1, 20),
    )
    ParticipantFactory(project=active, start_on=date(2019, 1, 1), end_on=date(2019, 6, 30))

    to_korea = VisitPlanLineFactory(year=2020, destinations=["KR"], persons=3, days=5)
    to_macau = VisitPlanLineFactory(year=2020, destinations=["MO"], persons=3, days=4)
    VisitPlanLineFactory(year=2020, destinations=["JP"], planned_month=11)  # never executed
    VisitPlanLineFactory(year=2021, destinations=["AE"])
    VisitFactory(
        plan_line=to_korea,
        status=Visit.Status.CANCELLED,
        cancel_reason="新冠肺炎疫情，出入境受限",
        planned_start=date(2020, 7, 13),
        planned_end=date(2020, 7, 17),
    )
    VisitFactory(
        plan_line=to_macau,
        status=Visit.Status.CLOSED,
        persons=2,
        destinations=["MO"],
        planned_start=date(2020, 10, 19),
        planned_end=date(2020, 10, 22),
        actual_start=date(2020, 10, 19),
        actual_end=date(2020, 10, 22),
    )
    VisitFactory(  # off the plan, done
        status=Visit.Status.CLOSED,
        persons=1,
        planned_start=date(2020, 11, 2),
        planned_end=date(2020, 11, 4),
        actual_start=date(2020, 11, 2),
        actual_end=date(2020, 11, 4),
    )
    VisitFactory(status=Visit.Status.CLOSED, planned_start=date(2019, 5, 1), planned_end=None)
    VisitFactory(
        direction=Visit.Direction.INBOUND,
        nationality="HK",
        persons=4,
        status=Visit.Status.CLOSED,
        planned_start=date(2020, 12, 1),
        planned_end=date(2020, 12, 2),
    )
    VisitFactory(
        direction=Visit.Direction.INBOUND,
        status=Visit.Status.CANCELLED,
        cancel_reason="对方取消",
        planned_start=date(2020, 4, 1),
        planned_end=date(2020, 4, 2),
    )

    TrainingFactory(date=date(2020, 9, 24), hours=Decimal("3.5"), attendee_count=2)
    TrainingFactory(date=date(2020, 6, 11), hours=Decimal("2.0"), attendee_count=6)
    TrainingFactory(date=date(2019, 6, 11), hours=Decimal("8"))
    SubmissionFactory(due_on=date(2020, 1, 15), submitted_on=date(2020, 1, 10))
    SubmissionFactory(due_on=date(2020, 12, 31), submitted_on=None)
    SubmissionFactory(due_on=date(2020, 12, 31), submitted_on=date(2021, 1, 4))
    return {"macau": macau, "hong_kong": hong_kong}


@pytest.fixture
def stats():
    _sample_year()
    return report_statistics(YEAR)


def _counts(block: dict) -> dict:
    return {item["key"]: item["count"] for item in block["items"] if item["count"]}


def test_hong_kong_and_macau_are_counted_under_hmt_never_as_foreign(stats):
    partners = stats["partners"]
    regions = {row["label"]: row["count"] for row in partners["by_region"]}
    assert regions == {"外国": 1, "港澳台": 2, "中国内地": 1}
    names = {row["name"]: row["region_label"] for row in partners["by_country"]}
    assert names == {"韩国": "外国", "中国香港": "港澳台", "中国澳门": "港澳台", "中国": "中国内地"}
    assert partners["total"] == 4  # prospective, ended and 2021 partners are left out


def test_category_counts_of_the_year(stats):
    categories = stats["categories"]
    assert _counts(categories["interactions"]) == {"online_meeting": 2, "correspondence": 1}
    assert categories["agreements"] == {"signed": 1, "expiring": 1, "in_force": 2}
    assert _counts(categories["teachers"]) == {"full_time": 2, "part_time": 1}
    assert _counts(categories["incidents"]) == {"safety": 1}
    assert _counts(categories["projects"]) == {"active": 1, "suspended": 1}
    assert categories["participants"]["total"] == 2
    assert categories["trainings"] == {"count": 2, "discipline": 0, "hours": 5.5, "attendees": 8}
    assert _counts(categories["submissions"]) == {"summary": 1}


def test_cancelled_visits_count_as_cancelled_and_inbound_as_received(stats):
    visits = stats["categories"]["visits"]
    assert visits["outbound_completed"] == 2
    assert visits["outbound_completed_persons"] == 3
    assert visits["outbound_off_plan"] == 1
    assert visits["outbound_cancelled"] == 1
    assert visits["inbound_received"] == 1
    assert visits["inbound_persons"] == 4


def test_plan_against_actual_per_line_and_in_total(stats):
    plan = stats["visit_plan"]
    lines = {line["destinations"]: line for line in plan["lines"]}
    assert set(lines) == {"韩国", "中国澳门", "日本"}  # the 2021 line is not in the 2020 plan
    assert lines["韩国"]["execution"] == "已取消"
    assert lines["韩国"]["cancel_reasons"] == ["新冠肺炎疫情，出入境受限"]
    assert lines["中国澳门"]["execution"] == "已完成"
    assert (lines["中国澳门"]["actual_persons"], lines["中国澳门"]["actual_days"]) == (2, 4)
    assert lines["日本"]["execution"] == "未执行"
    assert plan["totals"] == {
        "lines": 3,
        "planned_persons": 9,
        "planned_days": 14,
        "visits": 2,
        "completed": 1,
        "cancelled": 1,
        "pending": 0,
        "not_started": 1,
        "actual_persons": 2,
        "actual_days": 4,
    }
    assert plan["off_plan_completed"] == 1


def test_statistics_survive_a_json_round_trip(stats):
    frozen = json.loads(json.dumps(stats))
    assert frozen == stats
    assert statistics_tables(frozen) == statistics_tables(stats)


def test_tables_have_captions_headers_and_rows_of_equal_width(stats):
    tables = statistics_tables(stats)
    captions = [table["caption"] for table in tables]
    assert "合作院校（机构）国家和地区分布" in captions
    assert "2020年因公出访计划执行情况" in captions
    for table in tables:
        width = len(table["header"])
        assert all(len(row) == width for row in table["rows"]), table["caption"]
        assert not table["footer"] or len(table["footer"]) == width


def test_charts_and_html_are_static_markup_with_chinese_labels(stats):
    charts = statistics_charts(stats)
    assert len(charts) == 3
    assert all(chart.startswith('<figure class="statistics-chart"><svg') for chart in charts)
    html = statistics_html(stats)
    assert html.count('<table class="statistics-table">') == len(statistics_tables(stats))
    assert "中国澳门" in html and "港澳台" in html and "<svg" in html
    assert "<script" not in html and "http" not in html.replace("http://www.w3.org/2000/svg", "")


def test_an_empty_year_has_zeros_and_no_charts():
    stats = report_statistics(2001)
    assert stats["partners"]["total"] == 0
    assert stats["visit_plan"]["lines"] == []
    assert statistics_charts(stats) == []
    assert "无" in statistics_html(stats)


@pytest.mark.parametrize(
    ("code", "name"),
    [("HK", "中国香港"), ("MO", "中国澳门"), ("TW", "中国台湾"), ("KR", "韩国"), ("", "")],
)
def test_country_names_are_chinese_with_hmt_as_regions_of_china(code, name):
    assert country_name_zh(code) == name


@pytest.mark.django_db
def test_hong_kong_macau_and_taiwan_teachers_are_counted_apart():
    from faculty.models import Contract
    from tests.faculty.factories import ContractFactory, ForeignTeacherFactory

    for nationality in ("GB", "HK", "TW"):
        ContractFactory(
            teacher=ForeignTeacherFactory(nationality=nationality),
            start_on=date(YEAR, 3, 1),
            end_on=date(YEAR, 7, 31),
            status=Contract.Status.SIGNED,
        )
    categories = report_statistics(YEAR)["categories"]
    assert categories["teachers"]["total"] == 1
    assert categories["hmt_teachers"]["total"] == 2
