"""The report cases of `shared/report-cases/`: each kind of input office users hand in, imported,
stored as parts, sections and blocks, and printed to PDF (the README there lists them).

The inputs are copied into `tests/reports/cases/` so the suite runs from a clone alone.
"""

import io
import re
from pathlib import Path

import pdfplumber
import pytest
from django.utils import translation

from reports.blocks import ATTACHMENTS, DATE, PARAGRAPH, SALUTATION, SIGNATURE, TABLE, parse_blocks
from reports.importer import parse_report, read_report_file, report_import
from reports.models import AnnualReport, ReportPart
from reports.pdf import render_report_pdf

CASES = Path(__file__).resolve().parent / "cases"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def parsed(name: str):
    return parse_report(read_report_file(CASES / name, name))


def blocks(text: str):
    return parse_blocks(text)


def imported(name: str) -> AnnualReport:
    return report_import(file=CASES / name, filename=name, year=2023)


def pdf_text(report: AnnualReport) -> str:
    """The PDF's text with line breaks removed (a paragraph wraps over several lines)."""
    with pdfplumber.open(io.BytesIO(render_report_pdf(report, draft=False))) as pdf:
        text = "".join(page.extract_text() or "" for page in pdf.pages)
    return re.sub(r"\n", "", text)


def stored(report: AnnualReport):
    """(title, preface, [(kind, title, intro, [(title, body)])]) as saved."""
    return [
        (
            part.kind,
            part.title,
            part.intro,
            [(section.title, section.body) for section in part.sections.order_by("order")],
        )
        for part in report.parts.order_by("order")
    ]


# --- text cases ---------------------------------------------------------------------------------


def test_page_header_and_page_numbers(db):
    report = imported("page-header-and-page-numbers.txt")
    assert report.title == "南岭护理职业学院2023年国际交流合作工作总结"
    ((_kind, _title, intro, sections),) = stored(report)
    assert intro == ""
    ((title, body),) = sections
    assert title == "主要工作"
    assert [b.text for b in blocks(body)] == [
        "今年学院接待境外来访团组3批，共计14人次。",
        "与泰国一所护理学院续签了合作备忘录，约定每年互派教师2名。",
    ]
    text = pdf_text(report)
    assert "共4页" not in text and "— 2 —" not in text.split("与泰国")[0][-10:]
    assert "第1页" not in text
    assert "今年学院接待境外来访团组3批" in text


def test_title_block_and_salutation(db):
    report = imported("title-block-and-salutation.txt")
    assert report.title == "南岭市教育局关于报送全市职业院校对外交流与合作年度统计数据的通知"
    (salutation,) = blocks(report.preface)
    assert (salutation.kind, salutation.text) == (SALUTATION, "各职业院校、各直属单位：")
    ((_kind, _title, _intro, sections),) = stored(report)
    assert [title for title, _ in sections] == ["统计范围", "报送时间"]
    with pdfplumber.open(io.BytesIO(render_report_pdf(report, draft=False))) as pdf:
        page = pdf.pages[0]
        words = page.extract_words()
    first = next(w for w in words if w["text"].startswith("各职业院校"))
    body = next(w for w in words if w["text"].startswith("统计时间"))
    left = 28 * 72 / 25.4
    assert abs(first["x0"] - left) < 1  # flush left: no two-character indent
    assert body["x0"] - left > 25  # a body paragraph keeps its indent


def test_no_title_and_a_wrapped_first_line(db):
    result = parsed("no-title-wrapped-first-line.txt")
    assert result.title == ""
    assert any("no title" in notice for notice in result.notices)
    report = imported("no-title-wrapped-first-line.txt")
    assert report.title == "南岭护理职业学院2023年外事工作总结及2024年工作计划".replace(
        "南岭护理职业学院", report.title.split("2023")[0]
    )
    assert report.import_notices
    (part,) = report.parts.all()
    (paragraph,) = blocks(part.intro)
    assert "全年共为6个团组办理了赴日本、马来西亚等5个国家和地区的出境手续" in paragraph.text


def test_di_yi_headings():
    result = parsed("di-yi-headings.txt")
    (part,) = result.parts
    assert [s.title for s in part.sections] == [
        "拓展合作渠道，完善对外交流布局。",
        "规范外籍教师管理，提升服务水平。",
    ]
    assert [b.text for b in blocks(part.sections[0].body)] == [
        "一是邀请境外院校来校交流，二是组织教师线上研修。"
    ]


def test_part_numbered_like_a_section(db):
    report = imported("part-numbered-like-a-section.txt")
    (summary, plan) = stored(report)
    assert summary[:3] == (ReportPart.Kind.SUMMARY, "2023年工作总结", "现将主要工作总结如下：")
    assert [title for title, _ in summary[3]] == [
        "夯实基础，完善外事制度。",
        "以项目为抓手，深化校际合作。",
    ]
    assert summary[3][0][1] == "按照上级要求，修订了因公出国（境）管理办法。"
    assert plan[:2] == (ReportPart.Kind.PLAN, "2024年工作计划")
    assert [title for title, _ in plan[3]] == ["继续推进护理专业联合培养项目。"]
    text = pdf_text(report)
    assert "三、" not in text
    assert "一、夯实基础，完善外事制度。" in text


