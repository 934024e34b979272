"""Read a .docx Word document into the neutral line list of `reports.source`.

The reader keeps what Word shows and nothing it would not: automatic numbering is written in
front of the text as Word draws it ("一、", "（一）", "1."), tracked changes are accepted, fields
keep their saved result, content controls are opened, and tables become grids with the merge
markers of `reports.blocks`. It never interprets the structure: that is `reports.importer`'s job.

python-docx opens the package (content types, relationships); the parts that are read — the
main document, its styles and its numbering — are parsed again from the zip with a hardened
lxml parser and walked directly, because python-docx's own walk skips block-level content
controls.
"""

import io
import logging
import re
import zipfile
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from lxml import etree

from foreign_affairs.safe_files import UnsafeArchive, ZipLimits
from foreign_affairs.safe_files import check_zip as check_package
from reports.blocks import MERGE_LEFT, MERGE_UP
from reports.source import ReportImportError, Source, SourceLine

logger = logging.getLogger(__name__)

# Limits checked on the zip before anything is decompressed.
MAX_ENTRIES = 2000
MAX_UNCOMPRESSED = 100 * 1024 * 1024
MAX_RATIO = 200
RATIO_CHECKED_FROM = 1024 * 1024
MAX_XML_PART = 20 * 1024 * 1024  # one XML part (document.xml) unpacked

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
M_NS = "http://schemas.openxmlformats.org/officeDocument/2006/math"
RT_STYLES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"
RT_NUMBERING = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering"


def w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


W_VAL = w("val")
P, TBL, TR, TC, R, SDT, SDT_CONTENT = (
    w(t) for t in ("p", "tbl", "tr", "tc", "r", "sdt", "sdtContent")
)
PPR, RPR, TCPR, TRPR = w("pPr"), w("rPr"), w("tcPr"), w("trPr")
INS, DEL, MOVE_FROM, MOVE_TO = w("ins"), w("del"), w("moveFrom"), w("moveTo")
CUSTOM_XML, SMART_TAG, HYPERLINK, FLD_SIMPLE = (
    w("customXml"),
    w("smartTag"),
    w("hyperlink"),
    w("fldSimple"),
)
TXBX_CONTENT = w("txbxContent")
ALTERNATE_CONTENT, MC_CHOICE = f"{{{MC_NS}}}AlternateContent", f"{{{MC_NS}}}Choice"
M_T = f"{{{M_NS}}}t"
# Elements whose children are read as if they stood in their parent's place.
INLINE_WRAPPERS = {
    INS,
    MOVE_TO,
    CUSTOM_XML,
    SMART_TAG,
    HYPERLINK,
    FLD_SIMPLE,
    w("bdo"),
    w("dir"),
    w("rubyBase"),
}
# Anything that shows the document still carries tracked changes.
REVISION_TAGS = tuple(
    w(t)
    for t in (
        "ins",
        "del",
        "moveFrom",
        "moveTo",
        "rPrChange",
        "pPrChange",
        "sectPrChange",
        "tblPrChange",
        "tblPrExChange",
        "trPrChange",
        "tcPrChange",
        "tblGridChange",
        "numberingChange",
        "cellIns",
        "cellDel",
        "cellMerge",
    )
)

CJK_RE = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\U00020000-\U0003134f]")
LEVEL_REF_RE = re.compile(r"%([1-9])")


class _BadDocx(Exception):
    """Raised inside the reader when a part cannot be parsed; becomes ReportImportError."""


