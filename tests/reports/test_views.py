"""The report pages: create, edit, review, approve, download — as each role does it."""

import hashlib
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reports.models import AnnualReport
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
SAMPLE = Path(__file__).resolve().parents[2] / "reports" / "samples" / "sample-report-2020.txt"


def login(client, role):
    user = UserFactory()
    user.groups.add(Group.objects.get(name=role))
    client.force_login(user)
    return user


@pytest.fixture
def report(client):
    login(client, "office_staff")
    upload = SimpleUploadedFile("2020年总结.txt", SAMPLE.read_bytes(), "text/plain")
    response = client.post(reverse("reports:annualreport_import"), {"file": upload, "year": 2020})
    assert response.status_code == 302
    client.logout()
    return AnnualReport.objects.get(year=2020)


def test_import_form_refuses_an_unreadable_file_with_a_message(client):
    login(client, "office_staff")
    upload = SimpleUploadedFile("report.txt", b"\x00\x01\x02" * 100, "text/plain")
    response = client.post(reverse("reports:annualreport_import"), {"file": upload, "year": 2019})
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not AnnualReport.objects.exists()


def test_new_report_is_drafted_from_the_records(client):
    login(client, "office_staff")
    response = client.post(reverse("reports:annualreport_add"), {"year": 2021})
    report = AnnualReport.objects.get(year=2021)
    assert response["Location"] == reverse("reports:annualreport_edit", args=[2021])
    assert report.parts.count() == 2
    assert sum(part.sections.count() for part in report.parts.all()) == 11


def test_sections_can_be_added_moved_edited_and_removed(client, report):
    login(client, "office_staff")
    part = report.parts.get(order=1)
    client.post(reverse("reports:section_add", args=[2020, part.pk]), {"title": "新增一节"})
    added = part.sections.get(title="新增一节")
    assert added.order == part.sections.count()
    client.post(reverse("reports:section_move", args=[2020, added.pk, "up"]))
    added.refresh_from_db()
    assert added.order == part.sections.count() - 1
    client.post(
        reverse("reports:section_edit", args=[2020, added.pk]),
        {"title": "新增一节", "body": "正文第一段。", "version": added.version},
    )
    added.refresh_from_db()
    assert added.body == "正文第一段。"
    client.post(reverse("reports:section_delete", args=[2020, added.pk]))
    assert not part.sections.filter(pk=added.pk).exists()
    assert list(part.sections.values_list("order", flat=True)) == list(
        range(1, part.sections.count() + 1)
    )


def test_the_whole_review_staff_submit_leader_approve_served_pdf_is_the_archive(client, report):
    login(client, "office_staff")
    client.post(reverse("reports:annualreport_approve", args=[2020]))  # staff cannot approve
    report.refresh_from_db()
    assert report.status == AnnualReport.Status.DRAFT
    client.post(reverse("reports:annualreport_submit", args=[2020]))
    report.refresh_from_db()
    assert report.status == AnnualReport.Status.IN_REVIEW

    login(client, "leadership")
    assert client.get(reverse("reports:annualreport_edit", args=[2020])).status_code == 403
    client.post(reverse("reports:annualreport_approve", args=[2020]))
    report.refresh_from_db()
    assert report.status == AnnualReport.Status.APPROVED
    assert report.statistics["year"] == 2020

    response = client.get(reverse("reports:annualreport_pdf", args=[2020]))
    served = b"".join(response.streaming_content) if response.streaming else response.content
    assert hashlib.sha256(served).hexdigest() == report.pdf_sha256
    assert "filename*=utf-8''" in response["Content-Disposition"]
    page = client.get(report.get_absolute_url()).content.decode()
    assert report.pdf_sha256 in page


def test_an_approved_report_cannot_be_changed(client, report):
    report.status = AnnualReport.Status.APPROVED
    report.approved_at = report.updated
    report.save()
    login(client, "office_staff")
    response = client.get(reverse("reports:annualreport_edit", args=[2020]))
    assert response.status_code == 302  # back to the report, with the read-only message
    section = report.parts.first().sections.first()
    client.post(
        reverse("reports:section_edit", args=[2020, section.pk]),
        {"title": "改动", "body": "改动", "version": section.version},
    )
    section.refresh_from_db()
    assert section.title != "改动"


def test_leader_returns_a_report_with_a_comment(client, report):
    login(client, "office_staff")
    client.post(reverse("reports:annualreport_submit", args=[2020]))
    login(client, "leadership")
    client.post(
        reverse("reports:annualreport_return", args=[2020]), {"return-comment": "请补充统计数据"}
    )
    report.refresh_from_db()
    assert (report.status, report.return_comment) == (AnnualReport.Status.DRAFT, "请补充统计数据")


def test_draft_pdf_and_statistics_workbook_download(client, report):
    login(client, "leadership")
    pdf = client.get(reverse("reports:annualreport_pdf", args=[2020]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    xlsx = client.get(reverse("reports:annualreport_statistics", args=[2020]))
    assert xlsx.content[:2] == b"PK"
    preview = client.get(reverse("reports:annualreport_preview", args=[2020]))
    assert "一、" in preview.content.decode()
    assert preview["X-Frame-Options"] == "SAMEORIGIN"


def test_an_approved_report_is_read_only_in_the_admin_too(admin_client, report):
    report.status = AnnualReport.Status.APPROVED
    report.approved_at = report.updated
    report.save()
    url = reverse("admin:reports_annualreport_change", args=[report.pk])
    response = admin_client.post(url, {"title": "改过的标题", "year": 2020})
    report.refresh_from_db()
    assert response.status_code == 403 or report.title != "改过的标题"
    assert report.title != "改过的标题"
    section = report.parts.first().sections.first()
    section_url = reverse("admin:reports_reportsection_delete", args=[section.pk])
    assert admin_client.post(section_url, {"post": "yes"}).status_code == 403
