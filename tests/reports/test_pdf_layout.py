"""The report PDF's typesetting measured with pdfplumber: justified lines, full-width
punctuation, real bold faces, and the closing blocks (主送, tables, 附件, 署名 and 日期) placed
after GB/T 9704-2012."""

import io
import re
from collections import Counter

import pdfplumber
import pypdf
import pytest
from django.db import transaction
from fontTools.ttLib import TTFont

from foreign_affairs.numbering import chinese_numeral
from reports.importer import report_import
from reports.pdf import CJK_JUSTIFIABLE, Signoff, paragraphs, render_report_pdf
from tests.reports.factories import AnnualReportFactory, ReportPartFactory, ReportSectionFactory
from tests.reports.test_import import SAMPLE
from tests.reports.test_pdf import (
    LINE_PITCH,
    MM,
    TEXT_LEFT,
    TEXT_WIDTH,
    baseline,
    text_lines,
    text_of,
)

TEXT_RIGHT = TEXT_LEFT + TEXT_WIDTH
CHAR = TEXT_WIDTH / 28  # 15.79 pt: one character of 3号 text, spacing included
NO_LINE_START = "。，、；：！？）》」』”’"

SALUTATION = "各职业院校、各直属单位、各有关部门和全体在职在岗的教职员工："
# A body as stored (the lines of a paragraph are joined without a gap): Chinese with Latin
# names and numbers, lead-ins at levels 2–4, a table with merged cells and the closing blocks.
MIXED = """〔主送〕{salutation}

为贯彻落实“走出去”战略，学校2023年共接待来访团组12批次，涉及美国、英国、澳大利亚
、日本、韩国等8个国家和地区，与Kyungbuk College、Macao Polytechnic University等15所
院校签订合作协议，派出教师赴境外研修……取得了显著成效——国际化办学水平不断提升，合
作院校由2019年的6所增加到15所，增长150%，并聘请外籍专家玛丽·安妮为客座教授。

（一）坚持“走出去”。学校鼓励教师赴境外访学研修，全年派出教师32人次，其中赴德国、
新加坡开展为期3个月的护理专业培训的教师共计18人，较2022年增长40%，参加IELTS、TOEFL等
语言考试的教师平均成绩6.5分。

1.完善制度。修订《因公出国（境）管理办法》，明确审批流程与时限要求，确保每一个出
访团组都按规定程序报批，做到“先审批、后出访”，全年办理护照和港澳通行证共计46本。

（1）规范经费管理。严格执行外事经费预算，经费使用情况按季度报送财务处审核，全年外
事经费支出共计125.6万元，其中国际会议费用23.4万元、外籍教师薪酬68万元。

| 类别 | 2022年 | 2023年 | 增减 |
| 来访团组 | 8 | 12 | +4 |
| 出访团组 | 5 | 9 | +4 |
| 合计（批次） | 13 | 21 | < |
| 备注 | 数据截至2023年11月30日，含线上交流活动 | < | < |

（二）加强外籍教师管理。学校与Ms. Anna Schmidt、Mr. John O'Brien等4名外籍教师续签
聘用合同，建立“一人一档”管理制度，定期开展安全教育与中国文化体验活动。

〔附件〕1.2023年度外事工作统计表
2.南岭护理职业学院与澳门镜湖护理学院合作办学协议书及相关附属材料清单

〔署名〕{signature}

〔日期〕2023年12月20日"""
HEADING = "对外交流与合作稳步推进，国际化办学水平和国际影响力不断提升"
SHORT_SIGNATURE, LONG_SIGNATURE = "国际交流合作处", "南岭护理职业学院国际交流合作处"
MERGED_NOTE = "数据截至2023年11月30日，含线上交流活动"

