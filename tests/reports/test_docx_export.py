"""The report as Word: GB/T 9704 page and styles, real numbering, merges, sign-off, download."""

import io
import re
import shutil
import subprocess

import docx
import pdfplumber
import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation
from docx.oxml.ns import qn
from docx.shared import Length
from lxml import etree

from foreign_affairs.roles import LEADERSHIP, OFFICE_STAFF
from reports.docx_export import (
    DOCX_CONTENT_TYPE,
    render_report_docx,
    report_docx_filename,
    signoff_right_indents,
    text_width,
)
from reports.models import AnnualReport, ReportPart
from reports.pdf import title_lines
from tests.factories import UserFactory
from tests.reports.factories import AnnualReportFactory, ReportPartFactory, ReportSectionFactory

pytestmark = pytest.mark.django_db

SECTION_BODY = "\n\n".join(
    [
        "（一）健全审批流程。出访申请须经学校审批。",
        "1.建章立制。修订外事管理办法。",
        "（二）加强队伍建设。",
        "| 类别 | 2022年 | 2023年 |\n| 合计 | 3 | < |\n| ^ | 4 | 5 |",
        "〔附件〕1.出访申报表\n2.年度计划表",
        "〔署名〕国际交流合作处",
        "〔日期〕2023年12月20日",
    ]
)
SECTIONS = {
    "2020年工作总结": [("加强领导建设", SECTION_BODY), ("规范外教管理", "外教管理规范有序。")],
    "2021年工作计划": [("强化培训", "继续加强培训。"), ("拓展交流", "拓展交流项目。")],
}
STYLE_NAMES = {
    "公文标题",
    "部分标题",
    "一级标题",
    "二级标题",
    "二级标题字符",
    "三级标题字符",
    "正文",
    "主送机关",
    "附件说明",
    "发文机关署名",
    "成文日期",
    "公文表格",
}
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NUMBERED = re.compile("^[一二三四五六七八九十]+、")


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def report() -> AnnualReport:
    """A two-part report whose first section has every kind of block."""
    report = AnnualReportFactory(
        year=2020, preface="〔主送〕各二级学院、各部门：\n\n学校领导高度重视外事工作。"
    )
    for order, (title, sections) in enumerate(SECTIONS.items(), start=1):
        kind = ReportPart.Kind.SUMMARY if order == 1 else ReportPart.Kind.PLAN
        part = ReportPartFactory(
            report=report, order=order, kind=kind, title=title, intro=f"{title}的说明。"
        )
        for number, (section_title, body) in enumerate(sections, start=1):
            ReportSectionFactory(part=part, order=number, title=section_title, body=body)
    return report


def open_docx(data: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(data))


@pytest.fixture
def document(report):
    return open_docx(render_report_docx(report))


def styled(document, name: str) -> list:
    return [p for p in document.paragraphs if p.style.name == name]


def xpath(element, path: str) -> list:
    """`path` (with w: prefixes) from any element, python-docx's own or a plain lxml one."""
    return etree.XPath(path, namespaces={"w": W})(element)


def attribute(element, path: str, name: str) -> str | None:
    """The attribute w:`name` of the first element at `path` under `element`, or None."""
    found = xpath(element, path)
    return found[0].get(qn(f"w:{name}")) if found else None


def mm(length: Length) -> float:
    return length / 36000


# --- the page --------------------------------------------------------------------------------


def test_the_page_is_a4_with_the_gbt_9704_margins_and_grid(document):
    section = document.sections[0]
    measured = [
        section.page_width,
        section.page_height,
        section.top_margin,
        section.bottom_margin,
        section.left_margin,
        section.right_margin,
    ]
    for length, expected in zip(measured, (210, 297, 37, 35, 28, 26), strict=True):
        assert mm(length) == pytest.approx(expected, abs=0.5)
    grid = section._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "lines"
    line_pitch = int(grid.get(qn("w:linePitch")))
    # 22 lines of 28 characters in the 225 × 156 mm text block (Word counts whole pitches).
    height_pt = Length(section.page_height - section.top_margin - section.bottom_margin).pt
    width_pt = Length(section.page_width - section.left_margin - section.right_margin).pt
    assert int(height_pt * 20 / line_pitch) == 22
    assert line_pitch == 579
    body = document.styles["正文"].element.rPr
    condense = int(body.find(qn("w:spacing")).get(qn("w:val")))
    assert condense < 0
    assert int(width_pt / (16 + condense / 20)) == 28  # 28 condensed characters a line


