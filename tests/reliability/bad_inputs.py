"""Runs one catalogue case: a source folder with the mutated file, one extraction, then the verdict.

Uses only public entry points: `kam.extract.extract_erp/extract_crm(settings, run_id, as_of)` and
the warehouse tables the contract and docs/decisions/0009 name (raw.<object> with `_source`/`_row`,
quarantine.rows, meta.source_errors). The verdict lists every way the outcome differs from the
case's expectation, and counts good rows lost: lines that should be in raw and are not.
"""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import duckdb

from tests.reliability.catalogue import QUARANTINED, REFUSED, Case
from tests.reliability.example_bases import KEYS, SYSTEM, base_file, objects_of_system

AS_OF = date(2026, 10, 15)
RUN_ID = "reliability_case"


@dataclass
class CaseResult:
    case: Case
    problems: list[str] = field(default_factory=list)
    data_lines: int = 0
    rows_read: int | None = None
    quarantined: int = 0
    good_rows_lost: int = 0

    @property
    def handled(self) -> bool:
        return not self.problems


def data_line_numbers(content: bytes, jsonl: bool) -> list[int]:
    """Physical line numbers of the non-blank data lines (CSV: header excluded)."""
    lines = content.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    first = 1 if jsonl else 2
    return [n for n, line in enumerate(lines, start=1) if n >= first and line.strip(b" \t\r")]


def _settings(home: Path):
    from kam.config import load_settings

    return replace(
        load_settings(),
        home=home,
        orders_source=str(home / "erp"),
        crm_source=str(home / "crm"),
        warehouse=str(home / "warehouse.duckdb"),
        reporting_db=str(home / "reporting.duckdb"),
        export_dir=home / "exports",
        report_dir=home / "reports",
    )


def _extract(system: str, settings) -> object:
    import kam.extract as extract

    function = extract.extract_erp if system == "erp" else extract.extract_crm
    if len(inspect.signature(function).parameters) >= 3:
        return function(settings, RUN_ID, AS_OF)
    return function(settings, RUN_ID)  # before issue 9's as_of parameter


def _query(warehouse: str, sql: str, params: list) -> list[tuple]:
    con = duckdb.connect(warehouse, read_only=True)
    try:
        con.execute("set TimeZone = 'UTC'")
        return con.execute(sql, params).fetchall()
    except duckdb.CatalogException:
        return []
    finally:
        con.close()


def prepare_folder(case: Case, home: Path) -> tuple[Path, bytes]:
    """Write the system's folder: clean bases for the other objects, the mutated file for the case's."""
    system = SYSTEM[case.object]
    folder = home / system
    folder.mkdir(parents=True)
    for obj in objects_of_system(system):
        if obj != case.object:
            (folder / base_file(obj).file_name).write_bytes(base_file(obj).content())
    content = case.mutate(base_file(case.object))
    path = folder / case.file_for(base_file(case.object))
    path.write_bytes(content)
    return path, content


def run_case(case: Case, home: Path) -> CaseResult:
    path, content = prepare_folder(case, home)
    result = CaseResult(case)
    base = base_file(case.object)
    parquet = path.suffix == ".parquet"
    lines = [] if parquet else data_line_numbers(content, base.is_jsonl)
    result.data_lines = len(base.lines) if parquet else len(lines)
    settings = _settings(home)
    label = f"{SYSTEM[case.object]}/{path.name}"
    try:
        report = _extract(SYSTEM[case.object], settings)
    except Exception as error:  # the verdict, not a crash of the suite
        result.problems.append(f"extraction raised {type(error).__name__}: {str(error)[:300]}")
        result.good_rows_lost = 0 if case.expect.outcome == REFUSED else result.data_lines - len(case.expect.bad)
        return result
    objects = getattr(report, "objects", {})
    if case.object in objects:
        result.rows_read = objects[case.object].rows_read
    warehouse = settings.warehouse
    raw_rows = {r[0] for r in _query(warehouse, f"select _row from raw.{case.object} where _source = ?", [label])}
    raw_count = _query(warehouse, f"select count(*) from raw.{case.object} where _source = ?", [label])[0][0]
    quarantine = _query(
        warehouse,
        "select row_number, reason from quarantine.rows where object = ? and source = ?",
        [case.object, label],
    )
    result.quarantined = len(quarantine)
    errors = _query(warehouse, "select error from meta.source_errors where object = ?", [case.object])
    expect = case.expect
    if expect.outcome == REFUSED:
        _judge_refused(result, errors, raw_count, quarantine, path.name)
        return result
    if errors:
        result.problems.append(f"file refused although readable: {errors[0][0][:200]}")
    if result.rows_read != result.data_lines:
        result.problems.append(f"rows read {result.rows_read} != data lines {result.data_lines}")
    if parquet:
        _judge_parquet(result, raw_count, quarantine)
        return result
    _judge_lines(result, lines, raw_rows, quarantine)
    if case.name == "key_repeated_newer_version_wins":
        _judge_later_version(result, warehouse, label)
    _judge_values(result, warehouse, label)
    return result


