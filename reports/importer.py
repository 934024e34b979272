"""Import a yearly report from text, Word or other office files: read, rebuild, save.

Reading gives a `reports.source.Source` (lines, tables, alignment): plain text decoded here,
.docx by `reports.docx_reader`, .doc/.wps/.rtf/.odt converted by LibreOffice first
(`reports.convert`). Parsing is pure (`parse_report(source)` → `ParsedReport`) so it can be
tested without a database; `report_import` writes the result in one transaction. The cases
this must handle are listed in `shared/report-cases/README.md` and tested one by one.
"""

import re
from dataclasses import dataclass, field, replace
from os import PathLike
from typing import BinaryIO

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from reports.blocks import (
    ATTACHMENTS,
    DATE,
    MAX_BLOCKS,
    MAX_TABLE_COLUMNS,
    MAX_TABLE_ROWS,
    MAX_TEXT,
    PARAGRAPH,
    SALUTATION,
    SIGNATURE,
    TABLE,
    Block,
    blocks_text,
    parse_blocks,
)
from reports.models import AnnualReport, ReportPart, ReportSection, default_report_title
from reports.source import ReportImportError, Source, SourceLine

__all__ = [
    "ReportImportError",
    "normalize_line",
    "parse_report",
    "parse_report_text",
    "read_report_file",
    "report_import",
]

MAX_FILE_BYTES = 10 * 1024 * 1024

# Characters of Chinese text: a space next to one of them is a stray, never a word gap.
CJK = (
    "\u2e80-\u2fdf\u3001-\u303f\u3040-\u30ff\u3100-\u312f\u3200-\u9fff"
    "\uac00-\ud7af\uf900-\ufaff\ufe10-\ufe1f\ufe30-\ufe4f\uff01-\uffef"
    "\U00020000-\U0003134f"
)
_SPACES = re.compile(r"[ \t\u00a0\u1680\u2000-\u200b\u202f\u205f\ufeff]+")
_GAP = re.compile(r"[ \t\u00a0]*\u3000[ \t\u00a0\u3000]*")
# A space between Chinese characters, or between Chinese (incl. punctuation) and a digit.
_STRAY_SPACE = re.compile(rf"(?<=[{CJK}]) (?=[{CJK}0-9“”‘’])|(?<=[0-9“”‘’()]) (?=[{CJK}])")
_FULLWIDTH_ALNUM = {
    **{0xFF10 + i: 0x30 + i for i in range(10)},
    **{0xFF21 + i: 0x41 + i for i in range(26)},
    **{0xFF41 + i: 0x61 + i for i in range(26)},
}

