"""Uploads are judged by content, stored under random names and downloaded only with permission.

Uploads go through the real edit page of an agreement (its signed file), as office staff do.
"""

import hashlib
import io
import re
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from foreign_affairs.attachments import MAX_ATTACHMENT_BYTES, download_url
from foreign_affairs.roles import LEADERSHIP, LIAISON
from partners.models import Agreement
from tests.factories import UserFactory
from tests.faculty.factories import IdentityDocumentFactory
from tests.partners.factories import AgreementFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\ntrailer\n<< >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
HTML = b"<html><head><title>contract</title></head><body><script>alert(1)</script></body></html>"
CJK = re.compile(r"[\u4e00-\u9fff]")


def docx_bytes() -> bytes:
    document = docx.Document()
    document.add_paragraph("合作协议（签字版）")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def xlsx_bytes() -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "交换生名单"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "not an office document")
    return buffer.getvalue()


def user_with(role: str):
    user = UserFactory()
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def agreement():
    return AgreementFactory(title="护理专业学生交换协议")


def upload(client, agreement: Agreement, name: str, content: bytes):
    """POST the agreement's edit form unchanged but for a new signed file."""
    data = {
        "institution": agreement.institution_id,
        "title": agreement.title,
        "kind": agreement.kind,
        "status": agreement.status,
        "signed_on": agreement.signed_on.isoformat(),
        "valid_from": agreement.valid_from.isoformat(),
        "valid_until": agreement.valid_until.isoformat(),
        "renewal": agreement.renewal,
        "quota_per_year": agreement.quota_per_year,
        "approval_reference": "",
        "notes": "",
        "version": agreement.version,
        "signed_file": SimpleUploadedFile(name, content),
    }
    return client.post(reverse("partners:agreement_edit", args=[agreement.pk]), data)


def stored_files() -> list[Path]:
    return [path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()]


def assert_refused(response, agreement: Agreement) -> str:
    """Check the page shows the file's error and nothing was stored; return the error."""
    assert response.status_code == 200  # the form again, not a redirect
    errors = response.context["form"].errors
    assert list(errors) == ["signed_file"], errors
    message = errors["signed_file"][0]
    assert escape(message) in response.content.decode()
    version = agreement.version
    agreement.refresh_from_db()
    assert (agreement.signed_file.name, agreement.signed_file_sha256) == ("", "")
    assert agreement.version == version
    assert stored_files() == []
    return message


def test_a_pdf_is_stored_under_a_random_name_with_its_fingerprint(staff_client, agreement):
    response = upload(staff_client, agreement, "合作协议签字版.pdf", PDF)

    assert response.status_code == 302, response.context and response.context["form"].errors
    agreement.refresh_from_db()
    year = timezone.localdate().year
    assert re.fullmatch(rf"agreements/{year}/[0-9a-f]{{32}}\.pdf", agreement.signed_file.name)
    assert "合作协议" not in agreement.signed_file.name
    assert agreement.signed_file_sha256 == hashlib.sha256(PDF).hexdigest()
    assert stored_files() == [Path(settings.MEDIA_ROOT) / agreement.signed_file.name]
    assert stored_files()[0].read_bytes() == PDF


@pytest.mark.parametrize(
    ("name", "content", "extension"),
    [
        ("scan.png", PNG, "png"),
        ("scan.jpg", JPEG, "jpg"),
        ("协议.docx", docx_bytes(), "docx"),
        ("名额.xlsx", xlsx_bytes(), "xlsx"),
        # The stored extension follows the content, not the name the file came with.
        ("scan.jpg", PDF, "pdf"),
        ("no-extension", PNG, "png"),
    ],
    ids=["png", "jpeg", "docx", "xlsx", "pdf-named-jpg", "png-without-extension"],
)
def test_accepted_kinds_of_file(staff_client, agreement, name, content, extension):
    response = upload(staff_client, agreement, name, content)

    assert response.status_code == 302, response.context and response.context["form"].errors
    agreement.refresh_from_db()
    assert agreement.signed_file.name.endswith(f".{extension}")
    assert agreement.signed_file_sha256 == hashlib.sha256(content).hexdigest()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("contract.pdf", HTML),
        ("contract.docx", zip_bytes()),
        ("contract.pdf", b"just some text, no document at all"),
        ("contract.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64),
    ],
    ids=["html-named-pdf", "zip-named-docx", "text-named-pdf", "executable"],
)
def test_a_file_that_is_not_really_an_accepted_kind_is_refused(
    staff_client, agreement, name, content
):
    response = upload(staff_client, agreement, name, content)

    message = assert_refused(response, agreement)
    assert "PDF" in message


