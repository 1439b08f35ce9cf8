"""The gate's readable record of a run, in `<report_dir>/<as_of>/<run_id>/`: `gate_report.html`
(self-contained, no scripts or external files: GX's Data Docs load styles from the web),
`gate_result.json` and `gx_validation.json` (the checkpoint's results as GX writes them)."""

from __future__ import annotations

import json
import os
import re
from html import escape
from pathlib import Path

from kam.quality.result import SOURCE_CHECK, CheckResult, GateResult, jsonable, short
from kam.quality.thresholds import override_hint

STYLE = """body{font-family:system-ui,sans-serif;margin:2rem;color:#222;max-width:1200px} h1{font-size:1.5rem}
h2{font-size:1.2rem;margin-top:2rem} .verdict{padding:.8rem 1rem;border-radius:6px;font-weight:600}
.passed{background:#e6f4ea;color:#1e6b34} .failed{background:#fde7e9;color:#a1121d} .warning{background:#fff4d6}
table{border-collapse:collapse;width:100%} th,td{border:1px solid #ddd;padding:.35rem .5rem;text-align:left;
vertical-align:top;font-size:.9rem} th{background:#f5f5f5} .todo{font-style:italic} pre{background:#f7f7f7;
padding:.5rem;overflow-x:auto;font-size:.8rem;max-height:24rem}"""


def _safe(part: str) -> str:
    return re.sub(r"[^A-Za-z0-9._:+=-]", "_", part) or "_"


def report_folder(report_dir: Path | str, as_of, run_id: str) -> Path:
    return Path(report_dir) / _safe(str(as_of)) / _safe(run_id)


def write_report(result: GateResult, path_dir: Path | str) -> Path:
    """Write the HTML report and the JSON result of `result`; return the HTML file's path."""
    folder = report_folder(path_dir, result.as_of, result.run_id)
    folder.mkdir(parents=True, exist_ok=True)
    _write(folder / "gate_result.json", result.to_json())
    _write(folder / "gx_validation.json", json.dumps(result.validation, indent=2, ensure_ascii=False))
    html_path = folder / "gate_report.html"
    _write(html_path, render_html(result))
    return html_path


def _write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _fmt(value) -> str:
    return "–" if value is None else short(value)


def _check_row(c: CheckResult) -> str:
    todo = f'<p class="todo">What to do: {escape(c.action)}</p>' if c.action and not c.passed else ""
    return (
        f"<tr><td><code>{escape(c.name)}</code></td><td>{'blocking' if c.blocking else 'warning'}</td>"
        f'<td class="status {c.status}">{c.status}</td><td>{escape(_fmt(c.observed))}</td>'
        f"<td>{escape(_fmt(c.threshold))}</td><td>{escape(c.message)}{todo}</td><td>{_judged_by(c)}</td></tr>"
    )


def _check_details(c: CheckResult) -> str:
    body = escape(json.dumps(jsonable(c.details), indent=2, ensure_ascii=False))
    return f"<details><summary><code>{escape(c.name)}</code> ({c.status})</summary><pre>{body}</pre></details>"


def _judged_by(c: CheckResult) -> str:
    """Who judged the check: the GX expectations that did (with their limits), or dbt, or the gate."""
    lines = [
        f"GX {e['type']} {_fmt(e['kwargs'])}: {'met' if e['success'] else 'not met'}"
        + (f" ({', '.join(map(str, e['failing']))})" if e["failing"] else "")
        for e in c.details.get("expectations") or []
    ]
    default = "the run's extraction tasks" if c.name == "extraction_completed" else "dbt"
    return "<br>".join(escape(line) for line in lines) or default


def _failed_item(c: CheckResult) -> str:
    return (
        f"<li><code>{escape(c.name)}</code>: {escape(c.message)}<br><em>What to do:</em> {escape(c.action or '-')}</li>"
    )


def _failed_section(failed: list[CheckResult]) -> str:
    """The failed checks; an unreadable source file first, the checks that may follow from it after."""
    if not failed:
        return ""
    sources = [c for c in failed if c.name == SOURCE_CHECK]
    others = [c for c in failed if c.name != SOURCE_CHECK]
    if not sources:
        return f"<h2>Failed checks</h2><ul>{''.join(_failed_item(c) for c in others)}</ul>"
    errors = "".join(
        f"<li><code>{escape(str(e.get('object')))}</code> file <code>{escape(str(e.get('source')))}"
        f"</code>: {escape(str(e.get('error')))}</li>"
        for e in sources[0].details.get("errors") or []
    )
    html = (
        f"<h2>Extraction errors: source files that cannot be read</h2>"
        f'<p class="verdict failed">{escape(sources[0].message)}</p><ul>{errors}</ul>'
        f"<p><em>What to do:</em> {escape(sources[0].action)}</p>"
    )
    if others:
        html += (
            f"<h2>Failed checks</h2><p>The checks below may fail because of it (the object of an "
            f"unreadable file was not loaded); fix the file first.</p>"
            f"<ul>{''.join(_failed_item(c) for c in others)}</ul>"
        )
    return html


def render_html(result: GateResult) -> str:
    verdict = "passed" if result.passed else "failed"
    title = f"Data-quality gate {'passed' if result.passed else 'BLOCKED'}: as-of {result.as_of}, run {result.run_id}"
    failed = result.failed_checks
    warnings = "".join(f"<li><code>{escape(c.name)}</code>: {escape(c.message)}</li>" for c in result.warnings)
    thresholds = "".join(
        f"<tr><td><code>{escape(k)}</code></td><td>{escape(_fmt(v))}</td></tr>" for k, v in result.thresholds.items()
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title><style>{STYLE}</style></head>
<body>
<h1>{escape(title)}</h1>
<p class="verdict {verdict}">{escape(result.summary().splitlines()[0])}</p>
<p>Created {escape(result.created_at)}. Publication happens only when every blocking check passes;
warnings are recorded with the run and never block.</p>
{_failed_section(failed)}
{f"<h2>Warnings</h2><ul>{warnings}</ul>" if warnings else ""}
<h2>Checks</h2>
<table><tr><th>check</th><th>kind</th><th>status</th><th>observed</th><th>threshold</th><th>result</th>
<th>judged by</th></tr>
{"".join(_check_row(c) for c in result.checks)}</table>
<h2>Check details</h2>
{"".join(_check_details(c) for c in result.checks)}
<h2>Thresholds</h2>
<table><tr><th>var</th><th>value</th></tr>{thresholds}</table>
<p>To override a threshold for one run, pass it in the run's <code>vars</code>, e.g.
<code>{escape(override_hint(result.as_of, "max_row_change", 0.4))}</code>.</p>
</body></html>
"""
