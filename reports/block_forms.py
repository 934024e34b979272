"""The block editor of a report body: one card per block, the stored text as its value.

A body (`AnnualReport.preface`, `ReportPart.intro`, `ReportSection.body`) is stored as the
text of `reports.blocks`; the editor shows it as an ordered list of blocks, each with a kind
select and its content (a textarea, or a grid of inputs for a table), and reads the POST back
into `blocks_text(...)`. So the models, their history and the stale-edit check stay as they are.

The POST of a field named `body` (the form's prefix included in the name):

    body-count                   number of blocks sent (the rendered ones, or as renumbered)
    body-<i>-kind                one of `KIND_CHOICES`
    body-<i>-order               position (blocks are saved sorted by it, then by <i>)
    body-<i>-delete              present: the block is dropped
    body-<i>-text                the text of a paragraph, salutation, signature or date; the
                                 attachments one item per line
    body-<i>-rows, body-<i>-cols a table's size, and its cells body-<i>-cell-<r>-<c>

Without JavaScript this is a plain form: the positions are number inputs, deleting is a
checkbox, an empty paragraph at the end adds a block, and a table grows or shrinks by its size
inputs (the page comes back with the new cells before anything is saved, as it does when a
block changes between a table and a text). With JavaScript (static/reports/block_editor.js)
the same inputs are moved, added and renamed in the page.

A client that posts the body as plain text under the field's own name (the form before the
block editor, scripts) is still understood; the text is normalised like any other save.
"""

import re
from dataclasses import dataclass, field
from functools import cached_property

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from reports.blocks import (
    ATTACHMENTS,
    KIND_CHOICES,
    MAX_BLOCKS,
    MAX_TABLE_COLUMNS,
    MAX_TABLE_ROWS,
    MAX_TEXT,
    MERGE_LEFT,
    MERGE_UP,
    PARAGRAPH,
    TABLE,
    Block,
    blocks_text,
    parse_blocks,
)

MAX_ROWS = MAX_TABLE_ROWS
MAX_COLUMNS = MAX_TABLE_COLUMNS
MAX_ORDER = 99_999
NEW_TABLE_SIZE = 3  # a new table starts as 3 × 3 empty cells
KINDS = {kind for kind, _label in KIND_CHOICES}
# C0 controls but the ones the importer keeps as white space (tab, line and page breaks);
# NUL has Django's own message.
CONTROL_CHARACTERS = re.compile(r"[\x01-\x08\x0e-\x1f]")
_INTEGER = re.compile(r"\s*(-?\d{1,9})\s*", re.ASCII)

INCOMPLETE = _("The editor sent incomplete data. Reload the page and try again.")
UNKNOWN_KIND = _("Unknown kind of block.")
TOO_MANY_BLOCKS = _("At most %(limit)s blocks are allowed.")
TABLE_TOO_LARGE = _("A table has at most %(rows)s rows and %(columns)s columns.")
TEXT_TOO_LONG = _("A text has at most %(limit)s characters.")
CONTROL_CHARACTER = _("Control characters are not allowed.")
RESIZED = _("The table was resized: fill in its cells, then save again.")
KIND_CHANGED = _("The kind was changed: check the content, then save again.")
IN_BLOCK = _("Block %(number)s: %(error)s")
MERGED_LEFT = _("Merged into the cell to its left (“<”)")
MERGED_UP = _("Merged into the cell above (“^”)")


@dataclass
class EditorBlock:
    """One card of the editor: a block as shown and as posted (before it is saved)."""

    kind: str = PARAGRAPH
    text: str = ""
    rows: list[list[str]] = field(default_factory=list)
    position: int = 0
    order: str = ""  # the position input as posted, shown again unchanged
    deleted: bool = False
    errors: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        if self.kind == TABLE:
            return not any(cell.strip() for row in self.rows for cell in row)
        return not self.text.strip()

    def blocks(self) -> list[Block]:
        """The stored blocks this card stands for (a paragraph's text may hold several)."""
        if self.kind == PARAGRAPH:
            return parse_blocks(self.text)
        if self.kind == TABLE:
            return [Block(TABLE, rows=self.rows)]
        if self.kind == ATTACHMENTS:
            return [Block(ATTACHMENTS, items=self.text.splitlines())]
        return [Block(self.kind, text=self.text)]


