"""The report PDF: no sentence lost from import to export, and the GB/T 9704 layout measured."""

import io
import re
from collections import defaultdict
from datetime import date
from pathlib import Path

import pdfplumber
import pypdf
import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone, translation

from foreign_affairs.numbering import chinese_numeral
from reports.importer import report_import
from reports.models import AnnualReport
from reports.pdf import (
    paragraphs,
    render_report_html,
    render_report_pdf,
    report_filename,
    title_lines,
)
from tests.reports.factories import AnnualReportFactory, ReportPartFactory, ReportSectionFactory
from tests.reports.test_import import JOINED, SAMPLE, SAMPLE_TEXT, TITLE, encoded_samples

MM = 72 / 25.4  # points per millimetre
LINE_PITCH = 225 / 22 * MM  # 22 lines in the 225 mm text block
TEXT_TOP, TEXT_LEFT, TEXT_WIDTH, TEXT_HEIGHT = 37 * MM, 28 * MM, 156 * MM, 225 * MM
ONE_CHAR_14PT = 14  # page numbers sit one 4号 character in from the text block's edge
# A CJK font's em box runs from 0.88 em above the baseline to 0.12 em below it.
EM_TOP, EM_MIDDLE = 0.88, 0.38


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture(scope="module")
def sample_pdfs(django_db_setup, django_db_blocker) -> dict[str, bytes]:
    """The sample rendered once for the module: as a draft and as a final copy."""
    with django_db_blocker.unblock(), transaction.atomic():
        report = report_import(file=SAMPLE, filename=SAMPLE.name, year=2020)
        pdfs = {
            "draft": render_report_pdf(report),
            "final": render_report_pdf(report, draft=False),
        }
        transaction.set_rollback(True)
    return pdfs


@pytest.fixture(scope="module")
def sample_pages(sample_pdfs):
    with pdfplumber.open(io.BytesIO(sample_pdfs["draft"])) as pdf:
        yield pdf.pages


# --- measuring helpers ------------------------------------------------------------------------


def baseline(char) -> float:
    """The character's baseline, in points from the top of the page."""
    return char["page_height"] - char["matrix"][5]


def text_lines(page) -> list[list[dict]]:
    """The lines of text inside the text block (no watermark, no page number), top to bottom."""
    lines = defaultdict(list)
    for char in page.chars:
        char["page_height"] = page.height
        if char["size"] < 30 and baseline(char) <= TEXT_TOP + TEXT_HEIGHT:
            lines[round(baseline(char))].append(char)
    return [sorted(chars, key=lambda c: c["x0"]) for _, chars in sorted(lines.items())]


def is_body(chars: list[dict]) -> bool:
    """A body line: 仿宋-style text (the serif face), not a heading or the title."""
    return all("Serif" in c["fontname"] and "Bold" not in c["fontname"] for c in chars[:2])


def text_of(chars) -> str:
    return "".join(c["text"] for c in chars)


def width_in_chars(chars) -> float:
    """Width of a line counted in full-width characters (digits count as much as they take)."""
    return sum(c["x1"] - c["x0"] for c in chars) / chars[0]["size"]


def page_number_chars(page) -> list[dict]:
    chars = [c for c in page.chars if c["top"] > TEXT_TOP + TEXT_HEIGHT]
    for char in chars:
        char["page_height"] = page.height
    return chars


