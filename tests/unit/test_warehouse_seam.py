"""The warehouse seam: `open_warehouse` picks the engine, and no module outside kam.warehouse asks which it is."""

from __future__ import annotations

import ast
from dataclasses import replace
from pathlib import Path

from kam.config import load_settings
from kam.warehouse import open_warehouse, safe_url
from kam.warehouse.duckdb_warehouse import DuckDBWarehouse
from kam.warehouse.postgres_warehouse import PostgresWarehouse

ROOT = Path(__file__).resolve().parents[2]
SEAM = ROOT / "plugins" / "kam" / "warehouse"
ENGINE_QUESTIONS = {"warehouse_is_postgres", "is_postgres_url", "POSTGRES_PREFIXES"}


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