def read_docx(data: bytes) -> Source:
    """Read the bytes of a .docx file into a `Source`.

    Returns `Source(lines=[SourceLine, ...], notices=[str, ...])`: one `SourceLine` per
    paragraph of the body (content controls opened, text boxes after their paragraph) and one
    per table (`rows`: a grid of cell texts padded to one width, with `MERGE_LEFT` "<" and
    `MERGE_UP` "^" where a cell is merged into its neighbour). Headers, footers, footnotes and
    comments are not read. `notices` says, in the active language, when tracked changes were
    accepted.

    Raises `ReportImportError` with code "bad_docx" when the file is not a readable .docx (not
    a zip, no main document, malformed XML or a DTD in a part) and "too_large" when the zip
    would unpack to too much (more than 2000 entries, 100 MB in all, or a suspicious
    compression ratio).
    """
    parts = _open(data)
    try:
        reader = _Reader(parts["document"], parts.get("styles"), parts.get("numbering"))
        return reader.read()
    except ReportImportError:
        raise
    except (ValueError, KeyError, IndexError, TypeError, AttributeError, RecursionError) as exc:
        logger.warning("Cannot read a .docx file", exc_info=True)
        raise _bad_docx() from exc


def _bad_docx() -> ReportImportError:
    return ReportImportError(
        _("The file is not a valid .docx Word document (it may be damaged or renamed)."),
        code="bad_docx",
    )


def _too_large() -> ReportImportError:
    return ReportImportError(
        _(
            "The Word file unpacks to far more data than a report holds (it may be damaged or "
            "hostile); save the report again as .docx and import that."
        ),
        code="too_large",
    )


def check_zip(data: bytes) -> None:
    """Check the zip's directory before anything is decompressed.

    Raises `ReportImportError` "bad_docx" when `data` is not a zip, "too_large" when it has
    more than `MAX_ENTRIES` entries, declares more than `MAX_UNCOMPRESSED` bytes in all, or has
    an entry above `RATIO_CHECKED_FROM` bytes compressed more than `MAX_RATIO` times.
    """
    limits = ZipLimits(MAX_ENTRIES, MAX_UNCOMPRESSED, MAX_RATIO, RATIO_CHECKED_FROM)
    try:
        check_package(data, limits)
    except UnsafeArchive as exc:
        raise (_too_large() if exc.code == "too_large" else _bad_docx()) from exc
    # The text of a report is a few hundred KB of XML; 20 MB of it would take minutes to walk.
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        if any(
            info.filename.endswith(".xml") and info.file_size > MAX_XML_PART
            for info in archive.infolist()
        ):
            raise _too_large()


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)


def _parse_part(blob: bytes) -> etree._Element:
    """Parse one XML part with the hardened parser; a part with a DTD is refused.

    Raises `_BadDocx` on malformed XML or any DOCTYPE (entity bombs need one).
    """
    try:
        root = etree.fromstring(blob, _parser())
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise _BadDocx(str(exc)) from exc
    docinfo = root.getroottree().docinfo
    if docinfo.internalDTD is not None or docinfo.doctype:
        raise _BadDocx("DTD in a part")
    return root


def _open(data: bytes) -> dict[str, etree._Element]:
    """Check and open the package; return the parsed document, styles and numbering parts."""
    import docx

    check_zip(data)
    try:
        document = docx.Document(io.BytesIO(data))
        main = document.part
        names = {"document": main.partname.membername}
        for rel in main.rels.values():
            if rel.is_external:
                continue
            if rel.reltype == RT_STYLES:
                names["styles"] = rel.target_part.partname.membername
            elif rel.reltype == RT_NUMBERING:
                names["numbering"] = rel.target_part.partname.membername
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = {key: _parse_part(archive.read(name)) for key, name in names.items()}
    except ReportImportError:
        raise
    except Exception as exc:  # python-docx raises many kinds on a damaged package
        logger.info("Cannot open a .docx file: %r", exc)
        raise _bad_docx() from exc
    if parts["document"].find(w("body")) is None:
        raise _bad_docx()
    return parts


# --- styles ----------------------------------------------------------------------------------


def _int(value, default=None):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


# Word's own bounds for a list's start value and counters (w:start, w:startOverride).
MAX_COUNTER = 32767
# A table of a report: far larger ones are data, not text (and cost memory to read).
MAX_TABLE_ROWS = 2000
MAX_TABLE_COLUMNS = 64