def pdf_text(data: bytes) -> str:
    """All the text of the PDF without whitespace, watermark and page numbers."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    text = "".join(page.extract_text() for page in reader.pages)
    text = re.sub(r"—\s*\d+\s*—", "", text)
    text = re.sub(r"草\s*稿", "", text)
    return re.sub(r"\s+", "", text)


def sentences(text: str) -> list[str]:
    return [s for s in (re.sub(r"\s+", "", s) for s in re.split("[。；：]", text)) if s]


def assert_every_sentence_in_order(data: bytes):
    text = pdf_text(data)
    position = 0
    for sentence in sentences(SAMPLE_TEXT):
        found = text.find(sentence, position)
        assert found >= 0, f"missing or out of order: {sentence}"
        position = found + len(sentence)


# --- import → export --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "variant", ["utf8.txt", "utf8-bom.txt", "gb18030-crlf.txt", "utf16.txt", "sample.docx"]
)
def test_import_export_loses_no_sentence(db, tmp_path, variant):
    source = encoded_samples(tmp_path)[variant]
    output = tmp_path / "out.pdf"
    call_command("import_report", str(source), "--year", "2020", verbosity=0)
    call_command("export_report", "2020", "-o", str(output), "--no-statistics")
    data = output.read_bytes()
    assert data.startswith(b"%PDF")
    assert len(sentences(SAMPLE_TEXT)) == 38
    assert_every_sentence_in_order(data)


def test_broken_lines_continue_their_paragraph_in_the_pdf(sample_pages):
    """Where the sample was cut, the PDF goes on in the same paragraph (no new indent)."""
    lines = [
        (text_of(chars), chars[0]["x0"]) for page in sample_pages for chars in text_lines(page)
    ]
    text = "".join(line for line, _ in lines)
    for fragment in JOINED:
        assert fragment in text
    for cut in ("关系。", "广东省唯一", "门大学、澳门"):
        starts = [x0 for line, x0 in lines if line.startswith(cut)]
        # A new paragraph would start two characters in; a continued one at the margin.
        assert all(abs(x0 - TEXT_LEFT) < 1 * MM for x0 in starts), (cut, starts)


def test_sample_sentences_in_the_final_pdf(sample_pdfs):
    assert_every_sentence_in_order(sample_pdfs["final"])


# --- layout after GB/T 9704 -------------------------------------------------------------------


def test_a4_pages(sample_pages):
    assert len(sample_pages) >= 4
    for page in sample_pages:
        assert page.width == pytest.approx(595.3, abs=1)
        assert page.height == pytest.approx(841.9, abs=1)


def test_text_block_position(sample_pages):
    page = sample_pages[1]  # starts with body text
    first = text_lines(page)[0]
    assert is_body(first)
    # The first line's slot (one line pitch, characters centred in it) starts 37 mm down.
    middle = baseline(first[0]) - EM_MIDDLE * first[0]["size"]
    assert (middle - LINE_PITCH / 2) / MM == pytest.approx(37, abs=1)
    assert (baseline(first[0]) - EM_TOP * first[0]["size"]) / MM > 37
    left = min(chars[0]["x0"] for chars in text_lines(page))
    assert left / MM == pytest.approx(28, abs=1)


def test_body_font_size_and_face(sample_pages):
    body = [
        c for page in sample_pages for chars in text_lines(page) if is_body(chars) for c in chars
    ]
    assert len(body) > 1500
    assert {round(c["size"], 1) for c in body} <= {15.5, 15.6, 15.7, 15.8, 15.9, 16.0, 16.1, 16.2}
    assert all(15.5 <= c["size"] <= 16.2 for c in body)


def test_28_characters_per_line(sample_pages):
    lines = [chars for page in sample_pages for chars in text_lines(page) if is_body(chars)]
    widths = [width_in_chars(chars) for chars in lines]
    assert max(widths) <= 28.05, max(widths)
    for chars in lines:
        assert chars[-1]["x1"] <= TEXT_LEFT + TEXT_WIDTH + 0.5 * MM, text_of(chars)
        assert sum(1 for c in chars if ord(c["text"]) > 0x2000) <= 28
    # And full lines really hold 28: the character pitch is 156 mm / 28.
    assert sum(1 for w in widths if w == pytest.approx(28, abs=0.05)) >= 20


def test_22_lines_per_page(sample_pages):
    counts = [len(text_lines(page)) for page in sample_pages]
    assert max(counts) == 22, counts
    for page in sample_pages:  # every line of 3号 text on the grid of 22 lines
        lines = [chars for chars in text_lines(page) if round(chars[0]["size"]) == 16]
        for chars in lines:
            steps = (baseline(chars[0]) - baseline(lines[-1][0])) / LINE_PITCH
            assert steps == pytest.approx(round(steps), abs=0.02), text_of(chars)


def test_page_numbers_alternate_sides(sample_pages):
    for number, page in enumerate(sample_pages, start=1):
        chars = sorted(page_number_chars(page), key=lambda c: c["x0"])
        assert re.sub(r"\s", "", text_of(chars)) == f"—{number}—"
        assert {round(c["size"]) for c in chars} == {14}
        if number % 2:  # odd: right, one character in from the text block's right edge
            assert chars[-1]["x1"] == pytest.approx(TEXT_LEFT + TEXT_WIDTH - ONE_CHAR_14PT, abs=3)
        else:  # even: left, one character in from its left edge
            assert chars[0]["x0"] == pytest.approx(TEXT_LEFT + ONE_CHAR_14PT, abs=3)
        # 7 mm below the text block
        top = baseline(chars[0]) - EM_TOP * chars[0]["size"]
        assert (top - TEXT_TOP - TEXT_HEIGHT) / MM == pytest.approx(7, abs=1)


def test_title_centred_bold_22pt(sample_pages):
    lines = text_lines(sample_pages[0])
    title = [chars for chars in lines if round(chars[0]["size"]) == 22]
    assert [text_of(chars) for chars in title] == [
        "肇庆医学高等专科学校2020年外事工作总结",
        "及2021年工作计划",
    ]
    for chars in title:
        assert "Bold" in chars[0]["fontname"] and "Serif" in chars[0]["fontname"]
        centre = (chars[0]["x0"] + chars[-1]["x1"]) / 2
        assert centre == pytest.approx(TEXT_LEFT + TEXT_WIDTH / 2, abs=2)


def test_headings_in_a_heiti_face(sample_pages):
    headings = {
        text_of(chars): chars[0]["fontname"]
        for page in sample_pages
        for chars in text_lines(page)
        if re.match("[一二三四五六七]、|第[一二]部分", text_of(chars))
    }
    assert len(headings) == 13
    assert all("Sans" in font for font in headings.values()), headings


def test_outline_has_parts_and_sections(sample_pdfs):
    reader = pypdf.PdfReader(io.BytesIO(sample_pdfs["draft"]))
    outline = reader.outline
    tops = [item.title for item in outline if not isinstance(item, list)]
    children = [[i.title for i in item] for item in outline if isinstance(item, list)]
    assert tops == ["第一部分　2020年学校外事工作总结", "第二部分　2021年学校外事工作计划"]
    assert len(children) == 2
    assert len(children[0]) == 7 and children[0][0] == "一、加强领导建设，统筹协调规定涉外管理"
    assert children[0][-1] == "七、存在问题"
    assert len(children[1]) == 4 and children[1][3] == "四、积极探索，积累资源开辟新的对外合作项目"


def test_metadata(sample_pdfs):
    reader = pypdf.PdfReader(io.BytesIO(sample_pdfs["final"]))
    assert reader.metadata.title == TITLE
    assert reader.metadata.author == "肇庆医学高等专科学校外事办公室"
    assert reader.trailer["/Root"]["/Lang"] == "zh-CN"


def test_draft_watermark_on_every_page_only_in_drafts(sample_pdfs):
    """草稿 is an image on every page of a draft: copied text never holds 草 or 稿."""
    for kind, expected in (("draft", True), ("final", False)):
        with pdfplumber.open(io.BytesIO(sample_pdfs[kind])) as pdf:
            for page in pdf.pages:
                assert bool(page.images) is expected, (kind, page.page_number)
                assert not [c for c in page.chars if c["size"] > 60]
                text = page.extract_text()
                assert "草" not in text and "稿" not in text


# --- smaller pieces ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "numeral"),
    [
        (1, "一"),
        (2, "二"),
        (9, "九"),
        (10, "十"),
        (11, "十一"),
        (19, "十九"),
        (20, "二十"),
        (21, "二十一"),
        (99, "九十九"),
    ],
)
def test_chinese_numeral(n, numeral):
    assert chinese_numeral(n) == numeral


def test_chinese_numeral_refuses_what_it_cannot_write():
    with pytest.raises(ValueError):
        chinese_numeral(0)


def test_paragraph_lead_ins():
    first, second, third, fourth = paragraphs(
        "（一）加强领导。学校成立领导小组。\n\n1.完善制度。修订办法。\n\n（二）存在问题\n\n普通段落"
    )
    assert (first.lead, first.body, first.level) == ("（一）加强领导。", "学校成立领导小组。", 2)
    assert (second.lead, second.body, second.level) == ("1.完善制度。", "修订办法。", 3)
    assert (third.lead, third.body) == ("（二）存在问题", "")
    assert (fourth.lead, fourth.body, fourth.level) == ("", "普通段落", 0)


def test_line_breaks_inside_a_paragraph():
    (paragraph,) = paragraphs("学校领导高度\n重视外事工作，与 Kyungbuk\nCollege 保持联系。\n")
    assert paragraph.text == "学校领导高度重视外事工作，与 Kyungbuk College 保持联系。"


def test_long_titles_break_before_ji():
    assert title_lines(TITLE) == ["肇庆医学高等专科学校2020年外事工作总结", "及2021年工作计划"]
    assert title_lines("2020年外事工作总结") == ["2020年外事工作总结"]


@pytest.mark.parametrize(
    ("title", "lines"),
    [
        (
            "南岭护理职业学院2023年国际交流合作工作总结",
            ["南岭护理职业学院", "2023年国际交流合作工作总结"],
        ),
        (
            "关于做好2024年度因公出国（境）计划申报工作的通知",
            ["关于做好2024年度因公出国（境）", "计划申报工作的通知"],
        ),
    ],
)
def test_long_titles_break_where_the_words_allow(title, lines):
    """GB/T 9704 §7.3.1: a title wraps with its words whole, at most 20 characters a line."""
    assert title_lines(title) == lines


def test_report_filename():
    report = AnnualReport(year=2020, title=TITLE)
    assert report_filename(report) == f"{TITLE}.pdf"
    assert (
        report_filename(AnnualReport(year=2021, title='外事/总结: "草案"?')) == "外事总结 草案.pdf"
    )
    assert report_filename(AnnualReport(year=2021, title="")) == "2021年外事工作总结.pdf"


def test_html_structure_and_query_count(db, django_assert_num_queries):
    report = AnnualReportFactory(year=2022, title="测试报告", confidentiality="internal")
    for order in (1, 2):
        part = ReportPartFactory(report=report, order=order, title=f"部分{order}")
        ReportSectionFactory.create_batch(12, part=part)
    with django_assert_num_queries(2):  # parts, then sections: not one query per section
        html = render_report_html(report, draft=True)
    assert '<html lang="zh-CN">' in html
    assert "<title>测试报告</title>" in html
    assert '<meta name="author" content="肇庆医学高等专科学校外事办公室">' in html
    assert 'class="watermark"' in html and ">内部资料<" in html
    assert "第一部分　部分1" in html and "第二部分　部分2" in html
    assert ">十二、" in html and ">十三、" not in html
    assert '<span class="lead-2">（一）全年接待来访团组3批。</span>' in html
    assert 'class="watermark"' not in render_report_html(report, draft=False)


def test_html_escapes_the_text(db):
    report = AnnualReportFactory(title="<b>标题</b>")
    ReportSectionFactory(part=ReportPartFactory(report=report), body="<script>x</script>")
    html = render_report_html(report, draft=False)
    assert "<script>x" not in html and "&lt;script&gt;x" in html
    assert "&lt;b&gt;标题" in html


def test_single_part_report_has_no_part_heading(db):
    report = AnnualReportFactory(title="2023年外事工作总结")
    part = ReportPartFactory(report=report, title="2023年外事工作总结")
    ReportSectionFactory(part=part, title="对外交流")
    html = render_report_html(report, draft=False)
    assert 'class="part-title"' not in html
    assert "一、对外交流" in html


def test_lead_ins_in_a_kaiti_face(db):
    report = AnnualReportFactory(title="测试报告")
    part = ReportPartFactory(report=report)
    ReportSectionFactory(
        part=part, body="（一）加强组织领导。学校成立领导小组。\n\n1.完善制度。修订管理办法。"
    )
    with pdfplumber.open(io.BytesIO(render_report_pdf(report, draft=False))) as pdf:
        chars = [c for chars in text_lines(pdf.pages[0]) for c in chars]
    text = text_of(chars)

    def fonts(words: str) -> set[str]:
        start = text.index(words)
        return {c["fontname"].split("+")[1] for c in chars[start : start + len(words)]}

    assert fonts("（一）加强组织领导。") == {"LXGW-WenKai"}
    assert fonts("学校成立领导小组。") == {"Noto-Serif-CJK-SC"}
    assert fonts("1.完善制度。") == {"Noto-Serif-CJK-SC-Bold"}
    assert fonts("修订管理办法。") == {"Noto-Serif-CJK-SC"}


def test_confidentiality_mark_top_left(db):
    report = AnnualReportFactory(title="测试报告", confidentiality="internal")
    ReportSectionFactory(part=ReportPartFactory(report=report))
    with pdfplumber.open(io.BytesIO(render_report_pdf(report, draft=False))) as pdf:
        first = text_lines(pdf.pages[0])[0]
    assert text_of(first) == "内部资料"
    assert first[0]["x0"] / MM == pytest.approx(28, abs=1)
    assert (baseline(first[0]) - EM_TOP * first[0]["size"]) / MM == pytest.approx(39.5, abs=1)


def test_draft_follows_the_status(db):
    report = AnnualReportFactory(title="测试报告")
    ReportSectionFactory(part=ReportPartFactory(report=report))
    assert pdf_images(render_report_pdf(report)) == 1  # the 草稿 watermark
    report.status = AnnualReport.Status.APPROVED
    assert pdf_images(render_report_pdf(report)) == 0


def pdf_images(data: bytes) -> int:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return sum(len(page.images) for page in pdf.pages)


# --- export command ---------------------------------------------------------------------------


def test_export_of_an_approved_report_is_the_archived_file(db, tmp_path):
    report = AnnualReportFactory(year=2020, status="approved", approved_at=timezone.now())
    archived = b"%PDF-1.7 the approved bytes"
    report.pdf_file.save("approved.pdf", ContentFile(archived), save=False)
    # What the approval stored (the read-only rule refuses any later write: base manager).
    AnnualReport._base_manager.filter(pk=report.pk).update(pdf_file=report.pdf_file.name)
    output = tmp_path / "out.pdf"
    call_command("export_report", "2020", "-o", str(output))
    assert output.read_bytes() == archived


def test_export_without_output_uses_the_title(db, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    call_command("import_report", str(SAMPLE), "--year", "2020", verbosity=0)
    call_command("export_report", "2020", "--no-statistics")
    assert Path(tmp_path / f"{TITLE}.pdf").read_bytes().startswith(b"%PDF")


def test_the_statistics_appendix_follows_the_report(db, tmp_path):
    """Imported: no appendix; switched on with records of the year: appended; switched on
    for a year without records: still no pages of zeros."""
    from tests.reports.factories import TrainingFactory

    call_command("import_report", str(SAMPLE), "--year", "2020", verbosity=0)
    report = AnnualReport.objects.get(year=2020)
    assert report.append_statistics is False

    def pages(name: str, *options: str) -> int:
        output = tmp_path / name
        call_command("export_report", "2020", "-o", str(output), *options, verbosity=0)
        return len(pypdf.PdfReader(output).pages)

    plain = pages("imported.pdf")
    AnnualReport.objects.filter(pk=report.pk).update(append_statistics=True)
    assert pages("no-records.pdf") == plain  # all zeros: nothing appended
    TrainingFactory(date=date(2020, 6, 20))
    assert pages("with-records.pdf") > plain
    assert pages("left-out.pdf", "--no-statistics") == plain
    assert_every_sentence_in_order((tmp_path / "with-records.pdf").read_bytes())


def test_export_of_a_missing_year(db, tmp_path):
    with pytest.raises(CommandError, match="no report for 2019"):
        call_command("export_report", "2019", "-o", str(tmp_path / "x.pdf"))
