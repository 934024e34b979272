"""The blocks of a report's text, after GB/T 9704-2012: paragraphs, lead-ins, tables, and the
document's closing blocks (主送机关, 附件说明, 发文机关署名, 成文日期).

A body (`AnnualReport.preface`, `ReportPart.intro`, `ReportSection.body`) is stored as text,
so its history reads as text and the admin can still edit it: blocks are separated by blank
lines, and a block's kind is written where the text alone cannot tell it.

    学校领导高度重视外事工作……           a paragraph (lines inside it are joined)
    （一）健全审批流程。出访申请须……        a paragraph with a level-2 lead-in (derived)
    | 类别 | 2022年 | 2023年 |            a table: one line per row, cells between "|";
    | 合计 | 3 | < |                        "<" merges a cell into its left neighbour,
    | ^ | 4 | 5 |                           "^" into the cell above; "\\|" is a literal bar
    〔主送〕各职业院校、各直属单位：          主送机关 (salutation), flush left
    〔附件〕1、申报表                        附件说明: one item per line, numbering as typed
    2、计划表
    〔署名〕国际交流合作处                   发文机关署名, right-aligned after §7.3.5
    〔日期〕2023年12月20日                   成文日期, under the signature

`parse_blocks(text)` returns `list[Block]`; `blocks_text(blocks)` writes them back, so that
`blocks_text(parse_blocks(t))` is `t` up to whitespace.
"""

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

PARAGRAPH = "paragraph"
TABLE = "table"
SALUTATION = "salutation"
ATTACHMENTS = "attachments"
SIGNATURE = "signature"
DATE = "date"

# The kinds written with a marker; the marker is Chinese, as the office reads the raw text.
MARKERS = {SALUTATION: "〔主送〕", ATTACHMENTS: "〔附件〕", SIGNATURE: "〔署名〕", DATE: "〔日期〕"}
KIND_OF_MARKER = {marker: kind for kind, marker in MARKERS.items()}
KIND_CHOICES = [
    (PARAGRAPH, _("paragraph")),
    (TABLE, _("table")),
    (SALUTATION, _("salutation (主送机关)")),
    (ATTACHMENTS, _("attachments (附件说明)")),
    (SIGNATURE, _("signature (发文机关署名)")),
    (DATE, _("date (成文日期)")),
]

# What a body may hold: the editor's limits, held by the importer too (a body it could not
# save again would be a trap). 200 × 20 cells stay under DATA_UPLOAD_MAX_NUMBER_FIELDS.
MAX_BLOCKS = 500
MAX_TABLE_ROWS = 200
MAX_TABLE_COLUMNS = 20
MAX_TEXT = 20_000

MERGE_LEFT = "<"
MERGE_UP = "^"

NUMERAL = "一二三四五六七八九十"
# Lead-ins, as the author typed them: level 2 "（一）", "(一)", "第一，", "一是"; level 3 "1.",
# "1．", "1、"; level 4 "（1）", "(1)". The lead runs to the end of its first sentence.
LEADIN_PATTERNS = (
    (re.compile(rf"^([（(][{NUMERAL}]+[）)][^。！？]*[。！？]?)(.*)$", re.S), 2),
    (re.compile(rf"^(第[{NUMERAL}]+[，、][^。！？]*[。！？]?)(.*)$", re.S), 2),
    (re.compile(rf"^([{NUMERAL}]+是[^，。！？]*[，。！？]?)(.*)$", re.S), 2),
    (re.compile(r"^(\d{1,2}[.．、](?!\d)[^。！？]*[。！？]?)(.*)$", re.S), 3),
    (re.compile(r"^([（(]\d{1,2}[）)][^。！？]*[。！？]?)(.*)$", re.S), 4),
)


@dataclass
class Cell:
    """A table cell as it is drawn: merged cells appear once, spanning."""

    text: str
    colspan: int = 1
    rowspan: int = 1


@dataclass
class Block:
    """One block of a body.

    `text` holds a paragraph's, salutation's, signature's or date's text; `lead` and `level`
    a paragraph's lead-in (level 2–4, derived from its text); `rows` a table's grid of cell
    texts, with MERGE_LEFT / MERGE_UP for merged cells; `items` the 附件说明 items.
    """

    kind: str = PARAGRAPH
    text: str = ""
    lead: str = ""
    level: int = 0
    rows: list[list[str]] = field(default_factory=list)
    items: list[str] = field(default_factory=list)

    @property
    def is_paragraph(self) -> bool:
        return self.kind == PARAGRAPH

    @property
    def body(self) -> str:
        """A paragraph's text after its lead-in (the whole text when it has none)."""
        return self.text[len(self.lead) :]

    def cells(self) -> list[list[Cell]]:
        """The table as drawn: each merged area once, with its spans (rows of `Cell`)."""
        return table_cells(self.rows)

    def plain_text(self) -> str:
        """The block's text as a reader sees it (table cells joined by "｜", rows by "\\n")."""
        if self.kind == TABLE:
            return "\n".join("｜".join(c.text for c in row) for row in self.cells())
        if self.kind == ATTACHMENTS:
            return "\n".join(self.items)
        return self.text


def paragraph(text: str) -> Block:
    """A paragraph block; its lead-in (if any) is recognised from the text."""
    for pattern, level in LEADIN_PATTERNS:
        if match := pattern.match(text):
            return Block(PARAGRAPH, text=text, lead=match.group(1), level=level)
    return Block(PARAGRAPH, text=text)


