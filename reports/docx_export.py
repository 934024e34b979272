"""The yearly report as a Word document (.docx) that the office keeps editing in Word or WPS.

The layout is the PDF's (`reports.pdf` and `reports/pdf/report.css`, after GB/T 9704-2012),
written with the means of a 公文 template so that it survives editing: named paragraph styles
(公文标题, 部分标题, 一级标题, 二级标题, 正文, 主送机关, 附件说明, 发文机关署名, 成文日期, …),
automatic numbering of the sections (一、二、…, restarting in each part), a document grid of
22 lines × 28 characters, and page numbers "— N —" in the odd and even footers.

What the export keeps for a later import: the title is the first paragraph after the optional
confidentiality mark; a part heading is the text "第一部分　title"; a section heading is a
一级标题 paragraph whose title is its text and whose "一、" is Word numbering; every block of a
body is one paragraph (附件说明: one paragraph, the items on lines of their own) or one table.
The statistics appendix is not exported: it is data, in the 统计报表 workbook.

28 characters of 3号 (16 pt) do not fit the 156 mm line at their full width: the 16 pt styles
are condensed by 0.25 pt a character (w:spacing −5 twips), so 28 characters of 15.75 pt fit,
and the page has a line grid only (22 lines). A character grid (linesAndChars with a negative
charSpace) would do the same in Word and WPS, but LibreOffice gives every character wider than
the pitch two cells of that grid and shows 14 characters a line; condensing works in all three.
"""

import io
import math
import re
from datetime import UTC, datetime

import docx
from django.conf import settings
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Twips

from foreign_affairs.attachments import safe_filename
from foreign_affairs.numbering import chinese_numeral
from reports.blocks import ATTACHMENTS, PARAGRAPH, SALUTATION, TABLE, Block, Cell
from reports.models import AnnualReport
from reports.pdf import CONFIDENTIALITY_MARKS, Signoff, paragraphs, report_parts, title_lines

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# --- the page, GB/T 9704-2012 §5.2 -----------------------------------------------------------

PAGE_MM = (210, 297)  # A4
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}  # text block 156 × 225 mm
LINES_PER_PAGE = 22
CHARS_PER_LINE = 28
PAGE_NUMBER_GAP_MM = 7  # the page number sits 7 mm below the text block (§7.5)

# Font sizes in points: 2号 title, 3号 text, 4号 page numbers and table text.
TITLE_PT, BODY_PT, PAGE_NUMBER_PT, TABLE_PT = 22, 16, 14, 14

LATIN_FONT = "Times New Roman"
FANGSONG = "仿宋_GB2312"
HEITI = "黑体"
KAITI = "楷体_GB2312"
XIAOBIAOSONG = "方正小标宋简体"
SONGTI = "宋体"
# Where a machine lacks the GB2312 fonts, Word falls back to the font's altName.
FONT_FALLBACKS = {FANGSONG: "仿宋", KAITI: "楷体", XIAOBIAOSONG: SONGTI}


def _twips(mm: float) -> int:
    return round(mm * 1440 / 25.4)


PAGE_TWIPS = (_twips(PAGE_MM[0]), _twips(PAGE_MM[1]))  # 11906 × 16838, Word's own A4
MARGIN_TWIPS = {side: _twips(mm) for side, mm in MARGINS_MM.items()}
TEXT_WIDTH = PAGE_TWIPS[0] - MARGIN_TWIPS["left"] - MARGIN_TWIPS["right"]  # 8845 twips
TEXT_HEIGHT = PAGE_TWIPS[1] - MARGIN_TWIPS["top"] - MARGIN_TWIPS["bottom"]  # 12756 twips
# Word fits floor(text height / pitch) lines: 12756 / 579 = 22.03 lines (580 would give 21).
LINE_PITCH = TEXT_HEIGHT // LINES_PER_PAGE  # 579 twips = 28.95 pt
# The character grid: pitch = the 正文 size + charSpace / 4096 pt; 28 pitches must fit the line.
# Condense 16 pt characters so that 28 fit the line: 156 mm / 28 = 15.79 pt, in whole twips.
CONDENSE_TWIPS = math.floor(TEXT_WIDTH / CHARS_PER_LINE - BODY_PT * 20)  # -5 twips
CHAR = BODY_PT * 20  # one 正文 character in twips, the fallback of the *Chars indents