def _counter(value):
    """A start value or counter from the file, held to 0…MAX_COUNTER (None when not a number)."""
    number = _int(value)
    return None if number is None else min(max(number, 0), MAX_COUNTER)


def _on(element) -> bool:
    """A WordprocessingML on/off property: present and not val="0"/"false"/"off"."""
    if element is None:
        return False
    return element.get(W_VAL, "true").lower() not in ("0", "false", "off")


class _Styles:
    """Paragraph properties inherited through the style chain (w:pStyle → w:basedOn)."""

    def __init__(self, root):
        self.styles: dict[str, etree._Element] = {}
        self._chains: dict[str | None, list] = {}
        self._jc: dict[str | None, str | None] = {}
        self._num_pr: dict[str | None, tuple] = {}
        self.default_paragraph: str | None = None
        self.defaults_ppr = None
        if root is None:
            return
        for style in root.iterfind(w("style")):
            style_id = style.get(w("styleId"))
            if style_id is None:
                continue
            self.styles.setdefault(style_id, style)
            if style.get(w("type")) == "paragraph" and _on_attr(style.get(w("default"))):
                self.default_paragraph = style_id
        self.defaults_ppr = root.find(f"{w('docDefaults')}/{w('pPrDefault')}/{PPR}")

    def chain(self, style_id: str | None) -> list[tuple[str, etree._Element]]:
        """The style and the styles it is based on, nearest first (cycles cut), computed once
        per style (a file may chain thousands of styles and use them on every paragraph)."""
        if style_id in self._chains:
            return self._chains[style_id]
        self._chains[style_id] = chain = self._chain(style_id)
        return chain

    def _chain(self, style_id: str | None) -> list[tuple[str, etree._Element]]:
        chain, seen = [], set()
        while style_id and style_id not in seen and style_id in self.styles and len(chain) < 64:
            seen.add(style_id)
            style = self.styles[style_id]
            chain.append((style_id, style))
            based = style.find(w("basedOn"))
            style_id = based.get(W_VAL) if based is not None else None
        return chain

    def paragraph_style(self, ppr) -> str | None:
        style = ppr.find(w("pStyle")) if ppr is not None else None
        if style is not None:
            return style.get(W_VAL)
        return self.default_paragraph

    def jc(self, style_id: str | None) -> str | None:
        """The alignment a paragraph of the style inherits (computed once per style)."""
        if style_id not in self._jc:
            self._jc[style_id] = self._inherited_jc(style_id)
        return self._jc[style_id]

    def _inherited_jc(self, style_id: str | None) -> str | None:
        for _id, style in self.chain(style_id):
            jc = style.find(f"{PPR}/{w('jc')}")
            if jc is not None:
                return jc.get(W_VAL)
        if self.defaults_ppr is not None:
            jc = self.defaults_ppr.find(w("jc"))
            if jc is not None:
                return jc.get(W_VAL)
        return None

    def num_pr(self, style_id: str | None):
        """(numId, ilvl, style id) from the nearest style in the chain with a w:numPr."""
        if style_id not in self._num_pr:
            self._num_pr[style_id] = self._inherited_num_pr(style_id)
        return self._num_pr[style_id]

    def _inherited_num_pr(self, style_id: str | None):
        for sid, style in self.chain(style_id):
            num_pr = style.find(f"{PPR}/{w('numPr')}")
            if num_pr is not None:
                return _child_int(num_pr, "numId"), _child_int(num_pr, "ilvl"), sid
        return None, None, None


def _on_attr(value) -> bool:
    return value is not None and value.lower() in ("1", "true", "on")


def _child_int(element, tag):
    child = element.find(w(tag))
    return _int(child.get(W_VAL)) if child is not None else None


# --- numbering -------------------------------------------------------------------------------


@dataclass
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = ""
    restart: int | None = None  # w:lvlRestart: restart after this 1-based level; 0 = never
    legal: bool = False
    suffix: str = "tab"
    style: str | None = None