NUMERAL = "一二三四五六七八九十百零〇"
PART_RE = re.compile(rf"^第[{NUMERAL}\d]+部分[：:、]?\s*(.*)$")
SECTION_RE = re.compile(rf"^(?P<n>[{NUMERAL}]{{1,3}})[、．.]\s*(.+)$")
# "第一，拓展合作渠道" / "第二、规范管理": sections when the text has no "一、" headings.
ORDINAL_HEADING_RE = re.compile(rf"^第[{NUMERAL}]{{1,3}}[，、,]\s*(.+)$")
# A part written like a section: "一、2023年工作总结", "二、2024年工作计划".
PART_TITLE_RE = re.compile(r"(总结|计划|要点|安排)$")
# "（一）加强组织领导": a section when the "一、" lines are the parts.
SUBSECTION_START_RE = re.compile(rf"^[（(][{NUMERAL}]{{1,3}}[）)]")
SUBSECTION_RE = re.compile(rf"^[（(][{NUMERAL}]{{1,3}}[）)]\s*([^。！？；]{{1,60}}。?)$")
# A report that is a plan: its title ends with 计划 or 工作要点 ("2022年外事工作计划").
PLAN_TITLE_RE = re.compile(r"(计划|工作要点)$")
LEADIN_RE = re.compile(
    rf"^([（(]\s*[{NUMERAL}\d]{{1,3}}\s*[）)]|\d{{1,2}}\s*[.．、](?!\d)|[{NUMERAL}]+是)"
)
LIST_ITEM_RE = re.compile(r"^([a-zA-Z]|\d{1,2})[.．、)）\s]")
DATE_LINE_RE = re.compile(
    r"^(\d{4}|[〇零一二三四五六七八九]{4})年[\d一二三四五六七八九十]{1,3}月"
    r"([\d一二三四五六七八九十]{1,3}日)?$"
)
ATTACHMENTS_RE = re.compile(r"^附\s*件\s*[：:]\s*(.*)$")
ATTACHMENT_PAGE_RE = re.compile(r"^附\s*件\s*\d{0,2}$")
ATTACHMENT_ITEM_RE = re.compile(r"^\d{1,2}\s*[.．、]")
CONTACT_RE = re.compile(r"^(联系人|联系电话|电话|传真|邮箱|电子邮箱|地址)[：:]")
SALUTATION_RE = re.compile(r"^[^。，；！？,;]{2,40}[：:]$")
# Page headers, footers and numbers copied from a PDF: "第1页 共5页", "— 3 —", "- 3 -".
PAGE_MARKER_RE = re.compile(
    r"^(第\s*\d+\s*页(\s*[,，/]?\s*共\s*\d+\s*页)?|[—–\-－]+\s*\d+\s*[—–\-－]+"
    r"|\d+\s*/\s*\d+|page\s+\d+(\s+of\s+\d+)?)$",
    re.I,
)
# 发文字号 (GB/T 9704 §7.2.4), e.g. "南护院外〔2024〕5号": under the issuing body, not the title.
DOCUMENT_NUMBER_RE = re.compile(r"^\S{0,20}[〔\[［(（]\d{4}[〕\]］)）]\s*第?\d{1,4}\s*号$")
CONFIDENTIALITY_WORDS = {"内部资料": AnnualReport.Confidentiality.INTERNAL}
# A paragraph ends with one of these, possibly followed by closing quotes or brackets.
TERMINATED_RE = re.compile(r"[。！？；：!?;…]['’”」』）)]*$")
# "…监考。（请至少提前一周通知）": a bracketed remark after the end of a sentence.
BRACKETED_END_RE = re.compile(r"[。！？；][（(][^（）()]*[）)]$")
# An English sentence ends with a full stop after a word.
LATIN_SENTENCE_END_RE = re.compile(r"[A-Za-z)\"'’”]\.$")
# A line cannot start a paragraph with one of these: the line before it was cut.
CONTINUATION_RE = re.compile(r"^[，。、；：！？）》」』’”,.;:!?)]")

SHORT_LINE = 20  # shorter lines without end punctuation are headings or signatures, not cuts
HEADING_MAX = 60  # longer "一、…" lines are a heading with its first paragraph run in
TITLE_LINE_MAX = 30  # a title's second or later line
SIGNATURE_MAX = 30


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
    """The rebuilt report: bodies in the block format of `reports.blocks`; `notices` tell
    the user what the import did that they should check."""

    title: str
    preface: str
    parts: list[ParsedPart]
    confidentiality: str = ""
    notices: list[str] = field(default_factory=list, compare=False)

    @property
    def section_count(self) -> int:
        return sum(len(part.sections) for part in self.parts)


# --- reading ---------------------------------------------------------------------------------

CONVERTED = {"doc", "wps", "rtf", "odt"}


def read_report_file(
    path_or_file: str | PathLike | BinaryIO, filename: str | None = None
) -> Source:
    """Read a report file: .txt (UTF-8, UTF-8 with BOM, UTF-16, GB18030), .docx, or
    .doc/.wps/.rtf/.odt (through LibreOffice). Raises ReportImportError with the reason."""
    from reports.convert import convert_to_docx, sniff_kind
    from reports.docx_reader import read_docx

    data = _read_bytes(path_or_file)
    name = (filename or getattr(path_or_file, "name", None) or str(path_or_file)).lower()
    if not data.strip():
        raise ReportImportError(_("The file is empty."), code="empty")
    kind = sniff_kind(data, name)
    if kind == "pdf":
        raise ReportImportError(
            _("A PDF cannot be imported: copy its text into a .txt file, or save it as .docx."),
            code="pdf",
        )
    if kind in CONVERTED:
        return read_docx(convert_to_docx(data, f".{kind}"))
    if kind == "docx" or data.startswith(b"PK\x03\x04") or name.endswith(".docx"):
        return read_docx(data)
    text = _decode_text(data)
    return Source(lines=[SourceLine(text=line) for line in text.splitlines()])


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


# --- parsing ---------------------------------------------------------------------------------