# --- the styles, by their user-visible names ---------------------------------------------------

STYLE_BODY = "正文"
STYLE_TITLE = "公文标题"
STYLE_PART = "部分标题"
STYLE_HEADING_1 = "一级标题"
STYLE_HEADING_2 = "二级标题"
STYLE_HEADING_2_CHAR = "二级标题字符"
STYLE_HEADING_3 = "三级标题"
STYLE_HEADING_3_CHAR = "三级标题字符"
STYLE_SALUTATION = "主送机关"
STYLE_ATTACHMENTS = "附件说明"
STYLE_SIGNATURE = "发文机关署名"
STYLE_DATE = "成文日期"
STYLE_CONFIDENTIALITY = "密级"
STYLE_TABLE = "公文表格"
STYLE_TABLE_TEXT = "表格文字"
STYLE_PAGE_NUMBER = "页码"

# The lead-in of a paragraph, by level: level 2 "（一）" in 楷体, level 3 "1." in bold 仿宋.
LEAD_STYLES = {
    2: (STYLE_HEADING_2, STYLE_HEADING_2_CHAR),
    3: (STYLE_HEADING_3, STYLE_HEADING_3_CHAR),
}

SIGNATURE_RIGHT_CHARS = 2  # §7.3.5.2: the signature two characters in from the right edge
DATE_SHIFT_CHARS = 2  # … and the date's first character two characters right of its own

# The schema order of the children of w:pPr and w:rPr (Word refuses them out of order).
_PPR_ORDER = (
    "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers "
    "pBdr shd tabs suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE "
    "autoSpaceDN bidi adjustRightInd snapToGrid spacing ind contextualSpacing mirrorIndents "
    "suppressOverlap jc textDirection textAlignment textboxTightWrap outlineLvl divId cnfStyle "
    "rPr sectPr pPrChange"
).split()
_RPR_ORDER = (
    "rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss imprint "
    "noProof snapToGrid vanish webHidden color spacing w kern position sz szCs highlight u "
    "effect bdr shd fitText vertAlign rtl cs em lang eastAsianLayout specVanish oMath"
).split()
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def render_report_docx(report: AnnualReport) -> bytes:
    """Return the report (title, preface, parts, sections; no statistics) as .docx bytes.

    Page, styles, numbering and footers follow GB/T 9704-2012 as described in the module's
    docstring; the bytes open in Word, WPS and LibreOffice.
    """
    document = docx.Document()
    _clean_template(document)
    _add_styles(document)
    _page_setup(document)
    _core_properties(document, report)
    _Writer(document).report(report)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def report_docx_filename(report: AnnualReport) -> str:
    """Return the .docx file's name: the report's title, safe on every file system."""
    name = safe_filename(report.title)
    return f"{name or f'{report.year}年外事工作总结'}.docx"


def text_width(text: str) -> float:
    """The width of `text` in characters of its font size: ASCII (digits, Latin) counts ½.

    "2023年12月20日" is 7 characters wide: 8 digits are 4, 年月日 are 3.
    """
    return sum(0.5 if char.isascii() else 1 for char in text)


def signoff_right_indents(signature: str, date: str) -> tuple[float, float]:
    """The right indents, in characters, of 发文机关署名 and 成文日期 (GB/T 9704-2012 §7.3.5.2).

    The signature is right-indented two characters; the date, on the next line, starts two
    characters right of the signature's first character, i.e. its right indent is
    width(signature) − width(date). Where that leaves less than two characters, the date is
    right-indented two characters and the signature moves left by as much. A signature or
    date alone is right-indented two characters. Returns (signature indent, date indent),
    both multiples of ½ (widths by `text_width`).
    """
    signature_right = float(SIGNATURE_RIGHT_CHARS)
    if not signature or not date:  # alone, either keeps its two characters
        return signature_right, signature_right
    date_right = signature_right + text_width(signature) - DATE_SHIFT_CHARS - text_width(date)
    if date_right < SIGNATURE_RIGHT_CHARS:
        signature_right += SIGNATURE_RIGHT_CHARS - date_right
        date_right = float(SIGNATURE_RIGHT_CHARS)
    return signature_right, date_right


