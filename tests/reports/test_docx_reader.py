"""Reading Word files into lines: content controls, tracked changes, fields, automatic numbering,
merged tables, hostile packages, and the LibreOffice conversion of .doc/.wps/.rtf/.odt."""

import io
import os
import stat
import subprocess
import tempfile
import time
import zipfile
from pathlib import Path

import docx
import pytest
from django.utils import translation
from lxml import etree

from reports import convert, docx_reader
from reports.blocks import MERGE_LEFT, MERGE_UP, table_cells
from reports.convert import convert_to_docx, libreoffice_path, sniff_kind
from reports.docx_reader import format_number, read_docx
from reports.source import ReportImportError

CASES = Path("/work/shared/report-cases")

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NAMESPACES = (
    f'xmlns:w="{W}" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:v="urn:schemas-microsoft-com:vml"'
)
NEEDS_LIBREOFFICE = pytest.mark.skipif(
    libreoffice_path() is None, reason="LibreOffice (soffice) is not installed"
)


@pytest.fixture(autouse=True)
def _english():
    """Match the English source messages (the Chinese ones come from the catalogue)."""
    with translation.override("en"):
        yield


def case(name: str):
    return read_docx((CASES / name).read_bytes())


def texts(source) -> list[str]:
    return [line.text for line in source.lines if not line.is_table]


def build(body: str, *, numbering: str = "", styles: str = "") -> bytes:
    """A .docx made by python-docx whose body is `body` (raw WordprocessingML, prefix w:);
    `numbering` (w:abstractNum and w:num elements) and `styles` (w:style elements) are added
    to the template's numbering and styles parts."""
    document = docx.Document()
    body_element = document.element.body
    sect_pr = body_element.find(f"{{{W}}}sectPr")
    for child in etree.fromstring(f"<w:body {NAMESPACES}>{body}</w:body>"):
        sect_pr.addprevious(child)
    if numbering:
        numbering_element = document.part.numbering_part.element
        first_num = numbering_element.find(f"{{{W}}}num")
        for child in etree.fromstring(f"<w:numbering {NAMESPACES}>{numbering}</w:numbering>"):
            if child.tag == f"{{{W}}}abstractNum" and first_num is not None:
                first_num.addprevious(child)
            else:
                numbering_element.append(child)
    if styles:
        styles_element = document.styles.element
        for child in etree.fromstring(f"<w:styles {NAMESPACES}>{styles}</w:styles>"):
            styles_element.append(child)
    stream = io.BytesIO()
    document.save(stream)
    return stream.getvalue()


def para(text: str = "", *, ppr: str = "", runs: str = "") -> str:
    run = f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>' if text else ""
    return f"<w:p><w:pPr>{ppr}</w:pPr>{run}{runs}</w:p>"


def num_pr(num_id: int, ilvl: int | None = 0) -> str:
    level = f'<w:ilvl w:val="{ilvl}"/>' if ilvl is not None else ""
    return f'<w:numPr>{level}<w:numId w:val="{num_id}"/></w:numPr>'


def abstract(abstract_id: int, *levels: str, extra: str = "") -> str:
    return (
        f'<w:abstractNum w:abstractNumId="{abstract_id}">{extra}{"".join(levels)}</w:abstractNum>'
    )


def lvl(ilvl: int, fmt: str, text: str, *, start: int = 1, extra: str = "") -> str:
    return (
        f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="{text}"/>{extra}</w:lvl>'
    )


def num(num_id: int, abstract_id: int, overrides: str = "") -> str:
    return f'<w:num w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/>{overrides}</w:num>'


def tc(text: str = "", tcpr: str = "") -> str:
    return f"<w:tc><w:tcPr>{tcpr}</w:tcPr>{para(text)}</w:tc>"


def table(*rows: str) -> str:
    return f"<w:tbl><w:tblPr/><w:tblGrid/>{''.join(rows)}</w:tbl>"


def tr(*cells: str, trpr: str = "") -> str:
    return f"<w:tr><w:trPr>{trpr}</w:trPr>{''.join(cells)}</w:tr>"


# --- the shared cases ------------------------------------------------------------------------


def test_autonumbered_headings_get_their_numbers_and_levels():
    lines = case("autonumbered-headings.docx").lines
    got = [(line.text, line.align, line.numbered, line.level) for line in lines]
    assert got == [
        ("南岭护理职业学院2022年外事工作总结", "center", False, None),
        ("一、加强制度建设", "", True, 0),
        ("修订了外籍教师管理办法和因公出国（境）管理规定。", "", False, None),
        ("（一）健全审批流程。", "", True, 1),
        ("出访申请须经部门、外事办和分管校领导三级审核。", "", False, None),
        ("1.建立出访台账。", "", True, 2),
        ("二、稳步推进合作项目", "", True, 0),
        ("与澳门一所护理学院的联合培养项目完成第二轮学生选拔。", "", False, None),
    ]


