"""Read a run report back: its tables' exact values (`data-value`), its charts' numbers (`data-values`)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class ReportPage:
    tables: dict[str, list[list[str]]] = field(default_factory=dict)  # data-table -> rows of data-value
    charts: dict[str, object] = field(default_factory=dict)  # data-chart -> the plotted numbers
    vars: dict[str, str] = field(default_factory=dict)  # data-var -> data-value
    empty: list[str] = field(default_factory=list)  # the "nothing to show" notes


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.page, self._table, self._empty = ReportPage(), None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and "data-table" in attrs:
            self._table = self.page.tables.setdefault(attrs["data-table"], [])
        elif tag == "tr" and self._table is not None:
            self._table.append([])
        elif tag == "td" and self._table is not None:
            self._table[-1].append(attrs["data-value"])
        elif tag == "svg" and "data-chart" in attrs:
            self.page.charts[attrs["data-chart"]] = json.loads(attrs["data-values"])
        elif "data-var" in attrs:
            self.page.vars[attrs["data-var"]] = attrs["data-value"]
        elif tag == "p" and attrs.get("class") == "empty":
            self._empty = ""

    def handle_data(self, data):
        if self._empty is not None:
            self._empty += data

    def handle_endtag(self, tag):
        if tag == "table":
            self._table = None
        elif tag == "p" and self._empty is not None:
            self.page.empty.append(self._empty)
            self._empty = None


def read_page(html: str) -> ReportPage:
    """The tables (header rows dropped), charts, vars and empty notes of a run report."""
    parser = _Parser()
    parser.feed(html)
    page = parser.page
    page.tables = {name: [row for row in rows if row] for name, rows in page.tables.items()}
    return page
