"""Great Expectations suites of the published tables, validated on pandas DataFrames.

One suite per published table, kept as JSON in `suites/<table>.json` (GX 1.x suite format:
`name`, `expectations` of `{type, kwargs, meta}`). An expectation whose `meta.check` names
a gate check counts toward that check; the others toward `table_expectations`.

The candidates are read from the warehouse schema `marts` (`marts_backfill` for a backfill)
into DataFrames (GX's SQL datasource on DuckDB silently fails every expectation) and validated in an ephemeral
context: nothing is written to disk, progress bars and analytics are off.
"""
from __future__ import annotations

import copy
import json
import os
from functools import lru_cache
from pathlib import Path

from kam.quality import expectation_cache
from kam.quality.access import WarehouseAccess
from kam.quality.result import TableValidation, jsonable

SUITES_DIR = Path(__file__).resolve().parent / "suites"
PUBLISHED_TABLES = ("customer_segments", "abc_xyz_matrix", "key_accounts", "win_back_list",
                    "failure_dynamics_monthly", "kam_workload", "segment_changes", "key_account_dossier")
CANDIDATE_SCHEMA = "marts"
SAMPLE = 10
INDEX_KEY = "gate_index"  # position of an expectation in its suite file, carried in its meta


def load_suite_config(table: str) -> dict:
    """The suite JSON of `table`, checked: every expectation has a known type and valid kwargs."""
    return _read_suite(str(SUITES_DIR / f"{table}.json"))


@lru_cache(maxsize=None)
def _read_suite(path: str) -> dict:
    try:
        config = json.loads(Path(path).read_text())
    except (OSError, ValueError) as exc:
        raise ValueError(f"cannot read the expectation suite {path}: {exc}") from exc
    for i, exp in enumerate(config.get("expectations") or []):
        try:
            _expectation(exp)
        except Exception as exc:  # GX raises several kinds for a bad configuration
            raise ValueError(f"{path}: expectation #{i} ({exp.get('type')}) is not valid: {exc}") from exc
    return config


def _expectation(config: dict):
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

    config = copy.deepcopy(config)  # GX adds to what it is given; the loaded suite stays as read
    return ExpectationConfiguration(type=config["type"], kwargs=config.get("kwargs") or {},
                                    meta=config.get("meta") or {}).to_domain_obj()


def build_suite(table: str, only: list[int] | None = None):
    """A fresh `ExpectationSuite` for `table`, or only its expectations at the positions `only`;
    each expectation's position is in its meta (`INDEX_KEY`). Raises on a bad expectation
    instead of silently dropping it as GX would."""
    import great_expectations as gx

    config = load_suite_config(table)
    expectations = []
    for index, exp in enumerate(config.get("expectations") or []):
        if only is None or index in only:
            exp = copy.deepcopy(exp)
            exp["meta"] = {**(exp.get("meta") or {}), INDEX_KEY: index}
            expectations.append(_expectation(exp))
    return gx.ExpectationSuite(name=config.get("name", table), expectations=expectations,
                               meta=copy.deepcopy(config.get("meta")))


def _context():
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig, InMemoryStoreBackendDefaults, ProgressBarsConfig)

    config = DataContextConfig(store_backend_defaults=InMemoryStoreBackendDefaults(),
                               progress_bars=ProgressBarsConfig(globally=False),
                               analytics_enabled=False)
    return gx.get_context(mode="ephemeral", project_config=config)


def validate_tables(access: WarehouseAccess, tables: tuple[str, ...] = PUBLISHED_TABLES,
                    schema: str = CANDIDATE_SCHEMA) -> list[TableValidation]:
    """Validate each candidate table `<schema>.<table>` against its suite.

    Results whose inputs are unchanged since an earlier call in this process are reused
    (see `expectation_cache`); only the others go through GX.
    """
    source = None
    results = []
    for table in tables:
        if not access.table_exists(schema, table):
            results.append(TableValidation(table, False, None, [], f"table {schema}.{table} does not exist"))
            continue
        frame = access.frame(f"select * from {schema}.{table}")
        configs = load_suite_config(table).get("expectations") or []
        hasher = expectation_cache.FrameHasher(frame)
        keys = [expectation_cache.key(table, c, hasher) for c in configs]
        outcomes = [expectation_cache.get(k) for k in keys]
        todo = [i for i, o in enumerate(outcomes) if o is None]
        if todo:
            if source is None:
                source = _context().data_sources.add_pandas("candidates")
            batch = (source.add_dataframe_asset(table).add_batch_definition_whole_dataframe("whole")
                     .get_batch(batch_parameters={"dataframe": frame}))
            suite = build_suite(table, only=todo)
            for result in batch.validate(suite, result_format="SUMMARY").results:
                index = result.expectation_config.meta[INDEX_KEY]
                outcomes[index] = _outcome(result)
                expectation_cache.put(keys[index], outcomes[index])
        missing = [i for i, o in enumerate(outcomes) if o is None]
        if missing:
            raise RuntimeError(f"GX returned no result for expectations {missing} of suite {table}")
        results.append(TableValidation(table, all(o["success"] for o in outcomes), len(frame), outcomes))
    return results


def _outcome(result) -> dict:
    """One expectation's result as plain data."""
    config = result.expectation_config
    kwargs = {k: v for k, v in (config.kwargs or {}).items() if k != "batch_id"}
    details = result.result or {}
    error = None
    if result.exception_info and result.exception_info.get("raised_exception"):
        error = (result.exception_info.get("exception_message") or "").strip().splitlines()[-1:] or ["error"]
        error = error[0]
    return jsonable({
        "type": config.type,
        "column": kwargs.get("column") or kwargs.get("column_list") or kwargs.get("column_A"),
        "kwargs": kwargs,
        "check": (config.meta or {}).get("check"),
        "notes": (config.meta or {}).get("notes"),
        "success": bool(result.success),
        "observed": details.get("observed_value"),
        "element_count": details.get("element_count"),
        "unexpected_count": details.get("unexpected_count"),
        "sample": (details.get("partial_unexpected_list") or [])[:SAMPLE],
        "error": error,
    })


def describe(expectation: dict) -> str:
    """A short readable line for one expectation result."""
    kwargs = {k: v for k, v in expectation["kwargs"].items()
              if k not in ("column", "result_format") and v is not None}
    args = ", ".join(f"{k}={_compact(v)}" for k, v in kwargs.items())
    column = expectation.get("column")
    text = f"{expectation['type']}({column}{', ' if column and args else ''}{args})"
    if expectation.get("error"):
        return f"{text}: error {expectation['error']}"
    if not expectation["success"]:
        if expectation.get("unexpected_count") is not None:
            sample = ", ".join(str(s) for s in expectation.get("sample") or [])
            text += f": {expectation['unexpected_count']} unexpected" + (f" (e.g. {sample})" if sample else "")
        elif expectation.get("observed") is not None:
            text += f": observed {_compact(expectation['observed'])}"
    return text


def _compact(value) -> str:
    text = json.dumps(value, default=str) if not isinstance(value, str) else value
    return text if len(text) <= 80 else text[:77] + "..."