# --- writing the report ---------------------------------------------------------------------


class _Writer:
    """Appends the report to the document, block by block, in the document's styles."""

    def __init__(self, document):
        self.document = document
        self.styles = document.styles

    def report(self, report: AnnualReport) -> None:
        mark = CONFIDENTIALITY_MARKS.get(report.confidentiality, "")
        if mark:
            self.paragraph(STYLE_CONFIDENTIALITY, mark)
        title = self.document.add_paragraph(style=self.styles[STYLE_TITLE])
        run = title.add_run()
        for index, line in enumerate(title_lines(report.title)):
            if index:
                run.add_break()  # broken before "及", as in the PDF
            run.add_text(_clean(line))
        self.blocks(paragraphs(report.preface))
        parts = report_parts(report)
        for index, part in enumerate(parts, start=1):
            if len(parts) > 1:  # one part needs no "第一部分": the title already names it
                heading = "　".join(filter(None, [f"第{chinese_numeral(index)}部分", part.title]))
                paragraph = self.paragraph(STYLE_PART, heading)
                if index == 1:
                    paragraph.paragraph_format.space_before = Twips(0)
            self.blocks(paragraphs(part.intro))
            sections = list(part.sections.all())
            num_id = _section_numbering(self.document, index) if sections else None
            for section in sections:
                heading = self.paragraph(STYLE_HEADING_1, section.title)
                num_pr = heading._p.get_or_add_pPr().get_or_add_numPr()
                num_pr.get_or_add_ilvl().val = 0
                num_pr.get_or_add_numId().val = num_id
                self.blocks(paragraphs(section.body))
        if self._ends_with_table():
            self.paragraph(STYLE_BODY)  # Word keeps a paragraph after the last table

    def _ends_with_table(self) -> bool:
        body = self.document.element.body
        last = body[-2] if len(body) > 1 else None  # body[-1] is the w:sectPr
        return last is not None and last.tag == qn("w:tbl")

    def paragraph(self, style: str, text: str = ""):
        paragraph = self.document.add_paragraph(style=self.styles[style])
        if text:
            paragraph.add_run(_clean(text))
        return paragraph

    def blocks(self, blocks: list[Block | Signoff]) -> None:
        for block in blocks:
            if isinstance(block, Signoff):
                self.signoff(block)
            elif block.kind == PARAGRAPH:
                self.text_paragraph(block)
            elif block.kind == TABLE:
                self.table(block)
            elif block.kind == SALUTATION:
                self.paragraph(STYLE_SALUTATION, block.text)
            elif block.kind == ATTACHMENTS:
                self.attachments(block.items)

    def text_paragraph(self, block: Block) -> None:
        styles = LEAD_STYLES.get(block.level)
        if styles and block.lead and not block.body.strip():
            self.paragraph(styles[0], block.text)  # a lead-in alone: a heading of its level
            return
        paragraph = self.paragraph(STYLE_BODY)
        if styles and block.lead:
            paragraph.add_run(_clean(block.lead), style=self.styles[styles[1]])
            paragraph.add_run(_clean(block.body))
        else:
            paragraph.add_run(_clean(block.text))

    def attachments(self, items: list[str]) -> None:
        """附件说明: the label "附件：", then each item on a line of its own (hanging indent)."""
        paragraph = self.paragraph(STYLE_ATTACHMENTS)
        run = paragraph.add_run("附件：")
        for index, item in enumerate(items):
            if index:
                run.add_break()
            run.add_text(_clean(item))

    def signoff(self, signoff: Signoff) -> None:
        signature_right, date_right = signoff_right_indents(signoff.signature, signoff.date)
        if signoff.signature:
            paragraph = self.paragraph(STYLE_SIGNATURE, signoff.signature)
            _set_right_indent(paragraph, signature_right)
        if signoff.date:
            paragraph = self.paragraph(STYLE_DATE, signoff.date)
            _set_right_indent(paragraph, date_right)
            if not signoff.signature:  # a date alone keeps the empty line a signature has
                paragraph.paragraph_format.space_before = Twips(LINE_PITCH)

    def table(self, block: Block) -> None:
        placed = _place_cells(block.cells())
        if not placed:
            return
        height = max(r + cell.rowspan for r, _, cell in placed)
        width = max(c + cell.colspan for _, c, cell in placed)
        if self._ends_with_table():
            self.paragraph(STYLE_BODY)  # Word would join two tables that touch
        # Equal columns over the text block's width (python-docx sizes them from the page).
        table = self.document.add_table(rows=height, cols=width)
        table.style = self.styles[STYLE_TABLE]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        _set(table._tbl.tblPr, _TBLPR_ORDER, "tblW", w=5000, type="pct")
        # table.cell(r, c) lists every cell on each call: read the grid once (linear time).
        grid = table._cells
        for r, c, cell in placed:
            target = grid[r * width + c]
            if cell.rowspan > 1 or cell.colspan > 1:
                corner = grid[(r + cell.rowspan - 1) * width + c + cell.colspan - 1]
                target = target.merge(corner)
            paragraph = target.paragraphs[0]
            if cell.text:
                paragraph.add_run(_clean(cell.text))
        # Every cell, the continuations of vertical merges too (their empty paragraph still
        # counts for the row's height).
        for tc in table._tbl.iter(qn("w:tc")):
            tc.get_or_add_tcPr().vAlign_val = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        for p in table._tbl.iter(qn("w:p")):
            p.get_or_add_pPr().style = "GWTableText"