def editor_blocks(text: str) -> list[EditorBlock]:
    """The cards of a stored body; a table's rows are padded to one width."""
    cards = []
    for block in parse_blocks(text or ""):
        if block.kind == TABLE:
            cards.append(EditorBlock(TABLE, rows=rectangular(block.rows)))
        elif block.kind == ATTACHMENTS:
            cards.append(EditorBlock(ATTACHMENTS, text="\n".join(block.items)))
        else:
            cards.append(EditorBlock(block.kind, text=block.text))
    return cards


def rectangular(rows: list[list[str]]) -> list[list[str]]:
    width = max((len(row) for row in rows), default=0)
    return [row + [""] * (width - len(row)) for row in rows]


def text_to_grid(text: str) -> list[list[str]]:
    """A text turned into a table: a row a line, cells split at tabs (as pasted from a sheet)."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if not lines:
        return [[""] * NEW_TABLE_SIZE for _row in range(NEW_TABLE_SIZE)]
    rows = [[cell.strip() for cell in line.split("\t")][:MAX_COLUMNS] for line in lines]
    return rectangular(rows[:MAX_ROWS])


def grid_to_text(rows: list[list[str]]) -> str:
    """A table turned into a text: a line a row, the cells' texts (not the merge marks)."""
    lines = []
    for row in rows:
        cells = [cell.strip() for cell in row if cell.strip() not in ("", MERGE_LEFT, MERGE_UP)]
        if cells:
            lines.append(" ".join(cells))
    return "\n".join(lines)


def merge_mark(value: str, row: int, column: int) -> str:
    """MERGE_LEFT or MERGE_UP when the cell is merged into a neighbour (as `table_cells` reads
    it: a "<" in the first column or a "^" in the first row is text), else ""."""
    value = value.strip()
    if (value == MERGE_LEFT and column > 0) or (value == MERGE_UP and row > 0):
        return value
    return ""


def parse_integer(value, low: int, high: int) -> int | None:
    """`value` as an integer in [low, high]; None when it is missing, malformed or outside."""
    if not isinstance(value, str) or len(value) > 20:
        return None
    match = _INTEGER.fullmatch(value)
    if not match:
        return None
    number = int(match.group(1))
    return number if low <= number <= high else None


def text_errors(text: str, limit: int = MAX_TEXT) -> list[str]:
    """What is wrong with one posted text: its length, NUL or other control characters."""
    errors = []
    if len(text) > limit:
        errors.append(TEXT_TOO_LONG % {"limit": limit})
    try:
        ProhibitNullCharactersValidator()(text)  # the message every form field of the portal gives
    except ValidationError as error:
        errors.extend(error.messages)
    if CONTROL_CHARACTERS.search(text):
        errors.append(str(CONTROL_CHARACTER))
    return errors


@dataclass
class Reading:
    """The blocks read from a POST, its errors, and the text to store when there are none."""

    blocks: list[EditorBlock] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    usable: bool = True  # False: nothing can be shown again; the stored body is shown instead
    text: str = ""

    def fail(self, message, card: EditorBlock | None = None, number: int = 0):
        if card is None:
            self.errors.append(str(message))
            return
        if str(message) not in card.errors:
            card.errors.append(str(message))
            self.errors.append(IN_BLOCK % {"number": number, "error": message})


class PostedBlocks:
    """What the editor of the field `prefix` posted; read once, shown again on an error."""

    def __init__(self, data, prefix: str):
        self.data = data
        self.prefix = prefix

    @cached_property
    def reading(self) -> Reading:
        return read_blocks(self.data, self.prefix)


def read_blocks(data, prefix: str) -> Reading:
    """Read the cards posted under `prefix` (bounded: never more than the limits allow)."""
    reading = Reading()
    count = parse_integer(data.get(f"{prefix}-count"), 0, MAX_BLOCKS + 1)
    if count is None:
        reading.usable = False
        too_many = parse_integer(data.get(f"{prefix}-count"), MAX_BLOCKS + 2, 10**9)
        reading.fail(TOO_MANY_BLOCKS % {"limit": MAX_BLOCKS} if too_many else INCOMPLETE)
        return reading
    cells, strays = _posted_cells(data, prefix, count)
    if strays:
        reading.fail(INCOMPLETE)
    for index in range(count):
        reading.blocks.append(_read_block(data, prefix, index, cells.get(index, {}), reading))
    if reading.errors:
        return reading
    live = sorted(
        (card for card in reading.blocks if not card.deleted), key=lambda card: card.position
    )
    blocks = [block for card in live for block in card.blocks()]
    reading.text = blocks_text(blocks)
    if len(parse_blocks(reading.text)) > MAX_BLOCKS:
        reading.fail(TOO_MANY_BLOCKS % {"limit": MAX_BLOCKS})
    return reading


