"""Detail pages as cards, the file viewer and the print views (issue 11 items 4 and 7).

A detail page groups a record's fields in cards (declared per view, else by kind), shows a
checksum once, and offers a file's links only to users who may open it; the viewer shows PDFs
and images inline after the download's checks, by content and never by name, and nothing of
the file runs; the A4 print views mask and log personal data as the detail page does.
"""

import io
import re
from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from PIL import Image

from faculty.models import ForeignTeacher
from foreign_affairs.models import PersonalDataAccess
from foreign_affairs.roles import LEADERSHIP, LIAISON, OFFICE_STAFF
from tests.exchanges.factories import VisitFactory, VisitMemberFactory
from tests.factories import UserFactory
from tests.faculty.factories import (
    ContractFactory,
    ForeignTeacherFactory,
    IdentityDocumentFactory,
)
from tests.partners.factories import AgreementFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< >>\n%%EOF\n"
HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"
GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,"
PHONE = "13812345678"
NUMBER = "E12345678"
FILE_LINK = re.compile(r'href="(/files/[^"]+)"')
TEACHER_CARDS = ("Basic data", "Qualifications", "Employment and status", "People")


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def client_of(role: str) -> Client:
    user = UserFactory()
    user.groups.add(Group.objects.get(name=role))
    client = Client()
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def staff() -> Client:
    return client_of(OFFICE_STAFF)


@pytest.fixture
def leader() -> Client:
    return client_of(LEADERSHIP)


@pytest.fixture
def liaison() -> Client:
    return client_of(LIAISON)


@pytest.fixture
def agreement():
    return AgreementFactory(signed_file=ContentFile(PDF, name="signed.pdf"))


@pytest.fixture
def teacher():
    return ForeignTeacherFactory(
        date_of_birth=date(1988, 6, 21),
        phone=PHONE,
        degree_field="",
        manager=UserFactory(first_name="陈晓燕", last_name=""),
    )


@pytest.fixture
def scan(teacher):
    """A passport scan: a personal file (`personal_file_fields`)."""
    return IdentityDocumentFactory(
        teacher=teacher, number=NUMBER, file=ContentFile(png_bytes(), name="passport.png")
    )