def test_the_footers_number_odd_pages_right_and_even_pages_left_with_a_page_field(document):
    assert document.settings.element.find(qn("w:evenAndOddHeaders")) is not None
    section = document.sections[0]
    for footer, side, other in (
        (section.footer, "right", "left"),
        (section.even_page_footer, "left", "right"),
    ):
        paragraph = footer.paragraphs[0]
        assert paragraph.text == "— 1 —"  # the PAGE field's cached result between the dashes
        instructions = "".join(xpath(footer._element, ".//w:instrText/text()"))
        assert instructions.strip() == "PAGE"
        assert len(xpath(footer._element, ".//w:fldChar")) == 3  # begin, separate, end
        assert attribute(paragraph._p, "./w:pPr/w:jc", "val") == side
        assert attribute(paragraph._p, "./w:pPr/w:ind", side) == "280"  # one 14 pt character
        assert attribute(paragraph._p, "./w:pPr/w:ind", other) is None
        assert paragraph.style.name == "页码"
        assert paragraph.style.font.size.pt == 14
        assert attribute(paragraph.style.element, "./w:rPr/w:rFonts", "eastAsia") == "宋体"


def test_core_properties_name_the_report_and_the_office(report, document):
    properties = document.core_properties
    assert properties.title == report.title
    assert properties.author == f"{settings.SCHOOL_NAME}外事办公室"
    assert properties.language == "zh-CN"


# --- styles ----------------------------------------------------------------------------------


def test_the_styles_of_a_gongwen_template_have_chinese_names_and_fonts(document):
    styles = {style.name: style for style in document.styles}
    assert STYLE_NAMES <= set(styles)
    fonts = {
        "公文标题": ("方正小标宋简体", 22),
        "部分标题": ("黑体", None),
        "一级标题": ("黑体", None),
        "二级标题": ("楷体_GB2312", None),
        "二级标题字符": ("楷体_GB2312", None),
        "正文": (None, None),
    }
    for name, (east_asia, size) in fonts.items():
        rpr = styles[name].element
        if east_asia:
            assert attribute(rpr, "./w:rPr/w:rFonts", "eastAsia") == east_asia, name
            assert attribute(rpr, "./w:rPr/w:rFonts", "ascii") == "Times New Roman", name
        if size:
            assert styles[name].font.size.pt == size
    defaults = document.styles.element.find(qn("w:docDefaults"))
    assert attribute(defaults, ".//w:rFonts", "eastAsia") == "仿宋_GB2312"
    assert attribute(defaults, ".//w:rFonts", "ascii") == "Times New Roman"
    assert attribute(defaults, ".//w:lang", "eastAsia") == "zh-CN"
    assert attribute(defaults, ".//w:sz", "val") == "32"  # 3号
    assert styles["三级标题字符"].font.bold is True
    assert styles["二级标题字符"].type == docx.enum.style.WD_STYLE_TYPE.CHARACTER
    assert styles["公文表格"].type == docx.enum.style.WD_STYLE_TYPE.TABLE
    borders = xpath(styles["公文表格"].element, "./w:tblPr/w:tblBorders/*")
    assert {b.tag.rpartition("}")[2] for b in borders} == {
        "top",
        "left",
        "bottom",
        "right",
        "insideH",
        "insideV",
    }
    assert {(b.get(qn("w:val")), b.get(qn("w:sz"))) for b in borders} == {("single", "4")}
    assert "Heading 1" not in styles and "Light Shading" not in styles  # template leftovers