_STYLE_ORDER = (
    "name aliases basedOn next link autoRedefine hidden uiPriority semiHidden unhideWhenUsed "
    "qFormat locked personal personalCompose personalReply rsid pPr rPr tblPr trPr tcPr "
    "tblStylePr"
).split()
_TBLPR_ORDER = (
    "tblStyle tblpPr tblOverlap bidiVisual tblStyleRowBandSize tblStyleColBandSize tblW jc "
    "tblCellSpacing tblInd tblBorders shd tblLayout tblCellMar tblLook"
).split()


def _place_cells(rows: list[list[Cell]]) -> list[tuple[int, int, Cell]]:
    """Each drawn cell with its grid position (row, column), as `blocks.cells_grid` lays it."""
    taken: set[tuple[int, int]] = set()
    placed = []
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            placed.append((r, c, cell))
            taken.update(
                (r + dr, c + dc) for dr in range(cell.rowspan) for dc in range(cell.colspan)
            )
            c += cell.colspan
    return placed


def _set_right_indent(paragraph, chars: float) -> None:
    ind = _set(paragraph._p.get_or_add_pPr(), _PPR_ORDER, "ind")
    ind.set(qn("w:right"), str(round(chars * CHAR)))
    ind.set(qn("w:rightChars"), str(round(chars * 100)))


def _clean(text: str) -> str:
    """Text without the control characters XML cannot hold."""
    return _XML_ILLEGAL.sub("", text or "")


# --- numbering: "一、" as Word's automatic numbering -----------------------------------------


def _section_numbering(document, part_index: int) -> int:
    """Add the list of a part's sections (一、二、…, from 一 again) and return its numId.

    Each part has an abstractNum of its own and a w:num that restarts it (startOverride 1), so
    every viewer restarts the count in the next part.
    """
    numbering = document.part.numbering_part.element
    abstract = parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{part_index}">'
        f'<w:nsid w:val="{0x4A5E0000 + part_index:08X}"/>'
        '<w:multiLevelType w:val="singleLevel"/>'
        f'<w:name w:val="{STYLE_HEADING_1}{part_index}"/>'
        '<w:lvl w:ilvl="0">'
        '<w:start w:val="1"/>'
        '<w:numFmt w:val="chineseCounting"/>'
        '<w:suff w:val="nothing"/>'
        '<w:lvlText w:val="%1、"/>'
        '<w:lvlJc w:val="left"/>'
        f'<w:pPr><w:ind w:left="0" w:firstLine="{2 * CHAR}" w:firstLineChars="200"/></w:pPr>'
        f'<w:rPr><w:rFonts w:ascii="{LATIN_FONT}" w:hAnsi="{LATIN_FONT}" w:eastAsia="{HEITI}"'
        f' w:cs="{LATIN_FONT}"/></w:rPr>'
        "</w:lvl></w:abstractNum>"
    )
    first_num = numbering.find(qn("w:num"))
    if first_num is None:
        numbering.append(abstract)
    else:
        first_num.addprevious(abstract)
    num = numbering.add_num(part_index)
    num.add_lvlOverride(ilvl=0).add_startOverride(1)
    return num.numId