def test_title_in_a_content_control_and_tracked_changes_accepted():
    source = case("content-control-and-tracked-changes.docx")
    first = source.lines[0]
    assert (first.text, first.align) == ("南岭护理职业学院2022年外事工作计划", "center")
    assert "全年计划新签合作协议2项。其中境外院校1项。" in texts(source)
    assert not any("另计划接待" in text for text in texts(source))
    assert len(source.notices) == 1
    assert "tracked changes" in source.notices[0]


def test_date_field_keeps_its_saved_result_and_signature_is_right_aligned():
    lines = {
        line.text: line.align for line in case("date-field-and-right-aligned-signature.docx").lines
    }
    assert lines["国际交流合作处"] == "right"
    assert lines["2023年12月20日"] == "right"
    assert lines["请于规定时间内报送。"] == ""


def test_tables_keep_equal_cells_and_merges():
    source = case("tables-merged-and-equal-cells.docx")
    tables = [line for line in source.lines if line.is_table]
    assert [line.text for line in tables] == ["", ""]
    assert tables[0].rows == [
        ["类别", "2022年", "2023年"],
        ["因公出访（批次）", "2", "2"],
        ["境外来访（批次）", "1", "3"],
        ["合计", "3", "5"],
    ]
    assert tables[1].rows == [
        ["护理专业联合培养项目", MERGE_LEFT, MERGE_LEFT],
        ["2023年", "选拔", "12人"],
        [MERGE_UP, "录取", "8人"],
    ]
    cells = table_cells(tables[1].rows)
    assert (cells[0][0].text, cells[0][0].colspan, cells[0][0].rowspan) == (
        "护理专业联合培养项目",
        3,
        1,
    )
    assert (cells[1][0].text, cells[1][0].colspan, cells[1][0].rowspan) == ("2023年", 1, 2)
    assert [cell.text for cell in cells[2]] == ["录取", "8人"]
    assert source.lines[-1].text == "表中数据截至2023年12月31日。"
    assert not source.lines[-1].is_table
    assert source.notices == []


# --- text: runs, fields, tracked changes, content controls ------------------------------------


def test_run_content_tabs_breaks_hyphens_and_symbols():
    body = (
        "<w:p><w:r><w:t>联系人：</w:t><w:tab/><w:t>张三</w:t><w:br/><w:t>电话</w:t>"
        '<w:noBreakHyphen/><w:t>1</w:t><w:sym w:font="Wingdings" w:char="F0FC"/>'
        "<w:softHyphen/><w:cr/><w:t>完</w:t></w:r></w:p>"
    )
    assert texts(read_docx(build(body))) == ["联系人：\t张三\n电话-1\n完"]


def test_complex_date_field_keeps_the_result_and_drops_the_instruction():
    body = (
        '<w:p><w:pPr><w:jc w:val="right"/></w:pPr>'
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText xml:space="preserve"> DATE \\@ "yyyy年M月d日" </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        "<w:r><w:t>2023年12月20日</w:t></w:r>"
        '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
    )
    source = read_docx(build(body))
    assert [(line.text, line.align) for line in source.lines] == [("2023年12月20日", "right")]
    assert source.notices == []


def test_nested_fields_only_the_outer_result_shows():
    body = (
        "<w:p><w:r><w:t>第</w:t></w:r>"
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        "<w:r><w:instrText> IF </w:instrText></w:r>"
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        "<w:r><w:instrText> PAGE </w:instrText></w:r>"
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        "<w:r><w:t>9</w:t></w:r>"
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
        '<w:r><w:instrText> = 1 "甲" "乙" </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        "<w:r><w:t>3</w:t></w:r>"
        '<w:fldSimple w:instr=" PAGE "><w:r><w:t>页</w:t></w:r></w:fldSimple>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
        "<w:r><w:t>，完。</w:t></w:r></w:p>"
        "<w:p><w:r><w:t>下一段</w:t></w:r></w:p>"
    )
    assert texts(read_docx(build(body))) == ["第3页，完。", "下一段"]


def test_moved_text_is_read_at_its_destination_only_and_noticed():
    body = (
        '<w:p><w:moveFrom w:id="1" w:author="a"><w:r><w:t>挪走的句子。</w:t></w:r></w:moveFrom>'
        "<w:r><w:t>第一段。</w:t></w:r></w:p>"
        '<w:p><w:r><w:t>第二段。</w:t></w:r><w:moveTo w:id="2" w:author="a">'
        "<w:r><w:t>挪走的句子。</w:t></w:r></w:moveTo></w:p>"
    )
    source = read_docx(build(body))
    assert texts(source) == ["第一段。", "第二段。挪走的句子。"]
    assert len(source.notices) == 1