def test_body_style_is_indented_justified_on_the_line_grid(document):
    body = document.styles["正文"]
    assert attribute(body.element, "./w:pPr/w:ind", "firstLineChars") == "200"
    normal = document.styles["Normal"].element  # 正文 is based on it
    assert body.base_style.name == "Normal"
    assert attribute(normal, "./w:pPr/w:jc", "val") == "both"
    assert attribute(normal, "./w:pPr/w:spacing", "line") == "579"
    assert attribute(normal, "./w:pPr/w:spacing", "lineRule") == "exact"
    assert xpath(normal, "./w:pPr/w:snapToGrid") == []  # on, as by default
    assert document.styles["一级标题"].base_style.name == "正文"
    assert attribute(document.styles["一级标题"].element, "./w:pPr/w:outlineLvl", "val") == "0"


# --- the text --------------------------------------------------------------------------------


def test_the_title_comes_first_broken_before_ji(report, document):
    title = document.paragraphs[0]
    assert title.style.name == "公文标题"
    assert title.text.replace("\n", "") == report.title
    assert title.text.split("\n") == title_lines(report.title)
    assert title.text.split("\n")[1].startswith("及")


def test_a_confidential_report_starts_with_the_mark(report):
    report.confidentiality = AnnualReport.Confidentiality.INTERNAL
    report.save()
    document = open_docx(render_report_docx(report))
    mark, title = document.paragraphs[:2]
    assert (mark.text, mark.style.name) == ("内部资料", "密级")
    assert attribute(mark.style.element, "./w:rPr/w:rFonts", "eastAsia") == "黑体"
    assert mark.style.paragraph_format.first_line_indent is None
    assert title.style.name == "公文标题"


def test_preface_salutation_is_flush_left(document):
    (salutation,) = styled(document, "主送机关")
    assert salutation.text == "各二级学院、各部门："
    assert salutation.paragraph_format.first_line_indent is None
    assert xpath(salutation.style.element, ".//w:ind") == []  # nor in its style
    assert salutation.style.base_style.name == "Normal"
    assert document.paragraphs[2].text == "学校领导高度重视外事工作。"
    assert document.paragraphs[2].style.name == "正文"


def test_parts_are_headed_by_text_and_sections_numbered_by_word(document):
    parts = styled(document, "部分标题")
    assert [p.text for p in parts] == ["第一部分　2020年工作总结", "第二部分　2021年工作计划"]
    headings = styled(document, "一级标题")
    assert [p.text for p in headings] == ["加强领导建设", "规范外教管理", "强化培训", "拓展交流"]
    assert not any(NUMBERED.match(p.text) for p in document.paragraphs)

    numbering = document.part.numbering_part.element
    num_ids = []
    for heading in headings:
        num_pr = heading._p.pPr.numPr
        assert num_pr.ilvl.val == 0
        num_ids.append(num_pr.numId.val)
    assert num_ids[0] == num_ids[1] != num_ids[2] == num_ids[3]  # one list per part

    def num(num_id):
        return xpath(numbering, f"./w:num[@w:numId='{num_id}']")[0]

    abstract_ids = []
    for num_id in (num_ids[0], num_ids[2]):
        abstract_id = attribute(num(num_id), "./w:abstractNumId", "val")
        abstract_ids.append(abstract_id)
        (level,) = xpath(
            numbering, f"./w:abstractNum[@w:abstractNumId='{abstract_id}']/w:lvl[@w:ilvl='0']"
        )
        assert attribute(level, "./w:numFmt", "val") == "chineseCounting"
        assert attribute(level, "./w:lvlText", "val") == "%1、"
        assert attribute(level, "./w:start", "val") == "1"
        assert attribute(level, "./w:suff", "val") == "nothing"  # no tab after 、
    # The second part counts from 一 again.
    restart = attribute(num(num_ids[2]), "./w:lvlOverride[@w:ilvl='0']/w:startOverride", "val")
    assert restart == "1" or abstract_ids[0] != abstract_ids[1]


def test_a_single_part_has_no_part_heading(report):
    report.parts.get(order=2).delete()
    document = open_docx(render_report_docx(report))
    assert styled(document, "部分标题") == []
    assert [p.text for p in styled(document, "一级标题")] == ["加强领导建设", "规范外教管理"]