# pytest-django sets up the test database only for sessions with a test that asks for it.
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def pdfs(django_db_setup, django_db_blocker) -> dict[str, tuple[bytes, list]]:
    """Each report rendered once for the module, with the blocks it draws (see `drawn`)."""
    rendered = {}
    with django_db_blocker.unblock(), transaction.atomic():
        sample = report_import(file=SAMPLE, filename=SAMPLE.name, year=2020)
        rendered["sample"] = (render_report_pdf(sample, draft=False), drawn(sample))
        for name, signature, year in (
            ("mixed", SHORT_SIGNATURE, 2023),
            ("long signature", LONG_SIGNATURE, 2024),
            ("date only", "", 2025),
        ):
            body = MIXED.format(salutation=SALUTATION, signature=signature)
            if not signature:
                body = body.replace("〔署名〕\n\n", "")
            report = AnnualReportFactory(year=year, title=f"{year}年外事工作总结")
            part = ReportPartFactory(report=report, title=report.title)
            ReportSectionFactory(part=part, order=1, title=HEADING, body=body)
            rendered[name] = (render_report_pdf(report, draft=False), drawn(report))
        transaction.set_rollback(True)
    return rendered


@pytest.fixture(scope="module")
def pages(pdfs) -> dict[str, list]:
    opened = {name: pdfplumber.open(io.BytesIO(data)) for name, (data, _) in pdfs.items()}
    yield {name: pdf.pages for name, pdf in opened.items()}
    for pdf in opened.values():
        pdf.close()


# --- what the PDF should hold, and where each line belongs ------------------------------------


def squeeze(text: str) -> str:
    return re.sub(r"\s", "", text)


def drawn(report) -> list[tuple[str, str]]:
    """The blocks drawn in 3号 type, in order, as (kind, text without whitespace).

    The title (22 pt) and tables (14 pt) are left out: lines of those sizes are not matched.
    """
    blocks = []

    def add(body: str):
        for block in paragraphs(body):
            if isinstance(block, Signoff):
                lines = (("signature", block.signature), ("date", block.date))
                blocks.extend((kind, squeeze(text)) for kind, text in lines if text)
            elif block.kind == "attachments":
                blocks.append(("attachments", squeeze("附件：" + "".join(block.items))))
            elif block.kind != "table":
                blocks.append((block.kind, squeeze(block.text)))

    add(report.preface)
    parts = list(report.parts.order_by("order"))
    for number, part in enumerate(parts, start=1):
        if len(parts) > 1:
            blocks.append(("part", squeeze(f"第{chinese_numeral(number)}部分{part.title}")))
        add(part.intro)
        for order, section in enumerate(part.sections.order_by("order"), start=1):
            blocks.append(("heading", squeeze(f"{chinese_numeral(order)}、{section.title}")))
            add(section.body)
    return blocks


def lines_in_blocks(pages, blocks) -> list[tuple[str, list[dict], bool]]:
    """Every line of 3号 text as (kind of its block, its chars, whether it ends the block).

    Fails when the lines do not spell the blocks exactly: no character lost, none gained.
    """
    result, index, so_far = [], 0, ""
    for page in pages:
        for chars in text_lines(page):
            chars = [c for c in chars if not c["text"].isspace()]
            if not chars or round(chars[0]["size"]) != 16:
                continue
            so_far += text_of(chars)
            kind, text = blocks[index]
            assert text.startswith(so_far), (so_far, text)
            result.append((kind, chars, so_far == text))
            if so_far == text:
                index, so_far = index + 1, ""
    assert index == len(blocks), blocks[index:]
    return result


def block_lines(pages, blocks, kind: str) -> list[list[dict]]:
    return [chars for k, chars, _ in lines_in_blocks(pages, blocks) if k == kind]


def chars_of(line: list[dict], text: str) -> list[dict]:
    start = text_of(line).index(text)
    return line[start : start + len(text)]


# --- justification ----------------------------------------------------------------------------


JUSTIFIED = ("paragraph", "heading", "salutation")


@pytest.mark.parametrize("name", ["sample", "mixed"])
def test_lines_end_flush_with_the_right_edge(pdfs, pages, name):
    """Every line but the last of a paragraph (or wrapped heading) ends at the text block's
    right edge: the spare width is spread between the characters."""
    lines = lines_in_blocks(pages[name], pdfs[name][1])
    inner = [chars for kind, chars, last in lines if kind in JUSTIFIED and not last]
    flush = [chars for chars in inner if abs(chars[-1]["x1"] - TEXT_RIGHT) <= 0.5 * MM]
    share = len(flush) / len(inner)
    print(f"{name}: {len(flush)} of {len(inner)} inner lines flush right ({share:.1%})")
    assert len(inner) >= (70 if name == "sample" else 12)
    short = [(text_of(c), round((TEXT_RIGHT - c[-1]["x1"]) / MM, 2)) for c in inner]
    assert share == 1, [s for s in short if abs(s[1]) > 0.5]


