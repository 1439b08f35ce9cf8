"""The PostgreSQL Warehouse's reads: DataFrames typed like DuckDB's, `?` parameters, recovery after an error."""

from __future__ import annotations

import duckdb
import psycopg2
import pytest

from kam.warehouse import warehouse_of
from kam.warehouse.duckdb_warehouse import DuckDBWarehouse
from kam.warehouse.postgres_warehouse import PostgresWarehouse

pytestmark = pytest.mark.postgres

TABLE_SQL = """create table {schema}.sample as
select * from (values
    (1, cast(10.50 as decimal(18,2)), cast(0.25 as double precision), true, cast('2026-10-15' as date), 'A', 7),
    (2, null, null, null, null, null, 8)
) as t(customer_key, revenue_12m, revenue_share, is_key_account, as_of_date, abc_revenue, months)"""


@pytest.fixture
def accesses(pg_database):
    pg = psycopg2.connect(pg_database)
    duck = duckdb.connect()
    with pg.cursor() as cur:
        cur.execute("create schema marts")
        cur.execute(
            TABLE_SQL.format(schema="marts")
            .replace("(1,", "(cast(1 as bigint),")
            .replace(", 7)", ", cast(7 as integer))")
        )
    pg.commit()
    duck.execute("create schema marts")
    duck.execute(
        TABLE_SQL.format(schema="marts").replace("(1,", "(cast(1 as bigint),").replace(", 7)", ", cast(7 as integer))")
    )
    yield warehouse_of(duck), warehouse_of(pg)
    pg.close()
    duck.close()


def test_warehouse_of_picks_the_engine_of_the_connection(accesses):
    duck, pg = accesses
    assert type(duck) is DuckDBWarehouse and type(pg) is PostgresWarehouse


def test_frames_have_the_dtypes_and_values_of_duckdb(accesses):
    duck, pg = accesses
    duck_frame = duck.frame("select * from marts.sample order by customer_key")
    pg_frame = pg.frame("select * from marts.sample order by customer_key")
    assert dict(pg_frame.dtypes.astype(str)) == dict(duck_frame.dtypes.astype(str))
    assert (
        pg_frame.astype(object).where(pg_frame.notna(), None).values.tolist()
        == duck_frame.astype(object).where(duck_frame.notna(), None).values.tolist()
    )


def test_question_mark_parameters_and_percent_literals(accesses):
    _, pg = accesses
    assert pg.fetchone("select count(*) from marts.sample where abc_revenue like 'A%' and months >= ?", [7]) == (1,)
    assert pg.table_exists("marts", "sample") and not pg.table_exists("marts", "nothing")
    assert pg.columns("marts", "sample")[:2] == ["customer_key", "revenue_12m"]


def test_a_failed_query_does_not_poison_the_next_check(accesses):
    _, pg = accesses
    with pytest.raises(psycopg2.errors.UndefinedTable):
        pg.fetchall("select * from marts.missing")
    assert pg.fetchone("select count(*) from marts.sample") == (2,)