# --- styles ----------------------------------------------------------------------------------


def _set(parent, order: list[str], tag: str, **attrs):
    """Set the child w:`tag` of `parent` (replacing one already there), in schema order."""
    existing = parent.find(qn(f"w:{tag}"))
    if existing is not None:
        parent.remove(existing)
    child = OxmlElement(f"w:{tag}")
    for name, value in attrs.items():
        child.set(qn(f"w:{name}"), str(value))
    position = order.index(tag)
    for sibling in parent:
        name = sibling.tag.rpartition("}")[2]
        if name in order and order.index(name) > position:
            sibling.addprevious(child)
            return child
    parent.append(child)
    return child


def _run_properties(
    rpr, east_asia: str | None, size: float | None, bold: bool = False, *, latin: str = LATIN_FONT
) -> None:
    if east_asia:
        _set(rpr, _RPR_ORDER, "rFonts", ascii=latin, hAnsi=latin, eastAsia=east_asia, cs=latin)
    if bold:
        _set(rpr, _RPR_ORDER, "b")
        _set(rpr, _RPR_ORDER, "bCs")
    if size == BODY_PT:
        _set(rpr, _RPR_ORDER, "spacing", val=CONDENSE_TWIPS)
    if size:
        _set(rpr, _RPR_ORDER, "sz", val=round(size * 2))
        _set(rpr, _RPR_ORDER, "szCs", val=round(size * 2))
    _set(rpr, _RPR_ORDER, "lang", val="en-US", eastAsia="zh-CN", bidi="ar-SA")


def _add_style(
    document,
    name: str,
    style_id: str,
    kind: WD_STYLE_TYPE = WD_STYLE_TYPE.PARAGRAPH,
    *,
    based_on: str | None = "Normal",
    east_asia: str = FANGSONG,
    size: float | None = BODY_PT,
    bold: bool = False,
    latin: str = LATIN_FONT,
    ppr: tuple[tuple[str, dict], ...] = (),
    next_style: str | None = None,
    link: str | None = None,
    priority: int = 1,
    quick: bool = True,
):
    """Add a style named `name` (what Word shows) with the ASCII id `style_id`.

    `based_on`, `next_style` and `link` are style ids; `ppr` the paragraph properties as
    (tag, attributes) pairs; `size` in points (None: inherited); `quick`: in the gallery.
    Every style names its fonts: Latin `latin`, Chinese `east_asia`.
    """
    style = document.styles.add_style(name, kind)
    style.style_id = style_id
    style.priority = priority
    style.quick_style = quick
    element = style.element
    for tag, value in (("basedOn", based_on), ("next", next_style), ("link", link)):
        if value:
            _set(element, _STYLE_ORDER, tag, val=value)
    if ppr:
        pPr = element.get_or_add_pPr()
        for tag, attrs in ppr:
            _set(pPr, _PPR_ORDER, tag, **attrs)
    _run_properties(element.get_or_add_rPr(), east_asia, size, bold, latin=latin)
    return style


_BODY_SPACING = ("spacing", {"before": 0, "after": 0, "line": LINE_PITCH, "lineRule": "exact"})
_LINE_BEFORE = (
    "spacing",
    {"before": LINE_PITCH, "after": 0, "line": LINE_PITCH, "lineRule": "exact"},
)
_FIRST_LINE_2 = ("ind", {"firstLine": 2 * CHAR, "firstLineChars": 200})
_LINE_AFTER = (
    "spacing",
    {"before": 0, "after": LINE_PITCH, "line": LINE_PITCH, "lineRule": "exact"},
)
_KEEP_NEXT = ("keepNext", {})
_NO_GRID = ("snapToGrid", {"val": 0})