@pytest.mark.parametrize("name", ["sample", "mixed"])
def test_last_lines_stay_left_and_nothing_passes_the_edge(pdfs, pages, name):
    lines = lines_in_blocks(pages[name], pdfs[name][1])
    last = [chars for kind, chars, is_last in lines if kind == "paragraph" and is_last]
    # A short last line is not spread out: its characters keep their natural pitch.
    for chars in last:
        if TEXT_RIGHT - chars[-1]["x1"] > 3 * CHAR:
            assert max(pitches(chars), default=CHAR) < CHAR + 0.05, text_of(chars)
    for page in pages[name]:
        for chars in text_lines(page):
            assert chars[-1]["x1"] <= TEXT_RIGHT + 0.5 * MM, text_of(chars)


def pitches(chars: list[dict]) -> list[float]:
    """Distances between neighbouring CJK characters (both justification opportunities)."""
    return [
        b["x0"] - a["x0"]
        for a, b in zip(chars, chars[1:], strict=False)
        if CJK_JUSTIFIABLE.match(a["text"]) and CJK_JUSTIFIABLE.match(b["text"])
    ]


def test_space_is_spread_evenly_between_characters(pdfs, pages):
    """Within a justified line the pitch of CJK characters is one and the same."""
    lines = lines_in_blocks(pages["sample"], pdfs["sample"][1])
    stretched = 0
    for kind, chars, last in lines:
        steps = pitches(chars)
        if kind in JUSTIFIED and not last and steps:
            assert max(steps) - min(steps) < 0.05, text_of(chars)
            stretched += max(steps) > CHAR + 0.05
    assert stretched >= 5  # lines that really needed spreading


@pytest.mark.parametrize("name", ["sample", "mixed"])
def test_copied_text_is_the_text_as_written(pdfs, pages, name):
    """Justification adds no character: the page's text without whitespace is the blocks'."""
    data, blocks = pdfs[name]
    text = squeeze("".join(page.extract_text() for page in pages[name]))
    text = re.sub(r"—\d+—", "", text)  # page numbers
    position = 0
    for _, block in blocks:
        found = text.find(block, position)
        assert found >= 0, block
        position = found + len(block)
    # Copied in the order the page is drawn, the characters are the page's, nothing more.
    drawn_chars = squeeze("".join(c["text"] for page in pages[name] for c in page.chars))
    reader = pypdf.PdfReader(io.BytesIO(data))
    copied = squeeze("".join(page.extract_text() for page in reader.pages))
    assert Counter(copied) == Counter(drawn_chars)
    assert not re.search("[\u200b-\u200f\u2060\ufeff]", copied)


def test_no_spaces_appear_between_characters_of_the_sample(pages):
    """The spread stays small enough that text extraction sees no word gaps in Chinese."""
    for page in pages["sample"]:
        for line in page.extract_text().splitlines():
            assert not re.search(r"[\u4e00-\u9fff，。、] [\u4e00-\u9fff，。、]", line), line


@pytest.mark.parametrize("name", ["sample", "mixed"])
def test_no_line_starts_with_a_closing_mark(pages, name):
    for page in pages[name]:
        for chars in text_lines(page):
            assert chars[0]["text"] not in NO_LINE_START, text_of(chars)


def test_lines_stay_on_the_grid_around_lead_ins_and_tables(pages):
    """Lead-ins in other faces and a table of one-line rows keep the 22-line grid."""
    checked = 0
    for page in pages["mixed"]:
        lines = [chars for chars in text_lines(page) if round(chars[0]["size"]) == 16]
        for chars in lines:
            steps = (baseline(chars[0]) - baseline(lines[0][0])) / LINE_PITCH
            assert steps == pytest.approx(round(steps), abs=0.02), text_of(chars)
            checked += 1
    assert checked >= 25


# --- full-width punctuation -------------------------------------------------------------------


