"""A draft report's PDF is rendered once per version of what it shows and served from the
cache until that changes (issue 12 §5): the key is the report's version and the data
generations of its text and of the kinds its statistics count, never the rendered HTML.

WeasyPrint is replaced by a spy that records each HTML it is given (`renders`): a cached PDF
is one the spy never saw again. tests/reports/test_prepared_fonts.py serves real PDFs.
"""

import hashlib
import json
import os
import re

import pytest
from django.apps import apps
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reports import output, pdf
from reports.models import AnnualReport
from reports.output import REPORT_TEXT_KINDS, STATISTICS_KINDS, draft_pdf_bytes
from reports.statistics import report_statistics
from tests.exchanges.factories import VisitFactory
from tests.factories import factory_for
from tests.partners.factories import AgreementFactory, InstitutionFactory
from tests.reports.factories import AnnualReportFactory, ReportPartFactory, ReportSectionFactory

pytestmark = pytest.mark.django_db

YEAR = 2026


@pytest.fixture(autouse=True)
def renders(monkeypatch):
    """The HTML of every PDF rendered, in order; the PDF is a digest of its HTML."""
    cache.clear()
    seen = []

    def fake_pdf(html: str) -> bytes:
        seen.append(html)
        return b"%PDF-" + hashlib.sha256(html.encode()).hexdigest().encode()

    monkeypatch.setattr(pdf, "pdf_from_html", fake_pdf)
    yield seen
    cache.clear()


@pytest.fixture
def report():
    report = AnnualReportFactory(year=YEAR, append_statistics=True)
    part = ReportPartFactory(report=report, order=1, title="2026年工作总结")
    ReportSectionFactory(part=part, order=1, title="对外交流与合作", body="正文第一段。")
    return report


def fresh(report) -> AnnualReport:
    """The report as a request reads it."""
    return AnnualReport.objects.get(pk=report.pk)


def _pdf_url() -> str:
    return reverse("reports:annualreport_pdf", args=[YEAR])


def test_an_unchanged_draft_is_served_from_the_cache_in_a_few_queries(
    report, staff_client, renders
):
    first = staff_client.get(_pdf_url())
    assert first.status_code == 200 and len(renders) == 1
    with CaptureQueriesContext(connection) as queries:
        again = staff_client.get(_pdf_url())
    assert again.status_code == 200 and again.content == first.content
    assert len(renders) == 1  # not rendered again
    # The check reads neither the text nor the statistics: the session, the user and their
    # permissions, the report.
    tables = {model._meta.db_table for model in _models(REPORT_TEXT_KINDS + STATISTICS_KINDS)}
    read = _tables_of(queries)
    assert not read & tables, read & tables
    assert len(queries) <= 6, [query["sql"] for query in queries.captured_queries]


def test_a_change_of_the_report_renders_it_again(report, renders):
    draft_pdf_bytes(fresh(report))
    report = fresh(report)
    report.preface = "前言有了新的一句。"
    report.save()
    draft_pdf_bytes(fresh(report))
    assert len(renders) == 2 and "前言有了新的一句" in renders[-1]
    draft_pdf_bytes(fresh(report))
    assert len(renders) == 2


def test_a_change_of_its_text_renders_it_again(report, renders):
    section = report.parts.get().sections.get()
    draft_pdf_bytes(fresh(report))
    section.body = "正文改过了。"
    section.save()
    draft_pdf_bytes(fresh(report))
    assert len(renders) == 2 and "正文改过了" in renders[-1]
    part = report.parts.get()
    part.intro = "部分导语改过了。"
    part.save()
    draft_pdf_bytes(fresh(report))
    assert len(renders) == 3 and "部分导语改过了" in renders[-1]
    ReportSectionFactory(part=part, order=2, title="新增一节")
    draft_pdf_bytes(fresh(report))
    assert len(renders) == 4 and "新增一节" in renders[-1]
    part.sections.get(order=2).delete()
    draft_pdf_bytes(fresh(report))
    assert len(renders) == 5 and "新增一节" not in renders[-1]


def test_a_workflow_step_renders_it_again(report, renders):
    draft_pdf_bytes(fresh(report))
    report = fresh(report)
    report.status = AnnualReport.Status.IN_REVIEW  # a step saves the report
    report.save()
    draft_pdf_bytes(fresh(report))
    assert len(renders) == 2


def test_a_new_agreement_or_visit_renders_it_again(report, renders):
    draft_pdf_bytes(fresh(report))
    AgreementFactory(signed_on=f"{YEAR}-03-01")
    draft_pdf_bytes(fresh(report))
    assert len(renders) == 2
    VisitFactory()
    draft_pdf_bytes(fresh(report))
    assert len(renders) == 3