def _posted_cells(data, prefix: str, count: int):
    """The posted cells by block, and whether any input name does not fit the form."""
    pattern = re.compile(rf"{re.escape(prefix)}-(\d{{1,6}})-(\w+(?:-\d{{1,6}}-\d{{1,6}})?)")
    fields = {"kind", "order", "delete", "text", "rows", "cols"}
    cells: dict[int, dict[tuple[int, int], str]] = {}
    strays = False
    for key in data:
        if not key.startswith(f"{prefix}-") or key == f"{prefix}-count":
            continue
        match = pattern.fullmatch(key)
        if not match or int(match.group(1)) >= count:
            strays = True
            continue
        name = match.group(2)
        if name in fields:
            continue
        parts = name.split("-")
        if parts[0] != "cell" or len(parts) != 3:
            strays = True
            continue
        row, column = int(parts[1]), int(parts[2])
        if row >= MAX_ROWS or column >= MAX_COLUMNS:
            strays = True
            continue
        cells.setdefault(int(match.group(1)), {})[(row, column)] = data.get(key)
    return cells, strays


def _read_block(data, prefix, index, cells, reading: Reading) -> EditorBlock:
    key = f"{prefix}-{index}-"
    number = index + 1
    kind = data.get(key + "kind")
    order = data.get(key + "order")
    card = EditorBlock(
        kind=kind if kind in KINDS else PARAGRAPH,
        order=order if isinstance(order, str) and len(order) <= 20 else str(number),
        deleted=bool(data.get(key + "delete")),
    )

    def fail(message):
        if not card.deleted:  # a deleted block is dropped whatever it holds
            reading.fail(message, card, number)

    position = parse_integer(order, 0, MAX_ORDER)
    card.position = position if position is not None else number
    if kind is None or position is None:
        fail(INCOMPLETE)
    elif kind not in KINDS:
        fail(UNKNOWN_KIND)

    text = data.get(key + "text")
    has_size = key + "rows" in data or key + "cols" in data
    if card.kind == TABLE and has_size:
        card.rows = _read_grid(data, key, cells, fail)
    elif card.kind == TABLE and text is not None:
        card.rows = text_to_grid(text)
        fail(KIND_CHANGED)
    elif card.kind != TABLE and text is not None:
        card.text = text if len(text) <= MAX_TEXT * 2 else text[: MAX_TEXT * 2]
    elif card.kind != TABLE and has_size:
        card.text = grid_to_text(_read_grid(data, key, cells, lambda message: None))
        fail(KIND_CHANGED)
    else:
        fail(INCOMPLETE)
    texts = [cell for row in card.rows for cell in row] if card.kind == TABLE else [card.text]
    for error in dict.fromkeys(error for value in texts for error in text_errors(value)):
        fail(error)
    return card


def _read_grid(data, key, cells, fail) -> list[list[str]]:
    """A table's cells in its posted size; missing cells or cells outside it: resized."""
    rows = parse_integer(data.get(key + "rows"), 0, 10**6)
    columns = parse_integer(data.get(key + "cols"), 0, 10**6)
    if rows is None or columns is None:
        fail(INCOMPLETE)
        rows = max((r for r, _c in cells), default=-1) + 1
        columns = max((c for _r, c in cells), default=-1) + 1
    elif rows > MAX_ROWS or columns > MAX_COLUMNS:
        fail(TABLE_TOO_LARGE % {"rows": MAX_ROWS, "columns": MAX_COLUMNS})
    rows, columns = min(rows, MAX_ROWS), min(columns, MAX_COLUMNS)
    grid = [[cells.get((r, c)) for c in range(columns)] for r in range(rows)]
    outside = any(r >= rows or c >= columns for r, c in cells)
    if outside or any(value is None for row in grid for value in row):
        fail(RESIZED)
    return [[value if isinstance(value, str) else "" for value in row] for row in grid]