def test_signature_attachments_contact(db):
    report = imported("signature-attachments-contact.txt")
    ((_kind, _title, _intro, sections),) = stored(report)
    ((title, body),) = sections
    assert title == "报送方式"
    kinds = [(b.kind, b.text or b.items) for b in blocks(body)]
    assert kinds == [
        (PARAGRAPH, "请各部门于2024年1月10日前将材料报送国际交流合作处。"),
        (PARAGRAPH, "联系人：周明（行政楼305）\u3000联系电话：0758-1234567"),
        (ATTACHMENTS, ["1、2024年因公临时出国计划申报表", "2、2024年度因公赴港澳计划申报表"]),
        (SIGNATURE, "国际交流合作处"),
        (DATE, "2023年12月20日"),
    ]
    text = pdf_text(report)
    for words in ("附件：", "1、2024年因公临时出国计划申报表", "国际交流合作处", "2023年12月20日"):
        assert words in text


def test_english_and_brackets():
    (part,) = parsed("english-and-brackets.txt").parts
    assert [[b.text for b in blocks(s.body)] for s in part.sections] == [
        [
            "The agreement with the partner college in Penang was renewed for three years.",
            "学院与马来西亚槟城一所护理学院续签合作协议。",
        ],
        [
            "外语教研室负责安排外教监考。（请至少提前一周通知外语教研室）",
            "外教助理负责收发试卷并交教务处存档。",
        ],
    ]


def test_numbering_kept_as_typed(db):
    (part,) = parsed("numbering-kept-as-typed.txt").parts
    texts = [b.text for b in blocks(part.sections[0].body)]
    assert texts == [
        "1、按照教学大纲和教学计划开展教学。",
        "1. To teach according to the syllabus and the teaching plan.",
        "(1)课程考核由教务处统一安排。",
        "a 口语课程采用面试方式考核。",
    ]
    text = pdf_text(imported("numbering-kept-as-typed.txt"))
    assert "1、按照教学大纲" in text and "1. To teach" in text and "a 口语" in text


# --- Word cases -----------------------------------------------------------------------------------


def test_autonumbered_headings(db):
    report = imported("autonumbered-headings.docx")
    assert report.title == "南岭护理职业学院2022年外事工作总结"
    ((_kind, _title, _intro, sections),) = stored(report)
    assert [title for title, _ in sections] == ["加强制度建设", "稳步推进合作项目"]
    first = blocks(sections[0][1])
    assert [(b.lead, b.level) for b in first if b.lead] == [
        ("（一）健全审批流程。", 2),
        ("1.建立出访台账。", 3),
    ]
    text = pdf_text(report)
    assert "一、加强制度建设" in text and "二、稳步推进合作项目" in text
    assert "（一）健全审批流程。" in text and "1.建立出访台账。" in text


def test_content_control_and_tracked_changes(db):
    report = imported("content-control-and-tracked-changes.docx")
    assert report.title == "南岭护理职业学院2022年外事工作计划"
    ((_kind, _title, _intro, sections),) = stored(report)
    ((title, body),) = sections
    assert title == "拓展合作渠道"
    assert body == "全年计划新签合作协议2项。其中境外院校1项。"
    assert any("tracked changes" in notice for notice in report.import_notices)
    assert "另计划接待来访团组10批" not in pdf_text(report)


def test_date_field_and_right_aligned_signature(db):
    report = imported("date-field-and-right-aligned-signature.docx")
    ((_kind, _title, _intro, sections),) = stored(report)
    ((_title, body),) = sections
    assert [(b.kind, b.text) for b in blocks(body)] == [
        (PARAGRAPH, "请于规定时间内报送。"),
        (SIGNATURE, "国际交流合作处"),
        (DATE, "2023年12月20日"),
    ]
    with pdfplumber.open(io.BytesIO(render_report_pdf(report, draft=False))) as pdf:
        words = pdf.pages[0].extract_words()
    # GB/T 9704-2012 §7.3.5.2: the date (longer than the signature less two characters)
    # ends two characters from the right edge; the signature starts two characters left of it.
    char = 16 - 0.21
    right = (28 + 156) * 72 / 25.4
    signature = next(w for w in words if w["text"] == "国际交流合作处")
    date = next(w for w in words if w["text"] == "2023年12月20日")
    mm = 72 / 25.4
    assert abs(date["x1"] - (right - 2 * char)) < mm
    assert abs(signature["x0"] - (date["x0"] - 2 * char)) < mm