def test_quotes_and_marks_are_full_width_in_every_face(pages):
    page = pages["mixed"][0]
    lines = [[c for c in chars if not c["text"].isspace()] for chars in text_lines(page)]
    lead = next(chars for chars in lines if text_of(chars).startswith("（一）坚持“走出去”。"))
    kaiti = chars_of(lead, "（一）坚持“走出去”。")
    assert {c["fontname"].split("+")[1] for c in kaiti if c["text"] not in "“”"} == {"LXGW-WenKai"}
    body = next(chars for chars in lines if text_of(chars).startswith("为贯彻落实“走出去”"))
    marks = [c for c in kaiti + body if c["text"] in "“”"]
    assert len(marks) == 4
    text = "".join(text_of(chars) for chars in lines)
    start = text.index("研修……取得了显著成效——国际化")
    flat = [c for chars in lines for c in chars]
    marks += [c for c in flat[start : start + 17] if c["text"] in "…—"]
    start = text.index("玛丽·安妮")
    marks += [c for c in flat[start : start + 5] if c["text"] == "·"]
    assert len(marks) == 9
    for char in marks:
        assert char["x1"] - char["x0"] >= 15, (char["text"], char["fontname"])
    # The pitch says the same: a full character from one mark to the next character.
    assert body[6]["x0"] - body[5]["x0"] >= 15  # "“" to "走"


# --- real bold --------------------------------------------------------------------------------


def font_programs(data: bytes) -> dict[str, tuple[int, str]]:
    """Each embedded font as {PDF name: (usWeightClass, PostScript name)} of the font file."""
    programs = {}
    for page in pypdf.PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            stream = descriptor.get("/FontFile2") or descriptor.get("/FontFile3")
            program = TTFont(io.BytesIO(stream.get_object().get_data()))
            programs[font["/BaseFont"][1:]] = (
                program["OS/2"].usWeightClass,
                program["name"].getDebugName(6),
            )
    return programs


@pytest.mark.parametrize("name", ["sample", "mixed"])
def test_bold_text_uses_bold_font_files(pdfs, pages, name):
    """Title, headings and "1." lead-ins are set in a Bold face, not a regular one made bold."""
    data, blocks = pdfs[name]
    programs = font_programs(data)
    title = [c for c in text_lines(pages[name][0])[0]]
    lines = lines_in_blocks(pages[name], blocks)
    headings = [c for kind, chars, _ in lines if kind in ("heading", "part") for c in chars]
    body = [c for kind, chars, _ in lines if kind == "paragraph" for c in chars]
    assert round(title[0]["size"]) == 22 and headings
    for char in title + headings:
        weight, postscript = programs[char["fontname"]]
        assert weight >= 700 and postscript.endswith("-Bold"), (char["text"], postscript)
    assert {programs[c["fontname"]][1] for c in title} <= {
        "NotoSerifCJKsc-Bold",
        "FullwidthPunctuationSerif-Bold",
    }
    assert {programs[c["fontname"]][1] for c in headings} <= {
        "NotoSansCJKsc-Bold",
        "FullwidthPunctuationSans-Bold",
    }
    bold_body = [c for c in body if programs[c["fontname"]][0] >= 700]
    if name == "mixed":
        assert text_of(bold_body) == "1.完善制度。"
        assert {programs[c["fontname"]][1] for c in bold_body} == {"NotoSerifCJKsc-Bold"}
    regular = [c for c in body if c not in bold_body]
    assert {programs[c["fontname"]][0] for c in regular} == {400}


# --- the closing blocks -----------------------------------------------------------------------


def test_salutation_flush_left(pdfs, pages):
    lines = block_lines(pages["mixed"], pdfs["mixed"][1], "salutation")
    assert len(lines) == 2  # it wraps, and the second line is flush left too
    for chars in lines:
        assert chars[0]["x0"] == pytest.approx(TEXT_LEFT, abs=0.5 * MM)
    assert lines[0][-1]["x1"] == pytest.approx(TEXT_RIGHT, abs=0.5 * MM)