def _level(lvl) -> _Level:
    level = _Level()
    for tag, attr, convert in (
        ("start", "start", _counter),
        ("numFmt", "fmt", str),
        ("lvlText", "text", str),
        ("lvlRestart", "restart", _int),
        ("suff", "suffix", str),
        ("pStyle", "style", str),
    ):
        child = lvl.find(w(tag))
        if child is not None and child.get(W_VAL) is not None:
            value = convert(child.get(W_VAL))
            if value is not None:
                setattr(level, attr, value)
    level.legal = _on(lvl.find(w("isLgl")))
    return level


@dataclass
class _List:
    """A resolved w:num: its levels (overrides applied), counter key and start values."""

    levels: dict[int, _Level]
    key: tuple
    starts: dict[int, int] = field(default_factory=dict)

    def start(self, ilvl: int) -> int:
        if ilvl in self.starts:
            return self.starts[ilvl]
        level = self.levels.get(ilvl)
        return level.start if level else 1


class _Numbering:
    """Word's automatic numbering: resolves w:num → w:abstractNum and keeps the counters."""

    def __init__(self, root, styles: _Styles):
        self.styles = styles
        self.abstracts: dict[int, etree._Element] = {}
        self.nums: dict[int, etree._Element] = {}
        self.lists: dict[int, _List | None] = {}
        self.counters: dict[tuple, dict[int, int]] = {}
        if root is None:
            return
        for abstract in root.iterfind(w("abstractNum")):
            abstract_id = _int(abstract.get(w("abstractNumId")))
            if abstract_id is not None:
                self.abstracts.setdefault(abstract_id, abstract)
        for num in root.iterfind(w("num")):
            num_id = _int(num.get(w("numId")))
            if num_id is not None:
                self.nums.setdefault(num_id, num)

    def _abstract_of(self, num_id: int, depth: int = 0) -> tuple[int, etree._Element] | None:
        """The abstractNum of a num, following w:numStyleLink to the numbering style's list."""
        num = self.nums.get(num_id)
        ref = num.find(w("abstractNumId")) if num is not None else None
        abstract_id = _int(ref.get(W_VAL)) if ref is not None else None
        abstract = self.abstracts.get(abstract_id)
        if abstract is None:
            return None
        link = abstract.find(w("numStyleLink"))
        if link is not None and depth < 5:
            linked_num, _ilvl, _sid = self.styles.num_pr(link.get(W_VAL))
            if linked_num and linked_num != num_id:
                linked = self._abstract_of(linked_num, depth + 1)
                if linked is not None:
                    return linked
        return abstract_id, abstract

    def list(self, num_id: int) -> "_List | None":
        if num_id not in self.lists:
            self.lists[num_id] = self._resolve(num_id)
        return self.lists[num_id]

    def _resolve(self, num_id: int) -> "_List | None":
        found = self._abstract_of(num_id)
        if found is None:
            return None
        abstract_id, abstract = found
        levels = {}
        for lvl in abstract.iterfind(w("lvl")):
            ilvl = _int(lvl.get(w("ilvl")))
            if ilvl is not None:
                levels.setdefault(ilvl, _level(lvl))
        starts = {}
        for override in self.nums[num_id].iterfind(w("lvlOverride")):
            ilvl = _int(override.get(w("ilvl")))
            if ilvl is None:
                continue
            lvl = override.find(w("lvl"))
            if lvl is not None:
                levels[ilvl] = _level(lvl)
                if lvl.find(w("start")) is not None:
                    starts[ilvl] = levels[ilvl].start
            start = override.find(w("startOverride"))
            if start is not None and _counter(start.get(W_VAL)) is not None:
                starts[ilvl] = _counter(start.get(W_VAL))
        # Lists of one abstractNum share their counters, unless a num restarts them.
        key = ("num", num_id) if starts else ("abstract", abstract_id)
        return _List(levels=levels, key=key, starts=starts)

    def paragraph_number(self, ppr, style_id: str | None) -> tuple[str, int, _Level] | None:
        """Count the paragraph and return (rendered number, ilvl, level), or None."""
        num_id = ilvl = None
        direct = ppr.find(w("numPr")) if ppr is not None else None
        if direct is not None:
            num_id, ilvl = _child_int(direct, "numId"), _child_int(direct, "ilvl")
        style_num, style_ilvl, linked_style = self.styles.num_pr(style_id)
        if num_id is None:
            num_id = style_num
        if ilvl is None and num_id == style_num:
            ilvl = style_ilvl
        if not num_id:  # absent, or numId 0: numbering switched off
            return None
        numbering = self.list(num_id)
        if numbering is None:
            return None
        if ilvl is None:
            chain = {sid for sid, _style in self.styles.chain(style_id)}
            ilvl = next(
                (i for i, lv in sorted(numbering.levels.items()) if lv.style in chain),
                0,
            )
        ilvl = min(max(ilvl, 0), 8)
        level = numbering.levels.get(ilvl)
        if level is None:
            return None
        counters = self.counters.setdefault(numbering.key, {})
        counters[ilvl] = (
            min(counters[ilvl] + 1, MAX_COUNTER) if ilvl in counters else numbering.start(ilvl)
        )
        for deeper in [d for d in counters if d > ilvl]:
            deeper_level = numbering.levels.get(deeper)
            restart = deeper_level.restart if deeper_level else None
            if restart is None:
                restart = deeper  # restart after any shallower level
            if restart != 0 and ilvl < restart:
                del counters[deeper]
        if level.fmt == "bullet":
            return "", ilvl, level

        def value(match):
            ref = int(match.group(1)) - 1
            ref_level = numbering.levels.get(ref)
            count = counters.get(ref, numbering.start(ref))
            fmt = "decimal" if level.legal else (ref_level.fmt if ref_level else "decimal")
            return format_number(count, fmt)

        return LEVEL_REF_RE.sub(value, level.text), ilvl, level