def test_a_formatting_change_alone_is_noticed():
    body = (
        '<w:p><w:r><w:rPr><w:b/><w:rPrChange w:id="1" w:author="a"><w:rPr/></w:rPrChange>'
        "</w:rPr><w:t>加粗</w:t></w:r></w:p>"
    )
    source = read_docx(build(body))
    assert texts(source) == ["加粗"]
    assert len(source.notices) == 1


def test_a_deleted_paragraph_mark_joins_the_paragraph_to_the_next():
    body = (
        '<w:p><w:pPr><w:rPr><w:del w:id="1" w:author="a"/></w:rPr></w:pPr>'
        "<w:r><w:t>前半句，</w:t></w:r></w:p>"
        "<w:p><w:r><w:t>后半句。</w:t></w:r></w:p>"
        '<w:p><w:pPr><w:rPr><w:del w:id="2" w:author="a"/></w:rPr></w:pPr>'
        '<w:del w:id="3" w:author="a"><w:r><w:delText>整段删掉。</w:delText></w:r></w:del></w:p>'
        "<w:p><w:r><w:t>最后一段。</w:t></w:r></w:p>"
    )
    assert texts(read_docx(build(body))) == ["前半句，后半句。", "最后一段。"]


def test_run_level_content_control_hyperlink_and_hidden_text():
    body = (
        "<w:p><w:r><w:t>报送单位：</w:t></w:r>"
        "<w:sdt><w:sdtPr/><w:sdtContent><w:r><w:t>国际交流合作处</w:t></w:r>"
        "</w:sdtContent></w:sdt>"
        '<w:hyperlink r:id="" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships"><w:r><w:t>（网站）</w:t></w:r></w:hyperlink>'
        "<w:r><w:rPr><w:vanish/></w:rPr><w:t>隐藏的批注</w:t></w:r></w:p>"
    )
    assert texts(read_docx(build(body))) == ["报送单位：国际交流合作处（网站）"]


def test_nested_content_controls_at_block_level():
    body = (
        "<w:sdt><w:sdtPr/><w:sdtContent>"
        "<w:sdt><w:sdtPr/><w:sdtContent>"
        + para("标题", ppr='<w:jc w:val="center"/>')
        + "</w:sdtContent></w:sdt>"
        + para("正文")
        + "</w:sdtContent></w:sdt>"
        + para("结尾")
    )
    source = read_docx(build(body))
    assert [(line.text, line.align) for line in source.lines] == [
        ("标题", "center"),
        ("正文", ""),
        ("结尾", ""),
    ]


def test_text_box_is_read_once_from_the_choice_not_the_fallback():
    box = "<w:txbxContent>" + para("文本框里的话") + "</w:txbxContent>"
    body = (
        "<w:p><w:r><w:t>正文</w:t></w:r><w:r><mc:AlternateContent>"
        '<mc:Choice Requires="wps"><w:drawing><wp:anchor><a:graphic><a:graphicData>'
        f"<wps:wsp><wps:txbx>{box}</wps:txbx></wps:wsp>"
        "</a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>"
        f"<mc:Fallback><w:pict><v:shape><v:textbox>{box}</v:textbox></v:shape></w:pict>"
        "</mc:Fallback></mc:AlternateContent></w:r></w:p>" + para("下一段")
    )
    assert texts(read_docx(build(body))) == ["正文", "文本框里的话", "下一段"]


# --- alignment and numbering --------------------------------------------------------------------


STYLES = (
    '<w:style w:type="paragraph" w:styleId="CNTitle"><w:name w:val="CN Title"/>'
    '<w:pPr><w:jc w:val="center"/></w:pPr></w:style>'
    '<w:style w:type="paragraph" w:styleId="CNSubTitle"><w:name w:val="CN Sub"/>'
    '<w:basedOn w:val="CNTitle"/></w:style>'
    '<w:style w:type="paragraph" w:styleId="CNSign"><w:name w:val="CN Sign"/>'
    '<w:pPr><w:jc w:val="end"/></w:pPr></w:style>'
    '<w:style w:type="paragraph" w:styleId="CNHeading1"><w:name w:val="标题 1 CN"/>'
    f"<w:pPr>{num_pr(60, None)}</w:pPr></w:style>"
    '<w:style w:type="paragraph" w:styleId="CNHeading2"><w:name w:val="标题 2 CN"/>'
    f'<w:basedOn w:val="CNHeading1"/><w:pPr>{num_pr(60, 1)}</w:pPr></w:style>'
)
CN_LIST = abstract(
    60,
    lvl(0, "chineseCounting", "%1、", extra='<w:pStyle w:val="CNHeading1"/>'),
    lvl(1, "chineseCounting", "（%2）", extra='<w:pStyle w:val="CNHeading2"/>'),
    lvl(2, "decimal", "%3."),
)