def _outline(level: int) -> tuple[str, dict]:
    return ("outlineLvl", {"val": level - 1})


def _add_styles(document) -> None:
    """The styles of a 公文 template; Latin text in Times New Roman, Chinese in its face."""
    _default_properties(document)
    priorities = iter(range(1, 100))  # the order of the style gallery

    def add(name, style_id, *args, **kwargs):
        return _add_style(document, name, style_id, *args, priority=next(priorities), **kwargs)

    add(STYLE_BODY, "GWBody", ppr=(_FIRST_LINE_2,), next_style="GWBody")
    add(
        STYLE_TITLE,
        "GWTitle",
        east_asia=XIAOBIAOSONG,
        size=TITLE_PT,
        ppr=(
            _KEEP_NEXT,
            _NO_GRID,
            _LINE_AFTER,
            ("jc", {"val": "center"}),
        ),
        next_style="GWBody",
    )
    add(
        STYLE_PART,
        "GWPart",
        east_asia=HEITI,
        ppr=(_KEEP_NEXT, _LINE_BEFORE, ("jc", {"val": "center"}), _outline(1)),
        next_style="GWBody",
    )
    add(
        STYLE_HEADING_1,
        "GWHeading1",
        based_on="GWBody",
        east_asia=HEITI,
        ppr=(_KEEP_NEXT, _outline(1)),
        next_style="GWBody",
    )
    add(
        STYLE_HEADING_2,
        "GWHeading2",
        based_on="GWBody",
        east_asia=KAITI,
        ppr=(_KEEP_NEXT, _outline(2)),
        next_style="GWBody",
        link="GWHeading2Char",
    )
    add(
        STYLE_HEADING_3,
        "GWHeading3",
        based_on="GWBody",
        bold=True,
        ppr=(_KEEP_NEXT, _outline(3)),
        next_style="GWBody",
        link="GWHeading3Char",
    )
    add(
        STYLE_HEADING_2_CHAR,
        "GWHeading2Char",
        WD_STYLE_TYPE.CHARACTER,
        based_on="DefaultParagraphFont",
        east_asia=KAITI,
        size=None,
        link="GWHeading2",
    )
    add(
        STYLE_HEADING_3_CHAR,
        "GWHeading3Char",
        WD_STYLE_TYPE.CHARACTER,
        based_on="DefaultParagraphFont",
        size=None,
        bold=True,
        link="GWHeading3",
    )
    add(STYLE_SALUTATION, "GWSalutation", next_style="GWBody")
    add(
        STYLE_ATTACHMENTS,
        "GWAttachments",
        # 左空二字 "附件：" (3 characters), the items aligned 5 characters in (§7.3.4).
        # Left-aligned: Word stretches a justified line that ends in a line break.
        ppr=(
            _LINE_BEFORE,
            ("ind", {"left": 5 * CHAR, "leftChars": 500, "hanging": 3 * CHAR, "hangingChars": 300}),
            ("jc", {"val": "left"}),
        ),
    )
    add(
        STYLE_SIGNATURE,
        "GWSignature",
        ppr=(
            _KEEP_NEXT,
            _LINE_BEFORE,
            ("ind", {"right": 2 * CHAR, "rightChars": 200}),
            ("jc", {"val": "right"}),
        ),
        next_style="GWDate",
    )
    add(
        STYLE_DATE,
        "GWDate",
        ppr=(("ind", {"right": 2 * CHAR, "rightChars": 200}), ("jc", {"val": "right"})),
    )
    add(
        STYLE_CONFIDENTIALITY,
        "GWConfidentiality",
        east_asia=HEITI,
        ppr=(
            _KEEP_NEXT,
            _LINE_AFTER,
            ("jc", {"val": "left"}),
        ),
        next_style="GWTitle",
    )
    add(
        STYLE_TABLE_TEXT,
        "GWTableText",
        size=TABLE_PT,
        east_asia=FANGSONG,
        ppr=(
            _NO_GRID,
            ("spacing", {"before": 0, "after": 0, "line": 240, "lineRule": "auto"}),
            ("jc", {"val": "center"}),
        ),
    )
    add(
        STYLE_PAGE_NUMBER,
        "GWPageNumber",
        # GB/T 9704 §7.5: 4号半角宋体阿拉伯数字, so the digits are 宋体 too.
        east_asia=SONGTI,
        latin=SONGTI,
        size=PAGE_NUMBER_PT,
        quick=False,
        ppr=(
            _NO_GRID,
            (
                "spacing",
                {"before": 0, "after": 0, "line": PAGE_NUMBER_PT * 20, "lineRule": "exact"},
            ),
        ),
    )
    table = add(
        STYLE_TABLE,
        "GWTable",
        WD_STYLE_TYPE.TABLE,
        based_on="TableNormal",
        size=TABLE_PT,
        quick=False,
    )
    borders = "".join(
        f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
        for side in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    table.element.append(
        parse_xml(
            f"<w:tblPr {nsdecls('w')}><w:tblBorders>{borders}</w:tblBorders>"
            '<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>'
            '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar>'
            "</w:tblPr>"
        )
    )


def _default_properties(document) -> None:
    """docDefaults and Normal: 3号 仿宋_GB2312, Times New Roman, Chinese, exact 28.95 pt lines.

    The character grid is measured from Normal's size, so Normal is 16 pt.
    """
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is not None:
        styles.remove(defaults)
    styles.insert(
        0,
        parse_xml(
            f"<w:docDefaults {nsdecls('w')}><w:rPrDefault><w:rPr>"
            f'<w:rFonts w:ascii="{LATIN_FONT}" w:hAnsi="{LATIN_FONT}" w:eastAsia="{FANGSONG}"'
            f' w:cs="{LATIN_FONT}"/>'
            f'<w:sz w:val="{BODY_PT * 2}"/><w:szCs w:val="{BODY_PT * 2}"/>'
            '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/>'
            "</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr>"
            '<w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>'
            "</w:pPr></w:pPrDefault></w:docDefaults>"
        ),
    )
    normal = document.styles["Normal"].element
    # Our 正文 is the body style; Normal stays out of the quick-style gallery.
    for q_format in normal.findall(qn("w:qFormat")):
        normal.remove(q_format)
    pPr = normal.get_or_add_pPr()
    for tag, attrs in (
        ("widowControl", {}),
        ("autoSpaceDE", {"val": 0}),  # no extra space between Chinese and digits
        ("autoSpaceDN", {"val": 0}),
        _BODY_SPACING,
        ("jc", {"val": "both"}),
    ):
        _set(pPr, _PPR_ORDER, tag, **attrs)
    _run_properties(normal.get_or_add_rPr(), FANGSONG, BODY_PT)


# --- the page and the package ----------------------------------------------------------------


def _page_setup(document) -> None:
    """A4, the GB/T 9704 margins, the 22 × 28 grid, page numbers in odd and even footers."""
    section = document.sections[0]
    section.page_width, section.page_height = (Twips(t) for t in PAGE_TWIPS)
    section.top_margin = Twips(MARGIN_TWIPS["top"])
    section.bottom_margin = Twips(MARGIN_TWIPS["bottom"])
    section.left_margin = Twips(MARGIN_TWIPS["left"])
    section.right_margin = Twips(MARGIN_TWIPS["right"])
    section.gutter = Twips(0)
    section.header_distance = Twips(_twips(15))
    # The page number's line (exactly 14 pt high) starts 7 mm below the text block.
    section.footer_distance = Twips(
        MARGIN_TWIPS["bottom"] - _twips(PAGE_NUMBER_GAP_MM) - PAGE_NUMBER_PT * 20
    )
    sect_pr = section._sectPr
    grid = sect_pr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sect_pr.append(grid)
    grid.attrib.clear()
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(LINE_PITCH))

    document.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer, odd=True)
    _page_number(section.even_page_footer, odd=False)


