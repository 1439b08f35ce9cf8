"""What sqlfluff's jinja templater needs to render the models without dbt or a database.

The names here are the dbt context the models and macros use (`var`, `dbt.*`, `adapter`,
`target`, `exceptions`, `execute`); `var` answers from dbt_project.yml, so a model renders
as on a nightly run. Loaded by `.sqlfluff` (`library_path`); dbt never reads this folder.
"""

from datetime import UTC, datetime
from pathlib import Path

import yaml
from jinja2 import pass_context

_PROJECT_VARS = yaml.safe_load((Path(__file__).parents[1] / "dbt_project.yml").read_text())["vars"]

execute = False  # as at dbt parse time: no query against the warehouse
run_started_at = datetime(2026, 1, 1, tzinfo=UTC)  # the invocation's start (macro night_stamp)


def var(name, default=None):
    return _PROJECT_VARS.get(name, default)


class _Dbt:
    """The cross-database macros, rendered as dbt-duckdb renders them."""

    @staticmethod
    def dateadd(datepart, interval, from_date_or_timestamp):
        return f"({from_date_or_timestamp} + cast({interval} as bigint) * interval 1 {datepart})"

    @staticmethod
    def datediff(first_date, second_date, datepart):
        return f"date_diff('{datepart}', {first_date}::timestamp, {second_date}::timestamp)"

    @staticmethod
    def date_trunc(datepart, date):
        return f"date_trunc('{datepart}', {date})"

    @staticmethod
    def type_string():
        return "varchar"

    @staticmethod
    def concat(fields):
        return " || ".join(fields)

    @staticmethod
    def listagg(measure, delimiter_text="','", order_by_clause=None, limit_num=None):
        return f"string_agg({measure}, {delimiter_text} {order_by_clause or ''})"


class _Adapter:
    @staticmethod
    @pass_context
    def dispatch(context, macro_name, macro_namespace=None):
        return context[f"default__{macro_name}"]  # the project's default__ implementation, as on DuckDB

    @staticmethod
    def get_relation(database, schema, identifier):
        return None


class _Exceptions:
    @staticmethod
    def raise_compiler_error(message):
        raise RuntimeError(message)


class _Target:
    type = "duckdb"
    name = "duckdb"
    database = "warehouse"
    schema = "main"


dbt = _Dbt()
adapter = _Adapter()
exceptions = _Exceptions()
target = _Target()