def test_alignment_is_inherited_through_the_style_chain():
    body = (
        para("标题", ppr='<w:pStyle w:val="CNTitle"/>')
        + para("副标题", ppr='<w:pStyle w:val="CNSubTitle"/>')
        + para("左对齐", ppr='<w:pStyle w:val="CNSubTitle"/><w:jc w:val="both"/>')
        + para("署名", ppr='<w:pStyle w:val="CNSign"/>')
        + para("正文")
    )
    source = read_docx(build(body, styles=STYLES))
    assert [line.align for line in source.lines] == ["center", "center", "", "right", ""]


def test_numbering_linked_to_a_heading_style():
    body = (
        para("加强制度建设", ppr='<w:pStyle w:val="CNHeading1"/>')
        + para("健全审批流程。", ppr='<w:pStyle w:val="CNHeading2"/>')
        + para("规范护照管理。", ppr='<w:pStyle w:val="CNHeading2"/>')
        + para("正文", ppr=num_pr(60, 2))
        + para("稳步推进合作项目", ppr='<w:pStyle w:val="CNHeading1"/>')
        + para("拓展渠道。", ppr='<w:pStyle w:val="CNHeading2"/>')
        + para("不编号的标题", ppr='<w:pStyle w:val="CNHeading1"/>' + num_pr(0))
    )
    source = read_docx(build(body, numbering=CN_LIST + num(60, 60), styles=STYLES))
    got = [(line.text, line.numbered, line.level) for line in source.lines]
    assert got == [
        ("一、加强制度建设", True, 0),
        ("（一）健全审批流程。", True, 1),
        ("（二）规范护照管理。", True, 1),
        ("1.正文", True, 2),
        ("二、稳步推进合作项目", True, 0),
        ("（一）拓展渠道。", True, 1),
        ("不编号的标题", False, None),
    ]


def test_numbering_style_link_indirection():
    styles = (
        '<w:style w:type="numbering" w:styleId="CNList"><w:name w:val="CN List"/>'
        f"<w:pPr>{num_pr(71, None)}</w:pPr></w:style>"
    )
    numbering = (
        abstract(70, extra='<w:numStyleLink w:val="CNList"/>')
        + abstract(71, lvl(0, "chineseCounting", "第%1条"), extra='<w:styleLink w:val="CNList"/>')
        + num(70, 70)
        + num(71, 71)
    )
    body = para("总则", ppr=num_pr(70)) + para("范围", ppr=num_pr(70))
    source = read_docx(build(body, numbering=numbering, styles=styles))
    assert texts(source) == ["第一条总则", "第二条范围"]


def test_start_override_restarts_a_list_and_plain_nums_share_counters():
    numbering = (
        abstract(80, lvl(0, "decimal", "%1.", start=1))
        + num(80, 80)
        + num(81, 80)
        + num(82, 80, '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride>')
        + num(83, 80, '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="5"/></w:lvlOverride>')
    )
    body = (
        para("甲", ppr=num_pr(80))
        + para("乙", ppr=num_pr(80))
        + para("丙", ppr=num_pr(81))  # same abstractNum, no override: continues
        + para("丁", ppr=num_pr(82))  # restarts
        + para("戊", ppr=num_pr(82))
        + para("己", ppr=num_pr(83))
        + para("庚", ppr=num_pr(99))  # no such num: unnumbered
    )
    source = read_docx(build(body, numbering=numbering))
    assert texts(source) == ["1.甲", "2.乙", "3.丙", "1.丁", "2.戊", "5.己", "庚"]
    assert [line.numbered for line in source.lines] == [True] * 6 + [False]


def test_level_override_replaces_the_level_definition():
    numbering = abstract(85, lvl(0, "decimal", "%1.")) + num(
        85,
        85,
        '<w:lvlOverride w:ilvl="0">' + lvl(0, "upperRoman", "%1)", start=3) + "</w:lvlOverride>",
    )
    body = para("Scope", ppr=num_pr(85)) + para("Terms", ppr=num_pr(85))
    assert texts(read_docx(build(body, numbering=numbering))) == ["III)Scope", "IV)Terms"]