def normalize_line(line: str) -> str:
    """Return the line as the author typed it, less the noise of copying.

    Full-width letters and digits are halved; a space between two Chinese characters, or
    between a Chinese character (or punctuation) and a digit, goes ("2020 年" → "2020年");
    a space next to a Latin word stays ("a 口语", "1. To teach"), collapsed to one; a
    full-width space inside the line is a deliberate gap ("（行政楼305）　联系电话") and
    stays. Numbering is never rewritten ("1、" stays "1、").
    """
    line = line.translate(_FULLWIDTH_ALNUM).strip(" \t\r\n\u00a0\u3000\ufeff")
    line = _GAP.sub("\u3000", line)
    line = _SPACES.sub(" ", line)
    return _STRAY_SPACE.sub("", line)


def parse_report_text(text: str) -> ParsedReport:
    """Rebuild title, preface, parts, sections and blocks from the text of a report."""
    return parse_report(Source(lines=[SourceLine(text=line) for line in text.splitlines()]))


def parse_report(source: Source) -> ParsedReport:
    """Rebuild title, preface, parts, sections and blocks from what a reader returned.

    Raises ReportImportError when there is no Chinese text in it.
    """
    lines = _clean_lines(source.lines)
    if not any(re.search(f"[{CJK}]", line.text) for line in lines if not line.is_table):
        raise ReportImportError(
            _("The file contains no Chinese report text: is it the right file?"),
            code="no_text",
        )
    notices = list(source.notices)
    confidentiality = ""
    if lines and lines[0].text in CONFIDENTIALITY_WORDS:
        confidentiality = CONFIDENTIALITY_WORDS[lines.pop(0).text]
    lines = [line for line in lines if line.is_table or not DOCUMENT_NUMBER_RE.match(line.text)]
    title, lines = _take_title(lines)
    if title:
        # A running header copied from a PDF repeats the title on every page.
        lines = [line for line in lines if line.is_table or line.text != title]
    if not title:
        notices.append(_("The file has no title line: the standard title was used."))
    items = _mark_blocks(lines)
    nested = _parts_with_subsections(items)
    items = _join_broken_lines(_split_run_in(items, subsections=nested))
    parsed = _build(title, items, subsections=nested)
    _check_limits(parsed)
    parsed.confidentiality = confidentiality
    parsed.notices = notices
    return parsed


def _check_limits(parsed: ParsedReport) -> None:
    """Refuse what the editor could not save again (its limits, `reports.blocks.MAX_*`)."""
    bodies = [(_("the preface"), parsed.preface)]
    for part in parsed.parts:
        bodies.append((part.title or _("the introduction"), part.intro))
        bodies.extend((section.title, section.body) for section in part.sections)
    for name, text in bodies:
        found = parse_blocks(text)
        problem = None
        if len(found) > MAX_BLOCKS:
            problem = _("more than %(limit)d paragraphs and tables") % {"limit": MAX_BLOCKS}
        for block in found:
            if block.kind == TABLE and (
                len(block.rows) > MAX_TABLE_ROWS
                or max(map(len, block.rows), default=0) > MAX_TABLE_COLUMNS
            ):
                problem = _("a table of more than %(rows)d rows or %(columns)d columns") % {
                    "rows": MAX_TABLE_ROWS,
                    "columns": MAX_TABLE_COLUMNS,
                }
            elif len(block.plain_text()) > MAX_TEXT:
                problem = _("a paragraph of more than %(limit)d characters") % {"limit": MAX_TEXT}
        if problem:
            raise ReportImportError(
                _(
                    "“%(name)s” holds %(problem)s, more than the editor can keep: split it "
                    "in the file, or put the data in an attachment, then import again."
                )
                % {"name": name[:40], "problem": problem},
                code="too_large",
            )


@dataclass
class _Item:
    """A line on its way to a block: `kind` is a `reports.blocks` kind or "line"."""

    text: str = ""
    kind: str = "line"
    rows: list[list[str]] | None = None
    items: list[str] = field(default_factory=list)
    align: str = ""


def _clean_lines(lines: list[SourceLine]) -> list[SourceLine]:
    """Normalised lines; soft line breaks split; empty lines and page markers dropped."""
    result = []
    for line in lines:
        if line.is_table:
            rows = [[normalize_line(cell) for cell in row] for row in line.rows]
            if any(cell for row in rows for cell in row):
                result.append(SourceLine(rows=rows))
            continue
        for part in line.text.split("\n"):
            text = normalize_line(part)
            if text and not PAGE_MARKER_RE.match(text):
                result.append(replace(line, text=text))
    return result


def _is_heading(line: str) -> bool:
    return bool(PART_RE.match(line) or _section_title(line))


