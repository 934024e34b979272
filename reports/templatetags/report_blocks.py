"""Template filters of the report editor."""

from django import template

from reports.blocks import parse_blocks

register = template.Library()


@register.filter
def plain_body(text: str) -> str:
    """A stored body as a reader sees it, without block markers: blocks joined by a space,
    a table's cells by "｜" (for summaries; the editor and the PDF draw the blocks)."""
    return " ".join(block.plain_text().replace("\n", " ") for block in parse_blocks(text))
