"""The run report page: one self-contained HTML file, inline SVG charts, a table of numbers under each.

No script, no external style, font or image: it opens offline from the export folder. Every number
of a table is in its cell's `data-value` as the warehouse gave it (amounts as decimal text, shares
as floats), so a test can compare the page with the tables. A section without data says so.
"""

from __future__ import annotations

from html import escape

from kam.quality.result import short
from kam.report import charts
from kam.report.charts import NO_PRIORITY
from kam.report.gate_record import GateCheck
from kam.report.report_data import ReportData
from kam.report.report_vars import ReportVars

STYLE = """body{font-family:'DejaVu Sans','Liberation Sans',Arial,sans-serif;margin:2rem auto;color:#222;
max-width:1100px;padding:0 1rem} h1{font-size:1.5rem} h2{font-size:1.2rem;margin-top:2.2rem;border-bottom:1px solid
#ddd;padding-bottom:.2rem} svg{max-width:100%;height:auto;display:block;margin:.5rem 0} table{border-collapse:collapse;
margin:.5rem 0 1rem} th,td{border:1px solid #ddd;padding:.25rem .5rem;text-align:left;font-size:.85rem;
vertical-align:top} td.n{text-align:right;font-variant-numeric:tabular-nums} th{background:#f5f5f5}
.empty{padding:.6rem 1rem;background:#f5f5f5;border-radius:6px;font-style:italic} .failed{color:#a1121d;
font-weight:600} .warning{color:#8a5a00;font-weight:600} .passed{color:#1e6b34} .note{color:#555;font-size:.85rem}
.side{display:flex;flex-wrap:wrap;gap:2rem} .side>div{flex:1 1 420px}"""


def _cell(value, text: str | None = None, numeric: bool = True) -> str:
    """A table cell showing `text` (default: the value) with the exact value in `data-value`."""
    exact = (
        ""
        if value is None
        else (value if isinstance(value, str) else repr(value) if isinstance(value, float) else str(value))
    )
    shown = text if text is not None else ("–" if value is None else str(value))
    return f'<td{" class=n" if numeric else ""} data-value="{escape(exact)}">{escape(shown)}</td>'


def _text(value) -> str:
    return _cell(value, numeric=False)


def _eur(value) -> str:
    return _cell(value, "–" if value is None else f"{value:,.2f}")


def _share(value) -> str:
    return _cell(value, "–" if value is None else f"{value:.1%}")