def _section_title(line: str) -> str | None:
    match = SECTION_RE.match(line)
    if not match:
        return None
    title = match.group(2)
    if len(title) > HEADING_MAX:
        return None  # a numbered paragraph of running text, not a heading
    return title


def _take_title(lines: list[SourceLine]) -> tuple[str, list[SourceLine]]:
    """Split off the title block: the issuing body and the title, over one to four lines.

    In a Word file the title is the centred lines at the top. In text, it is the first
    lines that read as a title (short, no sentence punctuation, not a heading, a date or a
    salutation); a sentence cut in the middle (the next line continues it) is never a title.
    """
    if not lines or lines[0].is_table:
        return "", lines
    if lines[0].align == "center":
        count = 0
        while count < len(lines) and count < 4 and lines[count].align == "center":
            if lines[count].is_table or not _is_title_like(lines[count].text):
                break
            count += 1
        if count:
            return "".join(line.text for line in lines[:count]), lines[count:]
    count = 0
    while count < min(len(lines), 4):
        line = lines[count]
        if line.is_table or line.align == "right" or line.numbered:
            break
        if not _is_title_like(line.text):
            break
        if count and len(line.text) > TITLE_LINE_MAX:
            break
        count += 1
    if not count:
        return "", lines
    following = lines[count] if count < len(lines) else None
    if following and not following.is_table and CONTINUATION_RE.match(following.text):
        # The "title" runs on into the next line: a sentence cut by the copy, not a title.
        count -= 1
        if not count:
            return "", lines
    return "".join(line.text for line in lines[:count]), lines[count:]


def _is_title_like(line: str) -> bool:
    return (
        len(line) <= HEADING_MAX
        and not re.search("[。！？；，：:;,!?]", line)
        and not _is_heading(line)
        and not _starts_paragraph(line)
        and not DATE_LINE_RE.match(line)
    )


def _mark_blocks(lines: list[SourceLine]) -> list[_Item]:
    """Tell the blocks that are not paragraphs: tables, salutation, 附件说明, signature, date."""
    items: list[_Item] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if line.is_table:
            items.append(_Item(kind=TABLE, rows=line.rows))
        elif not items and SALUTATION_RE.match(line.text) and "如下" not in line.text:
            items.append(_Item(text=line.text, kind=SALUTATION))
        elif match := ATTACHMENTS_RE.match(line.text):
            names = [match.group(1)] if match.group(1) else []
            while index + 1 < len(lines) and _is_attachment_item(lines[index + 1]):
                index += 1
                names.append(lines[index].text)
            items.append(_Item(kind=ATTACHMENTS, items=names))
        else:
            items.append(_Item(text=line.text, align=line.align))
        index += 1
    _mark_signoff(items)
    return items


def _is_attachment_item(line: SourceLine) -> bool:
    return not line.is_table and bool(ATTACHMENT_ITEM_RE.match(line.text))


def _mark_signoff(items: list[_Item]) -> None:
    """The date at the end (成文日期) and the issuing office above it (发文机关署名)."""
    end = len(items)
    for index in range(1, len(items)):
        # 附件 pages after the date: "附件1" alone on its line starts them.
        if ATTACHMENT_PAGE_RE.match(items[index].text) and DATE_LINE_RE.match(
            items[index - 1].text
        ):
            end = index
            break
    while end and items[end - 1].kind == ATTACHMENTS:
        end -= 1  # 附件说明 written after the signature
    if not end:
        return
    last = items[end - 1]
    if last.kind == "line" and DATE_LINE_RE.match(last.text):
        last.kind = DATE
        end -= 1
    elif not (last.kind == "line" and last.align == "right"):
        return
    # Right-aligned lines, or one short line without punctuation, above the date.
    while end and items[end - 1].kind == "line" and _is_signature(items[end - 1]):
        items[end - 1].kind = SIGNATURE
        end -= 1
        if items[end].align != "right":
            break


def _is_signature(item: _Item) -> bool:
    text = item.text
    if len(text) > SIGNATURE_MAX or TERMINATED_RE.search(text) or "，" in text:
        return False
    return not (_is_heading(text) or _starts_paragraph(text))


def _is_leadin_heading(line: str) -> bool:
    """A "（一）…" or "1." line that is a heading of its own (short, no sentence in it)."""
    return bool(LEADIN_RE.match(line)) and len(line) <= 30 and not re.search("[。！？；]", line)


