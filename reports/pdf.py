"""The yearly report as an official document (GB/T 9704-2012): its HTML and its PDF.

The HTML is the single source of the layout: the web preview shows it and WeasyPrint prints
it, so what leadership reads on screen is what they download.
"""

import base64
import functools
import io
import math
import re
import subprocess
import threading
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Prefetch, prefetch_related_objects
from django.template.loader import render_to_string

from foreign_affairs.attachments import safe_filename
from foreign_affairs.numbering import chinese_numeral
from reports.blocks import DATE, SIGNATURE, TABLE, Block, parse_blocks
from reports.fonts import write_pdf
from reports.models import AnnualReport, ReportPart, ReportSection

CONFIDENTIALITY_MARKS = {AnnualReport.Confidentiality.INTERNAL: "内部资料"}

TITLE_LINKS = "及和与暨"
TITLE_LINE_CHARS = 18  # a 22 pt title line holds 20 characters; break longer titles at "及"


@dataclass
class RenderedSection:
    number: str
    title: str
    blocks: list[Block]


@dataclass
class RenderedPart:
    number: str
    title: str
    intro: list[Block]
    sections: list[RenderedSection] = field(default_factory=list)


@dataclass
class Signoff:
    """发文机关署名 and 成文日期 drawn together, as GB/T 9704 §7.3.5 places them."""

    signature: str = ""
    date: str = ""
    kind: str = "signoff"


def paragraphs(text: str) -> list[Block | Signoff]:
    """The blocks of a body as drawn: a signature and the date under it form one `Signoff`."""
    drawn: list[Block | Signoff] = []
    for block in parse_blocks(text):
        previous = drawn[-1] if drawn else None
        if block.kind == DATE and isinstance(previous, Signoff) and not previous.date:
            previous.date = block.text
        elif block.kind == SIGNATURE:
            drawn.append(Signoff(signature=block.text))
        elif block.kind == DATE:
            drawn.append(Signoff(date=block.text))
        else:
            drawn.append(block)
    for block, following in zip(drawn, drawn[1:], strict=False):
        # A table's caption ("…如下表：") stays on the table's page.
        block.keep_with_next = block.kind == "paragraph" and following.kind == TABLE
    return drawn


TITLE_LINE_WIDTH = 20  # characters of 2号 (22 pt) in the 156 mm text block
# Where a title may break (GB/T 9704-2012 §7.3.1: 回行时要做到词意完整): the cost of a break
# before position i. Before 关于/及/暨 costs nothing; after the name of an institution or a
# closing bracket a little; before 和/与 or after 的 more; anywhere else much more; never inside a
# number or before closing punctuation.
_INSTITUTION_ENDS = ("学院", "学校", "大学", "中心", "教育局", "教育厅", "委员会", "办公室", "处")


def _title_width(text: str) -> float:
    return sum(0.5 if char.isascii() else 1 for char in text)


def _break_cost(title: str, i: int) -> float:
    before, after = title[i - 1], title[i]
    if before.isdigit() and after.isdigit() or after in "，。、；：）》”’）)":
        return math.inf
    if title.startswith("关于", i) or after in "及暨":
        return 0
    if title[:i].endswith(_INSTITUTION_ENDS) or before in "）)":
        return 2
    if after in "和与" or before == "的":
        return 3
    return 8


