"""Server-side SVG charts: one code path for web pages and PDFs (WeasyPrint runs no JS)."""

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

BAR_HEIGHT = 22
BAR_GAP = 8
LABEL_WIDTH = 150
CHART_WIDTH = 520


def bar_chart(items: list[tuple[str, int]], *, title: str = "") -> SafeString:
    """Return an inline SVG horizontal bar chart of (label, value) pairs."""
    top = max((value for _, value in items), default=0) or 1
    plot_width = CHART_WIDTH - LABEL_WIDTH - 40
    bars = [
        {
            "label": label,
            "value": value,
            "y": index * (BAR_HEIGHT + BAR_GAP),
            "width": max(2, round(plot_width * value / top)) if value else 0,
        }
        for index, (label, value) in enumerate(items)
    ]
    height = max(1, len(bars)) * (BAR_HEIGHT + BAR_GAP)
    return render_to_string(
        "includes/bar_chart.svg",
        {
            "title": title,
            "bars": bars,
            "width": CHART_WIDTH,
            "height": height,
            "label_width": LABEL_WIDTH,
            "bar_height": BAR_HEIGHT,
            "text_dy": BAR_HEIGHT * 0.7,
        },
    )