def _page_number(footer, *, odd: bool) -> None:
    """ "— N —" with a PAGE field: odd pages right, even pages left, one 4号 character in."""
    footer.is_linked_to_previous = False
    paragraph = footer.paragraphs[0]
    paragraph.style = STYLE_PAGE_NUMBER
    ind = _set(paragraph._p.get_or_add_pPr(), _PPR_ORDER, "ind")
    ind.set(qn("w:right" if odd else "w:left"), str(PAGE_NUMBER_PT * 20))
    _set(paragraph._p.get_or_add_pPr(), _PPR_ORDER, "jc", val="right" if odd else "left")
    paragraph.add_run("— ")
    for kind in ("begin", None, "separate", "1", "end"):
        run = paragraph.add_run()
        if kind is None:
            instruction = OxmlElement("w:instrText")
            instruction.set(qn("xml:space"), "preserve")
            instruction.text = " PAGE "
            run._r.append(instruction)
        elif kind == "1":
            run.add_text("1")  # the cached result, until the viewer updates the field
        else:
            run._r.append(OxmlElement("w:fldChar", attrs={qn("w:fldCharType"): kind}))
    paragraph.add_run(" —")


_STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"
_KEPT_STYLES = {"Normal", "DefaultParagraphFont", "TableNormal", "NoList"}


