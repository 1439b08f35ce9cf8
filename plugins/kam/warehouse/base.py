"""The `Warehouse` interface: everything the pipeline asks of the engine, in portable SQL with `?` placeholders.

An instance is one session on the settings' warehouse (opened on first use, closed by
`close()` or a `with` block). What is the same on every engine is written here once
(reads of information_schema, the run row, the publication transactions); a subclass
supplies the engine's part (connection, statements, table replacement, the BI side of
publication, the published tables' reader, the landing and the dbt target).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from contextlib import AbstractContextManager
from dataclasses import fields
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from kam.warehouse.comments import TableComments, comments_sql, quote_identifier
from kam.warehouse.reporting_schema import (
    CANDIDATES,
    HISTORY_TABLE,
    PIPELINE_RUNS_DDL,
    PUBLISHED,
    PUBLISHING,
    REPORTING,
    missing_candidates_message,
)

if TYPE_CHECKING:
    import pandas as pd

    from kam.config import Settings
    from kam.publish.run_record import RunRecord


class TableReader(Protocol):
    """Read access to one schema of published (or candidate) tables, all reads from one night."""

    schema: str
    where: str  # for messages: the file or the schema and (password-free) URL

    def table(self, name: str) -> str: ...
    def fetchall(self, sql: str, params: list | None = None) -> list[tuple]: ...
    def columns(self, table: str) -> list[str]: ...
    def close(self) -> None: ...


class Warehouse(ABC):
    """One session on the warehouse; see the module docstring."""

    dbt_target: ClassVar[str]  # the target of dbt_project/profiles.yml
    committed_status: ClassVar[str]  # the status a publication commits the run row with

    def __init__(self, settings: Settings | None, con: Any = None) -> None:
        self.settings = settings
        self._con = con
        self._owns_connection = con is None

    # --- session -----------------------------------------------------------------------------
    @abstractmethod
    def _connect(self) -> Any:
        """A new connection with the pipeline's session settings (TimeZone UTC)."""

    @property
    def con(self) -> Any:
        """The engine's connection (opened on first use)."""
        if self._con is None:
            self._con = self._connect()
        return self._con

    def close(self) -> None:
        if self._con is not None and self._owns_connection:
            self._con.close()
        self._con = None

    def __enter__(self) -> Warehouse:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- statements --------------------------------------------------------------------------
    @abstractmethod
    def fetchone(self, sql: str, params: list | None = None) -> tuple[Any, ...] | None: ...

    @abstractmethod
    def fetchall(self, sql: str, params: list | None = None) -> list[tuple[Any, ...]]: ...

    @abstractmethod
    def frame(self, sql: str, params: list | None = None) -> pd.DataFrame:
        """The result as a DataFrame typed the same on every engine (DuckDB's `.df()` types)."""

    @abstractmethod
    def execute(self, sql: str, params: list | None = None) -> None: ...

    @abstractmethod
    def transaction(self) -> AbstractContextManager[Warehouse]:
        """A block whose statements commit together, or not at all (rolled back on any exception)."""

    # --- catalog -----------------------------------------------------------------------------
    def table_exists(self, schema: str, table: str) -> bool:
        row = self.fetchone(
            "select count(*) from information_schema.tables "
            "where table_schema = ? and table_name = ? and table_catalog = current_database()",
            [schema, table],
        )
        return bool(row and row[0])

    def columns(self, schema: str, table: str) -> list[str]:
        """Column names of a table in order; empty when it does not exist."""
        rows = self.fetchall(
            "select column_name from information_schema.columns "
            "where table_schema = ? and table_name = ? and table_catalog = current_database() "
            "order by ordinal_position",
            [schema, table],
        )
        return [r[0] for r in rows]

    def tables(self, schema: str) -> set[str]:
        """Base tables of `schema`."""
        return {
            r[0]
            for r in self.fetchall(
                "select table_name from information_schema.tables where table_catalog = current_database() "
                "and table_schema = ? and table_type = 'BASE TABLE'",
                [schema],
            )
        }

    @abstractmethod
    def ensure_schema(self, schema: str) -> None: ...

    @abstractmethod
    def schema_comments(self, schema: str) -> dict[str, TableComments]:
        """The comments of every table of `schema` and of their columns, by table name (dbt's `persist_docs`
        writes the marts' descriptions there)."""

    # --- publication: the warehouse side -----------------------------------------------------
    def require_candidates(self, tables: tuple[str, ...], schema: str = CANDIDATES) -> None:
        """Fail, naming them, when candidate tables are missing from `schema`."""
        present = self.tables(schema)
        missing = [t for t in tables if t not in present]
        if missing:
            raise RuntimeError(missing_candidates_message(missing, schema))

    def row_counts(self, schema: str, tables: tuple[str, ...]) -> dict[str, int]:
        """Rows of each table that exists in `schema`."""
        present = self.tables(schema)
        return {t: self.fetchone(f"select count(*) from {schema}.{t}")[0] for t in tables if t in present}

    def source_watermarks(self) -> dict[str, str]:
        """The newest watermark per object of meta.watermarks (empty when there is none)."""
        if "watermarks" not in self.tables("meta"):
            return {}
        rows = self.fetchall(
            "select object, cast(max(watermark) as varchar) from meta.watermarks group by object order by object"
        )
        return dict(rows)

    def latest_published_as_of(self) -> date | None:
        """The greatest as-of date of a published (or publishing) run; None before the first publication."""
        if "pipeline_runs" not in self.tables(REPORTING):
            return None
        return self.fetchone(
            f"select max(as_of_date) from {REPORTING}.pipeline_runs where status in (?, ?)", [PUBLISHED, PUBLISHING]
        )[0]

    def write_run(self, record: RunRecord) -> None:
        """The run's pipeline_runs row (one per run_id: a retry replaces it)."""
        columns = [f.name for f in fields(record)]
        self.execute(PIPELINE_RUNS_DDL)
        self.execute(f"delete from {REPORTING}.pipeline_runs where run_id = ?", [record.run_id])
        self.execute(
            f"insert into {REPORTING}.pipeline_runs ({', '.join(columns)}) values ({', '.join('?' for _ in columns)})",
            list(record.values()),
        )

    @abstractmethod
    def replace_table(self, table: str, candidates: str) -> None:
        """Inside the publication transaction: reporting.<table> becomes a copy of <candidates>.<table>."""

    def comment_table(self, table: str, comments: TableComments, columns: list[str] | None = None) -> None:
        """Inside the publication transaction: reporting.<table> and its columns `columns` (default: every
        column `comments` has) get the comments of its candidate, so BI tools show the dbt descriptions."""
        self.execute(comments_sql(f"{REPORTING}.{quote_identifier(table)}", comments, columns))

    def publish(self, tables: tuple[str, ...], record: RunRecord, candidates: str = CANDIDATES) -> None:
        """In one transaction: every reporting table replaced from its candidate, with its comments, plus the run row."""
        with self.transaction():
            self.ensure_schema(REPORTING)
            comments = self.schema_comments(candidates)
            for table in tables:
                self.replace_table(table, candidates)
                self.comment_table(table, comments.get(table, TableComments()))
            self.write_run(record)

    def publish_backfill(self, record: RunRecord, candidates: str) -> int:
        """In one transaction: the history rows of the run's date replaced from the candidates, plus the run row.

        Columns are matched by name: the published table keeps its columns (a column it
        lacks is not added, one the candidate lacks is null); the comments of the columns
        both have are the candidate's. Returns the rows written.
        """
        target = f"{REPORTING}.{HISTORY_TABLE}"
        with self.transaction():
            published = self.columns(REPORTING, HISTORY_TABLE)
            if not published:
                raise RuntimeError(f"publish: a backfill needs {target}, which does not exist")
            offered = set(self.columns(candidates, HISTORY_TABLE))
            names = ", ".join(f'"{c}"' for c in published)
            values = ", ".join(f'"{c}"' if c in offered else f'null as "{c}"' for c in published)
            self.execute(f"delete from {target} where as_of_date = ?", [record.as_of_date])
            self.execute(
                f"insert into {target} ({names}) select {values} from {candidates}.{HISTORY_TABLE} "
                "where as_of_date = ?",
                [record.as_of_date],
            )
            written = self.fetchone(f"select count(*) from {target} where as_of_date = ?", [record.as_of_date])[0]
            self.comment_table(
                HISTORY_TABLE, self.schema_comments(candidates).get(HISTORY_TABLE, TableComments()), published
            )
            self.write_run(record)
        return written

    def record_run(self, record: RunRecord) -> None:
        """In one transaction: only the run row (a blocked run)."""
        with self.transaction():
            self.ensure_schema(REPORTING)
            self.write_run(record)

    # --- publication: what BI reads ----------------------------------------------------------
    @abstractmethod
    def settle_publication(self) -> list:
        """Repair a publication a kill interrupted, so the warehouse says what BI sees; what was repaired."""

    @abstractmethod
    def publish_to_bi(self, publishing_run_id: str | None = None) -> Path | None:
        """Make the committed reporting schema what BI reads; the BI file written, if the engine has one.

        `publishing_run_id`: the run whose committed row BI must see as published.
        """

    @abstractmethod
    def mark_published(self, record: RunRecord) -> None:
        """After `publish_to_bi`: the run row says `published`."""

    @abstractmethod
    def published_reader(self) -> TableReader:
        """The published reporting tables as BI reads them, every table from the same night."""

    @abstractmethod
    def candidates_reader(self, schema: str) -> TableReader:
        """The candidate tables of schema `schema` (a backfill's export reads them)."""

    # --- extraction's landing, dbt, the run lock ---------------------------------------------
    @abstractmethod
    def landing_settings(self) -> Settings:
        """The settings extraction runs with: its DuckDB file is their `warehouse`."""

    @property
    def landing_path(self) -> Path:
        """The DuckDB file extraction writes raw/quarantine/meta to."""
        return Path(self.landing_settings().warehouse)

    @abstractmethod
    def after_extraction(self) -> None:
        """Bring the warehouse up to date with what extraction landed."""

    def before_dbt_build(self) -> None:
        """Hand dbt what it reads where it runs elsewhere (Spark); nothing where dbt works in the warehouse."""
        return None

    def after_dbt_build(self, candidates_schema: str, invocation_id: str | None) -> None:
        """Bring what the build `invocation_id` wrote (its `candidates_schema` and the tables the gate reads)
        to where gate and publication run (Spark); nothing where dbt works in the warehouse."""
        return None

    @abstractmethod
    def dbt_env(self) -> dict[str, str]:
        """The variables dbt_project/profiles.yml reads for this warehouse (KAM_DBT_TARGET and the connection)."""

    def lock_files(self) -> list[Path]:
        """Files a run locks besides `<KAM_HOME>/run.lock` (one run per warehouse)."""
        return []
