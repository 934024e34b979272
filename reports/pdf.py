"""The yearly report as an official document (GB/T 9704-2012): its HTML and its PDF.

The HTML is the single source of the layout: the web preview shows it and WeasyPrint prints
it, so what leadership reads on screen is what they download.
"""

import re
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Prefetch, prefetch_related_objects
from django.template.loader import render_to_string

from foreign_affairs.attachments import safe_filename
from foreign_affairs.numbering import chinese_numeral
from reports.models import AnnualReport, ReportPart, ReportSection

CONFIDENTIALITY_MARKS = {AnnualReport.Confidentiality.INTERNAL: "内部资料"}

# "（一）…。" is a level-2 lead-in (楷体), "1." a level-3 one (bold 仿宋): up to the first 。
LEADIN_RE = re.compile(r"^(（[一二三四五六七八九十]+）[^。！？]*[。！？]?)(.*)$", re.S)
NUMBERED_RE = re.compile(r"^(\d{1,2}[.．](?!\d)[^。！？]*[。！？]?)(.*)$", re.S)
TITLE_LINKS = "及和与暨"
TITLE_LINE_CHARS = 18  # a 22 pt title line holds 20 characters; break longer titles at "及"


@dataclass
class Paragraph:
    """A paragraph of body text; `lead` is its "（一）…。" or "1. …。" lead-in, if any."""

    text: str
    lead: str = ""
    level: int = 0  # 2 for "（一）", 3 for "1."


@dataclass
class RenderedSection:
    number: str
    title: str
    paragraphs: list[Paragraph]


@dataclass
class RenderedPart:
    number: str
    title: str
    intro: list[Paragraph]
    sections: list[RenderedSection] = field(default_factory=list)


def paragraphs(text: str) -> list[Paragraph]:
    """Split a body into paragraphs at blank lines; recognise the lead-in of each."""
    result = []
    for block in re.split(r"\n\s*\n", text.strip()):
        # A line break typed inside a paragraph: no gap in Chinese, one space between words.
        block = re.sub(r"\s*\n\s*", _line_joiner, block.strip())
        if not block:
            continue
        for pattern, level in ((LEADIN_RE, 2), (NUMBERED_RE, 3)):
            if match := pattern.match(block):
                result.append(Paragraph(text=match.group(2), lead=match.group(1), level=level))
                break
        else:
            result.append(Paragraph(text=block))
    return result


def _line_joiner(match: re.Match) -> str:
    before, after = match.string[: match.start()][-1:], match.string[match.end() :][:1]
    return " " if before.isascii() and after.isascii() else ""


def title_lines(title: str) -> list[str]:
    """Break a long title before "及" (or 和/与/暨) nearest its middle, as GB/T 9704 asks."""
    if len(title) <= TITLE_LINE_CHARS:
        return [title]
    middle = len(title) / 2
    cuts = [i for i, char in enumerate(title) if char in TITLE_LINKS and 0 < i < len(title) - 1]
    if not cuts:
        return [title]
    cut = min(cuts, key=lambda i: abs(i - middle))
    return [title[:cut], title[cut:]]


def _prefetch(report: AnnualReport) -> list[ReportPart]:
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
                    paragraphs=paragraphs(section.body),
                )
                for number, section in enumerate(part.sections.all(), start=1)
            ],
        )
        for index, part in enumerate(_prefetch(report), start=1)
    ]


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
            "preface": paragraphs(report.preface),
            "parts": parts,
            # One part needs no "第一部分" heading: the title already names it.
            "numbered_parts": len(parts) > 1,
            "statistics_html": statistics_html,
        },
    )


def render_report_pdf(
    report: AnnualReport, *, draft: bool | None = None, statistics_html: str = ""
) -> bytes:
    """Return the report as PDF; a report not yet approved is a draft (草稿 watermark)."""
    from weasyprint import HTML

    if draft is None:
        draft = report.status != AnnualReport.Status.APPROVED
    html = render_report_html(report, draft=draft, statistics_html=statistics_html)
    return HTML(string=html).write_pdf()


def report_filename(report: AnnualReport) -> str:
    """Return the PDF's file name: the report's title, safe on every file system."""
    name = safe_filename(report.title)
    return f"{name or f'{report.year}年外事工作总结'}.pdf"