def _clean_template(document) -> None:
    """Strip python-docx's template to what a 公文 needs.

    Out go its English sample styles, list definitions, thumbnail, custom XML and Word 2010
    styles-with-effects; in comes a font table naming the Chinese fonts and their fallbacks;
    the settings say Chinese and Word 2013+ (no "compatibility mode" banner).
    """
    styles = document.styles.element
    for style in styles.findall(qn("w:style")):
        if style.get(qn("w:styleId")) not in _KEPT_STYLES:
            styles.remove(style)
    numbering = document.part.numbering_part.element
    for child in list(numbering):
        if child.tag in (qn("w:abstractNum"), qn("w:num"), qn("w:numIdMacAtCleanup")):
            numbering.remove(child)

    part = document.part
    for r_id, rel in list(part.rels.items()):
        if rel.reltype in (RT.CUSTOM_XML, _STYLES_WITH_EFFECTS, RT.FONT_TABLE):
            part.drop_rel(r_id)
    package = part.package
    for r_id, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            del package.rels[r_id]
    part.relate_to(
        Part(PackURI("/word/fontTable.xml"), CT.WML_FONT_TABLE, _font_table(), package),
        RT.FONT_TABLE,
    )

    settings_element = document.settings.element
    for lang in settings_element.findall(qn("w:themeFontLang")):
        lang.set(qn("w:eastAsia"), "zh-CN")
    for setting in settings_element.iter(qn("w:compatSetting")):
        if setting.get(qn("w:name")) == "compatibilityMode":
            setting.set(qn("w:val"), "15")


def _font_table() -> bytes:
    fonts = [
        f'<w:font w:name="{LATIN_FONT}"><w:charset w:val="00"/><w:family w:val="roman"/>'
        '<w:pitch w:val="variable"/></w:font>'
    ]
    for name in (FANGSONG, HEITI, KAITI, XIAOBIAOSONG, SONGTI):
        alt = f'<w:altName w:val="{FONT_FALLBACKS[name]}"/>' if name in FONT_FALLBACKS else ""
        fonts.append(
            f'<w:font w:name="{name}">{alt}<w:charset w:val="86"/>'
            '<w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>'
        )
    return (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        f"<w:fonts {nsdecls('w')}>{''.join(fonts)}</w:fonts>"
    ).encode()


def _core_properties(document, report: AnnualReport) -> None:
    author = f"{settings.SCHOOL_NAME}外事办公室"
    properties = document.core_properties
    properties.title = _clean(report.title)
    properties.author = author
    properties.last_modified_by = author
    properties.language = "zh-CN"
    properties.comments = ""
    properties.subject = ""
    properties.keywords = ""
    properties.revision = 1
    now = datetime.now(UTC).replace(microsecond=0)
    properties.created = now
    properties.modified = now
