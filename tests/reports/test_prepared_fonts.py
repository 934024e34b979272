"""Prepared fonts (issue 12): the same text as with the full faces, the full face for a
character the subset lacks; an unchanged draft PDF is served from the cache."""

import io
import subprocess

import pdfplumber
import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse

from reports import fonts
from reports.fonts import gb2312_characters, prepared_faces
from reports.models import AnnualReport
from reports.output import draft_pdf_bytes
from reports.pdf import render_report_html, render_report_pdf
from tests.reports.factories import AnnualReportFactory, ReportPartFactory, ReportSectionFactory

RARE = "祎"  # U+794E: in GBK and Unicode, not in GB 2312 (a name character)
BODY = f"二〇二六年，学校与韩国庆北专门大学续签合作备忘录，接待来访{RARE}教授一行3人。"


def pdf_fonts(data: bytes) -> set[str]:
    """Return the base names of the fonts embedded in a PDF (without the subset tag)."""
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return {char["fontname"].split("+", 1)[-1] for page in pdf.pages for char in page.chars}


def fonts_of(data: bytes, text: str) -> set[str]:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return {
            char["fontname"].split("+", 1)[-1]
            for page in pdf.pages
            for char in page.chars
            if char["text"] in text
        }


def pdf_text(data: bytes) -> str:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return "\n".join(page.extract_text() for page in pdf.pages)


@pytest.fixture
def report(db):
    report = AnnualReportFactory(year=2026, title="2026年外事工作总结", append_statistics=False)
    part = ReportPartFactory(report=report, order=1, title="2026年工作总结")
    ReportSectionFactory(part=part, order=1, title="对外交流与合作", body=BODY)
    return report


@pytest.fixture
def prepared(settings, tmp_path):
    """The body face (Noto Serif CJK SC, both weights) cut to the report's characters minus
    the rare one: small and fast to cut, the same mechanism as the full command."""
    settings.PREPARED_FONTS_DIR = tmp_path / "fonts"
    base = set(BODY) | set("一二三四五六七八九十第部分年外事工作总结对交流与合作—0123456789 ")
    base -= {RARE}
    faces = fonts.prepare(base=base, with_data=False, families=("Noto Serif CJK SC",))
    if not faces:
        pytest.skip("Noto Serif CJK SC is not installed (scripts/system-deps.sh)")
    return faces


def test_gb2312_has_its_6763_hanzi_and_not_the_rare_character():
    characters = gb2312_characters()
    hanzi = [char for char in characters if "\u4e00" <= char <= "\u9fff"]
    assert len(hanzi) == 6763
    assert "肇" in characters and "庆" in characters
    assert RARE not in characters


def test_a_prepared_report_prints_the_same_text_and_falls_back_for_a_rare_character(
    report, settings, prepared
):
    assert [face.name for face in prepared_faces()] == [
        "Prepared Noto Serif CJK SC",
        "Prepared Noto Serif CJK SC",
    ]
    with_prepared = render_report_pdf(report, draft=False)
    settings.PREPARED_FONTS_DIR = settings.BASE_DIR / "var" / "no-such-fonts"
    with_full = render_report_pdf(report, draft=False)

    assert pdf_text(with_prepared) == pdf_text(with_full)
    assert RARE in pdf_text(with_prepared)
    # The body is drawn with the prepared face; the rare character with the full one.
    assert "Prepared-Noto-Serif-CJK-SC" in fonts_of(with_prepared, "续签合作备忘录")
    assert fonts_of(with_prepared, RARE) == {"Noto-Serif-CJK-SC"}
    assert not any(name.startswith("Prepared") for name in pdf_fonts(with_full))
    assert len(with_prepared) < len(with_full)


def test_the_browser_preview_never_names_a_prepared_face(report, prepared):
    html = render_report_html(report, draft=True)
    assert "Prepared" not in html and "file:" not in html


def test_a_family_prepared_in_one_weight_only_is_not_used(report, prepared, settings):
    prepared[1].path.unlink()  # the bold face is gone: a faked bold would be wrong
    assert fonts._complete(prepared_faces()) == []
    assert "Prepared" not in "".join(pdf_fonts(render_report_pdf(report, draft=False)))


def test_prepare_fonts_command_skips_what_is_unchanged(settings, tmp_path, monkeypatch):
    settings.PREPARED_FONTS_DIR = tmp_path / "fonts"
    calls = []
    monkeypatch.setattr(fonts, "FAMILIES", ("Noto Sans CJK SC",))
    real_subset = fonts.subset_face
    monkeypatch.setattr(fonts, "subset_face", lambda *a: calls.append(a) or real_subset(*a))
    monkeypatch.setattr(fonts, "base_characters", lambda: set("外事办公室"))
    call_command("prepare_fonts", "--no-data", "--extra", "肇庆", verbosity=0)
    assert len(calls) == 2
    call_command("prepare_fonts", "--no-data", "--extra", "肇庆", verbosity=0)
    assert len(calls) == 2  # same characters, same sources: nothing cut again
    call_command("prepare_fonts", "--no-data", "--extra", "肇庆医", verbosity=0)
    assert len(calls) == 4
    listed = subprocess.run(
        ["fc-query", "--format=%{charset}", str(prepared_faces()[0].path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert listed  # a valid font file fontconfig reads


def test_an_unchanged_draft_is_served_from_the_cache_and_a_change_renders_again(
    report, monkeypatch
):
    from reports import output, pdf

    cache.clear()
    renders = []
    real = pdf.pdf_from_html
    monkeypatch.setattr(pdf, "pdf_from_html", lambda html: renders.append(1) or real(html))
    first = draft_pdf_bytes(AnnualReport.objects.get(pk=report.pk))
    second = draft_pdf_bytes(AnnualReport.objects.get(pk=report.pk))
    assert first == second and len(renders) == 1

    section = report.parts.get().sections.get()
    section.body = BODY + "另有一句。"
    section.save()
    third = draft_pdf_bytes(AnnualReport.objects.get(pk=report.pk))
    assert len(renders) == 2 and "另有一句" in pdf_text(third)
    assert output.DRAFT_PDF_SECONDS > 0


def test_the_pdf_view_serves_the_cached_draft(report, client, django_user_model, monkeypatch):
    from django.contrib.auth.models import Group

    from foreign_affairs.roles import OFFICE_STAFF
    from reports import pdf

    cache.clear()
    user = django_user_model.objects.create_user("pdfreader", password="x")
    user.groups.add(Group.objects.get(name=OFFICE_STAFF))
    client.force_login(user)
    renders = []
    real = pdf.pdf_from_html
    monkeypatch.setattr(pdf, "pdf_from_html", lambda html: renders.append(1) or real(html))
    url = reverse("reports:annualreport_pdf", args=[report.year])
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200
    assert len(renders) == 1
