"""Import a yearly report from plain text or .docx: decode, rebuild its structure, save it.

The parsing is pure (text in, dataclasses out) so it can be tested without a database:
`read_report_file` turns bytes into text, `parse_report_text` rebuilds title, preface, parts
and sections, and `report_import` writes them in one transaction.
"""

import io
import re
import zipfile
from dataclasses import dataclass, field
from os import PathLike
from typing import BinaryIO

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from reports.models import AnnualReport, ReportPart, ReportSection, default_report_title

MAX_FILE_BYTES = 10 * 1024 * 1024

# Characters of Chinese text: a space next to one of them is a stray, never a word gap.
CJK = (
    "\u2e80-\u2fdf\u3001-\u303f\u3040-\u30ff\u3100-\u312f\u3200-\u9fff"
    "\uac00-\ud7af\uf900-\ufaff\ufe10-\ufe1f\ufe30-\ufe4f\uff01-\uffef"
    "\U00020000-\U0003134f"
)
_SPACES = re.compile(r"[ \t\u00a0\u1680\u2000-\u200b\u202f\u205f\u3000\ufeff]+")
_STRAY_SPACE = re.compile(rf"(?<=[{CJK}]) | (?=[{CJK}])")
_FULLWIDTH_ALNUM = {
    **{0xFF10 + i: 0x30 + i for i in range(10)},
    **{0xFF21 + i: 0x41 + i for i in range(26)},
    **{0xFF41 + i: 0x61 + i for i in range(26)},
}

NUMERAL = "一二三四五六七八九十百零〇"
PART_RE = re.compile(rf"^第[{NUMERAL}\d]+部分[：:、]?\s*(.*)$")
SECTION_RE = re.compile(rf"^[{NUMERAL}]{{1,3}}、\s*(.+)$")
LEADIN_RE = re.compile(rf"^[（(]\s*([{NUMERAL}]{{1,3}})\s*[）)]\s*")
NUMBERED_RE = re.compile(r"^(\d{1,2})\s*[.．、](?!\d)\s*")
DATE_LINE_RE = re.compile(r"^\d{4}年\d{1,2}月(\d{1,2}日)?$")
# A paragraph ends with one of these, possibly followed by closing quotes or brackets.
TERMINATED_RE = re.compile(r"[。！？；：!?;…]['’”」』）)]*$")
# A line cannot start a paragraph with one of these: the line before it was cut.
CONTINUATION_RE = re.compile(r"^[，。、；：！？）》」』’”,.;:!?)]")
TITLE_LINKS = ("及", "和", "与", "暨")

SHORT_LINE = 20  # shorter lines without end punctuation are headings or signatures, not cuts
HEADING_MAX = 60  # longer "一、…" lines are a heading with its first paragraph run in


class ReportImportError(ValidationError):
    """The file cannot be imported; the message says why, in words an office user follows."""


@dataclass
class ParsedSection:
    title: str
    body: str = ""


@dataclass
class ParsedPart:
    kind: str
    title: str
    intro: str = ""
    sections: list[ParsedSection] = field(default_factory=list)


@dataclass
class ParsedReport:
    title: str
    preface: str
    parts: list[ParsedPart]

    @property
    def section_count(self) -> int:
        return sum(len(part.sections) for part in self.parts)


# --- reading ---------------------------------------------------------------------------------


def read_report_file(path_or_file: str | PathLike | BinaryIO, filename: str | None = None) -> str:
    """Return the text of a .txt (UTF-8, UTF-8 with BOM, UTF-16, GB18030) or .docx report."""
    data = _read_bytes(path_or_file)
    name = (filename or getattr(path_or_file, "name", None) or str(path_or_file)).lower()
    if not data.strip():
        raise ReportImportError(_("The file is empty."), code="empty")
    if data.startswith(b"PK\x03\x04") or name.endswith(".docx"):
        return _docx_text(data)
    if data.startswith(b"%PDF"):
        raise ReportImportError(
            _("A PDF cannot be imported: copy its text into a .txt file, or save it as .docx."),
            code="pdf",
        )
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ReportImportError(
            _("Old Word (.doc) files cannot be read: save the file as .docx or .txt."),
            code="doc",
        )
    return _decode_text(data)


