"""The yearly report as an official document (GB/T 9704-2012): its HTML and its PDF.

The HTML is the single source of the layout: the web preview shows it and WeasyPrint prints
it, so what leadership reads on screen is what they download.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Prefetch, prefetch_related_objects
from django.template.loader import render_to_string

from foreign_affairs.attachments import safe_filename
from foreign_affairs.numbering import chinese_numeral
from reports.blocks import DATE, SIGNATURE, Block, parse_blocks
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
    return drawn


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
                    blocks=paragraphs(section.body),
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