def _judge_refused(result: CaseResult, errors, raw_count: int, quarantine, file_name: str) -> None:
    pattern = result.case.expect.error
    if not errors:
        result.problems.append("no meta.source_errors row for the object")
    elif not any(re.search(pattern, e[0], re.I) and file_name in e[0] for e in errors):
        result.problems.append(f"source error {errors[0][0][:200]!r} does not match /{pattern}/ or name {file_name}")
    if raw_count:
        result.problems.append(f"{raw_count} rows of a refused file in raw")
    if quarantine:
        result.problems.append(f"{len(quarantine)} rows of a refused file quarantined")


def _judge_parquet(result: CaseResult, raw_count: int, quarantine) -> None:
    expect = result.case.expect
    if expect.all_bad:
        wrong = [q for q in quarantine if not re.search(expect.all_bad, q[1], re.I)]
        if len(quarantine) != result.data_lines or wrong:
            result.problems.append(
                f"expected all {result.data_lines} rows quarantined for /{expect.all_bad}/, "
                f"got {len(quarantine)} ({wrong[:2]})"
            )
        if raw_count:
            result.problems.append(f"{raw_count} rows in raw, expected none")
        return
    if quarantine:
        result.problems.append(f"unexpected quarantine: {quarantine[:3]}")
    result.good_rows_lost = max(0, result.data_lines - raw_count)
    if result.good_rows_lost:
        result.problems.append(f"{result.good_rows_lost} good rows not in raw")


def _judge_lines(result: CaseResult, lines: list[int], raw_rows: set, quarantine) -> None:
    expect = result.case.expect
    if expect.outcome == QUARANTINED or expect.bad:
        got = {q[0]: q[1] for q in quarantine}
        for line, pattern in expect.bad.items():
            if line not in got:
                result.problems.append(f"line {line} not quarantined (expected reason /{pattern}/)")
            elif not re.search(pattern, got[line] or "", re.I):
                result.problems.append(f"line {line} quarantined with reason {got[line]!r}, expected /{pattern}/")
        extra = sorted(set(got) - set(expect.bad))
        if extra:
            result.problems.append(f"lines quarantined that are good: {extra[:10]} ({got[extra[0]]!r})")
    elif quarantine:
        result.problems.append(f"unexpected quarantine: {sorted(quarantine)[:3]}")
    good = [n for n in lines if n not in expect.bad]
    missing = [n for n in good if n not in raw_rows]
    if result.case.name == "key_repeated_newer_version_wins":
        missing = [n for n in missing if n != 2]  # the older version of the repeated key
    result.good_rows_lost = len(missing)
    if missing:
        result.problems.append(f"{len(missing)} good lines not in raw (first: {missing[:5]})")
    in_raw_but_bad = sorted(set(expect.bad) & raw_rows)
    if in_raw_but_bad:
        result.problems.append(f"bad lines loaded into raw: {in_raw_but_bad}")


def _judge_later_version(result: CaseResult, warehouse: str, label: str) -> None:
    rows = _query(
        warehouse,
        "select rate_to_reporting from raw.fx_rates where currency = 'USD' and rate_date = date '2023-10-01'",
        [],
    )
    if [float(r[0]) for r in rows] != [0.5]:
        result.problems.append(f"repeated key: raw holds {rows}, expected the later line's rate 0.5 only")


def _judge_values(result: CaseResult, warehouse: str, label: str) -> None:
    for (line, column), expected in result.case.expect.values.items():
        rows = _query(
            warehouse, f"select {column} from raw.{result.case.object} where _source = ? and _row = ?", [label, line]
        )
        if not rows:
            result.problems.append(f"line {line} not in raw (expected {column} = {expected!r})")
        elif rows[0][0] != expected:
            result.problems.append(f"line {line}: raw {column} = {rows[0][0]!r}, expected {expected!r}")


__all__ = ["KEYS", "CaseResult", "data_line_numbers", "run_case"]