def html_of(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def file_url(name: str, obj, field_name: str) -> str:
    opts = obj._meta
    return reverse(name, args=[opts.app_label, opts.model_name, obj.pk, field_name])


def read(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


# --- cards --------------------------------------------------------------------------------


def test_a_teachers_fields_are_grouped_in_the_cards_the_view_declares(staff, teacher):
    response = staff.get(teacher.get_absolute_url())

    titles = [gettext(title) for title in TEACHER_CARDS]
    groups = {str(group["title"]): group for group in response.context["field_groups"]}
    assert list(groups) == titles
    basic = [row["name"] for row in groups[titles[0]]["rows"]]
    assert basic[:3] == ["family_name", "given_name", "chinese_name"]
    assert "phone" in basic and "notes" not in basic  # notes are empty: named, not shown
    degree_field = ForeignTeacher._meta.get_field("degree_field").verbose_name
    assert str(degree_field) in [str(label) for label in groups[titles[1]]["empty"]]
    assert [row["name"] for row in groups[titles[3]]["rows"]] == ["manager"]
    assert "陈晓燕" in response.content.decode()  # a person by their full name
    html = response.content.decode()
    assert html.count('class="card detail-card"') == 4
    assert 'data-field="version"' not in html and 'data-field="id"' not in html


def test_fields_a_view_does_not_place_go_to_the_card_of_their_kind(staff, agreement):
    response = staff.get(agreement.get_absolute_url())

    groups = {
        str(group["title"]): [row["name"] for row in group["rows"]]
        for group in response.context["field_groups"]
    }
    assert {"signed_on", "valid_from", "status"} <= set(groups[gettext("Dates and status")])
    assert groups[gettext("Documents")] == ["signed_file"]
    basic = groups[gettext("Basic data")]
    assert "title" in basic and "signed_on" not in basic


def test_the_checksum_is_shown_once_small_with_its_file(staff, agreement):
    html = html_of(staff, agreement.get_absolute_url())

    assert len(agreement.signed_file_sha256) == 64
    assert html.count(agreement.signed_file_sha256) == 1
    card = html[html.index(gettext("Documents")) :]
    assert agreement.signed_file_sha256 in card[: card.index("</section>")]
    assert 'data-field="signed_file_sha256"' not in html


def test_an_expired_agreement_carries_a_chip_derived_from_its_dates(staff):
    expired = AgreementFactory(
        status="in_force",
        valid_from=date(2018, 1, 1),
        valid_until=timezone.localdate() - timedelta(days=1),
        renewal="none",
    )
    response = staff.get(expired.get_absolute_url())

    assert response.context["chips"] == [{"value": "expired", "label": expired.get_state_display()}]
    assert 'class="chip chip-bad" data-state="expired"' in response.content.decode()
    expired.refresh_from_db()
    assert expired.status == "in_force"  # derived where it is read, never stored


def test_a_contract_past_its_end_reads_ended_in_the_chip_and_the_row(staff):
    contract = ContractFactory(
        status="signed", start_on=date(2020, 9, 1), end_on=timezone.localdate() - timedelta(days=1)
    )
    response = staff.get(contract.get_absolute_url())

    ended = contract.get_state_display()
    assert response.context["chips"] == [{"value": "ended", "label": ended}]
    [status] = [row for row in response.context["fields"] if row["name"] == "status"]
    assert status["value"] == ended


def test_a_document_expiring_soon_carries_a_warning_chip(staff, scan):
    scan.expires_on = timezone.localdate() + timedelta(days=30)
    scan.save()

    html = html_of(staff, scan.get_absolute_url())

    assert 'class="chip chip-warn" data-state="expiring"' in html


def test_a_visit_has_its_itinerary_card_and_a_print_button(staff):
    visit = VisitFactory()

    response = staff.get(visit.get_absolute_url())

    titles = [str(group["title"]) for group in response.context["field_groups"]]
    assert gettext("Itinerary") in titles
    print_url = reverse("exchanges:visit_print", args=[visit.pk])
    assert f'href="{print_url}" id="print-button"' in response.content.decode()


# --- file links: only for those who may open them --------------------------------------------


def test_the_leader_gets_no_link_to_a_scan_they_may_not_open(leader, scan):
    html = html_of(leader, scan.get_absolute_url())

    assert "/files/" not in html
    assert 'class="text-muted file-restricted"' in html
    for name in ("attachment", "attachment_view", "attachment_inline"):
        assert leader.get(file_url(name, scan, "file")).status_code == 403


def test_office_staff_get_the_preview_and_the_download_of_a_scan(staff, scan):
    html = html_of(staff, scan.get_absolute_url())

    assert f'href="{file_url("attachment_view", scan, "file")}"' in html
    assert f'href="{file_url("attachment", scan, "file")}"' in html


@pytest.mark.parametrize("role", [OFFICE_STAFF, LEADERSHIP, LIAISON])
def test_every_file_link_on_a_detail_page_opens_for_its_reader(role, agreement, scan):
    """A link is offered only where the server will answer it (the leader's 下载 that led to
    403): every /files/ link on every page a role may open answers 200 for that role."""
    visit = VisitFactory(approval_file=ContentFile(PDF, name="approval.pdf"))
    contract = ContractFactory(signed_file=ContentFile(PDF, name="contract.pdf"))
    client = client_of(role)
    pages = [agreement, scan, visit, contract, scan.teacher]
    seen = 0
    for record in pages:
        response = client.get(record.get_absolute_url())
        if response.status_code == 403:
            continue
        for url in FILE_LINK.findall(response.content.decode()):
            seen += 1
            answer = client.get(url)
            assert answer.status_code == 200, (role, url)
            read(answer)
    assert seen >= 4  # the agreement's and the visit's files: preview and download each


# --- the viewer -------------------------------------------------------------------------------


def test_the_viewer_frames_a_pdf_streamed_inline(staff, agreement):
    html = html_of(staff, file_url("attachment_view", agreement, "signed_file"))

    inline = file_url("attachment_inline", agreement, "signed_file")
    assert f'<iframe src="{inline}"' in html
    response = staff.get(inline)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline;")
    assert read(response) == PDF


def test_the_viewer_shows_an_image_in_an_img(staff, scan):
    html = html_of(staff, file_url("attachment_view", scan, "file"))

    assert f'<img src="{file_url("attachment_inline", scan, "file")}"' in html


def test_the_inline_stream_runs_nothing_and_is_not_sniffed(staff, agreement):
    response = staff.get(file_url("attachment_inline", agreement, "signed_file"))
    read(response)

    assert response["X-Content-Type-Options"] == "nosniff"
    policy = response["Content-Security-Policy"]
    assert "sandbox" in policy and "default-src 'none'" in policy
    assert "script-src" not in policy  # falls back to 'none'
    assert "frame-ancestors 'self'" in policy
    assert response["X-Frame-Options"] == "SAMEORIGIN"  # the viewer page may frame it


@pytest.mark.parametrize(
    ("content", "mime"),
    [(PDF, "application/pdf"), (GIF, "image/gif"), (None, "image/png")],
    ids=["pdf", "gif", "png"],
)
def test_safe_types_are_inline_by_content(staff, content, mime):
    agreement = AgreementFactory(signed_file=ContentFile(content or png_bytes(), name="x.bin"))

    response = staff.get(file_url("attachment_inline", agreement, "signed_file"))
    read(response)

    assert response["Content-Type"] == mime
    assert response["Content-Disposition"].startswith("inline;")


def test_a_page_of_html_named_pdf_is_never_shown_inline(staff):
    agreement = AgreementFactory()
    # Even a stored name ending in .pdf (uploads are renamed by content): the content decides.
    name = default_storage.save("agreements/contract.pdf", ContentFile(HTML))
    type(agreement).objects.filter(pk=agreement.pk).update(signed_file=name)

    response = staff.get(file_url("attachment_inline", agreement, "signed_file"))

    assert response["Content-Disposition"].startswith("attachment;")
    assert "html" not in response["Content-Type"]
    assert "sandbox" in response["Content-Security-Policy"]
    assert read(response) == HTML
    viewer = html_of(staff, file_url("attachment_view", agreement, "signed_file"))
    assert 'id="no-preview"' in viewer and "<iframe" not in viewer


def test_a_file_that_cannot_be_previewed_gets_only_a_download_link(staff):
    agreement = AgreementFactory(signed_file=ContentFile(HTML, name="contract.html"))

    html = html_of(staff, agreement.get_absolute_url())

    assert f'href="{file_url("attachment", agreement, "signed_file")}"' in html
    assert file_url("attachment_view", agreement, "signed_file") not in html


@pytest.mark.parametrize("name", ["attachment_view", "attachment_inline"])
def test_the_viewer_is_refused_without_the_view_permission_of_the_model(liaison, name):
    contract = ContractFactory(signed_file=ContentFile(PDF, name="contract.pdf"))

    response = liaison.get(file_url(name, contract, "signed_file"))

    assert response.status_code == 403


@pytest.mark.parametrize("name", ["attachment_view", "attachment_inline"])
def test_the_viewer_answers_404_for_what_is_not_a_file(staff, agreement, name):
    for args in (
        ["partners", "agreement", agreement.pk, "title"],
        ["partners", "nomodel", agreement.pk, "signed_file"],
        ["partners", "agreement", agreement.pk + 1000, "signed_file"],
    ):
        assert staff.get(reverse(name, args=args)).status_code == 404


def test_viewing_a_scan_inline_is_logged_as_personal_data_access(staff, scan):
    staff.get(file_url("attachment_view", scan, "file"))
    assert not PersonalDataAccess.objects.exists()  # the page shows nothing of the file yet

    read(staff.get(file_url("attachment_inline", scan, "file")))

    access = PersonalDataAccess.objects.get()
    assert (access.user, access.object_id, access.fields) == (staff.user, scan.pk, "file")


# --- print views ------------------------------------------------------------------------------


def test_the_teachers_print_view_is_a_standalone_a4_page(staff, teacher, scan):
    ContractFactory(teacher=teacher, position="英语外教")

    html = html_of(staff, reverse("faculty:foreignteacher_print", args=[teacher.pk]))

    assert "css/print.css" in html and "navbar" not in html
    assert 'id="print-now"' in html and 'class="print-toolbar no-print"' in html
    for section in ("print-contracts", "print-documents", "print-checklist", "print-checks"):
        assert f'id="{section}"' in html
    assert "英语外教" in html and NUMBER in html and PHONE in html
    assert "/files/" not in html


def test_printing_a_teacher_logs_the_identifiers_it_shows(staff, teacher, scan):
    url = reverse("faculty:foreignteacher_print", args=[teacher.pk])

    html_of(staff, url)

    rows = {(row.object_id, row.fields, row.path) for row in PersonalDataAccess.objects.all()}
    assert rows == {(teacher.pk, "date_of_birth, phone", url), (scan.pk, "number", url)}


def test_a_leader_prints_a_teacher_masked_and_leaves_no_log(leader, teacher, scan):
    html = html_of(leader, reverse("faculty:foreignteacher_print", args=[teacher.pk]))

    assert "138****78" in html and "E12****78" in html and "1988年**月**日" in html
    for unmasked in (PHONE, NUMBER, "1988年6月21日"):
        assert unmasked not in html
    assert not PersonalDataAccess.objects.exists()


def test_the_visit_print_view_has_the_delegation_the_steps_and_the_findings(staff):
    visit = VisitFactory(direction="outbound", title="赴新西兰考察护理教育")
    VisitMemberFactory(visit=visit, name="王芳", unit="护理学院")

    html = html_of(staff, reverse("exchanges:visit_print", args=[visit.pk]))

    assert "赴新西兰考察护理教育" in html and "王芳" in html and "护理学院" in html
    for section in ("print-members", "print-plan-line", "print-steps", "print-findings"):
        assert f'id="{section}"' in html
    assert gettext("Itinerary") in html


def test_print_views_need_the_view_permission(liaison, teacher):
    url = reverse("faculty:foreignteacher_print", args=[teacher.pk])
    assert liaison.get(url).status_code == 403
    assert Client().get(url).status_code == 302
