"""Draw a matplotlib figure to SVG text to put inline in a page: offline, the same bytes for the same figure.

Agg backend, no pyplot state; `svg.hashsalt` is fixed per chart and the metadata (date, creator) is
left out, so a rerun of the night writes the same bytes (docs/decisions/0022). Text stays text
(`svg.fonttype` none: readable, searchable, no glyph paths), the XML prologue and DOCTYPE are
dropped (inline SVG has none), and every id gets the chart's name as prefix, so charts share a page.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from html import escape

import matplotlib

matplotlib.use("Agg")

from matplotlib.figure import Figure

CHARACTER_INCHES = 0.07
NO_METADATA = {"Date": None, "Creator": None, "Format": None, "Type": None}
_ID = re.compile(r'(\bid="|xlink:href="#|url\(#)([^")]+)')


def label_inches(labels: list[str]) -> float:
    """About the width in inches the longest of `labels` takes at the charts' 9 pt (0.07 in a character)."""
    return CHARACTER_INCHES * max((len(label) for label in labels), default=0)


def render_svg(
    chart: str,
    values: object,
    size: tuple[float, float],
    margins: tuple[float, float, float, float],
    draw: Callable[[Figure], None],
) -> str:
    """An inline `<svg>` of the figure `draw` fills: `size` in inches, `margins` (left, right, bottom,
    top) in inches around the axes, fixed rather than computed (a layout engine draws the figure
    several times: twice the cost). Its root names the chart (`data-chart`) and carries the plotted
    numbers as JSON (`data-values`)."""
    style = {
        "svg.hashsalt": f"kam-run-report-{chart}",
        "svg.fonttype": "none",
        "font.family": "sans-serif",
        "font.sans-serif": ["DejaVu Sans"],  # shipped with matplotlib: the same layout everywhere
        "font.size": 9,
        "axes.spines.top": False,
        "axes.spines.right": False,
    }
    buffer = io.StringIO()
    with matplotlib.rc_context(style):
        figure = Figure(figsize=size)
        width, height = size
        left, right, bottom, top = margins
        figure.subplots_adjust(left=left / width, right=1 - right / width, bottom=bottom / height, top=1 - top / height)
        draw(figure)
        figure.savefig(buffer, format="svg", metadata=NO_METADATA)
    text = buffer.getvalue()
    text = _ID.sub(lambda m: f"{m.group(1)}{chart}-{m.group(2)}", text[text.index("<svg") :])
    data = escape(json.dumps(values, ensure_ascii=False, separators=(",", ":")), quote=True)
    root = f'<svg role="img" aria-label="{escape(chart)}" data-chart="{escape(chart)}" data-values="{data}"'
    return root + text[len("<svg") :].rstrip() + "\n"