def test_ideograph_and_bracketed_chinese_counting_and_deeper_levels_restart():
    numbering = abstract(
        90,
        lvl(0, "ideographTraditional", "%1、"),
        lvl(1, "chineseCounting", "（%2）"),
        lvl(2, "decimalEnclosedCircle", "%3"),
    ) + num(90, 90)
    body = para("第一部分", ppr=num_pr(90, 0))
    body += "".join(para(f"条目{i}", ppr=num_pr(90, 1)) for i in range(1, 12))
    body += para("细目", ppr=num_pr(90, 2)) + para("细目", ppr=num_pr(90, 2))
    body += para("第二部分", ppr=num_pr(90, 0)) + para("条目", ppr=num_pr(90, 1))
    got = texts(read_docx(build(body, numbering=numbering)))
    assert got[0] == "甲、第一部分"
    assert got[1] == "（一）条目1"
    assert got[10] == "（十）条目10"
    assert got[11] == "（十一）条目11"
    assert got[12:] == ["①细目", "②细目", "乙、第二部分", "（一）条目"]


def test_lvl_restart_zero_keeps_counting_across_shallower_levels():
    numbering = abstract(
        91,
        lvl(0, "chineseCounting", "%1、"),
        lvl(1, "decimal", "%2.", extra='<w:lvlRestart w:val="0"/>'),
    ) + num(91, 91)
    body = (
        para("甲", ppr=num_pr(91, 0))
        + para("a", ppr=num_pr(91, 1))
        + para("乙", ppr=num_pr(91, 0))
        + para("b", ppr=num_pr(91, 1))
    )
    assert texts(read_docx(build(body, numbering=numbering))) == ["一、甲", "1.a", "二、乙", "2.b"]


def test_legal_numbering_writes_every_level_in_decimal():
    numbering = abstract(
        92,
        lvl(0, "chineseCounting", "%1、"),
        lvl(1, "chineseCounting", "%1.%2", extra="<w:isLgl/>"),
        lvl(2, "lowerLetter", "%1-%2-%3"),
    ) + num(92, 92)
    body = (
        para("总则", ppr=num_pr(92, 0))
        + para("目的", ppr=num_pr(92, 1))
        + para("依据", ppr=num_pr(92, 1))
        + para("条", ppr=num_pr(92, 2))
    )
    assert texts(read_docx(build(body, numbering=numbering))) == [
        "一、总则",
        "1.1目的",
        "1.2依据",
        "一-二-a条",
    ]


def test_bullets_and_none_add_nothing_and_are_not_numbered():
    numbering = abstract(
        93,
        lvl(0, "bullet", "\u25cf"),
        lvl(1, "none", "%2"),
    ) + num(93, 93)
    body = para("要点", ppr=num_pr(93, 0)) + para("无号", ppr=num_pr(93, 1))
    source = read_docx(build(body, numbering=numbering))
    assert [(line.text, line.numbered, line.level) for line in source.lines] == [
        ("要点", False, None),
        ("无号", False, None),
    ]


def test_space_suffix_is_kept_before_latin_text_only():
    numbering = abstract(94, lvl(0, "decimal", "%1.", extra='<w:suff w:val="space"/>')) + num(
        94, 94
    )
    body = para("To teach", ppr=num_pr(94)) + para("口语", ppr=num_pr(94))
    assert texts(read_docx(build(body, numbering=numbering))) == ["1. To teach", "2.口语"]


@pytest.mark.parametrize(
    ("n", "fmt", "expected"),
    [
        (3, "decimal", "3"),
        (3, "decimalZero", "03"),
        (1, "chineseCounting", "一"),
        (10, "chineseCounting", "十"),
        (11, "chineseCounting", "十一"),
        (20, "chineseCounting", "二十"),
        (35, "chineseCountingThousand", "三十五"),
        (105, "chineseCounting", "一百零五"),
        (12, "japaneseCounting", "十二"),
        (2, "ideographTraditional", "乙"),
        (10, "ideographTraditional", "癸"),
        (3, "ideographZodiac", "寅"),
        (1, "decimalEnclosedCircle", "①"),
        (20, "decimalEnclosedCircleChinese", "⑳"),
        (21, "decimalEnclosedCircle", "㉑"),
        (2, "upperLetter", "B"),
        (28, "lowerLetter", "bb"),
        (14, "upperRoman", "XIV"),
        (9, "lowerRoman", "ix"),
        (12, "decimalFullWidth", "１２"),
        (4, "none", ""),
        (7, "someFutureFormat", "7"),
    ],
)
def test_number_formats(n, fmt, expected):
    assert format_number(n, fmt) == expected


# --- tables --------------------------------------------------------------------------------------