def test_lead_ins_keep_their_typed_numbers_in_their_faces(document):
    by_text = {p.text: p for p in document.paragraphs}
    level_2 = by_text["（一）健全审批流程。出访申请须经学校审批。"]
    assert level_2.style.name == "正文"
    assert [(r.text, r.style.name) for r in level_2.runs] == [
        ("（一）健全审批流程。", "二级标题字符"),
        ("出访申请须经学校审批。", "Default Paragraph Font"),
    ]
    level_3 = by_text["1.建章立制。修订外事管理办法。"]
    assert level_3.runs[0].text == "1.建章立制。"
    assert level_3.runs[0].style.name == "三级标题字符"
    # A lead-in alone is a heading paragraph of its level.
    assert by_text["（二）加强队伍建设。"].style.name == "二级标题"
    assert by_text["外教管理规范有序。"].style.name == "正文"


def test_a_table_keeps_its_merged_cells(document):
    (table,) = document.tables
    assert table.style.name == "公文表格"
    tbl = table._tbl
    assert [int(v) for v in xpath(tbl, ".//w:gridSpan/@w:val")] == [2]
    merges = [v.get(qn("w:val")) for v in tbl.iter(qn("w:vMerge"))]
    assert merges[0] == "restart" and merges[1] in (None, "continue") and len(merges) == 2
    assert [c.text for c in table.rows[0].cells] == ["类别", "2022年", "2023年"]
    assert [c.text for c in table.rows[1].cells] == ["合计", "3", "3"]
    assert [c.text for c in table.rows[2].cells] == ["合计", "4", "5"]
    for p in tbl.iter(qn("w:p")):  # every cell, merged continuations too
        assert p.pPr.pStyle.val == "GWTableText"
    text_style = document.styles["表格文字"]
    assert text_style.font.size.pt in (12, 14)
    assert xpath(text_style.element, ".//w:ind") == []


def test_tables_that_touch_are_kept_apart_and_the_document_ends_in_a_paragraph(report):
    section = report.parts.get(order=2).sections.get(order=2)
    section.body = "| a | b |\n\n| c | d |"
    section.save()
    document = open_docx(render_report_docx(report))
    body = [child.tag.rpartition("}")[2] for child in document.element.body]
    assert body[-5:] == ["tbl", "p", "tbl", "p", "sectPr"]
    assert [t.cell(0, 0).text for t in document.tables[-2:]] == ["a", "c"]


def test_attachments_hang_under_the_label(document):
    (attachments,) = styled(document, "附件说明")
    assert attachments.text == "附件：1.出访申报表\n2.年度计划表"
    ind = xpath(attachments.style.element, "./w:pPr/w:ind")[0]
    # "附件：" two characters in; the items (and their wrapped lines) five characters in.
    assert (ind.get(qn("w:leftChars")), ind.get(qn("w:hangingChars"))) == ("500", "300")


@pytest.mark.parametrize(
    ("signature", "date", "indents"),
    [
        # A long signature: it keeps its 2 characters, the date starts 2 right of it.
        ("肇庆医学高等专科学校国际交流合作处", "2023年12月20日", (2, 10)),
        # A short one: the date would pass 2 characters from the edge; the signature moves.
        ("外事办", "2023年12月20日", (8, 2)),
        ("国际交流合作处", "2023年12月20日", (4, 2)),
        # At the boundary: 9 − 7 = 2 fits exactly; 8½ − 7 = 1½ does not.
        ("肇庆医专国际交流处", "2023年12月20日", (2, 2)),
        ("国际交流合作处室1", "2023年12月20日", (2.5, 2)),
        # Alone, either keeps 2 characters.
        ("国际交流合作处", "", (2, 2)),
        ("", "2023年12月20日", (2, 2)),
    ],
)
def test_signoff_indents_after_gbt_9704_7_3_5_2(signature, date, indents):
    assert signoff_right_indents(signature, date) == indents
    if signature and date:
        signature_right, date_right = indents
        # The date's first character is 2 characters right of the signature's, or the date
        # is 2 characters in and the signature moved left.
        shift = (signature_right + text_width(signature)) - (date_right + text_width(date))
        assert shift == 2
        assert date_right >= 2 and signature_right >= 2