def parse_blocks(text: str) -> list[Block]:
    """Split a stored body into blocks (see the module's docstring for the format)."""
    blocks = []
    for chunk in re.split(r"\n[ \t\u3000]*\n", (text or "").replace("\r\n", "\n").strip()):
        lines = [line.strip() for line in chunk.strip("\n").split("\n")]
        lines = [line for line in lines if line]
        if not lines:
            continue
        if lines[0].startswith(ESCAPE):
            blocks.append(paragraph(join_lines([lines[0][len(ESCAPE) :], *lines[1:]])))
            continue
        if all(line.startswith("|") for line in lines):
            blocks.append(Block(TABLE, rows=[_table_row(line) for line in lines]))
            continue
        kind = PARAGRAPH
        for marker, marked in KIND_OF_MARKER.items():
            if lines[0].startswith(marker):
                kind = marked
                lines[0] = lines[0][len(marker) :].strip()
                lines = [line for line in lines if line]
                break
        if kind == ATTACHMENTS:
            blocks.append(Block(ATTACHMENTS, items=lines))
        elif kind == PARAGRAPH:
            blocks.append(paragraph(join_lines(lines)))
        else:
            blocks.append(Block(kind, text=join_lines(lines)))
    return blocks


def blocks_text(blocks: list[Block]) -> str:
    """Write blocks back in the stored format."""
    chunks = []
    for block in blocks:
        if block.kind == TABLE:
            rows = [row for row in block.rows if any(cell.strip() for cell in row)]
            if rows:
                chunks.append("\n".join(_table_line(row) for row in rows))
        elif block.kind == ATTACHMENTS:
            items = [item.strip() for item in block.items if item.strip()]
            if items:
                chunks.append(MARKERS[ATTACHMENTS] + "\n".join(items))
        elif block.text.strip():
            text = join_lines(block.text.strip().splitlines())
            if block.kind == PARAGRAPH and _needs_escape(text):
                text = ESCAPE + text  # typed text that would read as a table or a marker
            chunks.append(MARKERS.get(block.kind, "") + text)
    return "\n\n".join(chunks)


ESCAPE = "\\"  # a paragraph stored as "\\|…" or "\\〔署名〕…" is that text, not a table or marker


def _needs_escape(text: str) -> bool:
    return text.startswith(("|", ESCAPE)) or any(text.startswith(m) for m in KIND_OF_MARKER)


def join_lines(lines: list[str]) -> str:
    """Join the lines of one paragraph: no gap in Chinese, one space between Latin words."""
    text = ""
    for line in (line.strip() for line in lines):
        if not line:
            continue
        if text and text[-1].isascii() and line[0].isascii() and text[-1].isalnum():
            text += " "
        text += line
    return text


def table_cells(rows: list[list[str]]) -> list[list[Cell]]:
    """Resolve the merge markers of a grid into cells with colspan and rowspan.

    A marker with nothing to merge into (a "<" in the first column) is kept as text.
    """
    width = max((len(row) for row in rows), default=0)
    grid = [row + [""] * (width - len(row)) for row in rows]
    owner: dict[tuple[int, int], tuple[Cell, int, int]] = {}  # position → (cell, top, left)
    result: list[list[Cell]] = []
    for r, row in enumerate(grid):
        drawn = []
        for c, text in enumerate(row):
            if text == MERGE_LEFT and (r, c - 1) in owner:
                cell, top, left = owner[(r, c - 1)]
                if top == r:
                    cell.colspan = c - left + 1
                owner[(r, c)] = (cell, top, left)
            elif text == MERGE_UP and (r - 1, c) in owner:
                cell, top, left = owner[(r - 1, c)]
                if left == c:
                    cell.rowspan = r - top + 1
                owner[(r, c)] = (cell, top, left)
            else:
                cell = Cell(text)
                owner[(r, c)] = (cell, r, c)
                drawn.append(cell)
        result.append(drawn)
    return result


def cells_grid(cells: list[list[Cell]]) -> list[list[str]]:
    """The inverse of `table_cells`: spans back to a grid with merge markers."""
    taken: dict[tuple[int, int], str] = {}
    for r, row in enumerate(cells):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    mark = cell.text if (dr, dc) == (0, 0) else MERGE_UP if dc == 0 else MERGE_LEFT
                    taken[(r + dr, c + dc)] = mark
            c += cell.colspan
    height = max((r for r, _ in taken), default=-1) + 1
    width = max((c for _, c in taken), default=-1) + 1
    return [[taken.get((r, c), "") for c in range(width)] for r in range(height)]


def _table_row(line: str) -> list[str]:
    inner = line.strip()[1:]
    if inner.endswith("|") and not inner.endswith("\\|"):
        inner = inner[:-1]
    cells = re.split(r"(?<!\\)\|", inner)
    return [cell.strip().replace("\\|", "|") for cell in cells]


def _table_line(row: list[str]) -> str:
    cells = [re.sub(r"[^\S\u3000]+", " ", cell).strip().replace("|", "\\|") for cell in row]
    return "| " + " | ".join(cells) + " |"


def plain_paragraphs(text: str) -> list[str]:
    """Every block of a body as plain text (for search, statistics and tests)."""
    return [block.plain_text() for block in parse_blocks(text)]