def _table(name: str, header: list[str], rows: list[str]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    return f'<table data-table="{name}"><tr>{head}</tr>{"".join(f"<tr>{r}</tr>" for r in rows)}</table>'


def _empty(reason: str) -> str:
    return f'<p class="empty">Nothing to show: {escape(reason)}</p>'


def _pareto(data: ReportData, report_vars: ReportVars) -> str:
    pareto = data.pareto
    if not pareto.customers_with_revenue:
        return _empty("no customer has revenue in the analysis window.")
    rows = [
        f"{_text(c.abc)}{_cell(c.customers)}{_eur(c.revenue_12m)}{_share(c.revenue_share)}{_share(c.cum_share)}"
        f"{_cell(c.last_rank)}"
        for c in pareto.classes
    ]
    return (
        charts.pareto_chart(pareto, report_vars.abc_a_share, report_vars.abc_b_share)
        + f'<p class="note">Cut lines (dbt vars): <code>abc_a_share</code> '
        f'<span data-var="abc_a_share" data-value="{report_vars.abc_a_share!r}">{report_vars.abc_a_share:.0%}</span>, '
        f'<code>abc_b_share</code> <span data-var="abc_b_share" data-value="{report_vars.abc_b_share!r}">'
        f"{report_vars.abc_b_share:.0%}</span>. The customer that crosses a line belongs to the higher class. "
        f"{pareto.customers_without_revenue} customers without revenue are not on the curve; revenue of the "
        f"{pareto.customers_with_revenue} with revenue: {pareto.revenue_12m:,.2f} EUR.</p>"
        + _table(
            "pareto_classes",
            ["class", "customers", "revenue_12m (EUR)", "revenue share", "cumulative share", "last rank"],
            rows,
        )
    )


def _matrix(data: ReportData) -> str:
    if not any(c.customers for c in data.matrix):
        return _empty("no customer in the ABC-XYZ matrix.")
    rows = [
        f"{_text(c.abc_xyz)}{_cell(c.customers)}{_eur(c.revenue_12m)}{_share(c.revenue_share)}{_text(c.strategy)}"
        for c in data.matrix
    ]
    return charts.matrix_chart(data.matrix) + _table(
        "abc_xyz_matrix", ["cell", "customers", "revenue_12m (EUR)", "revenue share", "strategy"], rows
    )


def _lapse(data: ReportData) -> str:
    lapse = (
        charts.lapse_chart(data.lapse)
        + _table(
            "lapse_status", ["lapse status", "customers"], [f"{_text(c.label)}{_cell(c.customers)}" for c in data.lapse]
        )
        if data.lapse
        else _empty("no customers.")
    )
    rows = [
        f"{_cell(w.priority, w.priority or NO_PRIORITY, numeric=False)}{_cell(w.customers)}{_eur(w.value_at_stake)}"
        for w in data.win_back
    ]
    win_back = (
        charts.win_back_chart(data.win_back)
        + _table("win_back", ["priority", "customers", "value at stake (EUR)"], rows)
        if data.win_back
        else _empty("no customer on the win-back list.")
    )
    return (
        f'<div class="side"><div><h3>Lapse status</h3>{lapse}</div>'
        f"<div><h3>Win-back value at stake by priority</h3>{win_back}</div></div>"
    )


def _failures(data: ReportData) -> str:
    failures = data.failures
    span = f"{failures.months[0]:%Y-%m} to {failures.months[-1]:%Y-%m}"
    if not failures.areas:
        return _empty(f"no failure events from {span}.")
    header = ["area", *(f"{m:%Y-%m}" for m in failures.months), "total"]
    rows = [
        f"{_text(area)}{''.join(_cell(n) for n in counts)}{_cell(sum(counts))}"
        for area, counts in failures.areas.items()
    ]
    return (
        charts.failures_chart(failures)
        + f'<p class="note">Failure events per month and area, {span}; the month of {data.as_of} counts up to it.</p>'
        + _table("failure_dynamics", header, rows)
    )


def _workload(data: ReportData, report_vars: ReportVars) -> str:
    if not data.workload:
        return _empty("no account manager has customers.")
    limit = report_vars.kam_max_key_accounts
    rows = [
        f"{_text(w.account_manager)}{_cell(w.key_accounts)}{_cell(w.customers)}"
        f"{_cell(w.is_overloaded, 'overloaded' if w.is_overloaded else 'ok', numeric=False)}"
        for w in data.workload
    ]
    return (
        charts.workload_chart(data.workload, limit)
        + f'<p class="note">Limit (dbt var <code>kam_max_key_accounts</code>): '
        f'<span data-var="kam_max_key_accounts" data-value="{limit}">{limit}</span> key accounts per manager.</p>'
        + _table("key_accounts_per_manager", ["account manager", "key accounts", "customers", "workload"], rows)
    )


def _changes(data: ReportData) -> str:
    changes = data.changes
    if changes.previous_as_of is None:
        return _empty("this is the first night: the segment history holds no earlier as-of date.")
    since = f"since the previous night, {changes.previous_as_of}"
    if not changes.changes:
        return _empty(f"no customer changed {since}.")
    rows = [
        f"{_text(c.attribute)}{_text(c.previous_value)}{_text(c.current_value)}{_cell(c.customers)}"
        for c in changes.changes
    ]
    return (
        charts.changes_chart(changes.changes)
        + f'<p class="note">What moved {escape(since)} (<code>segment_changes</code>).</p>'
        + _table("segment_changes", ["attribute", "previous value", "current value", "customers"], rows)
    )


def _gate_number(value) -> str:
    """A check's number as the gate report shows it (6 significant digits): a sum of shares may differ
    in its last bits between a night and its backfill, the page must not."""
    return _cell(None if value is None else short(value), "–" if value is None else short(value))


def _gate(checks: list[GateCheck] | None) -> str:
    if checks is None:
        return _empty("the gate left no result for this run beside its report.")
    rows = [
        f"{_text(c.name)}{_text('blocking' if c.blocking else 'warning')}"
        f'<td class="{escape(c.status)}" data-value="{escape(c.status)}">{escape(c.status)}</td>'
        f"{_gate_number(c.observed)}{_gate_number(c.threshold)}{_text(c.message)}"
        for c in checks
    ]
    failed = sum(c.status == "failed" for c in checks)
    warnings = sum(c.status == "warning" for c in checks)
    return (
        f'<p class="note">{len(checks)} checks, {failed} failed, {warnings} warnings; the gate report beside '
        "this file has each check's details.</p>"
        + _table("gate_checks", ["check", "kind", "status", "observed", "threshold", "result"], rows)
    )


def render_page(data: ReportData, report_vars: ReportVars, checks: list[GateCheck] | None) -> str:
    """The whole report of one night as HTML text."""
    title = f"Key-account run report, as of {data.as_of}"
    window = f"analysis window {data.window[0]} to {data.window[1]}, " if data.window else ""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title><style>{STYLE}</style></head>
<body>
<h1>{escape(title)}</h1>
<p>The published night of {data.as_of}: {escape(window)}<span data-value="{data.customers}">{data.customers}</span>
customers. Every chart is drawn from the published tables; the numbers are in the table under it.</p>
<h2>Pareto curve of revenue (ABC)</h2>
{_pareto(data, report_vars)}
<h2>ABC-XYZ matrix</h2>
{_matrix(data)}
<h2>Lapse and win-back</h2>
{_lapse(data)}
<h2>Failure dynamics by area, last 12 months</h2>
{_failures(data)}
<h2>Key accounts per account manager</h2>
{_workload(data, report_vars)}
<h2>What changed since the previous night</h2>
{_changes(data)}
<h2>Data-quality gate</h2>
{_gate(checks)}
</body></html>
"""