def test_tables_merged_and_equal_cells(db):
    report = imported("tables-merged-and-equal-cells.docx")
    ((_kind, _title, _intro, sections),) = stored(report)
    ((title, body),) = sections
    assert title == "出访与来访统计"
    found = blocks(body)
    assert [b.kind for b in found] == [PARAGRAPH, TABLE, TABLE, PARAGRAPH]
    first, second = found[1], found[2]
    assert first.rows[1] == ["因公出访（批次）", "2", "2"]
    cells = second.cells()
    assert (cells[0][0].text, cells[0][0].colspan) == ("护理专业联合培养项目", 3)
    assert (cells[1][0].text, cells[1][0].rowspan) == ("2023年", 2)
    assert [c.text for c in cells[2]] == ["录取", "8人"]
    assert found[3].text == "表中数据截至2023年12月31日。"
    from reports.pdf import render_report_html

    html = render_report_html(report, draft=False)
    assert html.count("<table") == 2 and 'colspan="3"' in html and 'rowspan="2"' in html
    text = pdf_text(report)
    assert text.count("护理专业联合培养项目") == 1
    assert "因公出访（批次）22" in text.replace(" ", "")


def test_case_inputs_are_those_of_the_shared_folder():
    shared = Path(__file__).resolve().parents[3] / "shared" / "report-cases"
    if not shared.exists():
        pytest.skip("the shared folder is not next to this clone")
    for path in CASES.iterdir():
        assert path.read_bytes() == (shared / path.name).read_bytes(), path.name


def test_signature_and_date_before_attachment_pages():
    from reports.importer import parse_report_text

    text = "一、报送要求\n请按时报送。\n国际交流合作处\n2023年12月20日\n附件1\n因公出国计划申报表\n"
    (part,) = parse_report_text(text).parts
    kinds = [(b.kind, b.text) for b in blocks(part.sections[0].body)]
    assert kinds[1:3] == [(SIGNATURE, "国际交流合作处"), (DATE, "2023年12月20日")]
    assert kinds[3:] == [(PARAGRAPH, "附件1"), (PARAGRAPH, "因公出国计划申报表")]


def test_a_single_part_is_a_plan_when_the_title_says_so():
    result = parsed("content-control-and-tracked-changes.docx")
    (part,) = result.parts
    assert part.kind == ReportPart.Kind.PLAN


# --- kinds found by the fresh review --------------------------------------------------------------


def test_parts_numbered_like_sections_with_lead_in_sections():
    from reports.importer import parse_report_text

    text = "\n".join(
        [
            "南岭护理职业学院2023年外事工作总结及2024年工作计划",
            "一、2023年工作总结",
            "（一）加强组织领导。学校成立外事工作领导小组。",
            "（二）深化校际合作",
            "与澳门一所护理学院续签协议。",
            "二、2024年工作计划",
            "（一）拓展合作渠道",
            "计划新签协议2项。",
        ]
    )
    summary, plan = parse_report_text(text).parts
    assert (summary.kind, summary.title) == (ReportPart.Kind.SUMMARY, "2023年工作总结")
    assert [(s.title, s.body) for s in summary.sections] == [
        ("加强组织领导。", "学校成立外事工作领导小组。"),
        ("深化校际合作", "与澳门一所护理学院续签协议。"),
    ]
    assert (plan.kind, plan.title) == (ReportPart.Kind.PLAN, "2024年工作计划")
    assert [(s.title, s.body) for s in plan.sections] == [("拓展合作渠道", "计划新签协议2项。")]


@pytest.mark.parametrize("dot", ["．", "."])
def test_section_numbers_with_a_full_stop(dot):
    from reports.importer import parse_report_text

    text = (
        f"南岭护理职业学院2023年外事工作总结\n一{dot}加强制度建设\n修订了管理办法。\n"
        f"二{dot}深化校际合作\n续签协议。"
    )
    parsed = parse_report_text(text)
    assert parsed.title == "南岭护理职业学院2023年外事工作总结"
    assert [s.title for s in parsed.parts[0].sections] == ["加强制度建设", "深化校际合作"]


def test_document_number_and_running_headers_stay_out_of_the_title_and_text():
    from reports.importer import parse_report_text

    title = "关于做好2024年度因公出国（境）计划申报工作的通知"
    text = "\n".join(
        [
            "南护院外〔2024〕5号",
            "关于做好2024年度因公出国（境）",
            "计划申报工作的通知",
            "一、申报范围",
            "全校教职工因公出国（境）项目，须于1月10日前报送国际交流合作处，逾期不再受",
            title,
            "理。",
        ]
    )
    parsed = parse_report_text(text)
    assert parsed.title == title
    (part,) = parsed.parts
    assert part.kind == ReportPart.Kind.SUMMARY  # a notice about a plan is not a plan
    assert part.sections[0].body.endswith("逾期不再受理。")


def test_typed_text_that_looks_like_the_stored_format_stays_text():
    from reports.blocks import blocks_text, parse_blocks
    from reports.importer import parse_report_text

    text = "一、说明\n| 这一行以竖线开头\n〔署名〕这不是署名。"
    body = parse_report_text(text).parts[0].sections[0].body
    found = parse_blocks(body)
    assert [(b.kind, b.text) for b in found] == [
        (PARAGRAPH, "| 这一行以竖线开头"),
        (PARAGRAPH, "〔署名〕这不是署名。"),
    ]
    assert blocks_text(found) == body


def test_full_width_spaces_in_table_cells_survive():
    from reports.blocks import Block, blocks_text, parse_blocks

    body = blocks_text([Block(TABLE, rows=[["周　明", "2"]])])
    assert parse_blocks(body)[0].rows == [["周　明", "2"]]