def _starts_paragraph(line: str) -> bool:
    return bool(
        PART_RE.match(line)
        or SECTION_RE.match(line)
        or LEADIN_RE.match(line)
        or DATE_LINE_RE.match(line)
        or ATTACHMENTS_RE.match(line)
        or CONTACT_RE.match(line)
        or LIST_ITEM_RE.match(line)
    )


def _join_broken_lines(items: list[_Item]) -> list[_Item]:
    """Join lines cut in the middle of a sentence, as PDF or Word copy-paste leaves them."""
    joined: list[_Item] = []
    for item in items:
        previous = joined[-1] if joined else None
        if (
            previous is not None
            and previous.kind == item.kind == "line"
            and _continues(previous.text, item.text)
        ):
            previous.text = _glue(previous.text, item.text)
        else:
            joined.append(item)
    return joined


def _continues(previous: str, line: str) -> bool:
    if _is_heading(previous) or _is_leadin_heading(previous) or _starts_paragraph(line):
        return False
    if TERMINATED_RE.search(previous) or BRACKETED_END_RE.search(previous):
        return False
    if LATIN_SENTENCE_END_RE.search(previous):
        return False
    return len(previous) >= SHORT_LINE or bool(CONTINUATION_RE.match(line))


def _glue(previous: str, line: str) -> str:
    if re.search(r"[A-Za-z0-9,.;:!?]$", previous) and re.match(r"[A-Za-z0-9]", line):
        return f"{previous} {line}"  # a Latin phrase cut at a space
    return previous + line


def _parts_with_subsections(items: list[_Item]) -> bool:
    """True for "一、2023年工作总结 / （一）… / 二、2024年工作计划 / （一）…": the "一、" lines
    are the parts (every one is titled like a part) and the "（一）" lines their sections."""
    titles = [
        title
        for item in items
        if item.kind == "line" and (title := _section_title(item.text)) is not None
    ]
    has_parts = any(item.kind == "line" and PART_RE.match(item.text) for item in items)
    has_subsections = any(item.kind == "line" and SUBSECTION_RE.match(item.text) for item in items)
    return (
        len(titles) >= 2
        and not has_parts
        and has_subsections
        and all(PART_TITLE_RE.search(title) for title in titles)
    )


def _split_run_in(items: list[_Item], *, subsections: bool = False) -> list[_Item]:
    """Split "一、加强领导。学校……" into the heading (with its "。") and the paragraph; with
    `subsections`, "（一）加强领导。学校……" too."""
    result = []
    for item in items:
        match = SECTION_RE.match(item.text) if item.kind == "line" else None
        if subsections and item.kind == "line":
            match = match or SUBSECTION_START_RE.match(item.text)
        head, dot, rest = item.text.partition("。")
        if match and dot and rest.strip() and len(head) <= HEADING_MAX:
            result.extend([replace(item, text=head + dot), _Item(text=rest.strip())])
        else:
            result.append(item)
    return result


def _part_kind(title: str, order: int) -> str:
    if "计划" in title and "总结" not in title:
        return ReportPart.Kind.PLAN
    if "总结" in title:
        return ReportPart.Kind.SUMMARY
    return ReportPart.Kind.SUMMARY if order == 1 else ReportPart.Kind.PLAN


def _nested_headings(items: list[_Item]) -> dict[int, tuple[str, str]]:
    """Headings of a text whose "一、" lines are parts and "（一）" lines sections."""
    found: dict[int, tuple[str, str]] = {}
    for index, item in enumerate(items):
        if item.kind != "line":
            continue
        if (title := _section_title(item.text)) is not None:
            found[index] = ("part", title)
        elif found and (match := SUBSECTION_RE.match(item.text)):
            found[index] = ("section", match.group(1))
    return found