def test_grid_span_with_vertical_merge_is_one_spanning_cell():
    body = table(
        tr(tc("项目", '<w:gridSpan w:val="2"/><w:vMerge w:val="restart"/>'), tc("人数")),
        tr(tc("", '<w:gridSpan w:val="2"/><w:vMerge/>'), tc("12")),
        tr(tc("合计"), tc("合计"), tc("12")),
    )
    [line] = read_docx(build(body)).lines
    assert line.rows == [
        ["项目", MERGE_LEFT, "人数"],
        [MERGE_UP, MERGE_UP, "12"],
        ["合计", "合计", "12"],
    ]
    cells = table_cells(line.rows)
    assert [(c.text, c.colspan, c.rowspan) for c in cells[0]] == [("项目", 2, 2), ("人数", 1, 1)]
    assert [c.text for c in cells[1]] == ["12"]
    assert [c.text for c in cells[2]] == ["合计", "合计", "12"]


def test_old_hmerge_grid_padding_and_short_rows():
    body = table(
        tr(tc("甲", '<w:hMerge w:val="restart"/>'), tc("", "<w:hMerge/>"), tc("丙")),
        tr(tc("一"), trpr='<w:gridBefore w:val="1"/><w:gridAfter w:val="1"/>'),
        tr(tc("短")),
    )
    [line] = read_docx(build(body)).lines
    assert line.rows == [["甲", MERGE_LEFT, "丙"], ["", "一", ""], ["短", "", ""]]


def test_cell_content_controls_nested_tables_and_several_paragraphs():
    inner = table(tr(tc("内1"), tc("内2")), tr(tc("内3"), tc("内4")))
    cell = (
        "<w:tc><w:tcPr/><w:sdt><w:sdtPr/><w:sdtContent><w:sdt><w:sdtPr/><w:sdtContent>"
        + para("控件里的字")
        + "</w:sdtContent></w:sdt></w:sdtContent></w:sdt>"
        + para("第二段")
        + inner
        + "<w:p/></w:tc>"
    )
    row_in_sdt = (
        f"<w:sdt><w:sdtPr/><w:sdtContent>{tr(tc('行控件'), tc('值'))}</w:sdtContent></w:sdt>"
    )
    body = (
        "<w:sdt><w:sdtPr/><w:sdtContent>"
        + table(tr(cell, tc("右")), row_in_sdt)
        + "</w:sdtContent></w:sdt>"
        + para("表后")
    )
    source = read_docx(build(body))
    assert source.lines[0].rows == [
        ["控件里的字\n第二段\n内1 内2\n内3 内4", "右"],
        ["行控件", "值"],
    ]
    assert texts(source) == ["表后"]


def test_numbered_paragraphs_in_cells_and_deleted_rows():
    numbering = abstract(95, lvl(0, "decimal", "%1、")) + num(95, 95)
    body = table(
        tr(f"<w:tc><w:tcPr/>{para('申报表', ppr=num_pr(95))}</w:tc>"),
        tr(tc("删掉的行"), trpr='<w:del w:id="1" w:author="a"/>'),
        tr(f"<w:tc><w:tcPr/>{para('计划表', ppr=num_pr(95))}</w:tc>"),
    )
    source = read_docx(build(body, numbering=numbering))
    assert source.lines[0].rows == [["1、申报表"], ["2、计划表"]]
    assert len(source.notices) == 1


# --- hostile and damaged files ------------------------------------------------------------------


def zip_bytes(entries: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w", compression) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return stream.getvalue()


def replace_part(data: bytes, name: str, content: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        entries = {info.filename: archive.read(info) for info in archive.infolist()}
    entries[name] = content
    return zip_bytes(entries)


def error_of(data: bytes) -> ReportImportError:
    with pytest.raises(ReportImportError) as caught:
        read_docx(data)
    return caught.value


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"plain text, not a zip",
        b"PK\x03\x04 truncated",
        zip_bytes({"[Content_Types].xml": b'<?xml version="1.0"?><Types/>'}),
        zip_bytes({"hello.txt": b"hello"}),
    ],
    ids=["empty", "text", "truncated-zip", "only-content-types", "other-zip"],
)
def test_not_a_docx_is_refused_clearly(data):
    error = error_of(data)
    assert error.code == "bad_docx"
    assert "not a valid .docx" in error.messages[0]


def test_malformed_document_xml_is_refused():
    data = replace_part(build(para("正文")), "word/document.xml", b"<w:document><w:body><w:p>")
    assert error_of(data).code == "bad_docx"


def test_malformed_numbering_is_refused():
    data = replace_part(build(para("正文")), "word/numbering.xml", b"<w:numbering")
    assert error_of(data).code == "bad_docx"


