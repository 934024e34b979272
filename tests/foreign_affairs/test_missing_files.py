"""Issue 10 item 9: the database is restored, the media folder is empty.

Before: the attachment download and the approved report's PDF answered 500, and a contract
whose file was gone could no longer be saved (the validator read the stored file's size).
Now: 404 with a page that says what is missing and what to do, records stay editable, and
`manage.py check_files` lists every record whose file is missing or changed.
"""

import hashlib
import io
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from foreign_affairs.attachments import download_url
from foreign_affairs.models import PersonalDataAccess
from foreign_affairs.roles import OFFICE_STAFF
from reports.models import AnnualReport
from tests.factories import UserFactory
from tests.faculty.factories import ContractFactory, IdentityDocumentFactory
from tests.partners.factories import AgreementFactory
from tests.reports.factories import AnnualReportFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\ntrailer\n<< >>\n%%EOF\n"
PDF_2 = PDF.replace(b"1.4", b"1.7")


@pytest.fixture
def staff():
    """An office-staff client whose server errors come back as responses, not exceptions."""
    user = UserFactory()
    user.groups.add(Group.objects.get(name=OFFICE_STAFF))
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def with_file(obj, field_name="signed_file", content=PDF):
    setattr(obj, field_name, ContentFile(content, name="scan.pdf"))
    obj.save()
    obj.refresh_from_db()
    return obj


def empty_media_folder():
    """What an operator has after restoring the database without the media folder."""
    shutil.rmtree(settings.MEDIA_ROOT)
    Path(settings.MEDIA_ROOT).mkdir()


def assert_missing_file_page(response, record):
    assert response.status_code == 404
    assert [t.name for t in response.templates][0] == "missing_file.html"
    page = response.content.decode()
    assert "check_files" in page
    assert str(record) in page


def test_downloading_an_attachment_whose_file_is_gone_is_a_404_page(staff):
    contract = with_file(ContractFactory())
    empty_media_folder()

    response = staff.get(download_url(contract, "signed_file"))

    assert_missing_file_page(response, contract)


def test_a_missing_passport_scan_is_not_logged_as_seen(staff):
    document = with_file(IdentityDocumentFactory(), "file")
    empty_media_folder()

    response = staff.get(download_url(document, "file"))

    assert_missing_file_page(response, document)
    assert not PersonalDataAccess.objects.exists()


def test_a_present_file_is_still_served(staff):
    contract = with_file(ContractFactory())

    response = staff.get(download_url(contract, "signed_file"))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF


def contract_form(contract, **changes) -> dict:
    data = {k: v for k, v in model_to_dict(contract).items() if v is not None}
    data.pop("signed_file")
    return {**data, "version": contract.version, **changes}


