"""The "Charts" sheet of the workbook: native Excel charts of the Pareto curve and the ABC-XYZ matrix.

The charts read a small data range on the same sheet, bounded whatever the number of customers:
the Pareto curve as at most `PARETO_POINTS` points (share of the ranked customers, cumulative
revenue share: `revenue_cum_share` of `customer_segments` in ABC order), and the matrix as two
3 x 3 grids (customers and revenue share per ABC class and XYZ class, from `abc_xyz_matrix`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, Reference, ScatterChart, Series
from openpyxl.chart.data_source import AxDataSource, StrRef
from openpyxl.styles import Font

from kam.export.column_formats import INTEGER, PERCENT
from kam.export.reading import ExportTable

SHEET = "Charts"
PARETO_POINTS = 200
ABC = ("A", "B", "C")
XYZ = ("X", "Y", "Z")
PARETO_TOP = 4  # the header row of the Pareto points; the points follow from (0, 0)
GRID_COLUMN = 4  # column D: the matrix grids
GRID_TOP = 2  # the first grid's title row; its header row follows, then A, B, C, a blank row: 6 rows a grid
GRID_ROWS = 6
CHART_COLUMN = "H"


@dataclass(frozen=True)
class ChartData:
    """What the charts show: the Pareto points and the matrix cells (`AX` -> customers, revenue share)."""

    pareto: list[tuple[float, float]]
    cells: dict[str, tuple[int, float | None]]
    unclassified: tuple[int, float | None]


def _column(table: ExportTable, name: str):
    index = table.spec.columns.index(name)
    return (row[index] for row in table.rows)


def pareto_points(cum_shares, limit: int = PARETO_POINTS) -> list[tuple[float, float]]:
    """(share of customers, cumulative revenue share) from (0, 0), at most `limit` + 1 points.

    `cum_shares`: the customers' `revenue_cum_share` (null outside the ABC population, left out);
    the k-th point is the customer at rank ceil(k x n / m) of the n ranked, m = min(n, limit).
    """
    ranked = sorted(share for share in cum_shares if share is not None)
    n = len(ranked)
    m = min(n, limit)
    points = [(0.0, 0.0)]
    for k in range(1, m + 1):
        rank = math.ceil(k * n / m)
        points.append((rank / n, float(ranked[rank - 1])))
    return points


def chart_data(tables: list[ExportTable]) -> ChartData | None:
    """The charts' data from the exported `customer_segments` and `abc_xyz_matrix`; None without both."""
    by_name = {table.spec.table: table for table in tables}
    segments, matrix = by_name.get("customer_segments"), by_name.get("abc_xyz_matrix")
    if segments is None or matrix is None:
        return None
    cells = {
        cell: (customers, None if share is None else float(share))
        for cell, customers, share in zip(
            _column(matrix, "abc_xyz"), _column(matrix, "customers"), _column(matrix, "revenue_share")
        )
    }
    return ChartData(
        pareto=pareto_points(_column(segments, "revenue_cum_share")),
        cells={abc + xyz: cells.get(abc + xyz, (0, None)) for abc in ABC for xyz in XYZ},
        unclassified=cells.get("unclassified", (0, None)),
    )


def _cell(sheet, value, fmt: str | None = None, bold: bool = False):
    cell = WriteOnlyCell(sheet, value)
    if fmt:
        cell.number_format = fmt
    if bold:
        cell.font = Font(name="Calibri", bold=True)
    return cell


def _grid_rows(sheet, data: ChartData) -> list[list]:
    """Rows of the two grids (customers, then revenue share) from row GRID_TOP, beside the Pareto points."""
    rows = []
    for title, pick, fmt in (("Customers", 0, INTEGER), ("Revenue share", 1, PERCENT)):
        rows.append([_cell(sheet, f"{title} per ABC-XYZ cell", bold=True)])
        rows.append([_cell(sheet, "ABC class", bold=True)] + [_cell(sheet, xyz, bold=True) for xyz in XYZ])
        for abc in ABC:
            rows.append(
                [_cell(sheet, abc, bold=True)] + [_cell(sheet, data.cells[abc + xyz][pick], fmt) for xyz in XYZ]
            )
        rows.append([])
    customers, share = data.unclassified
    rows.append([_cell(sheet, "Unclassified customers"), _cell(sheet, customers, INTEGER)])
    rows.append([_cell(sheet, "Their revenue share"), _cell(sheet, share, PERCENT)])
    return rows