@pytest.mark.parametrize("depth", [3, 9])
def test_entity_bomb_is_refused_without_expansion(depth):
    entities = '<!ENTITY lol0 "lollollollollollollollollollol">' + "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, depth + 1)
    )
    bomb = (
        f'<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE w:document [{entities}]>'
        f'<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>&lol{depth};</w:t></w:r></w:p>'
        "</w:body></w:document>"
    ).encode()
    data = replace_part(build(para("正文")), "word/document.xml", bomb)
    started = time.monotonic()
    assert error_of(data).code == "bad_docx"
    assert time.monotonic() - started < 2


@pytest.fixture
def docx_entries():
    with zipfile.ZipFile(io.BytesIO(build(para("正文")))) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def test_total_declared_size_over_the_limit_is_too_large(docx_entries):
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in docx_entries.items():
            archive.writestr(name, content)
        # 120 entries of exactly 1 MB (too small for the ratio check): only the total is big.
        block = bytes(1024 * 1024)
        for i in range(120):
            archive.writestr(f"word/media/padding{i}.bin", block)
    data = stream.getvalue()
    assert len(data) < 1024 * 1024
    assert error_of(data).code == "too_large"


def test_a_highly_compressed_entry_is_too_large(docx_entries):
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in docx_entries.items():
            archive.writestr(name, content)
        with archive.open("word/media/zeros.bin", "w") as handle:
            block = bytes(1024 * 1024)
            for _ in range(20):
                handle.write(block)
    assert error_of(stream.getvalue()).code == "too_large"


def test_too_many_entries_is_too_large(docx_entries):
    entries = dict(docx_entries)
    entries.update({f"customXml/item{i}.xml": b"<a/>" for i in range(2001)})
    assert error_of(zip_bytes(entries)).code == "too_large"


def test_the_limits_pass_an_ordinary_document(monkeypatch, docx_entries):
    data = zip_bytes(docx_entries)
    assert texts(read_docx(data)) == ["正文"]
    monkeypatch.setattr(docx_reader, "MAX_UNCOMPRESSED", 1000)
    assert error_of(data).code == "too_large"


# --- recognising the kind of file -----------------------------------------------------------------


def test_sniff_kind():
    ole2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    odt = zip_bytes(
        {"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<a/>"},
        zipfile.ZIP_STORED,
    )
    assert sniff_kind(build(para("正文")), "report.docx") == "docx"
    assert sniff_kind(build(para("正文")), "report.bin") == "docx"
    assert sniff_kind(ole2, "report.doc") == "doc"
    assert sniff_kind(ole2, "REPORT.WPS") == "wps"
    assert sniff_kind(ole2, "report.docx") == "doc"
    assert sniff_kind(b"{\\rtf1\\ansi hello}", "report.doc") == "rtf"
    assert sniff_kind(odt, "report.odt") == "odt"
    assert sniff_kind(odt, "report.docx") == "odt"
    assert sniff_kind(b"%PDF-1.7\n...", "report.docx") == "pdf"
    assert sniff_kind("全年工作总结".encode("gb18030"), "report.txt") == "text"
    assert sniff_kind("全年工作总结".encode(), "report.doc") == "text"


# --- LibreOffice conversion ---------------------------------------------------------------------


def test_missing_libreoffice_gives_the_clear_message(monkeypatch):
    monkeypatch.setattr(convert, "libreoffice_path", lambda: None)
    with pytest.raises(ReportImportError) as caught:
        convert_to_docx(b"\xd0\xcf\x11\xe0", ".doc")
    assert caught.value.code == "no_libreoffice"
    message = caught.value.messages[0]
    assert "LibreOffice" in message and ".docx" in message
    assert "libreoffice-writer-nogui" in message


def fake_soffice(tmp_path: Path, script: str) -> str:
    path = tmp_path / "soffice"
    path.write_text("#!/bin/sh\n" + script)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


def test_a_slow_conversion_is_killed_with_a_clear_message(monkeypatch, tmp_path):
    marker = tmp_path / "still-running"
    # The child writes the marker if it survives the kill of its process group.
    soffice = fake_soffice(tmp_path, f"(sleep 3; touch {marker}) &\nsleep 30\n")
    monkeypatch.setattr(convert, "libreoffice_path", lambda: soffice)
    started = time.monotonic()
    with pytest.raises(ReportImportError) as caught:
        convert_to_docx(b"{\\rtf1 x}", ".rtf", timeout=1)
    assert time.monotonic() - started < 10
    assert caught.value.code == "convert_timeout"
    assert "longer than 1 seconds" in caught.value.messages[0]
    time.sleep(3.5)
    assert not marker.exists()


