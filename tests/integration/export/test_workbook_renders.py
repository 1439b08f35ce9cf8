"""The worked example's workbook: its About sheet is the dbt docs, its charts the published tables, and
LibreOffice headless converts it to PDF (a page saved as var/screenshots/workbook_page.png for a look).

The example is the session's dbt build (`example_warehouse`), published and exported once for this module.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from kam.dbt_docs import read_model_docs
from kam.export.about_sheet import plain
from kam.export.column_labels import column_labels
from kam.export.workbook_charts import pareto_points
from kam.publish.exposures import export_specs
from tests.export_tools import libreoffice
from tests.integration.conftest import copy_of_example

pytestmark = pytest.mark.slow

SCREENSHOTS = Path(__file__).resolve().parents[3] / "var" / "screenshots"
AS_OF = "2026-10-15"


@pytest.fixture(scope="module")
def example_export(example_warehouse, tmp_path_factory):
    """(settings, workbook path, manifest path) of the example published and exported as run `example_run`."""
    from kam.export import export_run
    from kam.publish import publish_run

    home = tmp_path_factory.mktemp("workbook_example")
    manifest = home / "dbt" / "target" / "manifest.json"  # where the session's dbt build wrote it, in its home
    manifest.parent.mkdir(parents=True)
    shutil.copy(Path(example_warehouse.home) / "dbt" / "target" / "manifest.json", manifest)
    settings = copy_of_example(example_warehouse, home)
    publish_run(
        settings,
        run_id="example_run",
        as_of=AS_OF,
        started_at="2026-10-16T02:00:00Z",
        gate_result_json={"passed": True, "failed_checks": [], "warnings": []},
    )
    folder = export_run(settings, run_id="example_run", as_of=AS_OF)
    return settings, folder / f"kam_segments_{AS_OF}.xlsx", manifest


def test_the_about_sheet_gives_every_sheet_and_column_its_dbt_description(example_export):
    _, workbook, manifest = example_export
    docs = read_model_docs(manifest, [spec.table for spec in export_specs()])
    about = load_workbook(workbook)["About"]
    rows = [tuple(r) for r in about.iter_rows(min_row=8, values_only=True)]
    tables = len(export_specs())
    assert rows[1 : 1 + tables] == [
        (spec.table, len(about.parent[spec.table]["A"]) - 1, plain(docs[spec.table].description), None)
        for spec in export_specs()
    ]
    expected_columns = [
        (spec.table, label, plain(docs[spec.table].columns[name]), name)
        for spec in export_specs()
        for name, label in zip(spec.columns, column_labels(spec.columns))
    ]
    assert rows[tables + 4 :] == expected_columns
    assert all(meaning for _, _, meaning, _ in expected_columns)  # every exported column is documented in dbt
    revenue = next(row for row in expected_columns if row[:2] == ("customer_segments", "Revenue 12 months"))
    assert revenue[2].startswith("Revenue in the reporting currency (EUR) of the customer's counted orders")


def test_the_charts_show_the_published_pareto_curve_and_matrix(example_export):
    from kam.warehouse.reporting_db import open_reporting_db

    settings, workbook, _ = example_export
    con = open_reporting_db(settings.reporting_db)
    try:
        shares = [r[0] for r in con.execute("select revenue_cum_share from customer_segments").fetchall()]
        matrix = {r[0]: r[1] for r in con.execute("select abc_xyz, customers from abc_xyz_matrix").fetchall()}
    finally:
        con.close()
    charts = load_workbook(workbook)["Charts"]
    points = pareto_points(shares)
    assert 10 < len(points) <= 201 and points[-1][0] == 1.0
    shown = [tuple(r[:2]) for r in charts.iter_rows(min_row=5, max_row=4 + len(points), values_only=True)]
    assert shown == [(float(f"{x:.16g}"), float(f"{y:.16g}")) for x, y in points]
    grid = [tuple(r[3:7]) for r in charts.iter_rows(min_row=4, max_row=6, values_only=True)]
    assert grid == [(abc, *(matrix[abc + xyz] for xyz in "XYZ")) for abc in "ABC"]
    assert charts._charts[0].series[0].yVal.numRef.f == f"'Charts'!$B$5:$B${4 + len(points)}"


def test_libreoffice_converts_the_workbook_to_pdf_and_a_page_to_png(example_export, tmp_path):
    reason = libreoffice.missing()
    if reason:
        pytest.skip(reason)
    _, workbook, _ = example_export
    result, pdf = libreoffice.to_pdf(workbook, tmp_path, tmp_path / "lo_profile")

    assert result.returncode == 0, result.stderr
    assert "Error" not in result.stdout + result.stderr
    pages = libreoffice.page_count(pdf)
    assert pages >= len(load_workbook(workbook, read_only=True).sheetnames)  # at least a page per sheet
    libreoffice.render_page(pdf, 1, SCREENSHOTS / "workbook_page.png")  # About
    libreoffice.render_page(pdf, pages, SCREENSHOTS / "workbook_charts.png")  # Charts, on one page
    for png in ("workbook_page.png", "workbook_charts.png"):
        data = (SCREENSHOTS / png).read_bytes()
        assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 10_000, png