def test_a_contract_whose_file_is_gone_can_still_be_saved(staff):
    contract = with_file(ContractFactory())
    name = contract.signed_file.name
    empty_media_folder()

    response = staff.post(
        reverse("faculty:contract_edit", args=[contract.pk]),
        contract_form(contract, position="英语外教（续聘）"),
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    contract.refresh_from_db()
    assert contract.position == "英语外教（续聘）"
    assert contract.signed_file.name == name  # the record still names its file


def test_the_missing_file_can_be_uploaded_again(staff):
    contract = with_file(ContractFactory())
    empty_media_folder()

    response = staff.post(
        reverse("faculty:contract_edit", args=[contract.pk]),
        contract_form(contract, signed_file=SimpleUploadedFile("新扫描件.pdf", PDF_2)),
    )

    assert response.status_code == 302
    contract.refresh_from_db()
    assert contract.signed_file.open("rb").read() == PDF_2


def test_an_agreement_whose_file_is_gone_keeps_its_fingerprint_when_saved(staff):
    agreement = with_file(AgreementFactory())
    fingerprint = agreement.signed_file_sha256
    assert fingerprint == hashlib.sha256(PDF).hexdigest()
    empty_media_folder()

    data = {k: v for k, v in model_to_dict(agreement).items() if v is not None}
    data.pop("signed_file")
    data.update(notes="原件在档案室", version=agreement.version)
    response = staff.post(reverse("partners:agreement_edit", args=[agreement.pk]), data)

    assert response.status_code == 302, response.content.decode()[:2000]
    agreement.refresh_from_db()
    assert (agreement.notes, agreement.signed_file_sha256) == ("原件在档案室", fingerprint)


@pytest.fixture
def approved_report():
    report = AnnualReportFactory(year=2020)
    report.pdf_file.save("2020.pdf", ContentFile(PDF), save=False)
    report.pdf_sha256 = hashlib.sha256(PDF).hexdigest()
    report.save()
    # Approved as the workflow leaves it (an approved report is read-only to save()).
    AnnualReport.objects.filter(pk=report.pk).update(
        status=AnnualReport.Status.APPROVED, approved_at=timezone.now()
    )
    report.refresh_from_db()
    return report


def test_the_approved_report_pdf_whose_archive_is_gone_is_a_404_page(staff, approved_report):
    url = reverse("reports:annualreport_pdf", args=[2020])
    assert staff.get(url).content == PDF
    empty_media_folder()

    response = staff.get(url)

    assert_missing_file_page(response, approved_report)


def test_export_report_says_the_archive_is_missing(approved_report, tmp_path):
    empty_media_folder()

    with pytest.raises(CommandError, match="check_files"), translation.override("en"):
        call_command("export_report", "2020", "-o", str(tmp_path / "out.pdf"))
    assert not (tmp_path / "out.pdf").exists()


def check_files() -> tuple[int, list[list[str]]]:
    """Run the command; return its exit status and its table rows split into columns."""
    out = io.StringIO()
    try:
        call_command("check_files", stdout=out)
        status = 0
    except CommandError as error:
        status = error.returncode
    lines = out.getvalue().splitlines()
    return status, [line.split() for line in lines]


def test_check_files_lists_missing_and_changed_files(approved_report):
    intact = with_file(AgreementFactory())
    changed = with_file(AgreementFactory())
    Path(changed.signed_file.path).write_bytes(PDF_2)  # same name, other bytes
    missing_contract = with_file(ContractFactory())
    missing_document = with_file(IdentityDocumentFactory(), "file")
    Path(missing_contract.signed_file.path).unlink()
    Path(missing_document.file.path).unlink()
    Path(approved_report.pdf_file.path).unlink()
    ContractFactory()  # no file: nothing to check
    assert intact.signed_file.storage.exists(intact.signed_file.name)

    status, rows = check_files()

    assert status == 1
    assert rows[0] == ["model", "pk", "field", "path", "problem"]
    assert sorted(rows[1:]) == sorted(
        [
            [
                "partners.Agreement",
                str(changed.pk),
                "signed_file",
                changed.signed_file.name,
                "sha256-mismatch",
            ],
            [
                "faculty.Contract",
                str(missing_contract.pk),
                "signed_file",
                missing_contract.signed_file.name,
                "missing",
            ],
            [
                "faculty.IdentityDocument",
                str(missing_document.pk),
                "file",
                missing_document.file.name,
                "missing",
            ],
            [
                "reports.AnnualReport",
                str(approved_report.pk),
                "pdf_file",
                "reports/2020.pdf",
                "missing",
            ],
        ]
    )


def test_check_files_exits_0_when_every_file_is_there(approved_report):
    with_file(AgreementFactory())
    with_file(ContractFactory())

    status, rows = check_files()

    assert status == 0
    assert len(rows) == 1  # the one line saying all is well, no table


def test_check_files_after_a_restore_without_media_lists_every_file(approved_report):
    with_file(AgreementFactory())
    with_file(ContractFactory())
    empty_media_folder()

    status, rows = check_files()

    assert status == 1
    assert sorted(row[-1] for row in rows[1:]) == ["missing"] * 3