def test_timeout_from_subprocess_gives_the_clear_message(monkeypatch, tmp_path):
    soffice = fake_soffice(tmp_path, "exit 0\n")
    monkeypatch.setattr(convert, "libreoffice_path", lambda: soffice)

    def communicate(self, input=None, timeout=None):
        if timeout is not None and timeout < 5:
            raise subprocess.TimeoutExpired(self.args, timeout)
        return b"", b""

    monkeypatch.setattr(subprocess.Popen, "communicate", communicate)
    with pytest.raises(ReportImportError) as caught:
        convert_to_docx(b"{\\rtf1 x}", ".rtf", timeout=2)
    assert caught.value.code == "convert_timeout"
    assert "2 seconds" in caught.value.messages[0]


def test_no_output_is_a_failed_conversion(monkeypatch, tmp_path):
    soffice = fake_soffice(tmp_path, "echo 'Error: source file could not be loaded' >&2\n")
    monkeypatch.setattr(convert, "libreoffice_path", lambda: soffice)
    with pytest.raises(ReportImportError) as caught:
        convert_to_docx(b"garbage", ".doc")
    assert caught.value.code == "convert_failed"
    assert ".docx" in caught.value.messages[0]


def test_the_command_line_and_a_private_home(monkeypatch, tmp_path):
    result = tmp_path / "result.docx"
    result.write_bytes(build(para("转换结果")))
    log = tmp_path / "log"
    script = (
        f'echo "$HOME" > {log}\nfor a in "$@"; do echo "$a" >> {log}; done\n'
        'while [ "$1" != "--outdir" ]; do shift; done\n'
        f'cp {result} "$2/input.docx"\n'
    )
    monkeypatch.setattr(convert, "libreoffice_path", lambda: fake_soffice(tmp_path, script))
    ole2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "WordDocument".encode("utf-16-le")
    data = convert_to_docx(ole2, ".wps")
    assert texts(read_docx(data)) == ["转换结果"]
    home, *args = log.read_text().splitlines()
    assert home.startswith(tempfile.gettempdir()) and "report-convert-" in home
    assert args[:5] == [
        "--headless",
        "--norestore",
        "--nolockcheck",
        f"-env:UserInstallation=file://{home}/profile",
        "--convert-to",
    ]
    assert args[5] == "docx:MS Word 2007 XML"
    assert args[-1].endswith("input.doc")  # a Kingsoft .wps is a Word 97 file
    assert not Path(home).exists()


@pytest.fixture(scope="module")
def legacy_doc(tmp_path_factory) -> Path:
    """A Word 97 .doc made by LibreOffice from a python-docx document with a table."""
    folder = tmp_path_factory.mktemp("legacy")
    document = docx.Document()
    document.add_paragraph("南岭护理职业学院2023年外事工作总结")
    table = document.add_table(rows=2, cols=2)
    for r, row in enumerate([("类别", "批次"), ("因公出访", "2")]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    document.add_paragraph("表后的说明。")
    source = folder / "source.docx"
    document.save(source)
    subprocess.run(
        [
            libreoffice_path(),
            "--headless",
            "--norestore",
            f"-env:UserInstallation=file://{folder}/profile",
            "--convert-to",
            "doc",
            "--outdir",
            str(folder),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
        env={**os.environ, "HOME": str(folder)},
    )
    return folder / "source.doc"


@NEEDS_LIBREOFFICE
@pytest.mark.parametrize("suffix", [".doc", ".wps"])
def test_a_real_doc_converts_and_reads(legacy_doc, suffix):
    data = legacy_doc.read_bytes()
    assert sniff_kind(data, f"report{suffix}") == suffix[1:]
    source = read_docx(convert_to_docx(data, suffix, timeout=120))
    assert texts(source)[0] == "南岭护理职业学院2023年外事工作总结"
    assert "表后的说明。" in texts(source)
    [table] = [line for line in source.lines if line.is_table]
    assert table.rows == [["类别", "批次"], ["因公出访", "2"]]


@NEEDS_LIBREOFFICE
def test_rtf_converts_and_reads():
    rtf = (
        rb"{\rtf1\ansi\ansicpg936\deff0{\fonttbl{\f0\fnil SimSun;}}"
        rb"\pard\qc \u21335?\u23725?\par"
        rb"\pard\qr \u22269?\u38469?\par}"
    )
    assert sniff_kind(rtf, "x.rtf") == "rtf"
    source = read_docx(convert_to_docx(rtf, ".rtf", timeout=120))
    assert [(line.text, line.align) for line in source.lines if line.text] == [
        ("南岭", "center"),
        ("国际", "right"),
    ]