CHINESE_DIGITS = "〇一二三四五六七八九"
CHINESE_LEGAL_DIGITS = "零壹贰叁肆伍陆柒捌玖"
HEAVENLY_STEMS = "甲乙丙丁戊己庚辛壬癸"
EARTHLY_BRANCHES = "子丑寅卯辰巳午未申酉戌亥"
ROMAN = (
    (1000, "M"),
    (900, "CM"),
    (500, "D"),
    (400, "CD"),
    (100, "C"),
    (90, "XC"),
    (50, "L"),
    (40, "XL"),
    (10, "X"),
    (9, "IX"),
    (5, "V"),
    (4, "IV"),
    (1, "I"),
)


def chinese_counting(n: int, digits: str = CHINESE_DIGITS, units: str = "十百千") -> str:
    """1 → 一, 10 → 十, 11 → 十一, 20 → 二十, 105 → 一百零五 (Word's chineseCounting)."""
    if n <= 0 or n >= 10000:
        return str(n)
    if n < 10:
        return digits[n]
    if n < 20 and units == "十百千":
        return units[0] + (digits[n % 10] if n % 10 else "")
    result, zero = "", False
    for unit, divisor in ((units[2], 1000), (units[1], 100), (units[0], 10), ("", 1)):
        digit = n // divisor % 10
        if digit:
            if zero and result:
                result += "零"
            result += digits[digit] + unit
            zero = False
        else:
            zero = True
    return result


def _roman(n: int) -> str:
    if not 0 < n < 4000:
        return str(n)
    result = ""
    for value, numeral in ROMAN:
        while n >= value:
            result += numeral
            n -= value
    return result


def _enclosed(n: int, ranges: tuple[tuple[int, int, int], ...]) -> str:
    for first, last, codepoint in ranges:
        if first <= n <= last:
            return chr(codepoint + n - first)
    return str(n)


