"""Report → Word → import gives the same report back: parts, sections, blocks and text."""

import io

import pytest
from django.utils import translation

from reports.docx_export import render_report_docx
from reports.importer import report_import
from reports.models import AnnualReport
from tests.reports.factories import AnnualReportFactory, ReportPartFactory, ReportSectionFactory
from tests.reports.test_import import SAMPLE

BODY = "\n\n".join(
    [
        "学校领导高度重视外事工作，与 Kyungbuk College 保持联系。",
        "（一）健全审批流程。出访申请须经部门、外事办和分管校领导三级审核。",
        "1.建立出访台账。按季度核对护照和批件。",
        "（1）外教课程考核由教务处统一安排。",
        "| 类别 | 2022年 | 2023年 |\n| 因公出访（批次） | 2 | 2 |\n| 合计 | 3 | 5 |",
        "| 护理专业联合培养项目 | < | < |\n| 2023年 | 选拔 | 12人 |\n| ^ | 录取 | 8人 |",
        "表中数据截至2023年12月31日。",
    ]
)
CLOSING = "\n\n".join(
    [
        "请各部门于2024年1月10日前将材料报送国际交流合作处。",
        "联系人：周明（行政楼305）\u3000联系电话：0758-1234567",
        "〔附件〕1、2024年因公临时出国计划申报表\n2、2024年度因公赴港澳计划申报表",
        "〔署名〕国际交流合作处",
        "〔日期〕2023年12月20日",
    ]
)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def structure(report: AnnualReport):
    return (
        report.title,
        report.preface,
        report.confidentiality,
        [
            (
                part.kind,
                part.title,
                part.intro,
                [(s.title, s.body) for s in part.sections.order_by("order")],
            )
            for part in report.parts.order_by("order")
        ],
    )


def round_trip(report: AnnualReport, year: int) -> AnnualReport:
    data = render_report_docx(report)
    return report_import(file=io.BytesIO(data), filename="报告.docx", year=year)


def test_every_kind_of_block_comes_back(db):
    report = AnnualReportFactory(
        year=2023,
        title="南岭护理职业学院2023年外事工作总结及2024年工作计划",
        preface="〔主送〕各职业院校、各直属单位：\n\n现将学校外事工作情况报告如下。",
        confidentiality="internal",
    )
    summary = ReportPartFactory(report=report, kind="summary", title="2023年外事工作总结", order=1)
    plan = ReportPartFactory(
        report=report, kind="plan", title="2024年外事工作计划", order=2, intro="明年重点如下。"
    )
    ReportSectionFactory(part=summary, order=1, title="加强制度建设", body=BODY)
    ReportSectionFactory(part=summary, order=2, title="存在问题", body="对外交流项目偏少。")
    ReportSectionFactory(part=plan, order=1, title="继续推进合作项目", body="扩大交流规模。")
    ReportSectionFactory(part=plan, order=2, title="报送方式", body=CLOSING)
    back = round_trip(report, 2024)
    assert structure(back) == structure(report)


def test_the_sample_comes_back(db):
    report = report_import(file=SAMPLE, filename=SAMPLE.name, year=2020)
    back = round_trip(report, 2021)
    assert structure(back) == structure(report)
