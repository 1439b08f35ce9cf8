"""The warehouse seam: `open_warehouse` picks the engine, and no module outside kam.warehouse asks which it is."""

from __future__ import annotations

import ast
import re
from dataclasses import replace
from pathlib import Path

import pytest

from kam.config import load_settings
from kam.warehouse import open_warehouse, safe_url
from kam.warehouse.duckdb_warehouse import DuckDBWarehouse
from kam.warehouse.postgres_warehouse import PostgresWarehouse
from kam.warehouse.spark_warehouse import SparkWarehouse

ROOT = Path(__file__).resolve().parents[2]
SEAM = ROOT / "plugins" / "kam" / "warehouse"
ENGINE_QUESTIONS = {"warehouse_is_postgres", "is_postgres_url", "POSTGRES_PREFIXES", "warehouse_engine", "SPARK_THRIFT"}


def _engine_questions(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    return [
        node.lineno
        for node in ast.walk(tree)
        if (isinstance(node, ast.Attribute) and node.attr in ENGINE_QUESTIONS)
        or (isinstance(node, ast.Name) and node.id in ENGINE_QUESTIONS)
        or (isinstance(node, ast.alias) and node.name in ENGINE_QUESTIONS)
    ]


def test_only_the_seam_asks_which_engine_the_warehouse_is():
    askers = [
        f"{path.relative_to(ROOT)}:{line}"
        for root in (ROOT / "plugins", ROOT / "dags")
        for path in sorted(root.rglob("*.py"))
        if SEAM not in path.parents
        for line in _engine_questions(path)
    ]
    assert askers == [], "engine branches outside kam.warehouse: " + ", ".join(askers)


def test_the_url_picks_the_engine_its_dbt_target_and_the_landing(tmp_path):
    duck = replace(load_settings(), home=tmp_path, warehouse=str(tmp_path / "w.duckdb"), landing_db=None)
    pg = replace(duck, warehouse="postgresql+psycopg2://kam:s%40cret@db.example:6543/kamdb")
    with open_warehouse(duck) as on_duckdb, open_warehouse(pg) as on_postgres:
        assert type(on_duckdb) is DuckDBWarehouse and type(on_postgres) is PostgresWarehouse
        assert on_duckdb.dbt_env() == {"KAM_DBT_TARGET": "duckdb", "KAM_WAREHOUSE": str(tmp_path / "w.duckdb")}
        assert on_postgres.dbt_env() == {
            "KAM_DBT_TARGET": "postgres",
            "KAM_PG_HOST": "db.example",
            "KAM_PG_PORT": "6543",
            "KAM_PG_USER": "kam",
            "KAM_PG_PASSWORD": "s@cret",
            "KAM_PG_DBNAME": "kamdb",
        }
        assert on_duckdb.landing_path == tmp_path / "w.duckdb"
        assert on_postgres.landing_path == tmp_path / "landing.duckdb"
        assert on_duckdb.lock_files() == [tmp_path / "w.duckdb.run.lock"] and on_postgres.lock_files() == []
    assert not (tmp_path / "w.duckdb").exists()  # asking opens no connection


def test_messages_never_show_a_password():
    assert safe_url("postgresql://kam:secret@db:5432/kam") == "postgresql://kam:***@db:5432/kam"
    assert safe_url("sqlite:////data/erp.sqlite") == "sqlite:////data/erp.sqlite"


def test_spark_names_a_local_session_or_a_thrift_server_with_the_serving_duckdb_for_the_rest(tmp_path):
    duck = replace(load_settings(), home=tmp_path, warehouse=str(tmp_path / "w.duckdb"), landing_db=None)
    session = replace(duck, warehouse="spark")
    thrift = replace(duck, warehouse="spark-thrift://spark.example:10001/kam", spark_dir_setting="/shared/kam")
    with open_warehouse(session) as on_spark, open_warehouse(thrift) as on_thrift:
        assert type(on_spark) is SparkWarehouse and type(on_thrift) is SparkWarehouse
        assert on_spark.dbt_env() == {
            "KAM_DBT_TARGET": "spark",
            "KAM_SPARK_INBOX": str(tmp_path / "spark" / "inbox"),
            "KAM_SPARK_INBOX_TABLES": "",
            "KAM_SPARK_OUTBOX": str(tmp_path / "spark" / "outbox"),
            "KAM_SPARK_WAREHOUSE_DIR": str(tmp_path / "spark" / "tables"),
            "KAM_SPARK_METASTORE_DIR": str(tmp_path / "spark" / "metastore"),
        }
        assert on_thrift.dbt_env() == {
            "KAM_DBT_TARGET": "spark_thrift",
            "KAM_SPARK_INBOX": "/shared/kam/inbox",
            "KAM_SPARK_INBOX_TABLES": "",
            "KAM_SPARK_OUTBOX": "/shared/kam/outbox",
            "KAM_SPARK_HOST": "spark.example",
            "KAM_SPARK_PORT": "10001",
            "KAM_SPARK_SCHEMA": "kam",
        }
        # extraction, gate and publication use the serving DuckDB: the landing file
        assert on_spark.landing_path == tmp_path / "landing.duckdb"
        assert on_spark.lock_files() == [tmp_path / "landing.duckdb.run.lock"]
    assert not (tmp_path / "landing.duckdb").exists()  # asking opens no connection


@pytest.mark.parametrize("warehouse", ["spark2", "sparkling", "warehouse.db", "/data/kam", "mysql://db/kam", ""])
def test_a_warehouse_that_names_no_engine_is_refused_before_anything_runs(monkeypatch, tmp_path, warehouse):
    monkeypatch.setenv("KAM_HOME", str(tmp_path))
    monkeypatch.delenv("KAM_WAREHOUSE_CONN_ID", raising=False)
    monkeypatch.setenv("KAM_WAREHOUSE", warehouse or " ")
    with pytest.raises(ValueError) as refused:
        load_settings()
    assert str(refused.value).startswith(f"KAM_WAREHOUSE={(warehouse or '')!r} names no warehouse: expected a DuckDB")
    assert re.search(
        r"'spark' \(a local Spark session under KAM_HOME\) or spark-thrift://host:10000/db", str(refused.value)
    )
    assert list(tmp_path.iterdir()) == []  # nothing was created, least of all a DuckDB file named like the value


@pytest.mark.parametrize(
    "warehouse", ["spark", "spark-thrift://h:10000/db", "postgresql://kam@db/kam", "var/warehouse.duckdb"]
)
def test_every_engine_name_is_accepted(monkeypatch, tmp_path, warehouse):
    monkeypatch.setenv("KAM_HOME", str(tmp_path))
    monkeypatch.delenv("KAM_WAREHOUSE_CONN_ID", raising=False)
    monkeypatch.setenv("KAM_WAREHOUSE", warehouse)
    assert load_settings().warehouse == warehouse