def title_lines(title: str) -> list[str]:
    """Break a title of more than TITLE_LINE_CHARS characters into two or three lines of at
    most TITLE_LINE_WIDTH, at the cheapest places (`_break_cost`), evenly."""
    if _title_width(title) <= TITLE_LINE_CHARS:
        return [title]
    best, best_score = [title], math.inf
    positions = range(1, len(title))
    candidates = [(i,) for i in positions] + [
        (i, j) for i in positions for j in positions if i < j and j - i >= 2
    ]
    for cuts in candidates:
        bounds = (0, *cuts, len(title))
        lines = [title[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]
        widths = [_title_width(line) for line in lines]
        if max(widths) > TITLE_LINE_WIDTH:
            continue
        score = sum(_break_cost(title, i) for i in cuts) + 8 * len(lines)
        score += 0.2 * (max(widths) - min(widths)) + (6 if 3 * min(widths) < max(widths) else 0)
        if score < best_score:
            best, best_score = lines, score
    return best


def report_parts(report: AnnualReport) -> list[ReportPart]:
    """The report's parts in order, each with its sections in order (two queries)."""
    prefetch_related_objects(
        [report],
        Prefetch(
            "parts",
            queryset=ReportPart.objects.order_by("order").prefetch_related(
                Prefetch("sections", queryset=ReportSection.objects.order_by("order"))
            ),
        ),
    )
    return list(report.parts.all())


def _rendered_parts(report: AnnualReport) -> list[RenderedPart]:
    return [
        RenderedPart(
            number=chinese_numeral(index),
            title=part.title,
            intro=paragraphs(part.intro),
            sections=[
                RenderedSection(
                    number=chinese_numeral(number),
                    title=section.title,
                    blocks=paragraphs(section.body),
                )
                for number, section in enumerate(part.sections.all(), start=1)
            ],
        )
        for index, part in enumerate(report_parts(report), start=1)
    ]


@functools.cache
def watermark_image() -> str:
    """The 草稿 watermark as a PNG data URI: an image, so text copied from a draft PDF never
    picks up 草 and 稿 between its sentences. "" when Pillow or a CJK bold face is missing
    (the template then draws the word as text)."""
    try:
        from PIL import Image, ImageDraw, ImageFont

        found = subprocess.run(
            ["fc-match", "-f", "%{file}:%{index}", "Noto Sans CJK SC:bold"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout
        path, _colon, index = found.rpartition(":")
        font = ImageFont.truetype(path, 400, index=int(index or 0))
        text = Image.new("LA", (1200, 520), (0, 0))
        ImageDraw.Draw(text).text((600, 260), "草 稿", font=font, fill=(0, 26), anchor="mm")
        rotated = text.rotate(30, expand=True, resample=Image.Resampling.BICUBIC)
        buffer = io.BytesIO()
        rotated.save(buffer, format="PNG", optimize=True)
    except (ImportError, OSError, ValueError, subprocess.SubprocessError):
        return ""
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def render_report_html(report: AnnualReport, *, draft: bool, statistics_html: str = "") -> str:
    """Return the report as the HTML the PDF is printed from (also the web preview).

    `statistics_html` is trusted markup built by the portal (tables and chart), appended as is.
    """
    parts = _rendered_parts(report)
    return render_to_string(
        "reports/pdf/report.html",
        {
            "report": report,
            "title_lines": title_lines(report.title),
            "author": f"{settings.SCHOOL_NAME}外事办公室",
            "confidentiality": CONFIDENTIALITY_MARKS.get(report.confidentiality, ""),
            "draft": draft,
            "watermark": watermark_image() if draft else "",
            "preface": paragraphs(report.preface),
            "parts": parts,
            # One part needs no "第一部分" heading: the title already names it.
            "numbered_parts": len(parts) > 1,
            "statistics_html": statistics_html,
        },
    )


# --- justification of Chinese text -----------------------------------------------------------
# WeasyPrint (as of 70.0) justifies a line by widening its spaces only: layout.inline.justify_line
# spreads the spare width over the U+0020 and U+00A0 that count_expandable_spaces finds, and
# text.line_break.Layout.set_text(justify=True) widens them by a Pango letter-spacing
# attribute when the line is drawn. Chinese has no spaces, so a line broken a character early
# (a closing mark kept off the next line's start, a Latin word, a number) ended short of the
# right margin. These hooks make every CJK character (and full-width mark) an opportunity too,
# as CSS `text-justify: inter-character` asks, each widened by the same letter-spacing. The
# space is drawn as glyph advance (a TJ offset): the PDF's text is unchanged, copying it gives
# the characters as written, and line breaking (kinsoku included) is not touched.
# "—" and "…" are left out so that "——" and "……" stay joined.
CJK_CHARACTERS = (
    "\u00b7\u2018\u2019\u201c\u201d\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff"
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff01-\uff60\U00020000-\U0003ffff"
)
CJK_JUSTIFIABLE = re.compile(f"[{CJK_CHARACTERS}]")
CJK_RUN = re.compile(f"[{CJK_CHARACTERS}]+")
_justification = threading.Lock()
_justification_hooks: list = []


def justify_cjk() -> None:
    """Make WeasyPrint's `text-align: justify` spread space between CJK characters (once)."""
    with _justification:
        if _justification_hooks:
            return
        from weasyprint.formatting_structure.boxes import InlineBox, LineBox, TextBox
        from weasyprint.layout import inline
        from weasyprint.text import line_break
        from weasyprint.text.ffi import TO_UNITS, ffi, pango

        names = ("count_expandable_spaces", "justify_line", "add_word_spacing")
        if not all(hasattr(inline, name) for name in names):  # another WeasyPrint: as it is
            return
        count_spaces, set_text = inline.count_expandable_spaces, line_break.Layout.set_text

        def text_boxes(box):
            """The text boxes of a line, as justification walks them."""
            if isinstance(box, TextBox):
                yield box
            elif isinstance(box, (LineBox, InlineBox)):
                for child in box.children:
                    if child.is_in_normal_flow():
                        yield from text_boxes(child)

        def count_expandable_spaces(box):
            count = count_spaces(box)  # recurses into inline boxes through this hook
            if isinstance(box, TextBox):
                count += len(CJK_JUSTIFIABLE.findall(box.text))
            return count

        def justify_line(context, line, extra_width):
            texts = [box.text for box in text_boxes(line) if box.text]
            if not texts:
                return
            # Pango gives a character half its letter-spacing on either side and drops the
            # outer half at each end of a line: the line's first and last count for half.
            ends = CJK_JUSTIFIABLE.match(texts[0][0]), CJK_JUSTIFIABLE.match(texts[-1][-1])
            count = count_expandable_spaces(line) - 0.5 * sum(map(bool, ends))
            if count > 0:
                inline.add_word_spacing(context, line, extra_width / count, 0)

        def set_justified_text(self, text, justify=False):
            set_text(self, text, justify)
            extra = self.justification_spacing if justify else 0
            if not extra or not CJK_JUSTIFIABLE.search(self.text):
                return
            # set_text has set the attributes (the extra width made its word spacing
            # non-zero); Pango reads them when the layout's line is first asked for.
            attributes = pango.pango_layout_get_attributes(self.layout)
            if attributes == ffi.NULL:
                return
            letter_spacing = self.style["letter_spacing"]
            letter_spacing = 0 if letter_spacing == "normal" else letter_spacing
            spacing = int((letter_spacing + extra) * TO_UNITS)
            for run in CJK_RUN.finditer(self.text):  # Pango spaces each character of a run
                start = len(self.text[: run.start()].encode())
                attribute = pango.pango_attr_letter_spacing_new(spacing)
                attribute.start_index, attribute.end_index = start, start + len(run[0].encode())
                pango.pango_attr_list_change(attributes, attribute)

        inline.count_expandable_spaces = count_expandable_spaces
        inline.justify_line = justify_line
        line_break.Layout.set_text = set_justified_text
        _justification_hooks.extend([count_expandable_spaces, justify_line, set_justified_text])


def render_report_pdf(
    report: AnnualReport, *, draft: bool | None = None, statistics_html: str = ""
) -> bytes:
    """Return the report as PDF; a report not yet approved is a draft (草稿 watermark)."""
    if draft is None:
        draft = report.status != AnnualReport.Status.APPROVED
    return pdf_from_html(render_report_html(report, draft=draft, statistics_html=statistics_html))


def pdf_from_html(html: str) -> bytes:
    """Print the report's HTML (`render_report_html`) as PDF: justified, prepared fonts first."""
    justify_cjk()
    return write_pdf(html)


def report_filename(report: AnnualReport) -> str:
    """Return the PDF's file name: the report's title, safe on every file system."""
    name = safe_filename(report.title)
    return f"{name or f'{report.year}年外事工作总结'}.pdf"
