"""What a report file holds before its structure is rebuilt: lines, tables and their layout.

Every reader (.txt, .docx, and .doc/.wps/.rtf/.odt through LibreOffice) returns a `Source`;
`reports.importer` turns it into parts, sections and blocks.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError


class ReportImportError(ValidationError):
    """The file cannot be imported; the message says why, in words an office user follows."""


@dataclass
class SourceLine:
    """One paragraph of the file, or one table.

    `text`: the paragraph's text, with Word's automatic numbering written in front as Word
    shows it ("一、", "（一）", "1."); `numbered`: that number came from automatic numbering,
    at list level `level` (0 = outermost); `align`: "center", "right" or "" (left/justified);
    `rows`: for a table, its grid of cell texts with `reports.blocks.MERGE_LEFT` /
    `MERGE_UP` where a cell is merged into its neighbour (`text` is then "").
    """

    text: str = ""
    align: str = ""
    numbered: bool = False
    level: int | None = None
    rows: list[list[str]] | None = None

    @property
    def is_table(self) -> bool:
        return self.rows is not None


@dataclass
class Source:
    """The file's lines in order; `notices` tell the user what the reader did (for example
    that tracked changes were accepted), in the user's language."""

    lines: list[SourceLine] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