def test_a_file_over_20_mb_is_refused(staff_client, agreement):
    content = PDF + b"\x00" * (21 * 1024 * 1024 - len(PDF))
    assert len(content) > MAX_ATTACHMENT_BYTES

    response = upload(staff_client, agreement, "扫描件.pdf", content)

    message = assert_refused(response, agreement)
    assert "20 MB" in message and "21.0" in message


def test_a_file_of_exactly_20_mb_is_accepted(staff_client, agreement):
    content = PDF + b"\x00" * (MAX_ATTACHMENT_BYTES - len(PDF))

    response = upload(staff_client, agreement, "扫描件.pdf", content)

    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.signed_file.size == MAX_ATTACHMENT_BYTES


@pytest.mark.parametrize(
    "content", [HTML, PDF + b"\x00" * (21 * 1024 * 1024)], ids=["wrong-kind", "too-large"]
)
def test_the_refusal_is_explained_in_chinese(staff_client, agreement, content):
    message = assert_refused(upload(staff_client, agreement, "contract.pdf", content), agreement)
    assert CJK.search(message), message


# --- downloads ---------------------------------------------------------------------------------


@pytest.fixture
def signed_agreement():
    return AgreementFactory(
        title="护理专业学生交换协议", signed_file=ContentFile(PDF, name="upload.pdf")
    )


@pytest.fixture
def passport_scan():
    return IdentityDocumentFactory(file=ContentFile(PDF, name="upload.pdf"))


def test_office_staff_download_the_exact_bytes_as_an_attachment(staff_client, signed_agreement):
    response = staff_client.get(download_url(signed_agreement, "signed_file"))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''" in disposition  # the Chinese title, RFC 5987-encoded
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("role", [LEADERSHIP, LIAISON])
def test_whoever_may_view_agreements_downloads_their_files(client, signed_agreement, role):
    client.force_login(user_with(role))
    response = client.get(download_url(signed_agreement, "signed_file"))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF


def test_liaison_may_not_download_a_faculty_document(client, passport_scan):
    client.force_login(user_with(LIAISON))
    response = client.get(download_url(passport_scan, "file"))
    assert response.status_code == 403


def test_anonymous_download_is_sent_to_login(client, signed_agreement):
    url = download_url(signed_agreement, "signed_file")
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"


@pytest.mark.parametrize(
    "args",
    [
        ("partners", "agreement", None, "no_such_field"),
        ("partners", "agreement", None, "title"),  # a field, but not a file
        ("partners", "nosuchmodel", None, "signed_file"),
        ("nosuchapp", "agreement", None, "signed_file"),
        ("partners", "agreement", 999999, "signed_file"),
    ],
    ids=["no-such-field", "not-a-file-field", "no-such-model", "no-such-app", "no-such-record"],
)
def test_a_download_of_nothing_is_not_found(staff_client, signed_agreement, args):
    app_label, model_name, pk, field_name = args
    url = reverse("attachment", args=[app_label, model_name, pk or signed_agreement.pk, field_name])
    assert staff_client.get(url).status_code == 404


def test_a_record_without_a_file_has_nothing_to_download(staff_client, agreement):
    assert staff_client.get(download_url(agreement, "signed_file")).status_code == 404


def test_media_files_are_not_served(staff_client, signed_agreement):
    url = f"/{settings.MEDIA_URL.strip('/')}/{signed_agreement.signed_file.name}"
    assert (Path(settings.MEDIA_ROOT) / signed_agreement.signed_file.name).exists()

    assert staff_client.get(url).status_code == 404
    assert Client().get(url).status_code == 404