def test_attachments_after_an_empty_line_two_characters_in(pdfs, pages):
    lines = lines_in_blocks(pages["mixed"], pdfs["mixed"][1])
    kinds = [kind for kind, _, _ in lines]
    first = kinds.index("attachments")
    attachment = [chars for kind, chars, _ in lines if kind == "attachments"]
    assert [text_of(chars)[:5] for chars in attachment] == ["附件：1.", "2.南岭护", "议书及相关"]
    assert attachment[0][0]["x0"] == pytest.approx(TEXT_LEFT + 2 * CHAR, abs=0.5 * MM)
    item_left = TEXT_LEFT + 5 * CHAR  # after "附件："
    assert attachment[0][3]["x0"] == pytest.approx(item_left, abs=0.5 * MM)
    for chars in attachment[1:]:  # the second item, and the line it wraps to
        assert chars[0]["x0"] == pytest.approx(item_left, abs=0.5 * MM)
        assert chars[0]["size"] == pytest.approx(16, abs=0.3)
    before = lines[first - 1][1]  # the last line of the paragraph above: one line left empty
    gap = baseline(attachment[0][0]) - baseline(before[0])
    assert gap == pytest.approx(2 * LINE_PITCH, abs=1)


@pytest.mark.parametrize(
    ("name", "signature_right", "date_right"),
    [
        # The date is longer than the signature: the date 2 characters in from the right
        # edge, the signature starting 2 characters left of the date.
        ("mixed", None, TEXT_RIGHT - 2 * CHAR),
        # A long signature: it is 2 characters in, the date starts 2 characters right of it.
        ("long signature", TEXT_RIGHT - 2 * CHAR, None),
    ],
)
def test_signature_and_date(pdfs, pages, name, signature_right, date_right):
    lines = lines_in_blocks(pages[name], pdfs[name][1])
    kinds = [kind for kind, _, _ in lines]
    index = kinds.index("signature")
    (signature, date) = (lines[index][1], lines[index + 1][1])
    assert (kinds[index + 1], text_of(date)) == ("date", "2023年12月20日")
    assert baseline(date[0]) - baseline(signature[0]) == pytest.approx(LINE_PITCH, abs=0.5)
    assert baseline(signature[0]) - baseline(lines[index - 1][1][0]) == pytest.approx(
        2 * LINE_PITCH, abs=1
    )  # an empty line above
    # A glyph's box passes its advance by the letter-spacing (0.21 pt).
    if date_right:
        assert date[-1]["x1"] == pytest.approx(date_right, abs=1 * MM)
        assert date[0]["x0"] - signature[0]["x0"] == pytest.approx(2 * CHAR, abs=1 * MM)
        assert TEXT_RIGHT - signature[-1]["x1"] > 2 * CHAR
    else:
        assert signature[-1]["x1"] == pytest.approx(signature_right, abs=1 * MM)
        assert date[0]["x0"] - signature[0]["x0"] == pytest.approx(2 * CHAR, abs=1 * MM)
        assert TEXT_RIGHT - date[-1]["x1"] > 2 * CHAR


def test_date_without_signature_two_characters_in(pdfs, pages):
    lines = lines_in_blocks(pages["date only"], pdfs["date only"][1])
    kind, date, _ = lines[-1]
    assert (kind, text_of(date)) == ("date", "2023年12月20日")
    assert date[-1]["x1"] == pytest.approx(TEXT_RIGHT - 2 * CHAR, abs=1 * MM)


def test_table_ruled_full_width_with_merged_cells(pages):
    text = squeeze("".join(page.extract_text() for page in pages["mixed"]))
    for cell in ("类别", "2022年", "来访团组", "出访团组", "合计（批次）", "+4", "备注"):
        assert cell in text
    assert text.count(MERGED_NOTE) == 1  # one cell over three columns
    assert text.count("1321") == 1  # "13" and "21", the second over two columns
    cells = [  # 14 pt, like the page numbers below the text block
        (page, c)
        for page in pages["mixed"]
        for chars in text_lines(page)
        for c in chars
        if round(c["size"]) == 14
    ]
    assert len(cells) > 40
    for page in {page for page, _ in cells}:
        chars = [c for p, c in cells if p is page]
        top, bottom = min(c["top"] for c in chars) - 10, max(c["bottom"] for c in chars) + 10
        edges = [e for e in page.edges if top <= e["top"] and e["bottom"] <= bottom]
        vertical = [e for e in edges if e["orientation"] == "v"]
        horizontal = [e for e in edges if e["orientation"] == "h"]
        assert vertical and horizontal
        assert min(e["x0"] for e in edges) == pytest.approx(TEXT_LEFT, abs=1 * MM)
        assert max(e["x1"] for e in edges) == pytest.approx(TEXT_RIGHT, abs=1 * MM)
        assert all(0.4 <= e["linewidth"] <= 0.8 for e in edges)