def _pareto_chart(sheet, points: int) -> ScatterChart:
    chart = ScatterChart(scatterStyle="line")
    chart.title = "Pareto curve of revenue"
    chart.style = 13
    chart.legend = None
    chart.x_axis.title = "Customers, ranked by revenue (cumulative share)"
    chart.y_axis.title = "Revenue (cumulative share)"
    for axis in (chart.x_axis, chart.y_axis):
        axis.number_format = "0%"
        axis.scaling.min, axis.scaling.max = 0, 1
        axis.delete = False
    last = PARETO_TOP + points
    series = Series(
        Reference(sheet, min_col=2, min_row=PARETO_TOP + 1, max_row=last),
        Reference(sheet, min_col=1, min_row=PARETO_TOP + 1, max_row=last),
        title="Cumulative revenue share",
    )
    series.marker.symbol = "none"
    series.smooth = False
    chart.series.append(series)
    chart.width, chart.height = 18, 9
    return chart


def _matrix_chart(sheet, title: str, header_row: int, fmt: str) -> BarChart:
    chart = BarChart()
    chart.type = "col"
    chart.grouping = "clustered"
    chart.title = title
    chart.style = 10
    chart.x_axis.title = "ABC class (revenue)"
    chart.y_axis.title = title.split(" per ")[0]
    chart.y_axis.number_format = fmt
    for axis in (chart.x_axis, chart.y_axis):
        axis.delete = False
    values = Reference(
        sheet, min_col=GRID_COLUMN + 1, max_col=GRID_COLUMN + 3, min_row=header_row, max_row=header_row + 3
    )
    chart.add_data(values, titles_from_data=True)
    classes = Reference(sheet, min_col=GRID_COLUMN, min_row=header_row + 1, max_row=header_row + 3)
    for series in chart.series:  # the classes are text: a string reference (openpyxl's would be numeric)
        series.cat = AxDataSource(strRef=StrRef(f=str(classes)))
    chart.width, chart.height = 18, 9
    return chart


def write_charts_sheet(workbook, data: ChartData) -> None:
    """Add the sheet `Charts` to the write-only `workbook`: the charts' data and the three charts."""
    sheet = workbook.create_sheet(title=SHEET)
    sheet.column_dimensions["A"].width = 30
    sheet.column_dimensions["B"].width = 28
    sheet.column_dimensions["D"].width = 24
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 1  # data and charts on one page
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    pareto_rows = [
        [_cell(sheet, "Pareto curve of revenue", bold=True)],
        [_cell(sheet, f"{len(data.pareto) - 1} points of the customers in the ABC population, ranked by revenue")],
        [],
        [
            _cell(sheet, "Customers (cumulative share)", bold=True),
            _cell(sheet, "Revenue (cumulative share)", bold=True),
        ],
    ] + [[_cell(sheet, x, PERCENT), _cell(sheet, y, PERCENT)] for x, y in data.pareto]
    grid = _grid_rows(sheet, data)
    for i in range(max(len(pareto_rows), GRID_TOP - 1 + len(grid))):
        left = pareto_rows[i] if i < len(pareto_rows) else []
        right = grid[i - GRID_TOP + 1] if 0 <= i - GRID_TOP + 1 < len(grid) else []
        row = left + [None] * (GRID_COLUMN - 1 - len(left)) + right if right else left
        sheet.append(row)
    sheet.add_chart(_pareto_chart(sheet, len(data.pareto)), f"{CHART_COLUMN}2")
    customers, revenue = GRID_TOP + 1, GRID_TOP + 1 + GRID_ROWS  # the grids' header rows
    sheet.add_chart(_matrix_chart(sheet, "Customers per ABC-XYZ cell", customers, INTEGER), f"{CHART_COLUMN}21")
    sheet.add_chart(_matrix_chart(sheet, "Revenue share per ABC-XYZ cell", revenue, "0%"), f"{CHART_COLUMN}40")