def test_text_width_counts_ascii_as_half():
    assert text_width("2023年12月20日") == 7
    assert text_width("国际交流合作处") == 7
    assert text_width("ab") == 1


def test_signature_and_date_are_right_aligned_with_the_computed_indents(document):
    (signature,) = styled(document, "发文机关署名")
    (date,) = styled(document, "成文日期")
    assert (signature.text, date.text) == ("国际交流合作处", "2023年12月20日")
    for paragraph, chars in ((signature, 4), (date, 2)):
        assert paragraph.style.paragraph_format.alignment == 2  # WD_ALIGN_PARAGRAPH.RIGHT
        assert attribute(paragraph._p, "./w:pPr/w:ind", "rightChars") == str(chars * 100)
        assert attribute(paragraph._p, "./w:pPr/w:ind", "right") == str(chars * 320)
    assert signature.style.paragraph_format.keep_with_next is True


def test_the_statistics_are_not_exported(document):
    assert document.paragraphs[-1].text == "拓展交流项目。"
    assert len(document.tables) == 1


def test_the_file_name_is_the_title(report):
    assert report_docx_filename(report) == f"{report.title}.docx"
    report.title = 'a/b:"c"'
    assert report_docx_filename(report) == "abc.docx"
    report.title = "///"
    assert report_docx_filename(report) == "2020年外事工作总结.docx"


# --- the download ----------------------------------------------------------------------------


def login(client, role):
    user = UserFactory()
    user.groups.add(Group.objects.get(name=role))
    client.force_login(user)


@pytest.mark.parametrize("role", [OFFICE_STAFF, LEADERSHIP])
def test_office_and_leadership_download_the_docx(client, report, role):
    login(client, role)
    response = client.get(reverse("reports:annualreport_docx", args=[2020]))
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX_CONTENT_TYPE
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''" in disposition and disposition.endswith(".docx")
    assert open_docx(response.content).paragraphs[0].text.replace("\n", "") == report.title


def test_the_docx_of_a_missing_year_is_404(client, report):
    login(client, OFFICE_STAFF)
    assert client.get(reverse("reports:annualreport_docx", args=[2019])).status_code == 404


def test_the_docx_needs_a_login(client, report):
    url = reverse("reports:annualreport_docx", args=[2020])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_report_page_links_the_docx(client, report):
    login(client, OFFICE_STAFF)
    page = client.get(report.get_absolute_url()).content.decode()
    assert f'href="{reverse("reports:annualreport_docx", args=[2020])}"' in page


# --- the command -----------------------------------------------------------------------------


def test_export_command_writes_a_docx_by_its_suffix(report, tmp_path):
    output = tmp_path / "x.docx"
    call_command("export_report", "2020", "-o", str(output), verbosity=0)
    document = docx.Document(output)
    assert document.paragraphs[0].style.name == "公文标题"
    assert [p.text for p in styled(document, "一级标题")][:1] == ["加强领导建设"]


def test_export_command_refuses_another_suffix(report, tmp_path):
    output = tmp_path / "x.txt"
    with pytest.raises(CommandError, match=r"must end in \.pdf or \.docx"):
        call_command("export_report", "2020", "-o", str(output), verbosity=0)
    assert not output.exists()


# --- rendered by LibreOffice -----------------------------------------------------------------


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice (soffice) is not installed")
def test_libreoffice_renders_the_numbering(report, tmp_path):
    source = tmp_path / "report.docx"
    source.write_bytes(render_report_docx(report))
    subprocess.run(
        [
            shutil.which("soffice"),
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    with pdfplumber.open(tmp_path / "report.pdf") as pdf:
        text = "".join(page.extract_text() or "" for page in pdf.pages)
    text = re.sub(r"\s+", "", text)
    assert report.title in text
    # The numbers exist only as Word numbering: LibreOffice drew them, restarting in part 2.
    positions = [
        text.find(heading)
        for heading in ("一、加强领导建设", "二、规范外教管理", "一、强化培训", "二、拓展交流")
    ]
    assert -1 not in positions and positions == sorted(positions)
    assert "—1—" in text