def _headings(items: list[_Item]) -> dict[int, tuple[str, str]]:
    """Which items are headings: index → ("part" | "section", title).

    Parts are "第一部分…", or — when the "一、" numbering restarts inside the text — the
    "一、2023年工作总结" lines that a restart follows. Without any "一、" heading, "第一，" /
    "第二、" lines are the sections.
    """
    found: dict[int, tuple[str, str]] = {}
    numbered: list[tuple[int, str, str]] = []  # index, numeral, title
    for index, item in enumerate(items):
        if item.kind != "line":
            continue
        if PART_RE.match(item.text):
            found[index] = ("part", PART_RE.match(item.text).group(1))
        elif (title := _section_title(item.text)) is not None:
            numbered.append((index, SECTION_RE.match(item.text).group("n"), title))
            found[index] = ("section", title)
    if not numbered:
        for index, item in enumerate(items):
            if item.kind == "line" and (match := ORDINAL_HEADING_RE.match(item.text)):
                if len(match.group(1)) <= HEADING_MAX:
                    found[index] = ("section", match.group(1))
        return found
    restarts = [k for k in range(1, len(numbered)) if numbered[k][1] == "一"]
    if restarts and not any(kind == "part" for kind, _ in found.values()):
        for k, (index, _numeral, title) in enumerate(numbered):
            following = numbered[k + 1] if k + 1 < len(numbered) else None
            if following and following[1] == "一" and PART_TITLE_RE.search(title):
                found[index] = ("part", title)
    return found


def _build(title: str, items: list[_Item], *, subsections: bool = False) -> ParsedReport:
    preface: list[_Item] = []
    # Each part: the part, its intro's blocks, its sections (title, blocks).
    parts: list[tuple[ParsedPart, list[_Item], list[tuple[str, list[_Item]]]]] = []
    texts = preface  # the blocks the next item belongs to
    headings = _nested_headings(items) if subsections else _headings(items)
    for index, item in enumerate(items):
        kind, heading = headings.get(index, (None, ""))
        if kind == "part":
            texts = []
            part_kind = _part_kind(item.text, len(parts) + 1)
            parts.append((ParsedPart(kind=part_kind, title=_part_title(heading)), texts, []))
        elif kind == "section":
            if not parts:
                parts.append((ParsedPart(kind=ReportPart.Kind.SUMMARY, title=""), [], []))
            texts = []
            parts[-1][2].append((heading, texts))
        else:
            texts.append(item)
    if not parts:
        # Without parts or sections the whole text is one part.
        parts.append((ParsedPart(kind=ReportPart.Kind.SUMMARY, title=""), preface, []))
        preface = []
    if len(parts) == 1 and not parts[0][0].title:
        # One part without a heading: a plan when the title says so ("…2022年外事工作计划").
        parts[0][0].kind = (
            ReportPart.Kind.PLAN if PLAN_TITLE_RE.search(title) else ReportPart.Kind.SUMMARY
        )
    return ParsedReport(
        title=title,
        preface=_blocks_text(preface),
        parts=[_finish_part(*part) for part in parts],
    )


_TITLE_ON_NEXT_LINE = "\0"  # "第一部分" alone on its line: the title is the next line


def _part_title(text: str) -> str:
    return text or _TITLE_ON_NEXT_LINE


def _finish_part(part: ParsedPart, intro: list[_Item], sections) -> ParsedPart:
    if part.title == _TITLE_ON_NEXT_LINE:
        first = intro[0] if intro else None
        has_title = (
            first is not None
            and first.kind == "line"
            and _is_title_like(first.text)
            and len(first.text) <= 30
        )
        part.title = intro.pop(0).text if has_title else ""
    part.intro = _blocks_text(intro)
    part.sections = [ParsedSection(title, _blocks_text(body)) for title, body in sections]
    return part


def _blocks_text(items: list[_Item]) -> str:
    blocks = []
    for item in items:
        if item.kind == TABLE:
            blocks.append(Block(TABLE, rows=item.rows))
        elif item.kind == ATTACHMENTS:
            blocks.append(Block(ATTACHMENTS, items=item.items))
        elif item.kind == "line":
            blocks.append(Block(PARAGRAPH, text=item.text))
        else:
            blocks.append(Block(item.kind, text=item.text))
    return blocks_text(blocks)


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
    report, or when the year already has a report and `replace` is not given. The returned
    report's `import_notices` (list of str) say what the user should check.
    """
    parsed = parse_report(read_report_file(file, filename))
    with transaction.atomic():
        report = AnnualReport.objects.select_for_update().filter(year=year).first()
        if report is None:
            report = AnnualReport(year=year)
        else:
            _check_replaceable(report, replace)
            report.parts.all().delete()
        report.title = parsed.title or default_report_title(year)
        report.preface = parsed.preface
        report.confidentiality = parsed.confidentiality or report.confidentiality
        # The statistics of a past year's records rarely match a report written elsewhere.
        report.append_statistics = False
        report.prepared_by = user or report.prepared_by
        _save(report, user)
        for order, part in enumerate(parsed.parts, start=1):
            _save_part(report, part, order, user)
    report.import_notices = parsed.notices
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