@pytest.mark.parametrize("kind", STATISTICS_KINDS)
def test_a_change_of_each_kind_the_statistics_count_renders_it_again(report, renders, kind):
    record = factory_for(apps.get_model(kind))()  # its related records made before the PDF
    draft_pdf_bytes(fresh(report))
    record.save()  # this kind alone changes
    draft_pdf_bytes(fresh(report))
    assert len(renders) == 2, kind
    record.delete()
    draft_pdf_bytes(fresh(report))
    assert len(renders) == 3, kind


def test_without_statistics_only_the_report_counts(report, renders):
    report = fresh(report)
    report.append_statistics = False
    report.save()
    draft_pdf_bytes(fresh(report))
    InstitutionFactory()
    draft_pdf_bytes(fresh(report))
    assert len(renders) == 1


def test_the_statistics_read_only_the_kinds_the_key_watches(report):
    """The list in reports/output.py is the statistics' own: a statistic reading another kind
    of record must add it there, or its changes would serve a stale PDF."""
    InstitutionFactory()
    AgreementFactory()
    VisitFactory()
    with CaptureQueriesContext(connection) as queries:
        report_statistics(YEAR)
    domain = {model._meta.db_table: model._meta.label_lower for model in apps.get_models()}
    read = {domain[table] for table in _tables_of(queries) if table in domain}
    assert read == set(STATISTICS_KINDS)


def test_each_language_has_its_own_pdf(report, staff_client, renders):
    """The statistics name countries in the reader's language (Malaysia, 马来西亚)."""
    InstitutionFactory(country="MY", status="active")
    staff_client.get(_pdf_url(), HTTP_ACCEPT_LANGUAGE="zh-hans")
    staff_client.get(_pdf_url(), HTTP_ACCEPT_LANGUAGE="en")
    assert len(renders) == 2
    staff_client.get(_pdf_url(), HTTP_ACCEPT_LANGUAGE="zh-hans")
    staff_client.get(_pdf_url(), HTTP_ACCEPT_LANGUAGE="en")
    assert len(renders) == 2


def test_newly_prepared_fonts_render_it_again(report, renders, settings, tmp_path):
    directory = tmp_path / "fonts"
    directory.mkdir()
    settings.PREPARED_FONTS_DIR = directory
    faces = []
    for weight in ("normal", "bold"):
        name = f"serif-{weight}.otf"
        (directory / name).write_bytes(b"a face")
        faces.append({"family": "Noto Serif CJK SC", "weight": weight, "file": name})
    (directory / "manifest.json").write_text(json.dumps({"faces": faces}))
    draft_pdf_bytes(fresh(report))
    draft_pdf_bytes(fresh(report))
    assert len(renders) == 1
    face = directory / "serif-normal.otf"
    stat = face.stat()
    os.utime(face, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))  # cut again
    draft_pdf_bytes(fresh(report))
    assert len(renders) == 2
    settings.PREPARED_FONTS_DIR = tmp_path / "none"  # no prepared fonts: the full faces
    draft_pdf_bytes(fresh(report))
    assert len(renders) == 3


def test_the_code_that_prints_it_is_part_of_the_key(report, renders, monkeypatch):
    draft_pdf_bytes(fresh(report))
    monkeypatch.setattr(output, "output_stamp", lambda: "another deploy")
    draft_pdf_bytes(fresh(report))
    assert len(renders) == 2


def test_an_approved_report_is_its_archive_never_a_render(report, staff_client, renders):
    draft_pdf_bytes(fresh(report))  # a draft of it in the cache
    archived = b"%PDF-the approved archive"
    report = fresh(report)
    report.pdf_file.save("approved.pdf", ContentFile(archived), save=False)
    report.status = AnnualReport.Status.APPROVED
    report.approved_at = timezone.now()
    report.statistics = report_statistics(YEAR)
    report.save()
    response = staff_client.get(_pdf_url())
    served = b"".join(response.streaming_content) if response.streaming else response.content
    assert served == archived and len(renders) == 1


def _models(labels):
    return [apps.get_model(label) for label in labels]


def _tables_of(queries) -> set[str]:
    """The tables the captured queries name (quoted identifiers that are tables)."""
    tables = set(connection.introspection.table_names())
    found = set()
    for query in queries.captured_queries:
        found |= {name for name in re.findall(r'"([A-Za-z0-9_]+)"', query["sql"]) if name in tables}
    return found
