"""The run report: one self-contained HTML page per published night, charts drawn offline to inline SVG.

    from kam.report import write_run_report
    write_run_report(settings, export_folder, run_id=..., as_of=D, run_vars=plan.vars)

`report_data` aggregates the night's tables in the warehouse, `charts` draws them (`svg`: matplotlib
to deterministic SVG text), `page` lays out the HTML, `run_report` writes it (docs/decisions/0022).
"""

from kam.report.run_report import render_run_report, report_name, write_run_report

__all__ = ["render_run_report", "report_name", "write_run_report"]