CIRCLED = ((1, 20, 0x2460), (21, 35, 0x3251), (36, 50, 0x32B1))


def format_number(n: int, fmt: str) -> str:
    """Write counter `n` in the w:numFmt `fmt` the way Word draws it ("none" → "")."""
    if fmt == "none" or fmt == "bullet":
        return ""
    n = min(max(n, 0), MAX_COUNTER)
    if fmt in (
        "chineseCounting",
        "chineseCountingThousand",
        "japaneseCounting",
        "taiwaneseCounting",
        "taiwaneseCountingThousand",  # how LibreOffice writes chineseCounting into .docx
        "koreanCounting",
    ):
        return chinese_counting(n)
    if fmt in ("ideographDigital", "taiwaneseDigital", "japaneseDigitalTenThousand"):
        return "".join("〇一二三四五六七八九"[int(digit)] for digit in str(n))
    if fmt == "chineseLegalSimplified":
        return chinese_counting(n, CHINESE_LEGAL_DIGITS, "拾佰仟")
    if fmt == "ideographTraditional":
        return HEAVENLY_STEMS[(n - 1) % 10] if n > 0 else str(n)
    if fmt == "ideographZodiac":
        return EARTHLY_BRANCHES[(n - 1) % 12] if n > 0 else str(n)
    if fmt == "ideographZodiacTraditional":
        return HEAVENLY_STEMS[(n - 1) % 10] + EARTHLY_BRANCHES[(n - 1) % 12] if n > 0 else str(n)
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese"):
        return _enclosed(n, CIRCLED)
    if fmt == "decimalEnclosedFullstop":
        return _enclosed(n, ((1, 20, 0x2488),))
    if fmt == "decimalEnclosedParen":
        return _enclosed(n, ((1, 20, 0x2474),))
    if fmt == "ideographEnclosedCircle":
        return _enclosed(n, ((1, 10, 0x3220),))
    if fmt in ("upperLetter", "lowerLetter"):
        if n <= 0:
            return str(n)
        letter = chr(ord("A") + (n - 1) % 26) * min((n - 1) // 26 + 1, 4)
        return letter if fmt == "upperLetter" else letter.lower()
    if fmt == "upperRoman":
        return _roman(n)
    if fmt == "lowerRoman":
        return _roman(n).lower()
    if fmt in ("decimalFullWidth", "decimalFullWidth2"):
        return str(n).translate({0x30 + i: 0xFF10 + i for i in range(10)})
    if fmt == "decimalZero":
        return f"{n:02d}"
    return str(n)


# --- the body --------------------------------------------------------------------------------


class _Reader:
    def __init__(self, document, styles, numbering):
        self.body = document.find(w("body"))
        self.styles = _Styles(styles)
        self.numbering = _Numbering(numbering, self.styles)
        # Complex fields still open: True once past their w:fldChar "separate" (the result).
        self.fields: list[bool] = []

    def read(self) -> Source:
        source = Source(lines=self.blocks(self.body))
        if next(self.body.iter(*REVISION_TAGS), None) is not None:
            source.notices.append(
                _(
                    "The file had tracked changes: they were accepted (insertions kept, "
                    "deletions dropped). Check the text before you submit the report."
                )
            )
        return source

    # Block level: paragraphs, tables, and the containers around them.

    def blocks(self, container) -> list[SourceLine]:
        lines: list[SourceLine] = []
        carried = ""  # text of a paragraph whose mark was deleted joins the next paragraph
        for child in self._block_children(container):
            if child.tag == P:
                paragraph, boxes = self.paragraph(child)
                paragraph.text = carried + paragraph.text
                carried = ""
                if _mark_deleted(child):
                    carried = paragraph.text
                else:
                    lines.append(paragraph)
                lines.extend(boxes)
            elif child.tag == TBL:
                lines.append(self.table(child))
        if carried:
            lines.append(SourceLine(text=carried))
        return lines

    def _block_children(self, container):
        """Paragraphs and tables of a container, in order, through sdt/customXml/ins."""
        for child in container:
            tag = child.tag
            if tag in (P, TBL):
                yield child
            elif tag == SDT:
                content = child.find(SDT_CONTENT)
                if content is not None:
                    yield from self._block_children(content)
            elif tag in (CUSTOM_XML, INS, MOVE_TO):
                yield from self._block_children(child)
            elif tag == ALTERNATE_CONTENT:
                choice = child.find(MC_CHOICE)
                if choice is not None:
                    yield from self._block_children(choice)

    # Paragraphs.

    def paragraph(self, p) -> tuple[SourceLine, list[SourceLine]]:
        """The paragraph's line and the lines of the text boxes anchored in it."""
        boxes: list[etree._Element] = []
        pieces: list[str] = []
        self._inline(p, pieces, boxes)
        text = "".join(pieces)
        ppr = p.find(PPR)
        style_id = self.styles.paragraph_style(ppr)
        jc = ppr.find(w("jc")) if ppr is not None else None
        align = jc.get(W_VAL) if jc is not None else self.styles.jc(style_id)
        line = SourceLine(text=text, align=_align(align))
        number = self.numbering.paragraph_number(ppr, style_id)
        if number is not None:
            rendered, ilvl, level = number
            if rendered:
                gap = " " if level.suffix == "space" and text and not CJK_RE.match(text) else ""
                line.text = rendered + gap + text
                line.numbered = True
                line.level = ilvl
        box_lines = []
        for box in boxes:
            box_lines.extend(self.blocks(box))
        return line, box_lines

    def _inline(self, element, pieces: list[str], boxes: list) -> None:
        for child in element:
            tag = child.tag
            if tag == R:
                self._run(child, pieces, boxes)
            elif tag in INLINE_WRAPPERS:
                self._inline(child, pieces, boxes)
            elif tag == SDT:
                content = child.find(SDT_CONTENT)
                if content is not None:
                    self._inline(content, pieces, boxes)
            elif tag == ALTERNATE_CONTENT:
                choice = child.find(MC_CHOICE)
                if choice is not None:
                    self._inline(choice, pieces, boxes)
            elif tag == w("ruby"):
                base = child.find(w("rubyBase"))
                if base is not None:
                    self._inline(base, pieces, boxes)
            elif isinstance(tag, str) and tag.startswith(f"{{{M_NS}}}"):
                if self._showing():
                    pieces.extend(t.text or "" for t in child.iter(M_T))
            # w:del, w:moveFrom, w:pPr, bookmarks, comments' ranges, proofErr: nothing shown

    def _showing(self) -> bool:
        """Text is shown unless it is a field instruction (before its "separate")."""
        return all(self.fields)

    def _run(self, run, pieces: list[str], boxes: list) -> None:
        hidden = _on(run.find(f"{RPR}/{w('vanish')}"))
        for child in run:
            tag = child.tag
            if tag == w("fldChar"):
                kind = child.get(w("fldCharType"))
                if kind == "begin":
                    self.fields.append(False)
                elif kind == "separate" and self.fields:
                    self.fields[-1] = True
                elif kind == "end" and self.fields:
                    self.fields.pop()
                continue
            if tag in (w("drawing"), w("pict"), w("object"), ALTERNATE_CONTENT):
                boxes.extend(_text_boxes(child))
                continue
            if hidden or not self._showing():
                continue
            if tag == w("t"):
                pieces.append(child.text or "")
            elif tag in (w("tab"), w("ptab")):
                pieces.append("\t")
            elif tag in (w("br"), w("cr")):
                pieces.append("\n")
            elif tag == w("noBreakHyphen"):
                pieces.append("-")
            elif tag == w("ruby"):
                base = child.find(w("rubyBase"))
                if base is not None:
                    self._inline(base, pieces, boxes)
            # w:instrText, w:delText, w:sym, w:softHyphen, w:footnoteReference…: not shown

    # Tables.

    def table(self, tbl) -> SourceLine:
        rows: list[list[str]] = []
        for tr in _children(tbl, TR):
            trpr = tr.find(TRPR)
            if trpr is not None and trpr.find(DEL) is not None:
                continue  # a row deleted with tracked changes
            row: list[str] = []
            before = _grid_pad(trpr, "gridBefore")
            row.extend([""] * before)
            for tc in _children(tr, TC):
                tcpr = tc.find(TCPR)
                span = 1
                vmerge = hmerge = None
                if tcpr is not None:
                    span = min(max(_child_int(tcpr, "gridSpan") or 1, 1), MAX_TABLE_COLUMNS)
                    vmerge, hmerge = tcpr.find(w("vMerge")), tcpr.find(w("hMerge"))
                if _continues(vmerge) and rows:
                    row.extend([MERGE_UP] * span)
                elif _continues(hmerge) and row:
                    row.extend([MERGE_LEFT] * span)
                else:
                    row.append(self.cell_text(tc))
                    row.extend([MERGE_LEFT] * (span - 1))
            row.extend([""] * _grid_pad(trpr, "gridAfter"))
            rows.append(row)
            if len(rows) > MAX_TABLE_ROWS or len(row) > MAX_TABLE_COLUMNS:
                raise ReportImportError(
                    _(
                        "A table in the file has more than %(rows)d rows or %(columns)d "
                        "columns: that is data, not a report. Put it in an attachment."
                    )
                    % {"rows": MAX_TABLE_ROWS, "columns": MAX_TABLE_COLUMNS},
                    code="table_too_large",
                )
        width = max((len(row) for row in rows), default=0)
        return SourceLine(rows=[row + [""] * (width - len(row)) for row in rows])

    def cell_text(self, tc) -> str:
        texts = []
        for line in self.blocks(tc):
            if line.is_table:  # a nested table, flattened: cells by spaces, rows by lines
                for row in line.rows:
                    cells = [c for c in row if c not in (MERGE_LEFT, MERGE_UP) and c.strip()]
                    texts.append(" ".join(cells))
            else:
                texts.append(line.text)
        return "\n".join(texts).strip("\n")


def _children(element, tag):
    """Children `tag` of a table or row, also inside row/cell-level sdt and customXml."""
    for child in element:
        if child.tag == tag:
            yield child
        elif child.tag == SDT:
            content = child.find(SDT_CONTENT)
            if content is not None:
                yield from _children(content, tag)
        elif child.tag in (CUSTOM_XML, INS, MOVE_TO):
            yield from _children(child, tag)


def _grid_pad(trpr, tag) -> int:
    if trpr is None:
        return 0
    return min(max(_child_int(trpr, tag) or 0, 0), 64)


def _continues(merge) -> bool:
    return merge is not None and merge.get(W_VAL, "continue") == "continue"


def _mark_deleted(p) -> bool:
    """The paragraph mark itself was deleted (tracked): the paragraph joins the next one."""
    ppr = p.find(PPR)
    rpr = ppr.find(RPR) if ppr is not None else None
    return rpr is not None and rpr.find(DEL) is not None


def _align(jc: str | None) -> str:
    if jc == "center":
        return "center"
    if jc in ("right", "end"):
        return "right"
    return ""


def _text_boxes(element) -> list:
    """The outermost w:txbxContent under a drawing, reading only mc:Choice, never Fallback."""
    found = []

    def walk(node):
        for child in node:
            if child.tag == TXBX_CONTENT:
                found.append(child)
            elif child.tag == ALTERNATE_CONTENT:
                choice = child.find(MC_CHOICE)
                if choice is not None:
                    walk(choice)
            elif isinstance(child.tag, str):
                walk(child)

    if element.tag == ALTERNATE_CONTENT:
        choice = element.find(MC_CHOICE)
        if choice is not None:
            walk(choice)
    else:
        walk(element)
    return found