def _read_bytes(path_or_file) -> bytes:
    if isinstance(path_or_file, str | PathLike):
        try:
            with open(path_or_file, "rb") as handle:
                data = handle.read(MAX_FILE_BYTES + 1)
        except OSError as error:
            raise ReportImportError(
                _("The file cannot be opened: %(error)s") % {"error": error.strerror or error},
                code="unreadable",
            ) from error
    else:
        if hasattr(path_or_file, "seek"):
            path_or_file.seek(0)
        data = path_or_file.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise ReportImportError(
            _("The file is larger than %(size)d MB; a report is much smaller.")
            % {"size": MAX_FILE_BYTES // (1024 * 1024)},
            code="too_large",
        )
    return data


def _decode_text(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ["utf-16"]
    elif data.startswith(b"\xef\xbb\xbf"):
        encodings = ["utf-8-sig"]
    else:
        encodings = ["utf-8", "gb18030"]
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_like_text(text):
            return text
    raise ReportImportError(
        _(
            "The file cannot be read as text: save it as a .txt file in UTF-8 or GB18030 "
            "(GBK), or as a .docx Word document."
        ),
        code="not_text",
    )


def _looks_like_text(text: str) -> bool:
    controls = sum(1 for char in text if ord(char) < 32 and char not in "\t\n\r\f\v")
    return controls == 0 and "\ufffd" not in text


def _docx_text(data: bytes) -> str:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as error:
        raise ReportImportError(
            _("The file is not a valid .docx Word document (it may be damaged or renamed)."),
            code="bad_docx",
        ) from error
    return "\n".join(_docx_lines(document))


def _docx_lines(document):
    """The document's paragraphs in order; a table gives one line per row, cells split by ｜."""
    from docx.table import Table

    for block in document.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                cells = dict.fromkeys(cell.text.strip() for cell in row.cells)  # merged repeat
                yield "｜".join(cell for cell in cells if cell)
        else:
            yield block.text


# --- parsing ---------------------------------------------------------------------------------


def normalize_line(line: str) -> str:
    """Return the line with full-width letters/digits halved and stray spaces removed.

    Spaces next to a Chinese character or punctuation go ("2020 年" → "2020年"); a space between
    two Latin words or numbers stays, collapsed to one.
    """
    line = line.translate(_FULLWIDTH_ALNUM)
    line = _SPACES.sub(" ", line).strip()
    line = _STRAY_SPACE.sub("", line)
    line = LEADIN_RE.sub(lambda match: f"（{match.group(1)}）", line)
    return NUMBERED_RE.sub(lambda match: f"{match.group(1)}.", line)


def parse_report_text(text: str) -> ParsedReport:
    """Rebuild title, preface, parts and sections from the text of a report."""
    lines = [normalize_line(line) for line in text.splitlines()]
    lines = [line for line in lines if line]
    if not any(re.search(f"[{CJK}]", line) for line in lines):
        raise ReportImportError(
            _("The file contains no Chinese report text: is it the right file?"),
            code="no_text",
        )
    title, lines = _take_title(lines)
    return _build(title, _join_broken_lines(_split_run_in(lines)))


def _is_heading(line: str) -> bool:
    return bool(PART_RE.match(line) or _section_title(line))


def _section_title(line: str) -> str | None:
    match = SECTION_RE.match(line)
    if not match:
        return None
    title = match.group(1)
    if len(title) > HEADING_MAX:
        return None  # a numbered paragraph of running text, not a heading
    return title


def _take_title(lines: list[str]) -> tuple[str, list[str]]:
    """Split off the title: the short first line(s) that end without punctuation."""
    if not lines or _is_heading(lines[0]) or not _is_title_like(lines[0]):
        return "", lines
    title, rest = lines[0], lines[1:]
    if rest and _is_title_like(rest[0]) and not _is_heading(rest[0]):
        # A title broken over two lines at "及" ("……总结" / "及……计划").
        if title.endswith(TITLE_LINKS) or rest[0].startswith(TITLE_LINKS):
            title, rest = title + rest[0], rest[1:]
    return title, rest


def _is_title_like(line: str) -> bool:
    return len(line) <= HEADING_MAX and not TERMINATED_RE.search(line) and "，" not in line


def _is_leadin_heading(line: str) -> bool:
    """A "（一）…" or "1." line that is a heading of its own (short, no sentence in it)."""
    starts = LEADIN_RE.match(line) or NUMBERED_RE.match(line)
    return bool(starts) and len(line) <= 30 and not re.search("[。！？；]", line)


def _starts_paragraph(line: str) -> bool:
    return bool(
        _is_heading(line)
        or LEADIN_RE.match(line)
        or NUMBERED_RE.match(line)
        or DATE_LINE_RE.match(line)
    )


def _join_broken_lines(lines: list[str]) -> list[str]:
    """Join lines cut in the middle of a sentence, as PDF or Word copy-paste leaves them."""
    joined: list[str] = []
    for line in lines:
        if joined and _continues(joined[-1], line):
            joined[-1] = _glue(joined[-1], line)
        else:
            joined.append(line)
    return joined


def _continues(previous: str, line: str) -> bool:
    if _is_heading(previous) or _is_leadin_heading(previous) or _starts_paragraph(line):
        return False
    if TERMINATED_RE.search(previous):
        return False
    return len(previous) >= SHORT_LINE or bool(CONTINUATION_RE.match(line))


def _glue(previous: str, line: str) -> str:
    if re.search(r"[A-Za-z0-9,.;:!?]$", previous) and re.match(r"[A-Za-z0-9]", line):
        return f"{previous} {line}"  # a Latin phrase cut at a space
    return previous + line


def _part_kind(title: str, order: int) -> str:
    if "计划" in title and "总结" not in title:
        return ReportPart.Kind.PLAN
    if "总结" in title:
        return ReportPart.Kind.SUMMARY
    return ReportPart.Kind.SUMMARY if order == 1 else ReportPart.Kind.PLAN


def _build(title: str, lines: list[str]) -> ParsedReport:
    preface: list[str] = []
    # Each part: the part, its intro's paragraphs, its sections (title, paragraphs).
    parts: list[tuple[ParsedPart, list[str], list[tuple[str, list[str]]]]] = []
    texts = preface  # the paragraphs the next line belongs to
    for line in lines:
        if part := PART_RE.match(line):
            texts = []
            kind = _part_kind(line, len(parts) + 1)
            parts.append((ParsedPart(kind=kind, title=_part_title(part.group(1))), texts, []))
        elif (section_title := _section_title(line)) is not None:
            if not parts:
                parts.append((ParsedPart(kind=ReportPart.Kind.SUMMARY, title=""), [], []))
            texts = []
            parts[-1][2].append((section_title, texts))
        else:
            texts.append(line)
    if not parts:
        # Without parts or sections the whole text is one summary part.
        parts.append((ParsedPart(kind=ReportPart.Kind.SUMMARY, title=""), preface, []))
        preface = []
    return ParsedReport(
        title=title,
        preface=_paragraphs(preface),
        parts=[_finish_part(*part) for part in parts],
    )


_TITLE_ON_NEXT_LINE = "\0"  # "第一部分" alone on its line: the title is the next line


def _part_title(text: str) -> str:
    return text or _TITLE_ON_NEXT_LINE


def _finish_part(part: ParsedPart, intro: list[str], sections) -> ParsedPart:
    if part.title == _TITLE_ON_NEXT_LINE:
        has_title = intro and _is_title_like(intro[0]) and len(intro[0]) <= 30
        part.title = intro.pop(0) if has_title else ""
    part.intro = _paragraphs(intro)
    part.sections = [ParsedSection(title, _paragraphs(body)) for title, body in sections]
    return part


def _paragraphs(lines: list[str]) -> str:
    return "\n\n".join(lines)


def _split_run_in(lines: list[str]) -> list[str]:
    """Split "一、加强领导。学校……" into the heading and the paragraph run in after it."""
    result = []
    for line in lines:
        match = SECTION_RE.match(line)
        head, dot, rest = line.partition("。")
        if match and dot and rest.strip() and len(head) <= HEADING_MAX:
            result.extend([head, rest.strip()])
        else:
            result.append(line)
    return result


# --- saving ----------------------------------------------------------------------------------


def report_import(
    *,
    file: str | PathLike | BinaryIO,
    filename: str | None = None,
    year: int,
    user=None,
    replace: bool = False,
) -> AnnualReport:
    """Import a report file as the report of `year`; with `replace`, overwrite that year's.

    Raises ReportImportError, and writes nothing, when the file cannot be read or holds no
    report, or when the year already has a report and `replace` is not given.
    """
    parsed = parse_report_text(read_report_file(file, filename))
    with transaction.atomic():
        report = AnnualReport.objects.select_for_update().filter(year=year).first()
        if report is None:
            report = AnnualReport(year=year)
        else:
            _check_replaceable(report, replace)
            report.parts.all().delete()
        report.title = parsed.title or default_report_title(year)
        report.preface = parsed.preface
        report.prepared_by = user or report.prepared_by
        _save(report, user)
        for order, part in enumerate(parsed.parts, start=1):
            _save_part(report, part, order, user)
    return report


def _check_replaceable(report: AnnualReport, replace: bool) -> None:
    if not replace:
        raise ReportImportError(
            _(
                "There is already a report for %(year)s. Choose “replace” to overwrite it "
                "with the imported file."
            )
            % {"year": report.year},
            code="exists",
        )
    from reports.services import report_ensure_editable

    try:  # the workflow's rule: approved is read-only, in review waits for the leaders
        report_ensure_editable(report)
    except ValidationError as error:
        raise ReportImportError("；".join(error.messages), code="read_only") from None


def _save_part(report: AnnualReport, parsed: ParsedPart, order: int, user) -> None:
    title = parsed.title or _default_part_title(report.year, parsed.kind)
    part = ReportPart(report=report, kind=parsed.kind, title=title, intro=parsed.intro, order=order)
    _save(part, user)
    for number, section in enumerate(parsed.sections, start=1):
        _save(
            ReportSection(part=part, order=number, title=section.title, body=section.body),
            user,
        )


def _default_part_title(year: int, kind: str) -> str:
    if kind == ReportPart.Kind.PLAN:
        return f"{year + 1}年外事工作计划"
    return f"{year}年外事工作总结"


def _save(obj, user) -> None:
    try:
        obj.full_clean()
    except ValidationError as error:
        raise ReportImportError(error.messages) from error
    if user is not None:
        obj._history_user = user
    obj.save()