class BlocksWidget(forms.Widget):
    """The cards of a body (templates/reports/includes/block_editor.html)."""

    template_name = "reports/includes/block_editor.html"
    block_editor = True  # templates label the editor as a group, not as one input

    class Media:
        css = {"all": ["reports/block_editor.css"]}
        js = ["reports/block_editor.js"]

    def value_from_datadict(self, data, files, name):
        if f"{name}-count" not in data and name in data:
            return data.get(name)  # the body posted as plain text
        return PostedBlocks(data, name)

    def value_omitted_from_data(self, data, files, name):
        return f"{name}-count" not in data and name not in data

    def use_required_attribute(self, initial):
        return False

    def render(self, name, value, attrs=None, renderer=None):
        context = self.get_context(name, value, attrs)
        return mark_safe(render_to_string(self.template_name, context))

    def get_context(self, name, value, attrs):
        if isinstance(value, PostedBlocks):
            cards = value.reading.blocks
        else:
            cards = editor_blocks(value or "")
        if not cards or cards[-1].kind != PARAGRAPH or not cards[-1].is_empty:
            cards = [*cards, EditorBlock(PARAGRAPH)]  # where a block is added without JavaScript
        labels = {
            "block": gettext("Block %(number)s"),
            "cell": gettext("Row %(row)s, column %(column)s"),
            "merge_left": gettext(MERGED_LEFT),
            "merge_up": gettext(MERGED_UP),
        }
        new_cards = [EditorBlock(PARAGRAPH), EditorBlock(TABLE, rows=text_to_grid(""))]
        return {
            "id": (attrs or {}).get("id") or self.attrs.get("id") or f"id_{name}",
            "prefix": name,
            "count": len(cards),
            "cards": [card_context(name, card, index, labels) for index, card in enumerate(cards)],
            "new_cards": [card_context(name, card, None, labels) for card in new_cards],
            "kinds": KIND_CHOICES,
            "max_rows": MAX_ROWS,
            "max_columns": MAX_COLUMNS,
            "labels": {
                "block": labels["block"] % {"number": "{n}"},
                "cell": labels["cell"] % {"row": "{row}", "column": "{column}"},
                "merge_left": labels["merge_left"],
                "merge_up": labels["merge_up"],
            },
        }


def card_context(prefix: str, card: EditorBlock, index: int | None, labels: dict) -> dict:
    """What the template draws of one card; `index` None: the model card JavaScript copies."""
    name = f"{prefix}-{'__prefix__' if index is None else index}"
    number = "{n}" if index is None else index + 1
    merged = {MERGE_LEFT: labels["merge_left"], MERGE_UP: labels["merge_up"]}
    grid = [
        [
            {
                "name": f"{name}-cell-{r}-{c}",
                "value": value,
                "label": labels["cell"] % {"row": r + 1, "column": c + 1},
                "merged": merged.get(merge_mark(value, r, c), ""),
            }
            for c, value in enumerate(row)
        ]
        for r, row in enumerate(card.rows)
    ]
    return {
        "name": name,
        "label": labels["block"] % {"number": number},
        "kind": card.kind,
        "text": card.text,
        "grid": grid,
        "rows": len(card.rows),
        "columns": len(card.rows[0]) if card.rows else 0,
        "order": card.order or str(number),
        "deleted": card.deleted,
        "errors": card.errors,
    }


class BlocksField(forms.Field):
    """A body edited as blocks; the cleaned value is the stored text (`blocks_text`)."""

    widget = BlocksWidget

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, PostedBlocks):
            reading = value.reading
            if reading.errors:
                raise ValidationError(reading.errors, code="invalid_blocks")
            return reading.text
        text = value if isinstance(value, str) else ""
        if errors := text_errors(text, limit=MAX_TEXT * MAX_BLOCKS):
            raise ValidationError(errors, code="invalid_blocks")
        return blocks_text(parse_blocks(text))

    def bound_data(self, data, initial):
        if isinstance(data, PostedBlocks) and not data.reading.usable:
            return initial  # nothing of the POST can be shown: show the stored body again
        return data

    def has_changed(self, initial, data):
        try:
            value = self.to_python(data)
        except ValidationError:
            return True
        return value != blocks_text(parse_blocks(initial or ""))


def blocks_field(model, name: str) -> BlocksField:
    """The block editor for the text field `name` of `model`, labelled as the model field."""
    model_field = model._meta.get_field(name)
    return BlocksField(label=model_field.verbose_name, required=not model_field.blank)
